"""The routine's commands on a running session: next, back, pause, resume and the breathing pace,
with the pacer and the simulated straps following each (mixed into
:class:`calmlink.live.controller.Controller`, which holds the session, the lock and the straps)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from calmlink.live.breathing import guide
from calmlink.live.events import Message, SessionView, StepMessage
from calmlink.live.live_session import LiveSession
from calmlink.live.straps import Straps
from calmlink.review.summary import SessionSummary


class SessionError(RuntimeError):
    """A session command that does not fit the current state (e.g. 'next' with no session)."""


class StepCommands:
    session: LiveSession | None
    straps: Straps
    publish: Callable[[Message], object]
    _lock: asyncio.Lock

    def now(self) -> float:
        raise NotImplementedError

    def session_view(self) -> SessionView | None:
        raise NotImplementedError

    async def _end(self, state: str, stopped: bool = False) -> SessionSummary:
        raise NotImplementedError

    def _tick(self, s: LiveSession, until: float) -> None:
        s.breathing.tick(until, s.anchor, list(s.streams))

    def _enter(self, s: LiveSession, step: int, at: float) -> None:
        """The pacer follows the step (a breathe step starts its first breath), and so do the
        simulated people."""
        s.breathing.enter(step, at)
        if step > 0:  # the settle step is over: the chest's breaths so far are its reference
            s.chest.settled()
        if s.clock.paused:
            s.breathing.pacer.pause()
        self._guide(s)

    def _guide(self, s: LiveSession | None) -> None:
        """Tell each strap that can follow a pacer (the simulated one) the schedule, on its own
        clock; None: the session is over."""
        sources = {role: (source, s.streams[role].offset if s and role in s.streams else None)
                   for role in self.straps.roles if (source := self.straps.source(role))}
        guide(sources, s.breathing.pacer if s else None, s.anchor if s else None)

    def _go_to(self, s: LiveSession, step: int) -> None:
        if s.clock.step == 0 and step > 0:
            # left the settle step early by hand: the baseline is what was collected so far. (On
            # the timer, the baseline ends by beat time instead, exactly as offline analysis does.)
            for stream in s.streams.values():
                stream.processor.gauge.finish_baseline()
        now = self.now()
        self._tick(s, now)
        s.clock.go_to(step, now)
        self._enter(s, step, now)
        self.publish(StepMessage(self.session_view()))

    def _require(self) -> LiveSession:
        if self.session is None:
            raise SessionError("no session is running")
        return self.session

    async def next_step(self) -> SessionView | SessionSummary:
        """The next step's view, or the summary when that was the last step."""
        async with self._lock:
            s = self._require()
            if s.clock.last_step:
                return await self._end("completed")
            self._go_to(s, s.clock.step + 1)
            return s.view(self.now())

    async def previous_step(self) -> SessionView:
        async with self._lock:
            s = self._require()
            self._go_to(s, max(s.clock.step - 1, 0))
            return s.view(self.now())

    async def pause(self) -> SessionView:
        async with self._lock:
            s = self._require()
            self._tick(s, self.now())
            if s.clock.pause(self.now()):
                s.breathing.pacer.pause()
                self._guide(s)
                self.publish(StepMessage(s.view(self.now())))
            return s.view(self.now())

    async def resume(self) -> SessionView:
        async with self._lock:
            s = self._require()
            if s.clock.resume(self.now()):
                s.breathing.pacer.resume(self.now())
                self._guide(s)
                self.publish(StepMessage(s.view(self.now())))
            return s.view(self.now())

    async def set_pace(self, breaths_per_min: float, step: int | None = None) -> SessionView:
        """The pace of a breathe step: ``step``, else the one running now, else the next one. The
        pacer on every device follows at once; the breath in progress keeps its place."""
        async with self._lock:
            s = self._require()
            now, paces = self.now(), s.breathing.paces
            if step is None:
                step = next((k for k in range(s.clock.step, len(paces)) if paces[k] is not None),
                            None)
            if step is None or not 0 <= step < len(paces) or paces[step] is None:
                raise SessionError("no breathe step to set a pace for")
            self._tick(s, now)
            s.breathing.set_pace(step, breaths_per_min, s.clock.step, now)
            self._guide(s)
            self.publish(StepMessage(s.view(now)))
            return s.view(now)
