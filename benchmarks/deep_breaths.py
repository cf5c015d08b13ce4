"""Deep breaths (sighs) marked from the heart: found among simulated people, false marks on steady
breathing, and how often they are marked on the shared recordings (signal.deep_breath).

- **found**: 100 simulated people (calmlink.sensors.population) breathing at 14 a minute, and
  paced at 6, with one sigh 2, 3 or 4 times a breath's depth after 150 s, sorted by how many times
  the usual swing the sigh reads as: a mark within ``FOUND_WITHIN_S`` of the sigh's start counts
  as found.
- **false marks**: the same people breathing steadily for 10 minutes without a sigh (at 14 a
  minute, and paced at 6): marks per 10 minutes, the mean over people.
- **real recordings**: marks a minute per condition (the shared relax/ folder, read in place), and
  on the Polar H10 trigeminy record, where an irregular rhythm must leave none.
"""

from __future__ import annotations

import csv

import numpy as np

from calmlink.recordings import read_rr_file
from calmlink.sensors import population as pop
from calmlink.signal.deep_breath import REFERENCE
from calmlink.signal.gauge_run import run_gauge
from calmlink.signal.swing import breath_swings
from calmlink.testing.data import recordings_dir

PEOPLE = 100
SIGH_AT_S = 150.0
FOUND_WITHIN_S = 45.0
"""A sigh of 20 s (two slow breaths in one) is known once the breath after it closes."""
STEADY_S = 600.0
SIGH_SCENARIO_S = 240.0
SIGH_DEPTHS = (2.0, 3.0, 4.0)
"""The sigh's depth in the simulation, times a breath's; what matters is how many times the usual
swing it reads as (its troughs are shared with the breaths either side, and heart rate saturates),
so the table sorts the sighs by that."""
PACES = {"14 a minute": pop.Phase(STEADY_S, 14.0),
         "paced at 6": pop.Phase(STEADY_S, 6.0, breath_cv=pop.PACED_CV, lf_factor=pop.ENTRAINED_LF)}


def marks(t: np.ndarray, rr: np.ndarray, gaps: np.ndarray | None = None) -> np.ndarray:
    """Times of the deep breaths the live path marks."""
    run = run_gauge(t, rr, gaps)
    return np.array([r.t for r in run.results if r.deep_breath])


def read_ratio(t: np.ndarray, rr: np.ndarray) -> float:
    """How many times the usual swing the sigh reads as: the deepest breath dated within
    ``FOUND_WITHIN_S`` of the sigh over the median of the breaths before it."""
    b = breath_swings(t, 60000.0 / rr)
    during = np.flatnonzero((b.t >= SIGH_AT_S) & (b.t < SIGH_AT_S + FOUND_WITHIN_S))
    k = int(during[np.argmax(b.bpm[during])])
    return float(b.bpm[k] / np.median(b.bpm[max(0, k - REFERENCE):k]))


def sighs(phase: pop.Phase, depths: tuple[float, ...] = SIGH_DEPTHS, people: int = PEOPLE
          ) -> list[tuple[float, bool]]:
    """Per person and sigh depth: (how many times the usual swing the sigh read, found)."""
    out = []
    short = pop.Phase(SIGH_SCENARIO_S, phase.breaths_per_min, breath_cv=phase.breath_cv,
                      lf_factor=phase.lf_factor)
    for person in pop.draw_people(people):
        for depth in depths:
            t, rr = pop.beats(person, [short], sigh_at_s=SIGH_AT_S, sigh_depth=depth)
            m = marks(t, rr)
            out.append((read_ratio(t, rr),
                        bool(np.any((m >= SIGH_AT_S) & (m < SIGH_AT_S + FOUND_WITHIN_S)))))
    return out


def false_per_10_min(phase: pop.Phase, people: int = PEOPLE) -> float:
    return float(np.mean([marks(*pop.beats(person, [phase])).size * 600.0 / phase.seconds
                          for person in pop.draw_people(people)]))


def _share(rows: list[tuple[float, bool]], lo: float, hi: float) -> str:
    hits = [found for ratio, found in rows if lo <= ratio < hi]
    return f"{100 * sum(hits) / len(hits):.0f}% of {len(hits)}" if hits else "–"


def simulated_table(people: int = PEOPLE) -> str:
    lines = ["| breathing | sighs reading 1.5-2x the usual swing found | 2-3x found | over 3x found "
             "| false marks per 10 min of steady breathing |", "|---|---|---|---|---|"]
    for name, phase in PACES.items():
        rows = sighs(phase, people=people)
        lines.append(f"| {name} | {_share(rows, 1.5, 2.0)} | {_share(rows, 2.0, 3.0)} | "
                     f"{_share(rows, 3.0, np.inf)} | {false_per_10_min(phase, people):.2f} |")
    return "\n".join(lines)


def _conditions(path) -> list[tuple[float, float, str]]:  # type: ignore[no-untyped-def]
    with path.open() as fh:
        return [(float(r["start_s"]), float(r["end_s"]), r["label"]) for r in csv.DictReader(fh)]


def real_rates() -> dict[str, tuple[int, float]]:
    """Per condition: (marks, minutes) summed over the recordings."""
    relax = recordings_dir() / "relax"
    out: dict[str, list[float]] = {}

    def add(label: str, m: np.ndarray, a: float, b: float) -> None:
        row = out.setdefault(label, [0.0, 0.0])
        row[0] += float(np.sum((m >= a) & (m < b)))
        row[1] += (b - a) / 60.0

    for path in sorted((relax / "gudb").glob("subject_*.rr")):
        s = read_rr_file(path)
        add("GUDB " + path.stem.split("_")[-1], marks(s.t_s, s.rr_ms, s.gap_before), 0.0,
            float(s.t_s[-1]))
    s = read_rr_file(relax / "wearablehrv" / "P37_vu_ecg.rr")
    m = marks(s.t_s, s.rr_ms, s.gap_before)
    for a, b, label in _conditions(relax / "wearablehrv" / "P37_vu_ecg_conditions.csv"):
        add(f"P37 {label}", m, a, b)
    for path in sorted((relax / "spb_recovery").glob("id*.rr")):
        s = read_rr_file(path)
        m = marks(s.t_s, s.rr_ms, s.gap_before)
        group = path.stem.rsplit("_", 1)[-1]
        for a, b, label in _conditions(path.with_name(path.stem + "_conditions.csv")):
            add(f"sprint {label} ({group})", m, a, b)
    s = read_rr_file(recordings_dir() / "rr" / "polar_h10_pvc_10min_rr_with_time.csv")
    add("Polar H10 trigeminy", marks(s.t_s, s.rr_ms, s.gap_before), -1e9, 1e9)
    out["Polar H10 trigeminy"][1] = float(s.t_s[-1] - s.t_s[0]) / 60.0
    return {k: (int(v[0]), v[1]) for k, v in out.items()}


def real_table() -> str:
    lines = ["| recordings, condition | deep breaths marked | minutes | a minute |", "|---|---|---|---|"]
    for label, (n, minutes) in real_rates().items():
        lines.append(f"| {label} | {n} | {minutes:.0f} | {n / minutes:.2f} |")
    return "\n".join(lines)


def run() -> None:
    print(simulated_table())
    print()
    print(real_table())
