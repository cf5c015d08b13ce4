"""The live per-beat path: causal, quiet when it cannot read the rhythm, and moving the right way."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.signal.baseline import Baseline
from calmlink.signal.gauge import GaugeConfig
from calmlink.signal.gauge_run import run_gauge
from calmlink.signal.per_beat import LiveProcessor
from calmlink.signal.stream_artifacts import CausalArtifactDetector


def beats(hr_start: float, hr_end: float, rsa_start: float, rsa_end: float, seconds: float,
          seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic beats: heart rate and breathing-driven variability moving linearly."""
    rng = np.random.default_rng(seed)
    t, out_t, out_rr = 0.0, [], []
    while t < seconds:
        f = t / seconds
        mean = 60000 / (hr_start + (hr_end - hr_start) * f)
        rr = mean + (rsa_start + (rsa_end - rsa_start) * f) * math.sin(2 * math.pi * 0.2 * t) \
            + rng.normal(0, 3)
        t += rr / 1000
        out_t.append(t)
        out_rr.append(rr)
    return np.array(out_t), np.array(out_rr)


def test_calibrating_then_shown_then_rising_as_the_receiver_settles() -> None:
    t, rr = beats(75, 63, 15, 45, 400)
    run = run_gauge(t, rr)
    first_minute = [r for r in run.results if r.t < t[0] + 60]
    assert all(r.gauge is None and r.reason == "calibrating" for r in first_minute)
    late = [r.gauge for r in run.results if r.t > 340]
    assert all(g is not None for g in late)
    assert np.mean(late) > 75
    assert run.results[-1].trend == "slowing"


def test_falls_when_heart_rate_rises_and_variability_drops() -> None:
    t, rr = beats(65, 80, 40, 10, 400)
    run = run_gauge(t, rr)
    assert np.mean([r.gauge for r in run.results if r.t > 340]) < 25
    assert run.results[-1].trend == "rising"


def test_steady_input_reads_about_fifty_and_steady() -> None:
    t, rr = beats(68, 68, 30, 30, 300)
    run = run_gauge(t, rr)
    late = [r.gauge for r in run.results if r.t > 200]
    assert 40 < np.mean(late) < 60
    assert run.results[-1].trend == "steady"


def test_heart_rate_only_source_still_gets_a_gauge_and_trend() -> None:
    proc = LiveProcessor(GaugeConfig(baseline_s=30))
    proc.start_baseline(0.0)
    result = None
    for i in range(240):  # one reading a second, heart rate easing from 80 to 64
        result = proc.push(float(i), 80.0 - 16.0 * i / 240, None)
    assert result is not None and result.gauge is not None
    assert result.gauge > 60
    assert result.trend == "slowing"


def test_contact_loss_withholds_the_gauge_with_its_reason() -> None:
    proc = LiveProcessor(GaugeConfig(baseline_s=20))
    proc.start_baseline(0.0)
    t = 0.0
    for _ in range(80):
        t += 0.9
        proc.push(t, 66.7, 900.0 + 20 * math.sin(t))
    lost = proc.push(t + 1, 66.0, None, contact=False)
    assert lost.gauge is None and lost.quality == "no-contact"
    assert "check the strap" in lost.reason
    back = None
    for _ in range(20):
        t += 0.9
        back = proc.push(t + 2, 66.7, 900.0, gap_before=False)
    assert back is not None and back.quality != "no-contact"


def test_carried_baseline_is_used_at_once() -> None:
    t, rr = beats(70, 70, 30, 30, 120)
    run = run_gauge(t, rr, baseline=Baseline(hr_bpm=80.0, ln_rmssd=None))
    shown = [r.gauge for r in run.results if r.gauge is not None]
    assert shown and shown[0] > 60  # 10 bpm below the carried baseline from the first beats


def test_causal_detector_catches_a_premature_beat_on_arrival() -> None:
    det = CausalArtifactDetector()
    rng = np.random.default_rng(2)
    for rr in 850 + rng.normal(0, 10, 120):
        assert not det.push(float(rr))
    assert det.push(850 * 0.68)  # premature
    assert det.push(850 * 1.32)  # compensatory pause
    assert not det.push(852.0)


def test_causal_detector_follows_a_real_change_of_rhythm() -> None:
    det = CausalArtifactDetector()
    for _ in range(100):
        det.push(1000.0)
    flags = [det.push(700.0) for _ in range(30)]  # standing up: a lasting step
    assert not any(flags[-20:])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(400, 1500), min_size=30, max_size=200), st.integers(5, 29))
def test_no_look_ahead(values: list[float], cut: int) -> None:
    """What the path says about beat k never depends on the beats after it."""
    t = np.cumsum(values) / 1000
    full = run_gauge(t, np.array(values), baseline_duration_s=5.0).results
    prefix = run_gauge(t[:cut], np.array(values[:cut]), baseline_duration_s=5.0).results
    assert full[:cut] == prefix


