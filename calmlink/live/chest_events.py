"""The chest strap's feed messages (docs/live-protocol.md: ``chest``, ``chest_status``), part of
:mod:`calmlink.live.events`' messages and serialised by its ``encode``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class ChestBreathView:
    """A breath read from the chest (docs/chest.md)."""

    t: float
    """When it began (its trough), on the session's beat clock."""
    duration_s: float
    depth: float | None
    """Against the settle step's median breath (1.0 = as deep); None before that is known."""
    deep: bool


@dataclass(frozen=True, slots=True)
class ChestMessage:
    """A frame of chest movement read (about every 1.4 s a strap): breathing from the chest."""

    type: ClassVar[str] = "chest"
    session_id: int | None
    role: str
    t: float
    """The reading's time on the session's beat clock (as beats' ``t``)."""
    breaths_per_min: float | None
    """Over the last 30-60 s of breaths; None while moving, just after, or when no breath is clear."""
    depth: float | None
    """The last whole breath against the settle step's median breath."""
    phase: str | None
    """``in`` or ``out`` (None until the shape of a few breaths tells which way is in)."""
    moving: bool
    deep_breath: bool
    """A deep breath ended within this frame."""
    breaths: tuple[ChestBreathView, ...]
    """The breaths that ended within this frame."""
    trace: tuple[tuple[float, float], ...]
    """The breathing signal, ``[t, value]`` pairs five a second (value in mG, in upward)."""


@dataclass(frozen=True, slots=True)
class ChestStatusMessage:
    """Whether a role's strap streams chest movement: once per change."""

    type: ClassVar[str] = "chest_status"
    role: str
    available: bool
    reason: str
    """A sentence: "chest movement not available from this strap: ..." when not."""
    rate_hz: float | None
