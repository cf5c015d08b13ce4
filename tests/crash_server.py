"""A real calmlink process for the crash test: a fast simulated session whose live-feed messages
(beats, and the ``committed`` acknowledgements) are appended and flushed to a log as a viewer
would receive them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from calmlink.api.hub import Hub
from calmlink.live.controller import Controller
from calmlink.live.events import Message
from calmlink.sensors.simulator import SimulatedStrap
from calmlink.store.store import Store


async def main(db: Path, log: Path) -> None:
    store = Store(db)
    await asyncio.to_thread(store.open)
    hub = Hub()
    fh = log.open("a")

    def publish(message: Message) -> None:
        text = hub.publish(message)  # exactly what a viewer receives
        fh.write(text + "\n")
        fh.flush()
        os.fsync(fh.fileno())

    loop = asyncio.get_running_loop()
    controller = Controller(store, publish, clock=lambda: loop.time() * 50)
    await controller.attach(SimulatedStrap(speed=50.0))
    await controller.start_session("Crash test")
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
