"""Massage routines: named steps with a one-line cue and a default duration.

The first step is the settle step, whose beats set the receiver's baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


DEFAULT_ROUTINE = Routine(
    name="Nine quiet minutes",
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


class RoutineError(ValueError):
    """A routine file that cannot be used: says which field and what is wrong."""


MAX_STEP_S = 3600.0


def parse_routine(text: str, source: str = "<routine>") -> Routine:
    """A routine from TOML::

        name = "Short and slow"
        [[steps]]
        name = "Settle"
        cue = "Warm hands, breathe."
        duration_s = 60

    The first step is the baseline and must last at least 30 s.
    """
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoutineError(f"{source}: not valid TOML: {exc}") from None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RoutineError(f"{source}: 'name' must be a non-empty string")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise RoutineError(f"{source}: 'steps' must be a list of [[steps]] tables, at least one")
    steps = []
    for i, raw in enumerate(raw_steps, start=1):
        where = f"{source}: step {i}"
        if not isinstance(raw, dict):
            raise RoutineError(f"{where}: must be a table with name, cue and duration_s")
        unknown = set(raw) - {"name", "cue", "duration_s"}
        if unknown:
            raise RoutineError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        step_name, cue, duration = raw.get("name"), raw.get("cue", ""), raw.get("duration_s")
        if not isinstance(step_name, str) or not step_name.strip():
            raise RoutineError(f"{where}: 'name' must be a non-empty string")
        if not isinstance(cue, str):
            raise RoutineError(f"{where}: 'cue' must be a string")
        if isinstance(duration, bool) or not isinstance(duration, int | float):
            raise RoutineError(f"{where}: 'duration_s' must be a number of seconds")
        minimum = 30.0 if i == 1 else 5.0
        if not minimum <= duration <= MAX_STEP_S:
            raise RoutineError(f"{where}: 'duration_s' must be between {minimum:g} and "
                               f"{MAX_STEP_S:g} seconds (the first step is the baseline), got {duration}")
        steps.append(Step(step_name.strip(), cue.strip(), float(duration)))
    return Routine(name.strip(), tuple(steps))


def load_routines(folder: Path | None) -> tuple[dict[str, Routine], list[str]]:
    """The default routine plus every valid ``*.toml`` in ``folder``; and the errors of the others."""
    routines = {DEFAULT_ROUTINE.name: DEFAULT_ROUTINE}
    errors: list[str] = []
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                routine = parse_routine(path.read_text(encoding="utf-8"), path.name)
            except (RoutineError, OSError, UnicodeDecodeError) as exc:
                errors.append(str(exc))
                continue
            routines[routine.name] = routine
    return routines, errors
