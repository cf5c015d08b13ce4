"""Partner mode after the session: how each partner settled, and whether their heart rhythms moved
together more than chance would give, said the only ways it may be said.

Wording (../shared/DESIGN.md, docs/words.md, made in :mod:`calmlink.review.words`), the verdict
first: only when the session test passes, "Your heart rates moved together more than chance would
give. They rose and fell together for about 1 of the 8 minutes that could be compared; chance alone
gives about half a minute.", with the steps where it happened on a line of their own; when too
little clean signal was left to test, that, with the minutes that were usable (never "no clear
link"); otherwise "No clear link between your heart rates this time.", which is common and says
nothing about how the massage went. Never a bare percentage, never a
verdict on the couple, never a comparison between couples. The lag is stored, not shown.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np

from calmlink.review.breathe import Breath, pace_finding
from calmlink.review.pace_words import pace_sentence
from calmlink.review.summary import (
    PartnerSummary,
    StepSummary,
    overall_hr,
    step_summaries,
)
from calmlink.review.synchrony_report import SynchronyReport
from calmlink.review.together_words import Together, left_out_sentence, together_sentence
from calmlink.review.words import both_sentence, shown_change
from calmlink.signal.synchrony import (
    DEFAULT_SYNCHRONY,
    HeartRateGrid,
    Synchrony,
    SynchronyConfig,
    heart_rate_grid,
    pseudo_pair_p,
    synchrony,
)
from calmlink.store.beat import Beat, Role

MIN_PSEUDO_PAIRS = 3
"""Earlier sessions of the couple needed before the pseudo-pair test is run (and required)."""



def beats_of(beats: Sequence[Beat], role: Role) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A role's beats with an RR interval, as (t_s, rr_ms, clean) arrays on the session's clock."""
    mine = [b for b in beats if b.role == role and b.rr_ms is not None]
    return (np.array([b.t for b in mine], dtype=float),
            np.array([b.rr_ms for b in mine], dtype=float),
            np.array([not b.artifact for b in mine], dtype=bool))


def step_starts(beats: Sequence[Beat]) -> dict[int, float]:
    """When each step began, from the first beat stamped with it (any role)."""
    out: dict[int, float] = {}
    for b in beats:
        if b.step is not None and b.step not in out:
            out[b.step] = b.t
    return out


def aligned_giver(other: Sequence[Beat], today: dict[int, float]) -> list[Beat]:
    """Another session's giver beats, each step moved to start when today's did: a pseudo-partner
    who went through the same routine, at the same moments, but was not here."""
    theirs = step_starts(other)
    out = []
    for b in other:
        if b.role == Role.GIVER and b.step in theirs and b.step in today:
            out.append(Beat(b.beat_seq, b.role, b.t - theirs[b.step] + today[b.step], b.rr_ms,
                            b.hr_bpm, b.artifact, b.gap_before, b.step, b.gauge, b.trend,
                            b.quality))
    out.sort(key=lambda b: b.t)
    return out


def _steps_in_step(s: Synchrony, starts: dict[int, float], names: list[str]) -> tuple[str, ...]:
    order = sorted(starts.items(), key=lambda kv: kv[1])
    found: list[str] = []
    for start, on in zip(s.window_start_s, s.in_step, strict=True):
        if not on:
            continue
        centre = float(start) + 15.0
        index = max((k for k, t in order if t <= centre), default=None)
        if index is not None and 0 <= index < len(names) and names[index] not in found:
            found.append(names[index])
    return tuple(name for name in names if name in found)


def _num(x: float | None, digits: int = 4) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


def partner_summary(beats: Sequence[Beat], step_names: list[str], giver: str = "Giver",
                    earlier: Sequence[Sequence[Beat]] = (),
                    config: SynchronyConfig = DEFAULT_SYNCHRONY,
                    receiver_steps: Sequence[StepSummary] | None = None,
                    settle_step: bool = True, breaths: Sequence[Breath] = (),
                    breathe_steps: Collection[int] = (), receiver: str | None = None
                    ) -> PartnerSummary | None:
    """The giver's settling and the pair test; None when the giver wore no strap. ``earlier``:
    the couple's earlier sessions' beats, for the pseudo-pair test (run from three on);
    ``receiver_steps``: the receiver's step summaries when the caller already has them (they are
    not cheap: each step's breathing is a spectrum); ``settle_step``: the first step was a settle
    step (an imported pair's first minute is only a reference); ``breaths``: the pacer's;
    ``breathe_steps``: steps both breathed to the pacer, left out of the synchrony test (a common
    pacer moves two hearts alike by itself: docs/partner.md); ``receiver``: the receiver's name,
    for the step sentences (the giver's is ``giver``; "Giver", the name of no one, is "the
    giver")."""
    giver_rows = [b for b in beats if b.role == Role.GIVER]
    if not giver_rows:
        return None
    if receiver_steps is None:
        receiver_steps = step_summaries([b for b in beats if b.role == Role.RECEIVER], step_names)
    g_steps = step_summaries(giver_rows, step_names, breaths=breaths)
    r_steps = {s.index: s for s in receiver_steps}
    r_base, g_base = (steps[0].mean_hr_bpm if steps and steps[0].index == 0 else None
                      for steps in (receiver_steps, g_steps))
    people = (receiver or "the receiver", giver if giver and giver != "Giver" else "the giver")
    sentences = tuple(both_sentence(g.name, shown_change(r_steps[g.index].mean_hr_bpm, r_base),
                                    shown_change(g.mean_hr_bpm, g_base), settle_step, people)
                      for g in g_steps[1:] if g.index in r_steps)
    return PartnerSummary(
        giver=giver, baseline_hr_bpm=g_steps[0].mean_hr_bpm if g_steps and g_steps[0].index == 0
        else None, mean_hr_bpm=overall_hr(giver_rows), steps=g_steps, step_sentences=sentences,
        synchrony=_report(beats, step_names, earlier, config,
                          set(breathe_steps) | {b.step for b in breaths}),
        n_beats=len(giver_rows), pace_finding=(found := pace_finding(giver_rows, breaths)),
        pace_sentence=pace_sentence(found))


