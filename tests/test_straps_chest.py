"""The session's straps pass chest movement on (or ignore it) without it ever reaching the beats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from calmlink.live.straps import Straps
from calmlink.sensors.models import (
    ChestMotion,
    ChestStatus,
    ConnectionCause,
    ConnectionEvent,
    ConnectionState,
    HeartRateSample,
    SourceEvent,
)
from calmlink.store.beat import Role

MOTION = ChestMotion((1.0, 1.04), (0.0, 1.0), (1000.0, 999.0), (5.0, 6.0), 25.0)
STATUS = ChestStatus(True, "chest movement from the strap at 25 Hz", 25.0)
BEAT = HeartRateSample(1.0, 60.0, 1000.0)


class ChestStrap:
    name = "chest strap"

    async def events(self) -> AsyncIterator[SourceEvent]:
        yield ConnectionEvent(ConnectionState.CONNECTED, ConnectionCause.RECEIVING, "receiving")
        for event in (STATUS, MOTION, BEAT, MOTION):
            yield event

    async def close(self) -> None:
        return None


async def _run(on_chest: Any) -> list[Any]:
    beats: list[Any] = []

    async def on_sample(role: Role, sample: HeartRateSample) -> None:
        beats.append((role, sample))

    straps = Straps(lambda _m: None, on_sample, on_chest)
    straps.attach(ChestStrap(), Role.RECEIVER)
    await asyncio.sleep(0.05)
    await straps.detach(Role.RECEIVER)
    return beats


async def test_chest_events_go_to_on_chest_and_beats_to_on_sample() -> None:
    chest: list[Any] = []

    async def on_chest(role: Role, event: ChestMotion | ChestStatus) -> None:
        chest.append((role, event))

    assert await _run(on_chest) == [(Role.RECEIVER, BEAT)]
    assert chest == [(Role.RECEIVER, STATUS), (Role.RECEIVER, MOTION), (Role.RECEIVER, MOTION)]


async def test_without_a_chest_consumer_chest_events_are_ignored() -> None:
    assert await _run(None) == [(Role.RECEIVER, BEAT)]
