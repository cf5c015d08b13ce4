"""The gauge against real people (relax/README.md in the shared data folder): the targets there, at
least as right as the gauge before issue 19 and as the best of the peers scored in the same run on
every contrast, and slow breathing seen clearly."""

from __future__ import annotations

import pytest

from benchmarks import relax
from benchmarks.relax_peers import BEFORE, MEAN_HR, SCORERS

# six gauges replayed beat by beat over four real data sets: 25 s alone on 2 cores, which a
# loaded machine can stretch past the 60-s default meant for a hung socket
pytestmark = [pytest.mark.real_data, pytest.mark.timeout(240)]

PERSON_CONTRASTS = range(4)
"""GUDB, P37 standing, P37 slow breathing, sprint recovery (the INT-CON pairs are between people)."""


@pytest.fixture(scope="module")
def ours() -> list[relax.Contrast]:
    return relax.all_contrasts()


@pytest.fixture(scope="module")
def peers() -> dict[str, list[relax.Contrast]]:
    return {name: relax.all_contrasts(scorer) for name, scorer in SCORERS.items()
            if name != "calmlink gauge"}


def test_gudb_maths_reads_lower_than_sitting_for_at_least_21_of_25(ours: list[relax.Contrast]) -> None:
    gudb = ours[0]
    assert gudb.total == 25
    assert gudb.wins >= 21, gudb.detail  # 21 before issue 19; the data README's target is 19


def test_p37_standing_lower_and_slow_breathing_higher_than_sitting(ours: list[relax.Contrast]) -> None:
    standing, breathing = ours[1], ours[2]
    assert standing.wins == 1, standing.detail
    assert breathing.wins == 1, breathing.detail


def test_sprint_recovery_seated_reads_higher_for_all(ours: list[relax.Contrast]) -> None:
    sprint = ours[3]
    assert sprint.total == 21
    assert sprint.wins == 21, sprint.detail


def test_at_least_as_right_as_the_gauge_before_and_the_best_peer_on_every_contrast(
        ours: list[relax.Contrast], peers: dict[str, list[relax.Contrast]]) -> None:
    for i in PERSON_CONTRASTS:
        best = max(p[i].wins for p in peers.values())
        assert ours[i].wins >= best, (ours[i].name, ours[i].wins, best)


def test_slow_breathing_reads_calmer_by_a_clearly_larger_margin() -> None:
    now, before = relax.p37_margin(), relax.p37_margin(BEFORE)
    assert before > 0
    assert now > before + 10.0, (now, before)  # gauge points, P37's condition means


def test_heart_rate_alone_misses_slow_breathing_but_the_gauge_does_not(
        ours: list[relax.Contrast], peers: dict[str, list[relax.Contrast]]) -> None:
    assert peers["heart rate alone"][2].wins == 0  # why the gauge needs more than heart rate
    assert ours[2].wins == 1


def test_the_swing_sees_paced_breathing_after_sprints_where_rmssd_cannot(
        peers: dict[str, list[relax.Contrast]]) -> None:
    """Between people, so a property of the swing rather than a target for the gauge: after
    repeated sprints heart rate recovery fills the dial, and paced breathing moves it little."""
    swing, rmssd = peers["swing alone"][4], peers["ln RMSSD 15 s (Elite-HRV-style)"][4]
    assert swing.total == 108
    assert swing.wins >= 0.7 * swing.total
    assert swing.wins > rmssd.wins + 20


def test_polar_h10_trigeminy_is_withheld_not_wrong() -> None:
    assert relax.polar_withheld() >= 0.9


def test_the_breaths_floor_is_as_right_as_mean_heart_rate_and_reads_slow_breathing_calmer(
        ours: list[relax.Contrast], peers: dict[str, list[relax.Contrast]]) -> None:
    """Issue 28: heart rate read halfway to the breath's floor, against the window's mean."""
    mean = peers["gauge with mean heart rate (issues 19-27)"]
    for i in range(len(ours)):
        if i in PERSON_CONTRASTS:
            assert ours[i].wins >= mean[i].wins, (ours[i].name, ours[i].wins, mean[i].wins)
    assert relax.p37_margin() > relax.p37_margin(MEAN_HR) + 3.0
