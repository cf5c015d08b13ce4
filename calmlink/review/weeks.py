"""Sessions per week over the last weeks: a quiet strip to look back at. Counts only: no streak,
no goal, no badge, nothing that says a week was missed. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(sessions: Iterable[tuple[str, float]], now: datetime, count: int = 12,
          tz: tzinfo | None = None) -> list[dict[str, Any]]:
    """``sessions``: (started_at, seconds) each. The ``count`` weeks up to the one holding ``now``,
    oldest first, each from its Monday in ``tz`` (None: this machine's zone, summer time
    included), with how many sessions and minutes it held (0 for a week without)."""
    this_week = _monday(now.astimezone(tz).date())
    firsts = [this_week - timedelta(weeks=k) for k in range(count - 1, -1, -1)]
    totals: dict[date, list[float]] = {d: [0, 0.0] for d in firsts}
    for started_at, seconds in sessions:
        when = datetime.fromisoformat(started_at)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        week = totals.get(_monday(when.astimezone(tz).date()))
        if week is not None:
            week[0] += 1
            week[1] += seconds / 60.0
    return [{"week_of": d.isoformat(), "sessions": int(totals[d][0]),
             "minutes": round(totals[d][1], 1)} for d in firsts]
