"""The heart-rate swing with each breath: its definitions, and the per-beat form equal to the batch."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.signal.swing import breath_swings, half_swings, windowed_swing
from calmlink.signal.swing_tracker import SwingTracker


def breathing(breaths_per_min: float, swing_bpm: float, seconds: float = 120.0, hr: float = 65.0,
              drift_bpm_per_s: float = 0.0, jitter_bpm: float = 0.0, seed: int = 0
              ) -> tuple[np.ndarray, np.ndarray]:
    """Beat times and heart rates of someone whose heart rate swings ``swing_bpm`` peak to trough
    with each breath (a beat whenever the integral of heart rate reaches a whole number)."""
    rng = np.random.default_rng(seed)
    grid = np.arange(0.0, seconds, 0.01)
    rate = hr + drift_bpm_per_s * grid - swing_bpm / 2 * np.cos(2 * np.pi * breaths_per_min / 60 * grid)
    count = np.cumsum(rate / 60.0) * 0.01
    t = np.interp(np.arange(1.0, math.floor(count[-1])), count, grid)
    beats = 60.0 / np.diff(t, prepend=0.0)
    return t[1:], beats[1:] + rng.normal(0.0, jitter_bpm, t.size - 1)


@pytest.mark.parametrize(("pace", "caught"), [(6.0, 0.97), (14.0, 0.85)])
def test_a_breath_swings_heart_rate_by_its_peak_to_trough(pace: float, caught: float) -> None:
    """Each interval averages heart rate over its beat and beats sample the wave, so the swing is
    caught a little short: at 65 bpm, 97% of it at 6 breaths a minute (ten beats a breath), 85% at
    14 (four or five)."""
    t, hr = breathing(pace, 8.0)
    half, breaths = half_swings(t, hr), breath_swings(t, hr)
    assert half.bpm.size == pytest.approx(2 * pace * 2, abs=2)  # two half-swings a breath
    assert breaths.bpm.size == pytest.approx(pace * 2, abs=1)
    assert np.median(half.bpm) == pytest.approx(8.0 * caught, rel=0.05)
    assert np.median(breaths.bpm) == pytest.approx(8.0 * caught, rel=0.05)
    assert windowed_swing(breaths.t, breaths.bpm, np.array([t[-1]]))[0] == \
        pytest.approx(8.0 * caught, rel=0.05)
    assert np.median(half.seconds) == pytest.approx(30.0 / pace, rel=0.15)  # half a breath each
    assert np.median(breaths.seconds) == pytest.approx(60.0 / pace, rel=0.1)


def test_jitter_below_the_hysteresis_makes_no_turn() -> None:
    rng = np.random.default_rng(1)
    hr = 70.0 + rng.uniform(-0.45, 0.45, 300)  # a beat's own jitter, under 1 bpm from crest to dip
    assert half_swings(np.arange(300.0), hr).bpm.size == 0
    assert half_swings(np.arange(300.0), hr, hysteresis_bpm=0.0).bpm.size > 100


def test_without_hysteresis_every_reversal_is_a_turn() -> None:
    """OpenHRV's reading: each change of direction closes a half-swing, measured extreme to
    extreme; the direct definition from the signs of the successive differences."""
    rng = np.random.default_rng(2)
    hr = 65 + 4 * np.sin(np.arange(400) * 0.6) + rng.normal(0, 0.8, 400)
    turns = np.flatnonzero(np.diff(np.sign(np.diff(hr))) != 0) + 1  # strict extremes
    extremes = np.concatenate(([hr[0]], hr[turns]))
    direct = np.abs(np.diff(extremes))
    assert np.array_equal(half_swings(np.arange(400.0), hr, hysteresis_bpm=0.0).bpm, direct)


def test_a_breath_is_its_peak_above_the_troughs_either_side_so_drift_cancels() -> None:
    t, hr = breathing(10.0, 6.0, drift_bpm_per_s=-0.03)  # settling: 1.8 bpm slower a minute
    rises_and_falls = half_swings(t, hr).bpm
    assert np.ptp(rises_and_falls) > 0.8  # the drift makes falls larger than rises
    assert np.median(breath_swings(t, hr).bpm) == pytest.approx(6.0 * 0.93, rel=0.05)


def test_the_window_moves_once_a_breath_and_empties_after_a_minute_without_one() -> None:
    tracker = SwingTracker(window_s=60.0)
    for k, hr in enumerate([60, 66, 60, 66, 61, 67, 60]):  # troughs known at 15 and 25 s
        tracker.push(5.0 * k, float(hr))
    assert tracker.n == 2 and tracker.median_bpm == pytest.approx((6.0 + 5.5) / 2)
    assert tracker.breath_bpm == pytest.approx(5.5)  # 66 above the mean of 60 and 61
    version = tracker.version
    tracker.push(35.0, 60.0)  # no breath closed: nothing changes
    assert tracker.version == version and tracker.completed is None
    tracker.push(84.0, 60.0)  # the latest breath (known at 25 s) is not yet a minute old
    assert tracker.n == 2
    tracker.push(85.0, 60.0)  # a minute without a breath: nothing to read
    assert tracker.n == 0 and math.isnan(tracker.median_bpm)


def test_one_deep_breath_barely_moves_the_windowed_swing() -> None:
    t, hr = breathing(12.0, 5.0, seconds=90.0, jitter_bpm=0.3, seed=3)
    calm = breath_swings(t, hr)
    sigh = (t > 40) & (t < 45)
    hr = hr.copy()
    hr[sigh] += np.hanning(sigh.sum()) * 15.0  # one sigh: heart rate 15 bpm up and back
    sighed = breath_swings(t, hr)
    end = np.array([t[-1]])
    before = windowed_swing(calm.t, calm.bpm, end)[0]
    after = windowed_swing(sighed.t, sighed.bpm, end)[0]
    assert sighed.bpm.max() > 3 * before
    assert after == pytest.approx(before, rel=0.15)


def test_a_gap_starts_afresh() -> None:
    t, hr = breathing(12.0, 6.0, seconds=60.0)
    gaps = np.zeros(t.size, dtype=bool)
    gaps[t.size // 2] = True
    hr = hr.copy()
    hr[t.size // 2:] += 20.0  # a jump across the gap is no swing
    swings = half_swings(t, hr, gaps)
    assert swings.bpm.max() < 7.0
    assert set(swings.run.tolist()) == {0, 1}
    assert breath_swings(t, hr, gaps).bpm.max() < 7.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(40.0, 160.0), st.booleans()), min_size=1, max_size=250),
       st.sampled_from([0.0, 0.5, 1.0]), st.sampled_from([10.0, 30.0, 60.0]),
       st.integers(0, 2))
def test_the_per_beat_form_equals_the_batch_form(beats: list[tuple[float, bool]], hysteresis: float,
                                                 window_s: float, digits: int) -> None:
    hr = np.round(np.array([b[0] for b in beats]), digits)  # ties, as integer bpm straps give
    gaps = np.array([b[1] and k > 0 for k, b in enumerate(beats)])
    t = np.cumsum(60.0 / hr)
    tracker = SwingTracker(window_s, hysteresis)
    medians, breaths, counts = [], [], []
    for k in range(t.size):
        if gaps[k]:
            tracker.new_run()
        tracker.push(float(t[k]), float(hr[k]))
        medians.append(tracker.median_bpm)
        breaths.append(tracker.breath_bpm)
        counts.append(tracker.n)
    each = breath_swings(t, hr, gaps, hysteresis)
    expected = windowed_swing(each.t, each.bpm, t, window_s)
    assert np.array_equal(np.nan_to_num(medians, nan=-1.0), np.nan_to_num(expected, nan=-1.0))
    known = np.searchsorted(each.t, t, side="right")
    latest = np.array([each.t[k - 1] if k else -np.inf for k in known])
    window = np.where(latest > t - window_s,
                      known - np.searchsorted(each.t, latest - window_s, side="right"), 0)
    assert counts == window.tolist()
    last = known - 1
    assert breaths == [None if i < 0 else pytest.approx(float(each.bpm[i])) for i in last]


def test_the_spread_reads_how_much_breaths_differ() -> None:
    regular = SwingTracker()
    irregular = SwingTracker()
    rng = np.random.default_rng(4)
    for k, (a, b) in enumerate(zip(breathing(6.0, 20.0, jitter_bpm=0.2)[1],
                                   breathing(14.0, 5.0, jitter_bpm=1.5, seed=5)[1], strict=False)):
        regular.push(k * 1.0, float(a))
        irregular.push(k * 1.0, float(b + rng.normal(0, 1.0)))
    assert regular.spread_ln < 0.15
    assert irregular.spread_ln > 0.3
