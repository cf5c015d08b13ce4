"""The live session loop: one source in; stamped, scored beats out to the live feed and the store.

:class:`Controller` owns the current heart-rate source and at most one active session. Per beat:
stamp the routine step, score it with the pure per-beat path, hand it to the store's writer thread
and publish it at once; when the writer has committed it (WAL, synchronous=FULL), a ``committed``
message acknowledges it. So a slow disk never delays what the giver sees, and every beat the feed
has acknowledged is on disk. Steps advance on their timer (a session clock that a simulator or
replay may run faster) or by hand; pausing stops the timer, not the recording.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from calmlink.sensors.models import ConnectionEvent, HeartRateSample, HeartRateSource
from calmlink.sessions.events import BeatEvent
from calmlink.sessions.routine import DEFAULT_ROUTINE, Routine
from calmlink.sessions.store import Store
from calmlink.sessions.summary import BeatRow, summarize
from calmlink.signal.gauge import GaugeConfig
from calmlink.signal.live import LiveProcessor

log = logging.getLogger(__name__)
Publish = Callable[[dict[str, Any]], object]


class SessionError(RuntimeError):
    """A session command that does not fit the current state (e.g. 'next' with no session)."""


@dataclass
class ActiveSession:
    id: int
    profile: str
    routine: Routine
    processor: LiveProcessor
    started: float  # session clock
    step: int = 0
    step_started: float = 0.0
    paused_at: float | None = None
    paused_in_step: float = 0.0
    n_beats: int = 0
    t0: float | None = None  # source time of session time 0
    last_t: float = 0.0
    new_source: bool = False  # the strap was swapped mid-session: re-anchor its clock
    rows: list[BeatRow] = field(default_factory=list)

    def step_elapsed(self, now: float) -> float:
        pause = (now - self.paused_at) if self.paused_at is not None else 0.0
        return now - self.step_started - self.paused_in_step - pause

    def step_remaining(self, now: float) -> float:
        return max(self.routine.steps[self.step].duration_s - self.step_elapsed(now), 0.0)


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
        self.source: HeartRateSource | None = None
        self.connection: dict[str, Any] = {"state": "disconnected", "reason": "no strap yet"}
        self.session: ActiveSession | None = None
        self.last_summary: dict[str, Any] | None = None
        self._source_task: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._ack: tuple[int, int] | None = None  # (session, highest committed beat) to announce
        self.latest_hr: float | None = None

    def now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    # -- the source ---------------------------------------------------------------------------

    async def attach(self, source: HeartRateSource) -> None:
        """Use ``source`` from now on (closing any previous one)."""
        await self.detach()
        if self.session is not None:
            self.session.new_source = True
        self.source = source
        self._source_task = asyncio.create_task(self._consume(source), name="calmlink-source")
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick_forever(), name="calmlink-step-timer")

    async def detach(self) -> None:
        source, task = self.source, self._source_task
        self.source, self._source_task = None, None
        if source is not None:
            await source.close()
        if task is not None:
            try:
                await asyncio.wait_for(task, 5.0)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:  # the source already failed; nothing more to clean up
                log.exception("source task failed")

    async def disconnect(self) -> None:
        """The user disconnected the strap: close it and say so (no reconnect follows)."""
        await self.detach()
        self._on_connection_dict({"state": "disconnected", "reason": "disconnected by the user"})

    async def _consume(self, source: HeartRateSource) -> None:
        try:
            async for event in source.events():
                if isinstance(event, ConnectionEvent):
                    self._on_connection(event)
                else:
                    await self._on_sample(event, source.name)
        except Exception as exc:
            log.exception("heart-rate source stopped")
            self._on_connection_dict({"state": "disconnected", "reason": f"source failed: {exc}"})

    def _on_connection(self, event: ConnectionEvent) -> None:
        self._on_connection_dict({
            "state": event.state.value, "reason": event.reason, "device": event.device_name,
            "address": event.device_address, "battery_pct": event.battery_pct,
            "sensor_location": event.sensor_location,
        })

    def _on_connection_dict(self, connection: dict[str, Any]) -> None:
        if connection["state"] != "connected":
            for key in ("battery_pct", "sensor_location"):
                connection.setdefault(key, self.connection.get(key))
        self.connection = connection
        self.publish({"type": "status", "connection": connection})

    # -- beats --------------------------------------------------------------------------------

    async def _on_sample(self, sample: HeartRateSample, source_name: str) -> None:
        async with self._lock:
            await self._advance_by_timer()
            s = self.session
            self.latest_hr = sample.hr_bpm
            if s is None:
                self.publish({"type": "beat", "session_id": None, "t": round(sample.t, 3),
                              "hr_bpm": sample.hr_bpm, "rr_ms": sample.rr_ms, "gauge": None,
                              "trend": None, "quality": "good" if sample.contact is not False
                              else "no-contact", "reason": "", "step": None, "artifact": False,
                              "contact": sample.contact})
                return
            gap = sample.gap_before
            if s.t0 is None:
                s.t0 = sample.t
            elif s.new_source:  # another strap's clock: continue session time after a gap
                s.t0 = sample.t - (s.last_t + 1.0)
                gap = True
            s.new_source = False
            t = sample.t - s.t0
            s.last_t = t
            result = s.processor.push(t, sample.hr_bpm, sample.rr_ms, contact=sample.contact,
                                      gap_before=gap)
            beat = BeatEvent(
                seq=s.n_beats, t=round(t, 4), rr_ms=sample.rr_ms, hr_bpm=round(sample.hr_bpm, 2),
                artifact=result.artifact, gap_before=gap, step=s.step,
                gauge=result.gauge, trend=result.trend, quality=result.quality, reason=result.reason,
                rmssd_ms=None if result.rmssd_ms is None else round(result.rmssd_ms, 2),
            )
            self._persist(s.id, beat)
            s.n_beats += 1
            s.rows.append(BeatRow(beat.t, beat.rr_ms, beat.hr_bpm, beat.artifact, beat.gap_before,
                                  beat.step, beat.gauge))
            self.publish({"type": "beat", "session_id": s.id, **asdict(beat), "beat_seq": beat.seq,
                          "contact": sample.contact, "resp_rate_bpm": result.resp_rate_bpm,
                          "step_remaining_s": round(s.step_remaining(self.now()), 1),
                          "paused": s.paused_at is not None})

    def _persist(self, session_id: int, beat: BeatEvent) -> None:
        """Write without waiting; acknowledge on commit, coalesced into one message per commit."""
        loop = asyncio.get_running_loop()
        future = self.store.submit_beat(session_id, beat)

        def done(f: Any) -> None:
            loop.call_soon_threadsafe(self._committed, session_id, beat.seq, f.exception())

        future.add_done_callback(done)

    def _committed(self, session_id: int, seq: int, error: BaseException | None) -> None:
        if error is not None:
            log.error("a beat could not be stored: %s", error)
            self.publish({"type": "store_error", "session_id": session_id, "beat_seq": seq,
                          "reason": f"could not save a beat: {error}"})
            return
        first = self._ack is None
        if first or self._ack[0] != session_id or self._ack[1] < seq:  # type: ignore[index]
            self._ack = (session_id, seq)
        if first:
            asyncio.get_running_loop().call_soon(self._flush_ack)

    def _flush_ack(self) -> None:
        if self._ack is not None:
            session_id, through = self._ack
            self._ack = None
            self.publish({"type": "committed", "session_id": session_id, "through": through})

    # -- the routine --------------------------------------------------------------------------

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            async with self._lock:
                await self._advance_by_timer()

    async def _advance_by_timer(self) -> None:
        s = self.session
        if s is None or s.paused_at is not None:
            return
        now = self.now()
        while self.session is s and s.step_elapsed(now) >= s.routine.steps[s.step].duration_s:
            overshoot = s.step_elapsed(now) - s.routine.steps[s.step].duration_s
            if s.step + 1 >= len(s.routine.steps):
                await self._end("completed")
                return
            self._go_to(s, s.step + 1, now - overshoot, by_hand=False)

    def _go_to(self, s: ActiveSession, step: int, at: float, *, by_hand: bool = True) -> None:
        if by_hand and s.step == 0 and step > 0:
            # left the settle step early: the baseline is what was collected so far. (On the
            # timer, the baseline ends by beat time instead, exactly as offline analysis does.)
            s.processor.gauge.finish_baseline()
        s.step, s.step_started, s.paused_in_step = step, at, 0.0
        if s.paused_at is not None:
            s.paused_at = at
        self.publish({"type": "step", "session": self.session_view()})

    async def start_session(self, profile: str | None = None, routine: str | None = None
                            ) -> dict[str, Any]:
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
                name, chosen.name, self.connection.get("device"), self.source_kind,
                steps=[st.name for st in chosen.steps])
            processor = LiveProcessor(GaugeConfig(baseline_s=chosen.steps[0].duration_s))
            processor.start_baseline(0.0)
            now = self.now()
            self.session = ActiveSession(session_id, name, chosen, processor, now, step_started=now)
            self.last_summary = None
            view = self.session_view() or {}
            self.publish({"type": "step", "session": view})
            return view

    def _require(self) -> ActiveSession:
        if self.session is None:
            raise SessionError("no session is running")
        return self.session

    async def next_step(self) -> dict[str, Any]:
        async with self._lock:
            s = self._require()
            if s.step + 1 >= len(s.routine.steps):
                await self._end("completed")
                return {"ended": True, "summary": self.last_summary}
            self._go_to(s, s.step + 1, self.now())
            return self.session_view() or {}

    async def previous_step(self) -> dict[str, Any]:
        async with self._lock:
            s = self._require()
            self._go_to(s, max(s.step - 1, 0), self.now())
            return self.session_view() or {}

    async def pause(self) -> dict[str, Any]:
        async with self._lock:
            s = self._require()
            if s.paused_at is None:
                s.paused_at = self.now()
                self.publish({"type": "step", "session": self.session_view()})
            return self.session_view() or {}

    async def resume(self) -> dict[str, Any]:
        async with self._lock:
            s = self._require()
            if s.paused_at is not None:
                s.paused_in_step += self.now() - s.paused_at
                s.paused_at = None
                self.publish({"type": "step", "session": self.session_view()})
            return self.session_view() or {}

    async def stop(self) -> dict[str, Any]:
        async with self._lock:
            self._require()
            await self._end("completed")
            return {"ended": True, "summary": self.last_summary}

    async def _end(self, state: str) -> None:
        s = self.session
        if s is None:
            return
        self.session = None
        summary = summarize(s.rows, [st.name for st in s.routine.steps])
        summary.update({"session_id": s.id, "profile": s.profile, "routine": s.routine.name,
                        "state": state})
        self.last_summary = summary
        await self.store.finish_session(s.id, state, summary)
        self.publish({"type": "session_end", "summary": summary})

    async def close(self) -> None:
        """Shut down: an active session is left 'interrupted' (the server is stopping)."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await self.detach()
        async with self._lock:
            await self._end("interrupted")

    # -- views --------------------------------------------------------------------------------

    def session_view(self) -> dict[str, Any] | None:
        s = self.session
        if s is None:
            return None
        now = self.now()
        step = s.routine.steps[s.step]
        return {
            "id": s.id, "profile": s.profile, "state": "paused" if s.paused_at is not None else "active",
            "routine": {"name": s.routine.name, "steps": [asdict(st) for st in s.routine.steps]},
            "step": {"index": s.step, "name": step.name, "cue": step.cue,
                     "duration_s": step.duration_s,
                     "remaining_s": round(s.step_remaining(now), 1)},
            "elapsed_s": round(now - s.started, 1), "n_beats": s.n_beats,
            "calibrating": s.processor.baseline is None,
        }

    def snapshot(self) -> dict[str, Any]:
        return {
            "connection": self.connection,
            "session": self.session_view(),
            "last_summary": self.last_summary,
            "routines": [{"name": r.name, "duration_s": r.duration_s,
                          "steps": [asdict(st) for st in r.steps]} for r in self.routines.values()],
            "clock_rate": self.clock_rate,
            "latest_hr": None if self.latest_hr is None or math.isnan(self.latest_hr)
            else self.latest_hr,
        }
