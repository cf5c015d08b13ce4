"""What two people read about their heart rates together: the partner sentence, case by case
(the verdict first, then the minutes and the chance level: docs/words.md "Two people"), and the
steps a shared pacer left out of the test. Pure.

web/common.js builds the same sentence from the same numbers by the same table of cases; a browser
test holds the two together over 1,944 cases (tests/test_browser_partner.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass


def tenths(x: float) -> str:
    """One decimal, halves up like the page's ``tenths`` (an exact half: format goes to even)."""
    return f"{math.floor(x * 10 + 0.5) / 10:.1f}"


def about_minutes(minutes: float) -> str:
    """A stretch of time as people say it: 'a few seconds', 'half a minute', '1 minute', '8 minutes'."""
    if minutes < 0.25:
        return "a few seconds"
    if minutes < 0.75:
        return "half a minute"
    whole = math.floor(minutes + 0.5)
    return "1 minute" if whole == 1 else f"{whole} minutes"


@dataclass(frozen=True, slots=True)
class Together:
    """The numbers the partner sentence is made from (a synchrony report's, in minutes)."""

    in_step_min: float
    chance_min: float
    duration_min: float
    """Minutes of usable signal the test had (its counted windows)."""
    passes: bool
    testable: bool = True
    """False when too little clean signal was left to test (signal.synchrony.Synchrony.testable)."""
    checked_min: float | None = None
    """Minutes the test looked at, usable or not."""


MOVED_TOGETHER = "Your heart rates moved together more than chance would give."
"""The verdict when the test passes, said first (../shared/DESIGN.md "Words we use")."""


def _together_sentence(t: Together) -> str:
    """The verdict first, then the minutes and the chance level behind it."""
    total = math.floor(t.duration_min + 0.5)
    shown, chance = about_minutes(t.in_step_min), about_minutes(t.chance_min)
    if shown == chance:  # rounding must not hide the difference the test found
        shown, chance = tenths(t.in_step_min), f"{tenths(t.chance_min)} minutes"
    elif t.in_step_min >= 0.75:
        shown = str(math.floor(t.in_step_min + 0.5))
    part = (f"{shown} of the {total} minutes" if shown[0].isdigit()
            else f"{shown} out of the {total} minutes")
    return (f"{MOVED_TOGETHER} They rose and fell together for about {part} that could be "
            f"compared; chance alone gives about {chance}.")


NO_CLEAR_LINK = ("No clear link between your heart rates this time. That is common, and says "
                 "nothing about how the massage went.")
"""The verdict when the test does not pass; no minutes follow (those the windows found in step
would read as a finding the test did not make)."""
def _too_little(t: Together) -> str:
    usable = f"{t.duration_min:.1f}"
    if t.checked_min is not None and t.checked_min - t.duration_min >= 0.5:
        where = (f"only {usable} of {t.checked_min:.1f} minutes could be used (a loose strap or a "
                 "wrist sensor drops beats)")
    else:
        where = f"the two recordings share only {usable} minutes of clean signal"
    return ("Too little clean signal to test whether your heart rates rose and fell together this "
            f"time: {where}.")


TOGETHER_CASES: tuple[tuple[Callable[[Together], bool], Callable[[Together], str]], ...] = (
    (lambda t: not t.testable, _too_little),
    (lambda t: not t.passes, lambda t: NO_CLEAR_LINK),
    (lambda t: True, _together_sentence),
)
"""The partner sentence, case by case, first match wins (web/common.js has the same table): a new
outcome of the test is one more row."""


def together_sentence(t: Together) -> str:
    """What a couple reads about their two heart rates (docs/words.md)."""
    return next(words(t) for applies, words in TOGETHER_CASES if applies(t))


def left_out_sentence(steps: Sequence[str]) -> str:
    """Breathe steps the synchrony test left out, and why: the pacer, not each other."""
    if not steps:
        return ""
    named = " and ".join(steps) if len(steps) <= 2 else ", ".join(steps[:-1]) + f" and {steps[-1]}"
    return (f"{named} {'is' if len(steps) == 1 else 'are'} left out of this comparison: breathing "
            "to the same pacer moves both heart rates alike by itself.")
