"""Fan-out: a viewer that stops reading is dropped within seconds and delays nobody else."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import websockets

from calmlink.api.hub import Hub
from calmlink.live.events import CommittedMessage

pytestmark = pytest.mark.usefixtures("no_blocking")


async def test_a_stalled_viewer_is_dropped_and_others_keep_their_pace(start_server: Any) -> None:
    # about ten beats a second; the app is built off this loop, as a real start-up does
    server = await asyncio.to_thread(start_server, autostart=True, speed=10.0)
    hub: Hub = server.app.state.hub
    ws_url = server.url.replace("http", "ws") + "/ws/live"
    gaps: list[float] = []

    async def healthy(stop: asyncio.Event) -> int:
        received = 0
        async with websockets.connect(ws_url, origin=server.url) as ws:
            last = time.monotonic()
            while not stop.is_set():
                await asyncio.wait_for(ws.recv(), 5)
                now = time.monotonic()
                if received > 3:
                    gaps.append(now - last)
                last, received = now, received + 1
        return received

    stalled = await websockets.connect(ws_url, origin=server.url, max_queue=1, ping_interval=None)
    try:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(healthy(stop)) for _ in range(3)]
        await asyncio.sleep(0.5)
        assert hub.viewer_count == 4
        t0 = time.monotonic()
        while hub.viewer_count > 3 and time.monotonic() - t0 < 10:
            await asyncio.sleep(0.1)
        dropped_after = time.monotonic() - t0
        await asyncio.sleep(1.0)
        stop.set()
        counts = await asyncio.gather(*tasks)
    finally:
        stalled.transport.abort()
    assert dropped_after < 8, f"the stalled viewer was still connected after {dropped_after:.1f} s"
    assert all(c > 30 for c in counts)
    assert max(gaps) < 1.0, f"a healthy viewer waited {max(gaps):.2f} s for a message"


def test_bounded_queue_drops_oldest() -> None:
    hub = Hub(queue_size=4)
    viewer, _ = hub.subscribe()
    for k in range(10):
        hub.publish(CommittedMessage(session_id=1, through=k))
    kept = [json.loads(viewer.queue.get_nowait())["through"] for _ in range(viewer.queue.qsize())]
    assert kept == [6, 7, 8, 9]
    assert viewer.dropped == 6
