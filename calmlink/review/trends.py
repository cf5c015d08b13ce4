"""Trends across sessions, per receiver profile, from stored summaries (docs/trends.md).

In the manner of HRV4Training: each session's baseline (its settle step) is compared with the
person's normal range, the mean of their previous sessions (up to ``NORMAL_WINDOW``) plus or minus
the smallest worthwhile change, ``SWC_FACTOR`` x their standard deviation. A normal range needs
``MIN_SESSIONS`` earlier sessions; until then the trend says how many more it needs.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from calmlink.review.couples import couple_trends
from calmlink.review.stats import sample_sd
from calmlink.review.words import during_word
from calmlink.store.db import instant
from calmlink.store.step_id import stored_step_id

MIN_SESSIONS = 5
CURVE_SESSIONS = 3
"""From this many sessions, steps are compared with the receiver's usual curve at that minute."""
MIN_STEP_SESSIONS = 3
"""A step is named as the one that settles most only with this many sessions of it."""
NORMAL_WINDOW = 30
SWC_FACTOR = 0.5
ROLLING = 3


def _band(history: list[float]) -> tuple[float, float, float] | None:
    if len(history) < MIN_SESSIONS:
        return None
    recent = history[-NORMAL_WINDOW:]
    mean = statistics.fmean(recent)
    swc = SWC_FACTOR * sample_sd(recent)
    return mean, mean - swc, mean + swc


def _series(points: list[tuple[str, int, float | None, bool]]) -> list[dict[str, Any]]:
    """Each session's value against the normal range of the reliable sessions before it. A session
    marked not reliable (review.summary: over a fifth of its beats set aside) is kept with
    ``reliable: false`` and no rolling mean or range: it counts in neither, and the page draws it
    apart."""
    out = []
    history: list[float] = []
    for started_at, session_id, value, reliable in points:
        if value is None or not math.isfinite(value):
            continue
        if not reliable:
            out.append({"session_id": session_id, "started_at": started_at,
                        "value": round(value, 3), "reliable": False})
            continue
        band = _band(history)
        window = [*history[-(ROLLING - 1):], value]
        row: dict[str, Any] = {"session_id": session_id, "started_at": started_at,
                               "value": round(value, 3), "reliable": True,
                               "rolling": round(statistics.fmean(window), 3)}
        if band is not None:
            mean, low, high = band
            row.update({"normal_mean": round(mean, 3), "normal_low": round(low, 3),
                        "normal_high": round(high, 3),
                        "position": "within" if low <= value <= high else
                        ("above" if value > high else "below")})
        out.append(row)
        history.append(value)
    return out


def _midpoint_min(step: dict[str, Any]) -> float:
    return float(step.get("start_s", 0.0) + step["duration_s"] / 2) / 60.0


def _usual_curve(summaries: list[dict[str, Any]]) -> Callable[[float], float] | None:
    """The receiver's usual settling per minute as a smooth function of the minute of a session:
    a quadratic through every step of every session. Smooth on purpose: it follows how they settle
    with time, not what one step does at its minute."""
    points = [(_midpoint_min(step), step["within_score_per_min"])
              for s in summaries for step in s["summary"].get("steps", [])[1:]
              if step.get("within_score_per_min") is not None]
    if len({round(m, 1) for m, _ in points}) < 4:
        return None
    coef = np.polyfit([m for m, _ in points], [v for _, v in points], 2)
    return lambda minute: float(np.polyval(coef, minute))


