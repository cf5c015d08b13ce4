"""The live session: sources by role in, stamped and scored beats out to the feed and the store.

:class:`Controller` holds one heart-rate source per role (the receiver always, the giver when they
wear a strap too) and at most one active session. Per beat: place it on the session's one clock,
stamp the routine step, score it with that role's pure per-beat path, hand it to the store's writer
thread and publish it at once; :class:`~calmlink.sessions.acks.CommitAcks` acknowledges it once it
is committed. Routine timing is the pure :class:`~calmlink.sessions.step_clock.StepClock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from calmlink.sensors.models import (
    ConnectionCause,
    ConnectionEvent,
    ConnectionState,
    HeartRateSample,
    HeartRateSource,
)
from calmlink.sessions.acks import CommitAcks
from calmlink.sessions.beat import Beat, Role
from calmlink.sessions.events import (
    NO_STRAP,
    BeatMessage,
    Connection,
    Message,
    RoutineView,
    SessionEndMessage,
    SessionView,
    Snapshot,
    StatusMessage,
    StepMessage,
    StepState,
)
from calmlink.sessions.routine import DEFAULT_ROUTINE, Routine
from calmlink.sessions.step_clock import StepClock
from calmlink.sessions.store import Store
from calmlink.sessions.summary import SessionSummary, summarize
from calmlink.signal.gauge import GaugeConfig
from calmlink.signal.per_beat import LiveProcessor

log = logging.getLogger(__name__)
Publish = Callable[[Message], object]
DETACH_WAIT_S = 5.0
"""How long a closed source may take to say goodbye before its task is cancelled."""


class SessionError(RuntimeError):
    """A session command that does not fit the current state (e.g. 'next' with no session)."""


@dataclass
class _Slot:
    """One role's strap: the source, the task reading it, and its link as the page shows it."""

    source: HeartRateSource
    task: asyncio.Task[None] | None = None


@dataclass
class _Stream:
    """One role's beats within a session: its per-beat path and where its clock sits."""

    processor: LiveProcessor
    offset: float | None = None
    """Source time minus session time; None until this stream's first beat (or a new strap)."""
    last_t: float = 0.0
    baseline_started: bool = False


@dataclass
class _Session:
    id: int
    profile: str
    routine: Routine
    clock: StepClock
    started: float
    streams: dict[Role, _Stream] = field(default_factory=dict)
    anchor: float | None = None
    """Controller clock at session time 0 (set by the session's first beat)."""
    n_beats: int = 0
    beats: list[Beat] = field(default_factory=list)


def routine_view(routine: Routine) -> RoutineView:
    return RoutineView(routine.name, routine.duration_s, routine.steps)


