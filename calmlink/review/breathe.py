"""Breathe steps afterwards: each person's heart-rate swing per pacer breath against their own
settle step, and a pace-finding session's answer (docs/breathe.md). Pure, from a session's beats.

The pacer's breaths come from the live session (:class:`Breath`, on the session's clock, pace
changes and pauses included); a session summarised without them (after a crash) has them
rebuilt from each breathe step's pace, breath after breath from its first beat.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from calmlink.signal.pace_finder import PaceFinding, find_pace, is_finding, trial
from calmlink.signal.paced import (
    clean_beats,
    cycle_swings,
    cycles,
    following_share,
    following_word,
    settle_reference,
)
from calmlink.store.beat import Beat


@dataclass(frozen=True, slots=True)
class Breath:
    """One whole breath of the pacer, on the session's clock (beat time)."""

    step: int
    start_s: float
    end_s: float
    breaths_per_min: float


@dataclass(frozen=True, slots=True)
class PacedStep:
    """A breathe step of one person."""

    breaths_per_min: float
    """The pace most of its breaths had."""
    swings_bpm: tuple[float | None, ...]
    """Each pacer breath's swing: highest minus lowest heart rate within it (bpm)."""
    swing_bpm: float | None
    """The median breath's swing."""
    following_share: float | None
    """Share of heart rate's variation within 0.015 Hz of the pace over the step."""
    following: str | None
    """``mostly``, ``partly``, ``not-yet`` (signal.paced.following_word), or None."""
    settle_swing_bpm: float | None
    """The settle step cut into breaths of the same length: its median swing."""
    settle_share: float | None
    """The settle step's share at the same pace."""


def clean(rows: Sequence[Beat]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One person's clean beats as (t, heart rate, run), judged again by the batch detector
    (signal.paced.clean_beats), not by the live path's flags: slow paced breathing swings heart
    rate so far within a breath that the live detector, which knows only the beats before, sets
    aside the crests at first (a tenth of P37's beats; docs/breathe.md). A gap starts a new run."""
    t: list[float] = []
    rr: list[float] = []
    gaps: list[bool] = []
    gap = False
    for r in rows:
        gap = gap or r.gap_before
        if r.rr_ms is not None:
            t.append(r.t)
            rr.append(r.rr_ms)
            gaps.append(gap)
            gap = False
    return clean_beats(np.array(t), np.array(rr), np.array(gaps, dtype=bool))


def _round(x: float, digits: int = 2) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


def rebuilt_breaths(beats: Sequence[Beat], paces: dict[int, float]) -> list[Breath]:
    """Breaths for breathe steps ``paces`` (step -> pace) from their first to their last beat."""
    span: dict[int, list[float]] = {}
    for b in beats:
        if b.step in paces:
            span.setdefault(b.step, [b.t, b.t])[1] = b.t
    out = []
    for step, (first, last) in sorted(span.items()):
        starts, ends = cycles(first, last, paces[step])
        out += [Breath(step, float(a), float(e), paces[step]) for a, e in zip(starts, ends,
                                                                              strict=True)]
    return out


def paced_step(rows: Sequence[Beat], breaths: Sequence[Breath]) -> PacedStep | None:
    """One person's breathe step (``rows``: all their beats of the session, so the settle step is
    among them; ``breaths``: that step's)."""
    if not breaths:
        return None
    t, hr, run = clean(rows)
    paces = [b.breaths_per_min for b in breaths]
    pace = max(set(paces), key=paces.count)
    swings = cycle_swings(t, hr, np.array([b.start_s for b in breaths]),
                          np.array([b.end_s for b in breaths]), run)
    finite = swings[np.isfinite(swings)]
    first, last = breaths[0].start_s, breaths[-1].end_s
    share = following_share(t, hr, pace, last, run, window_s=last - first)
    settle = [r.t for r in rows if r.step == 0]
    ref_swing, ref_share = (settle_reference(t, hr, settle[0], settle[-1], pace, run) if settle
                            else (math.nan, math.nan))
    return PacedStep(pace, tuple(_round(x, 1) for x in swings),
                     _round(float(np.median(finite)), 1) if finite.size else None,
                     _round(share, 3), following_word(share, ref_share), _round(ref_swing, 1),
                     _round(ref_share, 3))


def pace_finding(rows: Sequence[Beat], breaths: Sequence[Breath]) -> PaceFinding | None:
    """A finding session's answer for one person, or None when the session was not one (fewer
    than three paces held for 90 s: signal.pace_finder.is_finding)."""
    by_step: dict[int, list[Breath]] = {}
    for b in breaths:
        by_step.setdefault(b.step, []).append(b)
    paces = {step: max({b.breaths_per_min for b in bs}, key=[b.breaths_per_min for b in bs].count)
             for step, bs in by_step.items()}
    seconds = {step: sum(b.end_s - b.start_s for b in bs) for step, bs in by_step.items()}
    if not is_finding(list(paces.values()), list(seconds.values())):
        return None
    t, hr, run = clean(rows)
    trials = []
    for step, bs in sorted(by_step.items()):
        held = [b for b in bs if b.breaths_per_min == paces[step]]
        trials.append(trial(t, hr, held[0].start_s, held[-1].end_s, paces[step], run))
    return find_pace(trials)
