"""The simulated strap's chest: it breathes the breath its heart swings with, and streams it as PMD."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import numpy as np

from calmlink.sensors.chest_sim import CHEST_FRAME_SAMPLES
from calmlink.sensors.factory import SourceFactory
from calmlink.sensors.models import ChestMotion, ChestStatus, HeartRateSample, PacedBreathing
from calmlink.sensors.simulator import SimulatedStrap

SPEED = 400.0


async def run(strap: SimulatedStrap, seconds: float) -> list[Any]:
    events: list[Any] = []

    async def consume() -> None:
        async for ev in strap.events():
            events.append(ev)
            if isinstance(ev, ChestMotion) and ev.t[-1] >= seconds:
                await strap.close()

    await asyncio.wait_for(consume(), 60)
    return events


def _breathing_axis(runs: list[ChestMotion]) -> tuple[np.ndarray, np.ndarray]:
    t = np.concatenate([r.t for r in runs])
    xyz = np.column_stack([np.concatenate([getattr(r, a) for r in runs]) for a in ("x_mg", "y_mg", "z_mg")])
    xyz = xyz - xyz.mean(axis=0)
    axis = np.linalg.svd(xyz, full_matrices=False)[2][0]  # the direction that moves most
    kernel = np.ones(13) / 13  # half a second: the heart's knock and the noise out
    return t, np.convolve(xyz @ axis, kernel, mode="same")


async def test_the_chest_streams_h10_frames_and_moves_with_its_own_breath() -> None:
    strap = SimulatedStrap(seed=11, speed=SPEED, chest=True)
    events = await run(strap, 180.0)
    said = [e for e in events if isinstance(e, ChestStatus)]
    assert len(said) == 1 and said[0].available and said[0].rate_hz == 25.0
    runs = [e for e in events if isinstance(e, ChestMotion)]
    assert all(len(r.t) == CHEST_FRAME_SAMPLES and r.rate_hz == 25.0 for r in runs)
    assert runs[0].gap_before and not any(r.gap_before for r in runs[1:])
    for a, b in itertools.pairwise(runs):
        assert abs(b.t[0] - a.t[-1] - 0.04) < 1e-6
    t, moved = _breathing_axis(runs)
    assert strap.chest is not None
    volume = strap.chest.volume(t - 0.02)  # each frame arrives 20 ms after its last sample
    keep = slice(25, -25)
    assert abs(np.corrcoef(moved[keep], volume[keep])[0, 1]) > 0.8


async def test_the_heart_swings_with_the_chests_breath() -> None:
    strap = SimulatedStrap(seed=12, speed=SPEED, chest=True)
    events = await run(strap, 240.0)
    assert strap.chest is not None
    beats = [e for e in events if isinstance(e, HeartRateSample) and e.rr_ms is not None and e.t > 10]
    t = np.array([b.t for b in beats])
    rr = np.array([b.rr_ms for b in beats])
    rr = rr - np.convolve(rr, np.ones(15) / 15, mode="same")  # the slow settling out
    keep = slice(10, -10)

    def best(chest: Any) -> float:  # beats are anchored to packet arrival: up to a second late
        return min(float(np.corrcoef(rr[keep], chest.volume(t - lag)[keep])[0, 1])
                   for lag in np.arange(0.0, 1.6, 0.1))

    assert best(strap.chest) < -0.6  # breathing in, the heart quickens: shorter RR
    other = SimulatedStrap(seed=99, speed=SPEED, chest=True).chest
    assert best(other) > -0.4  # someone else's breath does not fit


async def test_the_chest_follows_the_pacer_with_the_heart() -> None:
    strap = SimulatedStrap(seed=13, speed=SPEED, chest=True)
    pacer = PacedBreathing(6.0, origin=60.0)
    strap.follow(pacer)
    events = await run(strap, 200.0)
    runs = [e for e in events if isinstance(e, ChestMotion)]
    t, moved = _breathing_axis(runs)
    late = t > 100.0
    spectrum = np.abs(np.fft.rfft(moved[late] - moved[late].mean()))
    freqs = np.fft.rfftfreq(int(late.sum()), 1 / 25.0)
    assert abs(freqs[np.argmax(spectrum[1:]) + 1] * 60.0 - 6.0) < 0.7


def test_the_demo_and_each_partner_have_their_own_chest() -> None:
    factory = SourceFactory(speed=10.0, seed=5, bluetooth=False)
    demo = factory.demo()
    assert isinstance(demo, SimulatedStrap) and demo.chest is not None
    receiver, giver = factory.simulated_pair()
    assert isinstance(receiver, SimulatedStrap) and isinstance(giver, SimulatedStrap)
    assert receiver.chest is not None and giver.chest is not None
    assert receiver.chest.pattern != giver.chest.pattern
    assert SimulatedStrap(seed=5).chest is None  # without a chest: heart rate only, as before
