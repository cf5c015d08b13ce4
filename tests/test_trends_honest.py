"""Which steps settle most, honestly: relaxation accumulates, so a ranking by level crowns the last
steps every time. Ranked by what happens during a step, a session that relaxes only with time
names no step, and a step that really settles the receiver is found."""

from __future__ import annotations

import random
from collections.abc import Callable

from calmlink.live.routine import DEFAULT_ROUTINE
from calmlink.review.summary import summarize
from calmlink.review.trends import trends
from calmlink.store.beat import Beat

NAMES = [s.name for s in DEFAULT_ROUTINE.steps]
BOUNDS = [sum(s.duration_s for s in DEFAULT_ROUTINE.steps[: k + 1]) for k in range(len(NAMES))]


def session(hr_at: Callable[[float], float], seed: int) -> dict[str, object]:
    """A stored summary of one session whose heart rate follows ``hr_at(t)`` (plus breathing)."""
    rng = random.Random(seed)
    beats, t, k = [], 0.0, 0
    while t < BOUNDS[-1]:
        rr = 60000.0 / hr_at(t) + 25.0 * __import__("math").sin(t * 1.3) + rng.gauss(0, 6)
        t += rr / 1000.0
        step = next((i for i, end in enumerate(BOUNDS) if t < end), len(NAMES) - 1)
        beats.append(Beat(k, "receiver", t, rr, 60000 / rr, False, k == 0, step, None, None, "good"))
        k += 1
    return {"id": seed, "started_at": f"2026-11-{seed % 28 + 1:02d}T20:00:00+00:00",
            "state": "completed", "summary": summarize(beats, NAMES).to_dict()}


def test_relaxation_that_depends_only_on_time_names_no_step() -> None:
    linear = lambda t: 75.0 - 12.0 * t / BOUNDS[-1]  # noqa: E731
    settling = lambda t: 62.0 + 13.0 * __import__("math").exp(-t / 180.0)  # noqa: E731
    for curve in (linear, settling):
        for n in (1, 2, 6):
            result = trends("Sam", [session(curve, seed) for seed in range(n)])
            assert result["headline"] is None, (n, result["step_response"])
    level_winner = trends("Sam", [session(linear, 1)])["step_response"]
    assert max(level_winner, key=lambda r: -r["delta_hr_bpm"])["step"] == "Stillness"  # the old trap


def test_a_step_that_really_settles_is_found() -> None:
    temples = BOUNDS[NAMES.index("Temples") - 1], BOUNDS[NAMES.index("Temples")]

    def curve(t: float) -> float:  # flat, except that heart rate eases during Temples
        if t < temples[0]:
            return 72.0
        return 72.0 - 6.0 * min(t - temples[0], temples[1] - temples[0]) / (temples[1] - temples[0])

    result = trends("Sam", [session(curve, seed) for seed in range(5)])
    assert result["headline"] == "Sam settles most during Temples", result["step_response"]


def test_breathing_slowly_reads_settled_though_heart_rate_stays_put() -> None:
    """The review's settling score is the gauge's: heart rate and the swing with each breath. A
    receiver who breathes slowly from Scalp on, heart rate where it was, reads "settled"; one whose
    heart rate crept up a beat meanwhile reads "steady" (the word never contradicts the heart rate
    said beside it: docs/words.md), and both are told their swing grew."""
    from calmlink.review.words import end_change
    from calmlink.sensors import population as pop

    settle_to_scalp = BOUNDS[NAMES.index("Scalp")]
    put = 0
    for person in pop.draw_people(8):
        t, rr = pop.beats(person, pop.slow_breathing(settle_to_scalp, BOUNDS[-1] - settle_to_scalp))
        beats = [Beat(k, "receiver", float(tk), float(r), 60000.0 / r, False, k == 0,
                      next((i for i, end in enumerate(BOUNDS) if tk < end), len(NAMES) - 1),
                      None, None, "good") for k, (tk, r) in enumerate(zip(t, rr, strict=True))]
        summary = summarize(beats, NAMES)
        last, end = summary.steps[-1], end_change(summary.steps)
        assert end is not None and last.swing_breaths >= 3
        assert last.delta_ln_swing is not None and last.delta_ln_swing > 0.3  # a third larger
        assert "larger heart-rate swing with each breath" in summary.observations[0]
        if end.read_bpm == 0:  # heart rate stayed put, as people read it beside the rows
            put += 1
            assert summary.outcome == "settled", summary.observations
        else:
            assert summary.outcome in ("settled", "steady"), summary.observations
    assert put >= 3
