"""Recorded sessions written whole (`calmlink import`, seeding): their beats, what was tried, and
the chest's breaths (and raw samples, when kept) of an ACC file imported with them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calmlink.store import rows
from calmlink.store.beat import Beat
from calmlink.store.chest import StoredBreath, insert_imported
from calmlink.store.schema import NEW_UID
from calmlink.store.tried import Tried, write_tried


@dataclass(frozen=True, slots=True)
class ImportedSession:
    """One recorded session to write as a whole (``calmlink import``, seeding)."""

    profile: str
    started_at: str
    ended_at: str
    device: str
    beats: list[Beat]
    summary: dict[str, Any]
    steps: list[str]
    giver: str | None = None
    tried: Tried = field(default_factory=Tried)
    chest_breaths: list[StoredBreath] = field(default_factory=list)
    chest_samples: tuple[float, NDArray[np.float64], NDArray[np.float64]] | None = None
    """The receiver's raw chest samples (rate, times on the session clock, XYZ mG), when kept."""


def insert_sessions(c: sqlite3.Connection, sessions: list[ImportedSession]) -> list[int]:
    """Recorded sessions written in the caller's transaction; their new ids."""
    ids: list[int] = []
    for s in sessions:
        pid = rows.profile_id(c, s.profile)
        cur = c.execute(
            "INSERT INTO sessions(profile_id, routine, device, source, started_at, "
            "ended_at, state, steps, n_beats, duration_s, summary, outcome, giver, uid) "
            "VALUES (?, 'imported recording', ?, 'imported', ?, ?, 'completed', ?, ?, ?, ?, "
            f"?, ?, {NEW_UID})",
            (pid, s.device, s.started_at, s.ended_at, json.dumps(s.steps), len(s.beats),
             s.beats[-1].t if s.beats else 0.0, json.dumps(s.summary),
             s.summary.get("outcome"), s.giver))
        sid = int(cur.lastrowid or 0)
        c.executemany(rows.INSERT_BEAT, [rows.beat_values(sid, b) for b in s.beats])
        write_tried(c, sid, s.tried)
        insert_imported(c, sid, s.chest_breaths, s.chest_samples)
        ids.append(sid)
    return ids
