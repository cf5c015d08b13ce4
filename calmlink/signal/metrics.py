"""Time-domain HRV of gap-free segments, by the published definitions (Task Force 1996; Brennan 2001).

- mean RR, SDNN (sample standard deviation, ddof 1) over every interval of every segment;
- RMSSD = sqrt(mean of squared successive differences), pNN50 = share of successive differences
  over 50 ms, with the number of *differences* as denominator (NeuroKit2 divides by the number of
  intervals, 0.3% lower on 5 minutes); differences are taken within segments only, never across a gap;
- SD1, SD2 = sample standard deviations (ddof 1) of (RR[k+1] - RR[k]) / sqrt 2 and
  (RR[k+1] + RR[k]) / sqrt 2 over the same within-segment pairs (Brennan et al. 2001).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TimeDomain:
    n_beats: int
    mean_rr_ms: float
    sdnn_ms: float
    rmssd_ms: float
    pnn50_pct: float
    sd1_ms: float
    sd2_ms: float

    @property
    def mean_hr_bpm(self) -> float:
        return 60000.0 / self.mean_rr_ms if self.mean_rr_ms > 0 else math.nan

    @property
    def ln_rmssd(self) -> float:
        return math.log(self.rmssd_ms) if self.rmssd_ms > 0 else math.nan


def _std(x: Floats) -> float:
    return float(np.std(x, ddof=1)) if x.size > 1 else math.nan


def time_domain(segments: list[Floats]) -> TimeDomain:
    """Metrics of a list of gap-free RR segments (ms); a single series is a list of one."""
    parts = [np.asarray(s, dtype=np.float64) for s in segments if len(s)]
    if not parts:
        nan = math.nan
        return TimeDomain(0, nan, nan, nan, nan, nan, nan)
    rr = np.concatenate(parts)
    diffs = np.concatenate([np.diff(p) for p in parts])
    sums = np.concatenate([p[1:] + p[:-1] for p in parts])
    n_d = diffs.size
    return TimeDomain(
        n_beats=int(rr.size),
        mean_rr_ms=float(np.mean(rr)),
        sdnn_ms=_std(rr),
        rmssd_ms=float(np.sqrt(np.mean(diffs * diffs))) if n_d else math.nan,
        pnn50_pct=float(100.0 * np.count_nonzero(np.abs(diffs) > 50.0) / n_d) if n_d else math.nan,
        sd1_ms=_std(diffs / math.sqrt(2.0)),
        sd2_ms=_std(sums / math.sqrt(2.0)),
    )
