"""Massage routines: named steps with a one-line cue and a default duration.

The first step is the settle step, whose beats set the receiver's baseline.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    cue: str
    duration_s: float


@dataclass(frozen=True, slots=True)
class Routine:
    name: str
    steps: tuple[Step, ...]

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.steps)

    def step_at(self, elapsed_s: float) -> int | None:
        """Index of the step a timer-driven session is on after ``elapsed_s``; None when done."""
        end = 0.0
        for i, step in enumerate(self.steps):
            end += step.duration_s
            if elapsed_s < end:
                return i
        return None


DEFAULT_ROUTINE = Routine(
    name="Ten quiet minutes",
    steps=(
        Step("Settle", "Warm your hands. Ask: tell me if it's too much or too little. Breathe.", 60),
        Step("Forehead", "Slow strokes from the centre outwards, light pressure.", 90),
        Step("Temples", "Small, slow circles with two fingertips.", 90),
        Step("Scalp", "Fingertips through the hair, unhurried, like washing it gently.", 90),
        Step("Base of the skull", "Thumbs under the ridge, hold and release.", 75),
        Step("Neck", "Long strokes down the sides of the neck, never the front.", 75),
        Step("Stillness", "Rest your hands still. Nothing to do.", 60),
    ),
)
