"""Does the gauge move the right way on real people? The recordings in relax/ of the shared data
folder (``CALMLINK_TEST_DATA``), read in place.

Each contrast replays a recording through the live per-beat path (:func:`run_gauge`), the baseline
being the first minute of the baseline condition, and compares condition means of the gauge over each
condition's last minute (the sprint study: the last two seated minutes). Two peers are scored the same
way in the same run: heart rate alone (lower reads calmer) and an Elite-HRV-style score,
(ln RMSSD over 15 s - 1.5) / 4 x 100. `python -m benchmarks relax` prints the table in
docs/relaxation.md.
"""

from __future__ import annotations

import csv
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from calmlink.recordings import RRSeries, read_rr_file
from calmlink.signal.gauge import Baseline, GaugeConfig
from calmlink.signal.gauge_run import run_gauge
from calmlink.testing.data import recordings_dir

DATA = recordings_dir()
RELAX = DATA / "relax"
LAST_S = 60.0
GUDB_LAST_S = 45.0
"""GUDB's conditions are scored on their last 45 s (both recordings are about two minutes)."""
LAST_SEATED_S = 120.0

Points = list[tuple[float, float | None]]
# a scorer: (series, baseline start, carried baseline, config) -> per-beat values, carried baseline
Scorer = Callable[[RRSeries, float | None, Baseline | None, GaugeConfig | None],
                  tuple[Points, Baseline | None]]


def calmlink_gauge(series: RRSeries, start: float | None, carried: Baseline | None,
                   config: GaugeConfig | None) -> tuple[Points, Baseline | None]:
    run = run_gauge(series.t_s, series.rr_ms, series.gap_before, baseline_start_s=start,
                    baseline=carried, config=config)
    return [(r.t, r.gauge) for r in run.results], run.baseline


def heart_rate_alone(series: RRSeries, *_: object) -> tuple[Points, Baseline | None]:
    return [(float(t), -60000.0 / float(rr)) for t, rr in zip(series.t_s, series.rr_ms, strict=True)
            if 300.0 <= rr <= 2000.0], None


def elite_style(series: RRSeries, *_: object) -> tuple[Points, Baseline | None]:
    out: Points = []
    window: deque[tuple[float, float]] = deque()
    for t, rr, gap in zip(series.t_s, series.rr_ms, series.gap_before, strict=True):
        if gap:
            window.clear()
        if not 300.0 <= rr <= 2000.0:
            continue
        window.append((float(t), float(rr)))
        while window[0][0] < t - 15.0:
            window.popleft()
        diffs = [b[1] - a[1] for a, b in zip(window, list(window)[1:], strict=False)]
        if len(diffs) >= 5:
            rmssd = math.sqrt(sum(d * d for d in diffs) / len(diffs))
            out.append((float(t), (math.log(rmssd) - 1.5) / 4 * 100 if rmssd > 0 else None))
    return out, None


SCORERS: dict[str, Scorer] = {
    "calmlink gauge": calmlink_gauge,
    "heart rate alone": heart_rate_alone,
    "RMSSD only (Elite-HRV-style)": elite_style,
}


@dataclass
class Contrast:
    name: str
    wins: int
    total: int
    detail: list[tuple[str, float | None, float | None]]

    @property
    def text(self) -> str:
        return f"{self.wins} of {self.total}"


def _mean(points: Points, start: float, end: float, last_s: float) -> float | None:
    lo = max(start, end - last_s)
    values = [v for t, v in points if lo <= t < end and v is not None]
    return sum(values) / len(values) if values else None


def _conditions(path: Path) -> list[tuple[float, float, str]]:
    with path.open() as fh:
        return [(float(r["start_s"]), float(r["end_s"]), r["label"]) for r in csv.DictReader(fh)]


def _count(name: str, detail: list[tuple[str, float | None, float | None]], lower: bool) -> Contrast:
    wins = sum(1 for _, a, b in detail
               if a is not None and b is not None and (b < a if lower else b > a))
    return Contrast(name, wins, len(detail), detail)


def gudb(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None) -> Contrast:
    """Maths against seated rest; the first minute of sitting is the baseline, carried to maths."""
    detail = []
    for sit_path in sorted((RELAX / "gudb").glob("subject_*_sitting.rr")):
        subject = sit_path.name[: len("subject_00")]
        sit = read_rr_file(sit_path)
        maths = read_rr_file(RELAX / "gudb" / f"{subject}_maths.rr")
        p_sit, base = scorer(sit, None, None, config)
        p_maths, _ = scorer(maths, None, base, config)
        a = _mean(p_sit, 0.0, float(sit.t_s[-1]) + 1, GUDB_LAST_S)
        b = _mean(p_maths, 0.0, float(maths.t_s[-1]) + 1, GUDB_LAST_S)
        detail.append((subject, a, b))
    return _count("GUDB: maths lower than sitting", detail, lower=True)


