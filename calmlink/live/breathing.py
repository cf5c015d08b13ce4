"""A session's breathing: the pacer (live.pacer) with the paces each breathe step will run at, the
simulated strap told the schedule, and the feedback after each breath (a ``breath`` message per
person wearing a strap).

A breath is read for a person once one of their beats comes after its end (beats arrive a second
or so after they happen): the swing within it and the following share over the last minute
(:mod:`calmlink.signal.paced`, a few hundred microseconds once a breath, never per beat), each
against that person's own settle step at the same pace. Per beat this costs one comparison.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence

import numpy as np

from calmlink.live.events import BreathMessage
from calmlink.live.pacer import Pacer
from calmlink.live.routine import LIMITS, Routine
from calmlink.review.breathe import Breath, clean
from calmlink.sensors.models import FollowsBreathing, HeartRateSource, PacedBreathing
from calmlink.signal.paced import (
    FOLLOW_WINDOW_S,
    IN_SHARE,
    cycle_swings,
    following_share,
    following_word,
    settle_reference,
)
from calmlink.store.beat import Beat, Role

CONTEXT_S = 30.0
PENDING = 12
"""Breaths waiting for a person's beats at most (a strap gone quiet does not pile them up)."""


def _round(x: float, digits: int = 1) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


def recent(beats: Sequence[Beat], role: Role, since: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One person's clean beats from ``since`` on (review.breathe.clean: judged again by the batch
    detector, with half a minute more before it for context), read from the end of the session's
    beats backwards: (t, heart rate, run)."""
    rows: list[Beat] = []
    for b in reversed(beats):
        if b.t < since - CONTEXT_S:
            break
        if b.role == role:
            rows.append(b)
    rows.reverse()
    t, hr, run = clean(rows)
    keep = t >= since
    return t[keep], hr[keep], run[keep]


class Breathing:
    """The breathing side of one live session."""

    def __init__(self, routine: Routine, own_pace: float | None) -> None:
        self.pacer = Pacer()
        self.paces: list[float | None] = [
            None if st.kind != "breathe" else st.breaths_per_min or own_pace or LIMITS.default_pace
            for st in routine.steps]
        """The pace each step runs at (None: not a breathe step): its own, else the receiver's
        found pace, else 6; changed from the page before or during the step."""
        self.breaths: list[Breath] = []
        """Every whole breath so far, on the session's beat clock (for the summary)."""
        self._pending: dict[Role, deque[Breath]] = {}
        self._refs: dict[tuple[Role, float], tuple[float, float]] = {}
        self._counts: dict[tuple[Role, int], int] = {}

    # -- the schedule ----------------------------------------------------------------------------

    def enter(self, step: int, at: float) -> None:
        self.pacer.enter(step, self.paces[step], at)

    def set_pace(self, step: int, pace: float, current: int, now: float) -> None:
        self.paces[step] = pace
        if step == current:
            self.pacer.set_pace(pace, now)

    def tick(self, now: float, anchor: float | None, roles: Sequence[Role]) -> None:
        """Log the breaths that ended by ``now`` and queue them for each role's feedback."""
        for b in self.pacer.tick(now):
            if anchor is None:
                continue  # no beat yet: nothing to read, nothing to summarise
            breath = Breath(b.step, round(b.start - anchor, 4), round(b.end - anchor, 4),
                            b.breaths_per_min)
            self.breaths.append(breath)
            for role in roles:
                self._pending.setdefault(role, deque(maxlen=PENDING)).append(breath)

    # -- feedback --------------------------------------------------------------------------------

    def due(self, role: Role, t: float) -> bool:
        """Whether a beat of ``role`` at ``t`` completes a breath to read (one comparison)."""
        queue = self._pending.get(role)
        return bool(queue) and t >= queue[0].end_s  # type: ignore[index]

    def read(self, role: Role, t: float, beats: Sequence[Beat], session_id: int,
             publish: Callable[[BreathMessage], object],
             chest: Callable[[float, float], tuple[float | None, str | None]] | None = None) -> None:
        """Read and say every breath of ``role`` that ended by ``t``; where ``chest`` (the chest
        leads: live.chest) says how the chest moved with a breath, its word is the following."""
        queue = self._pending[role]
        while queue and t >= queue[0].end_s:
            b = queue.popleft()
            since = min(b.start_s, b.end_s - FOLLOW_WINDOW_S) - 1.0
            times, hr, run = recent(beats, role, since)
            swing = cycle_swings(times, hr, np.array([b.start_s]), np.array([b.end_s]), run)[0]
            share = following_share(times, hr, b.breaths_per_min, b.end_s, run)
            ref_swing, ref_share = self._reference(role, b.breaths_per_min, beats)
            key = (role, b.step)
            self._counts[key] = self._counts.get(key, 0) + 1
            word, chest_share = following_word(share, ref_share), None
            if chest is not None:
                chest_share, chest_word = chest(b.start_s, b.end_s)
                word = word if chest_word is None else chest_word
            publish(BreathMessage(
                session_id, str(role), b.step, self._counts[key], b.start_s, b.end_s,
                b.breaths_per_min, _round(swing), _round(share, 3), word, _round(ref_swing),
                _round(ref_share, 3), "heart" if chest_share is None else "chest", chest_share))

    def _reference(self, role: Role, pace: float, beats: Sequence[Beat]) -> tuple[float, float]:
        """The role's settle step at this pace (computed once a pace)."""
        key = (role, pace)
        if key not in self._refs:
            settle = []
            for b in beats:
                if b.step != 0:
                    break
                settle.append(b)
            times, hr, run = recent(settle, role, -math.inf)
            self._refs[key] = (settle_reference(times, hr, float(times[0]), float(times[-1]), pace,
                                                run) if times.size >= 10 else (math.nan, math.nan))
        return self._refs[key]



def guide(sources: dict[Role, tuple[HeartRateSource, float | None]], pacer: Pacer | None,
          anchor: float | None) -> None:
    """Tell each source that can follow a pacer (the simulated strap) the schedule, on its own
    clock (``offset``: its clock minus the session's beat clock; ``anchor``: the controller's clock
    at beat time 0); no running pacer: breathe as before."""
    for source, offset in sources.values():
        if not isinstance(source, FollowsBreathing):
            continue
        if pacer is None or pacer.step is None or not pacer.running or anchor is None \
                or offset is None:
            source.follow(None)
        else:
            source.follow(PacedBreathing(pacer.pace, pacer.origin - anchor + offset, IN_SHARE))
