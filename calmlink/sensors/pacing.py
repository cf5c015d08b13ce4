"""Play timed packets in (accelerated) real time: the clock half of the simulator and replay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Protocol, TypeVar


class Timed(Protocol):
    @property
    def arrival(self) -> float: ...

    @property
    def payload(self) -> bytes | None: ...


P = TypeVar("P", bound=Timed)


async def paced(packets: Iterable[Timed], speed: float, closed: asyncio.Event
                ) -> AsyncIterator[tuple[float, bytes | None]]:
    """Yield ``(arrival, payload)`` when each packet is due, ``speed`` times faster than its own
    clock, counted from the first packet; stop as soon as ``closed`` is set."""
    async for packet in paced_packets(packets, speed, closed):
        yield packet.arrival, packet.payload


async def paced_packets(packets: Iterable[P], speed: float, closed: asyncio.Event) -> AsyncIterator[P]:
    """:func:`paced`, yielding each packet itself (for sources that send more than one kind)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    origin: float | None = None
    for packet in packets:
        if origin is None:
            origin = packet.arrival
        delay = started + (packet.arrival - origin) / speed - loop.time()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closed.wait(), delay)
        if closed.is_set():
            return
        yield packet
