"""Other apps' formats, written here byte by byte as those apps write them: Movesense's title
line, Apple Health's export.xml (streamed), FIT files with and without beat-to-beat data, HRM
sampled mode, clocks in odd units; files calmlink recognises but cannot read are named; a file of
several measurements imports as one session each, all or nothing, dated by the file itself."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmlink.recordings import RRFileError, parse_rr_text
from calmlink.recordings.rr_text import READERS, read_recordings


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=60)


def rr_walk(n: int, seed: int = 1) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(v) for v in 850 + np.cumsum(rng.normal(0, 12, n)).clip(-200, 200)]


def test_movesense_after_its_title_line(tmp_path: Path) -> None:
    rr = rr_walk(120)
    f = tmp_path / "HR-2025_01_25-16_42_59.csv"
    f.write_text(" " * 80 + "HeartRate" + " " * 60 + "25.01.2516.42.591   \nAverage,RRData\n"
                 + "".join(f"{60000 / v:.1f},{v}\n" for v in rr))
    [series] = read_recordings(f)
    assert series.format == "movesense"
    np.testing.assert_array_equal(series.rr_ms, rr)
    assert series.start is not None and series.start.strftime("%Y-%m-%d %H:%M:%S") == \
        "2025-01-25 16:42:59"  # from the file name, local time


def apple_export(records: list[tuple[str, list[tuple[int, str]]]], filler: int = 0) -> str:
    """An export.xml as the Health app writes it: heart rate samples around the HRV records."""
    hr = ('<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" '
          'startDate="2021-03-27 16:00:00 +1100" endDate="2021-03-27 16:00:00 +1100" value="70">'
          '<MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/></Record>\n')
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData '
             '(ExportDate,Me,(Record|Workout)*)>\n]>\n<HealthData locale="en_AU">\n'
             '<ExportDate value="2021-03-28 10:00:00 +1100"/>\n', hr * filler]
    for start, beats in records:
        parts.append(f'<Record type="HKQuantityTypeIdentifierHeartRateVariabilitySDNN" '
                     f'sourceName="Watch" unit="ms" startDate="{start}" endDate="{start}" '
                     f'value="45.1">\n<HeartRateVariabilityMetadataList>\n')
        parts += [f'<InstantaneousBeatsPerMinute bpm="{b}" time="{t}"/>\n' for b, t in beats]
        parts.append("</HeartRateVariabilityMetadataList>\n</Record>\n")
    parts.append(hr * filler + "</HealthData>\n")
    return "".join(parts)


def beats_from(bpm: list[int], first: float) -> list[tuple[int, str]]:
    """Beats at their own times, written as the watch writes them ("4:17:18.57 pm")."""
    out, t = [], first
    for b in bpm:
        t += 60.0 / b
        h, rest = divmod(t, 3600)
        m, s = divmod(rest, 60)
        hour = int(h) % 24
        out.append((b, f"{hour % 12 or 12}:{int(m):02d}:{s:05.2f} {'pm' if hour >= 12 else 'am'}"))
    return out


def test_apple_health_one_measurement_per_hrv_record(tmp_path: Path) -> None:
    bpm = [int(v) for v in 72 + 4 * np.sin(np.arange(60) / 3)]
    f = tmp_path / "export.xml"
    f.write_text(apple_export([("2021-03-27 16:17:11 +1100", beats_from(bpm, 58631)),
                               ("2021-03-27 23:59:30 +1100", beats_from(bpm, 86400 - 30))], 5))
    first, second = read_recordings(f)
    np.testing.assert_allclose(first.rr_ms, 60000.0 / np.array(bpm))
    assert first.optical and first.format == "apple-health" and not first.gap_before.any()
    assert first.start is not None  # the beats' own clock: 16:17:11 in Sydney
    assert abs(first.start.timestamp() - datetime(2021, 3, 27, 5, 17, 11, tzinfo=UTC).timestamp()) < 0.05
    assert second.label.startswith("measurement 2") and second.duration_s < 60  # past midnight
    assert np.all(np.diff(second.t_s) > 0)


def test_apple_health_is_streamed_not_loaded(tmp_path: Path) -> None:
    f = tmp_path / "export.xml"
    beats = beats_from([70] * 60, 16 * 3600)
    f.write_text(apple_export([("2021-03-27 16:00:00 +1100", beats)] * 20, filler=20000))
    tracemalloc.start()
    found = read_recordings(f)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(found) == 20
    assert peak < f.stat().st_size / 4, (peak, f.stat().st_size)


def _crc16(data: bytes) -> int:
    """FIT's CRC (CRC-16/ARC: polynomial 0x8005, reflected)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def fit_file(hrv: list[list[float]]) -> bytes:
    """A FIT activity as a watch writes it: file_id, then a timestamped record before each hrv
    message (time in seconds, five slots, 0xFFFF unused)."""
    body = bytearray()
    body += bytes([0x40, 0, 0]) + struct.pack("<HB", 0, 1) + bytes([4, 4, 0x86])  # file_id def
    body += bytes([0x00]) + struct.pack("<I", 1_000_000_000)
    body += bytes([0x41, 0, 0]) + struct.pack("<HB", 20, 1) + bytes([253, 4, 0x86])  # record def
    body += bytes([0x42, 0, 0]) + struct.pack("<HB", 78, 1) + bytes([0, 10, 0x84])  # hrv def
    elapsed = 0.0
    for values in hrv:
        body += bytes([0x01]) + struct.pack("<I", 1_000_000_000 + int(elapsed))  # whole seconds
        slots = [round(v * 1000) for v in values] + [0xFFFF] * (5 - len(values))
        body += bytes([0x02]) + struct.pack("<5H", *slots)
        elapsed += sum(values)
    header = struct.pack("<BBHI4s", 14, 0x10, 2093, len(body), b".FIT")
    header += struct.pack("<H", _crc16(header))
    data = header + bytes(body)
    return data + struct.pack("<H", _crc16(data))


