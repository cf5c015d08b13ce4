"""A household's data moves whole: `calmlink backup` and `restore` through the real command line,
compared table by table; during a live session (a real server writing beats); into a store that
already holds some of the sessions; and damaged, truncated or foreign files refused writing nothing."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calmlink.store.chest import StoredBreath
from calmlink.store.store import Store
from calmlink.testing.seed import seed_store

ROUTINE = 'name = "Evening"\n[[steps]]\nname = "Settle"\ncue = "Breathe"\nduration_s = 60\n'


class Home:
    """One computer: its store, routine folder and data folder (the remembered strap)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "calmlink.sqlite3"
        self.routines = root / "routines"
        self.data = root / "data"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "CALMLINK_DB": str(self.db), "CALMLINK_ROUTINES_DIR": str(self.routines),
               "XDG_DATA_HOME": str(self.data)}
        return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                              text=True, timeout=120, env=env)

    @property
    def strap(self) -> Path:
        return self.data / "calmlink" / "last_device.json"


def tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in order: two stores are the same when these are."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "ORDER BY name")]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def furnish(home: Home, sessions: int = 2) -> None:
    """Sessions for two people, a note, ratings, a paired viewer, two paces found (one clear, one
    not), a routine, a remembered strap."""
    seed_store(home.db, sessions=sessions, minutes=2.0)
    store = Store(home.db)
    store.open()
    try:
        async def edit() -> None:
            await store.update_session(1, notes="oil, slow temples",
                                       ratings={"rating_receiver_after": 5, "rating_giver_before": 3})
            await store.viewer_tokens.add("Sam's phone", "ab" * 32, local=False)
            await store.tried.change(1, {"hands": "oil", "pressure": "light"}, tags=["lavender"])
            await store.paces.keep(1, "receiver", "Sam", 5.5, {"why": "clear", "trials": []})
            await store.paces.keep(2, "giver", "Alex", None, {"why": "too-close", "trials": []})
            await asyncio.wrap_future(store.chest.submit_breaths(1, [
                StoredBreath("receiver", 3.5, 4.8, 42.0, None, False),
                StoredBreath("receiver", 8.3, 5.1, 97.5, 2.3, True)]))
            times = np.arange(36) / 25.0 + 2.0
            xyz = np.column_stack([np.sin(times) * 40, np.full(36, -980.0), np.cos(times) * 12])
            await asyncio.wrap_future(store.chest.submit_samples(2, "giver", 25.0, times, xyz))
        asyncio.run(edit())
    finally:
        store.close()
    home.routines.mkdir(parents=True, exist_ok=True)
    (home.routines / "evening.toml").write_text(ROUTINE)
    home.strap.parent.mkdir(parents=True, exist_ok=True)
    home.strap.write_text('{"address": "C0:FF:EE:00:00:01", "name": "Polar H10 ABCD"}')


