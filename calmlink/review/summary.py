"""A session's summary and per-step response against the baseline step: pure, from its beats.

Worded as observations ("heart rate 4 bpm lower than at the start"), never as health statements.
The summary is the receiver's: beats of another role are left out here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from calmlink.review.breath_line import replay, step_breaths
from calmlink.review.breathe import Breath, PacedStep, pace_finding, paced_step
from calmlink.review.pace_words import pace_sentence
from calmlink.review.synchrony_report import SynchronyReport
from calmlink.review.words import observations, outcome_word, unreliable_reason
from calmlink.signal.gauge import ln_swing_change_weight, settling_score
from calmlink.signal.metrics import time_domain
from calmlink.signal.pace_finder import PaceFinding
from calmlink.signal.swing import typical_swing
from calmlink.store.beat import Beat, Role


@dataclass(frozen=True, slots=True)
class StepSummary:
    index: int
    name: str
    n_beats: int
    clean_share: float | None
    mean_hr_bpm: float | None
    rmssd_ms: float | None
    ln_rmssd: float | None
    mean_gauge: float | None
    duration_s: float
    delta_hr_bpm: float | None
    """Mean heart rate against the settle step's (None for the settle step itself)."""
    delta_ln_rmssd: float | None
    start_s: float = 0.0
    """When the step began on the session's clock."""
    within_score_per_min: float | None = None
    """What happened during the step: the settling score of its second half against its first,
    per minute between them (positive: heart rate fell and variation rose while it lasted)."""
    breathing_bpm: float | None = None
    """The breathing pace the live line showed during the step (review.breath_line), or None."""
    breathing_reason: str | None = None
    """Why the step shows no pace, in plain words (None when it shows one)."""
    deep_breaths: int = 0
    """Deep breaths the live screen marked during the step."""
    step_id: str | None = None
    """The step's stable identity (its routine's ``id``): trends keep its history under it."""
    swing_bpm: float | None = None
    """The heart-rate swing with each breath during the step: the median breath's (bpm)."""
    swing_breaths: int = 0
    delta_ln_swing: float | None = None
    """ln of the step's swing over the settle step's (None for the settle step itself)."""
    paced: PacedStep | None = None
    """A breathe step: the swing per pacer breath against the settle step (review.breathe)."""


@dataclass(frozen=True, slots=True)
class PartnerSummary:
    """The giver's side: their own settling against their own settle step, and the pair test."""

    giver: str
    baseline_hr_bpm: float | None
    mean_hr_bpm: float | None
    steps: tuple[StepSummary, ...]
    step_sentences: tuple[str, ...]
    """One per step after the first: "Temples: you both slowed down (receiver 6 bpm lower, …)"."""
    synchrony: SynchronyReport | None
    n_beats: int = 0
    """The giver's beats (the session summary's ``n_beats`` is the receiver's)."""
    pace_finding: PaceFinding | None = None
    """A pace-finding session: the giver's own answer."""
    pace_sentence: str | None = None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    n_beats: int
    duration_s: float
    baseline_hr_bpm: float | None
    baseline_ln_rmssd: float | None
    mean_hr_bpm: float | None
    rmssd_ms: float | None
    clean_share: float | None
    outcome: str | None
    """One word (docs/words.md), or None without a settle step to compare with."""
    steps: tuple[StepSummary, ...]
    observations: tuple[str, ...]
    session_id: int | None = None
    profile: str | None = None
    routine: str | None = None
    state: str | None = None
    partner: PartnerSummary | None = None
    """Partner mode only: the giver's settling and the synchrony test."""
    reliable: bool = True
    """False when over a fifth of the beats were artifacts: the figures are not one clean number."""
    unreliable_reason: str | None = None
    """Why, in words people can read ("not reliable for this recording: …"); None when reliable."""
    pace_finding: PaceFinding | None = None
    """A pace-finding session (signal.pace_finder): the receiver's answer and its figures."""
    pace_sentence: str | None = None
    """That answer in words, with the figures that say why (review.pace_words.pace_sentence)."""
    stopped: bool = False
    """Someone stopped it before its routine's end (Stop, not the last step's Finish or timer)."""

    def to_dict(self) -> dict[str, Any]:
        """The stored form (JSON in the sessions table)."""
        return asdict(self)

    @classmethod
    def empty(cls, profile: str, routine: str, state: str, *, n_beats: int = 0,
              duration_s: float = 0.0, stopped: bool = False) -> SessionSummary:
        """A session that was not kept (no session id): the routine ran without one beat, or
        with less than a minute of them (``n_beats`` over ``duration_s``)."""
        return cls(n_beats=n_beats, duration_s=duration_s, baseline_hr_bpm=None,
                   baseline_ln_rmssd=None, mean_hr_bpm=None, rmssd_ms=None, clean_share=None,
                   outcome=None, steps=(), observations=(), profile=profile, routine=routine,
                   state=state, stopped=stopped)


