"""Breath from a chest strap's accelerometer, whichever way the strap sits (live, one frame at a time).

A breath turns the chest wall by a degree or two, so the share of gravity each axis of a strap's
accelerometer reads moves with it by tens of mG. The path, per frame of samples (docs/chest.md):

1. **Blocks of 0.2 s**: the samples are averaged five a block at 25 Hz (ten at 50 Hz...), so the
   rest runs at about 5 Hz whatever the strap's rate, and cheaply. Within-block spread is kept: it is
   the fast shaking that movement makes and breathing never does.
2. **Band-pass** each axis: the slow level (gravity, a one-pole average of ``GRAVITY_TAU_S``) taken
   away, then a fourth-order low-pass at ``LOW_PASS_HZ`` (two second-order sections, so the
   heart's knock at 50-90 a minute stays out): about 0.02-0.6 Hz, 1-36 breaths a minute.
3. **The breathing axis**, found, not assumed: the principal direction of the band-passed 3-axis
   signal (a running covariance over about ``AXIS_TAU_S``, one power-iteration step a block), its
   sign kept from block to block. Which way is "in" is learnt from the breath's shape: breathing in
   is shorter than breathing out (over the last few breaths); until then no phase.
4. **Breaths** (:mod:`calmlink.signal.chest_breaths`) trough to trough: a trough counts once the
   signal has risen from it by a hysteresis step (0.7 of the signal's RMS, at most 0.3 of the
   typical breath, at least 4 mG), a crest once it has fallen as far. Each breath has its start,
   duration, depth (crest over troughs, in mG, and against the settle minute's median) and whether
   it is a **deep breath**: at least twice the median depth of the six breaths before it.
   A swing less than 1.5 times the still strap's own shaking (per axis) is no breath to show, and
   no rate is given from breaths that are not that clear: a strap on a table says nothing.
5. **Moving**: shaking above breathing's band far beyond the still level (``HF_TIMES_STILL``), or
   swings far larger than any breath (``SWING_TIMES_DEPTH``). Then the path says moving, withholds
   the rate, follows the new posture quickly and reads the rate again only from two whole breaths
   after it.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from calmlink.signal.chest_breaths import CLEAR_OF_NOISE, BreathFinder, ChestBreath

BLOCK_HZ = 5.0
GRAVITY_TAU_S = 10.0
MOVING_GRAVITY_TAU_S = 0.6
LOW_PASS_HZ = 0.6
AXIS_TAU_S = 30.0
HF_TAU_S = 0.8
RMS_TAU_S = 16.0
STILL_TAU_S = 60.0
HF_FLOOR_MG = 18.0
HF_TIMES_STILL = 3.0
SWING_TIMES_DEPTH = 3.0
SWING_FLOOR_MG = 150.0
HOLD_S = 3.0

Phase = Literal["in", "out"]


@dataclass(frozen=True, slots=True)
class ChestReading:
    t: float
    breaths_per_min: float | None
    """Over the last minute; None while moving, after moving, or when no breath is clear."""
    phase: Phase | None
    """Breathing in or out now; None while moving or until which way is "in" is learnt."""
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
        self.finder = BreathFinder(settle_s)
        self._clear: deque[ChestBreath] = deque(maxlen=40)
        self._a_rms = 1.0 - math.exp(-self._dt / RMS_TAU_S)
        self._pend_t: list[float] = []
        self._pend_x: list[NDArray[np.float64]] = []
        self._grav: list[float] | None = None
        self._reset_filters()
        self._cov = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        self._axis = [1.0, 0.0, 0.0]
        self._hf = 0.0
        self._still_hf = 0.0
        self._swing = 0.0
        self._moving_until = -math.inf
        self._moving = False
        self._t0: float | None = None
        self._last_p = 0.0
        self._phase: Phase | None = None
        self._t = 0.0

    @property
    def reference_mg(self) -> float | None:
        """The settle minute's median breath depth in mG (None until known)."""
        return self.finder.reference_mg

    @reference_mg.setter
    def reference_mg(self, value: float | None) -> None:
        self.finder.reference_mg = value

    def mark_settled(self) -> bool:
        """The settle step has ended now: its breaths' median depth becomes the reference that
        ``depth`` is measured against (False when fewer than three breaths were read yet)."""
        return self.finder.mark_settled()

    @property
    def breaths(self) -> tuple[ChestBreath, ...]:
        """The last 40 breaths that stood clear of the noise."""
        return tuple(self._clear)

    def push(self, times_s: NDArray[np.float64], xyz_mg: NDArray[np.generic],
             gap_before: bool = False) -> ChestUpdate:
        """A frame: sample times (s) and their X, Y, Z (mG, shape (n, 3)). ``gap_before``: samples
        were lost just before it (a reconnect, a frame dropped): no breath bridges the gap, the
        filters start again from these samples, breaths read before it still count."""
        times = np.asarray(times_s, dtype=np.float64)
        xyz = np.asarray(xyz_mg, dtype=np.float64).reshape(-1, 3)
        if gap_before:
            self._pend_t, self._pend_x = [], []
            self._grav = None
            self._reset_filters()
            self.finder.reset()
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
        phase = self._phase if (self.finder.sign_known and not moving) else None
        last = self.finder.breaths[-1] if self.finder.breaths else None
        rate = None if moving else self.finder.rate(self._t)
        return ChestReading(self._t, rate, phase, moving,
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
        p = self.finder.sign * (bp[0] * self._axis[0] + bp[1] * self._axis[1]
                                + bp[2] * self._axis[2])
        if p > self._last_p + 1e-9:
            self._phase = "in"
        elif p < self._last_p - 1e-9:
            self._phase = "out"
        self._last_p = p
        if warm:
            self.finder.noise_mg = math.sqrt(self._still_hf / 3.0)  # per axis, still
            breath = self.finder.push(t, p, self._a_rms)
            if breath is not None and breath.depth_mg >= CLEAR_OF_NOISE * self.finder.noise_mg:
                done.append(breath)  # a swing no deeper than the noise is no breath to show
                self._clear.append(breath)
        return p

    def _reset_filters(self) -> None:
        self._lp = [[0.0, 0.0, 0.0, 0.0] for _ in range(3)]  # x1, x2, y1, y2 per axis
        self._lp2 = [[0.0, 0.0, 0.0, 0.0] for _ in range(3)]

    def _check_moving(self, t: float) -> None:
        still = self._still_hf or self._hf
        shaking = self._hf > max(HF_FLOOR_MG ** 2, HF_TIMES_STILL ** 2 * still)
        typical = self.finder.typical_depth()
        limit = SWING_FLOOR_MG if typical is None else max(SWING_TIMES_DEPTH * typical, 15.0)
        swinging = self._swing > limit ** 2
        if shaking or swinging:
            if not self._moving:
                self._moving = True
            self._moving_until = t + HOLD_S
        elif self._moving and t >= self._moving_until:
            self._moving = False
            self.finder.moved(t)
            self._reset_filters()
            for row in self._cov:  # the posture may have changed: let new breaths lead the axis
                for j in range(3):
                    row[j] *= 0.05
