"""Massage routines: named steps, each with a cue (the words the voice says) and a length. The first
step is the settle step, whose beats set the receiver's baseline.

Pure: the one set of rules every routine meets (:func:`check_routine`, the same for a file written
by hand, the API and the editor page, which reads :data:`LIMITS` from the API), and the built-in
routines. Files are :mod:`calmlink.live.routine_toml`; the folder is
:mod:`calmlink.live.routine_library`. docs/routines.md says it all in plain words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from calmlink.signal.paced import DEFAULT_PACE
from calmlink.store.step_id import MAX_STEP_ID, is_step_id, slug, unique

STEP_KINDS: tuple[str, ...] = ("massage", "breathe")
"""What a step is: hands at work, or breathing to the pacer (docs/breathe.md)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What a routine may be. Served at ``GET /api/routines/limits`` so the page uses these very
    numbers."""

    min_steps: int = 1
    max_steps: int = 20
    min_step_s: float = 10.0
    max_step_s: float = 600.0
    min_settle_s: float = 30.0
    """The settle step is the starting point: under half a minute holds too few beats to trust."""
    max_total_s: float = 3600.0
    max_routine_name: int = 60
    max_step_name: int = 40
    max_cue: int = 200
    max_step_id: int = MAX_STEP_ID
    min_pace: float = 4.0
    """Breaths a minute a breathe step may pace, at least (slower is hard to keep up)."""
    max_pace: float = 7.0
    """And at most: the heart's swing with each breath grows as breathing slows towards 6."""
    default_pace: float = DEFAULT_PACE
    """A breathe step without a pace of its own: the person's found pace, else this."""
    kinds: tuple[str, ...] = STEP_KINDS


LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    cue: str
    duration_s: float
    id: str = ""
    """Stable identity, kept in the routine's file: renaming the step keeps its history in trends.
    Empty when made in code: the routine gives it one from the name."""
    kind: str = "massage"
    """``massage`` or ``breathe`` (paced breathing, docs/breathe.md)."""
    breaths_per_min: float | None = None
    """A breathe step's pace; None: the receiver's own found pace, else :attr:`Limits.default_pace`
    (always None for a massage step)."""


@dataclass(frozen=True, slots=True)
class Routine:
    name: str
    steps: tuple[Step, ...]
    id: str = ""
    """The file's name without ``.toml`` (a built-in routine's own id); empty: from the name."""
    builtin: bool = False
    """Shipped with calmlink: read-only, can be duplicated."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", with_step_ids(self.steps))
        if not self.id:
            object.__setattr__(self, "id", slug(self.name, "routine"))

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.steps)


def with_step_ids(steps: Sequence[Step]) -> tuple[Step, ...]:
    """Every step with an id of its own: a step without one gets one from its name."""
    taken = {s.id for s in steps if s.id}
    out = []
    for s in steps:
        if not s.id:
            s = replace(s, id=unique(slug(s.name), taken))
            taken.add(s.id)
        out.append(s)
    return tuple(out)


def snapshot(routine: Routine) -> dict[str, Any]:
    """The routine as a session keeps it, so editing or deleting the routine later never changes
    that session's review."""
    return {"id": routine.id, "name": routine.name, "builtin": routine.builtin,
            "steps": [{"id": s.id, "name": s.name, "cue": s.cue, "duration_s": s.duration_s,
                       "kind": s.kind, "breaths_per_min": s.breaths_per_min}
                      for s in routine.steps]}


def _s(name: str, cue: str, seconds: float) -> Step:
    return Step(name, cue, seconds, slug(name))


