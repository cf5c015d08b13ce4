"""Spectral HRV: the numpy spline and Welch equal scipy's; band powers and breathing rate are right
on signals whose answer is known; results are stable under small window shifts."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.signal.spectral import (
    FS_HZ,
    detrend_linear,
    spectrum,
    welch_psd,
)
from calmlink.signal.spline import natural_cubic_spline_batch
from conftest import DATA


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.floats(400, 1400), min_size=4, max_size=80), min_size=1, max_size=5))
def test_spline_equals_scipy_natural_cubic_spline(series: list[list[float]]) -> None:
    from scipy.interpolate import CubicSpline

    xs = [np.cumsum(s) / 1000.0 for s in series]
    ys = [np.array(s) for s in series]
    grids = [np.arange(x[0], x[-1], 1 / FS_HZ) for x in xs]
    ours = natural_cubic_spline_batch(xs, ys, grids)
    for x, y, g, o in zip(xs, ys, grids, ours, strict=True):
        ref = CubicSpline(x, y, bc_type="natural")(g)
        np.testing.assert_allclose(o, ref, rtol=1e-9, atol=1e-7)


def test_welch_equals_scipy() -> None:
    from scipy.signal import welch

    x = np.random.default_rng(0).normal(size=1200)
    for nper in (512, 1200):
        f_ref, p_ref = welch(x, FS_HZ, nperseg=nper)
        f, p = welch_psd(x, segment_s=nper / FS_HZ)
        np.testing.assert_allclose(f, f_ref)
        np.testing.assert_allclose(p, p_ref, rtol=1e-9)


def test_detrend_equals_scipy() -> None:
    from scipy.signal import detrend

    x = np.random.default_rng(1).normal(size=(3, 400)) + np.arange(400) * 0.3
    np.testing.assert_allclose(detrend_linear(x), detrend(x, axis=-1), atol=1e-9)


def _rr_with_sine(freq_hz: float, amp_ms: float, minutes: float = 5, base: float = 900.0) -> np.ndarray:
    """Beats whose RR follows base + amp * sin(2 pi f t) at the beat's time."""
    t, out = 0.0, []
    while t < minutes * 60:
        rr = base + amp_ms * math.sin(2 * math.pi * freq_hz * t)
        t += rr / 1000
        out.append(rr)
    return np.array(out)


def test_a_pure_hf_oscillation_lands_in_hf_with_the_right_power() -> None:
    sp = spectrum([_rr_with_sine(0.25, 40.0)])
    # a sine of amplitude A has power A^2 / 2
    assert sp.hf_ms2 == pytest.approx(40.0**2 / 2, rel=0.1)
    assert sp.lf_ms2 < 0.05 * sp.hf_ms2
    assert sp.resp_rate_bpm == pytest.approx(15.0, abs=0.3)


def test_slow_breathing_moves_power_into_lf() -> None:
    sp = spectrum([_rr_with_sine(0.1, 60.0)])
    assert sp.lf_ms2 > 10 * sp.hf_ms2
    assert sp.resp_rate_bpm == pytest.approx(6.0, abs=0.3)


@pytest.mark.real_data
def test_stable_under_small_window_shifts() -> None:
    rr = np.loadtxt(DATA / "rr" / "fantasia_f1y01_2h_rr_ms.txt")
    base = spectrum([rr[1000:1400]])
    for shift in (2, 5, 10):
        moved = spectrum([rr[1000 + shift: 1400 + shift]])
        assert moved.hf_ms2 == pytest.approx(base.hf_ms2, rel=0.15)
        assert moved.lf_ms2 == pytest.approx(base.lf_ms2, rel=0.15)


@pytest.mark.real_data
def test_median_band_power_within_15_percent_of_neurokit2() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import neurokit2 as nk

        from calmlink.signal.artifacts import detect_artifacts

        ratios = []
        for name in ("pyhrv_sample_5min_nni_ms.txt", "wfdb_1003_10min_rr_ms.txt",
                     "fantasia_f1y01_2h_rr_ms.txt"):
            rr = np.loadtxt(DATA / "rr" / name)
            t = np.cumsum(rr) / 1000
            for k in range(24):
                w = rr[(t >= k * 300) & (t < k * 300 + 300)]
                if w.size < 200 or detect_artifacts(w).any.sum() > 5:
                    continue
                ref = nk.hrv_frequency(nk.intervals_to_peaks(w, sampling_rate=1000),
                                       sampling_rate=1000, normalize=False)
                sp = spectrum([w])
                ratios.append((sp.lf_ms2 / float(ref["HRV_LF"].iloc[0]),
                               sp.hf_ms2 / float(ref["HRV_HF"].iloc[0])))
    r = np.array(ratios)
    assert len(r) >= 5
    assert abs(np.median(r[:, 0]) - 1) < 0.15
    assert abs(np.median(r[:, 1]) - 1) < 0.15


def test_too_short_gives_no_spectrum() -> None:
    sp = spectrum([np.full(40, 900.0)])
    assert sp.n_windows == 0
    assert math.isnan(sp.lf_ms2)
