"""Paced breathing: the heart-rate swing within each breath of a pacer, and how closely heart rate
follows the pace. Pure numpy, batch: the live session calls it once a breath, never per beat.

Definitions (heart rate = 60000 / RR of clean beats, in order, on the beat clock):

- a **pacer breath** is one whole cycle of the pacer, ``[start, end)`` in seconds, ``60 / pace``
  long: breathing in for the first :data:`IN_SHARE` of it, out for the rest (in:out 4:6);
- its **swing** is the highest minus the lowest heart rate of the clean beats inside it (bpm). A
  breath's wave fits the cycle whole, so the swing does not depend on where in its breath the
  heart turns. It is read only when the breath's beats cover it: at least :data:`MIN_BEATS`, none
  more than :data:`MAX_SPACING_S` from the next (or from either end), no gap inside;
- the **following share** at time ``end`` is the share of heart-rate variation near the pace:
  heart rate over the last :data:`FOLLOW_WINDOW_S` (linearly interpolated at :data:`FS_HZ`, its
  straight-line trend removed, a Hann window, zero-padded to :data:`NFFT` points), the power
  within :data:`NEAR_HZ` of the pace over the power in :data:`BAND_HZ` (0.04-0.4 Hz, the band of
  the heart's breathing and slow rhythms). Heart rate that moves only with the pacer gives about
  0.87 (a 60-s window spreads even a pure wave a little); at rest the share at 6 a minute is small
  (P37 seated: 0.02), up to about 0.3 where the heart's own 0.1-Hz wave is strong (the simulated
  strap). Read only with at least :data:`MIN_FOLLOW_S` of beats without a gap.

The same measures of the person's own settle step (its stretch cut into pacer-length pieces; the
share at the pace) are what each breath is compared with: a swing measured this way is never
zero, even with no breathing at all, so only the comparison says what the pacer did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calmlink.signal.artifacts import detect_artifacts, split_segments

Floats = NDArray[np.float64]

DEFAULT_PACE = 6.0
"""Breaths a minute a breathe step paces when neither it nor the person has a pace of their own."""
IN_SHARE = 0.4
"""In:out 4:6, the ratio paced-breathing apps and protocols use (a longer out-breath)."""
MIN_BEATS = 3
MAX_SPACING_S = 3.0
MAX_HOLE_S = 6.0
"""The following share bridges a hole this long (a few beats set aside as artifacts) by a
straight line; a longer one, or a gap, starts its window afresh."""
FOLLOW_WINDOW_S = 60.0
MIN_FOLLOW_S = 45.0
FS_HZ = 4.0
NFFT = 2048
"""Zero-padded to 512 s at 4 Hz: bins 0.002 Hz apart, so ``NEAR_HZ`` holds fifteen of them."""
NEAR_HZ = 0.015
BAND_HZ = (0.04, 0.4)
MOSTLY = 0.5
"""A following share from this up reads "mostly": half or more of heart rate's movement is at the
pace (P37 seated: 0.02, P37 breathing to 6 a minute: 0.75; docs/breathe.md)."""
PARTLY = 0.3
"""From this up (and above the settle step's own share), "partly"; below, "not yet"."""


def cycles(start: float, end: float, breaths_per_min: float, origin: float | None = None
           ) -> tuple[Floats, Floats]:
    """The whole pacer breaths inside ``[start, end]``, each breath beginning at ``origin`` plus a
    whole number of breaths (``origin`` defaults to ``start``)."""
    period = 60.0 / breaths_per_min
    first = start if origin is None else origin + math.ceil((start - origin) / period - 1e-9) * period
    count = max(0, math.floor((end - first) / period + 1e-9))
    starts = first + period * np.arange(count, dtype=np.float64)
    return starts, starts + period


def cycle_swings(t: Floats, hr: Floats, starts: Floats, ends: Floats,
                 run: NDArray[np.int64] | None = None) -> Floats:
    """Each breath's swing (bpm; nan where its beats do not cover it) from clean beats at times
    ``t`` (s, rising) with heart rates ``hr``; ``run``: which run of beats (between gaps) each is."""
    out = np.full(starts.size, math.nan)
    if t.size == 0 or starts.size == 0:
        return out
    lo = np.searchsorted(t, starts, side="left")
    hi = np.searchsorted(t, ends, side="left")
    ok = hi - lo >= MIN_BEATS
    if not ok.any():
        return out
    lo, hi = lo[ok], hi[ok]
    bounds = np.column_stack([lo, hi]).ravel()  # reduceat: [lo, hi) at the even places
    padded = np.append(hr, hr[-1])  # so that hi may be one past the last beat
    top = np.maximum.reduceat(padded, bounds)[::2]
    bottom = np.minimum.reduceat(padded, bounds)[::2]
    inner = np.maximum(t[lo] - starts[ok], ends[ok] - t[hi - 1])
    steps_inside = _max_step_inside(t, lo, hi)
    covered = (inner <= MAX_SPACING_S) & (steps_inside <= MAX_SPACING_S)
    if run is not None:
        covered &= run[lo] == run[hi - 1]
    out[np.flatnonzero(ok)] = np.where(covered, top - bottom, math.nan)
    return out


def _max_step_inside(t: Floats, lo: NDArray[np.intp], hi: NDArray[np.intp]) -> Floats:
    """The largest step between successive beats within each ``[lo, hi)`` (0 for one beat)."""
    steps = np.diff(t)
    out = np.zeros(lo.size)
    many = hi - lo >= 2
    if many.any():
        a, b = lo[many], hi[many] - 1  # steps a .. b-1 lie inside
        bounds = np.column_stack([a, b]).ravel()
        out[many] = np.maximum.reduceat(np.append(steps, 0.0), bounds)[::2]
    return out


def periodogram(t: Floats, hr: Floats, start: float, end: float) -> tuple[Floats, Floats]:
    """Heart rate's one-sided power spectral density (bpm²/Hz) over ``[start, end]``: linear
    interpolation at :data:`FS_HZ`, linear detrend, periodic Hann window, :data:`NFFT` points:
    ``scipy.signal.periodogram(x, 4, "hann", 2048, "linear")`` (tests/test_paced.py checks it)."""
    grid = np.arange(start, end, 1.0 / FS_HZ)
    x = np.interp(grid, t, hr)
    n = x.size
    k = np.arange(n, dtype=np.float64)
    k -= k.mean()
    x = x - x.mean()
    if n > 1:
        x = x - (x @ k) / (k @ k) * k
    win = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)
    nfft = max(NFFT, n)
    psd: Floats = np.abs(np.fft.rfft(x * win, nfft)) ** 2 / (FS_HZ * np.sum(win * win))
    psd[1:-1 if nfft % 2 == 0 else None] *= 2.0
    freqs: Floats = np.asarray(np.fft.rfftfreq(nfft, 1.0 / FS_HZ), dtype=np.float64)
    return freqs, psd


