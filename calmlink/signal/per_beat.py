"""The per-beat path: one small stateful object from samples to what the giver sees.

Pure: samples in, :class:`BeatResult` out, no clock, no I/O. The same object runs in the live session
and in ``calmlink analyze --gauge``, so both give identical gauges for the same beats.

Per sample: a causal artifact decision (no delay), the rolling time-domain window of clean beats,
the gauge with its trend and quality; every ``SPECTRAL_EVERY_S`` of beat time, a spectral refresh
(LF/HF and breathing rate) over the last ``SPECTRAL_WINDOW_S`` of beats, artifacts replaced by the
last clean interval so the spline sees an even series.
"""

from __future__ import annotations

import math
from collections import deque
from typing import NamedTuple

import numpy as np

from calmlink.signal.baseline import Baseline
from calmlink.signal.breath_rate import BreathRate
from calmlink.signal.deep_breath import DeepBreaths
from calmlink.signal.gauge import GaugeConfig, RelaxationGauge
from calmlink.signal.rolling import RollingTimeDomain
from calmlink.signal.spectral import spectrum
from calmlink.signal.stream_artifacts import CausalArtifactDetector
from calmlink.signal.swing_tracker import SwingTracker

USABLE = ("good", "fair")
"""The breath line is said only where the gauge could be: an uneven rhythm keeps it silent."""
SPECTRAL_EVERY_S = 5.0
SPECTRAL_WINDOW_S = 120.0


class BeatResult(NamedTuple):
    """What the live path says about one sample (immutable; a NamedTuple as it is built per beat)."""

    t: float
    hr_bpm: float
    rr_ms: float | None
    artifact: bool
    rmssd_ms: float | None
    gauge: float | None
    trend: str | None
    quality: str
    reason: str
    resp_rate_bpm: float | None = None
    lf_hf: float | None = None
    breathing_bpm: float | None = None
    """The breathing pace over the last two minutes, only when the rhythm shows it clearly."""
    swing_bpm: float | None = None
    """The heart-rate swing with each breath: the median breath's over the last 45 s (bpm)."""
    deep_breath: bool = False
    """A deep breath (a sigh) became known at this beat: the breath before the one just closed
    (signal.deep_breath)."""


def _finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


