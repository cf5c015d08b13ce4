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
from calmlink.store.tried import Tried
from calmlink.testing import histories as model

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
    summary = replace(mine, partner=partner_summary(beats, NAMES, giver, receiver_steps=mine.steps,
                                                    receiver=profile))
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


def seed_tried_history(path: Path, profile: str = "Sam", now: datetime | None = None,
                       seed: int = 7, sessions: int = 18, with_oil: bool = False) -> list[int]:
    """A receiver's sessions every three days up to ``now`` (local time), with what was tried:
    oil in every other session at any time of day, with a real effect (heart rate 6 bpm lower,
    ln RMSSD 0.3 higher by the end); a candle only late in the evening, when this receiver settles
    more anyway (1.5 bpm and 0.08 a hour after 19:00: a confound); music now and then, with no
    effect; a warm towel twice (too few to tell). ``with_oil``: light pressure and lavender on
    every session with oil and on no other (always together: one comparison). Summaries from the model of
    :mod:`calmlink.testing.histories` with the real summary dataclasses, beats to match, written
    through the real store; returns the new session ids."""
    rng = np.random.default_rng(seed)
    now = now or datetime.now().astimezone()
    made = []
    for k in range(sessions):
        oil, evening, music, towel = k % 2 == 0, k % 3 == 0, k % 4 in (1, 2), k in (4, 11)
        hour = float(rng.uniform(20.5, 22.0) if evening else rng.uniform(16.0, 19.0))
        d = model.SessionDraw(oil, hour, float(rng.normal(70, 4)), float(rng.normal(3.6, 0.25)),
                        model.END_HR_BPM + float(rng.normal(0, model.SPREAD_HR_BPM)) - 6.0 * oil
                        - 1.5 * (hour - 19.0),
                        model.END_LN + float(rng.normal(0, model.SPREAD_LN)) + 0.3 * oil
                        + 0.08 * (hour - 19.0))
        day = datetime.combine((now - timedelta(days=3 * (sessions - k))).date(), datetime.min.time())
        started = (day + timedelta(hours=hour)).astimezone()
        beats = model.beats_of(d, rng)
        tags = tuple(sorted(t for t, on in (("candle", evening), ("warm towel", towel),
                                            ("lavender", with_oil and oil)) if on))
        made.append(ImportedSession(
            profile, started.isoformat(timespec="seconds"),
            (started + timedelta(seconds=beats[-1].t)).isoformat(timespec="seconds"), "seeded",
            beats, model.summary_of(d, rng), NAMES, "Alex",
            Tried(hands="oil" if oil else "dry", sound="music" if music else None, tags=tags,
                  pressure="light" if with_oil and oil else None)))
    return _stored(path, made)


def finder_beats(resonance: float | None = 5.0, seed: int = 21) -> list[Beat]:
    """A pace-finding session's beats (the built-in routine, step by step) of a simulated person
    whose swing peaks at ``resonance`` breaths a minute (None: no peak)."""
    from calmlink.live.routine import PACE_FINDER
    from calmlink.sensors import population as pop

    person = pop.draw_breathers(1, seed=seed, peaked=resonance is not None)[0]
    if resonance is not None:
        person = pop.with_resonance(person, resonance)
    steps = PACE_FINDER.steps
    phases = [pop.Phase(steps[0].duration_s, 14.0)] + [
        pop.Phase(s.duration_s, s.breaths_per_min or 6.0, breath_cv=pop.PACED_CV,
                  lf_factor=pop.ENTRAINED_LF) for s in steps[1:]]
    t, rr = pop.beats(person, phases)
    bounds = np.cumsum([s.duration_s for s in steps])
    return [Beat(i, Role.RECEIVER, round(float(ti), 3), round(float(ri), 2),
                 round(60000 / float(ri), 2), False, i == 0,
                 int(min(np.searchsorted(bounds, ti, side="right"), len(steps) - 1)), None, None,
                 "good") for i, (ti, ri) in enumerate(zip(t, rr, strict=True))]


