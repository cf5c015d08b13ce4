"""The gauge on a simulated population (calmlink.sensors.population.draw_population: slow breathing
lifting mean heart rate 0-6 bpm through a larger crest, a fifth not following the pace, a sixth
with a small swing, one in twenty with premature beats): 100 people, each scored beat by beat
through the live path, with the peers of :mod:`benchmarks.relax_peers` beside it.

Scenarios (the first minute is the baseline wherever a scorer has one):

- **slow breathing**: ordinary breathing at 14 a minute for 150 s, then paced at 6 for 120 s (or
  at the person's own 8-10 when they do not follow the pace), mean heart rate lifted 0-6 bpm by
  the crest. Reads calmer: the mean over the last 30 s above that over 120-150 s.
- **mental load**: rest for 150 s, then 90 s of load (heart rate up, swing down, breathing faster
  and less regular). Reads less calm: the mean over the last 30 s below that over 120-150 s.
- **a sigh**: the slow-breathing scenario with one sigh at 75 s, replayed to 150 s and set against
  the same person without it: the reading may move, but by more than a fifth of what mental load
  moves it (the median person's change) for no more than 5 s. For calmlink's gauge that fifth is
  about 5 points.
- **responsiveness**: seconds after breathing slows until the reading has made half of its change
  (median person, those whose reading rose); for calmlink's gauge also the same when breathing
  returns to 14 a minute after 120 s at 6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.relax_peers import SCORERS, Scorer, calmlink_gauge
from calmlink.recordings import RRSeries
from calmlink.sensors import population as pop
from calmlink.signal.gauge import GaugeConfig

PEOPLE = 100
SWITCH_S = 150.0
REST = (120.0, 150.0)
SLOW = (240.0, 270.0)
LOAD = (210.0, 240.0)
SIGH_AT_S = 75.0
SIGH_UNTIL_S = 150.0
SIGH_SHARE = 0.2
SIGH_HOLD_S = 5.0


def slow_phases(person: pop.Person | None = None) -> list[pop.Phase]:
    return pop.slow_breathing(SWITCH_S, SLOW[1] - SWITCH_S, person)


def load_phases(person: pop.Person) -> list[pop.Phase]:
    return pop.mental_load(person, SWITCH_S, LOAD[1] - SWITCH_S)


def series(t: np.ndarray, rr: np.ndarray) -> RRSeries:
    return RRSeries(rr, t, np.zeros(rr.size, dtype=bool), "simulated")


def score(scorer: Scorer, t: np.ndarray, rr: np.ndarray, config: GaugeConfig | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """Per-beat (time, value) arrays, nan where the scorer says nothing."""
    points, _ = scorer(series(t, rr), None, None, config)
    return (np.array([p[0] for p in points]),
            np.array([np.nan if p[1] is None else p[1] for p in points]))


def _mean(t: np.ndarray, v: np.ndarray, span: tuple[float, float]) -> float:
    sel = (t >= span[0]) & (t < span[1]) & ~np.isnan(v)
    return float(np.mean(v[sel])) if sel.any() else float("nan")


def change(t: np.ndarray, v: np.ndarray, span: tuple[float, float]) -> float:
    """The reading over ``span`` against the rest just before the switch."""
    return _mean(t, v, span) - _mean(t, v, REST)


def half_time(t: np.ndarray, v: np.ndarray, before: tuple[float, float] = REST,
              after: tuple[float, float] = SLOW, share: float = 0.5) -> float:
    """Seconds after the change (the end of ``before``) until the reading has made ``share`` of
    its move from the ``before`` level toward the ``after`` level (nan when it did not move)."""
    start, end = _mean(t, v, before), _mean(t, v, after)
    if not abs(end - start) > 0:
        return float("nan")
    half = start + share * (end - start)
    crossed = (v >= half) if end > start else (v <= half)
    later = np.flatnonzero((t >= before[1]) & crossed)
    return float(t[later[0]] - before[1]) if later.size else float("nan")


def back_half_times(people: int = PEOPLE) -> np.ndarray:
    """calmlink's gauge: seconds after breathing returns from 6 to 14 a minute until half of the
    fall shows (ordinary breathing at 14 for 150 s, 6 for 120 s, 14 again for 90 s)."""
    out = []
    for person in pop.draw_population(people):
        phases = [*slow_phases(person), pop.Phase(90.0, 14.0)]
        t, v = score(calmlink_gauge, *pop.beats(person, phases))
        out.append(half_time(t, v, SLOW, (330.0, 360.0)) if change(t, v, SLOW) > 0 else np.nan)
    return np.array(out)


def sigh_seconds(plain: tuple[np.ndarray, np.ndarray], sighed: tuple[np.ndarray, np.ndarray],
                 limit: float) -> float:
    """How long the reading with the sigh stays more than ``limit`` away from the one without."""
    (ta, va), (tb, vb) = plain, sighed
    sel = (tb >= SIGH_AT_S) & (tb < SIGH_UNTIL_S)
    gap = np.abs(vb[sel] - np.interp(tb[sel], ta, va))
    dt = np.diff(tb[sel], append=tb[sel][-1])
    return float(np.sum(dt[np.nan_to_num(gap) > limit]))


Run = tuple[np.ndarray, np.ndarray]


def slow_runs(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None,
              people: int = PEOPLE) -> list[Run]:
    """Each person through the slow-breathing scenario."""
    return [score(scorer, *pop.beats(person, slow_phases(person)), config)
            for person in pop.draw_population(people)]


def load_changes(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None,
                 people: int = PEOPLE) -> np.ndarray:
    """Each person's change under mental load (negative: reads less calm)."""
    return np.array([change(*score(scorer, *pop.beats(person, load_phases(person)), config), LOAD)
                     for person in pop.draw_population(people)])


