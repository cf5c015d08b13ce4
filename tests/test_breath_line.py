"""The breath line speaks whenever the breath is clear, never wrongly (signal.breath_rate), and each
step of the end view and the review shows what the live line showed (review.breath_line)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from calmlink.recordings import read_rr_file
from calmlink.review.breath_line import NO_RR, UNEVEN, replay, step_breaths
from calmlink.sensors import population as pop
from calmlink.signal.breath_rate import BreathRate
from calmlink.signal.gauge_run import run_gauge
from calmlink.store.beat import Beat, Role
from calmlink.testing.data import recordings_dir

pytestmark = pytest.mark.timeout(240)


def _line(t: np.ndarray, rr: np.ndarray, after_s: float = 120.0) -> np.ndarray:
    """The live line's value at each beat after ``after_s`` (nan where silent)."""
    return np.array([np.nan if r.breathing_bpm is None else r.breathing_bpm
                     for r in run_gauge(t, rr).results if r.t >= after_s])


@pytest.mark.parametrize(("pace", "cv", "lf", "speaks"), [
    (14.0, None, 1.0, 0.6), (6.0, pop.PACED_CV, pop.ENTRAINED_LF, 0.6), (4.5, pop.PACED_CV,
                                                                         pop.ENTRAINED_LF, 0.6)])
def test_it_speaks_most_minutes_where_heart_rate_follows_the_breath_and_is_right(
        pace: float, cv: float | None, lf: float, speaks: float) -> None:
    said, right = [], []
    for person in pop.draw_people(12):
        line = _line(*pop.beats(person, [pop.Phase(300.0, pace, breath_cv=cv, lf_factor=lf)]))
        shown = line[~np.isnan(line)]
        said.append(shown.size / line.size)
        right.append(np.mean(np.abs(shown - pace) <= 2.0) if shown.size else 1.0)
    assert np.mean(said) >= speaks, said
    assert min(right) >= 0.95, right


def test_premature_beats_never_make_it_wrong() -> None:
    """Premature beats in about one beat in seven: the heart's own breaths are never read across
    them; the spectrum's clear peak, filled over the beats set aside, still speaks in about two
    minutes of five here, rightly (a rhythm with as many extra beats as normal ones, the trigeminy
    record below, keeps it silent)."""
    for person in pop.draw_people(8):
        uneven = replace(person, ectopic_share=0.15)
        line = _line(*pop.beats(uneven, [pop.Phase(300.0, 14.0)]))
        shown = line[~np.isnan(line)]
        assert shown.size < 0.6 * line.size
        assert np.all(np.abs(shown - 14.0) <= 2.0)


@pytest.mark.real_data
def test_the_trigeminy_record_never_gets_a_pace() -> None:
    s = read_rr_file(recordings_dir() / "rr" / "polar_h10_pvc_10min_rr_with_time.csv")
    assert all(r.breathing_bpm is None for r in run_gauge(s.t_s, s.rr_ms, s.gap_before).results)


def test_the_breaths_must_agree_with_the_spectrum_and_be_regular() -> None:
    rate = BreathRate()
    for k in range(6):
        rate.push(10.0 * k, 10.0)
    assert rate.rate(55.0, 6.1, 12.0) == 6.1  # the spectrum's, the finer, is said
    assert rate.rate(55.0, 9.0, 12.0) is None  # the spectrum points elsewhere
    assert rate.rate(55.0, None, 12.0) is None
    assert rate.rate(55.0, 6.1, 3.0) is None  # slow and small: the heart's own slow wave
    uneven = BreathRate()
    for k, s in enumerate([4.0, 10.0, 6.0, 12.0, 5.0, 9.0]):
        uneven.push(8.0 * k, s)
    assert uneven.rate(45.0, 8.0, 12.0) is None


def _beats(t: np.ndarray, rr: np.ndarray, step_at: float, hr_only: bool = False) -> list[Beat]:
    return [Beat(beat_seq=k, role=Role.RECEIVER, t=float(x), rr_ms=None if hr_only else float(r),
                 hr_bpm=60000.0 / float(r), artifact=False, gap_before=False,
                 step=0 if x < step_at else 1, gauge=None, trend=None, quality="good")
            for k, (x, r) in enumerate(zip(t, rr, strict=True))]


def test_each_step_shows_the_pace_the_live_line_showed_and_its_deep_breaths() -> None:
    person = pop.draw_people(3)[2]
    t, rr = pop.beats(person, [pop.Phase(150.0, 14.0), pop.Phase(210.0, 14.0)], sigh_at_s=250.0,
                      sigh_depth=3.0)
    rows = _beats(t, rr, 150.0)
    results = replay(rows)
    live = run_gauge(t, rr).results
    assert [r.breathing_bpm for r in results] == [r.breathing_bpm for r in live]
    steps = step_breaths(rows, results)
    assert steps[1].breathing_bpm == pytest.approx(14.0, abs=2.0) and steps[1].reason is None
    assert steps[1].deep_breaths == sum(r.deep_breath for r in live if r.t >= 150.0) >= 1


def test_a_quiet_step_says_why_in_plain_words() -> None:
    person = pop.draw_people(1)[0]
    t, rr = pop.beats(person, [pop.Phase(240.0, 14.0)])
    steps = step_breaths(rows := _beats(t, rr, 120.0, hr_only=True), replay(rows))
    assert steps[1] == steps[1].__class__(None, NO_RR, 0)
    t, rr = pop.beats(replace(person, ectopic_share=0.15), [pop.Phase(240.0, 14.0)])
    steps = step_breaths(rows := _beats(t, rr, 120.0), replay(rows))
    assert steps[1].breathing_bpm is None and steps[1].reason == UNEVEN


def test_the_session_summary_carries_each_steps_pace_or_its_reason() -> None:
    """What the end view and the review read (StepSummary): a pace where the live line showed one,
    else the reason in plain words."""
    from calmlink.review.summary import step_summaries

    person = pop.draw_people(1)[0]
    t, rr = pop.beats(person, [pop.Phase(150.0, 14.0), pop.Phase(210.0, 14.0)])
    read = step_summaries(_beats(t, rr, 150.0), ["Settle", "Forehead"])
    assert read[1].breathing_bpm == pytest.approx(14.0, abs=2.0) and read[1].breathing_reason is None
    quiet = step_summaries(_beats(t, rr, 150.0, hr_only=True), ["Settle", "Forehead"])
    assert quiet[1].breathing_bpm is None and quiet[1].breathing_reason == NO_RR
