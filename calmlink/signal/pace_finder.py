"""The pace finder: which breathing pace gives a person the largest heart-rate swing. Pure numpy.

A finding session breathes about two minutes at each of several paces (6.5, 6, 5.5, 5 and 4.5 a
minute, after a settle minute). For each pace (a :class:`PaceTrial`) it keeps the mean swing of
its pacer breaths (:func:`calmlink.signal.paced.cycle_swings`), the standard error of that mean,
and the heart-rate power near the pace (:func:`calmlink.signal.paced.near_power`).

The rule (:func:`find_pace`), decided on simulated people (docs/breathe.md,
tests/test_pace_finder.py) rather than hoped:

1. the pick is the pace with the largest mean swing;
2. the spectrum must agree: the pace with the most heart-rate power near its own pace is the pick
   or next to it (half a breath a minute away);
3. the pick must beat every pace a breath a minute or more away by more than :data:`MARGIN_SE`
   times the standard error of the difference: its neighbours may come close (either would do),
   paces further off may not;
4. at least :data:`MIN_TRIALS` paces with :data:`MIN_BREATHS` readable breaths each.

Otherwise there is **no clear best pace**, said as plainly as a pick (never a random pick): a
person whose swing is about the same at every pace gets that in 74 of 100 simulated runs, and a
person with a resonance peak gets a pace within half a breath a minute of it in 94 of 100.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calmlink.signal.paced import cycle_swings, cycles, near_power, periodogram

Floats = NDArray[np.float64]

FINDER_PACES: tuple[float, ...] = (6.5, 6.0, 5.5, 5.0, 4.5)
FINDER_STEP_S = 120.0
MARGIN_SE = 1.25
"""How many standard errors of the difference the pick must beat the paces a breath a minute or
more away by. 1 gives peaked people 94 of 100 and flat ones "no clear best" in 70; 1.5, 91 and 79;
2, 86 and 91 (benchmarks/pace_finder.py prints the table)."""
NEIGHBOUR = 0.5
"""Paces this close to the pick count as the same answer."""
MIN_TRIALS = 3
MIN_BREATHS = 5


@dataclass(frozen=True, slots=True)
class PaceTrial:
    """One pace of a finding session."""

    breaths_per_min: float
    swing_bpm: float | None
    """The mean swing of its breaths (bpm), None without readable breaths."""
    swing_se_bpm: float | None
    """The standard error of that mean (bpm)."""
    breaths: int
    power_bpm2: float | None
    """Heart rate's power within 0.015 Hz of the pace (bpm²)."""


@dataclass(frozen=True, slots=True)
class PaceFinding:
    pace: float | None
    """The pace found, or None: no clear best pace."""
    why: str
    """``clear``; or why not: ``too-few`` (too few readable paces), ``spectrum-disagrees`` or
    ``too-close`` (a pace a breath a minute away came within the uncertainty)."""
    largest_swing: float | None
    """The pace with the largest mean swing, whether or not it is clear."""
    spectrum_peak: float | None
    """The pace with the most heart-rate power near itself."""
    trials: tuple[PaceTrial, ...]


def trial(t: Floats, hr: Floats, start: float, end: float, breaths_per_min: float,
          run: NDArray[np.int64] | None = None, origin: float | None = None) -> PaceTrial:
    """A pace's figures from the clean beats (times ``t``, heart rate ``hr``) of its stretch
    ``[start, end]``, its breaths counted from ``origin`` (default: ``start``)."""
    starts, ends = cycles(start, end, breaths_per_min, origin)
    swings = cycle_swings(t, hr, starts, ends, run)
    swings = swings[np.isfinite(swings)]
    inside = t[(t >= start) & (t <= end)]
    power = None
    if inside.size >= 10 and inside[-1] - inside[0] >= 0.75 * (end - start):
        freqs, psd = periodogram(t, hr, float(inside[0]), float(inside[-1]))
        power = near_power(freqs, psd, breaths_per_min)[0]
    n = int(swings.size)
    return PaceTrial(breaths_per_min, float(np.mean(swings)) if n else None,
                     float(np.std(swings, ddof=1) / math.sqrt(n)) if n >= 2 else None, n, power)


def find_pace(trials: Sequence[PaceTrial], margin_se: float = MARGIN_SE) -> PaceFinding:
    """The rule of the module docstring (``margin_se``: its third step's margin)."""
    usable = [x for x in trials if x.swing_bpm is not None and x.swing_se_bpm is not None
              and x.breaths >= MIN_BREATHS and x.power_bpm2 is not None]
    if len(usable) < MIN_TRIALS:
        return PaceFinding(None, "too-few", None, None, tuple(trials))
    best = max(usable, key=lambda x: x.swing_bpm or 0.0)
    peak = max(usable, key=lambda x: x.power_bpm2 or 0.0)
    pick, spectral = best.breaths_per_min, peak.breaths_per_min
    found = PaceFinding(pick, "clear", pick, spectral, tuple(trials))
    if abs(spectral - pick) > NEIGHBOUR + 1e-9:
        return PaceFinding(None, "spectrum-disagrees", pick, spectral, tuple(trials))
    assert best.swing_bpm is not None and best.swing_se_bpm is not None
    for other in usable:
        if abs(other.breaths_per_min - pick) < 2 * NEIGHBOUR - 1e-9:
            continue
        assert other.swing_bpm is not None and other.swing_se_bpm is not None
        se = math.hypot(best.swing_se_bpm, other.swing_se_bpm)
        if best.swing_bpm - other.swing_bpm <= margin_se * se:
            return PaceFinding(None, "too-close", pick, spectral, tuple(trials))
    return found


def is_finding(paces: Sequence[float | None], seconds: Sequence[float]) -> bool:
    """Whether a routine's breathe steps (their paces and lengths) make a finding session: at least
    :data:`MIN_TRIALS` different paces, each for at least 90 s."""
    long_enough = {p for p, s in zip(paces, seconds, strict=True) if p is not None and s >= 90.0}
    return len(long_enough) >= MIN_TRIALS
