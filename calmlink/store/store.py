"""Domain operations on the store: profiles, sessions, their beats and summaries.

Every read and write here is a coroutine that runs on a worker or the writer thread, so nothing
in this API can block the event loop. The exceptions are named for it: :meth:`Store.open` and
:meth:`Store.close` block (call them off the loop, as the app's lifespan does) and
:meth:`Store.submit_beat` never waits (it hands the beat to the writer thread).
"""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import Future
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path
from typing import Any

from calmlink.store import rows
from calmlink.store.beat import Beat
from calmlink.store.chest import ChestStore, chest_breaths
from calmlink.store.db import Database, now_iso
from calmlink.store.imported import ImportedSession as ImportedSession  # where callers find it
from calmlink.store.imported import insert_sessions
from calmlink.store.paces import PaceStore
from calmlink.store.schema import NEW_UID
from calmlink.store.tried import Tried, TriedStore, as_dict, read_tried, write_tried
from calmlink.store.viewer_tokens import ViewerTokens

MAX_ID = 2**63 - 1  # SQLite's INTEGER range: larger ids cannot exist, so never reach the database


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
    giver: str | None = None
    tried: dict[str, Any] = field(default_factory=dict)
    """What the couple tried (:class:`calmlink.store.tried.Tried` as a dict)."""

    def as_json(self) -> dict[str, Any]:
        """As the API gives it; not ``asdict``, whose deep copy was half a long list's cost."""
        return {name: getattr(self, name) for name in _ROW_FIELDS}


_ROW_FIELDS = tuple(f.name for f in fields(SessionRow))


_SESSION_SELECT = (
    "SELECT s.id, p.name AS profile, s.routine, s.device, s.source, s.started_at, s.ended_at, "
    "s.state, s.notes, s.n_beats, s.duration_s, s.outcome, s.giver "
    "FROM sessions s JOIN profiles p ON p.id = s.profile_id"
)
_NEWEST_FIRST = "julianday(s.started_at) DESC, s.id DESC"
"""By the instant a session started: stored times carry offsets, so their strings do not sort."""
RATING_FIELDS = ("rating_receiver_before", "rating_receiver_after", "rating_giver_before",
                 "rating_giver_after")