DEFAULT_ROUTINE = Routine(
    name="Nine quiet minutes",
    steps=(
        _s("Settle", "Warm your hands. Ask: tell me if it's too much or too little. Breathe.", 60),
        _s("Forehead", "Slow strokes from the centre outwards, light pressure.", 90),
        _s("Temples", "Small, slow circles with two fingertips.", 90),
        _s("Scalp", "Fingertips through the hair, unhurried, like washing it gently.", 90),
        _s("Base of the skull", "Thumbs under the ridge, hold and release.", 75),
        _s("Neck", "Long strokes down the sides of the neck, never the front.", 75),
        _s("Stillness", "Rest your hands still. Nothing to do.", 60),
    ),
    id="nine-quiet-minutes", builtin=True,
)
FIVE_MINUTES = Routine(
    name="Five quiet minutes",
    steps=(
        _s("Settle", "Warm your hands. Ask: tell me if it's too much or too little. Breathe.", 60),
        _s("Temples", "Small, slow circles with two fingertips.", 60),
        _s("Scalp", "Fingertips through the hair, unhurried.", 60),
        _s("Neck", "Long strokes down the sides of the neck, never the front.", 60),
        _s("Stillness", "Rest your hands still. Nothing to do.", 60),
    ),
    id="five-quiet-minutes", builtin=True,
)
CLOSING_BREATH = Routine(
    name="Seven minutes with a closing breath",
    steps=(*FIVE_MINUTES.steps[:4],
           Step("Closing breath", "Breathe with the circle: in as it grows, out as it shrinks.",
                180, "closing-breath", "breathe")),
    id="closing-breath", builtin=True,
)
PACE_FINDER = Routine(
    name="Find your breathing pace",
    steps=(_s("Settle", "Sit comfortably and breathe as you like.", 60),
           *(Step(f"{pace:g} breaths a minute", "Breathe with the circle: in as it grows, out as it "
                  "shrinks.", 120, f"pace-{pace:g}".replace(".", "-"), "breathe", pace)
             for pace in (6.5, 6.0, 5.5, 5.0, 4.5))),
    id="pace-finder", builtin=True,
)
"""About two minutes at each pace after a settle minute (docs/breathe.md, "The pace finder")."""
BUILTIN_ROUTINES: tuple[Routine, ...] = (DEFAULT_ROUTINE, FIVE_MINUTES, CLOSING_BREATH, PACE_FINDER)
"""The same step has the same id in each, so Temples keeps one history whichever was run."""


# -- the rules ------------------------------------------------------------------------------------

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class FieldError:
    loc: Loc
    """Where: ``("name",)``, ``("steps",)`` or ``("steps", 2, "duration_s")`` (steps from 0)."""
    message: str
    """Plain words, without the field's name (the page shows it beside the field)."""

    def describe(self) -> str:
        """For a file: "step 3: 'duration_s' must be ..."."""
        if len(self.loc) >= 2 and self.loc[0] == "steps" and isinstance(self.loc[1], int):
            where = f"step {self.loc[1] + 1}"
            return f"{where}: '{self.loc[2]}' {self.message}" if len(self.loc) > 2 else \
                f"{where}: {self.message}"
        return f"'{self.loc[0]}' {self.message}" if self.loc else self.message


class RoutineError(ValueError):
    """A routine that breaks a rule: every broken rule, each naming its field."""

    def __init__(self, errors: Sequence[FieldError], source: str = "") -> None:
        self.errors = tuple(errors)
        self.source = source
        text = "; ".join(e.describe() for e in self.errors)
        super().__init__(f"{source}: {text}" if source else text)


def _seconds(x: float) -> str:
    if x >= 60 and x % 60 == 0:
        return f"{x / 60:g} minute{'s' if x != 60 else ''}"
    return _number_of_seconds(x)


def _number_of_seconds(x: float) -> str:
    return f"{x:g} second{'s' if x != 1 else ''}"


def _text(value: Any, loc: Loc, longest: int, required: bool, errors: list[FieldError]) -> str:
    if not isinstance(value, str):
        errors.append(FieldError(loc, "must be text"))
        return ""
    text = value.strip()
    if required and not text:
        errors.append(FieldError(loc, "must not be empty"))
    elif len(text) > longest:
        errors.append(FieldError(loc, f"must be at most {longest} characters (this has {len(text)})"))
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        errors.append(FieldError(loc, "must be one line, with no control characters"))
    return text


