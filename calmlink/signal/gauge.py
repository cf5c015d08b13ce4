"""The relaxation gauge and its trend word (docs/relaxation.md); the quality gate is signal.quality.

A relaxation proxy relative to the receiver's own baseline, never an absolute score:

    z_hr    = (baseline HR - HR) / hr_scale_bpm     HR: over the last hr_window_s, the mean moved
              floor_share of the way to the breaths' floor where breaths are read
    z_swing = (ln swing - baseline ln swing) / ln_swing_scale
              swing: the heart-rate swing with each breath (signal.swing), over swing_window_s
    z       = w_hr * z_hr + w_swing * z_swing   (:func:`settling_score`), smoothed exponentially
              (time constant smooth_tau_s)
    gauge   = 50 + (100 / pi) * atan(z / 2)

(names in lower case are fields of :class:`GaugeConfig`), so 50 reads "as at baseline", each scale
is about one typical within-person change, and the arctangent keeps large changes on the dial, still
ordered, without clipping (a sprint's recovery is four or five scales of heart rate). The swing term
is weighed by how much it can be believed (:func:`ln_swing_reliability`). The gauge before issue 19
used ln RMSSD where the swing is now (``w_hrv``, ``ln_rmssd_scale``, :func:`ln_rmssd_reliability`);
it stays available to compare with. The gauge is withheld (None) while the baseline is being taken
and whenever quality is poor (:class:`~calmlink.signal.quality.QualityGate`), with its reason.

Trend: the change of the smoothed score z (before the arctangent, so the word still moves when the
dial is near an end) over trend_lookback_s; beyond +-trend_threshold_z it is "slowing" / "rising",
else "steady". Heart-rate-only sources get the same from heart rate alone.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from calmlink.signal.baseline import Baseline, BaselineAccumulator
from calmlink.signal.quality import QualityGate
from calmlink.signal.swing_tracker import SwingTracker


@dataclass(frozen=True, slots=True)
class GaugeConfig:
    baseline_s: float = 60.0
    rmssd_window_s: float = 60.0
    hr_window_s: float = 20.0
    ln_rmssd_scale: float = 0.4
    hr_scale_bpm: float = 5.0
    ln_swing_scale: float = 0.5
    swing_window_s: float = 45.0
    swing_hysteresis_bpm: float = 1.0
    min_swings: int = 3
    w_hr: float = 1.0
    w_hrv: float = 0.0
    """The ln RMSSD term's weight: 0 since the swing took its place (1 and ``w_swing`` 0 give the
    gauge as it was before issue 19, for comparison)."""
    w_swing: float = 1.0
    hr_from_floor: bool = True
    """Heart rate taken from the breath's floor (:func:`floor_weight`) where breaths are read;
    False: the window's mean heart rate alone (the gauge of issues 19-27, to compare with)."""
    floor_share: float = 0.5
    """How much of heart rate is the floor's where the breaths are read fully: half, so heart rate
    is read halfway between the window's mean and the breaths' floor (the lower half of each
    breath). All of it reads slow breathing more strongly still (P37 +30 points against +26) but
    lets one sigh move the median simulated person's gauge by 3.4 points, past the 3 that
    tests/test_population.py holds (docs/relaxation.md, "The breath's floor")."""
    hr_from_intervals: bool = True
    """Window heart rate as 60000 / mean interval (False: the mean of each beat's rate, as before
    issue 19, only to compare with)."""
    smooth_tau_s: float = 10.0
    trend_lookback_s: float = 45.0
    trend_threshold_z: float = 0.25
    quality_beats: int = 30
    poor_artifact_share: float = 0.2
    fair_artifact_share: float = 0.05
    irregular_share: float = 0.3
    irregular_jump: float = 0.2
    min_window_s: float = 20.0
    no_contact_hold_s: float = 5.0
    shrink_ln_rmssd: bool = True
    """Weigh the ln RMSSD term by how much the window's RMSSD can be believed (see
    :func:`ln_rmssd_reliability`); False only to measure what the weighting changes."""
    shrink_swing: bool = True
    """Weigh the swing term by how much the window's swing can be believed (see
    :func:`ln_swing_reliability`); False only to measure what the weighting changes."""