def p37(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None
        ) -> tuple[Contrast, Contrast, dict[str, float | None]]:
    series = read_rr_file(RELAX / "wearablehrv" / "P37_vu_ecg.rr")
    conds = _conditions(RELAX / "wearablehrv" / "P37_vu_ecg_conditions.csv")
    sitting = next(c for c in conds if c[2] == "sitting")
    points, _ = scorer(series, sitting[0], None, config)
    means = {label: _mean(points, a, b, 120.0) for a, b, label in conds}
    sit = means["sitting"]
    return (_count("P37: standing lower than sitting", [("P37", sit, means["standing"])], True),
            _count("P37: slow breathing higher than sitting", [("P37", sit, means["breathing"])],
                   False),
            means)


def sprint(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None) -> Contrast:
    """Last seated minutes against the end of walking; the first minute of walking is the baseline."""
    detail = []
    for rr_path in sorted((RELAX / "spb_recovery").glob("id*.rr")):
        conds = _conditions(rr_path.with_name(rr_path.stem + "_conditions.csv"))
        active = next(c for c in conds if c[2] == "active")
        passive = next(c for c in conds if c[2] == "passive")
        if active[1] - active[0] < 2 * LAST_S:
            continue  # id17 walked for 1.8 s: no baseline minute, no end of walking to compare
        points, _ = scorer(read_rr_file(rr_path), active[0], None, config)
        detail.append((rr_path.stem, _mean(points, *active[:2], LAST_S),
                       _mean(points, *passive[:2], LAST_SEATED_S)))
    return _count("Sprint recovery: seated higher than end of walking", detail, lower=False)


def polar_withheld(config: GaugeConfig | None = None) -> float:
    """Share of beats after the first minute with the gauge withheld, on the trigeminy record."""
    series = read_rr_file(DATA / "rr" / "polar_h10_pvc_10min_rr_with_time.csv")
    run = run_gauge(series.t_s, series.rr_ms, series.gap_before, config=config)
    after = [r for r in run.results if r.t >= series.t_s[0] + 60.0]
    return sum(1 for r in after if r.gauge is None) / len(after)


def all_contrasts(scorer: Scorer = calmlink_gauge, config: GaugeConfig | None = None
                  ) -> list[Contrast]:
    standing, breathing, _ = p37(scorer, config)
    return [gudb(scorer, config), standing, breathing, sprint(scorer, config)]


def table() -> str:
    results = {name: all_contrasts(scorer) for name, scorer in SCORERS.items()}
    names = list(results)
    lines = ["| contrast | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for i, contrast in enumerate(results[names[0]]):
        lines.append(f"| {contrast.name} | " + " | ".join(results[n][i].text for n in names) + " |")
    lines.append(f"| Polar H10 trigeminy: withheld after the first minute | "
                 f"{100 * polar_withheld():.0f}% of beats | shown | shown |")
    return "\n".join(lines)


DATASETS = {"GUDB": (0,), "P37": (1, 2), "sprint recovery": (3,)}
"""Which contrasts of :func:`all_contrasts` belong to which dataset."""
CANDIDATES: dict[str, GaugeConfig] = {
    "ln RMSSD weighed by its reliability (the default)": GaugeConfig(),
    "ln RMSSD unweighed": GaugeConfig(shrink_ln_rmssd=False),
    "half the ln RMSSD weight": GaugeConfig(w_hrv=0.5),
    "one and a half times the ln RMSSD weight": GaugeConfig(w_hrv=1.5),
}


def cross_dataset() -> str:
    """Leave one dataset out: pick the candidate with the most wins on the other two (the default
    when tied), then report it on the one left out. The default was reasoned, not fitted; this
    shows how much a fitted choice would move, and whether it would carry to new people."""
    wins = {name: [c.wins for c in all_contrasts(config=cfg)] for name, cfg in CANDIDATES.items()}
    hr = [c.wins for c in all_contrasts(heart_rate_alone)]
    totals = [c.total for c in all_contrasts(heart_rate_alone)]
    lines = ["| left out | chosen on the other two | its wins there | heart rate alone there |",
             "|---|---|---|---|"]
    for held, idx in DATASETS.items():
        train = [i for i in range(len(totals)) if i not in idx]
        best = max(CANDIDATES, key=lambda n: (sum(wins[n][i] for i in train),
                                               n == next(iter(CANDIDATES))))
        got = ", ".join(f"{wins[best][i]}/{totals[i]}" for i in idx)
        base = ", ".join(f"{hr[i]}/{totals[i]}" for i in idx)
        lines.append(f"| {held} | {best} | {got} | {base} |")
    return "\n".join(lines)


def run() -> None:
    print(table())
    print()
    print(cross_dataset())
