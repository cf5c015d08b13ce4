"""Fill a store with plausible sessions, for tests, benchmarks and screenshots (not for users)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from calmlink.live.routine import DEFAULT_ROUTINE
from calmlink.recordings.series import RRSeries
from calmlink.review.summary import summarize
from calmlink.signal.gauge_run import run_gauge
from calmlink.store.beat import Beat, Role
from calmlink.store.store import ImportedSession, Store


def synthetic_session(rng: random.Random, minutes: float = 9.0) -> RRSeries:
    """RR of a person settling: heart rate easing, breathing-driven variation growing."""
    start_hr = rng.uniform(64, 80)
    drop = rng.uniform(-2, 9)
    rsa = rng.uniform(10, 40)
    t, out_t, out_rr = 0.0, [], []
    total = minutes * 60
    while t < total:
        f = t / total
        mean = 60000 / (start_hr - drop * f)
        rr = mean + rsa * (1 + f) * np.sin(2 * np.pi * 0.2 * t) + rng.gauss(0, 6)
        t += rr / 1000
        out_t.append(t)
        out_rr.append(rr)
    return RRSeries(np.array(out_rr), np.array(out_t), np.zeros(len(out_rr), dtype=bool), "synthetic")


def seed_store(path: Path, profiles: tuple[str, ...] = ("Sam", "Alex"), sessions: int = 8,
               minutes: float = 9.0, seed: int = 1, with_gauge: bool = True) -> list[int]:
    """``sessions`` per profile, every few days back from now; returns the new session ids."""
    rng = random.Random(seed)
    store = Store(path)
    store.open()
    ids = []
    names = [s.name for s in DEFAULT_ROUTINE.steps]
    bounds = np.cumsum([s.duration_s for s in DEFAULT_ROUTINE.steps])
    try:
        now = datetime.now(UTC)
        for p_index, profile in enumerate(profiles):
            for k in range(sessions):
                series = synthetic_session(rng, minutes)
                t = series.t_s - series.t_s[0] + series.rr_ms[0] / 1000
                results = run_gauge(t, series.rr_ms).results if with_gauge else None
                beats = []
                for i, (ti, rr) in enumerate(zip(t, series.rr_ms, strict=True)):
                    step = int(min(np.searchsorted(bounds, ti, side="right"), len(names) - 1))
                    r = results[i] if results is not None else None
                    beats.append(Beat(
                        beat_seq=i, role=Role.RECEIVER, t=round(float(ti), 3),
                        rr_ms=round(float(rr), 2), hr_bpm=round(60000 / float(rr), 2),
                        artifact=bool(r.artifact) if r else False, gap_before=i == 0, step=step,
                        gauge=r.gauge if r else None, trend=r.trend if r else None,
                        quality=r.quality if r else "good", reason=r.reason if r else "",
                        rmssd_ms=r.rmssd_ms if r else None))
                summary = summarize(beats, names).to_dict()
                started = now - timedelta(days=3 * (sessions - k), hours=p_index)
                ended = started + timedelta(seconds=float(t[-1]))
                ids += store.import_sessions_blocking([ImportedSession(
                    profile, started.isoformat(timespec="seconds"),
                    ended.isoformat(timespec="seconds"), "seeded", beats, summary, names)])
    finally:
        store.close()
    return ids
