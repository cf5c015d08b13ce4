"""A session's chest: breath read from each strap's accelerometer, by role, on the session's clock.

Each frame of chest movement (a :class:`~calmlink.sensors.models.ChestMotion`, about every 1.4 s at
25 Hz) is placed on the session's beat clock with its strap's offset, run through that role's
streaming detector (:class:`~calmlink.signal.chest.ChestStream`: about 130 µs a frame, never per
beat) and said as one ``chest`` message. The breaths it completes are queued for the store; the raw
samples too when the ``keep_chest_raw`` setting asks.

Where a role's chest is read (a frame within the last :data:`LEADS_S`), the chest leads for that
role: :meth:`ChestSide.leads` is the one place that chooses the source of the breathing line, the
deep-breath cue and the closing breath's "following your breath" (docs/chest.md).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from calmlink.live.chest_events import ChestBreathView, ChestMessage
from calmlink.live.pacer import Pacer
from calmlink.sensors.models import ChestMotion
from calmlink.signal.chest import BLOCK_HZ, ChestStream, ChestUpdate
from calmlink.signal.chest_breaths import ChestBreath
from calmlink.signal.paced import IN_SHARE
from calmlink.store.beat import Role
from calmlink.store.chest import ChestStore, StoredBreath

log = logging.getLogger(__name__)

LEADS_S = 10.0
"""The chest leads a role while its last frame is at most this old (session seconds)."""
FOLLOW_LAGS_S = (0.0, 0.5, 1.0, 1.5, 2.0)
"""The chest is compared with the pacer this much earlier, the best kept: the detector's band-pass
delays the trace by about half a second, and people follow a pacer up to a second or so behind."""
FOLLOW_MOSTLY = 0.8
FOLLOW_PARTLY = 0.65
"""The share of a pacer breath's time the chest moved with it (in while in, out while out) for
``mostly`` and ``partly``. Simulated people breathing to a 6-a-minute pacer a second behind score
0.94-0.97 (five postures, tests/test_chest_live.py); breathing their own 12 a minute, 0.45-0.53."""


def _r(x: float | None, digits: int = 1) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


@dataclass
class RoleChest:
    stream: ChestStream
    last_t: float = -math.inf
    last_v: float | None = None
    phases: deque[tuple[float, bool]] = field(default_factory=lambda: deque(maxlen=600))
    """(session time, breathing in) one a block while the phase is known."""


class ChestSide:
    """The chest strap's breathing side of one live session."""

    def __init__(self, settle_s: float) -> None:
        self.settle_s = settle_s
        self.roles: dict[Role, RoleChest] = {}
        self.breaths: list[StoredBreath] = []
        """Every breath read so far, every role (also queued for the store as it is read)."""

    def leads(self, role: Role, t: float) -> bool:
        """Whether the chest leads ``role``'s breathing now (``t``: the session's beat clock)."""
        found = self.roles.get(role)
        return found is not None and t - found.last_t <= LEADS_S

    def heart_deep_breath(self, role: Role, t: float, heart: bool) -> bool:
        """The one place that chooses who says a deep breath: the heart's word (``heart``, read
        from the beats) only where no chest leads; where one does, its ``chest`` message says."""
        return heart and not self.leads(role, t)

    def settled(self) -> None:
        """The settle step has ended: each chest's breaths so far set its depth of reference."""
        for side in self.roles.values():
            if side.stream.reference_mg is None:
                side.stream.mark_settled()

    def push(self, role: Role, motion: ChestMotion, offset: float, session_id: int | None
             ) -> tuple[ChestMessage, list[StoredBreath]]:
        """One frame (``offset``: the strap's clock minus the session's) -> its message, and the
        breaths it completed, for the store."""
        side = self.roles.get(role)
        if side is None or side.stream.block != _block(motion.rate_hz):
            # a new strap's rate: start afresh, keeping the settle step's depth of reference
            stream = ChestStream(motion.rate_hz, settle_s=self.settle_s)
            if side is not None:
                stream.reference_mg = side.stream.reference_mg
            side = self.roles[role] = RoleChest(stream, side.last_t if side else -math.inf)
        times = np.asarray(motion.t, dtype=np.float64) - offset
        xyz = np.column_stack((motion.x_mg, motion.y_mg, motion.z_mg))
        update = side.stream.push(times, xyz, gap_before=motion.gap_before)  # no breath bridges it
        if times.size:
            side.last_t = float(times[-1])
        return self._message(role, side, update, session_id), self._keep(role, update.breaths)

    def _keep(self, role: Role, breaths: tuple[ChestBreath, ...]) -> list[StoredBreath]:
        kept = [StoredBreath(str(role), round(b.t, 3), round(b.duration_s, 3), round(b.depth_mg, 2),
                             _r(b.depth, 3), b.deep) for b in breaths]
        self.breaths.extend(kept)
        return kept

    @staticmethod
    def _message(role: Role, side: RoleChest, update: ChestUpdate, session_id: int | None
                 ) -> ChestMessage:
        r = update.reading
        trace = tuple((round(t, 2), round(v, 1))
                      for t, v in zip(update.trace_t.tolist(), update.trace.tolist(), strict=True))
        for t, v in trace:  # each block's phase: rising is breathing in (once the sign is known)
            if r.phase is not None and side.last_v is not None and v != side.last_v:
                side.phases.append((t, v > side.last_v))
            side.last_v = v
        views = tuple(ChestBreathView(round(b.t, 2), round(b.duration_s, 2), _r(b.depth, 2), b.deep)
                      for b in update.breaths)
        return ChestMessage(session_id, str(role), round(r.t, 2), _r(r.breaths_per_min),
                            _r(r.depth, 2), r.phase, r.moving, any(b.deep for b in update.breaths),
                            views, trace)

    def follower(self, role: Role, t: float, pacer: Pacer, anchor: float | None
                 ) -> Callable[[float, float], tuple[float | None, str | None]] | None:
        """How to read ``role``'s chest against the pacer's breaths, where the chest leads."""
        if anchor is None or not self.leads(role, t):
            return None
        pacer_in = pacer_phase(pacer, anchor, IN_SHARE)
        return lambda start, end: self.following(role, start, end, pacer_in)

    def following(self, role: Role, start: float, end: float, pacer_in: Callable[[float], bool]
                  ) -> tuple[float | None, str | None]:
        """How the chest moved with a pacer breath from ``start`` to ``end`` (session clock): the
        share of its blocks whose phase matched the pacer's and its word, or (None, None) when the
        chest said no phase for most of it."""
        side = self.roles.get(role)
        if side is None:
            return None, None
        inside = [(t, breathing_in) for t, breathing_in in side.phases if start <= t < end]
        if len(inside) < 0.5 * (end - start) * BLOCK_HZ:  # under half its blocks had a phase
            return None, None
        share = max(sum(breathing_in == pacer_in(t - lag) for t, breathing_in in inside)
                    for lag in FOLLOW_LAGS_S) / len(inside)
        word = "mostly" if share >= FOLLOW_MOSTLY else "partly" if share >= FOLLOW_PARTLY else "not-yet"
        return round(share, 3), word