def _left_out(grid: HeartRateGrid, beats: Sequence[Beat], steps: set[int]) -> np.ndarray:
    """The grid points inside the ``steps`` (from their first beat to the next step's first)."""
    starts = sorted(step_starts(beats).items(), key=lambda kv: kv[1])
    times = grid.start_s + np.arange(grid.bpm.size) / grid.fs_hz
    out = np.zeros(grid.bpm.size, dtype=bool)
    for k, (step, first) in enumerate(starts):
        if step in steps:
            end = starts[k + 1][1] if k + 1 < len(starts) else math.inf
            out |= (times >= first) & (times < end)
    return out


def _report(beats: Sequence[Beat], names: list[str], earlier: Sequence[Sequence[Beat]],
            config: SynchronyConfig, breathe: set[int]) -> SynchronyReport | None:
    (t_r, rr_r, ok_r), (t_g, rr_g, ok_g) = beats_of(beats, Role.RECEIVER), beats_of(beats, Role.GIVER)
    if t_r.size < 2 or t_g.size < 2:
        return None
    start, end = max(float(t_r[0]), float(t_g[0])), min(float(t_r[-1]), float(t_g[-1]))

    first = heart_rate_grid(t_r, rr_r, ok_r, start, max(start, end), config)
    excluded = _left_out(first, beats, breathe) if breathe else None

    def grid(t: np.ndarray, rr: np.ndarray, ok: np.ndarray) -> HeartRateGrid:
        g = heart_rate_grid(t, rr, ok, start, max(start, end), config)
        return g if excluded is None else replace(g, missing=g.missing | excluded)

    grid_r = grid(t_r, rr_r, ok_r)
    s = synchrony(grid_r, grid(t_g, rr_g, ok_g), config, excluded)
    today = step_starts(beats)
    others = []
    for other in earlier:
        t_o, rr_o, ok_o = beats_of(aligned_giver(other, today), Role.GIVER)
        if t_o.size >= 2:
            others.append(grid(t_o, rr_o, ok_o))
    pseudo = pseudo_pair_p(s, grid_r, others, config) if len(others) >= MIN_PSEUDO_PAIRS else None
    passes = s.passes and (pseudo is None or (math.isfinite(pseudo) and pseudo <= config.alpha))
    return SynchronyReport(
        statistic=_num(s.statistic), p_value=_num(s.p_value), pseudo_pair_p=_num(pseudo),
        pseudo_pairs=len(others) if pseudo is not None else 0, in_step_s=s.in_step_s,
        chance_in_step_s=round(s.chance_in_step_s, 1), duration_s=s.duration_s,
        lag_s=_num(s.lag_s, 2), windows=s.windows, windows_skipped=s.windows_skipped,
        passes=passes, sentence=synchrony_sentence(s, passes),
        steps_in_step=_steps_in_step(s, today, names) if passes else (),
        testable=s.testable, usable_min=round(s.duration_s / 60.0, 1),
        steps_left_out=tuple(names[i] for i in sorted(breathe) if 0 <= i < len(names)),
        left_out_sentence=left_out_sentence([names[i] for i in sorted(breathe)
                                             if 0 <= i < len(names)]))


def synchrony_sentence(s: Synchrony, passes: bool | None = None) -> str:
    """What people read (review.words). ``passes`` overrides the session test alone (the
    pseudo-pair test must pass too once a couple has earlier sessions)."""
    checked_min = (s.windows + s.windows_skipped) * DEFAULT_SYNCHRONY.step_s / 60.0
    return together_sentence(Together(s.in_step_s / 60.0, s.chance_in_step_s / 60.0,
                                      s.duration_s / 60.0, s.passes if passes is None else passes,
                                      testable=s.testable, checked_min=checked_min))