@dataclass(frozen=True, slots=True)
class _Metrics:
    n_beats: int
    clean_share: float | None
    mean_hr_bpm: float | None
    rmssd_ms: float | None
    ln_rmssd: float | None
    mean_gauge: float | None
    duration_s: float
    swing_bpm: float | None
    ln_swing: float | None
    swing_breaths: int


def _swing(rows: Sequence[Beat]) -> tuple[float, int]:
    """The median breath swing of the clean beats and their number, as the live path reads them:
    a rejected beat is skipped, a gap starts a new run (signal.swing)."""
    runs = np.cumsum([r.gap_before for r in rows])  # a gap on a rejected beat still counts
    clean = [(runs[k], r.t, 60000.0 / r.rr_ms) for k, r in enumerate(rows)
             if r.rr_ms is not None and not r.artifact]
    ids, t, hr = (np.array(c) for c in zip(*clean, strict=True)) if clean else (np.empty(0),) * 3
    return typical_swing(t, hr, np.diff(ids, prepend=ids[:1]) > 0)


def _segments(rows: Sequence[Beat]) -> list[np.ndarray]:
    """Clean RR runs: a gap or a rejected beat ends a run, so no difference spans either."""
    runs: list[list[float]] = []
    current: list[float] = []
    for r in rows:
        if r.rr_ms is None or r.artifact or r.gap_before:
            if current:
                runs.append(current)
            current = []
            if r.rr_ms is None or r.artifact:
                continue
        current.append(r.rr_ms)
    if current:
        runs.append(current)
    return [np.array(run) for run in runs]


def _finite(x: float) -> float | None:
    return round(x, 3) if math.isfinite(x) else None


def _metrics(rows: Sequence[Beat]) -> _Metrics:
    td = time_domain(_segments(rows))
    rr_rows = [r for r in rows if r.rr_ms is not None]
    hr_only = [r.hr_bpm for r in rows if r.rr_ms is None and r.hr_bpm > 0]
    mean_hr = td.mean_hr_bpm if td.n_beats else (sum(hr_only) / len(hr_only) if hr_only else math.nan)
    gauges = [r.gauge for r in rows if r.gauge is not None]
    swing, breaths = _swing(rows)
    return _Metrics(
        n_beats=len(rows),
        clean_share=round(1 - sum(r.artifact for r in rr_rows) / len(rr_rows), 3) if rr_rows else None,
        mean_hr_bpm=_finite(mean_hr),
        rmssd_ms=_finite(td.rmssd_ms),
        ln_rmssd=_finite(td.ln_rmssd),
        mean_gauge=round(sum(gauges) / len(gauges), 1) if gauges else None,
        duration_s=round(rows[-1].t - rows[0].t, 1) if len(rows) > 1 else 0.0,
        swing_bpm=_finite(swing),
        ln_swing=math.log(swing) if breaths else None,
        swing_breaths=breaths,
    )


def _delta(a: float | None, b: float | None, digits: int) -> float | None:
    return None if a is None or b is None else round(a - b, digits)


