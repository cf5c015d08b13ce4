"""A backup (:mod:`calmlink.store.backup`) read back into a store: everything checked first, then
merged in one transaction, so a damaged, truncated or foreign file writes nothing.

Sessions are matched by their ``uid`` (a backup from before uids, by receiver, start, source and
routine): a session the store already holds is kept as it is (a copy
the store holds unfinished, fewer beats and not completed, is replaced by the backup's fuller one);
the rest are added with their beats. Profiles are matched by name, paired viewers by their token's
hash. Into an empty store every row keeps its id, so the store is the backup's, row for row. Config
files are written where none is; one that differs is kept and named.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from calmlink.store.backup import (
    CONFIG,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SNAPSHOT,
    BackupError,
    check_database,
    config_name,
)
from calmlink.store.db import connect
from calmlink.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate


@dataclass(frozen=True, slots=True)
class Restored:
    sessions_added: int = 0
    beats_added: int = 0
    sessions_present: int = 0
    sessions_replaced: int = 0
    profiles_added: int = 0
    viewers_added: int = 0
    config_written: tuple[str, ...] = ()
    config_kept: tuple[str, ...] = field(default=())
    """Config files the target already had, with other content: kept, not overwritten."""


def _refuse(archive: Path, why: str) -> BackupError:
    return BackupError(f"{archive}: {why}; nothing was restored")


def read_archive(archive: Path, work: Path) -> tuple[dict[str, Any], Path, dict[str, bytes]]:
    """The manifest, the snapshot (extracted into ``work``, checked) and the config files, or
    :class:`BackupError` saying what is wrong."""
    try:
        zf = zipfile.ZipFile(archive)
    except FileNotFoundError:
        raise _refuse(archive, "no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(archive, f"not a calmlink backup: not a whole zip archive ({exc}); a "
                      "backup cut short in copying reads like this") from None
    with zf:
        try:
            manifest = json.loads(zf.read(MANIFEST))
        except KeyError:
            raise _refuse(archive, "a zip archive that is no calmlink backup (no manifest.json)") \
                from None
        except (ValueError, zipfile.BadZipFile, OSError) as exc:
            raise _refuse(archive, f"its manifest cannot be read ({exc})") from None
        _check_manifest(archive, manifest, set(zf.namelist()))
        config: dict[str, bytes] = {}
        snapshot = work / SNAPSHOT
        for name, meta in manifest["files"].items():
            try:
                data = zf.read(name)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:  # a bad CRC, a cut
                # file, a flipped bit in the compressed stream
                raise _refuse(archive, f"{name} is damaged ({exc})") from None
            if len(data) != meta.get("bytes") or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
                raise _refuse(archive, f"{name} does not match the checksum its manifest gives "
                              "(damaged or changed since the backup)")
            if name == SNAPSHOT:
                snapshot.write_bytes(data)
            else:
                config[config_name(name.removeprefix(f"{CONFIG}/"))] = data
    conn = sqlite3.connect(snapshot)
    try:
        check_database(conn, f"{archive}'s store")
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version != manifest["schema_version"]:
            raise _refuse(archive, f"its store is at schema {version}, its manifest says "
                          f"{manifest['schema_version']}")
        migrate(conn)  # the copy, brought to this calmlink's schema before anything is merged
    except sqlite3.DatabaseError as exc:
        raise _refuse(archive, f"its store is damaged ({exc})") from None
    except BackupError as exc:
        raise _refuse(archive, str(exc)) from None
    finally:
        conn.close()
    return manifest, snapshot, config


def _check_manifest(archive: Path, manifest: Any, names: set[str]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(archive, "a zip archive that is no calmlink backup (its manifest names "
                      f"format {manifest.get('format') if isinstance(manifest, dict) else None!r})")
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        raise _refuse(archive, f"made by a newer calmlink (backup format "
                      f"{manifest.get('format_version')}, this one reads {FORMAT_VERSION}): "
                      "upgrade calmlink to restore it")
    schema = manifest.get("schema_version")
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise _refuse(archive, f"made by a newer calmlink (schema {schema}, this one knows "
                      f"{SCHEMA_VERSION}): upgrade calmlink to restore it")
    files = manifest.get("files")
    if not isinstance(files, dict) or SNAPSHOT not in files:
        raise _refuse(archive, "its manifest names no store snapshot")
    missing = set(files) - names
    if missing:
        raise _refuse(archive, f"{', '.join(sorted(missing))} is missing from the archive")
    stray = names - set(files) - {MANIFEST}
    if stray:
        raise _refuse(archive, f"it holds files its manifest does not name ({', '.join(sorted(stray))})")
    for name in files:
        if name != SNAPSHOT and not name.startswith(f"{CONFIG}/"):
            raise _refuse(archive, f"an unexpected file {name!r} in its manifest")
        if name != SNAPSHOT:
            try:
                config_name(name.removeprefix(f"{CONFIG}/"))
            except BackupError as exc:
                raise _refuse(archive, str(exc)) from None


def restore(archive: Path, db_path: Path, config_targets: dict[str, Path]) -> Restored:
    """Merge the backup into the store at ``db_path`` and its config files into place.
    ``config_targets`` maps a config name to its file, or its first folder to a folder
    (``{"routines": …/routines, "last_device.json": …/last_device.json}``); a config file with
    no target is left in the archive."""
    with tempfile.TemporaryDirectory() as tmp:
        manifest, snapshot, config = read_archive(archive, Path(tmp))
        staged: dict[str, tuple[Path, Path]] = {}
        try:
            for name, data in config.items():
                target = _target(name, config_targets)
                if target is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    partial = target.with_name(f".{target.name}.restoring")
                    partial.write_bytes(data)
                    staged[name] = (partial, target)
            result = _merge(snapshot, db_path, manifest["schema_version"] >= UID_SCHEMA)
        except BaseException:
            for partial, _ in staged.values():
                partial.unlink(missing_ok=True)
            raise
    written: list[str] = []
    kept: list[str] = []
    for name, (partial, target) in staged.items():
        if target.exists():  # the same file already, or the person's own: kept either way
            partial.unlink(missing_ok=True)
            if target.read_bytes() != config[name]:
                kept.append(name)
        else:
            os.replace(partial, target)
            written.append(name)
    return replace(result, config_written=tuple(written), config_kept=tuple(kept))


def _target(name: str, targets: dict[str, Path]) -> Path | None:
    if name in targets:
        return targets[name]
    folder, _, rest = name.partition("/")
    return targets[folder] / rest if rest and folder in targets else None


def _merge(snapshot: Path, db_path: Path, uids: bool) -> Restored:
    """The snapshot's rows the store lacks, added in one transaction (all, or nothing)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(db_path)
    try:
        migrate(conn)
        conn.execute("ATTACH DATABASE ? AS b", (str(snapshot),))
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = _copy(conn, uids)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE b")
    finally:
        conn.close()
    return result


