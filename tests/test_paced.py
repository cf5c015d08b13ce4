"""Paced breathing's measures (calmlink.signal.paced) and the pace finder (signal.pace_finder):
against scipy where numpy stands in for it, against waves of known size, and on simulated people
(vectorised: a hundred finding sessions in about a second)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import pace_finder as bench
from calmlink.signal import pace_finder as pf
from calmlink.signal import paced
from conftest import DATA


def beats_of(hr_at: object, seconds: float, seed: int = 1, jitter_ms: float = 0.0
             ) -> tuple[np.ndarray, np.ndarray]:
    """Beat times and heart rates of a heart whose rate follows ``hr_at(t)`` (integral pulse
    frequency), with a little independent jitter."""
    rng = np.random.default_rng(seed)
    grid = np.arange(0.0, seconds, 0.01)
    count = np.cumsum(hr_at(grid) / 60.0) * 0.01  # type: ignore[operator]
    t = np.interp(np.arange(1.0, count[-1]), count, grid)
    rr = np.diff(t, prepend=0.0)[1:] * 1000.0 + rng.normal(0.0, jitter_ms, t.size - 1)
    return t[1:], 60000.0 / rr


def test_the_periodogram_is_scipys() -> None:
    signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(0.7, 1.1, 200))
    hr = 70 + 5 * np.sin(2 * np.pi * 0.1 * t) + rng.normal(0, 1, t.size) + 0.02 * t
    freqs, psd = paced.periodogram(t, hr, float(t[0]), float(t[-1]))
    x = np.interp(np.arange(t[0], t[-1], 0.25), t, hr)
    f_ref, p_ref = signal.periodogram(x, 4.0, "hann", paced.NFFT, detrend="linear")
    assert np.allclose(freqs, f_ref) and np.allclose(psd, p_ref, rtol=1e-9, atol=1e-12)


def test_a_breaths_swing_is_its_highest_minus_lowest_heart_rate_wherever_the_wave_starts() -> None:
    for phase in np.linspace(0, 2 * np.pi, 7):
        t, hr = beats_of(lambda g, ph=phase: 65 + 6 * np.sin(2 * np.pi * g / 10 + ph), 120)
        starts, ends = paced.cycles(5.0, 115.0, 6.0)
        swings = paced.cycle_swings(t, hr, starts, ends)
        # beats about a second apart catch a crest and a trough to within half a bpm
        assert swings.size == 11 and ((swings > 11.2) & (swings <= 12.0)).all(), swings
    starts, ends = paced.cycles(3.0, 60.0, 6.0, origin=0.0)  # breaths keep the pacer's beat
    assert starts[0] == 10.0 and ends[-1] == 60.0 and starts.size == 5


def test_a_breath_with_a_gap_or_too_few_beats_is_not_read() -> None:
    t, hr = beats_of(lambda g: 65 + 6 * np.sin(2 * np.pi * g / 10), 60)
    starts, ends = paced.cycles(0.0, 60.0, 6.0)
    holed = (t < 21) | (t > 26)  # five seconds without a beat inside the third breath
    swings = paced.cycle_swings(t[holed], hr[holed], starts, ends)
    assert math.isnan(swings[2]) and np.isfinite(swings[[0, 1, 3, 4]]).all()
    run = (t > 33).astype(np.int64)  # a gap in the fourth breath: a new run of beats
    assert math.isnan(paced.cycle_swings(t, hr, starts, ends, run)[3])
    assert math.isnan(paced.cycle_swings(t[:2], hr[:2], starts[:1], ends[:1])[0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.3, 2.0), min_size=3, max_size=80), st.floats(4.0, 7.0),
       st.floats(0.0, 30.0))
def test_swings_lie_between_zero_and_the_whole_range(rr_s: list[float], pace: float,
                                                    start: float) -> None:
    t = np.cumsum(rr_s)
    hr = 60.0 / np.array(rr_s)
    starts, ends = paced.cycles(start, float(t[-1]) + 10.0, pace)
    swings = paced.cycle_swings(t, hr, starts, ends)
    finite = swings[np.isfinite(swings)]
    assert swings.size == starts.size
    assert ((finite >= 0) & (finite <= np.ptp(hr) + 1e-9)).all()


def test_heart_rate_that_follows_the_pace_has_most_of_its_variation_there() -> None:
    wave = lambda g: 65 + 6 * np.sin(2 * np.pi * 0.1 * g)  # noqa: E731
    t, hr = beats_of(wave, 120, jitter_ms=5)
    share = paced.following_share(t, hr, 6.0, 110.0)
    assert 0.75 < share < 0.9 and paced.following_word(share) == "mostly"
    assert paced.following_share(t, hr, 4.5, 110.0) < 0.2  # not at a pace it does not follow
    rest = lambda g: 65 + 2 * np.sin(2 * np.pi * 0.23 * g) + 1.5 * np.sin(2 * np.pi * 0.05 * g)  # noqa: E731
    t, hr = beats_of(rest, 120, jitter_ms=5)
    assert paced.following_share(t, hr, 6.0, 110.0) < 0.1
    assert math.isnan(paced.following_share(t, hr, 6.0, 40.0))  # under 45 s of beats
    assert paced.following_word(0.35, settle_share=0.1) == "partly"
    assert paced.following_word(0.35, settle_share=0.4) == "not-yet"
    assert paced.following_word(math.nan) is None


def test_the_finder_finds_a_resonance_pace_and_says_when_there_is_none() -> None:
    """100 simulated people with a resonance peak between 4.5 and 6.5 a minute, and 100 with
    none: within half a breath a minute in at least 90 (94 at the rule's margin), "no clear best
    pace" for most of those without (74)."""
    peaked, truth = bench.sessions(True)
    flat, _ = bench.sessions(False)
    within, unclear = bench.rates(peaked, truth, flat)
    assert within >= 90, within
    assert unclear >= 65, unclear
    found = [pf.find_pace(x) for x in flat]
    assert {f.why for f in found if f.pace is None} <= {"too-close", "spectrum-disagrees"}
    assert all(f.largest_swing is not None and f.spectrum_peak is not None for f in found)


def test_too_few_readable_paces_find_nothing() -> None:
    trial = pf.PaceTrial(6.0, 12.0, 0.3, 12, 40.0)
    assert pf.find_pace([trial, pf.PaceTrial(5.0, None, None, 0, None)]).why == "too-few"
    assert pf.is_finding([6.5, 6.0, 5.5, None], [120, 120, 120, 180])
    assert not pf.is_finding([6.0, 6.0, 5.5], [120, 120, 120])
    assert not pf.is_finding([6.5, 6.0, 5.5], [120, 60, 120])


@pytest.mark.real_data
def test_p37_paced_breathing_swings_more_and_follows_the_pace_where_rest_does_not() -> None:
    """P37 of shared/data/relax (VU-AMS ECG): 3 minutes of slow paced breathing at 6 a minute
    against 5 minutes seated, read the way `calmlink analyze --pace 6` reads them."""
    import json
    import subprocess
    import sys

    path = DATA / "relax" / "wearablehrv" / "P37_vu_ecg.rr"

    def read(start: str, seconds: str) -> dict[str, object]:
        out = subprocess.run([sys.executable, "-m", "calmlink.cli", "analyze", str(path), "--pace",
                              "6", "--window", start, seconds, "--json"], capture_output=True,
                             text=True, timeout=60, check=True)
        return dict(json.loads(out.stdout))

    breathing, sitting = read("1225.42", "180"), read("20.42", "300")
    assert breathing["n_breaths"] == 17 and sitting["n_breaths"] == 30
    assert breathing["swing_bpm"] > 2 * sitting["swing_bpm"] > 15  # type: ignore[operator]
    assert breathing["following_share"] > 0.6 > 0.1 > sitting["following_share"]  # type: ignore[operator]
    assert (breathing["following"], sitting["following"]) == ("mostly", "not-yet")
