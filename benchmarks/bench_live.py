"""Per-beat cost of the live path (artifact decision, rolling metrics, gauge, trend, quality)."""

from __future__ import annotations

import statistics
import time
from itertools import islice

from calmlink.sensors.beats import BeatAssembler
from calmlink.sensors.hrs import parse_heart_rate_measurement
from calmlink.sensors.simulator import simulate_packets
from calmlink.signal.per_beat import LiveProcessor


def samples(n_packets: int) -> list[tuple[float, float, float | None, bool | None, bool]]:
    assembler = BeatAssembler()
    out = []
    for p in islice(simulate_packets(seed=3), n_packets):
        for s in assembler.feed(parse_heart_rate_measurement(p.payload), p.arrival):
            out.append((s.t, s.hr_bpm, s.rr_ms, s.contact, s.gap_before))
    return out


def run() -> None:
    beats = samples(3600)  # one simulated hour
    proc = LiveProcessor()
    timings = []
    clock = time.perf_counter_ns
    for t, hr, rr, contact, gap in beats:
        t0 = clock()
        proc.push(t, hr, rr, contact=contact, gap_before=gap)
        timings.append(clock() - t0)
    timings.sort()
    median = statistics.median(timings) / 1000
    p99 = timings[int(len(timings) * 0.99)] / 1000
    print(f"   live path per beat over {len(beats)} beats: median {median:.1f} µs, p99 {p99:.1f} µs "
          f"(target: median < 20 µs)")
