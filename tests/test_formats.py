"""RR file formats: detection, clocks, gaps, and clear errors that name the line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.recordings import RRFileError, parse_rr_text, read_rr_file
from calmlink.recordings.fast_column import parse_column
from conftest import DATA


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=60)


def test_plain_ms_and_seconds_agree() -> None:
    ms = parse_rr_text("800\n810\n790\n")
    s = parse_rr_text("0.800\n0.810\n0.790\n")
    np.testing.assert_allclose(ms.rr_ms, s.rr_ms)
    assert ms.format == "plain"


def test_plain_with_header_comments_and_blank_lines() -> None:
    series = parse_rr_text("RR (ms)\n# exported by Elite HRV\n\n812\n798\n")
    np.testing.assert_array_equal(series.rr_ms, [812, 798])


def test_polar_sensor_logger() -> None:
    text = ("Phone timestamp;RR-interval [ms]\n2024-05-05T14:30:00.436;812\n"
            "2024-05-05T14:30:00.436;798\n2024-05-05T14:30:01.250;805\n"
            "2024-05-05T14:30:12.000;810\n")
    series = parse_rr_text(text)
    assert series.format == "polar"
    np.testing.assert_array_equal(series.rr_ms, [812, 798, 805, 810])
    assert series.gap_before.tolist() == [False, False, False, True]


def test_time_rr_keeps_its_own_clock_and_marks_gaps() -> None:
    text = "t_s,rr_ms\n-10.0,1000\n-9.0,1000\n-8.0,1000\n2.0,1000\n3.0,1000\n"
    series = parse_rr_text(text)
    assert series.format == "time-rr"
    assert series.t_s[0] == -10.0
    assert series.gap_before.tolist() == [False, False, False, True, False]


def test_kubios_two_columns() -> None:
    series = parse_rr_text("Time (s)  RR (s)\n0.81 0.810\n1.61 0.800\n2.43 0.820\n")
    assert series.format == "kubios"
    np.testing.assert_allclose(series.rr_ms, [810, 800, 820])


def test_calmlink_export_round_trip() -> None:
    text = ("seq,t,rr_ms,hr_bpm,artifact,gap_before,step\n0,0.8,800,75,0,1,0\n1,1.6,800,75,0,0,0\n"
            "2,5.0,,70,0,0,0\n3,6.0,1000,60,0,1,1\n")
    series = parse_rr_text(text)
    assert series.format == "calmlink"
    np.testing.assert_array_equal(series.rr_ms, [800, 800, 1000])
    assert series.gap_before.tolist() == [True, False, True]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("800\n810\nabc\n", 3, "expected one RR interval"),
    ("-5\n0\n", 1, "positive number"),
    ("t_s,rr_ms\n1.0,oops\n2.0,nan\n", 2, "got 'oops'"),
    ("", None, "no RR intervals"),
])
def test_bad_files_name_the_line(text: str, line: int | None, words: str) -> None:
    with pytest.raises(RRFileError) as err:
        parse_rr_text(text, "f.txt")
    assert err.value.line == line
    assert words in str(err.value)


def test_binary_file_is_refused_clearly_without_a_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.rr"
    bad.write_bytes(b"800\n\xff\xfe\x00\x01")
    with pytest.raises(RRFileError, match="binary data that is no recording") as caught:
        read_rr_file(bad)
    assert caught.value.line is None and "line" not in str(caught.value)
    latin = tmp_path / "Messung.csv"  # a spreadsheet's Windows text: its numbers read the same
    latin.write_bytes("Zeit (s);RR-Abstände (ms)\n0.8;800\n1.59;790\n2.41;820\n".encode("cp1252"))
    assert read_rr_file(latin).rr_ms.tolist() == [800, 790, 820]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_rr_file_error(text: str) -> None:
    try:
        series = parse_rr_text(text)
    except RRFileError:
        return
    assert series.rr_ms.size > 0
    assert np.all(series.rr_ms > 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.tuples(st.integers(0, 10**12), st.integers(0, 8)).map(
                              lambda p: f"{p[0] / 10**p[1]:.{p[1]}f}"),
                          st.floats(0, 1e6).map(repr), st.integers(0, 10**15).map(str),
                          st.sampled_from(["1.", ".5", "1..2", "-1", "1e3", "x", "١٢"])),
                min_size=1, max_size=30),
       st.sampled_from(["\n", " ", "\r\n", "\t", "  \n"]))
def test_the_fast_column_reader_gives_floats_bits_or_steps_aside(cells: list[str], sep: str) -> None:
    text = sep.join(cells)
    fast = parse_column(text)
    if fast is None:
        return
    assert fast.tolist() == [float(c) for c in text.split()]


def test_the_fast_column_reader_reads_a_holter_column() -> None:
    text = "695.3125\n710.9375\n1000.0000\n7.8125\n"
    fast = parse_column(text)
    assert fast is not None and fast.tolist() == [695.3125, 710.9375, 1000.0, 7.8125]


def test_cli_bad_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("800\n810\nnot a number\n")
    out = run_cli("analyze", str(bad), "--json")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.strip().count("\n") == 0
    assert "line 3" in out.stderr and "Traceback" not in out.stderr


def test_cli_missing_file_exits_2() -> None:
    out = run_cli("analyze", "/nonexistent/file.txt")
    assert out.returncode == 2
    assert "cannot read" in out.stderr


@pytest.mark.real_data
def test_cli_json_contract_and_window() -> None:
    path = DATA / "rr" / "fantasia_f1y01_2h_rr_ms.txt"
    whole = json.loads(run_cli("analyze", str(path), "--json").stdout)
    keys = {"n_beats", "n_corrected", "duration_s", "mean_rr_ms", "mean_hr_bpm", "sdnn_ms",
            "rmssd_ms", "ln_rmssd", "pnn50_pct", "sd1_ms", "sd2_ms", "lf_ms2", "hf_ms2", "lf_hf",
            "resp_rate_bpm"}
    assert keys <= whole.keys()
    part = json.loads(run_cli("analyze", str(path), "--json", "--window", "600", "300").stdout)
    assert 280 < part["duration_s"] <= 300.5
    assert part["n_beats"] < whole["n_beats"] / 10


@pytest.mark.real_data
def test_cli_text_output_says_what_it_is() -> None:
    out = run_cli("analyze", str(DATA / "rr" / "pyhrv_sample_5min_nni_ms.txt"))
    assert out.returncode == 0
    assert "RMSSD" in out.stdout and "not a medical device" in out.stdout


@pytest.mark.real_data
def test_cli_reads_every_data_file() -> None:
    for path in sorted((DATA / "rr").glob("*_rr_*")) + sorted((DATA / "relax").glob("*/*.rr"))[:4]:
        out = run_cli("analyze", str(path), "--json")
        assert out.returncode == 0, (path, out.stderr)
        assert json.loads(out.stdout)["n_beats"] > 100


@pytest.mark.real_data
def test_cli_gauge_with_conditions_and_text_chart() -> None:
    folder = DATA / "relax" / "wearablehrv"
    out = run_cli("analyze", str(folder / "P37_vu_ecg.rr"), "--gauge", "--baseline", "20.42", "60",
                  "--conditions", str(folder / "P37_vu_ecg_conditions.csv"), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["baseline"]["start"] == 20.42 and data["baseline"]["duration"] == 60
    assert len(data["series"]) > 2000
    assert set(data["series"][0]) == {"t", "gauge", "trend", "quality", "breathing_bpm", "swing_bpm",
                                      "deep_breath"}
    assert data["baseline"]["ln_swing"] is not None
    means = {c["label"]: c["mean_gauge"] for c in data["conditions"]}
    assert means["standing"] < means["sitting"] < means["breathing"]
    text = run_cli("analyze", str(folder / "P37_kyto_beats.csv"), "--gauge")
    assert text.returncode == 0 and "block height" in text.stdout


@pytest.mark.real_data
def test_cli_gauge_bad_conditions_file(tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text("start_s,end_s,label\n0,abc,x\n")
    out = run_cli("analyze", str(DATA / "rr" / "pyhrv_sample_5min_nni_ms.txt"), "--gauge",
                  "--conditions", str(bad))
    assert out.returncode == 2 and "line 2" in out.stderr
