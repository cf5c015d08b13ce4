"""What settles each receiver: how often the comparison of sessions with and without a tag finds a
real effect, calls a tag without one different, and names a tag that only rides along with the
evening as confounded, on 200 simulated histories each (calmlink.testing.histories: the real
comparison code on summaries made with the real dataclasses). `python -m benchmarks tried` prints
the table in docs/trends.md.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import numpy as np

from calmlink.review.settling import session_points
from calmlink.review.tried_compare import compare
from calmlink.testing.histories import (
    DOCUMENTED_EFFECT,
    NO_EFFECT,
    RIDES_WITH_EVENING,
    SPREAD_HR_BPM,
    SPREAD_LN,
    Scenario,
    history,
)

HISTORIES = 200


def rates(scenario: Scenario, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    counts = {"found": 0, "different": 0, "confounded": 0, "evening named": 0, "too few": 0}
    for _ in range(HISTORIES):
        points, _ = session_points(history(scenario, rng), UTC)
        r = compare(points, "tag:lavender", "Sam", "lavender")
        counts["found"] += r["verdict"] == "settled-more"
        counts["different"] += r["verdict"] in ("settled-more", "settled-less")
        counts["confounded"] += r["verdict"] == "confounded"
        counts["too few"] += r["verdict"] == "too-few"
        counts["evening named"] += any(c["variable"] == "time of day" for c in r["confounds"])
    return {k: v / HISTORIES for k, v in counts.items()}


def run() -> None:
    print(f"   sessions vary by {SPREAD_HR_BPM} bpm and {SPREAD_LN} in ln of the swing with each breath "
          f"(1 SD) in how much they settle; {HISTORIES} histories each; 95% Welch intervals")
    print(f"   {'scenario':<44} {'found':>6} {'called different':>17} {'confounded':>11} "
          f"{'evening named':>14}")
    rows = [(DOCUMENTED_EFFECT, 1), (NO_EFFECT, 2), (RIDES_WITH_EVENING, 3)]
    for share in (0.25, 0.5, 0.75):
        rows.append((replace(DOCUMENTED_EFFECT, name=f"{share:.0%} of the documented effect",
                             effect_hr_bpm=DOCUMENTED_EFFECT.effect_hr_bpm * share,
                             effect_ln=DOCUMENTED_EFFECT.effect_ln * share), 4))
    for n in (3, 5, 12):
        rows.append((replace(DOCUMENTED_EFFECT, name=f"documented effect, {n} against {n}",
                             n_with=n, n_without=n), 5))
    for scenario, seed in rows:
        label = scenario.name if scenario.n_with != 8 or "against" in scenario.name \
            else f"{scenario.name}, 8 against 8"
        r = rates(scenario, seed)
        print(f"   {label:<44} {r['found']:>6.0%} {r['different']:>17.0%} {r['confounded']:>11.0%} "
              f"{r['evening named']:>14.0%}")