def test_fit_hrv_messages_and_a_fit_without_them(tmp_path: Path) -> None:
    f = tmp_path / "activity.fit"
    f.write_bytes(fit_file([[0.8, 0.81], [0.82], [0.8, 0.79, 0.8]] * 40))
    [series] = read_recordings(f)
    assert series.format == "fit" and series.rr_ms.size == 240
    assert abs(series.duration_s - 0.8033 * 240) < 1
    assert series.start is not None and series.start.year == 2021  # FIT's epoch is 1989-12-31
    empty = tmp_path / "no-hrv.fit"
    empty.write_bytes(fit_file([]))
    with pytest.raises(RRFileError, match="no beat-to-beat data: turn on HRV logging"):
        read_recordings(empty)


@pytest.mark.parametrize("head, said", [
    (b"PK\x03\x04" + b"\0" * 40, "a zip archive"),
    (b"\x1f\x8b\x08" + b"\0" * 40, "gzip"),
    (b'<?xml version="1.0"?>\n<gpx version="1.1">', "a GPX track: it holds no beat-to-beat"),
    (b'{"beats": [800, 810]}', "a JSON file"),
    (b"Phone timestamp;ECG [uV]\n2022-04-25T11:39:41.224;120\n", "Polar Sensor Logger ECG stream"),
    (b"[Params]\nVersion=106\nInterval=5\n[HRData]\n72\n", "heart rate every 5 s"),
])
def test_recognised_but_unreadable_files_are_named(tmp_path: Path, head: bytes, said: str) -> None:
    f = tmp_path / "recording"
    f.write_bytes(head)
    with pytest.raises(RRFileError, match=said) as caught:
        read_recordings(f)
    assert "\n" not in str(caught.value)


