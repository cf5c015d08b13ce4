"""Domain operations on the store: profiles, sessions, their beats and stored summaries."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calmlink.sessions.db import Database
from calmlink.sessions.events import BeatEvent
from calmlink.sessions.summary import BeatRow, summarize

MAX_ID = 2**63 - 1  # SQLite's INTEGER range: larger ids cannot exist, so never reach the database


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
    duration_s: float | None
    outcome: str | None


_BEAT_COLUMNS = ("seq", "t", "rr_ms", "hr_bpm", "artifact", "gap_before", "step", "gauge",
                 "trend", "quality", "rmssd_ms")
_SESSION_SELECT = (
    "SELECT s.id, p.name AS profile, s.routine, s.device, s.source, s.started_at, s.ended_at, "
    "s.state, s.notes, s.n_beats, s.duration_s, s.outcome "
    "FROM sessions s JOIN profiles p ON p.id = s.profile_id"
)
RATING_FIELDS = ("rating_receiver_before", "rating_receiver_after", "rating_giver_before",
                 "rating_giver_after")


class Store:
    """The app's one SQLite file (see :mod:`calmlink.sessions.db` for the threading)."""

    def __init__(self, path: Path | str, commit_delay_s: float = 0.0) -> None:
        self.db = Database(path, commit_delay_s)

    @property
    def path(self) -> Path:
        return self.db.path

    def open(self) -> int:
        """Open the file; sessions a crash left active become 'interrupted', with a summary of the
        beats they kept, so they stay reviewable. Returns how many."""
        self.db.open()
        ids = self.db.write_sync(_mark_interrupted)
        for session_id in ids:
            summary, outcome = _summary_columns(self.summarize(session_id))
            self.db.write_sync(_setter("UPDATE sessions SET summary=?, outcome=? WHERE id=?",
                                       (summary, outcome, session_id)))
        return len(ids)

    def step_names(self, session_id: int) -> list[str]:
        raw = self.db.read_sync(lambda c: c.execute(
            "SELECT steps FROM sessions WHERE id=?", (session_id,)).fetchone())
        return list(json.loads(raw[0])) if raw and raw[0] else []

    def summarize(self, session_id: int) -> dict[str, Any]:
        rows = self.beat_rows(session_id)
        names = self.step_names(session_id)
        top = max((r.step for r in rows if r.step is not None), default=-1)
        names += [f"Step {i + 1}" for i in range(len(names), top + 1)]
        return summarize(rows, names)

    def close(self) -> None:
        self.db.close()

    async def start_session(self, profile: str, routine: str, device: str | None, source: str,
                            started_at: str | None = None, steps: list[str] | None = None) -> int:
        def fn(c: sqlite3.Connection) -> int:
            pid = _profile_id(c, profile)
            cur = c.execute(
                "INSERT INTO sessions(profile_id, routine, device, source, started_at, state, steps) "
                "VALUES (?, ?, ?, ?, ?, 'active', ?)",
                (pid, routine, device, source, started_at or now_iso(), json.dumps(steps or [])))
            return int(cur.lastrowid or 0)
        return await self.db.write(fn)

    def submit_beat(self, session_id: int, beat: BeatEvent) -> Future[None]:
        """Queue the beat for the writer thread; the future resolves once it is committed (in the
        order beats were submitted). Never blocks the caller."""
        row = asdict(beat)
        values = [session_id, *(row[k] for k in _BEAT_COLUMNS)]

        def fn(c: sqlite3.Connection) -> None:
            c.execute(f"INSERT INTO beats(session_id, {', '.join(_BEAT_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * (len(_BEAT_COLUMNS) + 1))})", values)
            c.execute("UPDATE sessions SET n_beats = n_beats + 1, duration_s = ? WHERE id = ?",
                      (beat.t, session_id))
        return self.db.submit(fn)

    def import_session(self, profile: str, started_at: str, device: str,
                       beats: list[dict[str, Any]], summary: dict[str, Any],
                       steps: list[str]) -> int:
        """A whole recorded session in one transaction: all of it is written, or nothing."""
        def fn(c: sqlite3.Connection) -> int:
            pid = _profile_id(c, profile)
            cur = c.execute(
                "INSERT INTO sessions(profile_id, routine, device, source, started_at, ended_at, "
                "state, steps, n_beats, duration_s, summary, outcome) "
                "VALUES (?, 'imported recording', ?, 'imported', ?, ?, 'completed', ?, ?, ?, ?, ?)",
                (pid, device, started_at, started_at, json.dumps(steps), len(beats),
                 beats[-1]["t"] if beats else 0.0, json.dumps(summary), summary.get("outcome")))
            sid = int(cur.lastrowid or 0)
            c.executemany(
                f"INSERT INTO beats(session_id, {', '.join(_BEAT_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (len(_BEAT_COLUMNS) + 1))})",
                [[sid, *(b[k] for k in _BEAT_COLUMNS)] for b in beats])
            return sid
        return self.db.write_sync(fn)

    async def finish_session(self, session_id: int, state: str = "completed",
                             summary: dict[str, Any] | None = None) -> None:
        def fn(c: sqlite3.Connection) -> None:
            c.execute("UPDATE sessions SET state=?, ended_at=COALESCE(ended_at, ?) "
                      "WHERE id=? AND state='active'", (state, now_iso(), session_id))
            if summary is not None:
                c.execute("UPDATE sessions SET summary=?, outcome=? WHERE id=?",
                          (json.dumps(summary), summary.get("outcome"), session_id))
        await self.db.write(fn)

    async def update_session(self, session_id: int, *, notes: str | None = None,
                             ratings: dict[str, int | None] | None = None) -> bool:
        def fn(c: sqlite3.Connection) -> bool:
            if c.execute("SELECT 1 FROM sessions WHERE id=?", (session_id,)).fetchone() is None:
                return False
            if notes is not None:
                c.execute("UPDATE sessions SET notes=? WHERE id=?", (notes, session_id))
            for key, value in (ratings or {}).items():
                if key in RATING_FIELDS:
                    c.execute(f"UPDATE sessions SET {key}=? WHERE id=?", (value, session_id))
            return True
        if not 0 < session_id <= MAX_ID:
            return False
        return await self.db.write(fn)

    async def delete_session(self, session_id: int) -> bool:
        if not 0 < session_id <= MAX_ID:
            return False
        return await self.db.write(
            lambda c: c.execute("DELETE FROM sessions WHERE id=?", (session_id,)).rowcount > 0)

    async def delete_profile(self, name: str) -> bool:
        return await self.db.write(
            lambda c: c.execute("DELETE FROM profiles WHERE name=?", (name,)).rowcount > 0)

    def list_sessions(self, profile: str | None = None, limit: int = 1000) -> list[SessionRow]:
        def fn(c: sqlite3.Connection) -> list[SessionRow]:
            if profile is None:
                rows = c.execute(f"{_SESSION_SELECT} ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
                                 (limit,))
            else:
                rows = c.execute(f"{_SESSION_SELECT} WHERE p.name=? "
                                 "ORDER BY s.started_at DESC, s.id DESC LIMIT ?", (profile, limit))
            return [SessionRow(**dict(r)) for r in rows]
        return self.db.read_sync(fn)

    def session(self, session_id: int) -> dict[str, Any] | None:
        if not 0 < session_id <= MAX_ID:
            return None

        def fn(c: sqlite3.Connection) -> dict[str, Any] | None:
            row = c.execute(f"{_SESSION_SELECT} WHERE s.id=?", (session_id,)).fetchone()
            if row is None:
                return None
            extra = c.execute(f"SELECT summary, {', '.join(RATING_FIELDS)} FROM sessions "
                              "WHERE id=?", (session_id,)).fetchone()
            out = dict(row)
            out["summary"] = json.loads(extra["summary"]) if extra["summary"] else None
            out["ratings"] = {k: extra[k] for k in RATING_FIELDS}
            return out
        return self.db.read_sync(fn)

    def beats(self, session_id: int) -> list[dict[str, Any]]:
        if not 0 < session_id <= MAX_ID:
            return []
        return self.db.read_sync(lambda c: [dict(r) for r in c.execute(
            f"SELECT {', '.join(_BEAT_COLUMNS)} FROM beats WHERE session_id=? ORDER BY seq",
            (session_id,))])

    def beat_rows(self, session_id: int) -> list[BeatRow]:
        return [BeatRow(b["t"], b["rr_ms"], b["hr_bpm"], bool(b["artifact"]), bool(b["gap_before"]),
                        b["step"], b["gauge"]) for b in self.beats(session_id)]

    def profiles(self) -> list[str]:
        return self.db.read_sync(lambda c: [r[0] for r in c.execute(
            "SELECT name FROM profiles ORDER BY name")])

    def summaries(self, profile: str) -> list[dict[str, Any]]:
        """Stored summaries of a profile's sessions, oldest first: the input of the trends."""
        def fn(c: sqlite3.Connection) -> list[dict[str, Any]]:
            rows = c.execute(
                "SELECT s.id, s.started_at, s.state, s.summary FROM sessions s "
                "JOIN profiles p ON p.id = s.profile_id WHERE p.name=? AND s.summary IS NOT NULL "
                "ORDER BY s.started_at, s.id", (profile,))
            return [{"id": r["id"], "started_at": r["started_at"], "state": r["state"],
                     "summary": json.loads(r["summary"])} for r in rows]
        return self.db.read_sync(fn)


def _profile_id(c: sqlite3.Connection, name: str) -> int:
    c.execute("INSERT OR IGNORE INTO profiles(name, created_at) VALUES (?, ?)", (name, now_iso()))
    (pid,) = c.execute("SELECT id FROM profiles WHERE name=?", (name,)).fetchone()
    return int(pid)


def _mark_interrupted(c: sqlite3.Connection) -> list[int]:
    ids = [r[0] for r in c.execute("SELECT id FROM sessions WHERE state='active'")]
    c.execute("UPDATE sessions SET state='interrupted', ended_at=COALESCE(ended_at, ?) "
              "WHERE state='active'", (now_iso(),))
    return ids


def _setter(sql: str, params: tuple[Any, ...]) -> Any:
    def fn(c: sqlite3.Connection) -> None:
        c.execute(sql, params)
    return fn


def _summary_columns(summary: dict[str, Any]) -> tuple[str, str | None]:
    return json.dumps(summary), summary.get("outcome")