def near_power(freqs: Floats, psd: Floats, pace_per_min: float) -> tuple[float, float]:
    """(power within :data:`NEAR_HZ` of the pace, power in :data:`BAND_HZ`), in bpm²."""
    df = float(freqs[1] - freqs[0])
    pace = pace_per_min / 60.0
    near = np.abs(freqs - pace) <= NEAR_HZ
    band = (freqs >= BAND_HZ[0]) & (freqs <= BAND_HZ[1])
    return float(psd[near].sum() * df), float(psd[band].sum() * df)


def usable_start(t: Floats, end: float, window_s: float, run: NDArray[np.int64] | None = None
                 ) -> float:
    """Where the last ``window_s`` before ``end`` can begin: after the last gap (a new run, or
    beats more than :data:`MAX_HOLE_S` apart) and no earlier than ``end - window_s``."""
    a = int(np.searchsorted(t, end - window_s, side="left"))
    b = int(np.searchsorted(t, end, side="right"))
    if b - a < 2:
        return math.inf
    seg = t[a:b]
    breaks = np.flatnonzero(np.diff(seg) > MAX_HOLE_S) + 1
    if run is not None:
        breaks = np.union1d(breaks, np.flatnonzero(np.diff(run[a:b]) != 0) + 1)
    first = int(breaks[-1]) if breaks.size else 0
    return max(float(seg[first]), end - window_s)


