"""A household's data as one file: a consistent snapshot of the store and its config files.

The archive is a zip holding ``manifest.json`` (the format and its version, the schema version of
the snapshot, counts, and every file's size and SHA-256), ``calmlink.sqlite3`` (the snapshot) and
``config/…`` (the routine files and the remembered strap). docs/backup.md describes it.

The snapshot is taken with SQLite's online backup API over a read-only connection: consistent
even while the server writes beats (it copies one committed state, whatever comes after), and it
never goes through :meth:`Store.open`, which would take a running session for a crash's.
:mod:`calmlink.store.restore` reads it back, checking everything before it writes anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "calmlink-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SNAPSHOT = "calmlink.sqlite3"
CONFIG = "config"
TABLES = ("profiles", "sessions", "beats", "viewers", "session_tried", "breath_paces",
          "chest_breaths", "chest_samples")
"""The tables a backup carries and a restore merges (every table of the schema; what a session
tried, and the paces it found, go with its session)."""


class BackupError(Exception):
    """A backup that cannot be made or read, with the reason a person can act on."""


@dataclass(frozen=True, slots=True)
class Contents:
    schema_version: int
    counts: dict[str, int]
    config: tuple[str, ...]
    """Config files in the archive, by name under config/ (``routines/evening.toml``)."""


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that reads the live file and writes nothing to it."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:  # WAL without its shared-memory file: open it plainly, still
        return sqlite3.connect(path)  # only reading (a plain connection changes nothing either)


def snapshot(db_path: Path, dest: Path) -> None:
    """One committed state of the live store into ``dest`` (a single file, no WAL beside it)."""
    if not db_path.is_file():
        raise BackupError(f"no store at {db_path}: nothing to back up (--db names another)")
    src = _connect_read_only(db_path)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)  # all pages in one step: the snapshot of one moment
        dst.execute("PRAGMA journal_mode=DELETE")
        check_database(dst, str(db_path))
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the store at {db_path} cannot be read ({exc})") from None
    finally:
        dst.close()
        src.close()


def check_database(conn: sqlite3.Connection, name: str) -> None:
    """A whole, consistent SQLite file with calmlink's tables, or :class:`BackupError`."""
    (ok,) = conn.execute("PRAGMA integrity_check").fetchone()
    if ok != "ok":
        raise BackupError(f"{name} is damaged ({ok})")
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise BackupError(f"{name} is damaged (beats or sessions without their owner)")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = set(TABLES[:3]) - names
    if missing:
        raise BackupError(f"{name} is no calmlink store (no {', '.join(sorted(missing))} table)")


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in TABLES if t in names}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def config_name(name: str) -> str:
    """A config file's name in the archive, refused unless it stays inside config/."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise BackupError(f"a config file name that leaves the config folder: {name!r}")
    return str(path)


def write_backup(db_path: Path, out: Path, config: dict[str, Path],
                 app_version: str = "") -> Contents:
    """Snapshot the store and the ``config`` files (archive name -> file; missing ones left out)
    into the archive ``out``, written whole or not at all."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        snap = Path(work) / SNAPSHOT
        snapshot(db_path, snap)
        conn = sqlite3.connect(snap)
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            rows = counts(conn)
        finally:
            conn.close()
        present = {config_name(k): v for k, v in sorted(config.items()) if v.is_file()}
        files = {SNAPSHOT: snap, **{f"{CONFIG}/{k}": v for k, v in present.items()}}
        manifest: dict[str, Any] = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": int(version),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "calmlink_version": app_version, "counts": rows,
            "files": {name: {"bytes": p.stat().st_size, "sha256": _sha256(p)}
                      for name, p in files.items()},
        }
        partial = Path(work) / "backup.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
            for name, p in files.items():
                zf.write(p, name)
        with contextlib.suppress(OSError):
            os.chmod(partial, 0o600)  # a household's heart data: the owner's to read
        os.replace(partial, out)
    return Contents(int(version), rows, tuple(present))
