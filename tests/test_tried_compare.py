"""What settles each receiver, honestly, on simulated histories (calmlink.testing.histories): a tag
with the documented effect is found, a tag without one is rarely called different, a tag that only
rides along with the evening is named as confounded; too few sessions say so; one history goes
end to end from beats through the real summary code, the store and the API. The intervals are
checked against scipy."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from calmlink.review import stats as ours
from calmlink.review.settling import SessionPoint, local_hour, session_points
from calmlink.review.tried_compare import compare, compare_all
from calmlink.review.weeks import weeks
from calmlink.review.words import signed
from calmlink.store.store import ImportedSession, Store
from calmlink.store.tried import Tried
from calmlink.testing.histories import (
    DOCUMENTED_EFFECT,
    NO_EFFECT,
    RIDES_WITH_EVENING,
    Scenario,
    draws,
    history,
    stored,
    summarized,
)

HISTORIES = 200


def test_t_quantiles_and_intervals_match_scipy() -> None:
    for df in (1.0, 2.0, 2.7, 5.0, 13.9, 200.0):
        for p in (0.6, 0.9, 0.975, 0.999):
            assert ours.t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-9)
    rng = np.random.default_rng(3)
    a, b = rng.normal(1, 1, 5), rng.normal(0, 2, 9)
    mine = ours.welch(a.tolist(), b.tolist())
    ref = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert mine is not None and (mine.low, mine.high) == pytest.approx((ref.low, ref.high), rel=1e-9)
    x, y = rng.normal(0, 1, 12), rng.normal(0, 1, 12)
    fit = stats.linregress(x, y)
    half = stats.t.ppf(0.975, 10) * fit.stderr
    slope = ours.ols_coefficient(y.tolist(), [x.tolist()], 0)
    assert slope is not None and (slope.low, slope.high) == pytest.approx(
        (fit.slope - half, fit.slope + half), rel=1e-9)
    assert ours.ols_coefficient([1.0, 2.0, 3.0, 4.0, 5.0], [[0, 0, 1, 1, 1], [0, 0, 1, 1, 1]], 0) is None
    for table in ((3, 1, 1, 3), (8, 0, 1, 7), (0, 5, 5, 0), (2, 7, 4, 4)):
        assert ours.fisher_exact(*table) == pytest.approx(
            stats.fisher_exact([table[:2], table[2:]])[1], rel=1e-9)


def verdicts(scenario: Scenario, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(HISTORIES):
        points, curve = session_points(history(scenario, rng), UTC)
        assert curve
        out.append(compare(points, "tag:lavender", "Sam", "lavender"))
    return out


def test_a_tag_with_the_documented_effect_is_found() -> None:
    found = verdicts(DOCUMENTED_EFFECT, 1)
    assert sum(r["verdict"] == "settled-more" for r in found) >= 0.9 * HISTORIES
    assert all(r["difference"]["low"] < r["difference"]["estimate"] < r["difference"]["high"]
               for r in found)


def test_a_tag_without_an_effect_is_rarely_called_different() -> None:
    found = verdicts(NO_EFFECT, 2)
    assert sum(r["verdict"] in ("settled-more", "settled-less") for r in found) <= 0.1 * HISTORIES


def test_a_tag_that_only_rides_along_with_the_evening_is_named_as_confounded() -> None:
    found = verdicts(RIDES_WITH_EVENING, 3)
    named = [r for r in found if any(c["variable"] == "time of day" for c in r["confounds"])]
    assert len(named) >= 0.9 * HISTORIES
    assert sum(r["verdict"] == "settled-more" for r in found) <= 0.1 * HISTORIES
    confounded = next(r for r in found if r["verdict"] == "confounded")
    assert "cannot tell whether it was lavender or the time of day" in \
        confounded["confounds"][0]["sentence"]
    assert "later" not in confounded["sentence"] and "not clearly because of lavender" in \
        confounded["sentence"]
    assert confounded["lines"] == []  # no size in words: it would credit the tag


def point(k: int, tagged: bool, score: float, giver: str = "Alex", minutes: float = 9.0) -> SessionPoint:
    return SessionPoint(k, score, -5 * score, None, 19.0 + (k % 3), minutes, giver,
                        frozenset({"tag:oil"} if tagged else set()))


def test_things_always_noted_together_are_one_comparison_that_says_so() -> None:
    rng = np.random.default_rng(9)
    bundle = frozenset({"hands:oil", "pressure:light", "sound:music"})
    pts = [SessionPoint(k, float(rng.normal(0.5 if k % 2 else 0.0, 0.3)), 0.0, None, 19.0, 9.0,
                        "Alex", (bundle if k % 2 else frozenset({"hands:dry"}))
                        | ({"tag:candle"} if k % 3 == 0 else set())) for k in range(12)]
    found = compare_all(pts, "Sam")
    assert [c["label"] for c in found] == ["dry hands", "oil, light pressure and music", "candle"]
    oil = found[1]
    assert oil["keys"] == ["hands:oil", "pressure:light", "sound:music"] and oil["key"] == "hands:oil"
    assert oil["together"] == "Always together so far: calmlink cannot tell them apart."
    assert (oil["with"], oil["without"]) == (6, 6)
    assert oil["sentence"].startswith(("With oil, light pressure and music, Sam settled",
                                       "No clear difference with oil, light pressure and music"))
    assert found[0]["together"] is None and found[0]["keys"] == ["hands:dry"]  # its complement


def test_negative_numbers_are_written_with_the_minus_sign() -> None:
    assert [signed(x) for x in (-0.84, 0.31, -0.04, 0.0, 2.0)] == [
        "\u22120.8", "+0.3", "0.0", "0.0", "+2.0"]
    assert (signed(-1.234, 2), signed(0.004, 2)) == ("\u22121.23", "0.00")
    pts = [point(k, k < 6, float(np.random.default_rng(k).normal(-0.5 if k < 6 else 0.0, 0.6)))
           for k in range(12)]
    said = compare(pts, "tag:oil", "Sam", "oil")["sentence"]
    assert "\u2212" in said and "-" not in said, said


def test_a_tag_that_goes_with_one_giver_is_not_credited() -> None:
    rng = np.random.default_rng(5)
    pts = [point(k, k < 8, (1.0 if k < 7 or k == 9 else 0.0) + float(rng.normal(0, 0.2)),
                 "Alex" if (k < 7 or k == 9) else "Kim") for k in range(16)]
    r = compare(pts, "tag:oil", "Sam", "oil")
    assert r["verdict"] == "confounded", r
    assert [c["variable"] for c in r["confounds"] if c["explains"]] == ["giver"]
    assert "given by someone else more often (7 of 8 given by Alex, against 1 of 8)" in \
        r["confounds"][0]["sentence"]


def test_too_few_sessions_to_tell_gives_no_numbers() -> None:
    pts = [point(k, k < 2, 1.0 if k < 2 else 0.0) for k in range(12)]
    r = compare(pts, "tag:oil", "Sam", "oil")
    assert (r["verdict"], r["difference"], r["confounds"]) == ("too-few", None, [])
    assert r["sentence"] == "Too few sessions to tell: 2 with oil and 10 without; it takes 3 of each."
    assert r["lines"] == ["It needs 1 more session with oil."]
    r = compare([point(0, True, 1.0)], "tag:oil", "Sam", "oil")
    assert r["lines"] == ["It needs 2 more sessions with oil and 3 more without."]


def test_the_sizes_in_words_round_as_read_and_say_each_side_of_no_difference() -> None:
    found = verdicts(DOCUMENTED_EFFECT, 1)[:20]
    for r in found:  # the words say the same interval as the numbers
        hr, words = r["heart_rate_bpm"], r["lines"][0]
        assert words.startswith("Heart rate by the end, against settling: ")
        low, high = sorted(int(abs(v) + 0.5) for v in (hr["low"], hr["high"]))  # as read
        if hr["high"] <= -0.5:
            assert f"between {low} and {high} bpm lower)." in words, words
        assert r["lines"][1].startswith("Beat-to-beat variation by the end") and "%" in r["lines"][1]
    pts = [point(k, k < 8, 0.0, minutes=9.0) for k in range(16)]
    flat = compare(pts, "tag:oil", "Sam", "oil")  # no spread at all: the interval is the point
    assert flat["lines"] == ["Heart rate by the end, against settling: about the same with oil as "
                             "without (about the same)."]


def test_time_of_day_is_local_and_late_night_is_evening() -> None:
    assert local_hour("2026-03-02T23:30:00+00:00", timezone(timedelta(hours=1))) == pytest.approx(24.5)
    assert local_hour("2026-03-02T15:15:00", UTC) == pytest.approx(15.25)


def test_the_weeks_are_counts_only() -> None:
    now = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
    strip = weeks([("2026-03-16T20:00:00+00:00", 540), ("2026-03-17T20:00:00+00:00", 300),
                   ("2026-03-01T20:00:00+00:00", 540), ("2025-01-01T20:00:00+00:00", 540)],
                  now, tz=UTC)
    assert len(strip) == 12 and strip[-1] == {"week_of": "2026-03-16", "sessions": 2, "minutes": 14.0}
    assert strip[-4] == {"week_of": "2026-02-23", "sessions": 1, "minutes": 9.0}
    assert sum(w["sessions"] for w in strip) == 3 and strip[0]["week_of"] == "2025-12-29"
    assert set(strip[0]) == {"week_of", "sessions", "minutes"}  # no streak, no goal


def through_store(scenario: Scenario, seed: int, db: Path) -> list[dict[str, Any]]:
    """A history from synthetic beats, summarised by the real summary code and written through the
    real store with what was tried; returns the rows as made in memory."""
    rng = np.random.default_rng(seed)
    sessions, made = [], []
    for k, d in enumerate(draws(scenario, rng)):
        beats, summary = summarized(d, rng)
        row = stored(k, d, summary, "Lavender")
        made.append(row)
        sessions.append(ImportedSession("Sam", row["started_at"], row["started_at"], "simulated",
                                        beats, summary, [s["name"] for s in summary["steps"]],
                                        giver="Alex", tried=Tried(tags=tuple(row["tried"]["tags"]))))
    store = Store(db)
    store.open()
    try:
        store.import_sessions_blocking(sessions)
    finally:
        store.close()
    return made


def test_histories_end_to_end_through_the_store(tmp_path: Path) -> None:
    """Beats, the real summary, the store and back: the same comparison as the summaries in memory."""
    for scenario, seed in ((NO_EFFECT, 12), (RIDES_WITH_EVENING, 13)):
        db = tmp_path / f"{seed}.sqlite3"
        made = through_store(scenario, seed, db)
        store = Store(db)
        store.open()
        try:
            kept = asyncio.run(store.summaries("Sam"))
        finally:
            store.close()
        via_store = compare(session_points(kept, UTC)[0], "tag:lavender", "Sam", "Lavender")
        in_memory = compare(session_points(made, UTC)[0], "tag:lavender", "Sam", "Lavender")
        assert via_store == in_memory and (via_store["with"], via_store["without"]) == (8, 8)
        if scenario is RIDES_WITH_EVENING:
            assert via_store["verdict"] != "settled-more" and any(
                c["variable"] == "time of day" for c in via_store["confounds"]), via_store


def test_one_history_end_to_end_through_the_store_and_the_api(start_server: Any,
                                                             tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    made = through_store(Scenario("strong", effect_hr_bpm=-6.0, effect_ln=0.3), 11, db)
    server = start_server(source=None, db=db)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        result = c.get("/api/trends/tried", params={"profile": "Sam"}).json()
        assert c.get("/api/tags", params={"profile": "Sam"}).json()["tags"][0] == {
            "tag": "Lavender", "sessions": 8, "last_used": max(r["started_at"] for r in made
                                                               if r["tried"]["tags"])}
        strip = c.get("/api/weeks", params={"profile": "Sam"}).json()["weeks"]
    assert len(strip) == 12
    (lavender,) = result["comparisons"]
    assert (result["sessions"], lavender["with"], lavender["without"]) == (16, 8, 8)
    assert lavender["verdict"] == "settled-more", lavender
    assert lavender["heart_rate_bpm"]["estimate"] < -3 and "With Lavender, Sam settled more" in \
        lavender["sentence"]
    direct, _ = session_points(made)  # the same numbers as the summaries made in memory
    assert compare(direct, "tag:lavender", "Sam", "Lavender")["difference"] == lavender["difference"]


@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=40))
def test_the_sample_sd_is_the_textbook_one(values: list[float]) -> None:
    """The trends' normal range uses it: the same as Python's exact ``statistics.stdev``."""
    import statistics

    assert ours.sample_sd(values) == pytest.approx(statistics.stdev(values), rel=1e-9, abs=1e-9)


def test_a_length_of_one_minute_is_said_in_the_singular() -> None:
    """The length a tag went with, in words: "1 minute" ("1 minutes" was printed)."""
    rng = np.random.default_rng(5)
    pts = [point(k, k < 8, (1.0 if k < 8 else 0.0) + float(rng.normal(0, 0.2)),
                 minutes=(1.0 if k < 8 else 9.0) + float(rng.normal(0, 0.1))) for k in range(16)]
    r = compare(pts, "tag:oil", "Sam", "oil")
    assert "(on average 1 minute against 9 minutes)" in r["confounds"][0]["sentence"], r
