"""Time-domain HRV: published definitions, relationships, and NeuroKit2 agreement on real files."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmlink.signal.artifacts import split_segments
from calmlink.signal.metrics import time_domain
from calmlink.signal.rolling import RollingTimeDomain
from conftest import DATA

RR_FILES = sorted((DATA / "rr").glob("*_ms.txt"))


def test_reference_values_by_hand() -> None:
    rr = np.array([1000.0, 1060.0, 990.0, 1020.0])
    td = time_domain([rr])
    # differences 60, -70, 30
    assert td.mean_rr_ms == pytest.approx(1017.5)
    assert td.sdnn_ms == pytest.approx(math.sqrt(((17.5**2) + 42.5**2 + 27.5**2 + 2.5**2) / 3))
    assert td.rmssd_ms == pytest.approx(math.sqrt((3600 + 4900 + 900) / 3))
    assert td.pnn50_pct == pytest.approx(200 / 3)  # 2 of 3 differences exceed 50 ms
    assert td.mean_hr_bpm == pytest.approx(60000 / 1017.5)
    assert td.sd1_ms == pytest.approx(np.std(np.array([60, -70, 30]) / math.sqrt(2), ddof=1))


def test_differences_never_cross_segments() -> None:
    td = time_domain([np.array([800.0, 800.0]), np.array([1200.0, 1200.0])])
    assert td.rmssd_ms == 0.0
    assert td.pnn50_pct == 0.0


@given(st.lists(st.floats(400, 1400), min_size=10, max_size=200), st.floats(0.5, 2.0))
def test_scaling_relationships(values: list[float], k: float) -> None:
    a, b = time_domain([np.array(values)]), time_domain([np.array(values) * k])
    for name in ("mean_rr_ms", "sdnn_ms", "rmssd_ms", "sd1_ms", "sd2_ms"):
        assert getattr(b, name) == pytest.approx(getattr(a, name) * k, rel=1e-9, abs=1e-9)
    assert b.mean_hr_bpm == pytest.approx(a.mean_hr_bpm / k, rel=1e-9)


@pytest.mark.real_data
def test_a_faster_heart_with_the_same_rhythm_has_lower_rmssd() -> None:
    rr = np.loadtxt(RR_FILES[0])
    assert time_domain([rr * 0.8]).rmssd_ms < time_domain([rr]).rmssd_ms


@pytest.fixture(scope="module")
def neurokit():  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import neurokit2 as nk
    return nk


@pytest.mark.parametrize("path", RR_FILES, ids=lambda p: p.stem)
@pytest.mark.real_data
def test_equals_neurokit2_to_1e9(path, neurokit) -> None:  # type: ignore[no-untyped-def]
    """Raw series (no correction, no splitting) against NeuroKit2 given the same intervals."""
    from neurokit2.hrv.hrv_nonlinear import _hrv_nonlinear_poincare

    rr = np.loadtxt(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = neurokit.hrv_time({"RRI": rr, "RRI_Time": np.cumsum(rr) / 1000.0})
        poincare = _hrv_nonlinear_poincare(rr, out={})  # the SD1/SD2 code hrv_nonlinear runs
    ours = time_domain([rr])
    for mine, theirs in ((ours.mean_rr_ms, t["HRV_MeanNN"].iloc[0]),
                         (ours.sdnn_ms, t["HRV_SDNN"].iloc[0]),
                         (ours.rmssd_ms, t["HRV_RMSSD"].iloc[0]),
                         (ours.sd1_ms, poincare["SD1"]), (ours.sd2_ms, poincare["SD2"])):
        assert mine == pytest.approx(float(theirs), rel=1e-9)


@pytest.mark.real_data
def test_streaming_equals_batch_over_24_hours() -> None:
    rr = np.loadtxt(DATA / "rr" / "nsr2db_nsr001_24h_rr_ms.txt")
    window = RollingTimeDomain(max_beats=300)
    checkpoints = set(range(1000, rr.size, 9973))
    gaps = {s.start for s in split_segments(rr)}
    for k, v in enumerate(rr):
        window.push(float(v), new_segment=k in gaps)
        if k in checkpoints:
            seg = rr[k - 299: k + 1]
            if any(k - 299 < g <= k for g in gaps) or (seg > 2000).any():
                continue
            s, ref = window.stats(), time_domain([seg])
            for name in ("mean_rr_ms", "sdnn_ms", "rmssd_ms", "pnn50_pct", "sd1_ms", "sd2_ms"):
                assert getattr(s, name) == pytest.approx(getattr(ref, name), rel=1e-9), name


@pytest.mark.parametrize("path", [p for p in RR_FILES if "nsr2db" not in p.name],
                         ids=lambda p: p.stem)
def test_cli_no_correction_equals_batch_on_gap_free_files(path) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run([sys.executable, "-m", "calmlink.cli", "analyze", str(path), "--json",
                          "--no-correction"], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    ref = time_domain([np.loadtxt(path)])
    assert got["n_corrected"] == 0
    for name in ("mean_rr_ms", "sdnn_ms", "rmssd_ms", "sd1_ms", "sd2_ms", "pnn50_pct"):
        assert got[name] == pytest.approx(getattr(ref, name), rel=1e-9)
