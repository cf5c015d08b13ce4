"""Partner synchrony, tested against a known truth: the two-person simulator (real physiology-shaped
beats, own breathing, a shared slow wander with a set coupling and lag) and hand-built series."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.signal.synchrony import (
    HeartRateGrid,
    Synchrony,
    SynchronyConfig,
    heart_rate_grid,
    pseudo_pair_p,
    synchrony,
)
from calmlink.testing.pairs import simulated_pair


def grids(seed: int, coupling: float, lag_s: float, trend: float = 0.0,
          slow_bpm: float = 5.0) -> tuple[HeartRateGrid, HeartRateGrid]:
    return simulated_pair(seed, coupling, lag_s, trend_bpm_per_min=trend, slow_bpm=slow_bpm)


@pytest.mark.timeout(240)  # 100 simulated sessions, each against 200 shifts: 14 s alone on 2 cores
def test_independent_pairs_are_called_in_step_at_most_one_time_in_ten() -> None:
    calls = [synchrony(*grids(seed, 0.0, 0.0)).passes for seed in range(100)]
    assert sum(calls) <= 10, f"{sum(calls)} of 100 independent pairs called in step"


def test_coupling_is_found_with_its_lag() -> None:
    found = [synchrony(*grids(seed, 0.5, 2.0)) for seed in range(20)]
    assert sum(s.passes for s in found) >= 17
    lags = [s.lag_s for s in found if s.lag_s is not None]
    assert abs(float(np.median(lags)) - 2.0) <= 1.0  # positive: the giver follows


def test_a_shared_trend_is_not_synchrony() -> None:
    """Both hearts climb 40 bpm over the session: whole series correlate, the test is not fooled."""
    calls = []
    for seed in range(20):
        r, g = grids(seed, 0.0, 0.0, trend=4.0, slow_bpm=3.0)
        whole = float(np.corrcoef(r.bpm, g.bpm)[0, 1])
        assert whole > 0.8
        calls.append(synchrony(r, g).passes)
    assert sum(calls) <= 2


def _sine_grid(lag_s: float, n_s: float = 300.0, fs: float = 4.0, seed: int = 0) -> HeartRateGrid:
    rng = np.random.default_rng(seed)
    t = np.arange(int(n_s * fs)) / fs
    drive = np.convolve(rng.normal(size=t.size + 400), np.ones(40) / 40, mode="same")[200:-200]
    shifted = np.interp(t - lag_s, t, drive)
    return HeartRateGrid(0.0, fs, 65 + 10 * shifted, np.zeros(t.size, dtype=bool))


def test_a_copy_delayed_by_a_known_lag_is_found_at_that_lag() -> None:
    receiver, giver = _sine_grid(0.0), _sine_grid(1.5)
    s = synchrony(receiver, giver)
    assert s.lag_s == pytest.approx(1.5, abs=0.25)
    assert s.p_value <= 1 / 100 and s.passes
    backwards = synchrony(giver, receiver)
    assert backwards.lag_s == pytest.approx(-1.5, abs=0.25)  # the receiver follows now


def test_windows_with_missing_signal_are_skipped_and_counted() -> None:
    receiver, giver = _sine_grid(0.0), _sine_grid(1.0)
    hole = giver.missing.copy()
    hole[400:640] = True  # a minute of the giver's strap gone
    s = synchrony(receiver, HeartRateGrid(0.0, 4.0, giver.bpm, hole))
    full = synchrony(receiver, giver)
    assert s.windows_skipped > 0 and s.windows + s.windows_skipped == full.windows
    assert s.to_json()["windows_skipped"] == s.windows_skipped


def test_the_grid_marks_gaps_between_clean_beats_as_missing() -> None:
    t = np.concatenate([np.arange(1, 61, 1.0), np.arange(80, 141, 1.0)])
    rr = np.full(t.size, 1000.0)
    g = heart_rate_grid(t, rr, np.ones(t.size, dtype=bool), 0.0, 140.0)
    at = lambda s: g.missing[int(s * 4)]  # noqa: E731
    assert at(0.5) and not at(30) and at(70) and not at(100)
    assert g.bpm[(30 * 4)] == pytest.approx(60.0)


def test_pseudo_pairs_catch_what_the_routine_alone_does() -> None:
    receiver, giver = _sine_grid(0.0, seed=1), _sine_grid(0.0, seed=1)
    observed = synchrony(receiver, giver)
    others = [_sine_grid(0.0, seed=1) for _ in range(3)]  # everyone moves alike: the routine
    assert pseudo_pair_p(observed, receiver, others) > 0.05
    strangers = [_sine_grid(0.0, seed=k) for k in (5, 6, 7)]
    assert pseudo_pair_p(observed, receiver, strangers) <= 0.25


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.floats(120.0, 400.0))
def test_any_pair_gives_a_p_value_and_honest_counts(seed: int, seconds: float) -> None:
    rng = np.random.default_rng(seed)
    n = int(seconds * 4)
    a = HeartRateGrid(0.0, 4.0, 60 + rng.normal(size=n).cumsum() * 0.1, rng.random(n) < 0.05)
    b = HeartRateGrid(0.0, 4.0, 60 + rng.normal(size=n).cumsum() * 0.1, rng.random(n) < 0.05)
    s: Synchrony = synchrony(a, b, SynchronyConfig(n_surrogates=50))
    assert s.windows >= 0 and s.windows_skipped >= 0
    if s.windows and s.surrogate_statistics.size:
        assert 0.0 < s.p_value <= 1.0
        assert 0.0 <= s.in_step_s <= s.duration_s
        assert -5.0 <= (s.lag_s or 0.0) <= 5.0
    else:  # too short to shift by a minute either way, or no window to count: no test, no claim
        assert math.isnan(s.p_value) and not s.passes
