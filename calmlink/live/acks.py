"""Acknowledging committed beats: one ``committed`` message per commit, not one per beat.

The store's writer thread resolves each beat's future once its transaction is committed, in the
order beats were submitted. Callbacks arrive on the writer thread; they are handed to the event loop,
and every acknowledgement that lands before the loop runs the flush is folded into one message that
names the highest beat committed. A failed write is announced at once, with its beat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future

from calmlink.live.events import CommittedMessage, Message, StoreErrorMessage

log = logging.getLogger(__name__)


class CommitAcks:
    def __init__(self, publish: Callable[[Message], object]) -> None:
        self._publish = publish
        self._pending: tuple[int, int] | None = None  # (session, highest committed beat_seq)

    def track(self, future: Future[None], session_id: int, beat_seq: int) -> None:
        """Acknowledge ``beat_seq`` once ``future`` (from the writer thread) resolves."""
        loop = asyncio.get_running_loop()

        def done(f: Future[None]) -> None:
            loop.call_soon_threadsafe(self.committed, session_id, beat_seq, f.exception())

        future.add_done_callback(done)

    def committed(self, session_id: int, beat_seq: int, error: BaseException | None) -> None:
        """On the event loop: fold this commit into the next ``committed`` message."""
        if error is not None:
            log.error("a beat could not be stored: %s", error)
            self._publish(StoreErrorMessage(session_id, beat_seq, f"could not save a beat: {error}"))
            return
        first = self._pending is None
        if self._pending is None or self._pending[0] != session_id or self._pending[1] < beat_seq:
            self._pending = (session_id, beat_seq)
        if first:
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        if self._pending is not None:
            session_id, through = self._pending
            self._pending = None
            self._publish(CommittedMessage(session_id, through))
