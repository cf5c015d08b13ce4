"""How much each session settled, as one number per session, and what is known of it without
typing (time of day, length, who gave) and what was tried: the input of the comparisons in
:mod:`calmlink.review.tried_compare`. Pure, from stored summaries.

A session's settling is the gauge's own score (:mod:`calmlink.review.score`: heart rate down by
5 bpm or the swing with each breath up by half (ln 0.5) each count 1) of its last two steps against
its settle step, minus the
receiver's usual settling at that minute of a session (a quadratic through every step of every
session of theirs, as the step ranking in :mod:`calmlink.review.trends` uses). Relaxation builds up
with time, so without that a longer session would always look better.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

import numpy as np

from calmlink.review.score import stored_step_score

CURVE_SESSIONS = 3
DAY_STARTS_AT = 4.0
"""Time of day in hours from 4:00 to 28:00: a session at half past midnight is late evening."""
CHOICE_KINDS = ("hands", "pressure", "position", "sound")


@dataclass(frozen=True, slots=True)
class SessionPoint:
    session_id: int
    score: float
    """Settling against the receiver's usual curve (positive: settled more than usual)."""
    hr_change_bpm: float
    """Heart rate over the last steps against the settle step (negative: it fell)."""
    ln_change: float | None
    hour: float
    minutes: float
    giver: str
    labels: frozenset[str]
    """``kind:value`` for each choice made and ``tag:<tag in lower case>`` for each tag."""


def _minute(step: dict[str, Any]) -> float:
    return float(step.get("start_s", 0.0) + step["duration_s"] / 2) / 60.0


def _level(step: dict[str, Any], base: dict[str, Any] | None) -> float:
    return stored_step_score(step, base)


def usual_level(sessions: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]]
                ) -> Callable[[float], float] | None:
    """The receiver's usual level of settling (against the settle step) by minute of a session:
    a quadratic through every later step of every session (each with its settle step); None with
    too little to fit."""
    points = [(_minute(st), _level(st, base)) for base, steps in sessions for st in steps]
    if len(sessions) < CURVE_SESSIONS or len({round(m, 1) for m, _ in points}) < 4:
        return None
    coef = np.polyfit([m for m, _ in points], [v for _, v in points], 2)
    return lambda minute: float(np.polyval(coef, minute))


def _base(session: dict[str, Any]) -> dict[str, Any] | None:
    """The session's settle step (its first, index 0), or None."""
    steps = session["summary"].get("steps", [])
    return steps[0] if steps and steps[0].get("index") == 0 else None


def local_hour(started_at: str, tz: tzinfo | None = None) -> float:
    """Hours after midnight in ``tz`` (None: this machine's zone), counted from 4:00 to 28:00."""
    when = datetime.fromisoformat(started_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(tz)
    hour = local.hour + local.minute / 60.0
    return hour + 24.0 if hour < DAY_STARTS_AT else hour


def labels(tried: dict[str, Any] | None) -> frozenset[str]:
    tried = tried or {}
    out = {f"{kind}:{tried[kind]}" for kind in CHOICE_KINDS if tried.get(kind)}
    return frozenset(out | {f"tag:{t.casefold()}" for t in tried.get("tags") or ()})


def session_points(summaries: Iterable[dict[str, Any]], tz: tzinfo | None = None
                   ) -> tuple[list[SessionPoint], bool]:
    """One point per session with a baseline and a later step; and whether the scores are taken
    against the usual curve (from three sessions on)."""
    usable = []
    for s in summaries:
        summary = s["summary"]
        steps = [st for st in summary.get("steps", [])[1:] if st.get("delta_hr_bpm") is not None]
        if summary.get("baseline_hr_bpm") is not None and steps:
            usable.append((s, steps))
    usual = usual_level([(_base(s), steps) for s, steps in usable])
    out = []
    for s, steps in usable:
        tail = steps[-2:]
        hr = statistics.fmean(st["delta_hr_bpm"] for st in tail)
        lns = [st["delta_ln_rmssd"] for st in tail if st.get("delta_ln_rmssd") is not None]
        ln = statistics.fmean(lns) if lns else None
        level = statistics.fmean(_level(st, _base(s)) for st in tail)
        expected = usual(statistics.fmean(_minute(st) for st in tail)) if usual else 0.0
        out.append(SessionPoint(
            session_id=int(s["id"]), score=level - expected, hr_change_bpm=hr,
            ln_change=ln, hour=local_hour(s["started_at"], tz),
            minutes=float(s["summary"].get("duration_s") or 0.0) / 60.0,
            giver=s.get("giver") or "", labels=labels(s.get("tried"))))
    return out, usual is not None
