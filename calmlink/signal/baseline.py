"""The receiver's own reference for the gauge: what their heart did during the settle step."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

MIN_BASELINE_BEATS = 20
MIN_BASELINE_SWINGS = 3
"""Breaths the baseline needs before its swing is used."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """The receiver's own reference, from the settle step (or carried from an earlier recording)."""

    hr_bpm: float
    ln_rmssd: float | None
    ln_swing: float | None = None
    """ln of the median breath's heart-rate swing (bpm) over the baseline; None when the source
    sends no RR, or the baseline held too few breaths to read."""
    floor_bpm: float | None = None
    """The median breath's floor (the mean of its two troughs, bpm) over the baseline; None as
    ``ln_swing``."""


class BaselineAccumulator:
    """Mean HR, ln RMSSD and the median swing of the clean beats inside the baseline window."""

    def __init__(self) -> None:
        self.rr_sum = 0.0
        self.n = 0
        self.d2 = 0.0
        self.nd = 0
        self.hr_only: list[float] = []
        self.swings: list[float] = []
        self.floors: list[float] = []

    def add(self, rr_ms: float | None, diff_ms: float | None, hr_bpm: float,
            swing_bpm: float | None = None, floor_bpm: float | None = None) -> None:
        """One usable beat; ``swing_bpm`` and ``floor_bpm`` the swing and floor of the breath it
        closed, if any."""
        if rr_ms is None:
            self.hr_only.append(hr_bpm)
            return
        self.rr_sum += rr_ms
        self.n += 1
        if diff_ms is not None:
            self.d2 += diff_ms * diff_ms
            self.nd += 1
        if swing_bpm is not None:
            self.swings.append(swing_bpm)
            if floor_bpm is not None:
                self.floors.append(floor_bpm)

    def result(self) -> Baseline | None:
        if self.n >= MIN_BASELINE_BEATS:
            ln = 0.5 * math.log(self.d2 / self.nd) if self.nd >= 10 and self.d2 > 0 else None
            median = statistics.median(self.swings) if len(self.swings) >= MIN_BASELINE_SWINGS \
                else 0.0
            floor = statistics.median(self.floors) if len(self.floors) >= MIN_BASELINE_SWINGS \
                and median > 0 else None
            return Baseline(60000.0 * self.n / self.rr_sum, ln,
                            math.log(median) if median > 0 else None, floor)
        if self.hr_only:  # beats per minute as the gauge's window reads them
            return Baseline(len(self.hr_only) / sum(1.0 / hr for hr in self.hr_only), None)
        return None
