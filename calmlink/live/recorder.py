"""A whole session into the store without the page (``calmlink record``), optionally with a raw
packet log of everything the strap sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from calmlink.live.controller import Controller
from calmlink.live.events import (
    BeatMessage,
    Message,
    SessionEndMessage,
    StatusMessage,
    StepMessage,
)
from calmlink.recordings.packet_log import PMD, PacketLogWriter
from calmlink.sensors.models import ConnectionState, HeartRateSource
from calmlink.store.beat import Role
from calmlink.store.store import Store


@dataclass(frozen=True, slots=True)
class Recorded:
    session_id: int
    n_beats: int
    state: str


async def record(source: HeartRateSource, store: Store, *, profile: str, minutes: float | None,
                 out: Path | None, speed: float = 1.0,
                 echo: Callable[[str], object] = print,
                 giver: HeartRateSource | None = None) -> Recorded:
    """Run one session; stop when the routine ends, the source ends, or after ``minutes``."""
    fh = out.open("w") if out is not None else None
    if fh is not None and hasattr(source, "on_packet"):
        source.on_packet = PacketLogWriter(fh)
    if fh is not None and hasattr(source, "on_chest_packet"):  # the chest's PMD frames, beside
        source.on_chest_packet = PacketLogWriter(fh, channel=PMD)
    done = asyncio.Event()
    reached = asyncio.Event()  # the minutes asked for were recorded
    loop = asyncio.get_running_loop()

    def publish(message: Message) -> None:
        if isinstance(message, StatusMessage):
            c = message.connection
            echo(f"{message.role} strap: {c.state}" + (f" ({c.reason})" if c.reason else ""))
            if c.state is ConnectionState.DISCONNECTED and controller.session is not None:
                done.set()  # the recording or the source ended
        elif isinstance(message, StepMessage) and message.session is not None:
            step = message.session.step
            echo(f"step {step.index + 1}: {step.name}")
        elif isinstance(message, SessionEndMessage):
            done.set()
        elif (isinstance(message, BeatMessage) and minutes is not None
              and message.session_id is not None and message.beat.t >= minutes * 60):
            reached.set()
            done.set()

    controller = Controller(store, publish, clock=lambda: loop.time() * speed,
                            default_profile=profile, source_kind="recorded")
    await controller.attach(source)
    if giver is not None:
        await controller.attach(giver, Role.GIVER)
    view = await controller.start_session(profile, giver="Giver" if giver is not None else None)
    try:
        await done.wait()
        if controller.session is not None and reached.is_set():
            await controller.stop()
    finally:
        await controller.close()
        if fh is not None:
            fh.close()
    row = await store.session(view.id)
    return Recorded(view.id, row["n_beats"] if row else 0, row["state"] if row else "missing")
