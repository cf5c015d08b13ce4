"""Domain operations on the store: profiles, sessions and their beats."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calmlink.sessions.db import Database
from calmlink.sessions.events import BeatEvent


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    profile: str
    routine: str
    device: str | None
    source: str
    started_at: str
    ended_at: str | None
    state: str
    notes: str
    n_beats: int


_BEAT_COLUMNS = ("seq", "t", "rr_ms", "hr_bpm", "artifact", "gap_before", "step", "gauge",
                 "trend", "quality")


class Store:
    """The app's one SQLite file (see :mod:`calmlink.sessions.db` for the threading)."""

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path)

    @property
    def path(self) -> Path:
        return self.db.path

    def open(self) -> int:
        """Open the file; sessions a crash left active become 'interrupted'. Returns how many."""
        self.db.open()
        return self.db.write_sync(
            lambda c: c.execute(
                "UPDATE sessions SET state='interrupted', ended_at=COALESCE(ended_at, ?) "
                "WHERE state='active'", (now_iso(),)
            ).rowcount
        )

    def close(self) -> None:
        self.db.close()

    async def start_session(self, profile: str, routine: str, device: str | None,
                            source: str) -> int:
        def fn(c: sqlite3.Connection) -> int:
            c.execute("INSERT OR IGNORE INTO profiles(name, created_at) VALUES (?, ?)",
                      (profile, now_iso()))
            (pid,) = c.execute("SELECT id FROM profiles WHERE name=?", (profile,)).fetchone()
            cur = c.execute(
                "INSERT INTO sessions(profile_id, routine, device, source, started_at, state) "
                "VALUES (?, ?, ?, ?, ?, 'active')", (pid, routine, device, source, now_iso()))
            return int(cur.lastrowid or 0)
        return await self.db.write(fn)

    async def append_beat(self, session_id: int, beat: BeatEvent) -> None:
        """Returns once the beat is committed to disk."""
        row = asdict(beat)
        values = [session_id, *(row[k] for k in _BEAT_COLUMNS)]
        await self.db.write(lambda c: c.execute(
            f"INSERT INTO beats(session_id, {', '.join(_BEAT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * (len(_BEAT_COLUMNS) + 1))})", values))

    async def finish_session(self, session_id: int, state: str = "completed") -> None:
        await self.db.write(lambda c: c.execute(
            "UPDATE sessions SET state=?, ended_at=? WHERE id=? AND state='active'",
            (state, now_iso(), session_id)))

    def list_sessions(self) -> list[SessionRow]:
        def fn(c: sqlite3.Connection) -> list[SessionRow]:
            rows = c.execute(
                "SELECT s.id, p.name AS profile, s.routine, s.device, s.source, s.started_at, "
                "s.ended_at, s.state, s.notes, "
                "(SELECT COUNT(*) FROM beats b WHERE b.session_id = s.id) AS n_beats "
                "FROM sessions s JOIN profiles p ON p.id = s.profile_id ORDER BY s.id DESC"
            ).fetchall()
            return [SessionRow(**dict(r)) for r in rows]
        return self.db.read_sync(fn)

    def beats(self, session_id: int) -> list[dict[str, Any]]:
        return self.db.read_sync(lambda c: [dict(r) for r in c.execute(
            f"SELECT {', '.join(_BEAT_COLUMNS)} FROM beats WHERE session_id=? ORDER BY seq",
            (session_id,))])
