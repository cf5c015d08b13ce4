"""Offline HRV of a whole RR series: split at gaps, correct artifacts, time and frequency metrics."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
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
from calmlink.signal.verdict import UNRELIABLE_SHARE as VERDICT_SHARE
from calmlink.signal.verdict import set_aside, unreliable_reason

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
    corrected_pct: float = 0.0
    """Share of the intervals correction changed, in percent."""
    reliable: bool = True
    """False when correction changed more than :data:`UNRELIABLE_SHARE` of the intervals, or the
    live path sets aside more than that share of the beats (signal.verdict: the verdict
    ``calmlink import`` and the live session give): no figure of this recording is one clean
    number."""
    set_aside_pct: float = 0.0
    """Share of the beats the live path sets aside as artifacts, in percent (signal.verdict)."""
    withheld: dict[str, str] = field(default_factory=dict)
    """Figures left out (null) because the recording is too short for them, with what each needs."""
    notes: tuple[str, ...] = ()
    """What a person must know to read the figures: much correction, the headline withheld."""

    def to_json(self) -> dict[str, Any]:
        """NaN (undefined for this input) becomes null, as JSON has no NaN."""
        out = asdict(self)
        out.pop("notes")  # the caller adds them to its warnings
        for key, value in out.items():
            if isinstance(value, float) and not math.isfinite(value):
                out[key] = None
        return out


NOTE_SHARE = 0.05
"""Correction changing more than this share of the intervals is said, with RMSSD both ways."""
UNRELIABLE_SHARE = VERDICT_SHARE
"""Beyond this share the recording has no clean figure: "not reliable for this recording"."""

MIN_SECONDS = {"time domain": 30.0, "HF": 60.0, "LF": 120.0, "VLF": 240.0}
"""The shortest stretch of gap-free beats each figure is given for (docs/analyze.md): RMSSD, SDNN,
pNN50 and SD1/SD2 from 30 s and 20 intervals (ultra-short RMSSD tracks the 5-minute value from
about that long); HF and the breathing rate from one 60-s window (several breaths); LF from 2
minutes (the Task Force's shortest for it: a few of its slowest waves); VLF from 4 minutes (its
waves last up to 5 minutes: even then, read it with care)."""
MIN_TIME_DOMAIN_INTERVALS = 20


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
    summary = HrvSummary(
        n_beats=td.n_beats, n_corrected=n_corrected, n_segments=len(segments),
        duration_s=float(duration_s if duration_s is not None else rr.sum() / 1000.0),
        mean_rr_ms=td.mean_rr_ms, mean_hr_bpm=td.mean_hr_bpm, sdnn_ms=td.sdnn_ms,
        rmssd_ms=td.rmssd_ms, rmssd_uncorrected_ms=td.rmssd_ms if not correct else raw_rmssd,
        ln_rmssd=td.ln_rmssd, pnn50_pct=td.pnn50_pct,
        sd1_ms=td.sd1_ms, sd2_ms=td.sd2_ms, vlf_ms2=sp.vlf_ms2, lf_ms2=sp.lf_ms2, hf_ms2=sp.hf_ms2,
        lf_hf=sp.lf_hf, resp_rate_bpm=sp.resp_rate_bpm, artifacts=counts,
        corrected_pct=100.0 * n_corrected / max(sum(s.stop - s.start for s in slices), 1),
        set_aside_pct=100.0 * float(np.mean(set_aside(rr, gap_before, flagged))) if rr.size else 0.0,
    )
    longest = max((float(seg.sum()) / 1000.0 for seg in segments), default=0.0)
    return _with_correction_notes(_withheld_when_short(summary, longest, td.n_beats), rr.size)


FIGURES = {
    "time domain": ("sdnn_ms", "rmssd_ms", "rmssd_uncorrected_ms", "ln_rmssd", "pnn50_pct",
                    "sd1_ms", "sd2_ms"),
    "HF": ("hf_ms2", "resp_rate_bpm", "lf_hf"),
    "LF": ("lf_ms2", "lf_hf"),
    "VLF": ("vlf_ms2",),
}


def _withheld_when_short(s: HrvSummary, longest_s: float, n: int) -> HrvSummary:
    """Figures the longest gap-free stretch is too short for become undefined (null), each named
    in ``withheld`` with what it needs; the time-domain figures (the headline) also in a note."""
    withheld: dict[str, str] = {}
    for group, names in FIGURES.items():
        need = MIN_SECONDS[group]
        if longest_s < need or (group == "time domain" and n < MIN_TIME_DOMAIN_INTERVALS):
            why = f"needs {need:.0f} s of beats without a gap" + (
                f" and {MIN_TIME_DOMAIN_INTERVALS} beats" if group == "time domain" else "")
            withheld |= {name: why for name in names if name not in withheld}
    if not withheld:
        return s
    notes = s.notes
    if "rmssd_ms" in withheld:
        notes = (*notes, f"too short for HRV figures: the longest stretch without a gap lasts "
                 f"{longest_s:.0f} s ({n} beats); RMSSD, SDNN, pNN50 and SD1/SD2 need "
                 f"{MIN_SECONDS['time domain']:.0f} s and {MIN_TIME_DOMAIN_INTERVALS} beats "
                 "(left out as null)")
    undefined: dict[str, Any] = dict.fromkeys(withheld, math.nan)
    return replace(s, withheld=withheld, notes=notes, **undefined)


def _with_correction_notes(s: HrvSummary, n_intervals: int) -> HrvSummary:
    """Say when correction changed much of the recording, with RMSSD both ways; past
    :data:`UNRELIABLE_SHARE`, no figure is one clean number."""
    share = s.corrected_pct / 100.0
    aside = unreliable_reason(s.set_aside_pct / 100.0, n_intervals)
    if aside is not None and share <= UNRELIABLE_SHARE:  # the live path's verdict, as import's
        return replace(s, reliable=False, notes=(*s.notes, aside))
    if share <= NOTE_SHARE:
        return s
    both = (f"RMSSD {s.rmssd_ms:.1f} ms corrected, {s.rmssd_uncorrected_ms:.1f} ms as recorded"
            if math.isfinite(s.rmssd_ms) and math.isfinite(s.rmssd_uncorrected_ms) else "")
    changed = f"correction changed {s.corrected_pct:.0f}% of the beats ({s.n_corrected})"
    if share > UNRELIABLE_SHARE:
        note = (f"not reliable for this recording: {changed}, so no figure here is one clean "
                f"number{f' ({both})' if both else ''}; a steadier recording (a chest strap worn "
                "snugly, at rest) gives figures to trust")
        return replace(s, reliable=False, notes=(*s.notes, note))
    note = f"{changed}: {both}; the corrected figures are the ones to trust" if both else changed
    return replace(s, notes=(*s.notes, note))
