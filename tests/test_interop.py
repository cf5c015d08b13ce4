"""Every real export in the interop folder (other apps' files, read in place, never copied): read
to within 0.5 bpm mean heart rate, 1 ms raw RMSSD and 2% of the file's own duration, each against
an independent reading of its own RR column written here; or refused with a sentence naming the
format and the reason."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from calmlink.cli.analyze import run_analyze
from conftest import DATA

INTEROP = DATA / "interop"
pytestmark = pytest.mark.real_data


def _rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [r for r in csv.reader(fh, delimiter=delimiter) if r and any(c.strip() for c in r)]


def one_per_line(path: Path) -> tuple[list[float], float]:
    rr = [float(s) for s in path.read_text().split()]
    return rr, sum(rr) / 1000


def hrv_logger(path: Path) -> tuple[list[float], float]:
    rows = _rows(path)[1:]
    rr = [float(r[1]) for r in rows]
    return rr, (int(rows[-1][0]) - int(rows[0][0])) / 1000 + rr[0] / 1000


def polar_hrm(path: Path) -> tuple[list[float], float]:
    text = path.read_text()
    rr = [float(line.split()[0]) for line in text.split("[HRData]")[1].split("\n") if line.strip()]
    h, m, s = re.search(r"Length=(\S+)", text).group(1).split(":")  # type: ignore[union-attr]
    return rr, int(h) * 3600 + int(m) * 60 + float(s)


def polar_ppi(path: Path) -> tuple[list[float], float]:
    rows = _rows(path, ";")[1:]
    rr = [float(r[1]) for r in rows]
    span = datetime.fromisoformat(rows[-1][0]) - datetime.fromisoformat(rows[0][0])
    return rr, span.total_seconds() + rr[0] / 1000


def garmin_fit(path: Path) -> tuple[list[float], float]:
    """Intervals of the hrv messages; the file's own length from the timer start to the first
    timestamp after the last hrv message (the watch stamps whole seconds)."""
    import fitdecode

    rr: list[float] = []
    stamps: list[tuple[int, datetime]] = []
    last_hrv = -1
    with fitdecode.FitReader(str(path)) as reader:
        for k, frame in enumerate(reader):
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "hrv":
                rr += [v * 1000 for v in frame.get_value("time") if v is not None and v < 65]
                last_hrv = k
            elif frame.has_field("timestamp"):
                stamps.append((k, frame.get_value("timestamp")))
    end = next(t for k, t in stamps if k > last_hrv)
    return rr, (end - stamps[0][1]).total_seconds()


def welltory_measurements(path: Path) -> list[tuple[list[float], float]]:
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        rr = [float(x) for x in row["rr_data"].split(",")]
        # the app's own RMSSD of the same list agrees with this reading to the microsecond
        assert abs(float(np.sqrt(np.mean(np.diff(rr) ** 2))) - float(row["rmssd"])) < 0.001
        out.append((rr, sum(rr) / 1000))
    return out


READ: dict[str, Callable[[Path], tuple[list[float], float]]] = {
    "elite_hrv/2017-06-29 13-11-53.txt": one_per_line,
    "elite_hrv/2017-06-29 14-36-38.txt": one_per_line,
    "plain_rr/rest_rri.txt": one_per_line,
    "welltory_ppg/subject_01_RR.txt": one_per_line,
    "welltory_ppg/subject_02_RR.txt": one_per_line,
    "welltory_ppg/subject_12_RR.txt": one_per_line,
    "hrv_logger/ot_a60_RRIntervals.csv": hrv_logger,
    "hrv_logger/ot_m60_RRIntervals.csv": hrv_logger,
    "polar_hrm/exercise_rri.hrm": polar_hrm,
    "polar_hrm/noisy_rri.hrm": polar_hrm,
    "polar_sensor_logger/Polar_Sense_PPI.txt": polar_ppi,
    "garmin_fit/garmin-edge-820-bike.fit": garmin_fit,
    "garmin_fit/garmin-fenix-5-run.fit": garmin_fit,
    "garmin_fit/garmin-fenix-5-walk.fit": garmin_fit,
}
REFUSED: dict[str, tuple[str, str]] = {
    "hrv_logger/ot_a60_Features.csv": ("HRV Logger features export", "no beat-to-beat intervals"),
    "hrv_logger/ot_m60_Features.csv": ("HRV Logger features export", "no beat-to-beat intervals"),
    "hrv_logger/ot_a60_HR.csv": ("HRV Logger heart-rate export", "no beat-to-beat intervals"),
    "polar_sensor_logger/Polar_Sense_HR.txt": ("Polar Sensor Logger heart-rate stream",
                                               "no beat-to-beat intervals"),
}
MULTI = {"welltory_covid/hrv_measurements_head5.csv": welltory_measurements}


def analyze_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, object, str]:
    code = run_analyze(path, json_out=True, correct=False, window=None)
    out = capsys.readouterr()
    return code, json.loads(out.out) if code == 0 else None, out.err


def within(ours: dict[str, float], rr: list[float], duration_s: float) -> None:
    rr_arr = np.array(rr)
    assert abs(ours["mean_hr_bpm"] - 60000 / rr_arr.mean()) <= 0.5
    assert abs(ours["rmssd_ms"] - float(np.sqrt(np.mean(np.diff(rr_arr) ** 2)))) <= 1.0
    assert abs(ours["duration_s"] - duration_s) <= 0.02 * duration_s
    assert ours["n_beats"] == rr_arr.size


def test_every_interop_file_is_covered() -> None:
    files = {str(p.relative_to(INTEROP)) for p in INTEROP.rglob("*") if p.is_file()}
    assert files - {"README.md"} == set(READ) | set(REFUSED) | set(MULTI)


@pytest.mark.parametrize("name", sorted(READ))
def test_read_within_tolerance(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    rr, duration = READ[name](INTEROP / name)
    code, ours, err = analyze_json(INTEROP / name, capsys)
    assert code == 0, err
    assert isinstance(ours, dict)
    within(ours, rr, duration)
    assert ours["warnings"] == [] and err == ""


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_naming_format_and_reason(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = analyze_json(INTEROP / name, capsys)
    what, why = REFUSED[name]
    assert code == 2 and what in err and why in err
    assert err.count("\n") == 1  # one sentence, one line


def test_a_file_of_measurements_is_an_array(capsys: pytest.CaptureFixture[str]) -> None:
    for name, reader in MULTI.items():
        expected = reader(INTEROP / name)
        code, ours, err = analyze_json(INTEROP / name, capsys)
        assert code == 0, err
        assert isinstance(ours, list) and len(ours) == len(expected)
        for k, (one, (rr, duration)) in enumerate(zip(ours, expected, strict=True)):
            within(one, rr, duration)
            assert one["measurement"].startswith(f"measurement {k + 1}, ")


def test_clock_start_and_optical_marks(capsys: pytest.CaptureFixture[str]) -> None:
    _, ppi, _ = analyze_json(INTEROP / "polar_sensor_logger/Polar_Sense_PPI.txt", capsys)
    assert isinstance(ppi, dict) and ppi["optical"] and ppi["start"].startswith("2022-04-25")
    assert ppi["artifacts"]["sensor"] == 0  # --no-correction: nothing is changed, nothing counted
    run_analyze(INTEROP / "polar_sensor_logger/Polar_Sense_PPI.txt", json_out=True,
                correct=True, window=None)
    corrected = json.loads(capsys.readouterr().out)
    flagged = sum(1 for r in _rows(INTEROP / "polar_sensor_logger/Polar_Sense_PPI.txt", ";")[1:]
                  if r[3] == "1")
    assert flagged == 21
    assert corrected["n_corrected"] >= flagged  # every blocked interval counts as an artifact
    _, logger, _ = analyze_json(INTEROP / "hrv_logger/ot_a60_RRIntervals.csv", capsys)
    assert isinstance(logger, dict) and logger["start"].startswith("2023-02-08T20:49")
    assert 330 < logger["duration_s"] < 340  # epoch milliseconds, not seconds (92 hours)
    _, fit, _ = analyze_json(INTEROP / "garmin_fit/garmin-fenix-5-walk.fit", capsys)
    assert isinstance(fit, dict) and fit["start"] == "2017-06-11T14:32:51+00:00"


def test_import_dates_sessions_by_the_recording_and_marks_optical(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    for name in ("polar_sensor_logger/Polar_Sense_PPI.txt", "hrv_logger/ot_a60_RRIntervals.csv"):
        out = subprocess.run([sys.executable, "-m", "calmlink.cli", "import", str(INTEROP / name),
                              "--profile", "Sam", "--db", db], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr
    listed = subprocess.run([sys.executable, "-m", "calmlink.cli", "sessions", "--json", "--db", db],
                            capture_output=True, text=True, timeout=60).stdout
    by_start = {s["started_at"][:16]: s for s in json.loads(listed)}
    ppi = by_start["2022-04-25T11:39"]  # the phone's own clock (local time), not the file's mtime
    assert "optical pulse sensor" in ppi["device"]
    logger = by_start["2023-02-08T20:49"]  # epoch milliseconds
    ended = datetime.fromisoformat(logger["ended_at"]) - datetime.fromisoformat(logger["started_at"])
    assert 330 <= ended.total_seconds() <= 340