DEFAULT_CONFIG = GaugeConfig()


def ln_rmssd_reliability(n_differences: int, config: GaugeConfig = DEFAULT_CONFIG,
                         resolution_ms: float = 0.0, rmssd_ms: float = math.inf) -> float:
    """How much a window's ln RMSSD can be believed, 0 to 1. ln RMSSD from n successive differences
    has a sampling variance of about 1 / (2 n); a typical change within a person is the gauge's own
    ``ln_rmssd_scale``. Their ratio, n / (n + 1 / (2 scale^2)), shrinks the term toward zero when the
    window is thin (gaps, dropped beats, a watch's sparse intervals) and leaves a full window almost
    untouched: 60 differences at scale 0.4 keep 95%. Intervals timed in steps of ``resolution_ms``
    add about resolution^2 / 6 to each squared difference: the share of RMSSD^2 that is not that
    noise multiplies the weight (a 15.6-ms wrist sensor at RMSSD 20 ms keeps 90%). Nothing here is
    fitted to data."""
    if n_differences <= 0:
        return 0.0
    noise_pairs = 1.0 / (2.0 * config.ln_rmssd_scale ** 2)
    weight = n_differences / (n_differences + noise_pairs)
    if resolution_ms > 0.0 and math.isfinite(rmssd_ms) and rmssd_ms > 0.0:
        weight *= max(0.0, 1.0 - resolution_ms ** 2 / 6.0 / rmssd_ms ** 2)
    return weight


SPREAD_FLOOR = 0.1
"""Breath-to-breath spread of ln swing assumed at the least: even paced breathing varies its depth
by about a tenth from breath to breath (P37's paced breathing: 0.07 over a minute's six breaths)."""


def ln_swing_reliability(n_swings: int, spread_ln: float, config: GaugeConfig = DEFAULT_CONFIG,
                         resolution_bpm: float = 0.0, swing_bpm: float = math.inf) -> float:
    """How much a window's ln swing can be believed, 0 to 1. The median of n breaths whose logs
    spread with standard deviation s has a sampling variance of about (pi / 2) s^2 / n; against the
    gauge's own ``ln_swing_scale`` that gives n / (n + (pi / 2) s^2 / scale^2). Regular breathing
    (paced: s about 0.07) is believed from a few breaths; irregular breathing (GUDB at rest, P37's
    arithmetic: s 0.5-0.6) needs many, and below ``min_swings`` breaths the term is left out.
    Timing in steps of ``resolution_bpm`` adds about resolution^2 / 6 to each squared swing: the
    share that is not that noise multiplies the weight, as for ln RMSSD. Nothing here is fitted."""
    if n_swings < config.min_swings:
        return 0.0
    s2 = max(spread_ln, SPREAD_FLOOR) ** 2 if spread_ln == spread_ln else 1.0
    weight = n_swings / (n_swings + (math.pi / 2.0) * s2 / config.ln_swing_scale ** 2)
    if resolution_bpm > 0.0:
        weight *= max(0.0, 1.0 - resolution_bpm ** 2 / 6.0 / swing_bpm ** 2)
    return weight


REST_SPREAD = 0.5
"""Breath-to-breath spread of ln swing at ordinary rest (the GUDB people sitting: 0.51)."""


def ln_swing_change_weight(n_first: int, n_second: int, config: GaugeConfig = DEFAULT_CONFIG) -> float:
    """How much a change of ln swing between two stretches of n_first and n_second breaths can be
    believed (the review's steps): the two medians' sampling variances, (pi / 2) s^2 / n each at
    the resting spread s, add; against ``ln_swing_scale``^2 as in :func:`ln_swing_reliability`."""
    if min(n_first, n_second) < config.min_swings:
        return 0.0
    noise = (math.pi / 2.0) * REST_SPREAD ** 2 * (1.0 / n_first + 1.0 / n_second)
    return config.ln_swing_scale ** 2 / (config.ln_swing_scale ** 2 + noise)


