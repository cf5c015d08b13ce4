"""The signal-quality gate: when the gauge is withheld rather than wrong (docs/relaxation.md).

Over the last ``quality_beats`` beats (fields of :class:`~calmlink.signal.gauge.GaugeConfig`):
"no-contact" while the strap reports no skin contact (and ``no_contact_hold_s`` after); "poor" when
more than ``poor_artifact_share`` of beats were rejected as artifacts or more than
``irregular_share`` of successive intervals jump by over ``irregular_jump`` of the previous one (an
irregular rhythm such as frequent premature beats, where no relaxation number is meaningful); "fair"
above ``fair_artifact_share``; else "good".
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calmlink.signal.gauge import GaugeConfig


class QualityGate:
    """Counts of the last beats' artifact decisions and jumps, and the quality they give."""

    def __init__(self, config: GaugeConfig) -> None:
        self.c = config
        self._recent: deque[tuple[bool, bool]] = deque()  # (artifact, jump) of the last beats
        self._n_artifacts = 0
        self._n_jumps = 0
        self._no_contact_until = -math.inf

    def check(self, t: float, contact: bool | None) -> tuple[str, str]:
        """(quality, the reason the page shows when the gauge is withheld) at time ``t``."""
        if contact is False:
            self._no_contact_until = t + self.c.no_contact_hold_s
        if t < self._no_contact_until:
            return "no-contact", "signal paused: check the strap"
        n = len(self._recent)
        if not n:
            return "good", ""
        share = self._n_artifacts / n
        jumps = self._n_jumps / n
        full = n >= self.c.quality_beats // 2
        if full and (share > self.c.poor_artifact_share or jumps > self.c.irregular_share):
            return "poor", "beats too uneven to read: gauge paused (check the strap fits snugly)"
        if share > self.c.fair_artifact_share:
            return "fair", ""
        return "good", ""

    def note_beat(self, artifact: bool, jump: bool) -> None:
        """Record one RR beat's artifact decision and whether it jumped from its predecessor."""
        self._recent.append((artifact, jump))
        self._n_artifacts += artifact
        self._n_jumps += jump
        if len(self._recent) > self.c.quality_beats:
            old_artifact, old_jump = self._recent.popleft()
            self._n_artifacts -= old_artifact
            self._n_jumps -= old_jump
