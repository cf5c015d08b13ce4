"""Words that match the numbers beside them: every outcome and trend word, and the sentences made
from them, each by one written rule (docs/words.md), from the numbers only. Pure.

The page draws these words; it never makes its own (the one exception, the partner sentence of
:mod:`calmlink.review.together_words`, is built by web/common.js from the same numbers by the same
rule; a browser test holds them together).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calmlink.review.score import weighed_swing
from calmlink.signal.gauge import settling_score
from calmlink.signal.verdict import unreliable_reason as verdict_reason

if TYPE_CHECKING:
    from calmlink.review.summary import StepSummary


END_STEPS = 2
"""The end of a session is the mean of the last this-many later steps (docs/words.md)."""
STEP_BY_STEP_MIN = 3
"""'Step by step' needs at least this many later steps (docs/words.md)."""
SWING_WORTH_SAYING = 0.2
"""A change of the swing with each breath (ln, weighed by its breaths) worth a word: a fifth."""


def as_read(x: float) -> int:
    """A heart rate as the page shows it: whole bpm, halves up (JavaScript's Math.round)."""
    return math.floor(x + 0.5)


def shown_change(mean: float | None, base: float | None) -> int | None:
    """A step's heart rate against settling as a table beside it reads: the difference of the two
    means as shown (each in whole bpm), so "5 bpm lower" never sits beside 68 and 62 bpm."""
    return None if mean is None or base is None else as_read(mean) - as_read(base)


@dataclass(frozen=True, slots=True)
class EndChange:
    """How the session ended against its settle step: the numbers every end word is made from."""

    hr_bpm: float
    ln_rmssd: float | None
    later: tuple[float, ...]
    """Each later step's heart rate against settling, in order."""
    ln_swing: float | None = None
    """The change of the heart-rate swing with each breath (ln), weighed by the breaths it rests
    on (:func:`calmlink.review.score.weighed_swing`)."""
    shown: tuple[int, ...] = ()
    """The settle step's and each later step's heart rate as read (whole bpm), in order."""

    @property
    def score(self) -> float:
        return settling_score(self.hr_bpm, self.ln_swing)

    @property
    def read_bpm(self) -> int:
        """The end's heart-rate change as people read it beside the step table: the mean of the
        last steps' changes as shown there (each the difference of two whole-bpm heart rates),
        rounded as read; so "7 bpm lower" sits beside rows of -7 and -7, never "8"."""
        if not self.shown:
            return as_read(self.hr_bpm)
        tail = [s - self.shown[0] for s in self.shown[1:]][-END_STEPS:]
        return as_read(sum(tail) / len(tail))

    @property
    def variation_pct(self) -> float | None:
        """The change of beat-to-beat variation (RMSSD) in percent: what ln RMSSD means to people."""
        return None if self.ln_rmssd is None else 100.0 * math.expm1(self.ln_rmssd)


def end_change(steps: Sequence[StepSummary]) -> EndChange | None:
    """The last ``END_STEPS`` later steps against the settle step; None when no later step has a
    heart rate (or there is no settle step: index 0)."""
    if not steps or steps[0].index != 0:
        return None
    later = [s for s in steps[1:] if s.delta_hr_bpm is not None]
    if not later:
        return None
    tail = later[-END_STEPS:]
    hr = sum(s.delta_hr_bpm for s in tail if s.delta_hr_bpm is not None) / len(tail)
    ln = [s.delta_ln_rmssd for s in tail if s.delta_ln_rmssd is not None]
    swings = [w for s in tail
              if (w := weighed_swing(s.delta_ln_swing, steps[0].swing_breaths, s.swing_breaths))
              is not None]
    read = [as_read(s.mean_hr_bpm) for s in (steps[0], *later) if s.mean_hr_bpm is not None]
    return EndChange(hr, sum(ln) / len(ln) if ln else None,
                     tuple(s.delta_hr_bpm for s in later if s.delta_hr_bpm is not None),
                     sum(swings) / len(swings) if swings else None,
                     tuple(read) if len(read) == len(later) + 1 else ())


def outcome_word(steps: Sequence[StepSummary], settle_step: bool = True) -> str | None:
    """One word for the session list (docs/words.md): ``settled`` when the end's settling score
    is above 0.5 and heart rate did not rise; ``lively`` when it is below -0.5 and heart rate did
    not fall; else ``steady``; ``short`` with no later step. None without a settle step to compare
    with (an imported recording's first minute is only a reference)."""
    if not settle_step:
        return None
    end = end_change(steps)
    if end is None:  # no later step; or no settle step to compare with (it had no heartbeats)
        return "short" if not steps or steps[0].index == 0 else None
    change = end.read_bpm  # as the sentence beside it reads it
    if end.score > 0.5 and change <= 0:
        return "settled"
    if end.score < -0.5 and change >= 0:
        return "lively"
    return "steady"


def fell_step_by_step(shown: Sequence[int]) -> bool:
    """``shown``: the settle step's and each later step's heart rate as read (whole bpm). At
    least ``STEP_BY_STEP_MIN`` later steps; heart rate never rose from one step to the next; and
    it was lower in the last step than in the first later one (a drop at the first step followed
    by steps at one level is "fell", not "step by step")."""
    later = shown[1:]
    return len(later) >= STEP_BY_STEP_MIN and all(
        b <= a for a, b in zip(shown, later, strict=False)) and later[-1] < later[0]


SETTLE_SKIPPED = ("Nothing to compare with, since no heartbeats came in during settling (it was "
                  "skipped, or the strap was not on yet); each step stands on its own.")


def reference(settle_step: bool) -> str:
    """What later steps are compared with: the settle step, or an imported file's first minute."""
    return "while settling" if settle_step else "in the first minute"


def observations(steps: Sequence[StepSummary], settle_step: bool = True) -> list[str]:
    """What changed, in one plain sentence from the same numbers as the outcome word ("Heart rate
    fell step by step, 10 bpm lower over the last two steps than while settling, with about 30%
    more beat-to-beat variation."); the step table has the detail (docs/words.md)."""
    end = end_change(steps)
    than = reference(settle_step)
    if end is None:
        if steps and steps[0].index == 0:
            return [f"Too short to compare with {'settling' if settle_step else 'the first minute'}:"
                    " it ended during the first step."]
        return [SETTLE_SKIPPED] if steps and settle_step else []
    change = end.read_bpm  # decide on what people read
    over = "over the last two steps" if len(end.later) >= END_STEPS else "afterwards"
    if change <= -1:
        sentence = (f"Heart rate fell{' step by step' if fell_step_by_step(end.shown) else ''}, "
                    f"{-change} bpm lower {over} than {than}")
    elif change >= 1:
        sentence = f"Heart rate rose, {change} bpm higher {over} than {than}"
    else:
        sentence = f"Heart rate was about the same {over} as {than}"
    pct = end.variation_pct
    if end.ln_swing is not None and abs(end.ln_swing) >= SWING_WORTH_SAYING:
        sentence += (f", with a {'larger' if end.ln_swing > 0 else 'smaller'} heart-rate swing with "
                     "each breath")
    elif pct is not None and end.ln_rmssd is not None and abs(end.ln_rmssd) >= 0.1:
        sentence += (f", with about {abs(round(pct / 5) * 5):.0f}% "
                     f"{'more' if pct > 0 else 'less'} beat-to-beat variation")
    return [sentence + "."]


# -- trends: what happens while a step lasts ---------------------------------------------------

DURING_THRESHOLD = 0.05
"""Settling score per minute (second half of a step against its first) beyond which it moved."""


def during_word(score: float | None) -> str | None:
    """The trends table's word for what happens while a step lasts. It describes the step's
    second half against its first, never the step's level against settling, so it says
    "kept settling", "held steady" or "eased back a little", never "picking up" (that word is
    the live trend's, beside the live heart rate)."""
    if score is None:
        return None
    if score > DURING_THRESHOLD:
        return "kept settling"
    if score < -DURING_THRESHOLD:
        return "eased back a little"
    return "held steady"


# -- partner mode -------------------------------------------------------------------------------

def bpm_change(delta: int, than: str = "") -> str:
    """'6 bpm lower', '3 bpm higher', 'about the same'; with ``than`` ("while settling") the
    comparison follows in the form each takes ("6 bpm lower than while settling", "about the
    same as while settling")."""
    if delta == 0:
        return f"about the same as {than}" if than else "about the same"
    said = f"{abs(delta)} bpm {'lower' if delta < 0 else 'higher'}"
    return f"{said} than {than}" if than else said


def both_sentence(name: str, receiver: int | None, giver: int | None, settle_step: bool = True,
                  people: tuple[str, str] = ("the receiver", "the giver")) -> str:
    """One later step for two people, each against their own settling, ``receiver`` and
    ``giver`` each a change as read (:func:`shown_change`), ``people`` their names: "you both
    slowed down" only when both are at least 1 bpm lower, "you both picked up" only when both are
    at least 1 bpm higher ("Forehead: Sam 1 bpm higher than while settling, Alex about the
    same.")."""
    if receiver is None or giver is None:
        return f"{name}: not enough beats from both to compare."
    than = reference(settle_step)
    who, other = people
    numbers = f"{who} {bpm_change(receiver, than)}, {other} {bpm_change(giver)}"
    if receiver <= -1 and giver <= -1:
        return f"{name}: you both slowed down ({numbers})."
    if receiver >= 1 and giver >= 1:
        return f"{name}: you both picked up ({numbers})."
    return f"{name}: {numbers}."


MINUS = "\u2212"
"""The minus sign every page and every word of ours writes a negative number with (never "-")."""


def signed(x: float, digits: int = 1) -> str:
    """A change with its sign, as the page's ``fmt(x, digits, "", true)`` writes it: "+0.3",
    "\u22120.8" with the true minus sign, and no sign on what rounds to zero."""
    shown = f"{x:.{digits}f}"
    if float(shown) == 0:
        return f"{0:.{digits}f}"
    return f"+{shown}" if x > 0 else MINUS + shown.lstrip("-")


def unreliable_reason(clean_share: float | None, n: int) -> str | None:
    """The reason a session's figures are not one clean number, or None when they are
    (signal.verdict: the same verdict and words as ``calmlink analyze``)."""
    return verdict_reason(None if clean_share is None else 1.0 - clean_share, n)