def settling_score(delta_hr_bpm: float, delta_ln_swing: float | None = None,
                   config: GaugeConfig = DEFAULT_CONFIG, delta_ln_rmssd: float | None = None) -> float:
    """The gauge's score z for a change against the baseline: positive when heart rate fell and its
    swing with each breath grew. The live gauge, session outcomes and per-step trends all use it."""
    z = config.w_hr * -delta_hr_bpm / config.hr_scale_bpm
    if delta_ln_swing is not None:
        z += config.w_swing * delta_ln_swing / config.ln_swing_scale
    if delta_ln_rmssd is not None and config.w_hrv:
        z += config.w_hrv * delta_ln_rmssd / config.ln_rmssd_scale
    return z


class GaugeState(NamedTuple):
    """Immutable; a NamedTuple because it is built on every beat (3x cheaper than a frozen
    dataclass)."""

    gauge: float | None
    trend: str | None
    quality: str
    reason: str


class RelaxationGauge:
    """Baseline, score, smoothing, trend and quality; fed once per sample, in time order."""

    def __init__(self, config: GaugeConfig, baseline: Baseline | None = None) -> None:
        self.c = config
        self.baseline = baseline
        self.baseline_start: float | None = None if baseline is None else -math.inf
        self.baseline_s = config.baseline_s
        self._acc = BaselineAccumulator()
        self._hr: deque[tuple[float, float]] = deque()
        self._hr_sum = 0.0
        self.gate = QualityGate(config)
        self._smoothed: float | None = None
        self._last_t: float | None = None
        self._history: deque[tuple[float, float]] = deque()
        self._swing_of: tuple[int, float, Baseline | None] = (-1, 0.0, None)  # what the delta is of
        self._swing_delta = 0.0
        self._floor_w = 0.0  # how far heart rate is read from the breath's floor
        self._floor_delta = 0.0

    def start_baseline(self, t: float) -> None:
        """Take a new baseline from ``t`` for ``baseline_s`` seconds."""
        self.baseline_start = t
        self.baseline = None
        self.baseline_s = self.c.baseline_s
        self._acc = BaselineAccumulator()
        self._smoothed = None
        self._history.clear()

    def finish_baseline(self) -> None:
        """End the baseline now (the giver left the settle step early); the next update uses
        what was collected, or keeps collecting if that was too little."""
        if self.baseline is None and self.baseline_start is not None:
            self.baseline_s = 0.0

    def mean_hr(self, t: float, hr: float) -> float:
        """Beats per minute over the window: 60000 / the mean interval, as the baseline's. (The
        mean of each beat's rate would count fast beats more often, reading a large swing with
        each breath as a faster heart: 1.5 bpm at P37's paced breathing.)"""
        intervals = self.c.hr_from_intervals
        value = 60000.0 / hr if intervals else hr
        self._hr.append((t, value))
        self._hr_sum += value
        while self._hr[0][0] < t - self.c.hr_window_s:
            self._hr_sum -= self._hr.popleft()[1]
        mean = self._hr_sum / len(self._hr)
        return 60000.0 / mean if intervals else mean

    def update(self, t: float, hr_bpm: float | None, rr_ms: float | None, diff_ms: float | None,
               ln_rmssd: float, contact: bool | None, window_s: float,
               n_differences: int | None = None, resolution_ms: float = 0.0,
               swing: SwingTracker | None = None) -> GaugeState:
        """One sample. ``hr_bpm`` None for a rejected beat; ``diff_ms`` the clean successive
        difference it forms (None at a segment start or for a rejected beat); ``swing`` the
        heart-rate swing with each breath, as read up to this beat."""
        if self.baseline_start is None:
            self.baseline_start = t
        quality, reason = self.gate.check(t, contact)
        hr = self.mean_hr(t, hr_bpm) if hr_bpm is not None and hr_bpm > 0 else None
        usable = quality in ("good", "fair")
        if self.baseline is None:
            if t < self.baseline_start:
                return GaugeState(None, None, quality, reason or "waiting for the baseline")
            if t < self.baseline_start + self.baseline_s:
                if usable and hr_bpm is not None:
                    self._acc.add(rr_ms, diff_ms, hr_bpm, None if swing is None else swing.completed,
                                  None if swing is None else swing.breath_floor)
                return GaugeState(None, None, quality, reason or "calibrating")
            self.baseline = self._acc.result()
            if self.baseline is None:  # nothing usable yet: keep collecting from here
                self.baseline_start = t
                self.baseline_s = self.c.baseline_s
                return GaugeState(None, None, quality, reason or "calibrating")
        z = None if hr is None else self._score(
            hr, ln_rmssd, window_s, rr_ms, n_differences, resolution_ms, swing)
        if z is not None and usable:
            if self._smoothed is None or self._last_t is None:
                self._smoothed = z
            else:
                alpha = 1.0 - math.exp(-max(t - self._last_t, 0.0) / self.c.smooth_tau_s)
                self._smoothed += alpha * (z - self._smoothed)
            self._last_t = t
        trend = self._trend(t, self._smoothed) if usable else None
        if not usable or self._smoothed is None:
            return GaugeState(None, trend, quality, reason or "calibrating")
        gauge = 50.0 + (100.0 / math.pi) * math.atan(self._smoothed / 2.0)
        return GaugeState(round(gauge, 1), trend, quality, reason)

    def _score(self, hr: float, ln_rmssd: float, window_s: float, rr_ms: float | None,
               n_differences: int | None, resolution_ms: float, swing: SwingTracker | None
               ) -> float | None:
        """The combined score z before smoothing (0 = as at baseline)."""
        base, c = self.baseline, self.c
        if base is None:
            return None
        if rr_ms is None:  # a heart-rate-only source: heart rate alone
            return settling_score(hr - base.hr_bpm, None, c)
        delta_sw = None
        delta_hr = hr - base.hr_bpm
        if swing is not None and base.ln_swing is not None and swing.median_bpm > 0.0:  # not nan
            version, res, of = self._swing_of
            if swing.version != version or resolution_ms != res or base is not of:  # at a turn
                self._swing_of = (swing.version, resolution_ms, base)
                self._swing_delta = math.log(swing.median_bpm) - base.ln_swing
                q_bpm = resolution_ms * base.hr_bpm * base.hr_bpm / 60000.0  # timing steps in bpm
                weight = ln_swing_reliability(swing.n, swing.spread_ln, c, q_bpm, swing.median_bpm)
                if c.shrink_swing:
                    self._swing_delta *= weight
                floor = c.hr_from_floor and base.floor_bpm is not None
                self._floor_w = c.floor_share * weight if floor else 0.0
                self._floor_delta = swing.floor_bpm - (base.floor_bpm or 0.0)
            delta_sw = self._swing_delta
            if self._floor_w:  # the breath's floor as far as the breaths are read, else the mean
                delta_hr += self._floor_w * (self._floor_delta - delta_hr)
        delta_ln = None
        if (c.w_hrv and base.ln_rmssd is not None and not math.isnan(ln_rmssd)
                and window_s >= c.min_window_s):
            delta_ln = ln_rmssd - base.ln_rmssd
            if c.shrink_ln_rmssd and n_differences is not None:
                delta_ln *= ln_rmssd_reliability(n_differences, c, resolution_ms,
                                                 math.exp(ln_rmssd))
        return settling_score(delta_hr, delta_sw, c, delta_ln)

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
        if abs(delta) < self.c.trend_threshold_z:
            return "steady"
        return "slowing" if delta > 0 else "rising"