def test_ln_rmssd_counts_as_much_as_it_can_be_believed() -> None:
    """Reliability from sampling error alone (variance 1/(2n)) against the gauge's own scale."""
    from calmlink.signal.gauge import ln_rmssd_reliability

    assert ln_rmssd_reliability(0) == 0.0
    assert ln_rmssd_reliability(60) > 0.94  # a full minute is barely touched
    assert 0.45 < ln_rmssd_reliability(3) < 0.55  # a thin window about halved
    weights = [ln_rmssd_reliability(n) for n in range(1, 200)]
    assert weights == sorted(weights)
    wider = GaugeConfig(ln_rmssd_scale=0.8)  # a larger typical change: less shrinking
    assert ln_rmssd_reliability(3, wider) > ln_rmssd_reliability(3)


def test_coarse_timing_counts_for_less_and_is_learned_from_the_stream() -> None:
    from calmlink.signal.gauge import ln_rmssd_reliability

    fine = ln_rmssd_reliability(60, resolution_ms=1.0, rmssd_ms=20.0)
    wrist = ln_rmssd_reliability(60, resolution_ms=15.625, rmssd_ms=20.0)
    assert fine > 0.94 and 0.8 < wrist < 0.9 * fine + 0.01
    assert ln_rmssd_reliability(60, resolution_ms=60.0, rmssd_ms=20.0) == 0.0  # all noise
    proc = LiveProcessor()
    rng = np.random.default_rng(2)
    for k in range(120):
        rr = 15.625 * round((900 + 30 * rng.standard_normal()) / 15.625)  # a wrist sensor's grid
        proc.push(0.9 * (k + 1), 60000 / rr, rr)
    assert proc.resolution_ms == pytest.approx(15.625)


def breaths(pace_before: float, pace_after: float, swing_before: float, swing_after: float,
            seconds: float = 240.0, switch_s: float = 120.0, hr: float = 66.0, seed: int = 0
            ) -> tuple[np.ndarray, np.ndarray]:
    """Beats of someone whose mean heart rate stays put while breathing changes pace and depth."""
    rng = np.random.default_rng(seed)
    grid = np.arange(0.0, seconds, 0.01)
    after = grid >= switch_s
    phase = np.cumsum(np.where(after, pace_after, pace_before) / 60.0) * 0.01
    rate = hr - np.where(after, swing_after, swing_before) / 2 * np.cos(2 * np.pi * phase)
    count = np.cumsum(rate / 60.0) * 0.01
    t = np.interp(np.arange(1.0, math.floor(count[-1])), count, grid)
    rr = np.diff(t) * 1000.0 + rng.normal(0.0, 4.0, t.size - 1)
    return t[1:], rr


def test_slow_deep_breathing_reads_calmer_though_heart_rate_stays_put() -> None:
    t, rr = breaths(14.0, 6.0, 4.0, 11.0)
    run = run_gauge(t, rr)
    assert run.baseline is not None and run.baseline.ln_swing is not None
    assert math.exp(run.baseline.ln_swing) == pytest.approx(4.0 * 0.85, rel=0.15)
    rest = [r.gauge for r in run.results if 90 < r.t < 120 and r.gauge is not None]
    paced = [r.gauge for r in run.results if r.t > 210 and r.gauge is not None]
    assert np.mean(rest) == pytest.approx(50.0, abs=6.0)
    assert np.mean(paced) > np.mean(rest) + 15.0
    assert run.results[-1].swing_bpm == pytest.approx(11.0, rel=0.15)
    before = run_gauge(t, rr, config=GaugeConfig(w_hrv=1.0, w_swing=0.0))  # heart rate and ln RMSSD
    assert np.mean([r.gauge for r in before.results if r.t > 210]) < np.mean(paced) - 10.0


def test_the_swing_counts_as_much_as_it_can_be_believed() -> None:
    from calmlink.signal.gauge import ln_swing_reliability

    assert ln_swing_reliability(2, 0.1) == 0.0  # too few half-breaths to read
    regular = [ln_swing_reliability(n, 0.05) for n in range(3, 40)]
    irregular = [ln_swing_reliability(n, 0.7) for n in range(3, 40)]
    assert regular == sorted(regular) and irregular == sorted(irregular)
    assert regular[0] > 0.9  # three paced breaths' half-swings already say a lot
    assert 0.75 < ln_swing_reliability(14, 0.7) < 0.9  # irregular breathing needs many
    assert ln_swing_reliability(14, 0.7, resolution_bpm=1.0, swing_bpm=2.0) < \
        ln_swing_reliability(14, 0.7)  # coarse timing against a small swing counts for less


def test_the_settling_score_is_heart_rate_and_swing_against_their_scales() -> None:
    from calmlink.signal.gauge import settling_score

    assert settling_score(-5.0) == pytest.approx(1.0)
    assert settling_score(0.0, 0.5) == pytest.approx(1.0)
    assert settling_score(5.0, 0.5) == pytest.approx(0.0)
    assert settling_score(0.0, None, delta_ln_rmssd=0.4) == 0.0  # ln RMSSD no longer counts
    assert settling_score(0.0, None, GaugeConfig(w_hrv=1.0), delta_ln_rmssd=0.4) == pytest.approx(1.0)
