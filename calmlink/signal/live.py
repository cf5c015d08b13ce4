"""The per-beat path: one small stateful object from samples to what the giver sees.

Pure: samples in, :class:`BeatResult` out, no clock, no I/O. The same object runs in the live session
and in ``calmlink analyze --gauge``, so both give identical gauges for the same beats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from calmlink.signal.gauge import GaugeConfig, RelaxationGauge
from calmlink.signal.rolling import RollingTimeDomain
from calmlink.signal.stream_artifacts import CausalArtifactDetector


@dataclass(frozen=True, slots=True)
class BeatResult:
    t: float
    hr_bpm: float
    rr_ms: float | None
    artifact: bool
    rmssd_ms: float | None
    gauge: float | None
    trend: str | None
    quality: str
    reason: str


def _none_if_nan(x: float) -> float | None:
    return None if math.isnan(x) else x


class LiveProcessor:
    """Artifact decision, rolling RMSSD, gauge, trend and quality for each incoming sample."""

    def __init__(self, config: GaugeConfig | None = None) -> None:
        self.config = config or GaugeConfig()
        self.detector = CausalArtifactDetector()
        self.window = RollingTimeDomain(max_seconds=self.config.rmssd_window_s)
        self.gauge = RelaxationGauge(self.config)
        self.origin: float | None = None

    def start_baseline(self, t: float) -> None:
        """Begin (or restart) the baseline at time ``t`` on the source clock."""
        self.gauge.start_baseline(t)

    def push(self, t: float, hr_bpm: float, rr_ms: float | None, *,
             contact: bool | None = None, gap_before: bool = False) -> BeatResult:
        if gap_before:
            self.detector.reset()
        artifact = False
        if rr_ms is not None:
            artifact = self.detector.push(rr_ms)
            if not artifact:
                self.window.push(rr_ms, new_segment=gap_before or self.detector.after_artifact)
                self.detector.after_artifact = False
        rmssd = self.window.rmssd_ms() if rr_ms is not None else math.nan
        hr = 60000.0 / rr_ms if rr_ms and not artifact else hr_bpm
        state = self.gauge.update(
            t=t, hr_bpm=hr, ln_rmssd=math.log(rmssd) if rmssd > 0 else math.nan,
            has_rr=rr_ms is not None, artifact=artifact, contact=contact,
            window_s=self.window.duration_s,
        )
        return BeatResult(
            t=t, hr_bpm=hr_bpm, rr_ms=rr_ms, artifact=artifact, rmssd_ms=_none_if_nan(rmssd),
            gauge=state.gauge, trend=state.trend, quality=state.quality, reason=state.reason,
        )
