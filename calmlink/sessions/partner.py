"""Partner mode after the session: how each partner settled, and whether their heart rhythms moved
together more than chance would give, said the only ways it may be said.

Wording (../shared/DESIGN.md): only when the session test passes, "in step for N of M minutes; by
chance alone about K", with the steps where it happened; otherwise "no clear link this time; that is
common and says nothing about how the massage went". Never a bare percentage, never a verdict on
the couple, never a comparison between couples. The lag is stored, not shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from calmlink.sessions.beat import Beat, Role
from calmlink.signal.synchrony import DEFAULT_SYNCHRONY, Synchrony, SynchronyConfig, pair_synchrony

NO_CLEAR_LINK = "no clear link this time; that is common and says nothing about how the massage went"


def beats_of(beats: Sequence[Beat], role: Role) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A role's beats with an RR interval, as (t_s, rr_ms, clean) arrays on the session's clock."""
    mine = [b for b in beats if b.role == role and b.rr_ms is not None]
    return (np.array([b.t for b in mine], dtype=float),
            np.array([b.rr_ms for b in mine], dtype=float),
            np.array([not b.artifact for b in mine], dtype=bool))


def session_synchrony(beats: Sequence[Beat], config: SynchronyConfig = DEFAULT_SYNCHRONY
                      ) -> Synchrony | None:
    """The session test, or None when the giver wore no strap."""
    giver = beats_of(beats, Role.GIVER)
    if giver[0].size == 0:
        return None
    return pair_synchrony(beats_of(beats, Role.RECEIVER), giver, config)


def _minutes(seconds: float) -> str:
    m = round(seconds / 60.0)
    return "under a minute" if m < 1 else f"{m} minute{'s' if m != 1 else ''}"


def synchrony_sentence(s: Synchrony, passes: bool | None = None) -> str:
    """What people read. ``passes`` overrides the session test alone (the pseudo-pair test must
    pass too once a couple has earlier sessions)."""
    if not (s.passes if passes is None else passes):
        return NO_CLEAR_LINK
    return (f"your heart rhythms moved together more than chance would give: in step for "
            f"{_minutes(s.in_step_s)} of {_minutes(s.duration_s)}; by chance alone about "
            f"{_minutes(s.chance_in_step_s)}")
