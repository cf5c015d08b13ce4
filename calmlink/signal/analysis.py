"""Offline HRV of a whole RR series: split at gaps, correct artifacts, time and frequency metrics."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calmlink.signal.artifacts import (
    GAP_RR_MS,
    KINDS,
    correct_segment,
    detect_artifacts,
    split_segments,
)
from calmlink.signal.metrics import time_domain
from calmlink.signal.spectral import spectrum

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class HrvSummary:
    """The `calmlink analyze --json` contract (docs/analyze.md)."""

    n_beats: int
    n_corrected: int
    n_segments: int
    duration_s: float
    mean_rr_ms: float
    mean_hr_bpm: float
    sdnn_ms: float
    rmssd_ms: float
    rmssd_uncorrected_ms: float
    """RMSSD of the intervals as recorded (gaps still split): what the recording app shows."""
    ln_rmssd: float
    pnn50_pct: float
    sd1_ms: float
    sd2_ms: float
    vlf_ms2: float
    lf_ms2: float
    hf_ms2: float
    lf_hf: float
    resp_rate_bpm: float
    artifacts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """NaN (undefined for this input) becomes null, as JSON has no NaN."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float) and not math.isfinite(value):
                out[key] = None
        return out


def analyze_rr(rr_ms: Floats, gap_before: NDArray[np.bool_] | None = None, *, correct: bool = True,
               duration_s: float | None = None,
               flagged: NDArray[np.bool_] | None = None) -> HrvSummary:
    """HRV of an RR series (ms). Gaps (marked, or intervals over GAP_RR_MS) split it into segments;
    metrics never bridge them. With ``correct``, artifacts (and the intervals the sensor
    ``flagged``) are corrected within each segment."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    slices = split_segments(rr, gap_before, GAP_RR_MS)
    segments = [rr[s] for s in slices]
    counts = dict.fromkeys(KINDS, 0)
    n_corrected = 0
    raw_rmssd = math.nan
    if correct:
        raw_rmssd = time_domain(segments).rmssd_ms
        fixed = []
        for seg, where in zip(segments, slices, strict=True):
            report = detect_artifacts(seg, None if flagged is None else flagged[where])
            c = correct_segment(seg, report)
            fixed.append(c.rr_ms)
            n_corrected += c.n_corrected
            for k, v in c.counts.items():
                counts[k] += v
        segments = fixed
    td = time_domain(segments)
    sp = spectrum(segments)
    return HrvSummary(
        n_beats=td.n_beats, n_corrected=n_corrected, n_segments=len(segments),
        duration_s=float(duration_s if duration_s is not None else rr.sum() / 1000.0),
        mean_rr_ms=td.mean_rr_ms, mean_hr_bpm=td.mean_hr_bpm, sdnn_ms=td.sdnn_ms,
        rmssd_ms=td.rmssd_ms, rmssd_uncorrected_ms=td.rmssd_ms if not correct else raw_rmssd,
        ln_rmssd=td.ln_rmssd, pnn50_pct=td.pnn50_pct,
        sd1_ms=td.sd1_ms, sd2_ms=td.sd2_ms, vlf_ms2=sp.vlf_ms2, lf_ms2=sp.lf_ms2, hf_ms2=sp.hf_ms2,
        lf_hf=sp.lf_hf, resp_rate_bpm=sp.resp_rate_bpm, artifacts=counts,
    )