def test_a_clock_in_milliseconds_is_read_as_milliseconds_and_named_when_labelled_wrong() -> None:
    rr = rr_walk(300)
    t_ms = 1_675_889_367_255 + np.cumsum(rr)
    series = parse_rr_text("t_s,rr\n" + "".join(f"{t},{v}\n" for t, v in zip(t_ms, rr, strict=True)))
    assert abs(series.duration_s - sum(rr) / 1000) < 1 and not series.gap_before.any()
    assert series.start is not None and series.start.year == 2023
    assert any("labelled in s but moves like ms" in w for w in series.warnings)


def test_many_gaps_are_a_warning_never_silence() -> None:
    rows = "".join(f"{k * (5.0 if k % 10 == 0 else 0.8):.1f},800\n" for k in range(200))
    t = np.cumsum([5.0 if k % 10 == 0 else 0.8 for k in range(200)])
    series = parse_rr_text("t_s,rr_ms\n" + "".join(f"{v:.1f},800\n" for v in t))
    assert rows and series.gap_before.sum() >= 19
    assert any("follow a gap" in w for w in series.warnings)


MEASUREMENTS = ('"user_code","rr_code","measurement_datetime","bpm","rmssd","rr_data"\n'
                + "".join(f'"u1","{code}","2020-04-{day} 21:23:08",75,"50.0","'
                          + ",".join(map(str, rr_walk(n, day))) + '"\n'
                          for code, day, n in (("10489a6aea", 21, 100), ("20489a6aea", 22, 110))))


def test_import_makes_one_session_per_measurement_dated_by_the_file(tmp_path: Path) -> None:
    f = tmp_path / "hrv_measurements.csv"
    f.write_text(MEASUREMENTS)
    db = tmp_path / "s.sqlite3"
    out = cli("import", str(f), "--profile", "Sam", "--db", str(db))
    assert out.returncode == 0, out.stderr
    listed = sorted(json.loads(cli("sessions", "--json", "--db", str(db)).stdout),
                    key=lambda s: s["started_at"])
    assert [s["started_at"][:19] for s in listed] == ["2020-04-21T21:23:08", "2020-04-22T21:23:08"]
    for s in listed:
        assert s["ended_at"] > s["started_at"]


def test_import_of_measurements_is_all_or_nothing(tmp_path: Path) -> None:
    f = tmp_path / "hrv_measurements.csv"
    f.write_text(MEASUREMENTS + '"u1","x","2020-04-23 21:23:08",75,"50.0","800,810,790"\n')
    db = tmp_path / "s.sqlite3"
    out = cli("import", str(f), "--profile", "Sam", "--db", str(db))
    assert out.returncode == 2 and "measurement 3, 2020-04-23 21:23 lasts 2 s" in out.stderr
    assert json.loads(cli("sessions", "--json", "--db", str(db)).stdout) == []


def test_analyze_says_when_correction_moves_rmssd(tmp_path: Path) -> None:
    rr = rr_walk(400)
    for k in range(20, 400, 25):
        rr[k] = int(rr[k] * 0.6)  # premature beats
        rr[k + 1] = int(rr[k + 1] * 1.4)
    f = tmp_path / "rr.txt"
    f.write_text("\n".join(map(str, rr)))
    out = cli("analyze", str(f))
    assert out.returncode == 0 and "RMSSD as recorded" in out.stdout and "corrected" in out.stdout


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(sorted(READERS)), text=st.text(max_size=300))
def test_every_reader_refuses_what_is_not_a_recording_in_one_line(fmt: str, text: str) -> None:
    try:
        series = READERS[fmt](text, "f.txt")
    except RRFileError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("f.txt")
        return
    assert series.rr_ms.size > 0 and np.all(np.isfinite(series.rr_ms))


def test_a_clock_that_fits_no_unit_is_a_warning() -> None:
    rr = rr_walk(200)
    t = np.cumsum(rr) / 1000 * 30  # thirty times too fast for seconds, far too slow for ms
    series = parse_rr_text("t_s,rr_ms\n" + "".join(f"{a:.3f},{b}\n" for a, b in zip(t, rr, strict=True)))
    assert any("fits no time unit" in w for w in series.warnings), series.warnings
