"""`calmlink record`: a whole session into the store without the page, optionally a raw packet log."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import IO, Any

from calmlink.sensors.models import HeartRateSource
from calmlink.sessions.live import LiveSession
from calmlink.sessions.store import Store


class RawLog:
    """JSON lines of every notification as received: the input `calmlink serve --replay` takes."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh

    def __call__(self, arrival: float, payload: bytes | None) -> None:
        row: dict[str, Any] = {"t": round(arrival, 6)}
        if payload is None:
            row["event"] = "disconnected"
        else:
            row["hex"] = payload.hex()
        self._fh.write(json.dumps(row) + "\n")


async def record(source: HeartRateSource, store: Store, *, profile: str, minutes: float | None,
                 out: Path | None, echo: Any = print) -> int | None:
    """Run one session; stop when the routine ends or after ``minutes``. Returns the session id."""
    fh = out.open("w") if out is not None else None
    if fh is not None and hasattr(source, "on_packet"):
        source.on_packet = RawLog(fh)
    done = asyncio.Event()
    session: LiveSession

    def publish(message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "status":
            c = message["connection"]
            echo(f"strap: {c['state']}" + (f" ({c['reason']})" if c.get("reason") else ""))
        elif kind == "step" and message.get("step"):
            echo(f"step {message['step']['index'] + 1}: {message['step']['name']}")
        elif kind == "beat" and minutes is not None and message["t"] >= minutes * 60:
            done.set()
        if session.state.state == "completed":
            done.set()

    session = LiveSession(store, publish, profile=profile)
    runner = asyncio.create_task(session.run(source))
    waiter = asyncio.create_task(done.wait())
    try:
        await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if done.is_set():
            await session.complete()
    finally:
        await source.close()
        waiter.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        if fh is not None:
            fh.close()
    return session.state.session_id


def run_record(source: HeartRateSource, db: Path, *, profile: str, minutes: float | None,
               out: Path | None) -> int:
    store = Store(db)
    store.open()
    try:
        session_id = asyncio.run(record(source, store, profile=profile, minutes=minutes, out=out))
    finally:
        store.close()
    if session_id is None:
        print("calmlink record: no beats were received; nothing was stored.", file=sys.stderr)
        return 1
    rows = {r.id: r for r in store_rows(db)}
    row = rows.get(session_id)
    print(f"session {session_id}: {row.n_beats if row else 0} beats, {row.state if row else '?'}, "
          f"stored in {db}")
    return 0


def store_rows(db: Path) -> list[Any]:
    store = Store(db)
    store.open()
    try:
        return store.list_sessions()
    finally:
        store.close()
