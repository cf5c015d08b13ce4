"""Breath from the chest, live: the cost of one H10 ACC frame through ChestStream at 25 and 50 Hz."""

from __future__ import annotations

import statistics
import time

import numpy as np

from calmlink.sensors.chest_model import SimulatedChest, pattern_for
from calmlink.signal.chest import ChestStream

FRAME = 36
"""Samples in one notification: 16-bit xyz with an ATT MTU of 232, (232 - 3 - 10) // 6."""


def frames(rate_hz: float, seconds: float) -> list[tuple[np.ndarray, np.ndarray]]:
    chest = SimulatedChest(pattern_for("rotated", breaths_per_min=10.0, deep_breaths_s=(600.0,),
                                       moving=((1200.0, 1230.0),), seed=3), rate_hz)
    times, xyz = chest.samples(0.0, seconds)
    return [(times[k:k + FRAME], xyz[k:k + FRAME]) for k in range(0, times.size, FRAME)]


def per_frame_us(rate_hz: float, seconds: float = 1800.0) -> tuple[float, float, int]:
    """Median and 99th percentile of one frame's cost (µs), best of five passes, and frames."""
    data = frames(rate_hz, seconds)
    clock = time.thread_time_ns  # CPU time of this thread: the machine's other work does not count
    passes = []
    for _ in range(5):
        stream = ChestStream(rate_hz)
        timings = []
        for times, xyz in data:
            t0 = clock()
            stream.push(times, xyz)
            timings.append(clock() - t0)
        timings.sort()
        passes.append((statistics.median(timings) / 1000, timings[int(len(timings) * 0.99)] / 1000))
    median, p99 = min(passes)
    return median, p99, len(data)


def run() -> None:
    for rate in (25.0, 50.0):
        median, p99, n = per_frame_us(rate)
        every = FRAME / rate
        print(f"   {rate:.0f} Hz: one {FRAME}-sample frame (one every {every:.2f} s) over {n} frames: "
              f"median {median:.0f} µs, p99 {p99:.0f} µs; {100 * median / 1e6 / every:.3f}% of one "
              f"core live (target: under 2 ms a frame)")
