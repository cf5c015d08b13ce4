"""Breathing paces a pace-finding session found, per person (docs/breathe.md). The store keeps
what it is given: the finding is computed by calmlink.signal.pace_finder, at the session's end.

A person is a name (the receiver's profile, or the giver's name), matched in any case. Their
default pace for breathe steps is the latest pace found clearly; a later "no clear best pace"
is kept (with its figures) but does not replace it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calmlink.store.db import now_iso

if TYPE_CHECKING:
    from calmlink.store.db import Database


@dataclass(frozen=True, slots=True)
class FoundPace:
    session_id: int
    person: str
    role: str
    pace: float | None
    """None: no clear best pace that time."""
    figures: dict[str, Any]
    """The finding as the summary holds it: each pace's swing, its uncertainty, its breaths."""
    found_at: str


def _row(r: sqlite3.Row) -> FoundPace:
    return FoundPace(int(r["session_id"]), str(r["person"]), str(r["role"]), r["pace"],
                     dict(json.loads(r["figures"])), str(r["found_at"]))


def _keep(session_id: int, role: str, person: str, pace: float | None, figures: dict[str, Any]
          ) -> Callable[[sqlite3.Connection], None]:
    def fn(c: sqlite3.Connection) -> None:
        c.execute("INSERT OR REPLACE INTO breath_paces(session_id, role, person, pace, figures, "
                  "found_at) VALUES (?, ?, ?, ?, ?, ?)",
                  (session_id, role, person, pace, json.dumps(figures), now_iso()))
    return fn


class PaceStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(self, session_id: int, role: str, person: str, pace: float | None,
                   figures: dict[str, Any]) -> None:
        """One person's finding (replacing that session's earlier one for the same role)."""
        await self.db.write(_keep(session_id, role, person, pace, figures))

    def keep_blocking(self, session_id: int, role: str, person: str, pace: float | None,
                      figures: dict[str, Any]) -> None:
        """The same, off the event loop (a session a crash left, summarised on opening)."""
        self.db.write_blocking(_keep(session_id, role, person, pace, figures))

    async def history(self, person: str) -> list[FoundPace]:
        """Every finding of ``person``, newest first."""
        def fn(c: sqlite3.Connection) -> list[FoundPace]:
            return [_row(r) for r in c.execute(
                "SELECT * FROM breath_paces WHERE person=? "
                "ORDER BY julianday(found_at) DESC, session_id DESC", (person,))]
        return await self.db.read(fn)

    async def default(self, person: str) -> float | None:
        """The latest pace found clearly for ``person``, or None."""
        def fn(c: sqlite3.Connection) -> float | None:
            row = c.execute("SELECT pace FROM breath_paces WHERE person=? AND pace IS NOT NULL "
                            "ORDER BY julianday(found_at) DESC, session_id DESC LIMIT 1",
                            (person,)).fetchone()
            return None if row is None else float(row[0])
        return await self.db.read(fn)
