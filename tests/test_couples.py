"""Trends per couple: counts by week, said plainly, never a score, honest about small numbers."""

from __future__ import annotations

from calmlink.review.couples import couple_trends
from calmlink.review.trends import trends


def summary(started: str, giver: str | None, passes: bool) -> dict[str, object]:
    partner = None if giver is None else {"giver": giver, "synchrony": {"passes": passes}}
    return {"id": 1, "started_at": started, "state": "completed",
            "summary": {"baseline_hr_bpm": 70.0, "baseline_ln_rmssd": 3.5, "steps": [],
                        "partner": partner}}


def test_counts_per_giver_and_week_with_the_chance_level() -> None:
    rows = [summary(f"2026-11-{day:02d}T20:00:00+00:00", "Alex", day % 3 == 0)
            for day in range(2, 16)] + [summary("2026-11-03T20:00:00+00:00", None, False)]
    (alex,) = couple_trends(rows)
    assert (alex["giver"], alex["sessions"], alex["passed"]) == ("Alex", 14, 5)
    assert "by chance alone about one in twenty" in alex["message"].lower()
    assert "your heart rates moved together more than chance would give" in alex["message"]
    assert [w["week_of"] for w in alex["weeks"]] == ["2026-11-02", "2026-11-09"]
    assert sum(w["sessions"] for w in alex["weeks"]) == 14


def test_a_few_sessions_say_little_and_solo_sessions_are_not_couples() -> None:
    few = couple_trends([summary("2026-11-02T20:00:00+00:00", "Robin", True)])
    assert few[0]["message"].startswith("1 partner session with Robin")
    assert "says little" in few[0]["message"]
    assert couple_trends([summary("2026-11-02T20:00:00+00:00", None, False)]) == []
    assert trends("Sam", [summary("2026-11-02T20:00:00+00:00", None, False)])["couples"] == []
