"""The chest strap's breaths (and, when a setting asks, its raw accelerometer) per session.

The store keeps what it is given: breaths are found by calmlink.signal.chest on the live path (or
an imported ACC file); here they are rows. Raw samples are kept a frame per row, as little-endian
float32 columns (time from the row's ``t0`` in s, X, Y, Z in mG): 16 bytes a sample, about 1.4 MB
for ten minutes at 25 Hz.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from calmlink.store.db import Database

SAMPLES_A_ROW = 1500
"""Raw samples imported from a file are kept a minute a row at 25 Hz (live: a frame a row)."""
BREATH_FIELDS = ("role", "t", "duration_s", "depth_mg", "depth", "deep")


@dataclass(frozen=True, slots=True)
class StoredBreath:
    """One breath read from the chest: when it began (s on the session's beat clock), how long it
    took, its depth in mG and against the settle step's median breath, and whether it was deep."""

    role: str
    t: float
    duration_s: float
    depth_mg: float
    depth: float | None
    deep: bool

    def as_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in BREATH_FIELDS}


def _breath(r: sqlite3.Row) -> StoredBreath:
    return StoredBreath(str(r["role"]), float(r["t"]), float(r["duration_s"]), float(r["depth_mg"]),
                        None if r["depth"] is None else float(r["depth"]), bool(r["deep"]))


def insert_breaths(c: sqlite3.Connection, session_id: int, breaths: list[StoredBreath]) -> None:
    c.executemany(
        "INSERT OR REPLACE INTO chest_breaths(session_id, role, t, duration_s, depth_mg, depth, deep)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(session_id, b.role, b.t, b.duration_s, b.depth_mg, b.depth, int(b.deep)) for b in breaths])


def pack_samples(times_s: NDArray[np.float64], xyz_mg: NDArray[Any]) -> tuple[float, bytes]:
    """(t0, the blob) for samples at ``times_s``."""
    times = np.asarray(times_s, dtype=np.float64)
    t0 = float(times[0])
    table = np.column_stack([times - t0, np.asarray(xyz_mg, dtype=np.float64).reshape(-1, 3)])
    return t0, table.astype("<f4").tobytes()


def unpack_samples(t0: float, blob: bytes) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    table = np.frombuffer(blob, dtype="<f4").reshape(-1, 4).astype(np.float64)
    return t0 + table[:, 0], table[:, 1:]


def insert_samples(c: sqlite3.Connection, session_id: int, role: str, rate_hz: float,
                   times_s: NDArray[np.float64], xyz_mg: NDArray[Any]) -> None:
    t0, blob = pack_samples(times_s, xyz_mg)
    c.execute("INSERT OR REPLACE INTO chest_samples(session_id, role, t0, rate_hz, samples) "
              "VALUES (?, ?, ?, ?, ?)", (session_id, role, t0, rate_hz, blob))


def insert_imported(c: sqlite3.Connection, session_id: int, breaths: list[StoredBreath],
                    samples: tuple[float, NDArray[np.float64], NDArray[np.float64]] | None) -> None:
    """An imported session's receiver's chest: its breaths, and its raw samples when kept."""
    insert_breaths(c, session_id, breaths)
    if samples is not None:
        rate, times, xyz = samples
        for k in range(0, times.size, SAMPLES_A_ROW):
            insert_samples(c, session_id, "receiver", rate, times[k:k + SAMPLES_A_ROW],
                           xyz[k:k + SAMPLES_A_ROW])


class ChestStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def submit_breaths(self, session_id: int, breaths: list[StoredBreath]) -> Future[None]:
        """Queue breaths for the writer thread (never blocks the caller)."""
        return self.db.submit(lambda c: insert_breaths(c, session_id, breaths))

    def submit_samples(self, session_id: int, role: str, rate_hz: float,
                       times_s: NDArray[np.float64], xyz_mg: NDArray[Any]) -> Future[None]:
        """Queue one frame of raw samples (kept only when the keep_chest_raw setting asks)."""
        times, xyz = np.array(times_s, dtype=np.float64), np.array(xyz_mg, dtype=np.float64)
        return self.db.submit(lambda c: insert_samples(c, session_id, role, rate_hz, times, xyz))

    async def breaths(self, session_id: int) -> list[StoredBreath]:
        """The session's chest breaths, by role then time."""
        def fn(c: sqlite3.Connection) -> list[StoredBreath]:
            return [_breath(r) for r in c.execute(
                "SELECT * FROM chest_breaths WHERE session_id=? ORDER BY role DESC, t", (session_id,))]
        return await self.db.read(fn)

    async def samples(self, session_id: int, role: str
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64], float] | None:
        """The raw samples kept for ``role`` (times on the session clock, XYZ in mG, the rate), or
        None when none were kept."""
        return await self.db.read(lambda c: read_samples(c, session_id, role))


def chest_breaths(c: sqlite3.Connection, session_id: int) -> list[dict[str, Any]]:
    """The session's chest breaths as its JSON lists them (the API, the export)."""
    return [_breath(r).as_json() for r in c.execute(
        "SELECT * FROM chest_breaths WHERE session_id=? ORDER BY role DESC, t", (session_id,))]


def read_samples(c: sqlite3.Connection, session_id: int, role: str
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64], float] | None:
    rows = c.execute("SELECT t0, rate_hz, samples FROM chest_samples WHERE session_id=? AND role=? "
                     "ORDER BY t0", (session_id, role)).fetchall()
    if not rows:
        return None
    parts = [unpack_samples(float(r["t0"]), bytes(r["samples"])) for r in rows]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            float(rows[0]["rate_hz"]))
