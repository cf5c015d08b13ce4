"""Fan-out of live messages to viewers: numbered once, serialised once, never blocking the source.

Each message (a typed event from :mod:`calmlink.live.events`, encoded there) gets the next
``seq`` and is kept in a bounded history so a viewer that reconnects can
ask for everything after the last ``seq`` it saw. Each viewer has its own bounded queue; when a
viewer falls behind, its oldest messages are dropped (and it is told how many), so a slow phone
never stalls the strap, the store or the other viewers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque

from calmlink.live.events import Message, encode

CLOSE = "\x00close"
"""Put on a viewer's queue to end its feed (its device was revoked)."""


class Viewer:
    __slots__ = ("device", "dropped", "queue")

    def __init__(self, size: int, device: int | None = None) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=size)
        self.dropped = 0
        self.device = device

    def offer(self, text: str) -> None:
        while True:
            try:
                self.queue.put_nowait(text)
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()
                self.dropped += 1


class Hub:
    def __init__(self, history: int = 2000, queue_size: int = 256) -> None:
        self.epoch = uuid.uuid4().hex[:12]
        """Names this server run; a viewer seeing a new epoch starts from a fresh snapshot."""
        self._seq = 0
        self._history: deque[tuple[int, str]] = deque(maxlen=history)
        self._viewers: set[Viewer] = set()
        self._queue_size = queue_size

    @property
    def seq(self) -> int:
        return self._seq

    def publish(self, message: Message) -> str:
        self._seq += 1
        text = encode(message, self._seq)
        self._history.append((self._seq, text))
        for viewer in self._viewers:
            viewer.offer(text)
        return text

    def subscribe(self, since: int | None = None, device: int | None = None
                  ) -> tuple[Viewer, list[str]]:
        """A new viewer, plus what it missed after ``since`` (empty when history cannot cover it)."""
        viewer = Viewer(self._queue_size, device)
        missed: list[str] = []
        if since is not None and (
                since == 0 or (bool(self._history) and since >= self._history[0][0] - 1)):
            missed = [text for seq, text in self._history if seq > since]
        self._viewers.add(viewer)
        return viewer, missed

    def drop_viewer(self, device: int) -> None:
        """End the live feed of every connection of a revoked device."""
        for viewer in list(self._viewers):
            if viewer.device == device:
                viewer.offer(CLOSE)

    def unsubscribe(self, viewer: Viewer) -> None:
        self._viewers.discard(viewer)

    @property
    def viewer_count(self) -> int:
        return len(self._viewers)
