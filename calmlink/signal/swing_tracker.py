"""The heart-rate swing with each breath, per beat (:class:`SwingTracker`): the same numbers as the
batch forms in :mod:`calmlink.signal.swing` (its docstring has the definitions), at a few comparisons
per beat and, once a breath, one insertion into the window's sorted dozen breaths (bisection)."""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque

from calmlink.signal.swing import HYSTERESIS_BPM, WINDOW_S, middle_mean, summary


class SwingTracker:
    """The per-beat form: push clean beats in time order; read :attr:`median_bpm`, :attr:`n` and
    :attr:`spread_ln`, plain attributes that change only when a breath closes (or when the window
    has gone a whole window without one), and :attr:`version`, which counts those changes."""

    __slots__ = ("_dir", "_floors", "_floors_sorted", "_hi", "_last", "_lo", "_newest",
                 "_prev_trough", "_sorted", "_times", "_trough_t", "_values", "breath_bpm", "breath_floor",
                 "breath_s", "completed", "floor_bpm", "hysteresis", "median_bpm", "n", "spread_ln",
                 "version", "window_s")

    def __init__(self, window_s: float = WINDOW_S, hysteresis_bpm: float = HYSTERESIS_BPM) -> None:
        self.window_s = window_s
        self.hysteresis = hysteresis_bpm
        self._times: deque[float] = deque()  # when each breath in the window was known
        self._values: deque[float] = deque()  # and its swing (bpm), in the same order
        self._sorted: list[float] = []  # the same swings, sorted
        self._floors: deque[float] = deque()  # each breath's floor, in the same order
        self._floors_sorted: list[float] = []
        self._newest = math.inf  # when the latest breath in the window was known
        self.median_bpm = math.nan
        """The windowed swing (nan when the window holds none)."""
        self.n = 0
        """Breaths in the window."""
        self.spread_ln = math.nan
        """How much the window's breaths differ: ln(upper / lower quartile) / 1.349, about the
        standard deviation of their logs (nan below three)."""
        self.version = 0
        self.completed: float | None = None
        """The swing of the breath the latest beat closed, or None."""
        self.breath_bpm: float | None = None
        """The last whole breath's swing (peak minus the mean of its troughs), or None."""
        self.breath_floor: float | None = None
        """The last whole breath's floor: the mean of its two troughs (bpm), or None."""
        self.breath_s = math.nan
        """How long the last whole breath lasted, from one trough's confirmation to the next's."""
        self.floor_bpm = math.nan
        """The breath's floor over the window: the median of the window's breaths' floors, the
        lowest heart rate of each breath (the end of breathing out; nan when the window holds
        none)."""
        self._trough_t = math.nan
        self.new_run()

    def new_run(self) -> None:
        """A gap: the next beat starts a new run, and no turn or swing spans the gap."""
        self._dir = 0
        self._hi = self._lo = math.nan
        self._last = math.nan  # the previous turn of this run (a peak, when a trough follows)
        self._prev_trough = math.nan
        self._trough_t = math.nan

    def push(self, t: float, hr_bpm: float) -> None:
        """One clean beat's heart rate at its time ``t`` (s)."""
        d = self._dir
        self.completed = None
        if d == 1:
            if hr_bpm >= self._hi:
                self._hi = hr_bpm
            elif self._hi - hr_bpm > self.hysteresis:
                self._turn(t, self._hi, False)
                self._dir, self._lo = -1, hr_bpm
        elif d == -1:
            if hr_bpm <= self._lo:
                self._lo = hr_bpm
            elif hr_bpm - self._lo > self.hysteresis:
                self._turn(t, self._lo, True)
                self._dir, self._hi = 1, hr_bpm
        elif self._hi != self._hi:  # the run's first beat (nan is not equal to itself)
            self._hi = self._lo = hr_bpm
        else:
            self._hi, self._lo = max(self._hi, hr_bpm), min(self._lo, hr_bpm)
            if hr_bpm - self._lo > self.hysteresis:
                self._turn(t, self._lo, True)
                self._dir, self._hi = 1, hr_bpm
            elif self._hi - hr_bpm > self.hysteresis:
                self._turn(t, self._hi, False)
                self._dir, self._lo = -1, hr_bpm
        if self._newest <= t - self.window_s:  # a window without a breath: nothing left to read
            self._times.clear()
            self._values.clear()
            self._sorted.clear()
            self._floors.clear()
            self._floors_sorted.clear()
            self._newest = math.inf
            self._refresh()

    def _turn(self, t: float, value: float, trough: bool) -> None:
        last = self._last
        if trough:
            prev = self._prev_trough
            if last == last and prev == prev:  # a trough, a peak, a trough: one more breath
                swing = self.completed = self.breath_bpm = last - (prev + value) / 2.0
                floor = self.breath_floor = value
                self.breath_s = t - self._trough_t
                times, values, ordered = self._times, self._values, self._sorted
                floors, floors_sorted = self._floors, self._floors_sorted
                times.append(t)
                values.append(swing)
                floors.append(floor)
                insort(ordered, swing)
                insort(floors_sorted, floor)
                while times[0] <= t - self.window_s:
                    times.popleft()
                    del ordered[bisect_left(ordered, values.popleft())]
                    del floors_sorted[bisect_left(floors_sorted, floors.popleft())]
                self._newest = t
                self._refresh()
            self._prev_trough = value
            self._trough_t = t
        self._last = value

    def forget_previous(self) -> None:
        """Leave the breath before the latest out of the window (a deep breath, known one breath
        later: one sigh should not move the reading of ordinary breathing)."""
        if len(self._times) < 2:
            return
        for queue, ordered in ((self._values, self._sorted), (self._floors, self._floors_sorted)):
            value = queue[-2]
            del queue[-2]
            del ordered[bisect_left(ordered, value)]
        del self._times[-2]
        self._refresh()

    def _refresh(self) -> None:
        self.n = len(self._sorted)
        self.median_bpm, self.spread_ln = summary(self._sorted)
        self.floor_bpm = middle_mean(self._floors_sorted)
        self.version += 1
