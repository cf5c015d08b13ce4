"""The store: migrations from every earlier schema, crash safety, imports that write all or nothing."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from crash import wait_until_open

from calmlink.review.recovery import recover
from calmlink.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from calmlink.store.store import Store
from conftest import DATA


def make_old_file(path: Path, version: int) -> None:
    """A file exactly as schema ``version`` left it, with a session and beats in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    for v in range(version):
        for statement in MIGRATIONS[v].split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO profiles(name, created_at) VALUES ('Sam', '2026-01-01T00:00:00')")
    conn.execute("INSERT INTO sessions(profile_id, routine, device, source, started_at, state) "
                 "VALUES (1, 'Ten quiet minutes', 'Polar H10', 'live', '2026-01-01T00:00:00', 'active')")
    for k in range(50):
        seq = "beat_seq" if version >= 4 else "seq"  # version 4 named the beat's own number
        conn.execute(f"INSERT INTO beats(session_id, {seq}, t, rr_ms, hr_bpm, artifact, gap_before, "
                     "step, gauge, trend, quality) VALUES (1, ?, ?, 900, 66.7, 0, ?, 0, NULL, NULL, "
                     "'good')", (k, 0.9 * (k + 1), int(k == 0)))
    if version >= 2:  # from version 2 on, the store keeps this count as it writes beats
        conn.execute("UPDATE sessions SET n_beats = 50")
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_earlier_schema_opens_and_upgrades(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.sqlite3"
    make_old_file(path, version)
    store = Store(path)
    assert recover(store) == 1  # the active session a crash left behind
    try:
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = asyncio.run(store.list_sessions())
        assert [(r.state, r.n_beats) for r in rows] == [("interrupted", 50)]
        detail = asyncio.run(store.session(1))
        assert detail is not None and detail["summary"]["n_beats"] == 50  # reviewable after upgrade
        beats = asyncio.run(store.beats(1))
        assert [b.beat_seq for b in beats] == list(range(50)) and beats[0].role == "receiver"
    finally:
        store.close()


def test_a_newer_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer calmlink"):
        migrate(sqlite3.connect(path))


def test_wal_and_full_sync(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.open()
    try:
        mode = store.db.write_blocking(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0])
        sync = store.db.write_blocking(lambda c: c.execute("PRAGMA synchronous").fetchone()[0])
        assert (mode, sync) == ("wal", 2)
    finally:
        store.close()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=60)


def test_bad_import_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    bad = tmp_path / "bad.txt"
    bad.write_text("800\n810\n" * 100 + "eight hundred\n")
    out = cli("import", str(bad), "--profile", "Sam", "--db", str(db))
    assert out.returncode == 2
    assert "line 201" in out.stderr and "Traceback" not in out.stderr
    listed = json.loads(cli("sessions", "--json", "--db", str(db)).stdout)
    assert listed == []


@pytest.mark.real_data
def test_import_export_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    src = DATA / "rr" / "pyhrv_sample_5min_nni_ms.txt"
    assert cli("import", str(src), "--profile", "Sam", "--date", "2026-11-01T20:00",
               "--db", str(db)).returncode == 0
    listed = json.loads(cli("sessions", "--json", "--db", str(db)).stdout)
    assert {k: listed[0][k] for k in ("id", "profile", "state", "n_beats")} == {
        "id": 1, "profile": "Sam", "state": "completed", "n_beats": 337}
    assert listed[0]["started_at"].startswith("2026-11-01T20:00")
    rr = cli("export", "1", "--format", "rr", "--db", str(db)).stdout.split()
    assert [float(x) for x in rr] == [float(x) for x in src.read_text().split()]
    csv_out = tmp_path / "s.csv"
    assert cli("export", "1", "--format", "csv", "--out", str(csv_out), "--db", str(db)).returncode == 0
    again = json.loads(cli("analyze", str(csv_out), "--json").stdout)
    assert again["n_beats"] == 337
    data = json.loads(cli("export", "1", "--format", "json", "--db", str(db)).stdout)
    assert data["summary"]["steps"][0]["name"] == "Settle"
    assert data["metrics"]["rmssd_ms"] > 0
    archive = tmp_path / "all.zip"
    assert cli("export", "--all", "--out", str(archive), "--db", str(db)).returncode == 0
    import zipfile

    assert sorted(zipfile.ZipFile(archive).namelist()) == [
        "session-00001.csv", "sessions.csv", "sessions.json"]


def _acked(lines: list[str]) -> list[int]:
    """Beats the feed acknowledged: everything up to the highest ``committed`` message."""
    through = [json.loads(x)["through"] for x in lines if '"type":"committed"' in x]
    return list(range(max(through) + 1)) if through else []


@pytest.mark.timeout(180)
def test_kill_minus_9_loses_no_acknowledged_beat(tmp_path: Path) -> None:
    """A real server process, killed with SIGKILL at random moments, 20 times."""
    rng = random.Random(4)
    db = tmp_path / "crash.sqlite3"
    script = Path(__file__).parent / "crash_server.py"
    total_acked = 0
    for round_no in range(20):
        log = tmp_path / f"acked-{round_no}.jsonl"
        proc = subprocess.Popen([sys.executable, str(script), str(db), str(log)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_open(log, proc)  # the store is open: a busy machine's slow start is not the test
        time.sleep(rng.uniform(0.1, 1.3))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        acked = _acked(log.read_text().splitlines()) if log.exists() else []
        total_acked += len(acked)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            session = conn.execute("SELECT MAX(id) FROM sessions").fetchone()[0]
            stored = [r[0] for r in conn.execute(
                "SELECT beat_seq FROM beats WHERE session_id=? ORDER BY beat_seq", (session,))]
        assert stored == list(range(len(stored))), "sequence numbers have holes"
        assert set(acked) <= set(stored), "a beat the feed acknowledged was lost"
    assert total_acked > 100, "the kills came too early to test anything"
    store = Store(db)
    assert recover(store) >= 1
    try:
        rows = asyncio.run(store.list_sessions())
        assert all(r.state == "interrupted" for r in rows)
        detail = asyncio.run(store.session(rows[0].id))
        assert detail is not None and detail["summary"] is not None
    finally:
        store.close()


def test_opening_an_open_store_does_nothing(tmp_path: Path) -> None:
    """One writer thread however often the store is opened (the app's start-up may open a store its
    caller already opened); its active session is not taken for a crash's; one close ends it."""
    store = Store(tmp_path / "s.sqlite3")
    assert store.open() == []
    sid = asyncio.run(store.start_session("Sam", "routine", None, "simulated", steps=["Settle"]))
    assert store.open() == []
    writers = [t for t in threading.enumerate() if t.name == "calmlink-sqlite-writer"]
    assert len(writers) == 1
    detail = asyncio.run(store.session(sid))
    assert detail is not None and detail["state"] == "active"
    store.close()
    writers[0].join(timeout=5)
    assert not writers[0].is_alive()


def test_a_session_a_crash_left_before_its_first_beat_is_not_kept(tmp_path: Path) -> None:
    """As when such a session ends normally: a routine that never received a beat is no session."""
    store = Store(tmp_path / "s.sqlite3")
    store.open()
    asyncio.run(store.start_session("Sam", "routine", None, "simulated", steps=["Settle"]))
    store.close()  # the app died before the first beat arrived
    again = Store(tmp_path / "s.sqlite3")
    assert recover(again) == 0
    try:
        assert asyncio.run(again.list_sessions()) == []
    finally:
        again.close()
