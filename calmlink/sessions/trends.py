"""Trends across sessions, per receiver profile, from stored summaries (docs/trends.md).

In the manner of HRV4Training: each session's baseline (its settle step) is compared with the
person's normal range, the mean of their previous sessions (up to ``NORMAL_WINDOW``) plus or minus
the smallest worthwhile change, ``SWC_FACTOR`` x their standard deviation. A normal range needs
``MIN_SESSIONS`` earlier sessions; until then the trend says how many more it needs.
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta
from typing import Any

from calmlink.sessions.couples import couple_trends
from calmlink.signal.gauge import settling_score

MIN_SESSIONS = 5
NORMAL_WINDOW = 30
SWC_FACTOR = 0.5
ROLLING = 3


def _band(history: list[float]) -> tuple[float, float, float] | None:
    if len(history) < MIN_SESSIONS:
        return None
    recent = history[-NORMAL_WINDOW:]
    mean = statistics.fmean(recent)
    swc = SWC_FACTOR * statistics.stdev(recent)
    return mean, mean - swc, mean + swc


def _series(points: list[tuple[str, int, float | None]]) -> list[dict[str, Any]]:
    out = []
    history: list[float] = []
    for started_at, session_id, value in points:
        if value is None or not math.isfinite(value):
            continue
        band = _band(history)
        window = [*history[-(ROLLING - 1):], value]
        row: dict[str, Any] = {"session_id": session_id, "started_at": started_at,
                               "value": round(value, 3), "rolling": round(statistics.fmean(window), 3)}
        if band is not None:
            mean, low, high = band
            row.update({"normal_mean": round(mean, 3), "normal_low": round(low, 3),
                        "normal_high": round(high, 3),
                        "position": "within" if low <= value <= high else
                        ("above" if value > high else "below")})
        out.append(row)
        history.append(value)
    return out


def step_response(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Average change against the settle step, per step name, across sessions."""
    by_name: dict[str, list[tuple[float, float | None]]] = {}
    for s in summaries:
        for step in s["summary"].get("steps", [])[1:]:
            if step.get("delta_hr_bpm") is None:
                continue
            by_name.setdefault(step["name"], []).append((step["delta_hr_bpm"], step.get("delta_ln_rmssd")))
    out: list[dict[str, Any]] = []
    for name, values in by_name.items():
        hr = statistics.fmean(v[0] for v in values)
        lns = [v[1] for v in values if v[1] is not None]
        ln = statistics.fmean(lns) if lns else None
        score = settling_score(hr, ln)
        out.append({"step": name, "sessions": len(values), "delta_hr_bpm": round(hr, 2),
                    "delta_ln_rmssd": None if ln is None else round(ln, 3),
                    "settling_score": round(score, 2)})
    out.sort(key=lambda r: -r["settling_score"])
    return out


def frequency(started: list[str], now: datetime | None = None) -> dict[str, Any]:
    times = sorted(datetime.fromisoformat(s) for s in started)
    if not times:
        return {"sessions": 0, "last_28_days": 0, "per_week": 0.0}
    ref = now or max(times[-1], datetime.now(times[-1].tzinfo))
    recent = [t for t in times if ref - t <= timedelta(days=28)]
    return {"sessions": len(times), "last_28_days": len(recent),
            "per_week": round(len(recent) / 4.0, 2), "last": times[-1].isoformat()}


def trends(profile: str, summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """``summaries``: stored session summaries of one profile, oldest first."""
    usable = [s for s in summaries if s["summary"].get("baseline_hr_bpm") is not None]
    ln = _series([(s["started_at"], s["id"], s["summary"].get("baseline_ln_rmssd")) for s in usable])
    hr = _series([(s["started_at"], s["id"], s["summary"].get("baseline_hr_bpm")) for s in usable])
    need = max(MIN_SESSIONS + 1 - len(usable), 0)
    response = step_response(usable)
    headline = None
    if response and response[0]["settling_score"] > 0:
        headline = f"{response[0]['step']} settles {profile} most"
    return {
        "profile": profile,
        "sessions": len(usable),
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
