"""Breath from a chest strap's accelerometer, whichever way the strap sits (live, one frame at a time).

A breath turns the chest wall by a degree or two, so the share of gravity each axis of a strap's
accelerometer reads moves with it by tens of mG. The path, per frame of samples (docs/chest.md):

1. **Blocks of 0.2 s**: the samples are averaged five a block at 25 Hz (ten at 50 Hz...), so the
   rest runs at about 5 Hz whatever the strap's rate, and cheaply. Within-block spread is kept: it is
   the fast shaking that movement makes and breathing never does.
2. **Band-pass** each axis: the slow level (gravity, a one-pole average of ``GRAVITY_TAU_S``) taken
   away, then a second-order low-pass at ``LOW_PASS_HZ``: about 0.03-0.7 Hz, 2-40 breaths a minute.
3. **The breathing axis**, found, not assumed: the principal direction of the band-passed 3-axis
   signal (a running covariance over about ``AXIS_TAU_S``, one power-iteration step a block), its
   sign kept from block to block. Which way is "in" is learnt from the breath's shape: breathing in
   is shorter than breathing out (``SIGN_RATIO``, over the last few breaths); until then no phase.
4. **Breaths** trough to trough, with hysteresis at a third of the signal's running RMS: each with
   its start, duration, depth (peak over the troughs, in mG, and against the settle minute's median)
   and whether it is a **deep breath**: at least ``DEEP_RATIO`` times the median depth of the
   breaths before it.
5. **Moving**: shaking above breathing's band far beyond the still level, or swings far larger than
   any breath. Then the path says moving, withholds the rate, follows the new posture quickly and
   reads the rate again only from ``BREATHS_AFTER_MOVING`` whole breaths after it.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

BLOCK_HZ = 5.0
GRAVITY_TAU_S = 10.0
MOVING_GRAVITY_TAU_S = 0.6
LOW_PASS_HZ = 0.6
AXIS_TAU_S = 30.0
HF_TAU_S = 0.8
STILL_TAU_S = 60.0
HF_FLOOR_MG = 18.0
HF_TIMES_STILL = 3.0
SWING_TIMES_DEPTH = 3.0
SWING_FLOOR_MG = 150.0
HOLD_S = 3.0
BREATHS_AFTER_MOVING = 2
HYSTERESIS_OF_RMS = 0.7
HYSTERESIS_FLOOR_MG = 4.0
HYSTERESIS_OF_DEPTH = 0.3
MIN_BREATH_S = 1.8
DEEP_RATIO = 2.0
DEEP_NEIGHBOURS = 6
SIGN_BREATHS = 6
SIGN_RATIO = 1.1
RATE_WINDOW_S = 60.0

Phase = Literal["in", "out"]


@dataclass(frozen=True, slots=True)
class ChestBreath:
    t: float
    """When the breath began (its trough), s on the samples' clock."""
    duration_s: float
    depth_mg: float
    depth: float | None
    """Against the settle minute's median breath (1.0 = as deep); None before it is known."""
    deep: bool


@dataclass(frozen=True, slots=True)
class ChestReading:
    t: float
    breaths_per_min: float | None
    """Over the last 30-60 s; None while moving, after moving, or when no breath is clear."""
    phase: Phase | None
    moving: bool
    depth: float | None
    """The last whole breath's depth against the settle minute."""


