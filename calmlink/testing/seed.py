"""Fill a store with plausible sessions, for tests, benchmarks and screenshots (not for users)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from calmlink.live.routine import DEFAULT_ROUTINE
from calmlink.recordings.series import RRSeries
from calmlink.review.partner import partner_summary
from calmlink.review.summary import summarize
from calmlink.signal.gauge_run import run_gauge
from calmlink.store.beat import Beat, Role
from calmlink.store.store import ImportedSession, Store

NAMES = [s.name for s in DEFAULT_ROUTINE.steps]
BOUNDS = np.cumsum([s.duration_s for s in DEFAULT_ROUTINE.steps])


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


def routine_beats(t: np.ndarray, rr: np.ndarray, role: Role, with_gauge: bool = True) -> list[Beat]:
    """One person's beats through the default routine, scored by the live per-beat path."""
    results = run_gauge(t, rr).results if with_gauge else None
    beats = []
    for i, (ti, ri) in enumerate(zip(t, rr, strict=True)):
        step = int(min(np.searchsorted(BOUNDS, ti, side="right"), len(NAMES) - 1))
        r = results[i] if results is not None else None
        beats.append(Beat(
            beat_seq=i, role=role, t=round(float(ti), 3), rr_ms=round(float(ri), 2),
            hr_bpm=round(60000 / float(ri), 2), artifact=bool(r.artifact) if r else False,
            gap_before=i == 0, step=step, gauge=r.gauge if r else None,
            trend=r.trend if r else None, quality=r.quality if r else "good",
            reason=r.reason if r else "", rmssd_ms=r.rmssd_ms if r else None))
    return beats


def seed_store(path: Path, profiles: tuple[str, ...] = ("Sam", "Alex"), sessions: int = 8,
               minutes: float = 9.0, seed: int = 1, with_gauge: bool = True,
               now: datetime | None = None) -> list[int]:
    """``sessions`` per profile, every few days back from ``now`` (this machine's local time, with
    its offset, as the store keeps times); returns the new session ids."""
    rng = random.Random(seed)
    store = Store(path)
    store.open()
    ids = []
    try:
        now = now or datetime.now().astimezone()
        for p_index, profile in enumerate(profiles):
            for k in range(sessions):
                series = synthetic_session(rng, minutes)
                t = series.t_s - series.t_s[0] + series.rr_ms[0] / 1000
                beats = routine_beats(t, series.rr_ms, Role.RECEIVER, with_gauge)
                summary = summarize(beats, NAMES).to_dict()
                started = (now - timedelta(days=3 * (sessions - k), hours=p_index)).astimezone()
                ended = started + timedelta(seconds=float(t[-1]))
                ids += store.import_sessions_blocking([ImportedSession(
                    profile, started.isoformat(timespec="seconds"),
                    ended.isoformat(timespec="seconds"), "seeded", beats, summary, NAMES)])
    finally:
        store.close()
    return ids


def seed_partner_session(path: Path, profile: str = "Sam", giver: str = "Alex", seed: int = 4,
                         coupling: float = 0.6, started: datetime | None = None,
                         notes: str = "") -> int:
    """One partner session through the default routine (two simulated people, ``coupling`` of
    their slow heart-rate wander shared), with its partner summary and ``notes``."""
    from calmlink.sensors.simulator import pair_physiologies, simulate_beats

    seconds = float(BOUNDS[-1])
    beats: list[Beat] = []
    for k, (role, person) in enumerate(zip((Role.RECEIVER, Role.GIVER),
                                           pair_physiologies(seed, coupling, 2.0), strict=True)):
        t, rr = (np.array(a) for a in simulate_beats(seed * 2 + k + 1, person, seconds))
        beats += routine_beats(t, rr, role)
    beats.sort(key=lambda b: b.t)
    beats = [replace(b, beat_seq=i, gap_before=False) for i, b in enumerate(beats)]
    mine = summarize(beats, NAMES)
    summary = replace(mine, partner=partner_summary(beats, NAMES, giver, receiver_steps=mine.steps))
    when = (started or datetime.now().astimezone() - timedelta(hours=2)).astimezone()
    store = Store(path)
    store.open()
    try:
        [sid] = store.import_sessions_blocking([ImportedSession(
            profile, when.isoformat(timespec="seconds"),
            (when + timedelta(seconds=seconds)).isoformat(timespec="seconds"), "seeded", beats,
            summary.to_dict(), NAMES, giver)])
        if notes:  # written on this thread: a browser test's sync Playwright holds an event loop
            store.db.write_blocking(lambda c: c.execute(
                "UPDATE sessions SET notes=?, rating_receiver_before=2, rating_receiver_after=4 "
                "WHERE id=?", (notes, sid)))
    finally:
        store.close()
    return sid
