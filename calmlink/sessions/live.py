"""The live session loop: source events in; stamped, committed, scored beats out.

Order per beat: stamp the routine step, score it (pure signal code), commit it to the store, and
only then publish it, so anything a viewer has seen is on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from calmlink.sensors.models import ConnectionEvent, HeartRateSample, HeartRateSource
from calmlink.sessions.events import BeatEvent
from calmlink.sessions.routine import DEFAULT_ROUTINE, Routine
from calmlink.sessions.store import Store
from calmlink.signal.gauge import GaugeConfig
from calmlink.signal.live import LiveProcessor

log = logging.getLogger(__name__)
Publish = Callable[[dict[str, Any]], object]


@dataclass
class SessionState:
    session_id: int | None = None
    profile: str = "Receiver"
    routine: Routine = DEFAULT_ROUTINE
    step: int | None = 0
    elapsed_s: float = 0.0
    state: str = "idle"
    n_beats: int = 0
    connection: dict[str, Any] = field(default_factory=lambda: {"state": "disconnected"})

    def snapshot(self) -> dict[str, Any]:
        step = self.routine.steps[self.step] if self.step is not None else None
        step_end = sum(s.duration_s for s in self.routine.steps[: (self.step or 0) + 1])
        return {
            "session_id": self.session_id,
            "profile": self.profile,
            "state": self.state,
            "elapsed_s": round(self.elapsed_s, 2),
            "n_beats": self.n_beats,
            "routine": {"name": self.routine.name,
                        "steps": [asdict(s) for s in self.routine.steps]},
            "step": None if step is None else {
                "index": self.step, "name": step.name, "cue": step.cue,
                "remaining_s": round(max(step_end - self.elapsed_s, 0.0), 1),
            },
            "connection": self.connection,
        }


class LiveSession:
    """Runs one routine over one source, persisting each beat before publishing it."""

    def __init__(self, store: Store, publish: Publish, routine: Routine = DEFAULT_ROUTINE,
                 profile: str = "Receiver") -> None:
        self.store = store
        self.publish = publish
        self.state = SessionState(profile=profile, routine=routine)
        self.processor = LiveProcessor(GaugeConfig(baseline_s=routine.steps[0].duration_s))
        self._t0: float | None = None

    async def run(self, source: HeartRateSource) -> None:
        try:
            async for event in source.events():
                if isinstance(event, ConnectionEvent):
                    self._on_connection(event)
                else:
                    await self._on_sample(event, source.name)
        finally:
            if self.state.session_id is not None and self.state.state == "active":
                await self.store.finish_session(self.state.session_id, "interrupted")
                self.state.state = "interrupted"

    def _on_connection(self, event: ConnectionEvent) -> None:
        self.state.connection = {
            "state": event.state.value, "reason": event.reason, "device": event.device_name,
            "battery_pct": event.battery_pct, "sensor_location": event.sensor_location,
        }
        self.publish({"type": "status", "connection": self.state.connection})

    async def _on_sample(self, sample: HeartRateSample, source_name: str) -> None:
        if self._t0 is None:
            self._t0 = sample.t
            self.processor.start_baseline(0.0)
            self.state.session_id = await self.store.start_session(
                self.state.profile, self.state.routine.name, source_name, "live")
            self.state.state = "active"
        t = sample.t - self._t0
        self.state.elapsed_s = t
        step = self.state.routine.step_at(t) if self.state.state == "active" else None
        if step != self.state.step:
            self.state.step = step
            if step is None:
                await self._complete()
            self.publish({"type": "step", **self.state.snapshot()})
        result = self.processor.push(t, sample.hr_bpm, sample.rr_ms, contact=sample.contact,
                                     gap_before=sample.gap_before)
        beat = BeatEvent(
            seq=self.state.n_beats, t=round(t, 4), rr_ms=sample.rr_ms, hr_bpm=sample.hr_bpm,
            artifact=result.artifact, gap_before=sample.gap_before, step=step,
            gauge=result.gauge, trend=result.trend, quality=result.quality, reason=result.reason,
            rmssd_ms=None if result.rmssd_ms is None else round(result.rmssd_ms, 2),
        )
        if self.state.state == "active" and self.state.session_id is not None:
            await self.store.append_beat(self.state.session_id, beat)
        self.state.n_beats += 1
        self.publish({"type": "beat", **asdict(beat), "beat_seq": beat.seq})

    async def complete(self) -> None:
        """End the session as completed (the routine ran out, or the user stopped it)."""
        if self.state.state == "active":
            await self._complete()

    async def _complete(self) -> None:
        if self.state.session_id is not None:
            await self.store.finish_session(self.state.session_id, "completed")
        self.state.state = "completed"
