"""A seeded chest that breathes under a Polar H10: what its accelerometer reads, in mG.

The physics, each piece a stated modelling assumption:

- At rest the accelerometer reads gravity (1000 mG, pointing up in the world) in the strap's own
  axes, so how the strap sits (``posture``: worn rotated, upside down, lower on the ribs, on a
  rounder body, lying back) decides which axes carry it. No axis is special.
- A breath mostly **tilts** the strap: the chest wall turns by a degree or two as the ribs lift
  (``tilt_deg`` for an ordinary breath, about ``tilt_axis`` in the strap's frame), so gravity's
  share moves between axes by tens of mG. The outward push itself (``lift_mm`` a breath) adds
  only about a mG at breathing rates (its second derivative), but it is there.
- Breaths are breathed one at a time from a schedule: each with its own length and depth
  (``breath_cv`` breath to breath), breathing in for ``inhale_fraction`` of it with a smooth
  rise, then out. A **deep breath** near each of ``deep_breaths_s`` is ``deep_factor`` times as
  deep and ``deep_length`` times as long.
- The heart knocks the strap at the heart rate (a few mG, ``heart_mg``), the sensor adds white
  noise (``noise_mg``).
- **Moving** (each window of ``moving``): turning and shifting of tens of degrees and jolts of a
  few hundred mG, and the strap may sit differently afterwards (the posture drifts to a new one
  over the window).

Pure numpy and deterministic for a seed. A simulator drives it with its own breath:
:meth:`SimulatedChest.set_breathing` (rate and depth from the next breath on),
:meth:`SimulatedChest.follow` (a pacer's schedule, like the simulated strap's ``follow``), and
:meth:`SimulatedChest.volume` gives the lung volume at any time, so a simulated heart can swing
with the very same breath.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calmlink.sensors.models import PacedBreathing

Floats = NDArray[np.float64]
GRAVITY_MG = 1000.0
LAG_S = 1.0
"""The simulated heart follows a pacer a second behind; the chest breathes with the same lag."""


@dataclass(frozen=True, slots=True)
class ChestPattern:
    breaths_per_min: float = 12.0
    """Breathing rate at the start."""
    settled_breaths_per_min: float | None = None
    """The rate breathing slows to (like the simulated heart's ``Physiology``); None: steady."""
    settle_tau_s: float = 180.0
    depth: float = 1.0
    """Relative depth: 1 is an ordinary quiet breath."""
    inhale_fraction: float = 0.4
    posture: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """How the strap sits in the world: roll, pitch, yaw in degrees (x, y, z axes in turn)."""
    tilt_axis: tuple[float, float, float] = (1.0, 0.0, 0.0)
    """The axis (strap frame) about which a breath turns the strap."""
    tilt_deg: float = 1.5
    lift_mm: float = 3.0
    breath_cv: float = 0.08
    noise_mg: float = 3.0
    heart_mg: float = 3.0
    heart_bpm: float = 65.0
    deep_breaths_s: tuple[float, ...] = ()
    deep_factor: float = 2.8
    deep_length: float = 1.6
    moving: tuple[tuple[float, float], ...] = ()
    """Windows (start, end) in seconds in which the wearer moves."""
    shift_deg: float = 15.0
    """How far, at most, the strap's posture turns over a movement window."""
    range_g: int = 2
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Breath:
    start_s: float
    duration_s: float
    depth: float
    inhale_fraction: float
    deep: bool = False

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


def rotation(roll_deg: float, pitch_deg: float, yaw_deg: float) -> Floats:
    """Strap-to-world rotation: about x by roll, then y by pitch, then z by yaw."""
    a, b, c = (math.radians(v) for v in (roll_deg, pitch_deg, yaw_deg))
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    return np.asarray(rz @ ry @ rx, dtype=np.float64)


def _rotate(vectors: Floats, axis: Floats, angle: Floats) -> Floats:
    """Rodrigues: each row of ``vectors`` turned by its ``angle`` (radians) about unit ``axis``."""
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    cross = np.cross(axis, vectors)
    dot = (vectors @ axis)[:, None]
    return np.asarray(vectors * cos + cross * sin + axis[None, :] * dot * (1.0 - cos))


@dataclass(slots=True)
class _Movement:
    """One movement window as a pure function of time: sinusoids with seeded frequencies."""

    start: float
    end: float
    rot_freqs: Floats
    rot_amps: Floats
    rot_phases: Floats
    jolt_freqs: Floats
    jolt_amps: Floats
    jolt_phases: Floats
    shift_axis: Floats
    shift_rad: float


class SimulatedChest:
    """A chest breathing ``pattern`` read at ``rate_hz``; :meth:`samples` continues across calls."""

    def __init__(self, pattern: ChestPattern | None = None, rate_hz: float = 25.0) -> None:
        self.pattern = pattern or ChestPattern()
        self.rate_hz = float(rate_hz)
        p = self.pattern
        self._rng = np.random.default_rng(p.seed)
        self._noise_rng = np.random.default_rng(p.seed + 7_777_777)
        axis = np.asarray(p.tilt_axis, dtype=np.float64)
        self._axis = axis / np.linalg.norm(axis)
        self._r0 = rotation(*p.posture)
        self._breaths: list[Breath] = []
        self._starts: list[float] = []
        self._deep_left = sorted(p.deep_breaths_s)
        self._rate_override: tuple[float, float] | None = None
        self._guide: PacedBreathing | None = None
        self._heart_phase = float(self._rng.uniform(0, 2 * math.pi))
        self._movements = [self._movement(a, b) for a, b in p.moving]
        self._next_index = 0

    # --- the breath -------------------------------------------------------------------------
    def set_breathing(self, breaths_per_min: float, depth: float | None = None) -> None:
        """Breathe at this rate (and depth) from the next breath on, until told otherwise."""
        self._rate_override = (breaths_per_min, self.pattern.depth if depth is None else depth)

    def follow(self, breathing: PacedBreathing | None) -> None:
        """Breathe to this pacer from the next breath on (None: own breathing again)."""
        self._guide = breathing

    def breaths(self, t_from_s: float, t_to_s: float) -> list[Breath]:
        """The breaths that start in [t_from_s, t_to_s): the known truth of what was breathed."""
        self._extend(t_to_s)
        return [b for b in self._breaths if t_from_s <= b.start_s < t_to_s]

    def moving_at(self, t_s: float) -> bool:
        return any(m.start <= t_s < m.end for m in self._movements)

    def volume(self, t_s: float | Floats) -> Floats:
        """Lung volume above the resting level (0 at the end of each breath out; about ``depth``
        at the top of a breath in) at each time."""
        times = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        if times.size == 0:
            return times
        self._extend(float(times.max()))
        starts = np.asarray(self._starts)
        idx = np.clip(np.searchsorted(starts, times, side="right") - 1, 0, len(starts) - 1)
        durations = np.array([b.duration_s for b in self._breaths])[idx]
        depths = np.array([b.depth for b in self._breaths])[idx]
        share = np.array([b.inhale_fraction for b in self._breaths])[idx]
        u = np.clip((times - starts[idx]) / durations, 0.0, 1.0)
        rising = 0.5 - 0.5 * np.cos(np.pi * u / share)
        falling = 0.5 + 0.5 * np.cos(np.pi * (u - share) / (1.0 - share))
        out = depths * np.where(u < share, rising, falling)
        return np.asarray(np.where(times < starts[0], 0.0, out))

    def _rate_at(self, t: float) -> tuple[float, float]:
        if self._rate_override is not None:
            return self._rate_override
        p = self.pattern
        if p.settled_breaths_per_min is None:
            return p.breaths_per_min, p.depth
        settle = 1.0 - math.exp(-t / p.settle_tau_s)
        return p.breaths_per_min + (p.settled_breaths_per_min - p.breaths_per_min) * settle, p.depth

    def _extend(self, until_s: float) -> None:
        p = self.pattern
        t = self._breaths[-1].end_s if self._breaths else -float(self._rng.uniform(0, 4.0))
        while t <= until_s:
            guide = self._guide
            if guide is not None and t >= guide.origin + LAG_S:
                period = 60.0 / guide.breaths_per_min
                k = math.ceil((t - guide.origin - LAG_S) / period - 1e-9)
                begin = guide.origin + LAG_S + k * period
                if begin - t > 0.2:  # a short pause in, to fall in step with the pacer
                    self._add(Breath(t, begin - t, 0.0, 0.5))
                jitter = float(self._rng.normal(1.0, 0.02))
                self._add(Breath(begin, period, self._rate_at(begin)[1] * jitter, guide.in_share))
                t = begin + period
                continue
            rate, depth = self._rate_at(t)
            duration = 60.0 / rate * float(np.clip(self._rng.normal(1.0, p.breath_cv), 0.7, 1.3))
            jitter = float(np.clip(self._rng.normal(1.0, 1.5 * p.breath_cv), 0.6, 1.4))
            share = float(np.clip(p.inhale_fraction + self._rng.normal(0.0, 0.03), 0.25, 0.6))
            deep = bool(self._deep_left and self._deep_left[0] <= t + duration)
            if deep:  # deep_factor times an ordinary breath, give or take a little
                self._deep_left.pop(0)
                duration *= p.deep_length
                jitter = p.deep_factor * float(np.clip(jitter, 0.85, 1.15))
            depth *= jitter
            self._add(Breath(t, duration, depth, share, deep))
            t += duration

    def _add(self, breath: Breath) -> None:
        self._breaths.append(breath)
        self._starts.append(breath.start_s)

    # --- the strap ---------------------------------------------------------------------------
    def _movement(self, start: float, end: float) -> _Movement:
        r = self._rng
        axis = r.normal(size=3)
        return _Movement(
            start, end,
            rot_freqs=r.uniform(0.2, 1.5, 4), rot_amps=np.radians(r.uniform(4.0, 15.0, 4)),
            rot_phases=r.uniform(0, 2 * np.pi, 4),
            jolt_freqs=r.uniform(0.8, 4.0, (6, 1)), jolt_amps=r.uniform(30.0, 150.0, (6, 3)),
            jolt_phases=r.uniform(0, 2 * np.pi, (6, 3)),
            shift_axis=axis / np.linalg.norm(axis),
            shift_rad=math.radians(float(r.uniform(0.3, 1.0)) * self.pattern.shift_deg),
        )

    def read(self, times: Floats) -> Floats:
        """The accelerometer at ``times`` (s), in mG, as float (no noise, no rounding)."""
        p = self.pattern
        v = self.volume(times)
        # gravity as the strap sits: world up seen in the strap's frame, then each movement
        g = np.tile(self._r0.T @ np.array([0.0, 0.0, GRAVITY_MG]), (times.size, 1))
        lin = np.zeros_like(g)
        for m in self._movements:
            ramp = np.clip((times - m.start) / max(m.end - m.start, 1e-6), 0.0, 1.0)
            smooth = ramp * ramp * (3.0 - 2.0 * ramp)
            g = _rotate(g, m.shift_axis, m.shift_rad * smooth)
            inside = (times >= m.start) & (times < m.end)
            if not inside.any():
                continue
            envelope = np.where(inside, np.sin(np.pi * ramp) ** 0.5, 0.0)
            wobble = (m.rot_amps[None, :] * np.sin(2 * np.pi * m.rot_freqs[None, :] * times[:, None]
                                                    + m.rot_phases[None, :])) * envelope[:, None]
            for k, axis in enumerate(np.eye(3)):
                g = _rotate(g, axis, wobble[:, k])
            g = _rotate(g, m.shift_axis, wobble[:, 3])
            jolt = np.sin(2 * np.pi * m.jolt_freqs[None, :, :] * times[:, None, None]
                          + m.jolt_phases[None, :, :])
            lin += (jolt * m.jolt_amps[None, :, :]).sum(axis=1) * envelope[:, None] / 3.0
        g = _rotate(g, self._axis, -np.radians(p.tilt_deg) * v)
        # the outward push (along strap z), as acceleration: second difference of the position
        dt = 1.0 / self.rate_hz
        around = self.volume(np.concatenate([times - dt, times + dt]))
        accel_m_s2 = (around[: times.size] - 2 * v + around[times.size:]) / dt**2 * p.lift_mm / 1000.0
        lin[:, 2] += accel_m_s2 / 9.80665 * GRAVITY_MG
        heart = 2 * np.pi * p.heart_bpm / 60.0 * times + self._heart_phase
        knock = p.heart_mg * (np.sin(heart) + 0.5 * np.sin(2 * heart + 1.0))
        lin += knock[:, None] * np.array([0.3, 0.5, 1.0])
        return np.asarray(g + lin)

    def samples(self, t_from_s: float, t_to_s: float) -> tuple[Floats, NDArray[np.int16]]:
        """Samples on the strap's grid (k / rate_hz) in [t_from_s, t_to_s), never one twice: the
        grid continues from the last call. Times in s and xyz in mG as int16, clipped to range."""
        first = max(self._next_index, math.ceil(t_from_s * self.rate_hz - 1e-9))
        last = math.ceil(t_to_s * self.rate_hz - 1e-9)
        if last <= first:
            return np.zeros(0), np.zeros((0, 3), dtype=np.int16)
        self._next_index = last
        times = np.arange(first, last, dtype=np.float64) / self.rate_hz
        xyz = self.read(times) + self._noise_rng.normal(0.0, self.pattern.noise_mg, (times.size, 3))
        limit = self.pattern.range_g * GRAVITY_MG
        return times, np.clip(np.rint(xyz), -limit, limit).astype(np.int16)


POSTURES: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    # name: (posture roll/pitch/yaw, tilt axis in the strap frame)
    "upright": ((90.0, 0.0, 0.0), (1.0, 0.0, 0.0)),
    "rotated": ((90.0, 0.0, 0.0), (0.0, 0.7, 0.7)),
    "upside down": ((-90.0, 0.0, 180.0), (-1.0, 0.0, 0.0)),
    "lower ribs": ((75.0, 10.0, 20.0), (0.8, 0.6, 0.0)),
    "rounder body": ((55.0, -20.0, 0.0), (0.6, -0.8, 0.0)),
    "lying back": ((10.0, 0.0, 0.0), (1.0, 0.0, 0.0)),
}
"""Ways a strap sits (``ChestPattern.posture`` and ``tilt_axis``), for tests and benchmarks."""


def pattern_for(posture: str, **kwargs: object) -> ChestPattern:
    """A :class:`ChestPattern` sitting as one of :data:`POSTURES`, with any other field given."""
    angles, axis = POSTURES[posture]
    return ChestPattern(posture=angles, tilt_axis=axis, **kwargs)  # type: ignore[arg-type]