class LiveProcessor:
    """Artifact decision, rolling RMSSD, gauge, trend, quality and spectra for each sample."""

    def __init__(self, config: GaugeConfig | None = None, baseline: Baseline | None = None) -> None:
        self.config = config or GaugeConfig()
        self.detector = CausalArtifactDetector()
        self.window = RollingTimeDomain(max_seconds=self.config.rmssd_window_s)
        self.swing = SwingTracker(self.config.swing_window_s, self.config.swing_hysteresis_bpm)
        self.gauge = RelaxationGauge(self.config, baseline)
        self.deep = DeepBreaths()
        self.breath_rate = BreathRate()
        self._band_peak: float | None = None
        self._spectral_pace: float | None = None
        self._last_clean: float | None = None
        self._last_raw: float | None = None
        self._spectral: deque[tuple[float, float]] = deque()
        self._next_spectral = -math.inf
        self.resp_rate_bpm: float | None = None
        self.lf_hf: float | None = None
        self.breathing_bpm: float | None = None
        self.resolution_ms = 0.0
        """The finest step seen between successive intervals: the sensor's timing resolution (about
        1 ms for a chest strap, 4 ms for 250-Hz ECG, 15.6 ms for a wrist sensor); 0 until seen."""

    def start_baseline(self, t: float) -> None:
        """Begin (or restart) the baseline at ``t`` on the sample clock."""
        self.gauge.start_baseline(t)

    @property
    def baseline(self) -> Baseline | None:
        return self.gauge.baseline

    def push(self, t: float, hr_bpm: float, rr_ms: float | None, *,
             contact: bool | None = None, gap_before: bool = False,
             flagged: bool = False) -> BeatResult:
        if gap_before:
            self.detector.reset()
            self._last_clean = self._last_raw = None
            self._spectral.clear()
            self.swing.new_run()
            self.deep.new_run()
            self.breath_rate.reset()
        artifact = False
        closed: float | None = None  # the swing of the breath this beat closed
        diff: float | None = None
        clean_hr: float | None = hr_bpm if rr_ms is None else None
        if rr_ms is not None:
            artifact = flagged or self.detector.push(rr_ms)  # the sensor's own word first
            prev = self._last_raw
            jump = prev is not None and abs(rr_ms - prev) > self.config.irregular_jump * prev
            if prev is not None and (step := abs(rr_ms - prev)) >= 0.5 and (
                    self.resolution_ms == 0.0 or step < self.resolution_ms):
                self.resolution_ms = step
            self._last_raw = rr_ms
            self.gauge.gate.note_beat(artifact, jump)
            if artifact:
                self.deep.spoil()  # a beat set aside: no deep breath is read across it
                self.breath_rate.reset()
                self._last_clean = None  # the next clean beat starts a new difference run
                fill = self._spectral[-1][1] if self._spectral else None
                if fill is not None:
                    self._spectral.append((t, fill))
            else:
                new_run = self._last_clean is None
                diff = None if new_run else rr_ms - self._last_clean  # type: ignore[operator]
                self.window.push(rr_ms, new_segment=new_run)
                self._last_clean = rr_ms
                clean_hr = 60000.0 / rr_ms
                self.swing.push(t, clean_hr)
                closed = self.swing.completed
                self._spectral.append((t, rr_ms))
            while self._spectral and self._spectral[0][0] < t - SPECTRAL_WINDOW_S:
                self._spectral.popleft()
            if t >= self._next_spectral:
                self._refresh_spectrum(t)
        rmssd = self.window.rmssd_ms()
        window = self.window
        state = self.gauge.update(  # positional: this runs at every beat
            t, clean_hr, rr_ms, diff, math.log(rmssd) if rmssd > 0 else math.nan, contact,
            window.duration_s, window.n_differences, self.resolution_ms, self.swing)
        swing = self.swing.median_bpm
        deep = self._breath(t, state.quality, closed)
        return BeatResult(
            t, hr_bpm, rr_ms, artifact, _finite_or_none(rmssd), state.gauge, state.trend,
            state.quality, state.reason, self.resp_rate_bpm, self.lf_hf,
            self.breathing_bpm if state.quality in USABLE else None,
            None if swing != swing or rr_ms is None else swing, deep)

    def _breath(self, t: float, quality: str, closed: float | None) -> bool:
        """The breath line from the breaths when the spectrum is not sure (signal.breath_rate), and
        whether a deep breath became known at this beat: the one place that says so (the heart's
        reading, signal.deep_breath; a chest's reading would decide here where there is one)."""
        if quality != "good":  # an irregular rhythm, many beats set aside, no contact: afresh
            self.deep.new_run()
            self.breath_rate.reset()
        if closed is None:
            return False
        self.breath_rate.push(t, self.swing.breath_s)
        if self._spectral_pace is None:  # the spectrum not sure: the breaths, if they agree with it
            self.breathing_bpm = self.breath_rate.rate(t, self._band_peak, self.swing.median_bpm)
        if not self.deep.push(closed):
            return False
        self.swing.forget_previous()  # the sigh leaves the swing and the floor as they were
        return True

    def _refresh_spectrum(self, t: float) -> None:
        self._next_spectral = t + SPECTRAL_EVERY_S
        if len(self._spectral) < 40 or self._spectral[-1][0] - self._spectral[0][0] < 60.0:
            self.resp_rate_bpm = self.lf_hf = self.breathing_bpm = None
            self._band_peak = self._spectral_pace = None
            return
        rr = np.fromiter((v for _, v in self._spectral), dtype=np.float64, count=len(self._spectral))
        sp = spectrum([rr], window_s=SPECTRAL_WINDOW_S + 10.0)
        self.resp_rate_bpm = _finite_or_none(round(sp.resp_rate_bpm, 1))
        self.lf_hf = _finite_or_none(round(sp.lf_hf, 2))
        self._spectral_pace = _finite_or_none(round(sp.breathing_bpm, 1))
        self._band_peak = _finite_or_none(sp.breathing_peak_bpm)
        self.breathing_bpm = self._spectral_pace if self._spectral_pace is not None else \
            self.breath_rate.rate(t, self._band_peak, self.swing.median_bpm)
