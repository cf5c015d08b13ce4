"""Run a recorded series through the live per-beat path, exactly as the live screen would.

No look-ahead: beats are pushed one at a time into the same :class:`LiveProcessor` the session uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calmlink.signal.baseline import Baseline
from calmlink.signal.gauge import GaugeConfig
from calmlink.signal.per_beat import BeatResult, LiveProcessor


@dataclass(frozen=True, slots=True)
class GaugeRun:
    results: list[BeatResult]
    baseline: Baseline | None
    baseline_start_s: float
    baseline_duration_s: float


def run_gauge(
    t_s: NDArray[np.float64], rr_ms: NDArray[np.float64], gap_before: NDArray[np.bool_] | None = None,
    *, baseline_start_s: float | None = None, baseline_duration_s: float = 60.0,
    baseline: Baseline | None = None, config: GaugeConfig | None = None,
    flagged: NDArray[np.bool_] | None = None,
) -> GaugeRun:
    """Gauge, trend and quality per beat. The baseline is taken from ``baseline_start_s`` (default:
    the first beat) for ``baseline_duration_s``, or carried in from another recording. ``flagged``
    beats (the sensor's own unreliable marks) are artifacts."""
    cfg = config or GaugeConfig(baseline_s=baseline_duration_s)
    if cfg.baseline_s != baseline_duration_s:
        from dataclasses import replace

        cfg = replace(cfg, baseline_s=baseline_duration_s)
    proc = LiveProcessor(cfg, baseline)
    start = float(t_s[0]) if baseline_start_s is None and t_s.size else (baseline_start_s or 0.0)
    if baseline is None:
        proc.start_baseline(start)
    gaps = np.zeros(rr_ms.size, dtype=bool) if gap_before is None else gap_before
    marks = np.zeros(rr_ms.size, dtype=bool) if flagged is None else flagged
    results = [
        proc.push(float(t), 60000.0 / float(rr), float(rr), gap_before=bool(g), flagged=bool(f))
        for t, rr, g, f in zip(t_s, rr_ms, gaps, marks, strict=True)
    ]
    return GaugeRun(results, proc.baseline, start, baseline_duration_s)


def condition_means(results: list[BeatResult], conditions: list[tuple[float, float, str]],
                    last_s: float | None = None) -> dict[str, float | None]:
    """Mean gauge per condition (beats with a gauge only); ``last_s`` keeps each condition's end."""
    out: dict[str, float | None] = {}
    for start, end, label in conditions:
        lo = start if last_s is None else max(start, end - last_s)
        values = [r.gauge for r in results if lo <= r.t < end and r.gauge is not None]
        out[label] = sum(values) / len(values) if values else None
    return out