def _step(raw: Any, i: int, errors: list[FieldError], limits: Limits) -> Step | None:
    loc: Loc = ("steps", i)
    if not isinstance(raw, Mapping):
        errors.append(FieldError(loc, "must be a table with name, cue and duration_s"))
        return None
    unknown = sorted(set(raw) - {"id", "name", "cue", "duration_s", "kind", "breaths_per_min"})
    for key in unknown:
        errors.append(FieldError((*loc, str(key)), "is not a field a step has"))
    name = _text(raw.get("name"), (*loc, "name"), limits.max_step_name, True, errors)
    cue = _text(raw.get("cue", ""), (*loc, "cue"), limits.max_cue, False, errors)
    step_id = raw.get("id") or ""
    if not isinstance(step_id, str) or (step_id and not is_step_id(step_id)):
        errors.append(FieldError((*loc, "id"), f"must be lower-case letters and digits joined by "
                                 f"hyphens, at most {limits.max_step_id} characters"))
        step_id = ""
    kind = raw.get("kind", "massage")
    if kind not in limits.kinds:
        errors.append(FieldError((*loc, "kind"), f"must be one of: {', '.join(limits.kinds)}"))
    elif kind == "breathe" and i == 0:
        errors.append(FieldError((*loc, "kind"), "must be massage for the first step: the settle "
                                 "step is the starting point breathing is compared with"))
    pace = _pace(raw.get("breaths_per_min"), kind, (*loc, "breaths_per_min"), errors, limits)
    duration = raw.get("duration_s")
    if isinstance(duration, bool) or not isinstance(duration, int | float) \
            or not math.isfinite(duration):
        errors.append(FieldError((*loc, "duration_s"), "must be a number of seconds"))
        return None
    low = limits.min_settle_s if i == 0 else limits.min_step_s
    if not low <= duration <= limits.max_step_s:
        why = "the first step is the settle step, the starting point the rest is compared with: " \
            if i == 0 else ""
        errors.append(FieldError((*loc, "duration_s"), f"must be from {_seconds(low)} to "
                                 f"{_seconds(limits.max_step_s)} ({why}got {_number_of_seconds(duration)})"))
    return Step(name, cue, float(duration), step_id, str(kind), pace)


def _pace(value: Any, kind: Any, loc: Loc, errors: list[FieldError], limits: Limits
          ) -> float | None:
    """A breathe step's pace, one decimal kept; None when it has none."""
    if value is None:
        return None
    if kind != "breathe":
        errors.append(FieldError(loc, "belongs to a breathe step only"))
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not limits.min_pace <= value <= limits.max_pace:
        errors.append(FieldError(loc, f"must be a number of breaths a minute from "
                                 f"{limits.min_pace:g} to {limits.max_pace:g}"))
        return None
    return round(float(value), 1)


def check_routine(raw: Mapping[str, Any], *, routine_id: str = "", builtin: bool = False,
                  limits: Limits = LIMITS) -> Routine:
    """The routine ``raw`` describes (a parsed file or an API body), or :class:`RoutineError`
    naming every field that breaks a rule. Steps without an id get one from their name."""
    errors: list[FieldError] = []
    for key in sorted(set(raw) - {"name", "steps"}):
        errors.append(FieldError((str(key),), "is not a field a routine has"))
    name = _text(raw.get("name"), ("name",), limits.max_routine_name, True, errors)
    raw_steps = raw.get("steps")
    steps: list[Step] = []
    if not isinstance(raw_steps, list):
        errors.append(FieldError(("steps",), "must be a list of steps ([[steps]] tables)"))
    elif not limits.min_steps <= len(raw_steps) <= limits.max_steps:
        errors.append(FieldError(("steps",), f"must be from {limits.min_steps} to "
                                 f"{limits.max_steps} steps (this has {len(raw_steps)})"))
    else:
        for i, item in enumerate(raw_steps):
            step = _step(item, i, errors, limits)
            if step is not None:
                steps.append(step)
        seen: dict[str, int] = {}
        for i, step in enumerate(steps):
            if step.id and step.id in seen:
                errors.append(FieldError(("steps", i, "id"), f"'{step.id}' is step "
                                         f"{seen[step.id] + 1}'s already: each step's id is its own"))
            seen.setdefault(step.id, i)
        total = sum(s.duration_s for s in steps)
        if total > limits.max_total_s:
            errors.append(FieldError(("steps",), f"must last at most {_seconds(limits.max_total_s)} "
                                     f"in all (these last {total / 60:.1f} minutes)"))
    if errors:
        raise RoutineError(errors)
    return Routine(name, tuple(steps), routine_id, builtin)
