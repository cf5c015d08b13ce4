"""Simulated histories of one receiver, for the tests and the benchmark of the comparisons of what
a couple tried (docs/trends.md). Not for users.

Each session is drawn from a simple model: the settle step's heart rate and its variability (ln of
the heart-rate swing with each breath, which the gauge and the settling score read, and ln RMSSD,
moved alike), and by the last steps heart rate down by ``END_HR_BPM`` and that ln up by ``END_LN``
on average, varying from session to session by ``SPREAD_HR_BPM`` and ``SPREAD_LN`` (one standard
deviation), building up over the routine; a tag can add an effect, and time of day can move
settling too. Histories are built either as stored summaries made with the real summary
dataclasses (fast: 200 histories in a moment) or as beats run through the real
:func:`calmlink.review.summary.summarize` (slow: a few histories end to end through the store).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from calmlink.live.routine import DEFAULT_ROUTINE
from calmlink.review.summary import SessionSummary, StepSummary, summarize
from calmlink.store.beat import Beat, Role

END_HR_BPM = -4.0
END_LN = 0.12
SPREAD_HR_BPM = 2.5
SPREAD_LN = 0.15
STEP_NOISE_HR_BPM = 0.8
STEP_NOISE_LN = 0.05
STEPS = DEFAULT_ROUTINE.steps
STARTS = np.concatenate([[0.0], np.cumsum([s.duration_s for s in STEPS])[:-1]])
DURATIONS = np.array([s.duration_s for s in STEPS])
MIDPOINTS = STARTS + DURATIONS / 2
STARTS_S, DURATIONS_S = STARTS.tolist(), DURATIONS.tolist()
_RAMP = (MIDPOINTS[1:] / MIDPOINTS[-1]) ** 0.8
RAMP = _RAMP / _RAMP[-2:].mean()
"""How much of the session's settling each step after the settle step shows (last two: 1)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    effect_hr_bpm: float = 0.0
    """Added to the end change of heart rate in sessions with the tag (negative: lower)."""
    effect_ln: float = 0.0
    tag_in_evening: bool = False
    """Sessions with the tag at 20:30-22:30, those without at 16:00-19:30 (else all 17-22)."""
    hr_bpm_per_hour: float = 0.0
    """Later sessions settle more by this much heart rate per hour after 19:00 (negative)."""
    ln_per_hour: float = 0.0
    n_with: int = 8
    n_without: int = 8


DOCUMENTED_EFFECT = Scenario("real effect", effect_hr_bpm=-4.0, effect_ln=0.25)
NO_EFFECT = Scenario("no effect")
RIDES_WITH_EVENING = Scenario("rides along with the evening", tag_in_evening=True,
                              hr_bpm_per_hour=-1.0, ln_per_hour=0.06)


@dataclass(frozen=True, slots=True)
class SessionDraw:
    tagged: bool
    hour: float
    base_hr: float
    base_ln: float
    end_hr: float
    end_ln: float


def draws(scenario: Scenario, rng: np.random.Generator) -> list[SessionDraw]:
    """Each session's numbers, in the order the sessions happened."""
    tagged = np.array([True] * scenario.n_with + [False] * scenario.n_without)
    rng.shuffle(tagged)
    n = tagged.size
    if scenario.tag_in_evening:
        hour = np.where(tagged, rng.uniform(20.5, 22.5, n), rng.uniform(16.0, 19.5, n))
    else:
        hour = rng.uniform(17.0, 22.0, n)
    end_hr = (END_HR_BPM + rng.normal(0, SPREAD_HR_BPM, n) + tagged * scenario.effect_hr_bpm
              + scenario.hr_bpm_per_hour * (hour - 19.0))
    end_ln = (END_LN + rng.normal(0, SPREAD_LN, n) + tagged * scenario.effect_ln
              + scenario.ln_per_hour * (hour - 19.0))
    base_hr, base_ln = rng.normal(70, 5, n), rng.normal(3.6, 0.3, n)
    return [SessionDraw(bool(t), float(h), float(b), float(bl), float(e), float(el))
            for t, h, b, bl, e, el in zip(tagged, hour, base_hr, base_ln, end_hr, end_ln, strict=True)]


def _started(k: int, hour: float) -> str:
    day = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=2 * k, hours=hour)
    return day.isoformat(timespec="seconds")