def step_response(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per step (by its stable id, so a renamed step keeps one history, named as it is called now):
    the level against the settle step (shown), and what happens *during* the step (ranked): its
    within-step settling per minute, and once there are ``CURVE_SESSIONS`` sessions, that minus the
    receiver's usual settling at that minute of a session. Relaxation accumulates, so a level
    ranking always crowns the last steps; this one does not."""
    usual = _usual_curve(summaries) if len(summaries) >= CURVE_SESSIONS else None
    levels: dict[str, list[tuple[float, float | None]]] = {}
    during: dict[str, list[float]] = {}
    names: dict[str, str] = {}
    for s in summaries:
        for step in s["summary"].get("steps", [])[1:]:
            key = stored_step_id(step)
            names[key] = step["name"]  # oldest first: the latest name wins
            if step.get("delta_hr_bpm") is not None:
                levels.setdefault(key, []).append(
                    (step["delta_hr_bpm"], step.get("delta_ln_rmssd")))
            score = step.get("within_score_per_min")
            if score is not None:
                expected = usual(_midpoint_min(step)) if usual is not None else 0.0
                during.setdefault(key, []).append(score - expected)
    out: list[dict[str, Any]] = []
    for key, values in levels.items():
        hr = statistics.fmean(v[0] for v in values)
        lns = [v[1] for v in values if v[1] is not None]
        ln = statistics.fmean(lns) if lns else None
        scores = during.get(key, [])
        out.append({"step": names[key], "step_id": key, "sessions": len(values),
                    "delta_hr_bpm": round(hr, 2),
                    "delta_ln_rmssd": None if ln is None else round(ln, 3),
                    "during_score": round(statistics.fmean(scores), 3) if scores else None,
                    "during_word": during_word(statistics.fmean(scores)) if scores else None,
                    "during_se": round(sample_sd(scores) / math.sqrt(len(scores)), 3)
                    if len(scores) > 1 else None,
                    "against_usual_curve": usual is not None})
    out.sort(key=lambda r: -(r["during_score"] if r["during_score"] is not None else -math.inf))
    return out


def _standout(response: list[dict[str, Any]]) -> str | None:
    """The step that settles most, only when it clearly beats the runner-up: by more than twice
    the standard error of their difference, over at least ``MIN_STEP_SESSIONS`` sessions each."""
    ranked = [r for r in response if r["during_score"] is not None and r["during_se"] is not None
              and r["sessions"] >= MIN_STEP_SESSIONS]
    if len(ranked) < 2:
        return None
    top, second = ranked[0], ranked[1]
    margin = 2 * math.sqrt(top["during_se"] ** 2 + second["during_se"] ** 2)
    return str(top["step"]) if top["during_score"] > 0 and \
        top["during_score"] - second["during_score"] > margin else None


def frequency(started: list[str], now: datetime | None = None) -> dict[str, Any]:
    times = sorted(instant(s) for s in started)
    if not times:
        return {"sessions": 0, "last_28_days": 0, "per_week": 0.0}
    ref = now or max(times[-1], datetime.now(times[-1].tzinfo))
    recent = [t for t in times if ref - t <= timedelta(days=28)]
    return {"sessions": len(times), "last_28_days": len(recent),
            "per_week": round(len(recent) / 4.0, 2), "last": times[-1].isoformat()}


def trends(profile: str, summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """``summaries``: stored session summaries of one profile, oldest first."""
    usable = [s for s in summaries if s["summary"].get("baseline_hr_bpm") is not None]
    reliable = [s["summary"].get("reliable", True) is not False for s in usable]
    ln = _series([(s["started_at"], s["id"], s["summary"].get("baseline_ln_rmssd"), r)
                  for s, r in zip(usable, reliable, strict=True)])
    hr = _series([(s["started_at"], s["id"], s["summary"].get("baseline_hr_bpm"), r)
                  for s, r in zip(usable, reliable, strict=True)])
    need = max(MIN_SESSIONS + 1 - sum(reliable), 0)
    response = step_response(usable)
    standout = _standout(response)
    headline = f"{profile} settles most during {standout}" if standout else None
    return {
        "profile": profile,
        "sessions": len(usable),
        "not_reliable": reliable.count(False),
        "sessions_needed_for_normal_range": need,
        "message": (f"{need} more session{'s' if need != 1 else ''} to set a normal range"
                    if need else "normal range from your own earlier sessions"),
        "baseline_ln_rmssd": ln,
        "baseline_hr_bpm": hr,
        "step_response": response,
        "headline": headline,
        "frequency": frequency([s["started_at"] for s in summaries]),
        "couples": couple_trends(summaries),
    }