def sigh_runs(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None,
              people: int = PEOPLE) -> list[Run]:
    """Each person through the slow-breathing scenario with one sigh, up to ``SIGH_UNTIL_S``."""
    out = []
    for person in pop.draw_population(people):
        t, rr = pop.beats(person, slow_phases(person), sigh_at_s=SIGH_AT_S)
        keep = t < SIGH_UNTIL_S
        out.append(score(scorer, t[keep], rr[keep], config))
    return out


@dataclass(frozen=True)
class PopulationResult:
    slow: np.ndarray
    """Per person: the change when breathing slowed (positive: calmer)."""
    load: np.ndarray
    sigh_s: np.ndarray
    """Per person: seconds the sigh moved the reading by more than ``sigh_limit``."""
    sigh_limit: float
    """``SIGH_SHARE`` of the median person's mental-load change."""
    half_s: np.ndarray
    most_s: np.ndarray
    """Seconds until nine tenths of the slow-breathing change shows."""


def evaluate(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None,
             people: int = PEOPLE) -> PopulationResult:
    plain = slow_runs(scorer, config, people)
    load = load_changes(scorer, config, people)
    limit = SIGH_SHARE * abs(float(np.nanmedian(load)))
    sighs = [sigh_seconds(a, b, limit) for a, b in zip(plain, sigh_runs(scorer, config, people),
                                                         strict=True)]
    slow = np.array([change(*run, SLOW) for run in plain])
    half, most = (np.array([half_time(*run, share=share) if moved > 0 else np.nan
                            for run, moved in zip(plain, slow, strict=True)]) for share in (0.5, 0.9))
    return PopulationResult(slow, load, np.array(sighs), limit, half, most)


def table() -> str:
    results = {name: evaluate(scorer) for name, scorer in SCORERS.items()}
    names = list(results)
    rows = [
        ("Simulated, 100 people: breathing 14 -> 6 a minute (mean heart rate up 0-6 bpm), reads calmer",
         lambda r: f"{int(np.sum(r.slow > 0))} of {PEOPLE}"),
        ("Simulated: mental load (heart rate up, swing down) reads less calm",
         lambda r: f"{int(np.sum(r.load < 0))} of {PEOPLE}"),
        ("Simulated: one sigh moves it by over a fifth of mental load's change for at most 5 s",
         lambda r: f"{int(np.sum(r.sigh_s <= SIGH_HOLD_S))} of {PEOPLE}"),
        ("Simulated: seconds after breathing slows until half the change shows (median)",
         lambda r: "-" if np.sum(r.slow > 0) < PEOPLE // 2 else f"{np.nanmedian(r.half_s):.0f} s"),
    ]
    lines = ["| contrast | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(results[n]) for n in names) + " |")
    gauge, back = results[names[0]], back_half_times()
    lines.append("")
    lines.append(f"calmlink gauge: a fifth of mental load's change is {gauge.sigh_limit:.1f} points; "
                 f"half of slow breathing's change shows after {np.nanmedian(gauge.half_s):.0f} s "
                 f"(10th-90th percentile {np.nanpercentile(gauge.half_s, 10):.0f}-"
                 f"{np.nanpercentile(gauge.half_s, 90):.0f} s), nine tenths after "
                 f"{np.nanmedian(gauge.most_s):.0f} s ({np.nanpercentile(gauge.most_s, 10):.0f}-"
                 f"{np.nanpercentile(gauge.most_s, 90):.0f} s), half of the way back after "
                 f"{np.nanmedian(back):.0f} s ({np.nanpercentile(back, 10):.0f}-"
                 f"{np.nanpercentile(back, 90):.0f} s); median change with slow breathing "
                 f"{np.median(gauge.slow):+.1f} points, with mental load {np.median(gauge.load):+.1f}")
    return "\n".join(lines)

