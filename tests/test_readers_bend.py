"""Readers that bend, not break, and files named by what they hold: each written here in the real
structure of the app or device that makes it (E4 Connect, Kubios HRV, Apple Health in other
languages, Whoop- and Oura-style daily summaries, phone heart-rate tables, a Garmin FIT with a lost
minute), never copied from anyone's recording."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_app_formats import apple_export, fit_file, rr_walk

from calmlink.recordings import RRFileError, parse_rr_text
from calmlink.recordings.rr_text import read_recordings
from calmlink.recordings.times import seconds_of_day


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=60)


def test_a_minute_written_as_an_interval_in_a_fit_file_is_a_gap_with_no_line(tmp_path: Path) -> None:
    f = tmp_path / "ride.fit"
    good = [[0.8, 0.81], [0.82]] * 30
    f.write_bytes(fit_file([*good, [61.0], *good]))
    [series] = read_recordings(f)
    assert series.rr_ms.size == 180 and np.all(series.rr_ms < 1000)
    [warning] = [w for w in series.warnings if "cannot be beat-to-beat" in w]
    assert "61000 ms" in warning and "line" not in warning
    assert series.gap_before[90]  # the beats after the lost minute start a new segment


@pytest.mark.parametrize("style", ["en_US", "de_DE", "fi_FI", "ja_JP", "ko_KR", "ar_SA", "en_GB"])
def test_apple_health_times_in_any_language(tmp_path: Path, style: str) -> None:
    bpm = [int(v) for v in 72 + 4 * np.sin(np.arange(60) / 3)]
    t, beats = 16 * 3600 + 17 * 60 + 11.0, []
    for b in bpm:
        t += 60.0 / b
        beats.append((b, _written(t, style)))
    f = tmp_path / "export.xml"
    f.write_text(apple_export([("2021-03-27 16:17:11 +1100", beats)]))
    [series] = read_recordings(f)
    np.testing.assert_allclose(series.rr_ms, 60000.0 / np.array(bpm))
    np.testing.assert_allclose(np.diff(series.t_s), 60.0 / np.array(bpm[1:]), atol=0.011)


def _written(t: float, style: str) -> str:
    h, rest = divmod(t, 3600)
    m, s = divmod(rest, 60)
    hour, whole, hundredths = int(h), int(s), round((s - int(s)) * 100)
    twelve = hour % 12 or 12
    return {
        "en_US": f"{twelve}:{int(m):02d}:{whole:02d}.{hundredths:02d} {'PM' if hour >= 12 else 'AM'}",
        "de_DE": f"{hour:02d}:{int(m):02d}:{whole:02d},{hundredths:02d}",
        "fi_FI": f"{hour}.{int(m):02d}.{whole:02d},{hundredths:02d}",
        "ja_JP": f"{'午後' if hour >= 12 else '午前'}{twelve}:{int(m):02d}:{whole:02d}.{hundredths:02d}",
        "ko_KR": f"{'오후' if hour >= 12 else '오전'} {twelve}:{int(m):02d}:{whole:02d}.{hundredths:02d}",
        "ar_SA": "".join("٠١٢٣٤٥٦٧٨٩"[int(c)] if c.isdigit() else c for c in
                         f"{twelve}:{int(m):02d}:{whole:02d}٫{hundredths:02d} ")
        + ("م" if hour >= 12 else "ص"),
        "en_GB": f"{twelve}:{int(m):02d}:{whole:02d}.{hundredths:02d}",  # 12-hour, marker dropped
    }[style]


@settings(max_examples=150, deadline=None)
@given(st.floats(0, 86399.99), st.sampled_from(["en_US", "de_DE", "fi_FI", "ja_JP", "ko_KR",
                                                 "ar_SA", "en_GB"]))
def test_any_time_of_day_reads_back(t: float, style: str) -> None:
    t = round(t, 2)
    assert abs(seconds_of_day(_written(t, style), near_s=t) - t) < 0.011


@pytest.mark.parametrize("text, kept, flagged, fmt", [
    ("RR Flag\n812 0\n798 1\n805 0\n810 0\n", [812, 798, 805, 810], [0, 1, 0, 0], "time-rr"),
    ("rr_ms,artifact\n812,0\n798,1\n805,0\n810,0\n", [812, 798, 805, 810], [0, 1, 0, 0], "time-rr"),
    ("IBI (ms)\tvalid\n812\ttrue\n798\tfalse\n805\ttrue\n", [812, 798, 805], [0, 1, 0], "time-rr"),
    ("812,0\n798,1\n805,0\n810,0\n", [812, 798, 805, 810], [0, 1, 0, 0], "columns"),
    ("0,812\n1,798\n0,805\n0,810\n", [812, 798, 805, 810], [0, 1, 0, 0], "columns"),
    ("0.812 0.812\n1.610 0.798\n2.415 0.805\n", [812, 798, 805], None, "kubios"),
    ("812 798 805 810\n790 801 799 812\n820 805 790 800\n",
     [812, 798, 805, 810, 790, 801, 799, 812, 820, 805, 790, 800], None, "list"),  # wrapped
    ("Zeit (s);RR-Intervall (ms);Artefakt\n0,812;812,5;0\n1,610;797,5;1\n2,425;815,0;0\n",
     [812.5, 797.5, 815.0], [0, 1, 0], "time-rr"),  # a German spreadsheet's decimal commas
    ("Average,RRData\n72.1,812 798\n71.9,805\n72.0,810 790 801\n", [812, 798, 805, 810, 790, 801],
     None, "time-rr"),  # a strap's packet: several intervals in one cell
])
def test_columns_chosen_by_name_and_value_with_the_files_own_marks(
        text: str, kept: list[float], flagged: list[int] | None, fmt: str) -> None:
    series = parse_rr_text(text, "f.txt")
    assert series.format == fmt
    np.testing.assert_allclose(series.rr_ms, kept)
    if flagged is None:
        assert series.flagged is None
    else:
        assert series.flagged is not None and series.flagged.astype(int).tolist() == flagged


def test_a_start_without_a_zone_stays_local_time(tmp_path: Path) -> None:
    f = tmp_path / "exercise.hrm"
    f.write_text("[Params]\nVersion=106\nInterval=238\nDate=20050901\nStartTime=10:30:00.0\n"
                 "[HRData]\n" + "".join(f"{v}\n" for v in rr_walk(100)))
    [series] = read_recordings(f)
    assert series.start is not None and series.start.tzinfo is None
    out = json.loads(cli("analyze", str(f), "--json").stdout)
    assert out["start"] == "2005-09-01T10:30:00"  # no "+00:00": the watch's own local time


E4_START = 1_587_650_187


def e4_ibi(beats: list[tuple[float, float]]) -> str:
    """IBI.csv as E4 Connect writes it: the session start and IBI, then offset,interval in s."""
    return f"{E4_START:.6f}, IBI\n" + "".join(f"{t:.6f},{ibi:.6f}\n" for t, ibi in beats)


def test_empatica_e4_ibi_with_the_gaps_the_wristband_left(tmp_path: Path) -> None:
    rr = np.array(rr_walk(200)) / 1000.0
    t = 10.0 + np.cumsum(rr)
    keep = np.ones(rr.size, dtype=bool)
    keep[[50, 51, 120]] = False  # beats the wristband did not trust
    f = tmp_path / "IBI.csv"
    f.write_text(e4_ibi(list(zip(t[keep], rr[keep], strict=True))))
    [series] = read_recordings(f)
    assert series.format == "e4-ibi" and series.optical
    np.testing.assert_allclose(series.rr_ms, rr[keep] * 1000.0)
    assert np.flatnonzero(series.gap_before).tolist() == [50, 118]
    assert series.start is not None
    assert abs(series.start.timestamp() - (E4_START + 10.0)) < 1e-6  # the first beat's interval


@pytest.mark.parametrize("text, said", [
    (f"{E4_START:.6f}\n1.000000\n72.5\n73.0\n", r"E4 HR.csv \(heart rate, not beat-to-beat"),
    (f"{E4_START:.6f}\n4.000000\n0.41\n0.42\n", "E4 EDA.csv or TEMP.csv"),
    (f"{E4_START:.6f}\n64.000000\n-12.3\n-11.8\n", "E4 BVP.csv"),
    (f"{E4_START:.6f}, {E4_START:.6f}, {E4_START:.6f}\n32.000000, 32.000000, 32.000000\n"
     "-5,12,61\n", "E4 ACC.csv"),
    (f"{E4_START + 60:.2f}\n{E4_START + 300:.2f}\n", "E4 tags.csv"),
])
def test_the_other_e4_files_are_named_with_what_to_give(text: str, said: str) -> None:
    with pytest.raises(RRFileError, match=said) as caught:
        parse_rr_text(text, "f.csv")
    assert "IBI.csv" in str(caught.value) and caught.value.line is None


def kubios_report(samples: list[list[float]]) -> str:
    """A Kubios HRV Standard text report: the settings and results, then the RR series of each
    sample under RR INTERVAL DATA (time and RR in s), the spectra running on beside and below."""
    head = ("HRV ANALYSIS RESULTS - 13-Sep-2018 13:15:19\nKubios HRV Standard\n3.1.0.1\n\n"
            "File name: rest.txt\nMeasurement date: 21.11.2017 10:46:14\nFile type: asciiRR\n\n"
            "Time-Domain Results           ,\n  Mean RR  (ms):              ,    707.5437,\n"
            "  RMSSD (ms):                 ,     56.8586,\n\n\n"
            "RR INTERVAL DATA and SPECTRUM ESTIMATES,\n")
    pad = " " * 30
    head += pad + "," + ",".join(f"    SAMPLE {k + 1},            " for k in range(len(samples))) + "\n"
    names = ",".join("        Time, RR interval" for _ in samples)
    units = ",".join("         (s),         (s)" for _ in samples)
    head += f"{pad},{names},   Frequency,         PSD,\n{pad},{units},        (Hz),   (ms^2/Hz),\n"
    rows = max(len(s) for s in samples) + 40  # the spectrum runs on below the RR series
    times = [np.cumsum(s) / 1000.0 for s in samples]
    lines = []
    for k in range(rows):
        cells = []
        for s, t in zip(samples, times, strict=True):
            cells += [f"{t[k]:12.3f}", f"{s[k] / 1000:12.3f}"] if k < len(s) else [" " * 12] * 2
        lines.append(pad + "," + ",".join(cells) + f",{k / 300:12.3f},{1000.0 / (k + 1):12.4f},\n")
    return head + "".join(lines)


def test_kubios_report_gives_its_rr_series_per_sample(tmp_path: Path) -> None:
    first, second = rr_walk(300, seed=2), rr_walk(200, seed=3)
    f = tmp_path / "rest_hrv.txt"
    f.write_text(kubios_report([first, second]))
    one, two = read_recordings(f)
    assert one.format == "kubios-report" and one.label == "sample 1"
    np.testing.assert_allclose(one.rr_ms, first, atol=0.5)  # the report writes ms to the ms
    np.testing.assert_allclose(two.rr_ms, second, atol=0.5)
    assert one.start is not None and one.start.isoformat() == "2017-11-21T10:46:14"


@pytest.mark.parametrize("text, said", [
    # a phone app's heart-rate table (Samsung Health, Google Fit style)
    ("start_time,heart_rate,heart_rate_min,heart_rate_max\n2024-05-05 14:30:00,72,70,75\n"
     "2024-05-05 14:31:00,74,71,78\n2024-05-05 14:32:00,73,70,76\n", "heart rate, not beat-to-beat"),
    # a wristband's heart rate once a second
    ("Time;Heart Rate (bpm)\n2024-05-05T14:30:00;72\n2024-05-05T14:30:01;72\n"
     "2024-05-05T14:30:02;73\n", "heart rate, not beat-to-beat"),
    # Whoop physiological cycles, one row a day
    ("Cycle start time,Cycle end time,Recovery score %,Resting heart rate (bpm),Heart rate "
     "variability (ms),Day Strain\n2024-05-05 22:10:00,2024-05-06 22:31:00,64,52,71,11.2\n"
     "2024-05-06 22:31:00,2024-05-07 23:02:00,58,54,66,13.0\n", "a daily summary"),
    # Oura's daily export
    ("date,Readiness Score,Sleep Score,Average Resting Heart Rate,Average HRV\n"
     "2024-05-05,82,77,51.2,48\n2024-05-06,79,80,52.0,45\n2024-05-07,85,84,50.1,52\n",
     "a daily summary"),
    # beats per minute taken for intervals
    ("72\n74\n73\n75\n71\n", "look like beats per minute"),
])
def test_files_that_hold_no_beats_are_named_not_blamed(text: str, said: str) -> None:
    with pytest.raises(RRFileError, match=said) as caught:
        parse_rr_text(text, "f.csv")
    assert caught.value.line is None and "\n" not in str(caught.value)


NAMES = {"rr": ["rr_ms", "RR", "RR interval (ms)", "IBI", "RR-interval [ms]"],
         "time": ["t_s", "time", "Timestamp"], "marks": ["artifact", "flag", "ectopic"]}
BAD = ["nan", "-5", "0", "oops", "70000", "inf"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(450, 1400), min_size=12, max_size=60),
       st.sampled_from([",", ";", "\t", " "]), st.booleans(), st.booleans(), st.booleans(),
       st.permutations(["rr", "time", "marks"]), st.data())
def test_any_table_reads_its_good_rows_and_says_what_it_left_out(
        rr: list[int], delimiter: str, header: bool, with_time: bool, seconds: bool,
        order: list[str], data: st.DataObject) -> None:
    """Delimiters, column orders, units, headers or none, marks, and a few cells that cannot be
    intervals: never a crash, never a silent wrong number."""
    marks = data.draw(st.lists(st.integers(0, 1), min_size=len(rr), max_size=len(rr)))
    bad = data.draw(st.dictionaries(st.integers(1, len(rr) - 2), st.sampled_from(BAD), max_size=3))
    t = np.cumsum(rr) / 1000.0
    cols = [c for c in order if c != "time" or with_time]
    names = [data.draw(st.sampled_from(NAMES[c])) for c in cols] if header else []
    if delimiter == " ":  # one word per name, its unit in brackets beside it
        names = [n.replace(" (", "\0").replace(" ", "_").replace("\0", " (") for n in names]
    lines = [delimiter.join(names)] if header else []
    for k, v in enumerate(rr):
        cell = {"rr": bad.get(k, f"{v / 1000:.3f}" if seconds else str(v)),
                "time": f"{t[k]:.3f}", "marks": str(marks[k])}
        lines.append(delimiter.join(cell[c] for c in cols))
    text = "\n".join(lines) + "\n"
    try:
        series = parse_rr_text(text, "f.txt")
    except RRFileError as exc:
        assert not header, f"{exc}\n{text}"  # a table with names is always read
        return
    good = [k for k in range(len(rr)) if k not in bad]
    np.testing.assert_allclose(series.rr_ms, [rr[k] for k in good], atol=0.51)
    if bad:
        assert any(w.startswith(f"{len(bad)} value(s)") for w in series.warnings), series.warnings
    if header:
        assert series.flagged is not None
        assert series.flagged.astype(int).tolist() == [marks[k] for k in good]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(450, 1300), min_size=5, max_size=80), st.data())
def test_any_e4_ibi_reads_its_good_beats_and_says_what_it_left_out(rr: list[int],
                                                                   data: st.DataObject) -> None:
    bad = data.draw(st.dictionaries(st.integers(0, len(rr) - 1),
                                    st.sampled_from(["0.000000", "-0.5", "nan", "x", "75.0"]),
                                    max_size=len(rr) // 3))
    t = 5.0 + np.cumsum(rr) / 1000.0
    rows = [f"{t[k]:.6f},{bad.get(k, f'{v / 1000:.6f}')}" for k, v in enumerate(rr)]
    text = f"{E4_START:.6f}, IBI\n" + "\n".join(rows) + "\n"
    try:
        series = parse_rr_text(text, "IBI.csv")
    except RRFileError as exc:
        assert len(bad) == len(rr) and exc.line is not None
        return
    good = [v for k, v in enumerate(rr) if k not in bad]
    np.testing.assert_allclose(series.rr_ms, good, atol=0.001)
    if bad:
        assert any(w.startswith(f"{len(bad)} value(s)") for w in series.warnings)
