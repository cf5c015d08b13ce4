"""Heart-rate swing with each breath: how far heart rate rises and falls within a breath, in bpm.

Breathing moves the heart (respiratory sinus arrhythmia): heart rate rises while breathing in and
falls while breathing out. Slow, deep breathing near 6 a minute makes that swing several times
larger while mean heart rate barely moves; mental effort and exercise shrink it. Successive
differences (RMSSD) see a slow swing only through the small steps between neighbouring beats, so
they register it at about half its size in log terms; the swing itself is read here directly, as
OpenHRV's "local HRV" reads it (its per-reversal amplitude), with one change: a turn counts only once
heart rate has come back from it by more than ``HYSTERESIS_BPM``, so a beat's own jitter near a
crest does not cut one breath into several small ones.

Definitions (heart rate = 60000 / RR of clean beats, in order, runs split at gaps):

- a **turn** is the highest (or lowest) heart rate since the previous turn, confirmed at the first
  beat that lies more than ``hysteresis_bpm`` below (above) it; turns alternate, peak and trough;
- a **half-swing** is the difference between two successive turns of the same run (a rise, trough
  to peak, or a fall, peak to trough), dated at the beat that confirmed the later turn; it lasted
  from the confirmation of the earlier turn to that of the later one (half a breath);
- a **breath's swing** is its peak minus the mean of the troughs on either side (a steady drift of
  heart rate cancels), dated at the beat that confirmed the closing trough;
- the **windowed swing** at time t is the median of the half-swings dated in (t - window_s, t]:
  a median over a minute, so that one sigh (one deep breath: a few large half-swings among a few
  dozen) moves it little; every half-breath counts once, whatever its length. (Weighing each by how
  long it lasted would turn over sooner after breathing slows, but lets the heart's own slow waves
  outweigh fast, shallow breaths: over 30 s on the shared recordings it read mental arithmetic as
  calmer for three more people.)

:func:`half_swings`, :func:`breath_swings` and :func:`windowed_swing` are the batch forms;
:class:`SwingTracker` is the per-beat form and gives the same numbers: a few comparisons per beat,
and at each turn one insertion into the window's sorted few dozen half-swings (bisection).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque
from itertools import pairwise
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]

HYSTERESIS_BPM = 1.0
"""A turn needs heart rate to come back by more than this. Beat-to-beat jitter that is not breathing
is a few tenths of a bpm at rest; the smallest breath swing at rest is a couple of bpm. One bpm lies
between, and is also about one 15.6-ms step of a wrist sensor's timing at 60 bpm."""
WINDOW_S = 60.0
"""The windowed swing's span: six breaths at 6 a minute, fourteen at 14, as long as the settle
step's baseline minute. Half as long would show a change of breathing about 15 s sooner, but one
sigh would then move the gauge by more than 5 points for more than 5 s in 13 of 100 simulated
people instead of 3 (docs/relaxation.md)."""
IQR_PER_SD = 1.349
"""The interquartile range of a normal distribution in standard deviations."""


class HalfSwings(NamedTuple):
    t: Floats
    """When each was known (s)."""
    bpm: Floats
    seconds: Floats
    """How long each lasted."""
    run: NDArray[np.int64]
    """Which run of beats (between gaps) each belongs to."""


def _turns(hr: Floats, hysteresis: float) -> list[tuple[float, int, bool]]:
    """The turns of one run: (value, index of the beat that confirmed it, whether it is a peak)."""
    out: list[tuple[float, int, bool]] = []
    if hr.size == 0:
        return out
    hi = lo = float(hr[0])
    direction = 0  # 0: not yet known; +1 rising (tracking a peak); -1 falling (tracking a trough)
    for i in range(1, hr.size):
        x = float(hr[i])
        if direction == 0:
            hi, lo = max(hi, x), min(lo, x)
            if x - lo > hysteresis:
                out.append((lo, i, False))
                direction, hi = 1, x
            elif hi - x > hysteresis:
                out.append((hi, i, True))
                direction, lo = -1, x
        elif direction == 1:
            if x >= hi:
                hi = x
            elif hi - x > hysteresis:
                out.append((hi, i, True))
                direction, lo = -1, x
        elif x <= lo:
            lo = x
        elif x - lo > hysteresis:
            out.append((lo, i, False))
            direction, hi = 1, x
    return out


def _runs(n: int, gap_before: NDArray[np.bool_] | None) -> list[tuple[int, int]]:
    starts = [0] if gap_before is None else [0, *(int(i) for i in np.flatnonzero(gap_before) if i)]
    return list(pairwise([*starts, n]))


def half_swings(t: Floats, hr: Floats, gap_before: NDArray[np.bool_] | None = None,
                hysteresis_bpm: float = HYSTERESIS_BPM) -> HalfSwings:
    """Every half-swing of a recording's clean beats (times ``t`` in s, heart rate ``hr`` in bpm)."""
    out: list[tuple[float, float, float, int]] = []
    for run, (a, b) in enumerate(_runs(hr.size, gap_before)):
        turns = _turns(np.asarray(hr[a:b], dtype=np.float64), hysteresis_bpm)
        for (v0, k0, _), (v1, k1, _) in pairwise(turns):
            out.append((float(t[a + k1]), abs(v1 - v0), float(t[a + k1] - t[a + k0]), run))
    cols = list(zip(*out, strict=True)) if out else [(), (), (), ()]
    return HalfSwings(np.array(cols[0], dtype=np.float64), np.array(cols[1], dtype=np.float64),
                      np.array(cols[2], dtype=np.float64), np.array(cols[3], dtype=np.int64))