def following_share(t: Floats, hr: Floats, pace_per_min: float, end: float,
                    run: NDArray[np.int64] | None = None, window_s: float = FOLLOW_WINDOW_S
                    ) -> float:
    """The following share at ``end`` (nan with under :data:`MIN_FOLLOW_S` of beats)."""
    start = usable_start(t, end, window_s, run)
    last = t[int(np.searchsorted(t, end, side="right")) - 1] if t.size else -math.inf
    if not end - start >= MIN_FOLLOW_S or last - start < MIN_FOLLOW_S:
        return math.nan
    freqs, psd = periodogram(t, hr, start, min(end, float(last)))
    near, band = near_power(freqs, psd, pace_per_min)
    return near / band if band > 0 else math.nan


def following_word(share: float, settle_share: float | None = None) -> str | None:
    """``mostly``, ``partly`` or ``not-yet`` (None when the share could not be read)."""
    if not math.isfinite(share):
        return None
    if share >= MOSTLY:
        return "mostly"
    above = settle_share is None or not math.isfinite(settle_share) or share > settle_share
    return "partly" if share >= PARTLY and above else "not-yet"


def settle_reference(t: Floats, hr: Floats, start: float, end: float, pace_per_min: float,
                     run: NDArray[np.int64] | None = None) -> tuple[float, float]:
    """(median swing of the stretch cut into pacer-length pieces, the following share at the pace
    over the whole stretch): the settle step as the breaths are compared with it."""
    starts, ends = cycles(start, end, pace_per_min)
    swings = cycle_swings(t, hr, starts, ends, run)
    finite = swings[np.isfinite(swings)]
    share = following_share(t, hr, pace_per_min, end, run, window_s=max(end - start, 1.0))
    return (float(np.median(finite)) if finite.size else math.nan), share


def clean_beats(t_s: Floats, rr_ms: Floats, gap_before: NDArray[np.bool_] | None = None,
                flagged: NDArray[np.bool_] | None = None
                ) -> tuple[Floats, Floats, NDArray[np.int64]]:
    """A recording's clean beats as (times, heart rates, run of each): gaps split it into runs
    (:func:`calmlink.signal.artifacts.split_segments`), artifacts are left out (the batch
    detector, the sensor's own marks)."""
    keep_t: list[Floats] = []
    keep_hr: list[Floats] = []
    runs: list[NDArray[np.int64]] = []
    for k, where in enumerate(split_segments(rr_ms, gap_before)):
        rr = np.asarray(rr_ms[where], dtype=np.float64)
        bad = detect_artifacts(rr, None if flagged is None else flagged[where]).any
        keep_t.append(np.asarray(t_s[where], dtype=np.float64)[~bad])
        keep_hr.append(60000.0 / rr[~bad])
        runs.append(np.full(int((~bad).sum()), k, dtype=np.int64))
    if not keep_t:
        return np.empty(0), np.empty(0), np.empty(0, dtype=np.int64)
    return np.concatenate(keep_t), np.concatenate(keep_hr), np.concatenate(runs)


@dataclass(frozen=True, slots=True)
class PacedReport:
    """A stretch of paced breathing, breath by breath (``calmlink analyze --pace``)."""

    breaths_per_min: float
    starts_s: tuple[float, ...]
    swings_bpm: tuple[float | None, ...]
    """Each whole pacer breath's swing (None where its beats do not cover it)."""
    shares: tuple[float | None, ...]
    """The following share at the end of each breath (None before 45 s of beats)."""

    @property
    def swing_bpm(self) -> float | None:
        """The median breath's swing."""
        found = [x for x in self.swings_bpm if x is not None]
        return float(np.median(found)) if found else None

    @property
    def share(self) -> float | None:
        """The median following share."""
        found = [x for x in self.shares if x is not None]
        return float(np.median(found)) if found else None


def paced_report(t: Floats, hr: Floats, run: NDArray[np.int64] | None, breaths_per_min: float,
                 start: float, end: float) -> PacedReport:
    """Every whole pacer breath from ``start`` to ``end`` (its first breath beginning at
    ``start``), with its swing and the following share as the breath ends."""
    starts, ends = cycles(start, end, breaths_per_min)
    swings = cycle_swings(t, hr, starts, ends, run)
    shares = [following_share(t, hr, breaths_per_min, float(e), run) for e in ends]

    def some(x: float) -> float | None:
        return None if not math.isfinite(x) else round(float(x), 3)
    return PacedReport(breaths_per_min, tuple(round(float(a), 3) for a in starts),
                       tuple(some(x) for x in swings), tuple(some(x) for x in shares))
