"""Routine files: TOML a person can read and edit by hand, read by :func:`parse_routine` and written
by :func:`to_toml` (pure; the folder and its atomic writes are
:mod:`calmlink.live.routine_library`)::

    name = "Short and slow"

    [[steps]]
    id = "settle"
    name = "Settle"
    cue = "Warm hands, breathe."
    duration_s = 60

A step's ``id`` is optional in a file written by hand (it then comes from the name); the page
writes one for every step, once, and keeps it.
"""

from __future__ import annotations

import tomllib

from calmlink.live.routine import FieldError, Routine, RoutineError, check_routine

HEADER = ("# A calmlink routine. Edit it here or on the Routines page; the rules are in\n"
          "# docs/routines.md. The first step is the settle step (the baseline). Keep each step's\n"
          "# id as it is when you rename the step: its history in trends follows the id.\n")


def parse_routine(text: str, source: str = "<routine>", routine_id: str = "") -> Routine:
    """A routine from TOML, or :class:`RoutineError` naming the file and every broken rule."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoutineError([FieldError((), f"not valid TOML: {exc}")], source) from None
    try:
        return check_routine(data, routine_id=routine_id)
    except RoutineError as exc:
        raise RoutineError(exc.errors, source) from None


def _quote(text: str) -> str:
    """A TOML basic string: backslash, quote and every control character escaped."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif code < 32 or code == 127:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def to_toml(routine: Routine) -> str:
    """The routine as its file holds it; :func:`parse_routine` reads back the same routine."""
    lines = [HEADER, f"name = {_quote(routine.name)}", ""]
    for step in routine.steps:
        lines += ["[[steps]]", f"id = {_quote(step.id)}", f"name = {_quote(step.name)}",
                  f"cue = {_quote(step.cue)}", f"duration_s = {_number(step.duration_s)}"]
        if step.kind != "massage":
            lines.append(f"kind = {_quote(step.kind)}")
        if step.breaths_per_min is not None:
            lines.append(f"breaths_per_min = {_number(step.breaths_per_min)}")
        lines.append("")
    return "\n".join(lines)
