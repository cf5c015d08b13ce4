"""A recording calmlink marks not reliable (over a fifth of its beats set aside) is shown apart in
trends: kept, said so, and counted in neither the 3-session average nor the normal range."""

from __future__ import annotations

from typing import Any

from calmlink.review.trends import MIN_SESSIONS, trends


def stored(k: int, hr: float, reliable: bool = True) -> dict[str, Any]:
    return {"id": k, "started_at": f"2026-11-{k + 1:02d}T20:00:00+05:30", "state": "completed",
            "summary": {"baseline_hr_bpm": hr, "baseline_ln_rmssd": 3.5, "steps": [],
                        "reliable": reliable}}


def test_a_recording_marked_not_reliable_counts_in_no_average_and_no_range() -> None:
    hrs = [70.0, 72.0, 110.0, 71.0, 69.0, 73.0, 70.0, 71.0]  # the third: a loose strap
    result = trends("Sam", [stored(k, hr, k != 2) for k, hr in enumerate(hrs)])
    rows = result["baseline_hr_bpm"]
    assert result["sessions"] == 8 and result["not_reliable"] == 1
    assert [r["reliable"] for r in rows] == [k != 2 for k in range(8)]
    assert rows[2] == {"session_id": 2, "started_at": "2026-11-03T20:00:00+05:30", "value": 110.0,
                       "reliable": False}
    assert rows[3]["rolling"] == round((72.0 + 71.0 + 70.0) / 3, 3)  # the 110 is no part of it
    clean = [hr for k, hr in enumerate(hrs) if k != 2]
    assert rows[7]["normal_mean"] == round(sum(clean[:6]) / 6, 3)
    assert "normal_mean" not in rows[5]  # four reliable sessions before it: the 110 is no fifth
    assert "normal_mean" in rows[6]
    assert result["sessions_needed_for_normal_range"] == 0


def test_the_sessions_a_normal_range_needs_are_reliable_ones() -> None:
    summaries = [stored(k, 70.0 + k % 3, k % 2 == 0) for k in range(MIN_SESSIONS + 1)]
    result = trends("Sam", summaries)
    assert result["sessions_needed_for_normal_range"] == MIN_SESSIONS + 1 - 3
    assert result["message"] == f"{MIN_SESSIONS + 1 - 3} more sessions to set a normal range"


def test_a_summary_stored_before_the_mark_is_taken_as_reliable() -> None:
    old = stored(0, 70.0)
    del old["summary"]["reliable"]
    assert trends("Sam", [old])["baseline_hr_bpm"][0]["reliable"] is True
