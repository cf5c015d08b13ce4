"""Rolling time-domain metrics equal their published definitions computed in batch."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.signal.rolling import RollingTimeDomain


def batch(rr: np.ndarray) -> dict[str, float]:
    d = np.diff(rr)
    return {
        "mean": float(np.mean(rr)),
        "sdnn": float(np.std(rr, ddof=1)),
        "rmssd": float(np.sqrt(np.mean(d**2))),
        "pnn50": float(100 * np.sum(np.abs(d) > 50) / len(d)),
        "sd1": float(np.std(d / np.sqrt(2), ddof=1)),
        "sd2": float(np.std((rr[:-1] + rr[1:]) / np.sqrt(2), ddof=1)),
    }


def test_rmssd_of_a_known_series() -> None:
    w = RollingTimeDomain(max_beats=10)
    for rr in (800, 810, 790, 800):
        w.push(rr)
    # differences 10, -20, 10: RMSSD = sqrt((100 + 400 + 100) / 3)
    assert w.rmssd_ms() == pytest.approx(math.sqrt(200), rel=1e-12)


def test_window_drops_old_beats_and_their_difference() -> None:
    w = RollingTimeDomain(max_beats=3)
    for rr in (1000, 500, 800, 810, 790):
        w.push(rr)
    assert len(w) == 3
    assert w.rmssd_ms() == pytest.approx(math.sqrt((100 + 400) / 2))


def test_time_bounded_window() -> None:
    w = RollingTimeDomain(max_seconds=5.0)
    for _ in range(20):
        w.push(1000.0)
    assert len(w) == 5
    assert w.duration_s == pytest.approx(5.0)


def test_gap_starts_a_new_segment() -> None:
    w = RollingTimeDomain(max_beats=10)
    for rr in (800, 820):
        w.push(rr)
    w.push(1200, new_segment=True)
    w.push(1210)
    s = w.stats()
    assert s.n_beats == 4
    assert s.rmssd_ms == pytest.approx(math.sqrt((400 + 100) / 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(300, 1800, allow_nan=False), min_size=3, max_size=300),
       st.integers(3, 120))
def test_streaming_equals_batch_over_the_trailing_window(values: list[float], size: int) -> None:
    w = RollingTimeDomain(max_beats=size)
    for v in values:
        w.push(v)
    rr = np.array(values[-size:])
    s, ref = w.stats(), batch(rr)
    assert s.mean_rr_ms == pytest.approx(ref["mean"], rel=1e-9)
    assert s.sdnn_ms == pytest.approx(ref["sdnn"], rel=1e-9, abs=1e-9)
    assert s.rmssd_ms == pytest.approx(ref["rmssd"], rel=1e-9, abs=1e-9)
    assert s.pnn50_pct == pytest.approx(ref["pnn50"])
    if len(rr) > 2:
        assert s.sd1_ms == pytest.approx(ref["sd1"], rel=1e-9, abs=1e-9)
        assert s.sd2_ms == pytest.approx(ref["sd2"], rel=1e-9, abs=1e-9)


@given(st.lists(st.floats(300, 1800), min_size=10, max_size=100), st.floats(-200, 200))
def test_rmssd_ignores_a_shift_and_scales_with_a_factor(values: list[float], shift: float) -> None:
    a, b, c = (RollingTimeDomain(max_beats=500) for _ in range(3))
    for v in values:
        a.push(v)
        b.push(v + shift + 300)
        c.push(v * 1.5)
    assert b.rmssd_ms() == pytest.approx(a.rmssd_ms(), rel=1e-9, abs=1e-9)
    assert c.rmssd_ms() == pytest.approx(1.5 * a.rmssd_ms(), rel=1e-9, abs=1e-9)
