"""The live session: straps by role in, stamped and scored beats out to the feed and the store.

:class:`Controller` holds the session's straps by role (:class:`~calmlink.live.straps.Straps`:
the receiver always, the giver when they wear one too) and at most one active session. Per beat:
place it on the session's one clock, stamp the routine step, score it with that role's pure
per-beat path, hand it to the store's writer thread and publish it at once; it is acknowledged
once committed (:mod:`calmlink.live.acks`). Timing is the pure :mod:`calmlink.live.step_clock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from calmlink.live.acks import CommitAcks
from calmlink.live.chest import keep
from calmlink.live.chest_events import ChestStatusMessage
from calmlink.live.commands import SessionError, StepCommands
from calmlink.live.events import (
    NO_STRAP,
    BeatMessage,
    Connection,
    Message,
    SessionEndMessage,
    SessionView,
    Snapshot,
    StepMessage,
    TriedMessage,
)
from calmlink.live.finish import begin, finish
from calmlink.live.live_session import LiveSession
from calmlink.live.routine import DEFAULT_ROUTINE
from calmlink.live.routine_library import RoutineLibrary
from calmlink.live.snapshot import END_VIEW_KEPT_S, end_kept_s, snapshot_of
from calmlink.live.straps import Straps
from calmlink.review.summary import SessionSummary
from calmlink.sensors.models import (
    ChestMotion,
    ChestStatus,
    ConnectionCause,
    HeartRateSample,
    HeartRateSource,
)
from calmlink.store.beat import Beat, Role
from calmlink.store.store import Store
from calmlink.store.tried import Tried

__all__ = ["END_VIEW_KEPT_S", "NO_STRAP_TO_START", "Controller", "SessionError"]
log = logging.getLogger(__name__)
Publish = Callable[[Message], object]
NO_STRAP_TO_START = ("no strap is connected: connect one first, or start the routine without "
                     "readings")


class Controller(StepCommands):
    def __init__(self, store: Store, publish: Publish, *, routines: RoutineLibrary | None = None,
                 clock: Callable[[], float] | None = None, default_profile: str = "Receiver",
                 source_kind: str = "live", clock_rate: float = 1.0,
                 keep_chest_raw: bool = False) -> None:
        self.store = store
        self.publish = publish
        self.routines = routines or RoutineLibrary(None)
        """The routines on offer; its lock holds a routine still while a session starts on it."""
        self._clock = clock
        self.default_profile = default_profile
        self.source_kind = source_kind
        self.clock_rate = clock_rate
        """Session-clock seconds per wall-clock second (a demo may run faster), for page timers."""
        self.session: LiveSession | None = None
        self.last_summary: SessionSummary | None = None
        self.last_ended_at: float | None = None
        """When the last session ended, on the session clock (:meth:`now`)."""
        self.latest_hr: dict[Role, float] = {}
        self.straps = Straps(publish, self._on_sample, self._on_chest)
        self.keep_chest_raw = keep_chest_raw  # keep each chest frame's raw samples (the setting)
        self.chest_status: dict[Role, ChestStatusMessage] = {}
        self._ticker: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._changing_strap = asyncio.Lock()
        """Held while one strap replaces another: a start waits for it, never sees neither."""
        self._acks = CommitAcks(publish)
        self.start_after_care = False
        """The demo: the page starts its session once the care points have been read."""

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
        async with self._changing_strap:
            await self.straps.detach(role)
            self.chest_status.pop(role, None)  # the new strap says its own
            if self.session is not None and role in self.session.streams:
                self.session.streams[role].offset = None  # another strap's clock: re-anchor
            self.straps.attach(source, role)
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick_forever(), name="calmlink-step-timer")

    async def detach(self, role: Role = Role.RECEIVER) -> None:
        await self.straps.detach(role)

    async def swap_roles(self) -> None:
        """Swap the straps' roles (before a session: during one, each baseline is its wearer's)."""
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
            first = stream.offset is None
            t, gap = s.place(stream, sample, self.now())
            if first:  # a strap's first beat places its clock: it can follow the pacer now
                self._guide(s)
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
                                     None if r.swing_bpm is None else round(r.swing_bpm, 1),
                                     s.chest.heart_deep_breath(role, t, r.deep_breath)))
            if s.breathing.due(role, t):  # once a breath: the breath just ended, read
                s.breathing.read(role, t, s.beats, s.id, self.publish,
                                 s.chest.follower(role, t, s.breathing.pacer, s.anchor))

    async def _on_chest(self, role: Role, event: ChestMotion | ChestStatus) -> None:
        """Chest movement read in the session (live.chest); whether there is any, once a change."""
        if isinstance(event, ChestStatus):
            status = ChestStatusMessage(str(role), event.available, event.reason, event.rate_hz)
            if self.chest_status.get(role) != status:
                self.chest_status[role] = status
                self.publish(status)
            return
        async with self._lock:
            s = self.session
            stream = None if s is None else s.streams.get(role)
            if s is None or stream is None or stream.offset is None:
                return  # on the session's clock only once this strap's first beat placed it
            message, breaths = s.chest.push(role, event, stream.offset, s.id)
            self.publish(message)
            keep(self.store.chest, s.id, role, event, stream.offset, breaths, raw=self.keep_chest_raw)

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
        now = self.now()
        c = s.clock
        self._tick(s, min(now, now - c.elapsed(now) + c.durations[c.step]))  # the step's breaths
        entered = c.due(now)
        if entered is None:
            await self._end("completed")
        elif entered:
            self._enter(s, c.step, c.step_started)
            self.publish(StepMessage(self.session_view()))

    async def start_session(self, profile: str | None = None, routine: str | None = None,
                            giver: str | None = None, tried: Tried | None = None, *,
                            without_readings: bool = False) -> SessionView:
        """Start a session for the receiver ``profile`` with ``routine`` (its id or name; a file
        edited by hand counts at once); ``giver`` names the giver (partner mode: compared with
        their own sessions only); ``tried``: what the couple means to try, kept from the first
        moment. With no receiver's strap it starts only ``without_readings`` (asked for on
        purpose, never by a forgotten strap)."""
        async with self._changing_strap, self._lock, self.routines.lock:
            if self.session is not None:
                raise SessionError("a session is already running: stop it first")
            if Role.RECEIVER not in self.straps.roles and not without_readings:
                raise SessionError(NO_STRAP_TO_START)
            await self.routines.refresh()
            chosen = self.routines.find(routine or DEFAULT_ROUTINE.id)
            if chosen is None:
                raise SessionError(f"no routine named {routine!r}")
            name = (profile or self.default_profile).strip()
            if not name:
                raise SessionError("the receiver's profile needs a name")
            giver_name = (giver or "").strip() or None
            s = await begin(self.store, chosen, name, giver_name, device=self.connection.device,
                            source_kind=self.source_kind, tried=tried, now=self.now())
            for role in self.straps.roles:
                s.stream(role)
            self.session = s
            self.last_summary = None
            self.start_after_care = False
            view = s.view(self.now())
            self.publish(StepMessage(view))
            return view

    def tried_changed(self, session_id: int, tried: Tried) -> None:
        """A committed change of what a session tries: the running session's devices show it."""
        if self.session is not None and self.session.id == session_id:
            self.session.tried = tried
            self.publish(TriedMessage(session_id, tried))

    def routine_in_use(self, routine_id: str) -> bool:
        """Whether the running session runs this routine (it cannot be changed under it)."""
        return self.session is not None and self.session.routine.id == routine_id

    async def clear_summary(self) -> None:
        """The end view was put away (New session): every device goes back to the connect view,
        and a page loaded later does not show a finished session again."""
        async with self._lock:
            if self.session is None and self.last_summary is not None:
                self.last_summary = None
                self.publish(StepMessage(None))

    async def stop(self) -> SessionSummary:
        async with self._lock:
            self._require()
            return await self._end("completed", stopped=True)

    async def _end(self, state: str, stopped: bool = False) -> SessionSummary:
        s = self.session
        assert s is not None
        self._tick(s, self.now())
        self.session = None
        self._guide(None)  # the simulated people breathe as they like again
        summary = await finish(self.store, s, state, stopped)
        self.last_summary = summary
        self.last_ended_at = self.now()
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

    def end_kept_s(self) -> float | None:
        return end_kept_s(self)

    def snapshot(self, *, epoch: str, resumed: bool = False, lan: bool = False,
                 local: bool = True) -> Snapshot:
        return snapshot_of(self, epoch=epoch, resumed=resumed, lan=lan, local=local)
