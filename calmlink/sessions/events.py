"""Domain events of a live session: one frozen dataclass each, the same shape on the feed and in
the store."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BeatEvent:
    seq: int
    t: float
    """Seconds since the session started (source clock)."""
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