def stored(k: int, d: SessionDraw, summary: dict[str, Any], tag: str) -> dict[str, Any]:
    """A session as :meth:`calmlink.store.store.Store.summaries` returns it."""
    return {"id": k + 1, "started_at": _started(k, d.hour), "state": "completed",
            "summary": summary, "giver": "Alex", "duration_s": summary["duration_s"],
            "routine": DEFAULT_ROUTINE.name,
            "tried": {"hands": None, "pressure": None, "position": None, "sound": None,
                      "tags": [tag] if d.tagged else []}}


def breaths(seconds: float) -> int:
    """Whole breaths in a step at 12 a minute: what the swing of a step rests on."""
    return int(seconds / 5.0)


def summary_of(d: SessionDraw, rng: np.random.Generator) -> dict[str, Any]:
    """The stored summary such a session would have, built with the real dataclasses."""
    hr = (d.end_hr * RAMP + rng.normal(0, STEP_NOISE_HR_BPM, RAMP.size)).tolist()
    ln = (d.end_ln * RAMP + rng.normal(0, STEP_NOISE_LN, RAMP.size)).tolist()
    during = rng.normal(0.05, 0.1, RAMP.size).tolist()
    steps = [StepSummary(0, STEPS[0].name, 60, 1.0, round(d.base_hr, 2), None, round(d.base_ln, 3),
                         None, DURATIONS_S[0], None, None, 0.0, None, None, STEPS[0].id,
                         swing_breaths=breaths(DURATIONS_S[0]))]
    for i in range(1, len(STEPS)):
        steps.append(StepSummary(
            i, STEPS[i].name, 90, 1.0, round(d.base_hr + hr[i - 1], 2), None,
            round(d.base_ln + ln[i - 1], 3), None, DURATIONS_S[i], round(hr[i - 1], 2),
            round(ln[i - 1], 3), STARTS_S[i], round(during[i - 1], 3), None, STEPS[i].id,
            swing_breaths=breaths(DURATIONS_S[i]), delta_ln_swing=round(ln[i - 1], 3)))
    return as_stored(SessionSummary(600, STARTS_S[-1] + DURATIONS_S[-1], round(d.base_hr, 2),
                                    round(d.base_ln, 3), None, None, 1.0, "steady", tuple(steps), ()))


def as_stored(summary: SessionSummary) -> dict[str, Any]:
    """What ``summary.to_dict()`` gives for a summary without a partner, ten times faster (no deep
    copy): 200 histories of 16 sessions stay quick."""
    out = {f.name: getattr(summary, f.name) for f in fields(summary)}
    out["steps"] = [{f.name: getattr(st, f.name) for f in fields(st)} for st in summary.steps]
    out["observations"] = list(summary.observations)
    return out


def history(scenario: Scenario, rng: np.random.Generator, tag: str = "lavender"
            ) -> list[dict[str, Any]]:
    """One receiver's sessions as the store returns them, oldest first (fast path)."""
    return [stored(k, d, summary_of(d, rng), tag) for k, d in enumerate(draws(scenario, rng))]


def beats_of(d: SessionDraw, rng: np.random.Generator) -> list[Beat]:
    """Beats of such a session: heart rate and beat-to-beat variation (white, RMSSD = sd x √2)
    following the same build-up, every step of the routine."""
    out: list[Beat] = []
    t, total, k = 0.0, float(STARTS[-1] + DURATIONS[-1]), 0
    settle_end = float(DURATIONS[0])
    while t < total:
        ramp = float(np.interp(t, MIDPOINTS, np.concatenate([[0.0], RAMP])))
        ramp = 0.0 if t < settle_end else ramp
        rr_mean = 60000.0 / (d.base_hr + d.end_hr * ramp)
        sd = float(np.exp(d.base_ln + d.end_ln * ramp)) / np.sqrt(2.0)
        rr = float(rr_mean + rng.normal(0, sd))
        t += rr / 1000.0
        step = int(np.searchsorted(STARTS, t, side="right") - 1)
        out.append(Beat(k, Role.RECEIVER, round(t, 3), round(rr, 2), round(60000 / rr, 2), False,
                        k == 0, min(step, len(STEPS) - 1), None, None, "good"))
        k += 1
    return out


def summarized(d: SessionDraw, rng: np.random.Generator) -> tuple[list[Beat], dict[str, Any]]:
    """Beats and their summary by the real summary code (slow path, for the store end to end)."""
    beats = beats_of(d, rng)
    summary = summarize(beats, [s.name for s in STEPS], [s.id for s in STEPS])
    return beats, replace(summary, routine=DEFAULT_ROUTINE.name).to_dict()
