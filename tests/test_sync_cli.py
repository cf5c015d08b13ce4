"""`calmlink sync`: two recordings on one clock, as a person would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from calmlink.sensors.simulator import pair_physiologies, simulate_beats


def write_pair(folder: Path, seed: int, coupling: float, lag_s: float) -> tuple[Path, Path]:
    paths = []
    for k, person in enumerate(pair_physiologies(seed, coupling, lag_s)):
        t, rr = simulate_beats(seed * 2 + k + 1, person, 600.0)
        path = folder / f"{'receiver' if k == 0 else 'giver'}-{seed}.csv"
        path.write_text("t_s,rr_ms\n" + "".join(f"{a:.4f},{b:.2f}\n" for a, b in zip(t, rr, strict=True)))
        paths.append(path)
    return paths[0], paths[1]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_sync_json_contract_and_the_coupled_pair(tmp_path: Path) -> None:
    receiver, giver = write_pair(tmp_path, 4, 0.5, 2.0)  # (about one coupled pair in ten is missed)
    out = cli("sync", str(receiver), str(giver), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"statistic", "p_value", "in_step_s", "chance_in_step_s", "duration_s", "lag_s",
            "windows", "windows_skipped"} <= data.keys()
    assert data["in_step"] and data["p_value"] <= 0.05 and 1.0 <= data["lag_s"] <= 3.0
    assert data["in_step_s"] > data["chance_in_step_s"]
    text = cli("sync", str(receiver), str(giver)).stdout
    assert text.startswith("Your heart rates moved together more than chance would give. ")
    assert "rose and fell together for about" in text and "chance alone gives about" in text


def test_sync_says_no_clear_link_plainly(tmp_path: Path) -> None:
    receiver, giver = write_pair(tmp_path, 11, 0.0, 0.0)
    out = cli("sync", str(receiver), str(giver))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("No clear link between your heart rates this time. That is "
                                 "common")
    assert "%" not in out.stdout


def test_sync_refuses_a_bad_file_with_its_line(tmp_path: Path) -> None:
    receiver, _ = write_pair(tmp_path, 3, 0.5, 2.0)
    bad = tmp_path / "bad.csv"
    bad.write_text("t_s,rr_ms\n1,eight hundred\n2,eight hundred and ten\n")
    out = cli("sync", str(receiver), str(bad))
    assert out.returncode == 2 and "line 2" in out.stderr and "Traceback" not in out.stderr


def test_import_a_pair_as_one_partner_session(tmp_path: Path) -> None:
    receiver, giver = write_pair(tmp_path, 4, 0.5, 2.0)
    db = tmp_path / "s.sqlite3"
    out = cli("import", str(receiver), "--giver-file", str(giver), "--giver", "Alex",
              "--profile", "Sam", "--date", "2026-11-20T20:00", "--db", str(db))
    assert out.returncode == 0, out.stderr
    data = json.loads(cli("export", "1", "--format", "json", "--db", str(db)).stdout)
    partner = data["summary"]["partner"]
    assert partner["giver"] == "Alex" and partner["synchrony"]["windows"] > 50
    csv = cli("export", "1", "--format", "csv", "--db", str(db)).stdout
    assert ",giver," in csv and ",receiver," in csv


def test_a_pair_needs_a_clock_and_a_refused_pair_writes_nothing(tmp_path: Path) -> None:
    receiver, _ = write_pair(tmp_path, 4, 0.5, 2.0)
    plain = tmp_path / "plain.txt"
    plain.write_text("800\n810\n" * 200)
    db = tmp_path / "s.sqlite3"
    out = cli("import", str(receiver), "--giver-file", str(plain), "--profile", "Sam",
              "--db", str(db))
    assert out.returncode == 2 and "no clock of its own" in out.stderr
    assert json.loads(cli("sessions", "--json", "--db", str(db)).stdout) == []
