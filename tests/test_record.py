"""`calmlink record`: a whole session into the store, a raw log that replays to the same beats."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=120)


def beats(db: Path, session_id: int) -> list[tuple[float, float | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT t, rr_ms FROM beats WHERE session_id=? ORDER BY beat_seq",
                            (session_id,)).fetchall()


def test_record_simulated_then_replay_the_raw_log_gives_the_same_beats(tmp_path: Path) -> None:
    db, raw = tmp_path / "s.sqlite3", tmp_path / "raw.jsonl"
    first = cli("record", "--simulate", "--speed", "200", "--minutes", "1.5", "--out", str(raw),
                "--db", str(db), "--profile", "Sam")
    assert first.returncode == 0, first.stderr
    assert "session 1:" in first.stdout
    lines = [json.loads(x) for x in raw.read_text().splitlines()]
    assert lines and all("t" in x for x in lines)
    second = cli("record", "--replay", str(raw), "--speed", "200", "--minutes", "1", "--db", str(db))
    assert second.returncode == 0, second.stderr
    a, b = beats(db, 1), beats(db, 2)
    assert len(a) > 80
    n = min(len(a), len(b))
    assert [rr for _, rr in a[:n]] == [rr for _, rr in b[:n]]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT s.state, p.name FROM sessions s JOIN profiles p "
                            "ON p.id = s.profile_id ORDER BY s.id").fetchall()
    assert rows == [("completed", "Sam"), ("completed", "Receiver")]


def test_record_rejects_two_sources(tmp_path: Path) -> None:
    out = cli("record", "--simulate", "--replay", "x.txt", "--db", str(tmp_path / "d.sqlite3"))
    assert out.returncode == 2
    assert "either --simulate or --replay" in out.stderr
