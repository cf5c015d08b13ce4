"""A session's summary and per-step response against the baseline step: pure, from its beats.

Worded as observations ("heart rate 4 bpm lower than at the start"), never as health statements.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calmlink.signal.metrics import time_domain


@dataclass(frozen=True, slots=True)
class BeatRow:
    t: float
    rr_ms: float | None
    hr_bpm: float
    artifact: bool
    gap_before: bool
    step: int | None
    gauge: float | None


def _segments(rows: list[BeatRow]) -> list[np.ndarray]:
    """Clean RR runs: a gap or a rejected beat ends a run, so no difference spans either."""
    runs: list[list[float]] = []
    current: list[float] = []
    for r in rows:
        if r.rr_ms is None or r.artifact or r.gap_before:
            if current:
                runs.append(current)
            current = []
            if r.rr_ms is None or r.artifact:
                continue
        current.append(r.rr_ms)
    if current:
        runs.append(current)
    return [np.array(run) for run in runs]


def _finite(x: float) -> float | None:
    return round(x, 3) if math.isfinite(x) else None


def step_metrics(rows: list[BeatRow]) -> dict[str, Any]:
    td = time_domain(_segments(rows))
    rr_rows = [r for r in rows if r.rr_ms is not None]
    hr_only = [r.hr_bpm for r in rows if r.rr_ms is None and r.hr_bpm > 0]
    mean_hr = td.mean_hr_bpm if td.n_beats else (sum(hr_only) / len(hr_only) if hr_only else math.nan)
    gauges = [r.gauge for r in rows if r.gauge is not None]
    return {
        "n_beats": len(rows),
        "clean_share": round(1 - sum(r.artifact for r in rr_rows) / len(rr_rows), 3) if rr_rows else None,
        "mean_hr_bpm": _finite(mean_hr),
        "rmssd_ms": _finite(td.rmssd_ms),
        "ln_rmssd": _finite(td.ln_rmssd),
        "mean_gauge": round(sum(gauges) / len(gauges), 1) if gauges else None,
        "duration_s": round(rows[-1].t - rows[0].t, 1) if len(rows) > 1 else 0.0,
    }


def outcome_word(steps: list[dict[str, Any]]) -> str:
    """One word for the session list: how the later steps compare with the baseline step."""
    later = [s for s in steps[1:] if s["delta_hr_bpm"] is not None]
    if not later:
        return "short"
    tail = later[-2:]
    hr = sum(s["delta_hr_bpm"] for s in tail) / len(tail)
    ln = [s["delta_ln_rmssd"] for s in tail if s["delta_ln_rmssd"] is not None]
    score = -hr / 5.0 + (sum(ln) / len(ln) / 0.4 if ln else 0.0)
    if score > 0.5:
        return "settled"
    if score < -0.5:
        return "lively"
    return "steady"


def summarize(rows: Iterable[BeatRow], step_names: list[str]) -> dict[str, Any]:
    """Overall figures and, per step, the change in heart rate and ln RMSSD against step 1."""
    beats = list(rows)
    by_step: dict[int, list[BeatRow]] = {}
    for r in beats:
        if r.step is not None:
            by_step.setdefault(r.step, []).append(r)
    base = step_metrics(by_step[0]) if 0 in by_step else None
    steps = []
    for index, name in enumerate(step_names):
        if index not in by_step:
            continue
        m = step_metrics(by_step[index])
        delta_hr = delta_ln = None
        if base is not None and m["mean_hr_bpm"] is not None and base["mean_hr_bpm"] is not None:
            delta_hr = round(m["mean_hr_bpm"] - base["mean_hr_bpm"], 2)
        if base is not None and m["ln_rmssd"] is not None and base["ln_rmssd"] is not None:
            delta_ln = round(m["ln_rmssd"] - base["ln_rmssd"], 3)
        steps.append({"index": index, "name": name, **m, "delta_hr_bpm": delta_hr,
                      "delta_ln_rmssd": delta_ln})
    overall = step_metrics(beats) if beats else {}
    return {
        "n_beats": len(beats),
        "duration_s": round(beats[-1].t - beats[0].t, 1) if len(beats) > 1 else 0.0,
        "baseline_hr_bpm": base["mean_hr_bpm"] if base else None,
        "baseline_ln_rmssd": base["ln_rmssd"] if base else None,
        "mean_hr_bpm": overall.get("mean_hr_bpm"),
        "rmssd_ms": overall.get("rmssd_ms"),
        "clean_share": overall.get("clean_share"),
        "outcome": outcome_word(steps),
        "steps": steps,
        "observations": observations(steps),
    }


def observations(steps: list[dict[str, Any]]) -> list[str]:
    """Plain sentences about what the heart rhythm did, step by step."""
    out = []
    for s in steps[1:]:
        parts = []
        if s["delta_hr_bpm"] is not None and abs(s["delta_hr_bpm"]) >= 1.0:
            direction = "lower" if s["delta_hr_bpm"] < 0 else "higher"
            parts.append(f"heart rate {abs(s['delta_hr_bpm']):.0f} bpm {direction}")
        if s["delta_ln_rmssd"] is not None and abs(s["delta_ln_rmssd"]) >= 0.1:
            direction = "more" if s["delta_ln_rmssd"] > 0 else "less"
            parts.append(f"{direction} beat-to-beat variation")
        if parts:
            out.append(f"{s['name']}: " + " and ".join(parts) + " than while settling.")
        else:
            out.append(f"{s['name']}: about the same as while settling.")
    return out