def _columns(conn: sqlite3.Connection, table: str, leave_out: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})") if r[1] != leave_out]


def _free(conn: sqlite3.Connection, table: str, wanted: int) -> int | None:
    """The backup's own id when the store has no row by it (so an empty store becomes the backup
    row for row), else None: the next free one."""
    taken = conn.execute(f"SELECT 1 FROM main.{table} WHERE id=?", (wanted,)).fetchone()
    return None if taken else wanted


def _insert(conn: sqlite3.Connection, table: str, row_id: int | None, values: dict[str, Any]) -> int:
    names = ", ".join(["id", *values])
    marks = ", ".join("?" * (len(values) + 1))
    cur = conn.execute(f"INSERT INTO main.{table}({names}) VALUES ({marks})",
                       (row_id, *values.values()))
    return int(cur.lastrowid or 0)


UID_SCHEMA = 1 + next(k for k, m in enumerate(MIGRATIONS) if "ADD COLUMN uid" in m)
"""The schema from which sessions carry their uid."""
NATURAL_KEY = "SELECT s.id, s.state, s.n_beats FROM main.sessions s JOIN main.profiles p ON " \
    "p.id = s.profile_id WHERE p.name=? AND s.started_at=? AND s.source=? AND s.routine=?"
"""A backup from before uids gets fresh ones each time it is read: its sessions are matched by
receiver, start, source and routine instead."""


