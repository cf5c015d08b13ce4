"""The session's pacer: one breathing schedule, held by the server, so every device shows the same
breath. Pure: the controller passes ``now`` (its own clock, the step clock's) in.

A breath begins at ``origin`` plus a whole number of breaths (60 / pace seconds each); the first
:data:`~calmlink.signal.paced.IN_SHARE` of it is breathing in, the rest breathing out. A page
draws the breath from this schedule and its own clock (docs/breathe.md), so nothing is sent per
breath to keep devices together, and nothing drifts.

- Entering a breathe step starts a breath at the step's start.
- A new pace takes effect at once and keeps the breath where it is (the shape never jumps): the
  origin moves so that the share of the breath already done stays the same at the new pace.
- Pause stops the pacer and drops the breath in progress; resume starts a new breath (in).
- Leaving the step stops it.

Each whole breath is logged once it has ended (:meth:`Pacer.tick`), with its pace and step: the
live feedback and the session's summary read exactly those breaths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from calmlink.signal.paced import IN_SHARE


@dataclass(frozen=True, slots=True)
class PacerView:
    """The pacer as the feed sends it, on the session clock (seconds since the session started)."""

    breaths_per_min: float
    in_share: float
    origin_s: float
    """A breath began here (session clock); breaths follow every 60 / pace seconds."""
    now_s: float
    """The session clock when this was sent: with it a page sets its own clock against the
    server's."""
    running: bool
    """False while the session is paused."""


@dataclass(frozen=True, slots=True)
class PacedBreath:
    """One whole breath of the pacer, on the controller's clock."""

    step: int
    start: float
    end: float
    breaths_per_min: float


class Pacer:
    __slots__ = ("breath_end", "breath_start", "origin", "pace", "running", "step")

    def __init__(self) -> None:
        self.step: int | None = None
        """The breathe step it paces, or None (no breathe step now)."""
        self.pace = 6.0
        self.origin = 0.0
        self.running = False
        self.breath_start = 0.0
        self.breath_end = math.inf

    @property
    def period(self) -> float:
        return 60.0 / self.pace

    def enter(self, step: int | None, pace: float | None, at: float) -> None:
        """Step ``step`` began at ``at``: a breathe step (``pace`` set) starts its first breath."""
        if pace is None:
            self.step, self.running = None, False
            return
        self.step, self.pace = step, pace
        self._restart(at)

    def _restart(self, at: float) -> None:
        self.origin = self.breath_start = at
        self.breath_end = at + self.period
        self.running = True

    def set_pace(self, pace: float, now: float) -> None:
        """A new pace from ``now``, the breath in progress keeping its place."""
        if self.running:
            done = ((now - self.origin) / self.period) % 1.0
            self.origin = now - done * 60.0 / pace
            self.breath_end = self.origin + math.ceil((now - self.origin) * pace / 60.0) * 60.0 / pace
            if self.breath_end <= now:
                self.breath_end += 60.0 / pace
        self.pace = pace

    def pause(self) -> None:
        self.running = False

    def resume(self, now: float) -> None:
        if self.step is not None and not self.running:
            self._restart(now)

    def tick(self, now: float) -> list[PacedBreath]:
        """The breaths that have ended by ``now`` (each once)."""
        out: list[PacedBreath] = []
        while self.running and self.step is not None and self.breath_end <= now:
            out.append(PacedBreath(self.step, self.breath_start, self.breath_end, self.pace))
            self.breath_start, self.breath_end = self.breath_end, self.breath_end + self.period
        return out

    def view(self, now: float, started: float) -> PacerView | None:
        if self.step is None:
            return None
        return PacerView(self.pace, IN_SHARE, round(self.origin - started, 4),
                         round(now - started, 4), self.running)
