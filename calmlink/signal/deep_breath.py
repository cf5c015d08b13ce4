"""A deep breath (a sigh), read from the heart: one breath clearly deeper than those around it.

"Notice if they sigh: that's your cue to keep going." A sigh is one breath about twice as deep as
the ones around it, usually longer, after which breathing goes back to what it was. Heart rate
follows it: the swing of that breath (signal.swing: its peak above the mean of its two troughs) is
about as many times the usual swing. So, once a breath of the heart closes (the beat that confirms
its closing trough), it is weighed against the breaths of the same run before it:

- **deeper**: its swing is at least ``RATIO`` times the median of the ``REFERENCE`` breaths before
  it, and at least ``MIN_EXCESS_BPM`` more (a breath of 2 bpm among 1-bpm ones is not a sigh);
- **and back**: the breath after it is at most the deep one's swing over ``BACK_FALL``, so a
  change of breathing (ordinary breathing turning slow and deep, each breath larger than the last)
  is not taken for a sigh; the mark is therefore known one breath later, at the beat that closes the
  breath after the sigh;
- **on clean beats only**: never a breath with a beat the artifact check set aside in it or in the
  breath after (:meth:`DeepBreaths.spoil`), never across a gap, and never while the rhythm is
  irregular: then the usual swing starts afresh (:meth:`DeepBreaths.new_run`), and nothing is
  marked before ``REFERENCE`` breaths of good rhythm have been seen again.

The evidence (simulated sighs found, false marks per 10 minutes of steady breathing, the rate of
marks on the shared recordings) is `python -m benchmarks deep_breaths` (docs/relaxation.md).
This is the heart's reading; where a strap streams its chest movement, that is the better witness
of a breath, and it can take this one's place where :class:`calmlink.signal.per_beat.LiveProcessor`
says a breath was deep (one place).
"""

from __future__ import annotations

from collections import deque
from statistics import median

RATIO = 1.8
"""How many times the usual swing a deep breath's is at least (simulated sighs of twice and three
times a breath's depth read at 1.8-2.6 times the usual swing)."""
MIN_EXCESS_BPM = 2.0
BACK_FALL = 1.4
"""The breath after a sigh is back toward the usual ones: the sigh's swing is at least this many
times its swing."""
REFERENCE = 6
"""Breaths before, whose median is the usual swing."""


class DeepBreaths:
    """Fed each whole breath of one run of clean beats, in order; says when the one before the
    latest was a deep breath."""

    __slots__ = ("_candidate", "_recent", "_spoiled")

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=REFERENCE)
        self._candidate: tuple[float, float] | None = None  # (its swing, the usual swing)
        self._spoiled = False

    def new_run(self) -> None:
        """A gap: nothing before it counts."""
        self._recent.clear()
        self._candidate = None
        self._spoiled = False

    def spoil(self) -> None:
        """A beat set aside, or an irregular rhythm, within the breath being read: it is neither
        weighed nor counted among the usual, and a deep breath waiting for it is dropped."""
        self._spoiled = True

    def push(self, swing_bpm: float) -> bool:
        """One whole breath's swing; True when the breath before it was a deep breath."""
        if self._spoiled:
            self._spoiled = False
            self._candidate = None
            return False
        recent = self._recent
        if self._candidate is not None:
            deep, _ = self._candidate
            self._candidate = None
            if BACK_FALL * swing_bpm <= deep:  # back: the sigh stays out of the usual swing
                recent.append(swing_bpm)
                return True
            recent.append(deep)  # breathing changed: both are the usual now
        elif len(recent) == REFERENCE:
            usual = median(recent)
            if swing_bpm >= RATIO * usual and swing_bpm - usual >= MIN_EXCESS_BPM:
                self._candidate = (swing_bpm, usual)
                return False
        recent.append(swing_bpm)
        return False
