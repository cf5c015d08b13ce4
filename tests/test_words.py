"""Words that match the numbers beside them (docs/words.md): each rule tested from numbers, with
the cases the first release got wrong ("picking up" beside a heart rate that fell, "step by step"
after one step, a headline that said nothing, an imported rest called "lively")."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmlink.review.summary import StepSummary, summarize
from calmlink.review.together_words import (
    NO_CLEAR_LINK,
    Together,
    about_minutes,
    together_sentence,
)
from calmlink.review.trends import step_response
from calmlink.review.words import (
    both_sentence,
    during_word,
    fell_step_by_step,
    observations,
    outcome_word,
    shown_change,
)
from calmlink.store.beat import Beat, Role

NAMES = ["Settle", "Forehead", "Temples", "Scalp", "Base of the skull", "Neck", "Stillness"]


def steps(hr: list[float], ln: list[float | None] | None = None) -> list[StepSummary]:
    """A settle step and one later step per ``hr`` (heart rate against settling, bpm)."""
    ln = ln if ln is not None else [0.0] * len(hr)
    out = [StepSummary(0, NAMES[0], 60, 1.0, 70.0, 40.0, 3.7, 50.0, 60.0, None, None)]
    for i, (h, d) in enumerate(zip(hr, ln, strict=True), start=1):
        out.append(StepSummary(i, NAMES[i], 60, 1.0, 70.0 + h, 40.0, None if d is None else 3.7 + d,
                               50.0, 60.0, h, d))
    return out


def test_step_by_step_only_when_it_held_over_three_steps() -> None:
    assert "step by step" not in observations(steps([-10.0]))[0]  # one step is not "step by step"
    assert "step by step" not in observations(steps([-3.0, -6.0]))[0]
    assert "step by step" in observations(steps([-3.0, -6.0, -8.0]))[0]
    assert "step by step" not in observations(steps([-3.0, -1.0, -8.0]))[0]  # it went back up
    assert "step by step" in observations(steps([-3.0, -2.6, -8.0]))[0]  # 67, 67, 62 as read
    assert "step by step" not in observations(steps([-3.0, -2.4, -8.0]))[0]  # 67, 68: it rose
    # one drop, then three steps at one level: it fell, but not step by step (the table reads
    # 63, 63, 63)
    level = observations(steps([-7.0, -7.0, -7.0]))[0]
    assert level.startswith("Heart rate fell, 7 bpm lower") and "step by step" not in level
    assert not fell_step_by_step([70, 71, 68, 67])  # the first later step rose
    assert fell_step_by_step([70, 70, 70, 69])  # never rose, and lower at the end


def test_the_sentence_says_what_changed_from_the_same_numbers_as_the_word() -> None:
    said = observations(steps([-4.0, -9.0, -11.0], [0.05, 0.2, 0.3]))[0]
    assert said == ("Heart rate fell step by step, 10 bpm lower over the last two steps than while "
                    "settling, with about 30% more beat-to-beat variation.")  # their mean: -10, +0.25
    assert outcome_word(steps([-4.0, -9.0, -11.0], [0.05, 0.2, 0.3])) == "settled"
    assert observations(steps([2.0, 3.0], [-0.2, -0.3]))[0] == (
        "Heart rate rose, 3 bpm higher over the last two steps than while settling, with about 20% "
        "less beat-to-beat variation.")
    assert observations(steps([0.2, -0.3]))[0] == (
        "Heart rate was about the same over the last two steps as while settling.")
    assert observations(steps([-4.0]))[0] == "Heart rate fell, 4 bpm lower afterwards than while settling."
    assert observations(steps([]))[0] == "Too short to compare with settling: it ended during the first step."
    assert observations([]) == []


@given(st.lists(st.floats(-20, 20), min_size=1, max_size=6),
       st.lists(st.floats(-1, 1), min_size=6, max_size=6))
def test_the_word_never_contradicts_the_heart_rate_beside_it(hr: list[float], ln: list[float]) -> None:
    s = steps(hr, ln[:len(hr)])
    word, sentence = outcome_word(s), observations(s)[0]
    if word == "settled":
        assert "Heart rate rose" not in sentence
    if word == "lively":
        assert "Heart rate fell" not in sentence
    assert word in ("settled", "steady", "lively")


def test_outcome_words_from_the_settling_score_of_the_end() -> None:
    assert outcome_word(steps([-3.0, -6.0])) == "settled"  # score 1.2
    assert outcome_word(steps([3.0, 6.0])) == "lively"
    assert outcome_word(steps([-1.0, -1.0])) == "steady"  # score 0.2
    assert outcome_word(steps([1.0], [0.5])) == "steady"  # score 1.05, but heart rate rose
    assert outcome_word(steps([-1.0], [-0.5])) == "steady"  # score -1.05, but heart rate fell
    assert outcome_word(steps([])) == "short"
    assert outcome_word(steps([-8.0]), settle_step=False) is None


def _rest(minutes: float) -> list[Beat]:
    """An imported resting recording whose heart rate creeps up a little after its first minute."""
    out, t, k = [], 0.0, 0
    while t < minutes * 60:
        rr = 1000.0 - (30.0 if t > 60 else 0.0) + 20 * math.sin(k / 2)
        t += rr / 1000
        out.append(Beat(k, Role.RECEIVER, t, rr, 60000 / rr, False, False, 0 if t < 60 else 1,
                        None, None, "good"))
        k += 1
    return out


def test_an_imported_recording_gets_no_outcome_word_and_no_settling_to_compare_with() -> None:
    summary = summarize(_rest(16), ["Baseline", "Recording"], settle_step=False)
    assert summary.outcome is None
    assert summary.observations[0].startswith("Heart rate rose, 2 bpm higher afterwards than in "
                                              "the first minute")
    live = summarize(_rest(16), ["Settle", "Temples"])
    assert live.outcome == "steady" and "while settling" in live.observations[0]


def test_trend_table_words_describe_the_step_itself_never_picking_up() -> None:
    assert during_word(0.2) == "kept settling"
    assert during_word(-0.2) == "eased back a little"
    assert during_word(0.01) == "held steady"
    assert during_word(None) is None
    fell = {"id": 1, "started_at": "2026-11-01T20:00:00+01:00", "state": "completed", "summary": {
        "steps": [{"name": "Settle", "delta_hr_bpm": None},
                  {"name": "Neck", "delta_hr_bpm": -9.0, "delta_ln_rmssd": 0.3, "start_s": 60.0,
                   "duration_s": 60.0, "within_score_per_min": -0.4}]}}
    [row] = step_response([fell])
    assert row["delta_hr_bpm"] < 0 and row["during_word"] == "eased back a little"
    assert "picking up" not in str(row)


def test_both_of_you_only_when_both_moved_as_read() -> None:
    names = ("Sam", "Alex")
    assert both_sentence("Temples", -6, -3, people=names) == (
        "Temples: you both slowed down (Sam 6 bpm lower than while settling, Alex 3 bpm lower).")
    assert both_sentence("Forehead", 1, 0, people=names) == (
        "Forehead: Sam 1 bpm higher than while settling, Alex about the same.")
    assert both_sentence("Neck", 0, -1, people=names) == (
        "Neck: Sam about the same as while settling, Alex 1 bpm lower.")
    assert both_sentence("Scalp", 2, 2) == (
        "Scalp: you both picked up (the receiver 2 bpm higher than while settling, the giver 2 bpm "
        "higher).")
    assert both_sentence("Recording", -3, -1, settle_step=False, people=names) == (
        "Recording: you both slowed down (Sam 3 bpm lower than in the first minute, Alex 1 bpm lower).")
    assert "not enough beats" in both_sentence("Neck", None, -2)


def test_a_change_is_the_difference_of_the_heart_rates_as_shown() -> None:
    """68.4 and 62.6 bpm are shown as 68 and 63: "5 bpm lower", never the 6 of their exact
    difference, beside them (the page's tables do the same)."""
    assert shown_change(62.6, 68.4) == -5
    assert shown_change(70.5, 70.4) == 1
    assert shown_change(None, 70.0) is None


@pytest.mark.parametrize(("minutes", "said"), [
    (0.1, "a few seconds"), (0.4, "half a minute"), (0.9, "1 minute"), (1.4, "1 minute"),
    (1.5, "2 minutes"), (8.3, "8 minutes")])
def test_minutes_as_people_say_them(minutes: float, said: str) -> None:
    assert about_minutes(minutes) == said


def test_the_partner_sentence_a_couple_reads() -> None:
    # the verdict first, then the minutes and the chance level
    assert together_sentence(Together(0.9, 0.4, 8.3, True)) == (
        "Your heart rates moved together more than chance would give. They rose and fell together "
        "for about 1 of the 8 minutes that could be compared; chance alone gives about half a "
        "minute.")
    assert together_sentence(Together(0.5, 0.1, 8.0, True)) == (
        "Your heart rates moved together more than chance would give. They rose and fell together "
        "for about half a minute out of the 8 minutes that could be compared; chance alone gives "
        "about a few seconds.")
    # rounding never makes what the test found look like chance
    assert together_sentence(Together(0.5, 0.4, 8.0, True)) == (
        "Your heart rates moved together more than chance would give. They rose and fell together "
        "for about 0.5 of the 8 minutes that could be compared; chance alone gives about 0.4 "
        "minutes.")
    assert together_sentence(Together(3.0, 0.4, 8.0, False)) == NO_CLEAR_LINK == (
        "No clear link between your heart rates this time. That is common, and says nothing about "
        "how the massage went.")
    assert "(" not in together_sentence(Together(3.0, 0.4, 8.0, True))


def test_the_end_sentence_reads_as_the_rows_beside_it() -> None:
    """Settling at 70.4 and two last steps at 62.6 and 62.8 bpm: the table reads 70, 63 and 63,
    so "-7" twice; the sentence says 7, never the 8 of the exact mean change (-7.7)."""
    s = steps([-7.8, -7.6])
    s = [replace(s[0], mean_hr_bpm=70.4), replace(s[1], mean_hr_bpm=62.6),
         replace(s[2], mean_hr_bpm=62.8)]
    assert [shown_change(x.mean_hr_bpm, 70.4) for x in s[1:]] == [-7, -7]
    assert observations(s)[0].startswith("Heart rate fell, 7 bpm lower over the last two steps")


def test_a_session_whose_settle_step_had_no_beats_is_compared_with_nothing() -> None:
    """Next tapped through Settle before a beat came in: no settle row, so no word and a sentence
    that says why, never a bare name or a comparison with nothing."""
    skipped = steps([-3.0, -5.0])[1:]
    assert outcome_word(skipped) is None
    assert observations(skipped) == [
        "Nothing to compare with, since no heartbeats came in during settling (it was skipped, or "
        "the strap was not on yet); each step stands on its own."]
    assert outcome_word([]) == "short" and observations([]) == []
