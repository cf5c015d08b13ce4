"""Deep breaths (sighs) marked from the heart (signal.deep_breath, benchmarks.deep_breaths)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks import deep_breaths as db
from calmlink.sensors import population as pop
from calmlink.signal.deep_breath import DeepBreaths

pytestmark = pytest.mark.timeout(300)


def _feed(swings: list[float], spoil_at: int | None = None) -> list[int]:
    d = DeepBreaths()
    out = []
    for k, s in enumerate(swings):
        if k == spoil_at:
            d.spoil()
        if d.push(s):
            out.append(k)
    return out


def test_one_breath_twice_as_deep_is_marked_once_the_next_is_back() -> None:
    usual = [5.0, 5.5, 4.5, 5.2, 4.8, 5.1, 5.0]
    assert _feed([*usual, 11.0, 5.2, 5.0, 4.9]) == [8]  # known at the breath after it


def test_breathing_turning_slow_and_deep_is_no_sigh() -> None:
    assert _feed([5.0, 5.5, 4.5, 5.2, 4.8, 5.1, 5.0, 11.0, 12.0, 13.0, 13.5, 12.5]) == []


def test_a_small_swing_growing_by_a_bpm_is_no_sigh() -> None:
    assert _feed([1.0, 1.1, 0.9, 1.0, 1.2, 1.0, 1.0, 2.5, 1.0]) == []


def test_a_beat_set_aside_in_the_deep_breath_or_the_one_after_leaves_no_mark() -> None:
    swings = [5.0, 5.5, 4.5, 5.2, 4.8, 5.1, 5.0, 11.0, 5.2, 5.0]
    assert _feed(swings, spoil_at=7) == []
    assert _feed(swings, spoil_at=8) == []


@pytest.fixture(scope="module")
def sighs_14() -> list[tuple[float, bool]]:
    return db.sighs(db.PACES["14 a minute"], depths=(3.0,), people=50)


def test_sighs_reading_two_to_three_times_the_usual_swing_are_found_in_80_percent(
        sighs_14: list[tuple[float, bool]]) -> None:
    hits = [found for ratio, found in sighs_14 if 2.0 <= ratio < 3.0]
    assert len(hits) >= 20
    assert sum(hits) >= 0.8 * len(hits), (sum(hits), len(hits))


def test_at_most_one_false_mark_per_10_minutes_of_steady_breathing() -> None:
    assert db.false_per_10_min(db.PACES["14 a minute"], people=30) <= 1.0
    assert db.false_per_10_min(db.PACES["paced at 6"], people=30) <= 1.0


def test_never_on_an_irregular_rhythm() -> None:
    """Premature beats every few seconds: a sigh among them is not marked, nor anything else."""
    for person in pop.draw_people(10):
        uneven = replace(person, ectopic_share=0.15)
        t, rr = pop.beats(uneven, [pop.Phase(300.0, 14.0)], sigh_at_s=150.0, sigh_depth=3.0)
        assert db.marks(t, rr).size == 0


def test_analyze_gauge_json_says_deep_breath_at_the_beat_it_becomes_known(tmp_path: Path) -> None:
    person = pop.draw_people(3)[2]
    t, rr = pop.beats(person, [pop.Phase(300.0, 14.0)], sigh_at_s=150.0, sigh_depth=3.0)
    path = tmp_path / "sigh.txt"
    path.write_text("\n".join(f"{x:.3f}" for x in rr))
    out = subprocess.run([str(Path(sys.executable).with_name("calmlink")), "analyze", str(path),
                          "--gauge", "--json"], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    series = json.loads(out)["series"]
    marked = [p["t"] for p in series if p["deep_breath"]]
    assert marked and all(isinstance(p["deep_breath"], bool) for p in series)
    assert any(150.0 <= x < 150.0 + db.FOUND_WITHIN_S for x in marked)
    assert np.allclose(db.marks(t, rr), marked, atol=0.01)


@pytest.mark.browser
def test_the_live_view_marks_a_deep_breath_quietly(start_server: Any, page: Any, tmp_path: Path,
                                                     console_errors: list[str]) -> None:
    from calmlink.sensors.file_replay import ReplaySource

    person = pop.draw_people(3)[2]
    _, rr = pop.beats(person, [pop.Phase(240.0, 14.0)], sigh_at_s=150.0, sigh_depth=3.0)
    path = tmp_path / "sigh.txt"
    path.write_text("\n".join(f"{x:.3f}" for x in rr))
    server = start_server(ReplaySource(path, speed=30.0), speed=30.0, autostart=True)
    page.goto(server.url + "/")
    page.wait_for_selector("#deep-breath:not([hidden])", timeout=30_000)
    assert page.locator("#deep-breath").text_content() == "a deep breath: keep going"
    assert console_errors == []