@dataclass(frozen=True, slots=True)
class ChestUpdate:
    reading: ChestReading
    breaths: tuple[ChestBreath, ...]
    """Breaths completed in this frame."""
    trace_t: NDArray[np.float64]
    trace: NDArray[np.float64]
    """The breathing signal (mG, breathing in upward once the sign is known), one value a block."""


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else 0.5 * (ordered[n // 2 - 1] + ordered[n // 2])


class ChestStream:
    """Feed frames with :meth:`push`; each returns the breaths it completed and the reading now."""

    def __init__(self, rate_hz: float = 25.0, settle_s: float = 60.0) -> None:
        if rate_hz <= 0:
            raise ValueError("rate_hz must be positive")
        self.block = max(1, round(rate_hz / BLOCK_HZ))
        fs = rate_hz / self.block
        self._dt = 1.0 / fs
        self._a_grav = 1.0 - math.exp(-self._dt / GRAVITY_TAU_S)
        self._a_grav_fast = 1.0 - math.exp(-self._dt / MOVING_GRAVITY_TAU_S)
        self._a_axis = 1.0 - math.exp(-self._dt / AXIS_TAU_S)
        self._a_hf = 1.0 - math.exp(-self._dt / HF_TAU_S)
        self._a_still = 1.0 - math.exp(-self._dt / STILL_TAU_S)
        w0 = 2 * math.pi * LOW_PASS_HZ / fs
        alpha = math.sin(w0) / (2 * math.sqrt(0.5))
        a0 = 1 + alpha
        self._b = ((1 - math.cos(w0)) / 2 / a0, (1 - math.cos(w0)) / a0, (1 - math.cos(w0)) / 2 / a0)
        self._a = (-2 * math.cos(w0) / a0, (1 - alpha) / a0)
        self._lp2 = [[0.0, 0.0, 0.0, 0.0] for _ in range(3)]
        self.settle_s = settle_s
        self._pend_t: list[float] = []
        self._pend_x: list[NDArray[np.float64]] = []
        self._grav: list[float] | None = None
        self._lp = [[0.0, 0.0, 0.0, 0.0] for _ in range(3)]  # x1, x2, y1, y2 per axis
        self._cov = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        self._axis = [1.0, 0.0, 0.0]
        self._hf = 0.0
        self._still_hf = 0.0
        self._swing = 0.0
        self._p2 = 0.0
        self._sign = 1.0
        self._sign_known = False
        self._moving_until = -math.inf
        self._moving = False
        self._moved_at = -math.inf
        self._t0: float | None = None
        self._reset_detector()
        self._breaths: deque[ChestBreath] = deque(maxlen=40)
        self._shapes: deque[float] = deque(maxlen=SIGN_BREATHS)
        self.reference_mg: float | None = None
        """The settle minute's median breath depth (mG): set by itself once ``settle_s`` is past,
        by :meth:`mark_settled`, or carried over by the caller."""
        self._since_moving = BREATHS_AFTER_MOVING
        self._last_p = 0.0
        self._phase: Phase | None = None
        self._t = 0.0

    def _reset_detector(self) -> None:
        self._state = 0  # 0 unknown, -1 below -h (in a trough), +1 above +h (on a crest)
        self._ext_t = 0.0
        self._ext_v = 0.0
        self._trough: tuple[float, float] | None = None
        self._peak: tuple[float, float] | None = None

    def mark_settled(self) -> bool:
        """The settle step has ended: its breaths' median depth becomes the reference (False when
        fewer than three whole still breaths were read; the first three later ones then do)."""
        depths = [b.depth_mg for b in self._breaths]
        if len(depths) < 3:
            return False
        self.reference_mg = _median(depths[-12:])
        return True

    @property
    def breaths(self) -> tuple[ChestBreath, ...]:
        """The last 40 breaths."""
        return tuple(self._breaths)

    def push(self, times_s: NDArray[np.float64], xyz_mg: NDArray[np.generic]) -> ChestUpdate:
        times = np.asarray(times_s, dtype=np.float64)
        xyz = np.asarray(xyz_mg, dtype=np.float64).reshape(-1, 3)
        self._pend_t.extend(times.tolist())
        self._pend_x.append(xyz)
        n_blocks = len(self._pend_t) // self.block
        done: list[ChestBreath] = []
        out_t: list[float] = []
        out_v: list[float] = []
        if n_blocks:
            data = np.concatenate(self._pend_x)
            used = n_blocks * self.block
            blocks = data[:used].reshape(n_blocks, self.block, 3)
            means = blocks.mean(axis=1)
            spread = blocks.var(axis=1).sum(axis=1)
            block_t = np.asarray(self._pend_t[:used]).reshape(n_blocks, self.block).mean(axis=1)
            self._pend_t = self._pend_t[used:]
            self._pend_x = [data[used:]]
            for t, m, s in zip(block_t.tolist(), means.tolist(), spread.tolist(), strict=True):
                value = self._step(t, m, s, done)
                out_t.append(t)
                out_v.append(value)
        return ChestUpdate(self.reading(), tuple(done), np.asarray(out_t), np.asarray(out_v))

    def reading(self) -> ChestReading:
        moving = self._moving
        phase = self._phase if (self._sign_known and not moving) else None
        last = self._breaths[-1] if self._breaths else None
        return ChestReading(self._t, None if moving else self._rate(), phase, moving,
                            None if moving or last is None else last.depth)

    # --- one block ---------------------------------------------------------------------------
    def _step(self, t: float, m: list[float], spread: float, done: list[ChestBreath]) -> float:
        self._t = t
        if self._t0 is None:
            self._t0 = t
        if self._grav is None:
            self._grav = list(m)
        a = self._a_grav_fast if self._moving else self._a_grav
        bp = [0.0, 0.0, 0.0]
        for k in range(3):
            self._grav[k] += a * (m[k] - self._grav[k])
            x = m[k] - self._grav[k]
            for st in (self._lp[k], self._lp2[k]):  # two sections: 4th order, the heart kept out
                y = (self._b[0] * x + self._b[1] * st[0] + self._b[2] * st[1]
                     - self._a[0] * st[2] - self._a[1] * st[3])
                st[1], st[0], st[3], st[2] = st[0], x, st[2], y
                x = y
            bp[k] = x
        # shaking above the breath: spread within the block and what the low-pass took away
        fast = spread + sum((m[k] - self._grav[k] - bp[k]) ** 2 for k in range(3))
        self._hf += self._a_hf * (fast - self._hf)
        swing2 = bp[0] ** 2 + bp[1] ** 2 + bp[2] ** 2
        self._swing += self._a_hf * (swing2 - self._swing)
        self._check_moving(t)
        if self._moving:
            self._phase = None
            return 0.0
        warm = t - self._t0 > 3 * self._dt
        if warm:
            self._still_hf += self._a_still * (self._hf - self._still_hf) if self._still_hf else self._hf
        cov, a = self._cov, self._a_axis
        for i in range(3):
            for j in range(3):
                cov[i][j] += a * (bp[i] * bp[j] - cov[i][j])
        v = [cov[i][0] * self._axis[0] + cov[i][1] * self._axis[1] + cov[i][2] * self._axis[2]
             for i in range(3)]
        norm = math.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2)
        if norm > 0:
            if v[0] * self._axis[0] + v[1] * self._axis[1] + v[2] * self._axis[2] < 0:
                norm = -norm  # keep the axis's sign from block to block
            self._axis = [v[0] / norm, v[1] / norm, v[2] / norm]
        p = self._sign * (bp[0] * self._axis[0] + bp[1] * self._axis[1] + bp[2] * self._axis[2])
        self._p2 += self._a_hf / 20 * (p * p - self._p2)
        if p > self._last_p + 1e-9:
            self._phase = "in"
        elif p < self._last_p - 1e-9:
            self._phase = "out"
        self._last_p = p
        if warm:
            self._detect(t, p, done)
        return p

    def _check_moving(self, t: float) -> None:
        still = self._still_hf or self._hf
        shaking = self._hf > max(HF_FLOOR_MG ** 2, HF_TIMES_STILL ** 2 * still)
        depths = [b.depth_mg for b in list(self._breaths)[-8:]]
        limit = max(SWING_TIMES_DEPTH * _median(depths), 15.0) if len(depths) >= 3 else SWING_FLOOR_MG
        swinging = self._swing > limit ** 2
        if shaking or swinging:
            if not self._moving:
                self._moving = True
            self._moving_until = t + HOLD_S
        elif self._moving and t >= self._moving_until:
            self._moving = False
            self._moved_at = t
            self._since_moving = 0
            self._reset_detector()
            self._lp = [[0.0, 0.0, 0.0, 0.0] for _ in range(3)]
            self._lp2 = [[0.0, 0.0, 0.0, 0.0] for _ in range(3)]
            for row in self._cov:  # the posture may have changed: let new breaths lead the axis
                for j in range(3):
                    row[j] *= 0.05

    def _detect(self, t: float, p: float, done: list[ChestBreath]) -> None:
        h = max(HYSTERESIS_FLOOR_MG, HYSTERESIS_OF_RMS * math.sqrt(self._p2))
        if len(self._breaths) >= 3:  # a deep breath lifts the RMS: never above the typical breath
            h = max(HYSTERESIS_FLOOR_MG, min(h, HYSTERESIS_OF_DEPTH * self._typical_depth()))
        if self._state <= 0:  # on the way down: follow the trough until the signal turns up by h
            if self._state == 0 or p < self._ext_v:
                self._state, self._ext_t, self._ext_v = -1, t, p
            elif p > self._ext_v + h:
                trough = (self._ext_t, self._ext_v)
                if self._trough is not None and self._peak is not None:
                    self._close(self._trough, self._peak, trough, done)
                self._trough, self._peak = trough, None
                self._state, self._ext_t, self._ext_v = 1, t, p
        else:  # on the way up: follow the crest until the signal turns down by h
            if p > self._ext_v:
                self._ext_t, self._ext_v = t, p
            elif p < self._ext_v - h:
                self._peak = (self._ext_t, self._ext_v)
                self._state, self._ext_t, self._ext_v = -1, t, p

    def _close(self, first: tuple[float, float], peak: tuple[float, float],
               last: tuple[float, float], done: list[ChestBreath]) -> None:
        duration = last[0] - first[0]
        if duration < MIN_BREATH_S:
            return
        depth_mg = peak[1] - 0.5 * (first[1] + last[1])
        rise, fall = peak[0] - first[0], last[0] - peak[0]
        if rise > 0 and fall > 0:
            self._shapes.append(rise / fall)
            self._fix_sign()
        still = [b.depth_mg for b in list(self._breaths)[-DEEP_NEIGHBOURS:]]
        deep = (len(still) >= 3 and self._since_moving >= BREATHS_AFTER_MOVING
                and depth_mg >= DEEP_RATIO * _median(still))
        if (self.reference_mg is None and self._t0 is not None and last[0] - self._t0 >= self.settle_s
                and len(still) >= 3):
            self.reference_mg = _median(still)
        depth = depth_mg / self.reference_mg if self.reference_mg else None
        breath = ChestBreath(first[0], duration, depth_mg, depth, deep)
        self._breaths.append(breath)
        self._since_moving += 1
        done.append(breath)

    def _typical_depth(self) -> float:
        return _median([b.depth_mg for b in list(self._breaths)[-8:]])

    def _fix_sign(self) -> None:
        if len(self._shapes) < 4:
            return
        ratio = _median(list(self._shapes))
        if ratio > SIGN_RATIO:  # what looked like breathing in is the longer half: it is out
            self._sign = -self._sign
            self._shapes.clear()
            self._reset_detector()
            self._sign_known = False
        elif ratio < 1.0 / SIGN_RATIO:
            self._sign_known = True

    def _rate(self) -> float | None:
        if self._since_moving < BREATHS_AFTER_MOVING or len(self._breaths) < 2:
            return None
        recent = [b for b in self._breaths if b.t >= self._moved_at]
        typical = _median([b.duration_s for b in recent[-6:]]) if recent else 0.0
        window = RATE_WINDOW_S
        last = recent[-1] if recent else None
        if last is None or self._t - (last.t + last.duration_s) > 2.5 * typical + 4.0:
            return None
        inside = [b for b in recent if b.t + b.duration_s >= self._t - window]
        if len(inside) < 2:
            return None
        return 60.0 * len(inside) / sum(b.duration_s for b in inside)
