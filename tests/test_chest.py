"""Breath from the chest: the simulated chest, the live path (signal/chest.py) and its accuracy."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.chest_accuracy import Tally, person, population, run_person, score, timings
from calmlink.sensors.chest_model import POSTURES, ChestPattern, SimulatedChest, pattern_for
from calmlink.sensors.models import PacedBreathing
from calmlink.signal.chest import ChestReading, ChestStream
from calmlink.signal.chest_batch import read_chest

FRAME_S = 36 / 25


def stream_through(chest: SimulatedChest, seconds: float, stream: ChestStream | None = None
                   ) -> tuple[ChestStream, list[ChestReading]]:
    stream = stream or ChestStream(chest.rate_hz)
    readings, t = [], 0.0
    while t < seconds:
        times, xyz = chest.samples(t, t + FRAME_S)
        t += FRAME_S
        readings.append(stream.push(times, xyz).reading)
    return stream, readings


# --- the simulated chest ---------------------------------------------------------------------

def test_samples_continue_across_calls_on_the_strap_grid() -> None:
    chest = SimulatedChest(ChestPattern(seed=1))
    a_t, a = chest.samples(0.0, 10.0)
    b_t, b = chest.samples(5.0, 20.03)  # overlapping ask: never a sample twice
    assert a_t.size == 250 and b_t[0] == pytest.approx(10.0) and b_t.size == 251
    assert a.dtype == np.int16 and a.shape == (250, 3)
    whole = SimulatedChest(ChestPattern(seed=1)).read(np.arange(0, 501) / 25.0)
    np.testing.assert_allclose(np.r_[a, b], whole, atol=6 * 3.0 + 1)  # only the noise differs


@pytest.mark.parametrize("posture", list(POSTURES))
def test_any_posture_reads_gravity_and_a_breath_on_its_own_axes(posture: str) -> None:
    chest = SimulatedChest(pattern_for(posture, noise_mg=0.0, heart_mg=0.0, seed=2))
    xyz = chest.read(np.arange(0, 60 * 25) / 25.0)
    assert np.linalg.norm(xyz, axis=1) == pytest.approx(1000.0, abs=2.0)
    assert 10.0 < np.ptp(xyz - xyz.mean(axis=0), axis=0).max() < 120.0  # tens of mG a breath


def test_deep_breaths_are_deeper_and_longer_and_moving_is_marked() -> None:
    chest = SimulatedChest(ChestPattern(deep_breaths_s=(60.0,), moving=((100.0, 110.0),), seed=3))
    breaths = chest.breaths(0.0, 200.0)
    deep = [b for b in breaths if b.deep]
    plain = [b for b in breaths if not b.deep]
    assert len(deep) == 1 and abs(deep[0].end_s - 60.0) < deep[0].duration_s
    assert deep[0].depth > 2 * np.median([b.depth for b in plain])
    assert deep[0].duration_s > np.median([b.duration_s for b in plain])
    assert chest.moving_at(105.0) and not chest.moving_at(99.0)


def test_the_simulator_drives_the_breath() -> None:
    chest = SimulatedChest(ChestPattern(breaths_per_min=12.0, breath_cv=0.0, seed=4))
    chest.breaths(0.0, 30.0)
    chest.set_breathing(6.0)
    later = chest.breaths(40.0, 120.0)
    assert np.mean([b.duration_s for b in later]) == pytest.approx(10.0, rel=0.02)
    chest.follow(PacedBreathing(breaths_per_min=5.0, origin=130.0, in_share=0.4))
    paced = [b for b in chest.breaths(140.0, 300.0) if b.depth > 0]
    assert all((b.start_s - 131.0) % 12.0 == pytest.approx(0.0, abs=1e-6) for b in paced)
    v = chest.volume(np.array([paced[0].start_s, paced[0].start_s + 4.8, paced[0].end_s - 1e-6]))
    assert v[0] == pytest.approx(0.0, abs=1e-6) and v[1] == pytest.approx(paced[0].depth)


# --- the live path ---------------------------------------------------------------------------

@pytest.mark.parametrize("posture", ["upright", "upside down", "lower ribs"])
def test_rate_and_phase_whichever_way_the_strap_sits(posture: str) -> None:
    chest = SimulatedChest(pattern_for(posture, breaths_per_min=9.0, seed=5))
    _, readings = stream_through(chest, 240.0)
    late = [r for r in readings if r.t > 120.0]
    assert all(r.breaths_per_min == pytest.approx(9.0, abs=1.0) for r in late)
    agree = total = 0
    for r in late:  # breathing in is "in" (the sign learnt from the breath's shape)
        before, after = chest.volume(np.array([r.t - 1.0, r.t - 0.4]))
        if abs(after - before) > 0.05:
            total += 1
            agree += r.phase == ("in" if after > before else "out")
    assert agree > 0.75 * total


def test_the_trace_follows_the_breath_in_upward() -> None:
    chest = SimulatedChest(pattern_for("rounder body", breaths_per_min=10.0, seed=12))
    stream = ChestStream(25.0)
    trace_t: list[float] = []
    trace: list[float] = []
    t = 0.0
    while t < 180.0:
        times, xyz = chest.samples(t, t + FRAME_S)
        t += FRAME_S
        update = stream.push(times, xyz)
        trace_t += update.trace_t.tolist()
        trace += update.trace.tolist()
    late = np.asarray(trace_t) > 90.0
    assert np.all(np.diff(trace_t) > 0) and 1.0 / np.median(np.diff(trace_t)) == pytest.approx(5.0)
    best = max(np.corrcoef(np.asarray(trace)[late],
                           chest.volume(np.asarray(trace_t)[late] - lag))[0, 1]
               for lag in np.arange(0.0, 2.01, 0.2))
    assert best > 0.9  # the same shape, breathing in upward, a little behind


def test_moving_withholds_the_rate_within_seconds_then_reads_again() -> None:
    chest = SimulatedChest(pattern_for("rounder body", breaths_per_min=12.0,
                                       moving=((120.0, 140.0),), seed=6))
    _, readings = stream_through(chest, 220.0)
    during = [r for r in readings if 123.0 <= r.t < 140.0]
    assert during and all(r.moving and r.breaths_per_min is None for r in during)
    assert not any(r.moving for r in readings if r.t < 118.0)
    after = [r for r in readings if r.t > 190.0]
    assert all(not r.moving and r.breaths_per_min == pytest.approx(12.0, abs=1.0) for r in after)


def test_a_deep_breath_is_marked_against_the_settle_minute() -> None:
    chest = SimulatedChest(pattern_for("rotated", breaths_per_min=10.0, deep_breaths_s=(150.0,),
                                       seed=7))
    stream, _ = stream_through(chest, 200.0)
    deep = [b for b in stream.breaths if b.deep]
    assert len(deep) == 1 and abs(deep[0].t - 150.0) < 12.0
    assert deep[0].depth is not None and deep[0].depth > 2.0
    ordinary = [b.depth for b in stream.breaths if not b.deep and b.depth is not None]
    assert np.median(ordinary) == pytest.approx(1.0, abs=0.2)


def test_mark_settled_sets_the_reference() -> None:
    chest = SimulatedChest(pattern_for("upright", breaths_per_min=12.0, seed=8))
    stream = ChestStream(25.0, settle_s=1e9)
    stream_through(chest, 40.0, stream)
    assert stream.reference_mg is None and stream.mark_settled() and stream.reference_mg


def test_a_file_reads_as_the_live_path_did() -> None:
    chest = SimulatedChest(pattern_for("lying back", breaths_per_min=7.0, seed=9))
    times, xyz = chest.samples(0.0, 180.0)
    series = read_chest(times, xyz.astype(float), 25.0, every_s=5.0)
    live = ChestStream(25.0)
    for k in range(0, times.size, 36):
        live.push(times[k:k + 36], xyz[k:k + 36])
    assert [b.t for b in series.breaths] == [b.t for b in live.breaths]
    assert series.readings[-1].breaths_per_min == live.reading().breaths_per_min


def test_no_breath_bridges_a_gap_the_live_path_is_told_of() -> None:
    chest = SimulatedChest(pattern_for("lower ribs", breaths_per_min=12.0, seed=13))
    stream = ChestStream(25.0)
    t, lost, readings = 0.0, False, []
    while t < 200.0:
        times, xyz = chest.samples(t, t + FRAME_S)
        t += FRAME_S
        if 100.0 <= times[0] < 112.0:  # frames lost: a reconnect
            lost = True
            continue
        readings.append(stream.push(times, xyz, gap_before=lost).reading)
        lost = False
    assert not any(b.t < 112.0 < b.t + b.duration_s for b in stream.breaths)
    assert any(b.t > 112.0 for b in stream.breaths) and any(b.t < 100.0 for b in stream.breaths)
    assert readings[-1].breaths_per_min == pytest.approx(12.0, abs=1.0)


def test_a_gap_in_the_samples_starts_afresh() -> None:
    chest = SimulatedChest(pattern_for("upright", breaths_per_min=10.0, seed=10))
    times, xyz = chest.samples(0.0, 240.0)
    keep = (times < 100.0) | (times > 130.0)
    series = read_chest(times[keep], xyz[keep].astype(float), 25.0)
    assert not any(100.0 < r.t < 130.0 for r in series.readings)
    assert series.readings[-1].breaths_per_min == pytest.approx(10.0, abs=1.0)


# --- accuracy (the benchmark's population, smaller) ------------------------------------------

def test_accuracy_on_a_seeded_population() -> None:
    """docs/chest.md: within 1 breath a minute in >= 90% of still minutes, moving or silent in >=
    90% of moving spells, deep breaths found >= 80% with <= 1 false mark per 10 still minutes."""
    total = Tally()
    for tally in population(rates=(4.0, 16.0), depths=(0.5, 1.5), noises=(5.0,), minutes=7,
                            seed=1).values():
        total.add(tally)
    assert total.still >= 90 and total.moving == 24 and total.deep >= 40
    assert total.still_pct >= 90.0
    assert total.moving_pct >= 90.0
    assert total.deep_pct >= 80.0
    assert total.false_per_10 <= 1.0


def test_the_score_counts_a_silent_path_as_wrong_on_still_minutes() -> None:
    chest = person("upright", 10.0, 1.0, 2.0, seed=11, minutes=5)
    readings, breaths = run_person(chest, 5)
    silent = [ChestReading(r.t, None, None, False, None) for r in readings]
    assert score(chest, readings, breaths, 5).still_pct >= 90.0
    assert score(chest, silent, breaths, 5).still_pct == 0.0


def test_within_seconds_of_happening() -> None:
    """The trace a second behind the breath at most, moving said within 3 s, a deep breath marked
    within 5 s of its end (18 seeded people: six postures, 5, 10 and 16 a minute)."""
    lags, moving, deep = timings(minutes=7)
    assert max(lags) <= 1.0
    assert len(moving) == 18 and max(moving) <= 3.0
    assert len(deep) >= 30 and max(deep) <= 5.0


@pytest.mark.parametrize("noise_mg", [2.0, 6.0, 10.0])
def test_a_strap_lying_still_gives_no_rate(noise_mg: float) -> None:
    """No breath (a strap on a table: the sensor's noise and a knock at heart rate): silence, not
    a rate made of noise."""
    chest = SimulatedChest(ChestPattern(depth=0.0, heart_mg=4.0, heart_bpm=50.0, noise_mg=noise_mg,
                                        seed=14))
    stream, readings = stream_through(chest, 300.0)
    assert all(r.breaths_per_min is None for r in readings) and not stream.breaths
