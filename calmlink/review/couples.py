"""Partner sessions over the weeks, per couple (receiver and giver): how often their heart rates
rose and fell together more than chance would give (the end view's words), honest about small
numbers.

Only a couple's own sessions are counted together; couples are never compared with each other, and
a count never becomes a score.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

FEW = 5
"""Below this many partner sessions, the count is said to say little."""


def _week(started_at: str) -> str:
    day = datetime.fromisoformat(started_at).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def couple_trends(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``summaries``: stored session summaries of one receiver, oldest first. One entry per giver
    they had partner sessions with."""
    by_giver: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in summaries:
        partner = s["summary"].get("partner")
        if partner and partner.get("synchrony"):
            by_giver[partner["giver"]].append({"started_at": s["started_at"],
                                               "passed": bool(partner["synchrony"]["passes"])})
    out = []
    for giver, rows in by_giver.items():
        weeks: dict[str, list[bool]] = defaultdict(list)
        for r in rows:
            weeks[_week(r["started_at"])].append(r["passed"])
        passed = sum(r["passed"] for r in rows)
        n = len(rows)
        message = (f"{n} partner session{'s' if n != 1 else ''} with {giver}; in {passed} of them "
                   "your heart rates moved together more than chance would give.")
        if n < FEW:
            message += " With so few sessions, that says little either way."
        else:
            message += " By chance alone about one in twenty would."
        out.append({"giver": giver, "sessions": n, "passed": passed, "message": message,
                    "weeks": [{"week_of": week, "sessions": len(v), "passed": sum(v)}
                              for week, v in sorted(weeks.items())]})
    return out
