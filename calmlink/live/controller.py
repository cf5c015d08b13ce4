"""The live session: straps by role in, stamped and scored beats out to the feed and the store.

:class:`Controller` holds the session's straps by role (:class:`~calmlink.live.straps.Straps`:
the receiver always, the giver when they wear one too) and at most one active session. Per beat:
place it on the session's one clock, stamp the routine step, score it with that role's pure
per-beat path, hand it to the store's writer thread and publish it at once;
:class:`~calmlink.live.acks.CommitAcks` acknowledges it once it is committed. Routine timing
is the pure :class:`~calmlink.live.step_clock.StepClock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from dataclasses import replace

from calmlink.live.acks import CommitAcks
from calmlink.live.events import (
    NO_STRAP,
    BeatMessage,
    Connection,
    Message,
    SessionEndMessage,
    SessionView,
    Snapshot,
    StepMessage,
)
from calmlink.live.live_session import LiveSession, routine_view
from calmlink.live.routine import DEFAULT_ROUTINE, Routine
from calmlink.live.step_clock import StepClock
from calmlink.live.straps import Straps
from calmlink.review.partner import partner_summary
from calmlink.review.summary import SessionSummary, summarize
from calmlink.sensors.models import ConnectionCause, HeartRateSample, HeartRateSource
from calmlink.store.beat import Beat, Role
from calmlink.store.store import Store

log = logging.getLogger(__name__)
Publish = Callable[[Message], object]


class SessionError(RuntimeError):
    """A session command that does not fit the current state (e.g. 'next' with no session)."""


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
        self.session: LiveSession | None = None
        self.last_summary: SessionSummary | None = None
        self.latest_hr: dict[Role, float] = {}
        self.straps = Straps(publish, self._on_sample)
        self._ticker: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._acks = CommitAcks(publish)

    def now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    @property
    def connections(self) -> dict[Role, Connection]:
        return self.straps.connections

    @property
    def connection(self) -> Connection:
        """The receiver's strap."""
        return self.connections.get(Role.RECEIVER, NO_STRAP)

    # -- sources, by role -----------------------------------------------------------------------

    async def attach(self, source: HeartRateSource, role: Role = Role.RECEIVER) -> None:
        """Use ``source`` for ``role`` from now on (closing the one it had)."""
        await self.straps.detach(role)
        if self.session is not None and role in self.session.streams:
            self.session.streams[role].offset = None  # another strap's clock: re-anchor, with a gap
        self.straps.attach(source, role)
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick_forever(), name="calmlink-step-timer")

    async def detach(self, role: Role = Role.RECEIVER) -> None:
        await self.straps.detach(role)

    async def swap_roles(self) -> None:
        """Swap the two straps' roles (before a session: during one, each role's baseline is
        already its wearer's)."""
        async with self._lock:
            if self.session is not None:
                raise SessionError("swap the straps before the session starts, not during it")
            self.straps.swap()

    async def disconnect(self, role: Role = Role.RECEIVER) -> None:
        """The user disconnected the strap: close it and say so (no reconnect follows)."""
        await self.straps.detach(role)
        self.straps.set_down(role, ConnectionCause.USER_DISCONNECT, "disconnected by the user")

    # -- beats ----------------------------------------------------------------------------------

    async def _on_sample(self, role: Role, sample: HeartRateSample) -> None:
        async with self._lock:
            await self._advance_by_timer()
            self.latest_hr[role] = sample.hr_bpm
            self.straps.note_contact(role, sample.contact)
            s = self.session
            if s is None:
                self.publish(BeatMessage(None, Beat(
                    None, role, round(sample.t, 3), sample.rr_ms, sample.hr_bpm, False, False, None,
                    None, None, "no-contact" if sample.contact is False else "good",
                    contact=sample.contact)))
                return
            stream = s.stream(role)
            t, gap = s.place(stream, sample, self.now())
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
                                     round(s.clock.remaining(self.now()), 1), s.clock.paused,
                                     r.breathing_bpm,
                                     None if r.swing_bpm is None else round(r.swing_bpm, 1)))

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

    def _go_to(self, s: LiveSession, step: int) -> None:
        if s.clock.step == 0 and step > 0:
            # left the settle step early by hand: the baseline is what was collected so far. (On
            # the timer, the baseline ends by beat time instead, exactly as offline analysis does.)
            for stream in s.streams.values():
                stream.processor.gauge.finish_baseline()
        s.clock.go_to(step, self.now())
        self.publish(StepMessage(self.session_view()))

    async def start_session(self, profile: str | None = None, routine: str | None = None,
                            giver: str | None = None) -> SessionView:
        """Start a session for the receiver ``profile``; ``giver`` names the giver (partner mode:
        their sessions together are compared with each other, never with other couples)."""
        async with self._lock:
            if self.session is not None:
                raise SessionError("a session is already running: stop it first")
            chosen = self.routines.get(routine or DEFAULT_ROUTINE.name)
            if chosen is None:
                raise SessionError(f"no routine named {routine!r}")
            name = (profile or self.default_profile).strip()
            if not name:
                raise SessionError("the receiver's profile needs a name")
            giver_name = (giver or "").strip() or None
            session_id = await self.store.start_session(
                name, chosen.name, self.connection.device, self.source_kind,
                steps=[st.name for st in chosen.steps], giver=giver_name)
            now = self.now()
            s = LiveSession(session_id, name, chosen,
                            StepClock(tuple(st.duration_s for st in chosen.steps), now), now,
                            giver=giver_name)
            for role in self.straps.roles:
                s.stream(role)
            self.session = s
            self.last_summary = None
            view = s.view(self.now())
            self.publish(StepMessage(view))
            return view

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
            if s.clock.pause(self.now()):
                self.publish(StepMessage(s.view(self.now())))
            return s.view(self.now())

    async def resume(self) -> SessionView:
        async with self._lock:
            s = self._require()
            if s.clock.resume(self.now()):
                self.publish(StepMessage(s.view(self.now())))
            return s.view(self.now())

    async def stop(self) -> SessionSummary:
        async with self._lock:
            self._require()
            return await self._end("completed")

    async def _end(self, state: str) -> SessionSummary:
        s = self.session
        assert s is not None
        self.session = None
        names = [st.name for st in s.routine.steps]
        giver = s.giver or "Giver"
        partnered = any(b.role == Role.GIVER for b in s.beats)
        earlier = await self.store.couple_beats(s.profile, giver, before=s.id) if partnered else []

        def work() -> SessionSummary:  # numpy work: off the event loop
            mine = summarize(s.beats, names)
            return replace(mine, session_id=s.id, profile=s.profile, routine=s.routine.name,
                           state=state, partner=partner_summary(s.beats, names, giver, earlier,
                                                                receiver_steps=mine.steps))

        summary = await asyncio.to_thread(work)
        self.last_summary = summary
        await self.store.finish_session(s.id, state, summary.to_dict(),
                                        giver=giver if summary.partner is not None else None)
        self.publish(SessionEndMessage(summary))
        return summary

    async def close(self) -> None:
        """Shut down: an active session is left 'interrupted' (the server is stopping)."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for role in self.straps.roles:
            await self.straps.detach(role)
        async with self._lock:
            if self.session is not None:
                await self._end("interrupted")

    # -- views ----------------------------------------------------------------------------------

    def session_view(self) -> SessionView | None:
        return None if self.session is None else self.session.view(self.now())

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