def breath_swings(t: Floats, hr: Floats, gap_before: NDArray[np.bool_] | None = None,
                  hysteresis_bpm: float = HYSTERESIS_BPM) -> tuple[Floats, Floats]:
    """Every whole breath (trough, peak, trough): (time it was known, peak minus the mean of its
    troughs, in bpm). This is the number a person can watch grow with slower breathing."""
    times: list[float] = []
    swings: list[float] = []
    for a, b in _runs(hr.size, gap_before):
        turns = _turns(np.asarray(hr[a:b], dtype=np.float64), hysteresis_bpm)
        for (v0, _, peak), (v1, _, _), (v2, k, _) in zip(turns, turns[1:], turns[2:], strict=False):
            if not peak:  # a trough, a peak, a trough
                times.append(float(t[a + k]))
                swings.append(v1 - (v0 + v2) / 2.0)
    return np.array(times), np.array(swings)


def _summary(ordered: list[float]) -> tuple[float, float]:
    """(median, ln(upper / lower quartile) / IQR_PER_SD) of sorted values; the quartiles are the
    values n // 4 from either end (nan below three values)."""
    n = len(ordered)
    if n == 0:
        return math.nan, math.nan
    median = ordered[n // 2] if n % 2 else 0.5 * (ordered[n // 2 - 1] + ordered[n // 2])
    lower = ordered[n // 4]
    if n < 3 or lower <= 0.0:
        return median, math.nan
    return median, math.log(ordered[n - 1 - n // 4] / lower) / IQR_PER_SD


def windowed_swing(times: Floats, bpm: Floats, at: Floats, window_s: float = WINDOW_S) -> Floats:
    """The windowed swing at each time in ``at``: the median of the half-swings (``times``,
    ``bpm`` from :func:`half_swings`) known in (at - window_s, at], nan where there is none."""
    lo = np.searchsorted(times, np.asarray(at) - window_s, side="right")
    hi = np.searchsorted(times, at, side="right")
    return np.array([float(np.median(bpm[a:b])) if b > a else math.nan
                     for a, b in zip(lo, hi, strict=True)])


class SwingTracker:
    """The per-beat form: push clean beats in time order; read :attr:`median_bpm`, :attr:`n` and
    :attr:`spread_ln` (all recomputed only when a half-swing enters or leaves the window)."""

    __slots__ = ("_dir", "_hi", "_last", "_lo", "_prev_trough", "_recent", "_sorted", "_summary",
                 "breath_bpm", "hysteresis", "window_s")

    def __init__(self, window_s: float = WINDOW_S, hysteresis_bpm: float = HYSTERESIS_BPM) -> None:
        self.window_s = window_s
        self.hysteresis = hysteresis_bpm
        self._recent: deque[tuple[float, float]] = deque()  # (time known, bpm), in time order
        self._sorted: list[float] = []  # the same half-swings, sorted
        self._summary = (math.nan, math.nan)
        self.breath_bpm: float | None = None
        """The last whole breath's swing (peak minus the mean of its troughs), or None."""
        self.new_run()

    def new_run(self) -> None:
        """A gap: the next beat starts a new run, and no turn or swing spans the gap."""
        self._dir = 0
        self._hi = self._lo = math.nan
        self._last = math.nan  # the previous turn of this run
        self._prev_trough = math.nan

    def push(self, t: float, hr_bpm: float) -> float | None:
        """One clean beat's heart rate at its time ``t`` (s); the half-swing it completed, if any."""
        d, h, done = self._dir, self.hysteresis, None
        if d == 1:
            if hr_bpm >= self._hi:
                self._hi = hr_bpm
            elif self._hi - hr_bpm > h:
                done = self._turn(t, self._hi, trough=False)
                self._dir, self._lo = -1, hr_bpm
        elif d == -1:
            if hr_bpm <= self._lo:
                self._lo = hr_bpm
            elif hr_bpm - self._lo > h:
                done = self._turn(t, self._lo, trough=True)
                self._dir, self._hi = 1, hr_bpm
        elif self._hi != self._hi:  # the run's first beat (nan is not equal to itself)
            self._hi = self._lo = hr_bpm
        else:
            self._hi, self._lo = max(self._hi, hr_bpm), min(self._lo, hr_bpm)
            if hr_bpm - self._lo > h:
                done = self._turn(t, self._lo, trough=True)
                self._dir, self._hi = 1, hr_bpm
            elif self._hi - hr_bpm > h:
                done = self._turn(t, self._hi, trough=False)
                self._dir, self._lo = -1, hr_bpm
        if self._recent and self._recent[0][0] <= t - self.window_s:
            self._evict(t - self.window_s)
        return done

    def _turn(self, t: float, value: float, *, trough: bool) -> float | None:
        last, swing = self._last, None
        if last == last:  # a previous turn in this run (nan is not equal to itself)
            swing = abs(value - last)
            self._recent.append((t, swing))
            insort(self._sorted, swing)
            self._summary = _summary(self._sorted)
            if trough and self._prev_trough == self._prev_trough:
                self.breath_bpm = last - (self._prev_trough + value) / 2.0
        if trough:
            self._prev_trough = value
        self._last = value
        return swing

    def _evict(self, edge: float) -> None:
        recent, ordered = self._recent, self._sorted
        while recent and recent[0][0] <= edge:
            del ordered[bisect_left(ordered, recent.popleft()[1])]
        self._summary = _summary(ordered)

    @property
    def n(self) -> int:
        """Half-swings in the window."""
        return len(self._sorted)

    @property
    def median_bpm(self) -> float:
        """The windowed swing (nan when the window holds none)."""
        return self._summary[0]

    @property
    def spread_ln(self) -> float:
        """How much the window's half-swings differ: ln(upper / lower quartile) / 1.349, about the
        standard deviation of their logs (nan below three)."""
        return self._summary[1]