def _block(rate_hz: float) -> int:
    return max(1, round(rate_hz / BLOCK_HZ))


def pacer_phase(pacer: Pacer, anchor: float, in_share: float) -> Callable[[float], bool]:
    """Whether the pacer says "breathe in" at session time ``t`` (``anchor``: the controller's
    clock at session time 0)."""
    origin, period = pacer.origin - anchor, pacer.period

    def breathing_in(t: float) -> bool:
        return ((t - origin) / period) % 1.0 < in_share

    return breathing_in


def keep(store: ChestStore, session_id: int, role: Role, motion: ChestMotion, offset: float,
         breaths: list[StoredBreath], *, raw: bool) -> None:
    """Queue a frame's breaths for the store, and its raw samples when ``raw`` (the keep_chest_raw
    setting); a row the store could not keep is logged, never raised on the loop."""
    if breaths:
        _log_failure(store.submit_breaths(session_id, breaths))
    if raw and motion.t:
        times = np.asarray(motion.t, dtype=np.float64) - offset
        xyz = np.column_stack((motion.x_mg, motion.y_mg, motion.z_mg))
        _log_failure(store.submit_samples(session_id, str(role), motion.rate_hz, times, xyz))


def _log_failure(future: Future[None]) -> None:
    def done(f: Future[None]) -> None:
        if not f.cancelled() and f.exception() is not None:
            log.error("chest rows not stored", exc_info=f.exception())
    future.add_done_callback(done)