class Controller:
    def __init__(self, store: Store, publish: Publish, *, routines: dict[str, Routine] | None = None,
                 clock: Callable[[], float] | None = None, default_profile: str = "Receiver",
                 source_kind: str = "live", clock_rate: float = 1.0) -> None:
        self.store = store
        self.publish = publish
        self.routines = routines or {DEFAULT_ROUTINE.name: DEFAULT_ROUTINE}
        self._clock = clock
        self.default_profile = default_profile
        self.source_kind = source_kind
        self.clock_rate = clock_rate
        """Session-clock seconds per wall-clock second (a demo may run faster), for page timers."""
        self.connections: dict[Role, Connection] = {Role.RECEIVER: NO_STRAP}
        self.session: _Session | None = None
        self.last_summary: SessionSummary | None = None
        self.latest_hr: dict[Role, float] = {}
        self._slots: dict[Role, _Slot] = {}
        self._ticker: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._acks = CommitAcks(publish)

    def now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    @property
    def connection(self) -> Connection:
        """The receiver's strap."""
        return self.connections.get(Role.RECEIVER, NO_STRAP)

    def source(self, role: Role = Role.RECEIVER) -> HeartRateSource | None:
        slot = self._slots.get(role)
        return slot.source if slot is not None else None

    # -- sources, by role -----------------------------------------------------------------------

    async def attach(self, source: HeartRateSource, role: Role = Role.RECEIVER) -> None:
        """Use ``source`` for ``role`` from now on (closing the one it had)."""
        await self.detach(role)
        if self.session is not None and role in self.session.streams:
            self.session.streams[role].offset = None  # another strap's clock: re-anchor, with a gap
        slot = _Slot(source)
        self._slots[role] = slot
        slot.task = asyncio.create_task(self._consume(role, source), name=f"calmlink-{role}-source")
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick_forever(), name="calmlink-step-timer")

    async def detach(self, role: Role = Role.RECEIVER) -> None:
        """Close ``role``'s source and wait for it to finish. A caller's own cancellation is never
        swallowed: only the source's task is cancelled if it outstays :data:`DETACH_WAIT_S`."""
        slot = self._slots.pop(role, None)
        if slot is None:
            return
        await slot.source.close()
        task = slot.task
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=DETACH_WAIT_S)
        if not done:
            task.cancel()
            await asyncio.wait({task})
        elif not task.cancelled() and task.exception() is not None:
            log.error("source task failed", exc_info=task.exception())

    async def disconnect(self, role: Role = Role.RECEIVER) -> None:
        """The user disconnected the strap: close it and say so (no reconnect follows)."""
        await self.detach(role)
        self._set_connection(role, replace(
            self.connections.get(role, NO_STRAP), state=ConnectionState.DISCONNECTED,
            cause=ConnectionCause.USER_DISCONNECT, reason="disconnected by the user"))

    async def _consume(self, role: Role, source: HeartRateSource) -> None:
        try:
            async for event in source.events():
                if isinstance(event, ConnectionEvent):
                    self._set_connection(role, Connection.from_event(event, self.connections.get(role)))
                else:
                    await self._on_sample(role, event)
        except Exception as exc:
            log.exception("heart-rate source stopped")
            self._set_connection(role, replace(
                self.connections.get(role, NO_STRAP), state=ConnectionState.DISCONNECTED,
                cause=ConnectionCause.SOURCE_FAILED, reason=f"source failed: {exc}"))

    def _set_connection(self, role: Role, connection: Connection) -> None:
        self.connections[role] = connection
        self.publish(StatusMessage(role, connection))

    def _note_contact(self, role: Role, contact: bool | None) -> None:
        """Skin contact lost or back: said once on the status line, with its cause."""
        c = self.connections.get(role)
        if c is None or c.state is not ConnectionState.CONNECTED:
            return
        if contact is False and c.cause is not ConnectionCause.NO_CONTACT:
            self._set_connection(role, replace(c, cause=ConnectionCause.NO_CONTACT,
                                               reason="no skin contact: wet the electrodes"))
        elif contact is not False and c.cause is ConnectionCause.NO_CONTACT:
            self._set_connection(role, replace(c, cause=ConnectionCause.RECEIVING,
                                               reason="receiving heart rate"))

    # -- beats ----------------------------------------------------------------------------------

    async def _on_sample(self, role: Role, sample: HeartRateSample) -> None:
        async with self._lock:
            await self._advance_by_timer()
            self.latest_hr[role] = sample.hr_bpm
            self._note_contact(role, sample.contact)
            s = self.session
            if s is None:
                self.publish(BeatMessage(None, Beat(
                    None, role, round(sample.t, 3), sample.rr_ms, sample.hr_bpm, False, False, None,
                    None, None, "no-contact" if sample.contact is False else "good",
                    contact=sample.contact)))
                return
            stream = s.streams.get(role)
            if stream is None:
                stream = s.streams[role] = self._new_stream(s)
            t, gap = self._session_time(s, stream, sample)
            if not stream.baseline_started:
                stream.processor.start_baseline(t)
                stream.baseline_started = True
            r = stream.processor.push(t, sample.hr_bpm, sample.rr_ms, contact=sample.contact,
                                      gap_before=gap)
            beat = Beat(
                beat_seq=s.n_beats, role=role, t=round(t, 4), rr_ms=sample.rr_ms,
                hr_bpm=round(sample.hr_bpm, 2), artifact=r.artifact, gap_before=gap,
                step=s.clock.step, gauge=r.gauge, trend=r.trend, quality=r.quality, reason=r.reason,
                rmssd_ms=None if r.rmssd_ms is None else round(r.rmssd_ms, 2),
                contact=sample.contact)
            self._acks.track(self.store.submit_beat(s.id, beat), s.id, s.n_beats)
            s.n_beats += 1
            s.beats.append(beat)
            self.publish(BeatMessage(s.id, beat, r.resp_rate_bpm,
                                     round(s.clock.remaining(self.now()), 1), s.clock.paused))

    def _session_time(self, s: _Session, stream: _Stream, sample: HeartRateSample
                      ) -> tuple[float, bool]:
        """Place a sample on the session's one clock. The session's first beat is time 0; a role
        that joins later, or a new strap, is anchored by its packet's arrival on the controller's
        clock and starts after a gap."""
        gap = sample.gap_before
        if stream.offset is None:
            now = self.now()
            if s.anchor is None:
                s.anchor = now - (sample.arrival - sample.t)
                stream.offset = sample.t
            else:
                stream.offset = min(sample.arrival - (now - s.anchor), sample.t - stream.last_t)
                gap = True
        t = sample.t - stream.offset
        stream.last_t = t
        return t, gap

    # -- the routine ----------------------------------------------------------------------------

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            async with self._lock:
                await self._advance_by_timer()

    async def _advance_by_timer(self) -> None:
        s = self.session
        if s is None:
            return
        entered = s.clock.due(self.now())
        if entered is None:
            await self._end("completed")
        elif entered:
            self.publish(StepMessage(self.session_view()))

    def _go_to(self, s: _Session, step: int) -> None:
        if s.clock.step == 0 and step > 0:
            # left the settle step early by hand: the baseline is what was collected so far. (On
            # the timer, the baseline ends by beat time instead, exactly as offline analysis does.)
            for stream in s.streams.values():
                stream.processor.gauge.finish_baseline()
        s.clock.go_to(step, self.now())
        self.publish(StepMessage(self.session_view()))

    def _new_stream(self, s: _Session) -> _Stream:
        return _Stream(LiveProcessor(GaugeConfig(baseline_s=s.routine.steps[0].duration_s)))

    async def start_session(self, profile: str | None = None, routine: str | None = None
                            ) -> SessionView:
        async with self._lock:
            if self.session is not None:
                raise SessionError("a session is already running: stop it first")
            chosen = self.routines.get(routine or DEFAULT_ROUTINE.name)
            if chosen is None:
                raise SessionError(f"no routine named {routine!r}")
            name = (profile or self.default_profile).strip()
            if not name:
                raise SessionError("the receiver's profile needs a name")
            session_id = await self.store.start_session(
                name, chosen.name, self.connection.device, self.source_kind,
                steps=[st.name for st in chosen.steps])
            now = self.now()
            s = _Session(session_id, name, chosen,
                         StepClock(tuple(st.duration_s for st in chosen.steps), now), now)
            for role in self._slots:
                s.streams[role] = self._new_stream(s)
            self.session = s
            self.last_summary = None
            view = self._view(s)
            self.publish(StepMessage(view))
            return view

    def _require(self) -> _Session:
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
            return self._view(s)

    async def previous_step(self) -> SessionView:
        async with self._lock:
            s = self._require()
            self._go_to(s, max(s.clock.step - 1, 0))
            return self._view(s)

    async def pause(self) -> SessionView:
        async with self._lock:
            s = self._require()
            if s.clock.pause(self.now()):
                self.publish(StepMessage(self._view(s)))
            return self._view(s)

    async def resume(self) -> SessionView:
        async with self._lock:
            s = self._require()
            if s.clock.resume(self.now()):
                self.publish(StepMessage(self._view(s)))
            return self._view(s)

    async def stop(self) -> SessionSummary:
        async with self._lock:
            self._require()
            return await self._end("completed")

    async def _end(self, state: str) -> SessionSummary:
        s = self.session
        assert s is not None
        self.session = None
        summary = replace(summarize(s.beats, [st.name for st in s.routine.steps]),
                          session_id=s.id, profile=s.profile, routine=s.routine.name, state=state)
        self.last_summary = summary
        await self.store.finish_session(s.id, state, summary.to_dict())
        self.publish(SessionEndMessage(summary))
        return summary

    async def close(self) -> None:
        """Shut down: an active session is left 'interrupted' (the server is stopping)."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for role in list(self._slots):
            await self.detach(role)
        async with self._lock:
            if self.session is not None:
                await self._end("interrupted")

    # -- views ----------------------------------------------------------------------------------

    def _view(self, s: _Session) -> SessionView:
        now = self.now()
        step = s.routine.steps[s.clock.step]
        receiver = s.streams.get(Role.RECEIVER)
        return SessionView(
            id=s.id, profile=s.profile, state="paused" if s.clock.paused else "active",
            routine=routine_view(s.routine),
            step=StepState(s.clock.step, step.name, step.cue, step.duration_s,
                           round(s.clock.remaining(now), 1)),
            elapsed_s=round(now - s.started, 1), n_beats=s.n_beats,
            calibrating=receiver is None or receiver.processor.baseline is None,
            roles=tuple(str(r) for r in s.streams))

    def session_view(self) -> SessionView | None:
        return None if self.session is None else self._view(self.session)

    def snapshot(self, *, epoch: str, resumed: bool = False, lan: bool = False,
                 local: bool = True) -> Snapshot:
        hr = self.latest_hr.get(Role.RECEIVER)
        return Snapshot(
            epoch=epoch, resumed=resumed, connection=self.connection,
            connections={str(role): c for role, c in self.connections.items()},
            session=self.session_view(), last_summary=self.last_summary,
            routines=tuple(routine_view(r) for r in self.routines.values()),
            clock_rate=self.clock_rate,
            latest_hr=None if hr is None or math.isnan(hr) else hr, lan=lan, local=local)
