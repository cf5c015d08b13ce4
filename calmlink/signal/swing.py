"""Heart-rate swing with each breath: how far heart rate rises and falls within a breath, in bpm.

Breathing moves the heart (respiratory sinus arrhythmia): heart rate rises while breathing in and
falls while breathing out. Slow, deep breathing near 6 a minute makes that swing several times
larger while mean heart rate barely moves; mental effort and exercise shrink it. Successive
differences (RMSSD) see a slow swing only through the small steps between neighbouring beats, so
they register it at about half its size in log terms; the swing itself is read here directly, as
OpenHRV's "local HRV" reads it (the distance between successive reversals), with two changes: a
turn counts only once heart rate has come back from it by more than ``HYSTERESIS_BPM``, so a beat's
own jitter near a crest does not cut one breath into several small ones; and the gauge takes whole
breaths, each its peak above the troughs either side.

Definitions (heart rate = 60000 / RR of clean beats, in order, runs split at gaps):

- a **turn** is the highest (or lowest) heart rate since the previous turn, confirmed at the first
  beat that lies more than ``hysteresis_bpm`` below (above) it; turns alternate, peak and trough;
- a **half-swing** is the difference between two successive turns of the same run (a rise, trough
  to peak, or a fall, peak to trough), dated at the beat that confirmed the later turn;
- a **breath's swing** is the peak of a trough-peak-trough in the same run minus the mean of its
  two troughs (so a steady drift of heart rate cancels), dated at the beat that confirmed the
  closing trough; it lasted from one trough's confirmation to the other's;
- the **windowed swing** at time t is the median of the breath swings dated in (u - window_s, u],
  u being the date of the latest breath known at t (none if that is window_s old): the breaths of
  the last ``WINDOW_S`` as of the latest, so it changes once a breath. A median of whole breaths, so that one
  sigh (one deep breath among a dozen) moves it little; every breath counts once, whatever its
  length. (Weighing each by how long it lasted turns over sooner after breathing slows, but lets
  the heart's own slow waves outweigh fast, shallow breaths: tried with half-breaths over 30 s, it
  read mental arithmetic as calmer for three more of the 25 GUDB people.)

:func:`half_swings`, :func:`breath_swings` and :func:`windowed_swing` are the batch forms;
:class:`~calmlink.signal.swing_tracker.SwingTracker` is the per-beat form and gives the same
numbers: a few comparisons per beat, and once a breath one insertion into the window's sorted dozen
breaths (bisection).
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]

HYSTERESIS_BPM = 1.0
"""A turn needs heart rate to come back by more than this. Beat-to-beat jitter that is not breathing
is a few tenths of a bpm at rest; the smallest breath swing at rest is a couple of bpm. One bpm lies
between, and is also about one 15.6-ms step of a wrist sensor's timing at 60 bpm."""
WINDOW_S = 45.0
"""The windowed swing's span: four or five breaths at 6 a minute, ten at 14. On the simulated
population (docs/relaxation.md) half of a change of breathing shows on the gauge after 46 s and one
sigh moves it by more than 5 points for more than 5 s in 1 of 100 people; over 30 s: 34 s and 10 of
100; over 60 s: 56 s and 2 of 100. The shared recordings read the same with any of the three."""
IQR_PER_SD = 1.349
"""The interquartile range of a normal distribution in standard deviations."""


class Swings(NamedTuple):
    """Half-swings or breath swings of a recording, in the order they were known."""

    t: Floats
    """When each was known (s)."""
    bpm: Floats
    seconds: Floats
    """How long each lasted: half a breath, or a whole breath."""
    run: NDArray[np.int64]
    """Which run of beats (between gaps) each belongs to."""


def _swings(rows: list[tuple[float, float, float, int]]) -> Swings:
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    return Swings(np.array(cols[0], dtype=np.float64), np.array(cols[1], dtype=np.float64),
                  np.array(cols[2], dtype=np.float64), np.array(cols[3], dtype=np.int64))


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
                hysteresis_bpm: float = HYSTERESIS_BPM) -> Swings:
    """Every half-swing of a recording's clean beats (times ``t`` in s, heart rate ``hr`` in bpm)."""
    out: list[tuple[float, float, float, int]] = []
    for run, (a, b) in enumerate(_runs(hr.size, gap_before)):
        turns = _turns(np.asarray(hr[a:b], dtype=np.float64), hysteresis_bpm)
        for (v0, k0, _), (v1, k1, _) in pairwise(turns):
            out.append((float(t[a + k1]), abs(v1 - v0), float(t[a + k1] - t[a + k0]), run))
    return _swings(out)


def breath_swings(t: Floats, hr: Floats, gap_before: NDArray[np.bool_] | None = None,
                  hysteresis_bpm: float = HYSTERESIS_BPM) -> Swings:
    """Every whole breath (trough, peak, trough) of a recording's clean beats: its peak minus the
    mean of its troughs, in bpm. The number a person can watch grow as breathing slows."""
    out: list[tuple[float, float, float, int]] = []
    for run, (a, b) in enumerate(_runs(hr.size, gap_before)):
        turns = _turns(np.asarray(hr[a:b], dtype=np.float64), hysteresis_bpm)
        for (v0, k0, peak), (v1, _, _), (v2, k2, _) in zip(turns, turns[1:], turns[2:],
                                                            strict=False):
            if not peak:
                out.append((float(t[a + k2]), v1 - (v0 + v2) / 2.0, float(t[a + k2] - t[a + k0]),
                            run))
    return _swings(out)


def typical_swing(t: Floats, hr: Floats, gap_before: NDArray[np.bool_] | None = None
                  ) -> tuple[float, int]:
    """(median breath swing in bpm, number of breaths) of a stretch of clean beats: a review's
    step or half a step (nan and 0 without a breath)."""
    swings = breath_swings(t, hr, gap_before).bpm
    return (float(np.median(swings)) if swings.size else math.nan), int(swings.size)


def summary(ordered: list[float]) -> tuple[float, float]:
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


def middle_mean(ordered: list[float]) -> float:
    """The mean of the middle half of sorted values (the n // 4 lowest and highest left out; nan
    when empty): as robust as the median to one deep breath, steadier when one breath more or less
    is in the window."""
    n = len(ordered)
    if n == 0:
        return math.nan
    q = n // 4
    middle = ordered[q:n - q]
    return sum(middle) / len(middle)


def windowed_swing(times: Floats, bpm: Floats, at: Floats, window_s: float = WINDOW_S) -> Floats:
    """The windowed swing at each time in ``at``, from the breath swings (``times``, ``bpm``) of
    :func:`breath_swings`; nan where there is none."""
    hi = np.searchsorted(times, at, side="right")  # the half-swings known at each time
    if times.size == 0:
        return np.full(hi.size, math.nan)
    latest = np.where(hi > 0, times[np.maximum(hi - 1, 0)], -math.inf)
    lo = np.searchsorted(times, latest - window_s, side="right")
    fresh = latest > np.asarray(at) - window_s
    return np.array([float(np.median(bpm[a:b])) if ok and b > a else math.nan
                     for a, b, ok in zip(lo, hi, fresh, strict=True)])
