"""A beat, the one shape the live feed, the store, the summary, export and import all share."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum


class Role(StrEnum):
    """Who wears the strap. The receiver is always there; the giver may wear one too."""

    RECEIVER = "receiver"
    GIVER = "giver"


@dataclass(frozen=True, slots=True)
class Beat:
    """One beat (with its RR interval) or one heart-rate-only reading of one role, as scored."""

    beat_seq: int | None
    """Number within the session, from 0 across roles; None outside a session."""
    role: str
    t: float
    """Seconds on the session's one clock (the first beat of the session is 0)."""
    rr_ms: float | None
    hr_bpm: float
    artifact: bool
    gap_before: bool
    step: int | None
    gauge: float | None
    trend: str | None
    quality: str
    reason: str = ""
    rmssd_ms: float | None = None
    contact: bool | None = None


BEAT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Beat))
