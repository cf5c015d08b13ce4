"""`calmlink import RR_FILE --acc ACC_FILE`: one session with its chest breaths, placed by the two
files' own clocks, through the real command line and a real SQLite file; the raw samples kept only
when the setting asks; files that do not overlap refused, writing nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from calmlink.recordings.acc import acc_recording, write_acc
from calmlink.sensors.chest_model import SimulatedChest, pattern_for

START = datetime(2026, 11, 1, 20, 0, 0)
ACC_LATE_S = 30.0


def files(tmp_path: Path, acc_late_s: float = ACC_LATE_S) -> tuple[Path, Path, SimulatedChest]:
    rng = np.random.default_rng(5)
    rr = tmp_path / "Polar_H10_RR.txt"
    t, lines = 0.0, ["Phone timestamp;RR-interval [ms]"]
    while t < 330.0:
        interval = 900.0 + 40.0 * rng.standard_normal()
        t += interval / 1000.0
        lines.append(f"{(START + timedelta(seconds=t)).isoformat(timespec='milliseconds')};{interval:.0f}")
    rr.write_text("\n".join(lines) + "\n")
    chest = SimulatedChest(pattern_for("lower ribs", seed=9), 25.0)
    times, xyz = chest.samples(0.0, 280.0)
    acc = tmp_path / "Polar_H10_ACC.txt"
    write_acc(acc, acc_recording(times, xyz, START + timedelta(seconds=acc_late_s)))
    return rr, acc, chest


def cli(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **env})


def test_an_rr_file_and_its_acc_file_import_as_one_session(tmp_path: Path) -> None:
    rr, acc, chest = files(tmp_path)
    db = tmp_path / "s.sqlite3"
    done = cli(db, "import", str(rr), "--acc", str(acc), "--profile", "Sam")
    assert done.returncode == 0, done.stderr
    assert "breaths from Polar_H10_ACC.txt" in done.stdout
    session = json.loads(cli(db, "export", "1", "--format", "json").stdout)
    kept = session["chest_breaths"]
    truth = [b.start_s + ACC_LATE_S for b in chest.breaths(0.0, 280.0)]
    assert abs(len(kept) - len(truth)) <= 3
    # on the session's clock by the files' own clocks: each breath where the chest breathed it
    placed = [min(abs(b["t"] - s) for s in truth) for b in kept]
    assert sum(d < 1.0 for d in placed) >= 0.9 * len(kept)
    assert all(b["role"] == "receiver" for b in kept)
    assert any(b["depth"] is not None for b in kept)  # its first minute is the reference
    raw = cli(db, "export", "1", "--format", "acc")
    assert raw.returncode == 2 and "no chest samples were kept" in raw.stderr  # not asked for


def test_the_raw_samples_are_kept_when_asked_and_export_as_they_came(tmp_path: Path) -> None:
    rr, acc, _ = files(tmp_path)
    db = tmp_path / "s.sqlite3"
    done = cli(db, "import", str(rr), "--acc", str(acc), "--profile", "Sam",
               CALMLINK_KEEP_CHEST_RAW="1")
    assert done.returncode == 0, done.stderr
    out = cli(db, "export", "1", "--format", "acc")
    assert out.returncode == 0, out.stderr
    back = out.stdout.splitlines()
    given = acc.read_text().splitlines()
    assert len(back) == len(given) and back[0] == given[0]
    # the same samples (whole mG) at the same phone times (the session's start, kept to the
    # second, plus their time)
    assert [line.split(";")[2:] for line in back[1:]] == [line.split(";")[2:] for line in given[1:]]
    for k in (1, len(back) // 2, -1):
        moved = datetime.fromisoformat(back[k].split(";")[0]) - datetime.fromisoformat(given[k].split(";")[0])
        assert abs(moved.total_seconds()) < 1.0


@pytest.mark.parametrize("late", [400.0, -400.0])
def test_files_that_do_not_overlap_are_refused_writing_nothing(tmp_path: Path, late: float) -> None:
    rr, acc, _ = files(tmp_path, late)
    db = tmp_path / "s.sqlite3"
    done = cli(db, "import", str(rr), "--acc", str(acc), "--profile", "Sam")
    assert done.returncode == 2 and "overlap by 0 s" in done.stderr
    assert json.loads(cli(db, "sessions", "--json").stdout) == []
