"""Breath from the chest: accuracy on simulated chests across postures, depths, rates, noise and movement.

Each simulated person (calmlink.sensors.chest_model) breathes for ``MINUTES`` minutes at one rate
(4-20 a minute), one depth and one posture, with sensor noise, a heartbeat knock, two deep breaths and
one spell of moving (10-40 s, with a change of posture). Their 25-Hz samples go through the live path
(calmlink.signal.chest.ChestStream) in H10-sized frames of 36 samples. What is counted:

- **still minutes** (after the first, the settle minute; no moving in it or the 30 s before): the
  rate read at the minute's end is within 1 breath a minute of the true rate of the breaths that
  ended in that minute (a withheld rate counts as a miss);
- **moving spells**: from 3 s after the moving starts to its end, every reading says moving or has
  no rate;
- **deep breaths** (not within 20 s after moving): found when a breath marked deep starts within
  half the true breath's length (and 2 s) of it; a mark that matches none is a false mark, counted
  per still minute.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from calmlink.sensors.chest_model import POSTURES, SimulatedChest, pattern_for
from calmlink.signal.chest import ChestReading, ChestStream
from calmlink.signal.chest_breaths import ChestBreath

RATE_HZ = 25.0
FRAME = 36
"""Samples in one H10 ACC notification at 25 Hz, 16-bit xyz, with an ATT MTU of 232."""
MINUTES = 10
RATES = (4.0, 6.0, 10.0, 14.0, 20.0)
DEPTHS = (0.5, 1.0, 2.0)
NOISES = (2.0, 8.0)


@dataclass
class Tally:
    still: int = 0
    still_ok: int = 0
    moving: int = 0
    moving_ok: int = 0
    deep: int = 0
    deep_found: int = 0
    false_deep: int = 0
    errors: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("still", "still_ok", "moving", "moving_ok", "deep", "deep_found", "false_deep"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    @property
    def still_pct(self) -> float:
        return 100.0 * self.still_ok / max(self.still, 1)

    @property
    def moving_pct(self) -> float:
        return 100.0 * self.moving_ok / max(self.moving, 1)

    @property
    def deep_pct(self) -> float:
        return 100.0 * self.deep_found / max(self.deep, 1)

    @property
    def false_per_10(self) -> float:
        return 10.0 * self.false_deep / max(self.still, 1)


def person(posture: str, rate: float, depth: float, noise: float, seed: int,
           minutes: int = MINUTES) -> SimulatedChest:
    rng = np.random.default_rng(seed)
    span = minutes * 60.0
    move_at = float(rng.uniform(0.45, 0.7) * span)
    deep = (float(rng.uniform(90.0, 0.4 * span)), float(rng.uniform(move_at + 90.0, span - 30.0)))
    pattern = pattern_for(
        posture, breaths_per_min=rate, depth=depth, noise_mg=noise,
        heart_mg=float(rng.uniform(1.5, 5.0)), heart_bpm=float(rng.uniform(50.0, 85.0)),
        tilt_deg=float(rng.uniform(0.8, 2.5)), breath_cv=float(rng.uniform(0.05, 0.18)),
        deep_breaths_s=deep,
        moving=((move_at, move_at + float(rng.uniform(10.0, 40.0))),), seed=seed,
    )
    return SimulatedChest(pattern, RATE_HZ)


def run_person(chest: SimulatedChest, minutes: int = MINUTES
               ) -> tuple[list[ChestReading], list[ChestBreath]]:
    stream = ChestStream(RATE_HZ)
    readings: list[ChestReading] = []
    breaths: list[ChestBreath] = []
    t, step = 0.0, FRAME / RATE_HZ
    while t < minutes * 60.0:
        times, xyz = chest.samples(t, t + step)
        t += step
        update = stream.push(times, xyz)
        readings.append(update.reading)
        breaths.extend(update.breaths)
    return readings, breaths


def score(chest: SimulatedChest, readings: list[ChestReading], breaths: list[ChestBreath],
          minutes: int = MINUTES) -> Tally:
    tally = Tally()
    moves = chest.pattern.moving
    times = np.array([r.t for r in readings])
    for k in range(1, minutes):
        start, end = 60.0 * k, 60.0 * (k + 1)
        if any(a < end and b > start - 30.0 for a, b in moves):
            continue
        tally.still += 1
        truth = [b for b in chest.breaths(start - 60.0, end) if start <= b.end_s <= end]
        true_rate = 60.0 / float(np.mean([b.duration_s for b in truth]))
        got = readings[int(np.searchsorted(times, end - 1e-6)) - 1].breaths_per_min
        if got is not None:
            tally.errors.append(got - true_rate)
            tally.still_ok += abs(got - true_rate) <= 1.0
    for a, b in moves:
        tally.moving += 1
        inside = [r for r in readings if a + 3.0 <= r.t < b]
        tally.moving_ok += all(r.moving or r.breaths_per_min is None for r in inside)
    marks = [b for b in breaths if b.deep]
    matched: set[int] = set()
    for true in chest.breaths(0.0, minutes * 60.0):
        if not true.deep or any(a - 5.0 <= true.start_s < b + 20.0 for a, b in moves):
            continue
        tally.deep += 1
        near = [i for i, m in enumerate(marks)
                if abs(m.t - true.start_s) <= 0.5 * true.duration_s + 2.0]
        tally.deep_found += bool(near)
        matched.update(near)
    tally.false_deep = len(marks) - len(matched)
    return tally


def population(rates: tuple[float, ...] = RATES, depths: tuple[float, ...] = DEPTHS,
               noises: tuple[float, ...] = NOISES, postures: tuple[str, ...] = tuple(POSTURES),
               minutes: int = MINUTES, seed: int = 0) -> dict[tuple[str, float, float, float], Tally]:
    """Tallies by (posture, rate, depth, noise)."""
    out: dict[tuple[str, float, float, float], Tally] = {}
    for i, (posture, rate, depth, noise) in enumerate(itertools.product(postures, rates, depths, noises)):
        chest = person(posture, rate, depth, noise, seed * 100_003 + i, minutes)
        readings, breaths = run_person(chest, minutes)
        out[(posture, rate, depth, noise)] = score(chest, readings, breaths, minutes)
    return out


def timings(minutes: int = 8) -> tuple[list[float], list[float], list[float]]:
    """How far behind: the breathing trace against the true lung volume (the lag that fits best),
    the first "moving" after moving starts, and a deep breath's mark after the breath ends (s)."""
    lags: list[float] = []
    moving: list[float] = []
    deep: list[float] = []
    for i, (posture, rate) in enumerate(itertools.product(POSTURES, (5.0, 10.0, 16.0))):
        chest = person(posture, rate, 1.0, 4.0, 1000 + i, minutes)
        stream = ChestStream(RATE_HZ)
        trace_t: list[float] = []
        trace: list[float] = []
        t, step = 0.0, FRAME / RATE_HZ
        start, _ = chest.pattern.moving[0]
        said: float | None = None
        while t < minutes * 60.0:
            times, xyz = chest.samples(t, t + step)
            t += step
            update = stream.push(times, xyz)
            trace_t += update.trace_t.tolist()
            trace += update.trace.tolist()
            if said is None and update.reading.moving and update.reading.t >= start:
                said = update.reading.t - start
            for b in update.breaths:
                true = [d for d in chest.breaths(b.t - 10.0, b.t + 10.0) if d.deep]
                if b.deep and true:
                    deep.append(update.reading.t - true[0].end_s)
        if said is not None:
            moving.append(said)
        tt, vv = np.asarray(trace_t), np.asarray(trace)
        still = (tt > 90.0) & (tt < start)
        candidates = np.arange(0.0, 3.01, 0.1)
        fits = [np.corrcoef(vv[still], chest.volume(tt[still] - lag))[0, 1] for lag in candidates]
        lags.append(float(candidates[int(np.argmax(fits))]))
    return lags, moving, deep


