"""The synchrony test's report as a partner summary keeps it (computed in review.partner)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SynchronyReport:
    """Whether the two heart rhythms moved together more than chance would give (review.partner)."""

    statistic: float | None
    p_value: float | None
    pseudo_pair_p: float | None
    """Against other sessions' givers (once a couple has 3 earlier sessions); None before that."""
    pseudo_pairs: int
    in_step_s: float
    chance_in_step_s: float
    duration_s: float
    lag_s: float | None
    """Stored, never shown: positive when the giver follows the receiver."""
    windows: int
    windows_skipped: int
    passes: bool
    sentence: str
    """The only words people read about it."""
    steps_in_step: tuple[str, ...]
    """Steps where the windows in step fell; empty unless the whole session passes."""
    testable: bool = True
    """False when too little clean signal was left to test (the sentence says so, never "no clear
    link"): :data:`calmlink.signal.synchrony.MIN_TESTABLE_WINDOWS`."""
    usable_min: float | None = None
    """Minutes of usable signal the test had (its counted windows)."""
    steps_left_out: tuple[str, ...] = ()
    """Breathe steps, left out of the test: one pacer moves two hearts alike by itself."""
    left_out_sentence: str = ""
    """Says so, crediting the pacer (review.words); empty when nothing was left out."""
