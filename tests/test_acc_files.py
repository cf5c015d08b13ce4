"""Polar Sensor Logger ACC files: written, read back, refused plainly, and analysed for breathing."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from calmlink.recordings.acc import (
    HEADER,
    AccFileError,
    acc_recording,
    format_acc,
    parse_acc,
    read_acc,
    write_acc,
)
from calmlink.recordings.rr_text import read_recordings
from calmlink.recordings.series import RRFileError
from calmlink.sensors.chest_model import SimulatedChest, pattern_for

START = datetime(2026, 3, 1, 21, 0, 0)


def simulated_file(path: Path, seconds: float = 300.0, rate_hz: float = 25.0) -> SimulatedChest:
    chest = SimulatedChest(pattern_for("upside down", breaths_per_min=8.0, deep_breaths_s=(150.0,),
                                       moving=((200.0, 225.0),), seed=21), rate_hz)
    times, xyz = chest.samples(0.0, seconds)
    write_acc(path, acc_recording(times, xyz, START))
    return chest


def test_polar_sensor_loggers_own_lines_read() -> None:
    """Lines as Polar Sensor Logger writes them (its sample recordings: phone time to the ms,
    sensor ns since 2000 from a strap whose clock was never set, whole mG)."""
    text = ("Phone timestamp;sensor timestamp [ns];X [mg];Y [mg];Z [mg] \r\n"
            "2022-07-19T00:57:22.763;599616485954551349;-746;56;631\r\n"
            "2022-07-19T00:57:22.763;599616485994551349;-744;57;633\r\n")
    rec = parse_acc("\ufeff" + text)
    np.testing.assert_array_equal(rec.xyz_mg, [[-746, 56, 631], [-744, 57, 633]])
    assert rec.t_s.tolist() == pytest.approx([0.0, 0.04])
    assert rec.start == datetime(2022, 7, 19, 0, 57, 22, 763000) and rec.rate_hz == pytest.approx(25.0)


def test_written_then_read_loses_nothing(tmp_path: Path) -> None:
    chest = SimulatedChest(pattern_for("rotated", seed=1), 50.0)
    times, xyz = chest.samples(0.0, 20.0)
    rec = acc_recording(times, xyz, START)
    write_acc(tmp_path / "a_ACC.txt", rec)
    back = read_acc(tmp_path / "a_ACC.txt")
    np.testing.assert_array_equal(back.xyz_mg, xyz)
    np.testing.assert_array_equal(back.sensor_ns, rec.sensor_ns)
    assert back.phone == rec.phone and back.rate_hz == pytest.approx(50.0)
    assert format_acc(back) == (tmp_path / "a_ACC.txt").read_text()
    assert (tmp_path / "a_ACC.txt").read_text().splitlines()[0] == HEADER


@pytest.mark.parametrize(("text", "line", "says"), [
    ("", None, "not a Polar Sensor Logger ACC file"),
    ("Phone timestamp;RR-interval [ms]\n2022-01-01T00:00:00.000;800\n", 1, "the first line should be"),
    (HEADER + "\n", None, "no samples"),
    (HEADER + "\n2022-01-01T00:00:00.000;1000;1;2\n", 2, "expected 5 cells"),
    (HEADER + "\n2022-01-01T00:00:00.000;1000;1;2;3\nyesterday;2000;1;2;3\n", 3, "phone timestamp"),
    (HEADER + "\n2022-01-01T00:00:00.000;1000;1;two;3\n", 2, "must be numbers"),
    (HEADER + "\n2022-01-01T00:00:00.000;1000;1;2;3\n2022-01-01T00:00:00.040;900;1;2;3\n", 3,
     "time order"),
    (HEADER + "\n2022-01-01T00:00:00.000;1000;1;2;99999\n", 2, "range"),
])
def test_bad_input_is_refused_by_line(text: str, line: int | None, says: str) -> None:
    with pytest.raises(AccFileError) as caught:
        parse_acc(text, "f_ACC.txt")
    assert caught.value.line == line and says in str(caught.value)


def test_the_rr_path_names_an_acc_file_and_says_what_reads_it(tmp_path: Path) -> None:
    simulated_file(tmp_path / "x_ACC.txt", seconds=5.0)
    with pytest.raises(RRFileError, match=r"ACC stream .*calmlink analyze FILE reads breathing"):
        read_recordings(tmp_path / "x_ACC.txt")


def _analyze(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", "analyze", str(path), *extra],
                          capture_output=True, text=True, timeout=120)


def test_analyze_reads_breathing_from_a_written_acc_file(tmp_path: Path) -> None:
    chest = simulated_file(tmp_path / "s_ACC.txt")
    done = _analyze(tmp_path / "s_ACC.txt", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["format"] == "polar-acc" and out["start"] == "2026-03-01T21:00:00"
    rows = out["breathing"]
    assert rows[0]["t"] == 0.0 and all(b["t"] - a["t"] == pytest.approx(5.0)
                                       for a, b in itertools.pairwise(rows))
    still = [r for r in rows if 60.0 <= r["t"] < 195.0 or r["t"] >= 270.0]
    assert all(r["breaths_per_min"] == pytest.approx(8.0, abs=1.0) and not r["moving"] for r in still)
    moving = [r for r in rows if 204.0 <= r["t"] < 225.0]
    assert moving and all(r["moving"] and r["breaths_per_min"] is None for r in moving)
    truth = [b for b in chest.breaths(0.0, 300.0) if b.deep]
    assert len(out["deep_breaths"]) == len(truth) == 1
    assert abs(out["deep_breaths"][0]["t"] - truth[0].start_s) < 6.0
    assert out["deep_breaths"][0]["depth"] > 2.0
    text = _analyze(tmp_path / "s_ACC.txt")
    assert text.returncode == 0
    assert "breathing about 8 a minute, from the chest" in text.stdout
    assert "moving: breath paused" in text.stdout and "a deep breath" in text.stdout


def test_analyze_window_and_bad_acc_file_exit_2(tmp_path: Path) -> None:
    simulated_file(tmp_path / "s_ACC.txt", seconds=120.0)
    part = json.loads(_analyze(tmp_path / "s_ACC.txt", "--json", "--window", "30", "60").stdout)
    assert part["duration_s"] == pytest.approx(60.0, abs=0.1)
    bad = tmp_path / "bad_ACC.txt"
    bad.write_text(HEADER + "\n2022-01-01T00:00:00.000;1000;1;2\n")
    done = _analyze(bad, "--json")
    assert done.returncode == 2 and "line 2" in done.stderr and not done.stdout


def test_damaged_files_only_ever_raise_the_files_error() -> None:
    """Seeded damage to a good file (bytes dropped, swapped, doubled, cut): each either reads or
    is refused with AccFileError, never another exception."""
    chest = SimulatedChest(pattern_for("upright", seed=2))
    times, xyz = chest.samples(0.0, 4.0)
    good = format_acc(acc_recording(times, xyz, START))
    rng = np.random.default_rng(5)
    alphabet = list(";.,-:T\n\r 0123456789eE+naif\ufeff")
    refused = 0
    for _ in range(300):
        text = list(good)
        for _ in range(int(rng.integers(1, 6))):
            k = int(rng.integers(0, len(text)))
            kind = int(rng.integers(0, 4))
            if kind == 0:
                del text[k]
            elif kind == 1:
                text[k] = alphabet[int(rng.integers(0, len(alphabet)))]
            elif kind == 2:
                text.insert(k, text[k])
            else:
                text = text[:k]
        try:
            rec = parse_acc("".join(text), "damaged_ACC.txt")
        except AccFileError:
            refused += 1
        else:
            assert rec.xyz_mg.shape == (rec.t_s.size, 3) and np.all(np.diff(rec.t_s) > 0)
    assert 0 < refused < 300
