"""One verdict per recording: whether its figures are one clean number, the same for every command.

The live path judges each beat on arrival (:class:`~calmlink.signal.stream_artifacts.
CausalArtifactDetector`, the sensor's own marks first); a session or an imported recording whose
beats it set aside in more than :data:`UNRELIABLE_SHARE` is "not reliable for this recording".
``calmlink analyze`` (every form: the figures, ``--pace``, ``--gauge``) and ``calmlink import``
take the verdict from here, so they cannot disagree: a rhythm with many premature beats (the Polar
H10 trigeminy record: about three beats in five) is not reliable whichever command reads it, even
where a batch correction, which sees a regular pattern of extra beats as the rhythm, changes few.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from calmlink.signal.stream_artifacts import CausalArtifactDetector

UNRELIABLE_SHARE = 0.20
"""Beyond this share of beats set aside (or corrected) a recording has no clean figure."""


def set_aside(rr_ms: NDArray[np.float64], gap_before: NDArray[np.bool_] | None = None,
              flagged: NDArray[np.bool_] | None = None) -> NDArray[np.bool_]:
    """Each beat the live path sets aside, judged exactly as it judges them (a gap starts afresh;
    a beat the sensor itself marked is set aside without being judged)."""
    detector = CausalArtifactDetector()
    push = detector.push
    gaps = [False] * rr_ms.size if gap_before is None else gap_before.tolist()
    marks = [False] * rr_ms.size if flagged is None else flagged.tolist()
    out: list[bool] = []
    for rr, gap, mark in zip(rr_ms.tolist(), gaps, marks, strict=True):
        if gap:
            detector.reset()
        out.append(bool(mark) or push(rr))  # plain lists: numpy's per-item access costs more
    return np.array(out, dtype=bool)


def unreliable_reason(set_aside_share: float | None, n: int) -> str | None:
    """Why a recording's figures are not one clean number, in words people read; None when they
    are."""
    if set_aside_share is None or set_aside_share <= UNRELIABLE_SHARE:
        return None
    return (f"not reliable for this recording: {100 * set_aside_share:.0f}% of its {n} beats "
            "were set aside as artifacts (a loose strap, movement, or a rhythm with many extra "
            "beats), so its figures are not one clean number")
