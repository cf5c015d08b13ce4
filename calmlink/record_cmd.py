"""`calmlink record`: a whole session into the store without the page, optionally a raw packet log."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import IO, Any

from calmlink.sensors.models import HeartRateSource
from calmlink.sessions.live import Controller
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
                 out: Path | None, speed: float = 1.0, echo: Any = print) -> int | None:
    """Run one session; stop when the routine ends or after ``minutes``. Returns the session id."""
    fh = out.open("w") if out is not None else None
    if fh is not None and hasattr(source, "on_packet"):
        source.on_packet = RawLog(fh)
    done = asyncio.Event()
    reached = asyncio.Event()  # the minutes asked for were recorded
    loop = asyncio.get_running_loop()

    def publish(message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "status":
            c = message["connection"]
            echo(f"strap: {c['state']}" + (f" ({c['reason']})" if c.get("reason") else ""))
            if c["state"] == "disconnected" and controller.session is not None:
                done.set()  # the recording or the source ended
        elif kind == "step" and message["session"] is not None:
            step = message["session"]["step"]
            echo(f"step {step['index'] + 1}: {step['name']}")
        elif kind == "session_end":
            done.set()
        elif (kind == "beat" and minutes is not None and message.get("session_id") is not None
              and message["t"] >= minutes * 60):
            reached.set()
            done.set()

    controller = Controller(store, publish, clock=lambda: loop.time() * speed,
                            default_profile=profile, source_kind="recorded")
    await controller.start_session(profile)
    await controller.attach(source)
    try:
        await done.wait()
        if controller.session is not None and reached.is_set():
            await controller.stop()
    finally:
        session_id = controller.session.id if controller.session else None
        if session_id is None and controller.last_summary is not None:
            session_id = controller.last_summary["session_id"]
        await controller.close()
        if fh is not None:
            fh.close()
    return session_id


def run_record(source: HeartRateSource, db: Path, *, profile: str, minutes: float | None,
               out: Path | None, speed: float = 1.0) -> int:
    store = Store(db)
    store.open()
    try:
        session_id = asyncio.run(record(source, store, profile=profile, minutes=minutes, out=out,
                                        speed=speed))
        row = next((r for r in store.list_sessions() if r.id == session_id), None)
    finally:
        store.close()
    if row is None or row.n_beats == 0:
        print("calmlink record: no beats were received.", file=sys.stderr)
        return 1
    print(f"session {row.id}: {row.n_beats} beats, {row.state}, stored in {db}")
    return 0
