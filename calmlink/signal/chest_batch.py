"""Breath from the chest over a whole recording: the live path (:class:`ChestStream`) run over it in
strap-sized frames, so a file reads exactly as the same samples would have read live."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calmlink.signal.chest import ChestReading, ChestStream
from calmlink.signal.chest_breaths import ChestBreath

FRAME_SAMPLES = 36
"""An H10 ACC notification at 16-bit xyz with an ATT MTU of 232: (232 - 3 - 10) // 6 samples."""
GAP_S = 1.0


@dataclass(frozen=True, slots=True)
class ChestSeries:
    readings: tuple[ChestReading, ...]
    """The reading every ``every_s`` seconds (none inside a gap in the samples)."""
    breaths: tuple[ChestBreath, ...]

    @property
    def deep_breaths(self) -> tuple[ChestBreath, ...]:
        return tuple(b for b in self.breaths if b.deep)


def read_chest(times_s: NDArray[np.float64], xyz_mg: NDArray[np.float64], rate_hz: float,
               every_s: float = 5.0, settle_s: float = 60.0) -> ChestSeries:
    """Breathing over time from samples at ``times_s`` (s, increasing). A gap of more than
    ``GAP_S`` is passed on as the live path is told of one (``gap_before``)."""
    times = np.asarray(times_s, dtype=np.float64)
    xyz = np.asarray(xyz_mg, dtype=np.float64).reshape(-1, 3)
    gaps = set((np.flatnonzero(np.diff(times) > GAP_S) + 1).tolist())
    readings: list[ChestReading] = []
    breaths: list[ChestBreath] = []
    stream = ChestStream(rate_hz, settle_s=settle_s)
    next_t = float(times[0]) if times.size else 0.0
    start = 0
    while start < times.size:
        end = min(start + FRAME_SAMPLES, times.size)
        gap = next((g for g in sorted(gaps) if start < g < end), None)
        end = gap if gap is not None else end  # a frame never spans a gap
        if start in gaps:  # no readings inside the gap
            next_t = max(next_t, float(times[start]))
        update = stream.push(times[start:end], xyz[start:end], gap_before=start in gaps)
        breaths.extend(update.breaths)
        while next_t <= times[end - 1]:
            readings.append(_at(update.reading, float(next_t)))
            next_t += every_s
        start = end
    return ChestSeries(tuple(readings), tuple(breaths))


def _at(reading: ChestReading, t: float) -> ChestReading:
    return ChestReading(t, reading.breaths_per_min, reading.phase, reading.moving, reading.depth)
