"""The relaxation gauge, its trend word and the signal-quality gate (docs/relaxation.md).

A relaxation proxy, relative to the receiver's own baseline:

    z     = (ln RMSSD - baseline ln RMSSD) / LN_RMSSD_SCALE
          + (baseline HR - HR) / HR_SCALE_BPM           (HR: mean of the last HR_WINDOW_S)
    raw   = 50 + 25 * z / 2                               clipped to 0..100
    gauge = exponential smoothing of raw with a time constant of SMOOTH_TAU_S

so 50 means "as at baseline", and each scale is about one typical within-person change. The gauge is
withheld (None) while calibrating and whenever quality is poor, with the reason.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GaugeConfig:
    baseline_s: float = 60.0
    rmssd_window_s: float = 60.0
    hr_window_s: float = 20.0
    ln_rmssd_scale: float = 0.35
    hr_scale_bpm: float = 6.0
    smooth_tau_s: float = 8.0
    trend_lookback_s: float = 30.0
    trend_threshold: float = 3.0
    hr_trend_threshold_bpm: float = 1.5
    quality_beats: int = 30
    poor_artifact_share: float = 0.2
    fair_artifact_share: float = 0.05
    min_window_s: float = 20.0


@dataclass(frozen=True, slots=True)
class GaugeState:
    gauge: float | None
    trend: str | None
    quality: str
    reason: str


class RelaxationGauge:
    """Baseline, smoothing, trend and quality; fed once per sample."""

    def __init__(self, config: GaugeConfig) -> None:
        self.c = config
        self.baseline_start: float | None = None
        self._base_ln: list[float] = []
        self._base_hr: list[float] = []
        self.baseline_ln_rmssd: float | None = None
        self.baseline_hr: float | None = None
        self._hr: deque[tuple[float, float]] = deque()
        self._hr_sum = 0.0
        self._recent_artifacts: deque[bool] = deque(maxlen=config.quality_beats)
        self._smoothed: float | None = None
        self._last_t: float | None = None
        self._history: deque[tuple[float, float]] = deque()  # (t, smoothed or HR) for the trend
        self._no_contact_until = -math.inf

    def start_baseline(self, t: float) -> None:
        self.baseline_start = t
        self._base_ln.clear()
        self._base_hr.clear()
        self.baseline_ln_rmssd = self.baseline_hr = None
        self._smoothed = None

    def _mean_hr(self, t: float, hr: float) -> float:
        self._hr.append((t, hr))
        self._hr_sum += hr
        while self._hr and self._hr[0][0] < t - self.c.hr_window_s:
            self._hr_sum -= self._hr.popleft()[1]
        return self._hr_sum / len(self._hr)

    def _quality(self, t: float, contact: bool | None, artifact: bool, has_rr: bool) -> tuple[str, str]:
        if contact is False:
            self._no_contact_until = t + 5.0
            return "no-contact", "signal paused: check the strap"
        if t < self._no_contact_until:
            return "no-contact", "signal paused: check the strap"
        if has_rr:
            self._recent_artifacts.append(artifact)
        if not self._recent_artifacts:
            return "good", ""
        share = sum(self._recent_artifacts) / len(self._recent_artifacts)
        if share > self.c.poor_artifact_share:
            return "poor", "irregular rhythm: gauge paused"
        if share > self.c.fair_artifact_share:
            return "fair", ""
        return "good", ""

    def update(self, *, t: float, hr_bpm: float, ln_rmssd: float, has_rr: bool, artifact: bool,
               contact: bool | None, window_s: float) -> GaugeState:
        if self.baseline_start is None:
            self.baseline_start = t
        quality, reason = self._quality(t, contact, artifact, has_rr)
        hr = self._mean_hr(t, hr_bpm) if not artifact and hr_bpm > 0 else None
        in_baseline = t < self.baseline_start + self.c.baseline_s
        if in_baseline:
            if quality in ("good", "fair") and hr is not None:
                self._base_hr.append(hr)
                if not math.isnan(ln_rmssd):
                    self._base_ln.append(ln_rmssd)
            trend = self._trend(t, self._hr_as_trend(hr))
            return GaugeState(None, trend, quality, reason or "calibrating")
        if self.baseline_hr is None and self._base_hr:
            self.baseline_hr = self._base_hr[-1]
            self.baseline_ln_rmssd = self._base_ln[-1] if self._base_ln else None
        raw: float | None = None
        if hr is not None and self.baseline_hr is not None:
            z = (self.baseline_hr - hr) / self.c.hr_scale_bpm
            if (self.baseline_ln_rmssd is not None and not math.isnan(ln_rmssd)
                    and window_s >= self.c.min_window_s):
                z += (ln_rmssd - self.baseline_ln_rmssd) / self.c.ln_rmssd_scale
            raw = min(100.0, max(0.0, 50.0 + 12.5 * z))
        if raw is not None:
            if self._smoothed is None or self._last_t is None:
                self._smoothed = raw
            else:
                alpha = 1.0 - math.exp(-max(t - self._last_t, 0.0) / self.c.smooth_tau_s)
                self._smoothed += alpha * (raw - self._smoothed)
            self._last_t = t
        trend = self._trend(t, self._smoothed if has_rr else self._hr_as_trend(hr))
        if quality in ("poor", "no-contact") or self._smoothed is None:
            return GaugeState(None, trend, quality, reason or "calibrating")
        return GaugeState(round(self._smoothed, 1), trend, quality, reason)

    def _hr_as_trend(self, hr: float | None) -> float | None:
        """Heart-rate-only trend: a falling HR reads as slowing, on the gauge's threshold scale."""
        if hr is None:
            return None
        return -hr * self.c.trend_threshold / self.c.hr_trend_threshold_bpm

    def _trend(self, t: float, value: float | None) -> str | None:
        if value is None:
            return None
        self._history.append((t, value))
        while len(self._history) > 1 and self._history[1][0] <= t - self.c.trend_lookback_s:
            self._history.popleft()
        t0, v0 = self._history[0]
        if t - t0 < self.c.trend_lookback_s * 0.8:
            return None
        delta = value - v0
        return "steady" if abs(delta) < self.c.trend_threshold else (
            "slowing" if delta > 0 else "rising")
