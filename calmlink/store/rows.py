"""The SQL the store's operations share: beats as rows and back, a session's steps, a profile's id.
Each function runs inside the caller's connection (and, for writes, its transaction)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from calmlink.store.beat import BEAT_FIELDS, Beat
from calmlink.store.db import now_iso

BEAT_COLUMNS = ", ".join(BEAT_FIELDS)
INSERT_BEAT = (f"INSERT INTO beats(session_id, {BEAT_COLUMNS}) "
               f"VALUES ({', '.join('?' * (len(BEAT_FIELDS) + 1))})")


def beat_values(session_id: int, beat: Beat) -> tuple[Any, ...]:
    return (session_id, *(getattr(beat, name) for name in BEAT_FIELDS))


def _beat_from_row(row: sqlite3.Row) -> Beat:
    return Beat(row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]), row[7], row[8],
                row[9], row[10], row[11], row[12], None if row[13] is None else bool(row[13]))


def beats(c: sqlite3.Connection, session_id: int) -> list[Beat]:
    return [_beat_from_row(r) for r in c.execute(
        f"SELECT {BEAT_COLUMNS} FROM beats WHERE session_id=? ORDER BY beat_seq", (session_id,))]


def step_names(c: sqlite3.Connection, session_id: int) -> list[str]:
    raw = c.execute("SELECT steps FROM sessions WHERE id=?", (session_id,)).fetchone()
    return list(json.loads(raw[0])) if raw and raw[0] else []


def routine_snapshot(c: sqlite3.Connection, session_id: int) -> dict[str, Any] | None:
    """The routine the session ran, as it was then (None for sessions stored before snapshots)."""
    raw = c.execute("SELECT routine_snapshot FROM sessions WHERE id=?", (session_id,)).fetchone()
    return dict(json.loads(raw[0])) if raw and raw[0] else None


def profile_of(c: sqlite3.Connection, session_id: int) -> str | None:
    """The receiver's profile name of a session."""
    row = c.execute("SELECT p.name FROM sessions s JOIN profiles p ON p.id = s.profile_id "
                    "WHERE s.id=?", (session_id,)).fetchone()
    return None if row is None else str(row[0])


def profile_id(c: sqlite3.Connection, name: str) -> int:
    c.execute("INSERT OR IGNORE INTO profiles(name, created_at) VALUES (?, ?)", (name, now_iso()))
    (pid,) = c.execute("SELECT id FROM profiles WHERE name=?", (name,)).fetchone()
    return int(pid)


def mark_interrupted(c: sqlite3.Connection) -> list[int]:
    # a session a crash left before its first beat was never a session (as at a normal end)
    c.execute("DELETE FROM sessions WHERE state='active' AND n_beats=0 "
              "AND NOT EXISTS (SELECT 1 FROM beats b WHERE b.session_id = sessions.id)")
    ids = [r[0] for r in c.execute("SELECT id FROM sessions WHERE state='active'")]
    c.execute("UPDATE sessions SET state='interrupted', ended_at=COALESCE(ended_at, ?) "
              "WHERE state='active'", (now_iso(),))
    return ids


def setter(sql: str, params: tuple[Any, ...]) -> Any:
    def fn(c: sqlite3.Connection) -> None:
        c.execute(sql, params)
    return fn
