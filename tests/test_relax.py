"""The gauge against real people (relax/README.md in the shared data folder): the targets there, and
at least the best of the peers scored in the same run on every contrast."""

from __future__ import annotations

import pytest

from benchmarks import relax

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def ours() -> list[relax.Contrast]:
    return relax.all_contrasts()


@pytest.fixture(scope="module")
def peers() -> dict[str, list[relax.Contrast]]:
    return {name: relax.all_contrasts(scorer) for name, scorer in relax.SCORERS.items()
            if name != "calmlink gauge"}


def test_gudb_maths_reads_lower_than_sitting_for_at_least_19_of_25(ours: list[relax.Contrast]) -> None:
    gudb = ours[0]
    assert gudb.total == 25
    assert gudb.wins >= 19, gudb.detail


def test_p37_standing_lower_and_slow_breathing_higher_than_sitting(ours: list[relax.Contrast]) -> None:
    standing, breathing = ours[1], ours[2]
    assert standing.wins == 1, standing.detail
    assert breathing.wins == 1, breathing.detail


def test_sprint_recovery_seated_reads_higher_for_most(ours: list[relax.Contrast]) -> None:
    sprint = ours[3]
    assert sprint.total == 21
    assert sprint.wins > sprint.total * 0.8, sprint.detail


def test_at_least_as_good_as_the_best_peer_on_every_contrast(
        ours: list[relax.Contrast], peers: dict[str, list[relax.Contrast]]) -> None:
    for i, contrast in enumerate(ours):
        best = max(p[i].wins for p in peers.values())
        assert contrast.wins >= best, (contrast.name, contrast.wins, best)


def test_heart_rate_alone_misses_slow_breathing_but_the_gauge_does_not(
        ours: list[relax.Contrast], peers: dict[str, list[relax.Contrast]]) -> None:
    assert peers["heart rate alone"][2].wins == 0  # why HRV is in the gauge at all
    assert ours[2].wins == 1


def test_polar_h10_trigeminy_is_withheld_not_wrong() -> None:
    assert relax.polar_withheld() >= 0.9
