"""Breaths in the chest's breathing signal: trough to trough with hysteresis, each breath's depth
against the settle minute, deep breaths, which way is "in", and the rate over the last minute
(the second half of :mod:`calmlink.signal.chest`; pure, a few comparisons a block)."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

BREATHS_AFTER_MOVING = 2
HYSTERESIS_OF_RMS = 0.7
HYSTERESIS_OF_DEPTH = 0.3
HYSTERESIS_FLOOR_MG = 4.0
CLEAR_OF_NOISE = 1.5
"""A rate is given only when the breaths it counts are, at the median, at least this many times
the still strap's shaking per axis: noise alone makes "breaths" about as deep as itself."""
MIN_BREATH_S = 1.8
DEEP_RATIO = 2.0
DEEP_NEIGHBOURS = 6
SIGN_BREATHS = 6
SIGN_RATIO = 1.1
RATE_WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class ChestBreath:
    t: float
    """When the breath began (its trough), s on the samples' clock."""
    duration_s: float
    depth_mg: float
    depth: float | None
    """Against the settle minute's median breath (1.0 = as deep); None before it is known."""
    deep: bool


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else 0.5 * (ordered[n // 2 - 1] + ordered[n // 2])


class BreathFinder:
    """Fed the breathing signal one block at a time (:meth:`push`); ``sign`` is what the caller
    multiplies the signal by so that breathing in is upward (learnt here, from the breath's shape:
    breathing in is the shorter half)."""

    def __init__(self, settle_s: float = 60.0) -> None:
        self.settle_s = settle_s
        self.reference_mg: float | None = None
        """The settle minute's median breath depth (mG): set by itself once ``settle_s`` is past,
        by :meth:`mark_settled`, or carried over by the caller."""
        self.sign = 1.0
        self.sign_known = False
        self.noise_mg = 0.0
        """The still strap's shaking per axis (mG), kept up to date by the caller."""
        self.breaths: deque[ChestBreath] = deque(maxlen=40)
        self._shapes: deque[float] = deque(maxlen=SIGN_BREATHS)
        self._since_moving = BREATHS_AFTER_MOVING
        self._moved_at = -math.inf
        self._t0: float | None = None
        self._p2 = 0.0
        self.reset()

    def reset(self) -> None:
        """Forget the breath in progress (after moving, or a flip of the sign)."""
        self._state = 0  # 0 unknown, -1 following a trough, +1 following a crest
        self._ext_t = 0.0
        self._ext_v = 0.0
        self._trough: tuple[float, float] | None = None
        self._peak: tuple[float, float] | None = None

    def moved(self, t: float) -> None:
        """Moving has just ended at ``t``: the rate waits for whole breaths after it."""
        self._moved_at = t
        self._since_moving = 0
        self.reset()

    def mark_settled(self) -> bool:
        """The settle step has ended: its breaths' median depth becomes the reference (False when
        fewer than three whole breaths were read; the first three later ones then do)."""
        depths = [b.depth_mg for b in self.breaths]
        if len(depths) < 3:
            return False
        self.reference_mg = median(depths[-12:])
        return True

    def typical_depth(self) -> float | None:
        depths = [b.depth_mg for b in list(self.breaths)[-8:]]
        return median(depths) if len(depths) >= 3 else None

    def push(self, t: float, p: float, a_rms: float) -> ChestBreath | None:
        """The signal ``p`` (mG, already times ``sign``) at ``t``; the breath it completed, if any."""
        if self._t0 is None:
            self._t0 = t
        self._p2 += a_rms * (p * p - self._p2)
        h = max(HYSTERESIS_FLOOR_MG, HYSTERESIS_OF_RMS * math.sqrt(self._p2))
        typical = self.typical_depth()
        if typical is not None:  # a deep breath lifts the RMS: never above the typical breath
            h = max(HYSTERESIS_FLOOR_MG, min(h, HYSTERESIS_OF_DEPTH * typical))
        done = None
        if self._state <= 0:  # on the way down: follow the trough until the signal turns up by h
            if self._state == 0 or p < self._ext_v:
                self._state, self._ext_t, self._ext_v = -1, t, p
            elif p > self._ext_v + h:
                trough = (self._ext_t, self._ext_v)
                if self._trough is not None and self._peak is not None:
                    sign = self.sign
                    done = self._close(self._trough, self._peak, trough)
                    if self.sign != sign:  # upside down until now: start again the right way up
                        return None
                self._trough, self._peak = trough, None
                self._state, self._ext_t, self._ext_v = 1, t, p
        else:  # on the way up: follow the crest until the signal turns down by h
            if p > self._ext_v:
                self._ext_t, self._ext_v = t, p
            elif p < self._ext_v - h:
                self._peak = (self._ext_t, self._ext_v)
                self._state, self._ext_t, self._ext_v = -1, t, p
        return done

    def _close(self, first: tuple[float, float], peak: tuple[float, float],
               last: tuple[float, float]) -> ChestBreath | None:
        duration = last[0] - first[0]
        if duration < MIN_BREATH_S:
            return None
        depth_mg = peak[1] - 0.5 * (first[1] + last[1])
        rise, fall = peak[0] - first[0], last[0] - peak[0]
        if rise > 0 and fall > 0 and self._learn_sign(rise / fall):
            return None
        before = [b.depth_mg for b in list(self.breaths)[-DEEP_NEIGHBOURS:]]
        deep = (len(before) >= 3 and self._since_moving >= BREATHS_AFTER_MOVING
                and depth_mg >= DEEP_RATIO * median(before)
                and median(before) >= CLEAR_OF_NOISE * self.noise_mg)
        if (self.reference_mg is None and self._t0 is not None
                and last[0] - self._t0 >= self.settle_s and len(before) >= 3):
            self.reference_mg = median(before)
        depth = depth_mg / self.reference_mg if self.reference_mg else None
        breath = ChestBreath(first[0], duration, depth_mg, depth, deep)
        self.breaths.append(breath)
        self._since_moving += 1
        return breath

    def _learn_sign(self, rise_over_fall: float) -> bool:
        """True when the sign flipped (the breath in progress is then forgotten)."""
        self._shapes.append(rise_over_fall)
        if len(self._shapes) < 4:
            return False
        ratio = median(list(self._shapes))
        if ratio > SIGN_RATIO:  # what looked like breathing in is the longer half: it is out
            self.sign = -self.sign
            self._shapes.clear()
            self.reset()
            self.sign_known = False
            return True
        if ratio < 1.0 / SIGN_RATIO:
            self.sign_known = True
        return False

    def rate(self, now: float) -> float | None:
        """Breaths a minute over the last minute; None after moving until whole breaths are read
        again, when no breath has ended for much longer than a breath takes, or when the breaths
        are no clearer than the noise (:attr:`noise_mg`)."""
        if self._since_moving < BREATHS_AFTER_MOVING or len(self.breaths) < 2:
            return None
        recent = [b for b in self.breaths if b.t >= self._moved_at]
        if not recent:
            return None
        typical = median([b.duration_s for b in recent[-6:]])
        last = recent[-1]
        if now - (last.t + last.duration_s) > 2.5 * typical + 4.0:
            return None
        inside = [b for b in recent if b.t + b.duration_s >= now - RATE_WINDOW_S]
        if len(inside) < 2 or median([b.depth_mg for b in inside]) < CLEAR_OF_NOISE * self.noise_mg:
            return None
        return 60.0 * len(inside) / sum(b.duration_s for b in inside)
