"""The pace finder on simulated people: 100 with a resonance peak, 100 without one.

Each person breathes a finding session (a settle minute at 14 a minute, then two minutes at each
of 6.5, 6, 5.5, 5 and 4.5 a minute, following the pacer); :func:`calmlink.signal.pace_finder.trial`
reads each pace from the beats (batch numpy, not the per-beat path) and
:func:`calmlink.signal.pace_finder.find_pace` decides. Prints how often the finder lands within half
a breath a minute of a peaked person's resonance pace, and how often it says "no clear best pace"
for a person with no peak, at the rule's margin and at others (the table in docs/breathe.md).
"""

from __future__ import annotations

import numpy as np

from calmlink.sensors import population as pop
from calmlink.signal import pace_finder as pf

PEOPLE = 100
SETTLE_S = 60.0


def phases() -> list[pop.Phase]:
    return [pop.Phase(SETTLE_S, 14.0)] + [
        pop.Phase(pf.FINDER_STEP_S, pace, breath_cv=pop.PACED_CV, lf_factor=pop.ENTRAINED_LF)
        for pace in pf.FINDER_PACES]


def trials(person: pop.Person) -> list[pf.PaceTrial]:
    """One finding session of ``person``, read pace by pace."""
    t, rr = pop.beats(person, phases())
    hr = 60000.0 / rr
    out = []
    for k, pace in enumerate(pf.FINDER_PACES):
        start = SETTLE_S + k * pf.FINDER_STEP_S
        out.append(pf.trial(t, hr, start, start + pf.FINDER_STEP_S, pace))
    return out


def sessions(peaked: bool, people: int = PEOPLE) -> tuple[list[list[pf.PaceTrial]], np.ndarray]:
    """Every person's trials, and their resonance paces (nan for people without a peak)."""
    drawn = pop.draw_breathers(people, peaked=peaked)
    truth = np.array([p.resonance_per_min if peaked else np.nan for p in drawn])
    return [trials(p) for p in drawn], truth


def rates(peaked: list[list[pf.PaceTrial]], truth: np.ndarray, flat: list[list[pf.PaceTrial]],
          margin: float = pf.MARGIN_SE) -> tuple[int, int]:
    """(peaked people found within half a breath a minute, flat people given no clear best)."""
    found = [pf.find_pace(x, margin).pace for x in peaked]
    within = sum(1 for f, r in zip(found, truth, strict=True)
                 if f is not None and abs(f - r) <= pf.NEIGHBOUR + 1e-9)
    unclear = sum(1 for x in flat if pf.find_pace(x, margin).pace is None)
    return within, unclear


def run() -> None:
    peaked, truth = sessions(True)
    flat, _ = sessions(False)
    for margin in (0.5, 1.0, pf.MARGIN_SE, 1.5, 2.0):
        within, unclear = rates(peaked, truth, flat, margin)
        mark = "  (the rule)" if margin == pf.MARGIN_SE else ""
        print(f"   margin {margin:.2f} SE: peaked within 0.5 a minute {within} of {len(peaked)}, "
              f"no peak -> 'no clear best pace' {unclear} of {len(flat)}{mark}")