def test_a_round_trip_gives_every_table_and_file_back(tmp_path: Path) -> None:
    old, new = Home(tmp_path / "old"), Home(tmp_path / "new")
    furnish(old)
    archive = tmp_path / "household.calmlink"
    made = old.cli("backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert "4 sessions" in made.stdout and "1 paired viewer," in made.stdout
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["format"] == "calmlink-backup" and manifest["schema_version"] >= 6
    assert set(manifest["files"]) == {"calmlink.sqlite3", "config/routines/evening.toml",
                                      "config/last_device.json"}
    done = new.cli("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert tables(new.db) == tables(old.db)  # every row of every table, ids and uids included
    assert len(tables(new.db)["breath_paces"]) == 2
    assert len(tables(new.db)["chest_breaths"]) == 2 and len(tables(new.db)["chest_samples"]) == 1
    assert (new.routines / "evening.toml").read_text() == ROUTINE
    assert new.strap.read_text() == old.strap.read_text()
    again = new.cli("restore", str(archive))
    assert "0 sessions added" in again.stdout and "4 already here" in again.stdout
    assert tables(new.db) == tables(old.db)


def test_restoring_into_a_store_adds_only_what_it_lacks(tmp_path: Path) -> None:
    old, new = Home(tmp_path / "old"), Home(tmp_path / "new")
    furnish(old, sessions=1)
    first = tmp_path / "first.calmlink"
    assert old.cli("backup", str(first)).returncode == 0
    assert new.cli("restore", str(first)).returncode == 0
    seed_store(new.db, profiles=("Kim",), sessions=1, minutes=2.0, seed=9)  # new's own session
    seed_store(old.db, sessions=1, minutes=2.0, seed=5)  # two more at the old home
    second = tmp_path / "second.calmlink"
    assert old.cli("backup", str(second), "--force").returncode == 0
    done = new.cli("restore", str(second))
    assert "2 sessions added" in done.stdout and "2 already here" in done.stdout, done.stdout
    ours = {r[-1]: r for r in sqlite3.connect(new.db).execute(
        "SELECT s.started_at, p.name, s.n_beats, s.uid FROM sessions s JOIN profiles p "
        "ON p.id = s.profile_id")}
    theirs = {r[-1]: r for r in sqlite3.connect(old.db).execute(
        "SELECT s.started_at, p.name, s.n_beats, s.uid FROM sessions s JOIN profiles p "
        "ON p.id = s.profile_id")}
    assert set(theirs) < set(ours) and len(ours) == len(theirs) + 1  # all of old's, and Kim's
    assert all(ours[uid] == row for uid, row in theirs.items())


def test_a_backup_during_a_live_session(tmp_path: Path, start_server: Any) -> None:
    """A real server writes beats while the backup runs: the snapshot is one committed state,
    the running session is not taken for a crash's, and the server keeps writing."""
    home, elsewhere = Home(tmp_path / "home"), Home(tmp_path / "elsewhere")
    server = start_server(autostart=True, speed=40.0, db=home.db, routines_dir=home.routines)

    def beats() -> int:
        conn = sqlite3.connect(f"file:{home.db}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM beats").fetchone()[0])
        finally:
            conn.close()

    deadline = time.monotonic() + 30
    while beats() < 100 and time.monotonic() < deadline:
        time.sleep(0.1)
    archive = tmp_path / "live.calmlink"
    made = home.cli("backup", str(archive))
    assert made.returncode == 0, made.stderr
    during = beats()
    conn = sqlite3.connect(f"file:{home.db}?mode=ro", uri=True)
    states = [r[0] for r in conn.execute("SELECT state FROM sessions")]
    conn.close()
    assert states == ["active"]  # the backup never marks the running session interrupted
    deadline = time.monotonic() + 10
    while beats() <= during and time.monotonic() < deadline:
        time.sleep(0.05)
    assert beats() > during  # the server went on writing
    server.stop()
    assert elsewhere.cli("restore", str(archive)).returncode == 0
    conn = sqlite3.connect(elsewhere.db)
    [(n_beats, counted)] = conn.execute(
        "SELECT n_beats, (SELECT count(*) FROM beats b WHERE b.session_id = s.id) FROM sessions s")
    conn.close()
    assert 100 <= n_beats == counted  # one committed state: the count and the rows agree
    with zipfile.ZipFile(archive) as zf:
        (tmp_path / "snapshot.sqlite3").write_bytes(zf.read("calmlink.sqlite3"))
    assert tables(elsewhere.db) == tables(tmp_path / "snapshot.sqlite3")


def _rewritten(archive: Path, out: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(archive) as zf, zipfile.ZipFile(out, "w") as dst:
        for name in zf.namelist():
            dst.writestr(name, change.get(name, zf.read(name)))
        for name, data in change.items():
            if name not in zf.namelist():
                dst.writestr(name, data)
    return out


@pytest.mark.parametrize("damage, said", [
    ("truncated", "not a whole zip archive"),
    ("bit flip", "damaged"),
    ("not a zip", "not a whole zip archive"),
    ("foreign zip", "no manifest.json"),
    ("changed snapshot", "does not match the checksum"),
    ("newer schema", "made by a newer calmlink"),
    ("stray file", "files its manifest does not name"),
    ("escaping name", "leaves the config folder"),
])
def test_a_damaged_or_foreign_file_is_refused_and_writes_nothing(
        tmp_path: Path, damage: str, said: str) -> None:
    old, new = Home(tmp_path / "old"), Home(tmp_path / "new")
    furnish(old, sessions=1)
    archive = tmp_path / "good.calmlink"
    assert old.cli("backup", str(archive)).returncode == 0
    data = archive.read_bytes()
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        snapshot = zf.read("calmlink.sqlite3")
        start = zf.getinfo("calmlink.sqlite3").header_offset + 30 + len("calmlink.sqlite3")
    bad = tmp_path / "bad.calmlink"
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "bit flip":
        flipped = bytearray(data)
        flipped[start + 200] ^= 0x40
        bad.write_bytes(bytes(flipped))
    elif damage == "not a zip":
        bad.write_text("800\n810\n")
    elif damage == "foreign zip":
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("photos/beach.jpg", b"\xff\xd8\xff")
    elif damage == "changed snapshot":
        _rewritten(archive, bad, {"calmlink.sqlite3": snapshot[:-4096] + b"\0" * 4096})
    elif damage == "newer schema":
        _rewritten(archive, bad, {"manifest.json": json.dumps(
            {**manifest, "schema_version": manifest["schema_version"] + 1}).encode()})
    elif damage == "stray file":
        _rewritten(archive, bad, {"extra.bin": b"?"})
    else:
        files = {**manifest["files"], "config/../../evil.toml": {
            "bytes": 1, "sha256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"}}
        _rewritten(archive, bad, {"manifest.json": json.dumps({**manifest, "files": files}).encode(),
                                  "config/../../evil.toml": b"x"})
    out = new.cli("restore", str(bad))
    assert out.returncode == 2 and said in out.stderr and "nothing was restored" in out.stderr, \
        out.stderr
    assert "\n" not in out.stderr.strip() and "Traceback" not in out.stderr
    assert not new.db.exists() and not new.routines.exists() and not new.strap.exists()
    assert not (tmp_path / "evil.toml").exists()


def test_a_backup_from_before_sessions_had_a_uid_restores_once(tmp_path: Path) -> None:
    from test_store import make_old_file

    old, new = Home(tmp_path / "old"), Home(tmp_path / "new")
    old.root.mkdir()
    make_old_file(old.db, 5)  # a store as schema 5 left it, never opened by this calmlink
    old.routines.mkdir()
    (old.routines / "evening.toml").write_text(ROUTINE)
    archive = tmp_path / "old.calmlink"
    made = old.cli("backup", str(archive))
    # one of each is said in the singular ("1 profiles" and "1 config files" were printed)
    assert ": 1 session, 50 beats, 1 profile, 0 paired viewers, 1 config file (schema 5)" \
        in made.stdout, made.stdout + made.stderr
    with zipfile.ZipFile(archive) as zf:
        assert json.loads(zf.read("manifest.json"))["schema_version"] == 5
    first, second = new.cli("restore", str(archive)), new.cli("restore", str(archive))
    assert "1 session added (50 beats)" in first.stdout, first.stdout + first.stderr
    assert "; 1 profile, 0 paired viewers added" in first.stdout
    assert "0 sessions added" in second.stdout and "1 already here" in second.stdout