def run() -> None:
    table = population()
    by_posture: dict[str, Tally] = {}
    by_rate: dict[str, Tally] = {}
    by_depth: dict[str, Tally] = {}
    total = Tally()
    for (posture, rate, depth, noise), t in table.items():
        by_posture.setdefault(posture, Tally()).add(t)
        by_rate.setdefault(f"{rate:.0f} a minute", Tally()).add(t)
        by_depth.setdefault(f"depth {depth:g}, noise {noise:.0f} mG", Tally()).add(t)
        total.add(t)
    print("   | | still minutes within 1/min | moving said or silent | deep breaths found "
          "| false deep marks per 10 still minutes |")
    for name, t in [*by_posture.items(), *by_rate.items(), *by_depth.items(), ("all", total)]:
        print(f"   | {name} | {t.still_pct:.1f}% of {t.still} | {t.moving_pct:.0f}% of {t.moving} "
              f"| {t.deep_pct:.1f}% of {t.deep} | {t.false_per_10:.2f} |")
    err = np.abs(np.array(total.errors))
    lags, moving, deep = timings()
    print(f"   behind: the breathing trace {np.median(lags):.1f} s (at most {max(lags):.1f}); "
          f"moving said {np.median(moving):.1f} s after it starts (at most {max(moving):.1f}); "
          f"a deep breath marked {np.median(deep):.1f} s after it ends (at most {max(deep):.1f})")
    print(f"   rate error where a rate was given: median {np.median(err):.2f}/min, "
          f"95th percentile {np.percentile(err, 95):.2f}/min, largest {err.max():.1f}/min")
