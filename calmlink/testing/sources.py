"""A scripted strap: a HeartRateSource whose packets a test or benchmark sends by hand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from calmlink.sensors.beats import PacketDecoder
from calmlink.sensors.models import ConnectionCause, ConnectionEvent, ConnectionState, SourceEvent


class ScriptedStrap:
    """``send(payload)`` from any thread; the bytes go through the same decoder as a strap's."""

    def __init__(self, name: str = "scripted strap") -> None:
        self._name = name
        self._queue: asyncio.Queue[tuple[float, bytes | None] | None] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.ready = asyncio.Event()

    @property
    def name(self) -> str:
        return self._name

    def send(self, payload: bytes | None, arrival: float | None = None) -> None:
        """Thread-safe; ``arrival`` on the strap's clock (default: the loop's)."""
        if self._loop is None:
            raise RuntimeError("the source is not running yet")
        loop = self._loop

        def put() -> None:
            self._queue.put_nowait((arrival if arrival is not None else loop.time(), payload))

        loop.call_soon_threadsafe(put)

    async def events(self) -> AsyncIterator[SourceEvent]:
        self._loop = asyncio.get_running_loop()
        self.ready.set()
        yield ConnectionEvent(ConnectionState.CONNECTED, ConnectionCause.RECEIVING, "scripted",
                              device_name=self._name)
        decoder = PacketDecoder()
        while (item := await self._queue.get()) is not None:
            for sample in decoder.decode(*item):
                yield sample
        yield ConnectionEvent(ConnectionState.DISCONNECTED, ConnectionCause.USER_DISCONNECT,
                              "stopped by the user", device_name=self._name)

    async def close(self) -> None:
        self._queue.put_nowait(None)
