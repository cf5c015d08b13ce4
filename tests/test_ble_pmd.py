"""The chest accelerometer (PMD) through bleak's real BlueZ backend, against the emulated BlueZ."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import numpy as np
import pytest
from test_ble import SPEED, background, bluez, collect, feed, samples, sim_payloads, source, system_bus

from calmlink.sensors.chest_model import SimulatedChest
from calmlink.sensors.hrs import encode_heart_rate_measurement
from calmlink.sensors.models import ChestMotion, ChestStatus, ConnectionEvent, ConnectionState
from calmlink.sensors.pmd import get_settings_command, start_command, stop_command
from calmlink.testing.bluez import FakeBlueZ
from calmlink.testing.bluez_pmd import FakePmd

pytestmark = [pytest.mark.bluez, pytest.mark.usefixtures("no_blocking")]
__all__ = ["background", "bluez", "system_bus"]  # fixtures, shared with test_ble


def chest(events: list[Any]) -> list[ChestMotion]:
    return [e for e in events if isinstance(e, ChestMotion)]


def news(events: list[Any]) -> list[ChestStatus]:
    return [e for e in events if isinstance(e, ChestStatus)]


async def test_chest_starts_after_heart_rate_and_streams_in_time(bluez: FakeBlueZ, background: Any) -> None:
    pmd = FakePmd(seed=3, speed=SPEED)
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10 A1B2C3D4", pmd=pmd)
    background(feed(strap, sim_payloads()))
    src = source()
    logged: list[bytes | None] = []
    src.on_chest_packet = lambda _t, payload: logged.append(payload)  # for raw logs
    events = await collect(src, lambda ev: len(chest(ev)) >= 5 and len(samples(ev)) >= 5)
    assert pmd.commands[:2] == [get_settings_command(), start_command(25)]
    assert pmd.subscribed_at_writes[0] == (True, True, True)  # heart rate, indications, data: all on
    assert news(events) == [ChestStatus(True, "chest movement from the strap at 25 Hz", 25.0)]
    runs = chest(events)
    assert all(r.rate_hz == 25.0 and len(r.t) == pmd.frame_samples for r in runs)
    assert runs[0].gap_before and not any(r.gap_before for r in runs[1:])
    for run in runs:  # 25 Hz on the source's clock, last sample at (about) the frame's arrival
        assert np.allclose(np.diff(run.t), 0.04, atol=1e-6)
        assert -1.0 < run.arrival - run.t[-1] < 2.0  # the first frame's latency sets the anchor
    for before, after in itertools.pairwise(runs):  # one grid across frames
        assert after.t[0] - before.t[-1] == pytest.approx(0.04, abs=1e-6)
    beats = samples(events)
    assert min(r.t[0] for r in runs) < beats[-1].t and beats[0].t < runs[-1].t[-1]  # one clock
    # the very bytes of the simulated chest, through BlueZ and bleak
    got = np.array([[x, y, z] for r in runs for x, y, z in zip(r.x_mg, r.y_mg, r.z_mg, strict=True)])
    _, truth = SimulatedChest(pmd.pattern, 25.0).samples(0.0, 400.0)
    start = next(i for i in range(len(truth)) if (truth[i: i + len(got)] == got).all())
    assert start % pmd.frame_samples == 0
    # stop is written when the source closes, so the strap does not stream on
    assert pmd.commands[-1] == stop_command() and pmd.rate_hz is None and pmd.stops == 1
    assert len(logged) >= len(runs) and all(p is None or p[0] == 2 for p in logged)


async def test_restarts_after_a_reconnect_on_a_strap_left_streaming(bluez: FakeBlueZ,
                                                                    background: Any) -> None:
    pmd = FakePmd(seed=4, speed=SPEED)
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10", pmd=pmd)
    background(feed(strap, sim_payloads()))

    async def drop_once() -> None:
        while pmd.frames_sent < 2:
            await asyncio.sleep(0.05)
        strap.link_down()  # out of range: no stop could be written

    background(drop_once())
    events = await collect(source(), lambda ev: strap.connect_count >= 2 and sum(
        1 for r in chest(ev) if r.gap_before) >= 2 and len(chest(ev)) >= 5)
    start = start_command(25)
    second = pmd.commands[2:]
    # the strap still streams in its own mind: "already in that state", so stop, then start again
    assert second[:4] == [get_settings_command(), start, stop_command(), start]
    assert pmd.starts == 2
    assert len(news(events)) == 1  # said once, not again on the reconnect
    reconnected = next(i for i, e in enumerate(events) if isinstance(e, ConnectionEvent)
                       and e.state is ConnectionState.RECONNECTING)
    after = chest(events[reconnected:])
    assert after and after[0].gap_before


async def test_stop_is_written_before_a_watchdog_reconnect(bluez: FakeBlueZ, background: Any) -> None:
    pmd = FakePmd(seed=5, speed=SPEED)
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10", pmd=pmd)

    async def stall_then_resume() -> None:
        await feed(strap, iter([encode_heart_rate_measurement(60, [1024])] * 5))
        while strap.connect_count < 2:
            await asyncio.sleep(0.05)
        await feed(strap, sim_payloads(2))

    background(stall_then_resume())
    await collect(source(watchdog_s=0.5), lambda ev: strap.connect_count >= 2 and len(samples(ev)) >= 8)
    assert pmd.commands[:4] == [get_settings_command(), start_command(25), stop_command(),
                                get_settings_command()]


@pytest.mark.parametrize(("pmd", "reason"), [
    (None, "it has no Polar measurement service"),
    (FakePmd("refuse"), "the strap refused to start its accelerometer (invalid MTU)"),
    (FakePmd("auth"), "the strap asks to be paired first (insufficient authentication)"),
    (FakePmd("silent"), "the strap did not answer"),
])
async def test_no_chest_costs_no_beat_and_is_said_once(bluez: FakeBlueZ, background: Any,
                                                       pmd: FakePmd | None, reason: str) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Some strap", pmd=pmd)
    rr = [900 + 7 * i for i in range(12)]
    background(feed(strap, iter([encode_heart_rate_measurement(60, [u]) for u in rr])))
    events = await collect(source(chest_timeout_s=0.3), lambda ev: len(samples(ev)) >= len(rr))
    assert [s.rr_ms for s in samples(events)] == [u * 1000 / 1024 for u in rr]
    said = news(events)
    assert len(said) == 1 and not said[0].available
    assert said[0].reason.startswith("chest movement not available from this strap: ")
    assert reason in said[0].reason
    assert not chest(events)
