"""What calmlink's gauge is compared with, each scored beat by beat on the same beats.

A scorer turns a recording into per-beat values where higher reads calmer (heart rate alone is
negated), given where its baseline starts and, for calmlink's gauge, a baseline carried from another
recording and a configuration. The peers:

- **heart rate alone**: 60000 / RR of every interval in 300-2000 ms;
- **ln RMSSD score (Elite-HRV-style)**: (ln RMSSD over the last 15 s - 1.5) / 4 x 100;
- **peak-to-trough amplitude (OpenHRV-style)**: OpenHRV's "local HRV" (openhrv/model.py and
  config.py of JanCBrammer/OpenHRV, read for the facts, not copied): an interval outside 273-2000
  ms is replaced by the median of the last 11; whenever the intervals change direction, the one
  before the change is an extreme and the local HRV is its distance (ms) from the previous extreme;
  a value above 600 ms is replaced by the running average (rounded up, at most 600); the running
  average is an EWMA weighing each new value by 0.1. Here the first extreme only starts the chain
  (OpenHRV measures it from 0, then discards it as an outlier), and a gap starts afresh.
- **the gauge with mean heart rate**: calmlink's own of issues 19-27, the window's mean heart
  rate where the gauge now reads heart rate halfway to the breath's floor (:data:`MEAN_HR`);
- **the gauge before issue 19**: calmlink's own, heart rate and ln RMSSD (:data:`BEFORE`);
- **the swing alone**: the gauge's second term by itself, ln of the windowed heart-rate swing with
  each breath (calmlink.signal.swing) over the beats the live path's artifact check keeps.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Callable

import numpy as np

from calmlink.recordings import RRSeries
from calmlink.signal.baseline import Baseline
from calmlink.signal.gauge import GaugeConfig
from calmlink.signal.gauge_run import run_gauge
from calmlink.signal.stream_artifacts import CausalArtifactDetector
from calmlink.signal.swing import WINDOW_S, breath_swings, windowed_swing

Points = list[tuple[float, float | None]]
# a scorer: (series, baseline start, carried baseline, config) -> per-beat values, carried baseline
Scorer = Callable[[RRSeries, float | None, Baseline | None, GaugeConfig | None],
                  tuple[Points, Baseline | None]]
BEFORE = GaugeConfig(w_hrv=1.0, w_swing=0.0, hr_from_intervals=False, hr_from_floor=False)
"""The gauge as it was before issue 19: heart rate (the mean of each beat's rate) and ln RMSSD."""
MEAN_HR = GaugeConfig(hr_from_floor=False)
"""The gauge of issues 19-27: the window's mean heart rate, not the breath's floor, and the swing."""


def calmlink_gauge(series: RRSeries, start: float | None, carried: Baseline | None,
                   config: GaugeConfig | None) -> tuple[Points, Baseline | None]:
    run = run_gauge(series.t_s, series.rr_ms, series.gap_before, baseline_start_s=start,
                    baseline=carried, config=config)
    return [(r.t, r.gauge) for r in run.results], run.baseline


def gauge_mean_hr(series: RRSeries, start: float | None, carried: Baseline | None,
                  _: GaugeConfig | None) -> tuple[Points, Baseline | None]:
    return calmlink_gauge(series, start, carried, MEAN_HR)


def gauge_before(series: RRSeries, start: float | None, carried: Baseline | None,
                 _: GaugeConfig | None) -> tuple[Points, Baseline | None]:
    return calmlink_gauge(series, start, carried, BEFORE)


def heart_rate_alone(series: RRSeries, *_: object) -> tuple[Points, Baseline | None]:
    return [(float(t), -60000.0 / float(rr)) for t, rr in zip(series.t_s, series.rr_ms, strict=True)
            if 300.0 <= rr <= 2000.0], None


def elite_style(series: RRSeries, *_: object) -> tuple[Points, Baseline | None]:
    out: Points = []
    window: deque[tuple[float, float]] = deque()
    for t, rr, gap in zip(series.t_s, series.rr_ms, series.gap_before, strict=True):
        if gap:
            window.clear()
        if not 300.0 <= rr <= 2000.0:
            continue
        window.append((float(t), float(rr)))
        while window[0][0] < t - 15.0:
            window.popleft()
        diffs = [b[1] - a[1] for a, b in zip(window, list(window)[1:], strict=False)]
        if len(diffs) >= 5:
            rmssd = math.sqrt(sum(d * d for d in diffs) / len(diffs))
            out.append((float(t), (math.log(rmssd) - 1.5) / 4 * 100 if rmssd > 0 else None))
    return out, None


def openhrv_style(series: RRSeries, *_: object) -> tuple[Points, Baseline | None]:
    out: Points = []
    recent: deque[float] = deque(maxlen=11)
    prev = extreme = ewma = math.nan
    direction = 0
    for t, rr, gap in zip(series.t_s, series.rr_ms, series.gap_before, strict=True):
        if gap:
            recent.clear()
            prev = extreme = ewma = math.nan
            direction = 0
        ibi = float(rr) if 273.0 <= rr <= 2000.0 or not recent else statistics.median(recent)
        recent.append(ibi)
        step = 0 if math.isnan(prev) else (ibi > prev) - (ibi < prev)
        if step and step != direction:  # the interval before this one was an extreme
            if not math.isnan(extreme):
                local = abs(prev - extreme)
                if local > 600.0:
                    local = min(math.ceil(ewma), 600.0) if not math.isnan(ewma) else 600.0
                ewma = local if math.isnan(ewma) else 0.1 * local + 0.9 * ewma
            extreme, direction = prev, step
        prev = ibi
        out.append((float(t), None if math.isnan(ewma) else ewma))
    return out, None


def swing_alone(series: RRSeries, *_: object) -> tuple[Points, Baseline | None]:
    detector = CausalArtifactDetector()
    keep = np.zeros(series.rr_ms.size, dtype=bool)
    gaps = np.zeros(series.rr_ms.size, dtype=bool)
    pending_gap = False
    for k, (rr, gap) in enumerate(zip(series.rr_ms, series.gap_before, strict=True)):
        if gap:
            detector.reset()
        pending_gap = pending_gap or bool(gap)
        keep[k] = not detector.push(float(rr))
        if keep[k]:
            gaps[k], pending_gap = pending_gap, False
    t, rr = series.t_s[keep], series.rr_ms[keep]
    breaths = breath_swings(t, 60000.0 / rr, gaps[keep])
    swing = windowed_swing(breaths.t, breaths.bpm, t, WINDOW_S)
    return [(float(a), float(np.log(b)) if b > 0 else None) for a, b in zip(t, swing, strict=True)], None


SCORERS: dict[str, Scorer] = {
    "calmlink gauge": calmlink_gauge,
    "gauge with mean heart rate (issues 19-27)": gauge_mean_hr,
    "gauge before (HR + ln RMSSD)": gauge_before,
    "heart rate alone": heart_rate_alone,
    "ln RMSSD 15 s (Elite-HRV-style)": elite_style,
    "peak-to-trough (OpenHRV-style)": openhrv_style,
    "swing alone": swing_alone,
}
"""Every scorer, calmlink's gauge first; the others are its peers on every row."""
