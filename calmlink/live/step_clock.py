"""The routine's timing, pure: which step, how long left, paused or not, driven by a ``now`` argument.

Times are on the session clock (which a simulator or replay may run faster than the wall). A step
ends when its duration has run (pauses do not count); time past the end carries into the next step,
so a late tick never shortens the routine.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StepClock:
    durations: tuple[float, ...]
    started: float
    step: int = 0
    step_started: float = field(default=0.0)
    paused_at: float | None = None
    paused_in_step: float = 0.0

    def __post_init__(self) -> None:
        if not self.durations:
            raise ValueError("a routine needs at least one step")
        self.step_started = self.started

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def last_step(self) -> bool:
        return self.step + 1 >= len(self.durations)

    def elapsed(self, now: float) -> float:
        """Running time in the current step, pauses excluded."""
        pause = (now - self.paused_at) if self.paused_at is not None else 0.0
        return now - self.step_started - self.paused_in_step - pause

    def remaining(self, now: float) -> float:
        return max(self.durations[self.step] - self.elapsed(now), 0.0)

    def due(self, now: float) -> list[int] | None:
        """Advance past every step whose time has run out by ``now``. Returns the steps entered (in
        order; empty when none), or None when the last step has run out: the routine is over."""
        entered: list[int] = []
        if self.paused:
            return entered
        while (overshoot := self.elapsed(now) - self.durations[self.step]) >= 0:
            if self.last_step:
                return None
            self.go_to(self.step + 1, now - overshoot)
            entered.append(self.step)
        return entered

    def go_to(self, step: int, at: float) -> None:
        """Enter ``step`` at ``at`` (by hand or by the timer); a paused clock stays paused."""
        if not 0 <= step < len(self.durations):
            raise ValueError(f"no step {step}")
        self.step, self.step_started, self.paused_in_step = step, at, 0.0
        if self.paused_at is not None:
            self.paused_at = at

    def pause(self, now: float) -> bool:
        """True when this paused a running clock."""
        if self.paused_at is not None:
            return False
        self.paused_at = now
        return True

    def resume(self, now: float) -> bool:
        """True when this resumed a paused clock."""
        if self.paused_at is None:
            return False
        self.paused_in_step += now - self.paused_at
        self.paused_at = None
        return True