def step_summaries(rows: Sequence[Beat], step_names: list[str],
                   step_ids: Sequence[str] | None = None, breaths: Sequence[Breath] = ()
                   ) -> tuple[StepSummary, ...]:
    """Per step of one role's beats: its figures and their change against its own settle step;
    a step with pacer ``breaths`` also its swing per breath."""
    by_step: dict[int, list[Beat]] = {}
    for r in rows:
        if r.step is not None:
            by_step.setdefault(r.step, []).append(r)
    base = _metrics(by_step[0]) if 0 in by_step else None
    timed = [r for r in rows if r.step is not None]
    lines = step_breaths(timed, replay(timed))
    steps = []
    for index, name in enumerate(step_names):
        if index not in by_step:
            continue
        m = _metrics(by_step[index])
        steps.append(StepSummary(
            index=index, name=name, n_beats=m.n_beats, clean_share=m.clean_share,
            mean_hr_bpm=m.mean_hr_bpm, rmssd_ms=m.rmssd_ms, ln_rmssd=m.ln_rmssd,
            mean_gauge=m.mean_gauge, duration_s=m.duration_s,
            delta_hr_bpm=_delta(m.mean_hr_bpm, base.mean_hr_bpm if base else None, 2),
            delta_ln_rmssd=_delta(m.ln_rmssd, base.ln_rmssd if base else None, 3),
            start_s=round(by_step[index][0].t, 1), within_score_per_min=_within(by_step[index]),
            breathing_bpm=lines[index].breathing_bpm, breathing_reason=lines[index].reason,
            deep_breaths=lines[index].deep_breaths, swing_bpm=m.swing_bpm, swing_breaths=m.swing_breaths,
            delta_ln_swing=_delta(m.ln_swing, base.ln_swing if base else None, 3),
            step_id=step_ids[index] if step_ids is not None and index < len(step_ids) else None,
            paced=paced_step(rows, [b for b in breaths if b.step == index])))
    return tuple(steps)


def _within(rows: Sequence[Beat]) -> float | None:
    """The step's second half against its first, as a settling score per minute."""
    if len(rows) < 20 or rows[-1].t - rows[0].t < 20.0:
        return None
    middle = (rows[0].t + rows[-1].t) / 2.0
    first = _metrics([r for r in rows if r.t < middle])
    second = _metrics([r for r in rows if r.t >= middle])
    if first.mean_hr_bpm is None or second.mean_hr_bpm is None:
        return None
    ln = (None if first.ln_swing is None or second.ln_swing is None else (
        second.ln_swing - first.ln_swing) * ln_swing_change_weight(first.swing_breaths,
                                                                   second.swing_breaths))
    minutes = (rows[-1].t - rows[0].t) / 2.0 / 60.0
    return round(settling_score(second.mean_hr_bpm - first.mean_hr_bpm, ln) / minutes, 3)


def overall_hr(rows: Sequence[Beat]) -> float | None:
    return _metrics(rows).mean_hr_bpm if rows else None


def summarize(beats: Iterable[Beat], step_names: list[str],
              step_ids: Sequence[str] | None = None, settle_step: bool = True,
              breaths: Sequence[Breath] = ()) -> SessionSummary:
    """The receiver's figures and, per step, the change in heart rate, swing and ln RMSSD against
    the first step (the giver's side: :func:`calmlink.review.partner.partner_summary`).
    ``step_ids``: the routine's step ids, kept with each step. ``settle_step``: the first step was a
    settle step (an imported recording's is not). ``breaths``: the pacer's (review.breathe)."""
    rows = [b for b in beats if b.role == Role.RECEIVER]
    steps = step_summaries(rows, step_names, step_ids, breaths)
    base = steps[0] if steps and steps[0].index == 0 else None
    overall = _metrics(rows) if rows else None
    reason = unreliable_reason(overall.clean_share if overall else None, len(rows))
    return SessionSummary(
        n_beats=len(rows),
        duration_s=round(rows[-1].t - rows[0].t, 1) if len(rows) > 1 else 0.0,
        baseline_hr_bpm=base.mean_hr_bpm if base else None,
        baseline_ln_rmssd=base.ln_rmssd if base else None,
        mean_hr_bpm=overall.mean_hr_bpm if overall else None,
        rmssd_ms=overall.rmssd_ms if overall else None,
        clean_share=overall.clean_share if overall else None,
        outcome=outcome_word(steps, settle_step),
        steps=steps,
        observations=tuple(observations(steps, settle_step)),
        reliable=reason is None,
        unreliable_reason=reason,
        pace_finding=(found := pace_finding(rows, breaths)),
        pace_sentence=pace_sentence(found),
    )

