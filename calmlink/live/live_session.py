"""The state of one running session: its routine clock, each role's beat stream, its beats so far;
the session's one clock that every role's beats are placed on; and how the page sees it. Pure: the
controller passes ``now`` in."""

from __future__ import annotations

from dataclasses import dataclass, field

from calmlink.live.breathing import Breathing
from calmlink.live.chest import ChestSide
from calmlink.live.events import RoutineView, SessionView, StepState
from calmlink.live.routine import Routine
from calmlink.live.step_clock import StepClock
from calmlink.sensors.models import HeartRateSample
from calmlink.signal.gauge import GaugeConfig
from calmlink.signal.per_beat import LiveProcessor
from calmlink.store.beat import Beat, Role
from calmlink.store.tried import Tried


@dataclass
class RoleStream:
    """One role's beats within a session: its per-beat path and where its clock sits."""

    processor: LiveProcessor
    offset: float | None = None
    """Source time minus session time; None until this stream's first beat (or a new strap)."""
    last_t: float = 0.0
    baseline_started: bool = False


@dataclass
class LiveSession:
    id: int
    profile: str
    routine: Routine
    clock: StepClock
    started: float
    streams: dict[Role, RoleStream] = field(default_factory=dict)
    anchor: float | None = None
    """Controller clock at session time 0 (set by the session's first beat)."""
    n_beats: int = 0
    beats: list[Beat] = field(default_factory=list)
    giver: str | None = None
    """The giver's name (partner mode), when given."""
    tried: Tried = field(default_factory=Tried)
    """What the couple is trying, as last committed."""
    own_pace: float | None = None
    """The receiver's found breathing pace, when they have one (store.paces)."""
    breathing: Breathing = field(init=False)
    chest: ChestSide = field(init=False)
    """Breath from each role's chest strap, when it streams chest movement."""

    def __post_init__(self) -> None:
        self.breathing = Breathing(self.routine, self.own_pace)
        self.chest = ChestSide(self.routine.steps[0].duration_s)

    def stream(self, role: Role) -> RoleStream:
        """The role's stream, begun with its own baseline settings when the role first appears."""
        found = self.streams.get(role)
        if found is None:
            config = GaugeConfig(baseline_s=self.routine.steps[0].duration_s)
            found = self.streams[role] = RoleStream(LiveProcessor(config))
        return found

    def place(self, stream: RoleStream, sample: HeartRateSample, now: float) -> tuple[float, bool]:
        """Session time of ``sample`` and whether a gap comes before it. The session's first beat
        is time 0; a role that joins later, or a new strap, is anchored by its packet's arrival on
        the controller's clock ``now`` and starts after a gap (no metric bridges the change)."""
        gap = sample.gap_before
        if stream.offset is None:
            if self.anchor is None:
                self.anchor = now - (sample.arrival - sample.t)
                stream.offset = sample.t
            else:
                stream.offset = min(sample.arrival - (now - self.anchor), sample.t - stream.last_t)
                gap = True
        t = sample.t - stream.offset
        stream.last_t = t
        return t, gap

    def view(self, now: float) -> SessionView:
        step = self.routine.steps[self.clock.step]
        receiver = self.streams.get(Role.RECEIVER)
        return SessionView(
            id=self.id, profile=self.profile, state="paused" if self.clock.paused else "active",
            routine=routine_view(self.routine),
            step=StepState(self.clock.step, step.name, step.cue, step.duration_s,
                           round(self.clock.remaining(now), 1)),
            elapsed_s=round(now - self.started, 1), n_beats=self.n_beats,
            calibrating=receiver is None or receiver.processor.baseline is None,
            roles=tuple(str(r) for r in self.streams), tried=self.tried,
            pacer=self.breathing.pacer.view(now, self.started), paces=tuple(self.breathing.paces),
            giver=self.giver)


def routine_view(routine: Routine) -> RoutineView:
    return RoutineView(routine.name, routine.duration_s, routine.steps, routine.id, routine.builtin)