CHEST_TABLES = ("chest_breaths", "chest_samples")


def _copy(conn: sqlite3.Connection, uids: bool) -> Restored:
    profiles: dict[int, int] = {}
    added_profiles = 0
    for row in conn.execute("SELECT id, name, created_at FROM b.profiles ORDER BY id").fetchall():
        have = conn.execute("SELECT id FROM main.profiles WHERE name=?", (row["name"],)).fetchone()
        if have is None:
            profiles[row["id"]] = _insert(conn, "profiles", _free(conn, "profiles", row["id"]),
                                          {"name": row["name"], "created_at": row["created_at"]})
            added_profiles += 1
        else:
            profiles[row["id"]] = int(have[0])
    columns = _columns(conn, "sessions", "id")
    chest = conn.execute("SELECT 1 FROM b.sqlite_master WHERE name='chest_breaths'").fetchone()
    beat_columns = ", ".join(_columns(conn, "beats", "session_id"))
    added = present = replaced = beats = 0
    for row in conn.execute("SELECT s.*, p.name AS profile_name FROM b.sessions s "
                            "JOIN b.profiles p ON p.id = s.profile_id ORDER BY s.id").fetchall():
        have = conn.execute("SELECT id, state, n_beats FROM main.sessions WHERE uid=?",
                            (row["uid"],)).fetchone() if uids else conn.execute(
            NATURAL_KEY, (row["profile_name"], row["started_at"], row["source"], row["routine"])
        ).fetchone()
        if have is not None:
            if have["state"] == "completed" or have["n_beats"] >= row["n_beats"]:
                present += 1
                continue
            conn.execute("DELETE FROM main.sessions WHERE id=?", (have["id"],))  # an unfinished copy
            replaced += 1
            new_id: int | None = int(have["id"])
        else:
            new_id = _free(conn, "sessions", row["id"])
            added += 1
        values = {c: profiles[row[c]] if c == "profile_id" else row[c] for c in columns}
        sid = _insert(conn, "sessions", new_id, values)
        beats += conn.execute(f"INSERT INTO main.beats(session_id, {beat_columns}) SELECT ?, "
                              f"{beat_columns} FROM b.beats WHERE session_id=?", (sid, row["id"])
                              ).rowcount
        conn.execute("INSERT INTO main.session_tried(session_id, kind, value) SELECT ?, kind, value "
                     "FROM b.session_tried WHERE session_id=?", (sid, row["id"]))
        conn.execute("INSERT INTO main.breath_paces(session_id, role, person, pace, figures, "
                     "found_at) SELECT ?, role, person, pace, figures, found_at FROM b.breath_paces "
                     "WHERE session_id=?", (sid, row["id"]))
        for table in CHEST_TABLES:  # the chest's breaths and raw samples (schema 11 on)
            if chest:
                cols = ", ".join(_columns(conn, table, "session_id"))
                conn.execute(f"INSERT INTO main.{table}(session_id, {cols}) SELECT ?, {cols} "
                             f"FROM b.{table} WHERE session_id=?", (sid, row["id"]))
    viewers = 0
    if conn.execute("SELECT 1 FROM b.sqlite_master WHERE name='viewers'").fetchone():
        viewer_columns = _columns(conn, "viewers", "id")
        for row in conn.execute("SELECT * FROM b.viewers ORDER BY id").fetchall():
            if conn.execute("SELECT 1 FROM main.viewers WHERE token_sha256=?",
                            (row["token_sha256"],)).fetchone() is None:
                _insert(conn, "viewers", _free(conn, "viewers", row["id"]),
                        {c: row[c] for c in viewer_columns})
                viewers += 1
    return Restored(sessions_added=added, beats_added=beats, sessions_present=present,
                    sessions_replaced=replaced, profiles_added=added_profiles,
                    viewers_added=viewers)