def seed_pace_finding(path: Path, profile: str = "Robin", resonance: float | None = 5.0,
                      seed: int = 21) -> int:
    """One pace-finding session (:func:`finder_beats`), summarised as a session a crash left is
    (its breaths rebuilt from the steps' paces), and the finding kept as the live session keeps it."""
    from dataclasses import asdict

    from calmlink.live.routine import PACE_FINDER
    from calmlink.review.breathe import rebuilt_breaths

    steps = PACE_FINDER.steps
    beats = finder_beats(resonance, seed)
    paces = {k: float(s.breaths_per_min) for k, s in enumerate(steps) if s.breaths_per_min}
    names = [s.name for s in steps]
    summary = summarize(beats, names, [s.id for s in steps], breaths=rebuilt_breaths(beats, paces))
    started = datetime.now().astimezone() - timedelta(hours=1)
    store = Store(path)
    store.open()
    try:
        [sid] = store.import_sessions_blocking([ImportedSession(
            profile, started.isoformat(timespec="seconds"),
            (started + timedelta(seconds=beats[-1].t)).isoformat(timespec="seconds"), "seeded",
            beats, summary.to_dict(), names)])
        if summary.pace_finding is not None:
            store.paces.keep_blocking(sid, "receiver", profile, summary.pace_finding.pace,
                                      asdict(summary.pace_finding))
    finally:
        store.close()
    return sid


def loose_strap(series: RRSeries, rng: random.Random, share: float = 0.3) -> RRSeries:
    """The same beats as a loose strap gives them: about ``share`` of them an extra beat (a short
    interval) or a missed one (a long one), which calmlink's own artifact check sets aside."""
    rr = series.rr_ms.copy()
    for i in range(1, len(rr)):
        if rng.random() < share:
            rr[i] *= rng.choice((0.45, 1.9))
    t = np.cumsum(rr) / 1000
    return RRSeries(rr, t, np.zeros(len(rr), dtype=bool), "synthetic, loose strap")


def seed_days(path: Path, profile: str, days: list[datetime], unreliable: tuple[int, ...] = (),
              seed: int = 5, settle_bpm: list[float] | None = None) -> list[int]:
    """One session of ``profile`` at each of ``days`` (local times with their offsets, as the store
    keeps them); those at the indices in ``unreliable`` recorded through a :func:`loose_strap`, so
    their summaries say not reliable as calmlink's own would; ``settle_bpm``: each session's heart
    rate in its first minute, about. Returns the new session ids."""
    rng = random.Random(seed)
    made = []
    for k, when in enumerate(days):
        series = synthetic_session(rng)
        if settle_bpm is not None:
            first = series.rr_ms[series.t_s - series.t_s[0] < 60]
            rr = series.rr_ms * (60000 / float(np.mean(first))) / settle_bpm[k]
            series = RRSeries(rr, np.cumsum(rr) / 1000, series.gap_before, series.format)
        if k in unreliable:
            series = loose_strap(series, rng)
        t = series.t_s - series.t_s[0] + series.rr_ms[0] / 1000
        beats = routine_beats(t, series.rr_ms, Role.RECEIVER)
        summary = summarize(beats, NAMES)
        if summary.reliable == (k in unreliable):
            raise AssertionError(f"session {k}: reliable={summary.reliable}, not as seeded")
        started = when.astimezone()
        made.append(ImportedSession(
            profile, started.isoformat(timespec="seconds"),
            (started + timedelta(seconds=float(t[-1]))).isoformat(timespec="seconds"), "seeded",
            beats, summary.to_dict(), NAMES))
    return _stored(path, made)


def _stored(path: Path, made: list[ImportedSession]) -> list[int]:
    """Write seeded sessions into the store at ``path`` in one transaction; their ids."""
    store = Store(path)
    store.open()
    try:
        return store.import_sessions_blocking(made)
    finally:
        store.close()