class Store:
    """The app's one SQLite file (see :mod:`calmlink.store.db` for the threading)."""

    def __init__(self, path: Path | str, commit_delay_s: float = 0.0) -> None:
        self.db = Database(path, commit_delay_s)
        self.viewer_tokens = ViewerTokens(self.db)
        """Paired viewers (LAN mode)."""
        self.tried = TriedStore(self.db)
        """What each session tried, and a receiver's tags by use."""
        self.paces = PaceStore(self.db)
        """Breathing paces found, per person."""
        self.chest = ChestStore(self.db)
        """The chest strap's breaths (and raw samples, when kept), per session."""

    @property
    def path(self) -> Path:
        return self.db.path

    # -- life (blocking: call off the event loop) -----------------------------------------------

    def open(self) -> list[int]:
        """Open the file; sessions a crash left active become 'interrupted'. Returns their ids, so
        the caller can summarise the beats they kept (:func:`calmlink.review.recovery.open_store`)
        and they stay reviewable. Blocks. Opening an open store does nothing (its active session
        is not a crash's)."""
        if not self.db.open():
            return []
        return self.db.write_blocking(rows.mark_interrupted)

    def beats_blocking(self, session_id: int) -> list[Beat]:
        """A session's beats, read on this thread (off the loop: opening, the command line)."""
        return self.db.read_blocking(partial(rows.beats, session_id=session_id))

    def step_names_blocking(self, session_id: int) -> list[str]:
        return self.db.read_blocking(partial(rows.step_names, session_id=session_id))

    def routine_snapshot_blocking(self, session_id: int) -> dict[str, Any] | None:
        return self.db.read_blocking(partial(rows.routine_snapshot, session_id=session_id))

    def profile_of_blocking(self, session_id: int) -> str | None:
        return self.db.read_blocking(partial(rows.profile_of, session_id=session_id))

    def set_summary_blocking(self, session_id: int, summary: dict[str, Any]) -> None:
        self.db.write_blocking(rows.setter("UPDATE sessions SET summary=?, outcome=? WHERE id=?",
                                       (json.dumps(summary), summary.get("outcome"), session_id)))

    def close(self) -> None:
        """Stop the writer thread and close every connection. Blocks."""
        self.db.close()

    # -- writes ---------------------------------------------------------------------------------

    async def start_session(self, profile: str, routine: str, device: str | None, source: str,
                            started_at: str | None = None, steps: list[str] | None = None,
                            giver: str | None = None, snapshot: dict[str, Any] | None = None,
                            tried: Tried | None = None) -> int:
        """A new active session, with the routine it runs as it is now (``snapshot``) and what
        the couple means to try, in one transaction."""
        def fn(c: sqlite3.Connection) -> int:
            pid = rows.profile_id(c, profile)
            cur = c.execute(
                "INSERT INTO sessions(profile_id, routine, device, source, started_at, state, steps, "
                "giver, routine_snapshot, uid) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, "
                f"{NEW_UID})",
                (pid, routine, device, source, started_at or now_iso(), json.dumps(steps or []),
                 giver, None if snapshot is None else json.dumps(snapshot)))
            session_id = int(cur.lastrowid or 0)
            if tried is not None:
                write_tried(c, session_id, tried)
            return session_id
        return await self.db.write(fn)

    def submit_beat(self, session_id: int, beat: Beat) -> Future[None]:
        """Queue the beat for the writer thread; the future resolves once it is committed (in the
        order beats were submitted). Never blocks the caller."""
        if beat.beat_seq is None:
            raise ValueError("only a session's beats are stored")
        values = rows.beat_values(session_id, beat)

        def fn(c: sqlite3.Connection) -> None:
            c.execute(rows.INSERT_BEAT, values)
            c.execute("UPDATE sessions SET n_beats = n_beats + 1, duration_s = ? WHERE id = ?",
                      (beat.t, session_id))
        return self.db.submit(fn)

    def import_sessions_blocking(self, sessions: list[ImportedSession]) -> list[int]:
        """Recorded sessions (a file may hold several) in one transaction: all are written, or
        nothing. Waits for the commit on this thread (command line, seeding): never on the loop."""
        return self.db.write_blocking(partial(insert_sessions, sessions=sessions))

    async def finish_session(self, session_id: int, state: str = "completed",
                             summary: dict[str, Any] | None = None, giver: str | None = None) -> None:
        def fn(c: sqlite3.Connection) -> None:
            c.execute("UPDATE sessions SET state=?, ended_at=COALESCE(ended_at, ?) "
                      "WHERE id=? AND state='active'", (state, now_iso(), session_id))
            if giver is not None:
                c.execute("UPDATE sessions SET giver=COALESCE(giver, ?) WHERE id=?",
                          (giver, session_id))
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

    # -- reads ----------------------------------------------------------------------------------

    async def list_sessions(self, profile: str | None = None, limit: int = 1000) -> list[SessionRow]:
        def fn(c: sqlite3.Connection) -> list[SessionRow]:
            if profile is None:
                found = c.execute(f"{_SESSION_SELECT} ORDER BY {_NEWEST_FIRST} LIMIT ?", (limit,))
            else:
                found = c.execute(f"{_SESSION_SELECT} WHERE p.name=? "
                                  f"ORDER BY {_NEWEST_FIRST} LIMIT ?", (profile, limit))
            rows = [dict(r) for r in found]
            tried = read_tried(c, [r["id"] for r in rows])
            return [SessionRow(**r, tried=as_dict(tried[r["id"]])) for r in rows]
        return await self.db.read(fn)

    async def session(self, session_id: int) -> dict[str, Any] | None:
        """The session's row with its stored summary and ratings (as the API returns them)."""
        if not 0 < session_id <= MAX_ID:
            return None

        def fn(c: sqlite3.Connection) -> dict[str, Any] | None:
            row = c.execute(f"{_SESSION_SELECT} WHERE s.id=?", (session_id,)).fetchone()
            if row is None:
                return None
            extra = c.execute(f"SELECT summary, routine_snapshot, {', '.join(RATING_FIELDS)} "
                              "FROM sessions WHERE id=?", (session_id,)).fetchone()
            out = dict(row)
            out["summary"] = json.loads(extra["summary"]) if extra["summary"] else None
            out["ratings"] = {k: extra[k] for k in RATING_FIELDS}
            out["routine_snapshot"] = (json.loads(extra["routine_snapshot"])
                                       if extra["routine_snapshot"] else None)
            out["tried"] = as_dict(read_tried(c, [session_id])[session_id])
            out["chest_breaths"] = chest_breaths(c, session_id)
            return out
        return await self.db.read(fn)

    async def beats(self, session_id: int) -> list[Beat]:
        if not 0 < session_id <= MAX_ID:
            return []
        return await self.db.read(lambda c: rows.beats(c, session_id))

    async def couple_beats(self, profile: str, giver: str, before: int, limit: int = 20
                           ) -> list[list[Beat]]:
        """Beats of the couple's earlier partner sessions (newest first, at most ``limit``): the
        pseudo-partners that tell a shared routine from two hearts moving together."""
        def fn(c: sqlite3.Connection) -> list[list[Beat]]:
            ids = [r[0] for r in c.execute(
                "SELECT s.id FROM sessions s JOIN profiles p ON p.id = s.profile_id "
                "WHERE p.name=? AND s.giver=? AND s.id<? AND s.state='completed' "
                f"ORDER BY {_NEWEST_FIRST} LIMIT ?", (profile, giver, before, limit))]
            return [rows.beats(c, sid) for sid in ids]
        return await self.db.read(fn)

    async def step_names(self, session_id: int) -> list[str]:
        return await self.db.read(lambda c: rows.step_names(c, session_id))

    async def profiles(self) -> list[str]:
        return await self.db.read(lambda c: [r[0] for r in c.execute(
            "SELECT name FROM profiles ORDER BY name")])

    async def summaries(self, profile: str) -> list[dict[str, Any]]:
        """Stored summaries of a profile's sessions, oldest first, with what is known of each
        without typing (when, how long, who gave) and what was tried: the input of the trends."""
        def fn(c: sqlite3.Connection) -> list[dict[str, Any]]:
            found = c.execute(
                "SELECT s.id, s.started_at, s.state, s.summary, s.giver, s.duration_s, s.routine "
                "FROM sessions s JOIN profiles p ON p.id = s.profile_id "
                "WHERE p.name=? AND s.summary IS NOT NULL ORDER BY julianday(s.started_at), s.id",
                (profile,))
            out = [{"id": r["id"], "started_at": r["started_at"], "state": r["state"],
                    "summary": json.loads(r["summary"]), "giver": r["giver"],
                    "duration_s": r["duration_s"], "routine": r["routine"]} for r in found]
            tried = read_tried(c, [s["id"] for s in out])
            for s in out:
                s["tried"] = as_dict(tried[s["id"]])
            return out
        return await self.db.read(fn)
