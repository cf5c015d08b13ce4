"""The session's straps, by role: one heart-rate source each (the receiver always, the giver when
they wear one too), the task reading it, and its link as the page shows it.

Each role's source runs in its own task, so one strap dropping or reconnecting never stalls the
other. Connection changes (and skin contact lost or back) are published as status messages with
their role; samples go to the controller's per-beat pipeline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from calmlink.live.events import NO_STRAP, Connection, Message, StatusMessage
from calmlink.sensors.models import (
    ChestMotion,
    ChestStatus,
    ConnectionCause,
    ConnectionEvent,
    ConnectionState,
    HeartRateSample,
    HeartRateSource,
)
from calmlink.store.beat import Role

log = logging.getLogger(__name__)
DETACH_WAIT_S = 5.0
"""How long a closed source may take to say goodbye before its task is cancelled."""


class Straps:
    def __init__(self, publish: Callable[[Message], object],
                 on_sample: Callable[[Role, HeartRateSample], Awaitable[None]],
                 on_chest: Callable[[Role, ChestMotion | ChestStatus], Awaitable[None]] | None = None,
                 ) -> None:
        self._publish = publish
        self._on_sample = on_sample
        self._on_chest = on_chest
        """Where chest movement (and whether there is any) goes; None: nowhere yet."""
        self.connections: dict[Role, Connection] = {Role.RECEIVER: NO_STRAP}
        self._tasks: dict[Role, tuple[HeartRateSource, asyncio.Task[None]]] = {}
        self._role_of: dict[int, Role] = {}  # source id -> the role it serves now (swappable)

    @property
    def roles(self) -> list[Role]:
        """Roles with a source attached."""
        return list(self._tasks)

    def source(self, role: Role) -> HeartRateSource | None:
        found = self._tasks.get(role)
        return None if found is None else found[0]

    def attach(self, source: HeartRateSource, role: Role) -> None:
        """Start reading ``source`` for ``role`` (detach the old one first)."""
        self._role_of[id(source)] = role
        task = asyncio.create_task(self._consume(source), name=f"calmlink-{role}-source")
        self._tasks[role] = (source, task)

    def swap(self) -> None:
        """The receiver's strap becomes the giver's and the other way round, without reconnecting
        either (two people picked up each other's strap)."""
        receiver, giver = self._tasks.pop(Role.RECEIVER, None), self._tasks.pop(Role.GIVER, None)
        for role, found in ((Role.GIVER, receiver), (Role.RECEIVER, giver)):
            if found is not None:
                self._tasks[role] = found
                self._role_of[id(found[0])] = role
        old = dict(self.connections)
        for role, other in ((Role.RECEIVER, Role.GIVER), (Role.GIVER, Role.RECEIVER)):
            self.set(role, old.get(other, NO_STRAP))

    async def detach(self, role: Role) -> None:
        """Close ``role``'s source and wait for it to finish. A caller's own cancellation is never
        swallowed: only the source's task is cancelled if it outstays :data:`DETACH_WAIT_S`."""
        found = self._tasks.pop(role, None)
        if found is None:
            return
        source, task = found
        await source.close()
        try:
            done, _ = await asyncio.wait({task}, timeout=DETACH_WAIT_S)
            if not done:
                task.cancel()
                await asyncio.wait({task})
            elif not task.cancelled() and task.exception() is not None:
                log.error("source task failed", exc_info=task.exception())
        finally:  # its last words (the goodbye) still went to its own role
            self._role_of.pop(id(source), None)

    def set_down(self, role: Role, cause: ConnectionCause, reason: str) -> None:
        self.set(role, replace(self.connections.get(role, NO_STRAP),
                               state=ConnectionState.DISCONNECTED, cause=cause, reason=reason))

    def set(self, role: Role, connection: Connection) -> None:
        self.connections[role] = connection
        self._publish(StatusMessage(role, connection))

    def note_contact(self, role: Role, contact: bool | None) -> None:
        """Skin contact lost or back: said once on the status line, with its cause."""
        c = self.connections.get(role)
        if c is None or c.state is not ConnectionState.CONNECTED:
            return
        if contact is False and c.cause is not ConnectionCause.NO_CONTACT:
            self.set(role, replace(c, cause=ConnectionCause.NO_CONTACT,
                                   reason="no skin contact: wet the electrodes"))
        elif contact is not False and c.cause is ConnectionCause.NO_CONTACT:
            self.set(role, replace(c, cause=ConnectionCause.RECEIVING, reason="receiving heart rate"))

    async def _consume(self, source: HeartRateSource) -> None:
        def role() -> Role:
            return self._role_of[id(source)]

        try:
            async for event in source.events():
                if isinstance(event, ConnectionEvent):
                    self.set(role(), Connection.from_event(event, self.connections.get(role())))
                elif isinstance(event, HeartRateSample):
                    await self._on_sample(role(), event)
                elif self._on_chest is not None:
                    await self._on_chest(role(), event)
        except Exception as exc:
            log.exception("heart-rate source stopped")
            self.set_down(role(), ConnectionCause.SOURCE_FAILED, f"source failed: {exc}")
