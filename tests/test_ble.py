"""The BLE source through bleak's real BlueZ backend, against an emulated BlueZ on a private D-Bus."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from calmlink.sensors.ble import BleHeartRateSource, backoff_delay
from calmlink.sensors.discovery import matches, scan
from calmlink.sensors.hrs import encode_heart_rate_measurement
from calmlink.sensors.memory import DeviceMemory
from calmlink.sensors.models import ConnectionEvent, ConnectionState, HeartRateSample
from calmlink.sensors.simulator import simulate_packets
from calmlink.testing.bluez import FakeBlueZ, FakeStrap, dbus_daemon_path, private_system_bus

pytestmark = [pytest.mark.bluez, pytest.mark.usefixtures("no_blocking")]
SPEED = 10.0  # the fake strap's clock runs ten times faster than the wall clock
HOSTILE = '<img src=x onerror=alert(1)>\u202e\x07"; DROP TABLE beats;--'


@pytest.fixture(scope="module")
def system_bus() -> Iterator[str]:
    if dbus_daemon_path() is None:
        message = "dbus-daemon is not installed (apt-get install dbus-daemon)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with private_system_bus() as address:
        yield address


@pytest.fixture
async def bluez(system_bus: str) -> AsyncIterator[FakeBlueZ]:
    fake = await FakeBlueZ().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def background() -> AsyncIterator[Callable[[Any], asyncio.Task[Any]]]:
    """Start helper tasks (the strap's feed, fault injection); cancelled when the test ends."""
    tasks: list[asyncio.Task[Any]] = []

    def start(coro: Any) -> asyncio.Task[Any]:
        tasks.append(asyncio.create_task(coro))
        return tasks[-1]

    yield start
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def fast_clock() -> Callable[[], float]:
    loop = asyncio.get_running_loop()
    origin = loop.time()
    return lambda: origin + (loop.time() - origin) * SPEED


def source(**kwargs: Any) -> BleHeartRateSource:
    defaults: dict[str, Any] = {"scan_timeout": 0.4, "watchdog_s": 1.0,
                                "backoff": lambda attempt, rng: 0.2, "clock": fast_clock()}
    return BleHeartRateSource(**{**defaults, **kwargs})


async def feed(strap: FakeStrap, payloads: Iterator[bytes], interval: float = 1.0 / SPEED) -> None:
    """Send one payload per (fast) second whenever someone listens."""
    for payload in payloads:
        while not strap.notify(payload):
            await asyncio.sleep(0.02)
        await asyncio.sleep(interval)


async def collect(src: BleHeartRateSource, done: Callable[[list[Any]], bool],
                  timeout: float = 15.0) -> list[Any]:
    events: list[Any] = []

    async def run() -> None:
        async for ev in src.events():
            events.append(ev)
            if done(events):
                await src.close()

    await asyncio.wait_for(run(), timeout)
    return events


def samples(events: list[Any]) -> list[HeartRateSample]:
    return [e for e in events if isinstance(e, HeartRateSample)]


def states(events: list[Any]) -> list[ConnectionState]:
    return [e.state for e in events if isinstance(e, ConnectionEvent)]


def sim_payloads(seed: int = 1) -> Iterator[bytes]:
    return (p.payload for p in simulate_packets(seed=seed))


async def test_scan_finds_heart_rate_straps_by_service_not_other_devices(bluez: FakeBlueZ) -> None:
    bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10 A1B2C3D4", rssi=-60)
    bluez.add_strap("C0:FF:EE:00:00:02", "TICKR 4F2A", rssi=-70)
    bluez.add_strap("C0:FF:EE:00:00:03", "Kitchen speaker", heart_rate=False)
    found = await scan(timeout=0.6)
    assert {f.address for f in found} == {"C0:FF:EE:00:00:01", "C0:FF:EE:00:00:02"}
    assert found[0].name == "Polar H10 A1B2C3D4"  # strongest signal first
    assert all(isinstance(f.rssi, int) for f in found)


async def test_streams_real_payloads_into_the_right_beats(bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10 A1B2C3D4")
    payloads = [
        bytes.fromhex("063c"),  # first packet after subscribing: contact, no RR yet
        bytes([0x10, 60]) + (1024).to_bytes(2, "little"),  # Polar H10: flags 0x10
        bytes([0x16, 62]) + (992).to_bytes(2, "little") + (960).to_bytes(2, "little"),
        bytes([0x18, 63]) + (5).to_bytes(2, "little") + (950).to_bytes(2, "little"),  # energy
        bytes([0x10, 64, 0x00, 0x04, 0x99]),  # odd trailing byte
    ] + [encode_heart_rate_measurement(60, [1024]) for _ in range(5)]
    background(feed(strap, iter(payloads)))
    src = source()
    events = await collect(src, lambda ev: len(samples(ev)) >= 10)
    got = samples(events)
    assert got[0].rr_ms is None and got[0].hr_bpm == 60 and got[0].contact is True
    rr = [s.rr_ms for s in got if s.rr_ms is not None]
    assert rr[:5] == [1000.0, 992 * 1000 / 1024, 960 * 1000 / 1024, 950 * 1000 / 1024, 1000.0]
    connected = next(e for e in events if isinstance(e, ConnectionEvent)
                     and e.state is ConnectionState.CONNECTED)
    assert (connected.battery_pct, connected.sensor_location) == (87, "chest")
    assert (connected.manufacturer, connected.model) == ("Calm Labs", "Test Strap 1")  # Device Information
    assert states(events)[:3] == [ConnectionState.SCANNING, ConnectionState.CONNECTING,
                                  ConnectionState.CONNECTED]
    assert states(events)[-1] is ConnectionState.DISCONNECTED


async def test_link_loss_reconnects_resubscribes_and_marks_the_gap(bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Wahoo TICKR")
    background(feed(strap, sim_payloads()))

    async def drop_once() -> None:
        while strap.connect_count < 1 or not strap.notifying:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.8)
        strap.link_down()

    background(drop_once())
    src = source()
    events = await collect(src, lambda ev: sum(1 for s in samples(ev) if s.gap_before) >= 2
                           and len(samples(ev)) > 25)
    assert strap.connect_count == 2
    seq = states(events)
    assert ConnectionState.RECONNECTING in seq
    assert seq.count(ConnectionState.CONNECTED) == 2
    after = [s for s in samples(events) if s.t > 0][-5:]
    assert after, "beats resumed after the reconnect"
    reconnect_index = events.index(next(e for e in events if isinstance(e, ConnectionEvent)
                                        and e.state is ConnectionState.RECONNECTING))
    first_after = next(e for e in events[reconnect_index:] if isinstance(e, HeartRateSample))
    assert first_after.gap_before


async def test_strap_gone_backs_off_and_recovers_when_it_returns(bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Coospo H6")
    strap.in_range = False
    background(feed(strap, sim_payloads()))
    waits: list[int] = []

    def backoff(attempt: int, rng: Any) -> float:
        waits.append(attempt)
        if attempt >= 2:
            strap.come_back()
        return 0.05

    events = await collect(source(backoff=backoff), lambda ev: len(samples(ev)) >= 3)
    assert waits[:3] == [0, 1, 2]  # exponential backoff asked with a growing attempt count
    reasons = [e.reason for e in events if isinstance(e, ConnectionEvent)
               and e.state is ConnectionState.RECONNECTING]
    assert any("no heart-rate strap found" in r for r in reasons)
    assert ConnectionState.CONNECTED in states(events)


async def test_silent_stall_triggers_the_watchdog(bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Garmin HRM-Pro")

    async def stall_after_a_few() -> None:
        await feed(strap, islice(sim_payloads(), 5))  # then silence while connected
        while strap.connect_count < 2:
            await asyncio.sleep(0.05)
        await feed(strap, sim_payloads(2))

    background(stall_after_a_few())
    events = await collect(source(watchdog_s=0.5), lambda ev: strap.connect_count >= 2
                           and len(samples(ev)) >= 10)
    reasons = [e.reason for e in events if isinstance(e, ConnectionEvent)]
    assert "no data for 0.5 s: reconnecting" in reasons
    assert strap.connect_count == 2


async def test_malformed_payloads_are_counted_and_dropped(bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10")
    good = encode_heart_rate_measurement(60, [1024])
    payloads = [good, b"\x01", good, b"", b"\x09\x3c\x00", good, good]
    background(feed(strap, iter(payloads)))
    src = source()
    events = await collect(src, lambda ev: len(samples(ev)) >= 4)
    assert src.malformed == 3
    assert len(samples(events)) == 4


async def test_hostile_device_name_arrives_unchanged(bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:09", HOSTILE)
    found = await scan(timeout=0.5)
    assert [f.name for f in found] == [HOSTILE]
    background(feed(strap, sim_payloads()))
    events = await collect(source(target=HOSTILE), lambda ev: len(samples(ev)) >= 1)
    connected = [e for e in events if isinstance(e, ConnectionEvent) and e.device_name]
    assert connected and all(e.device_name == HOSTILE for e in connected)


async def test_adapter_power_cycle_says_bluetooth_is_off_then_recovers(
        bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10")
    background(feed(strap, sim_payloads()))

    async def power_cycle() -> None:
        while not strap.notifying:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        bluez.power(False)
        await asyncio.sleep(1.0)
        bluez.power(True)

    background(power_cycle())
    events = await collect(source(), lambda ev: ConnectionState.CONNECTED in states(ev)
                           and states(ev).count(ConnectionState.CONNECTED) >= 2)
    reasons = [e.reason for e in events if isinstance(e, ConnectionEvent)]
    assert any(r.startswith("Bluetooth is off") for r in reasons), reasons


async def test_remembers_the_last_strap_and_prefers_it(bluez: FakeBlueZ, tmp_path: Path,
                                                    background: Any) -> None:
    memory = DeviceMemory(tmp_path / "last.json")
    bluez.add_strap("C0:FF:EE:00:00:01", "Other strap", rssi=-40)
    mine = bluez.add_strap("C0:FF:EE:00:00:02", "My strap", rssi=-80)
    background(feed(mine, sim_payloads()))
    await collect(source(target="my strap", memory=memory), lambda ev: len(samples(ev)) >= 1)
    remembered = await asyncio.to_thread(memory.load)
    assert remembered is not None and remembered.address == "C0:FF:EE:00:00:02"
    events = await collect(source(memory=memory), lambda ev: len(samples(ev)) >= 1)
    names = {e.device_name for e in events if isinstance(e, ConnectionEvent) and e.device_name}
    assert names == {"My strap"}


async def test_a_disconnect_the_user_asked_for_never_reconnects(bluez: FakeBlueZ, background: Any) -> None:
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10")
    background(feed(strap, sim_payloads()))
    events = await collect(source(), lambda ev: len(samples(ev)) >= 3)
    await asyncio.sleep(0.5)
    assert strap.connect_count == 1
    assert not strap.connected
    assert states(events)[-1] is ConnectionState.DISCONNECTED
    assert ConnectionState.RECONNECTING not in states(events)


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    import random

    rng = random.Random(1)
    delays = [backoff_delay(a, rng) for a in range(10)]
    assert 0.5 <= delays[0] <= 1.0
    assert 4.0 <= delays[3] <= 8.0
    assert all(15.0 <= d <= 30.0 for d in delays[6:])


def test_target_matching() -> None:
    from calmlink.sensors.discovery import FoundDevice

    polar = FoundDevice("Polar H10 A1B2C3D4", "C0:FF:EE:00:00:01", -50)
    assert matches(polar, "c0:ff:ee:00:00:01")
    assert matches(polar, "polar h10")
    assert not matches(polar, "wahoo")
    assert not matches(FoundDevice(None, "AA:BB", None), "polar")


async def _cli(*args: str) -> tuple[int, str, str]:
    import sys

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "calmlink.cli", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_cli_scan_lists_straps_as_json(bluez: FakeBlueZ) -> None:
    import json

    bluez.add_strap("C0:FF:EE:00:00:09", HOSTILE)
    bluez.add_strap("C0:FF:EE:00:00:03", "Kitchen speaker", heart_rate=False)
    code, out, _ = await _cli("scan", "--timeout", "0.6", "--json")
    assert code == 0
    found = json.loads(out)
    assert [(d["name"], d["address"]) for d in found] == [(HOSTILE, "C0:FF:EE:00:00:09")]
    assert isinstance(found[0]["rssi"], int)


async def test_cli_scan_without_bluetooth_says_what_to_do(system_bus: str) -> None:
    code, _, err = await _cli("scan", "--timeout", "0.3")  # nobody owns org.bluez on this bus
    assert code == 3
    assert "Bluetooth service is not running" in err
    assert "Traceback" not in err


async def test_cli_scan_with_bluetooth_off(bluez: FakeBlueZ) -> None:
    bluez.power(False)
    code, _, err = await _cli("scan", "--timeout", "0.3")
    assert code == 3
    assert "Bluetooth is off. Switch Bluetooth on" in err


async def test_two_straps_by_role_one_drops_the_other_keeps_streaming(
        bluez: FakeBlueZ, background: Any, tmp_path: Path) -> None:
    """Partner mode through bleak: two simultaneous connections, each reconnecting on its own."""
    from calmlink.live.controller import Controller
    from calmlink.live.events import BeatMessage, Message
    from calmlink.store.beat import Role
    from calmlink.store.store import Store

    mine = bluez.add_strap("C0:FF:EE:00:00:01", "Polar H10 receiver")
    theirs = bluez.add_strap("C0:FF:EE:00:00:02", "Polar H10 giver")
    background(feed(mine, sim_payloads(1)))
    background(feed(theirs, sim_payloads(2)))
    store = Store(tmp_path / "pair.sqlite3")
    await asyncio.to_thread(store.open)
    messages: list[Message] = []
    controller = Controller(store, messages.append, clock=fast_clock())
    beats = lambda role: [m.beat for m in messages  # noqa: E731
                          if isinstance(m, BeatMessage) and m.session_id is not None
                          and m.beat.role == role]
    try:
        await controller.attach(source(target=mine.address), Role.RECEIVER)
        await controller.attach(source(target=theirs.address), Role.GIVER)
        await controller.start_session("Sam", giver="Alex")
        async with asyncio.timeout(20):
            while len(beats(Role.RECEIVER)) < 10 or len(beats(Role.GIVER)) < 10:
                await asyncio.sleep(0.05)
            mine.go_out_of_range()
            giver_before = len(beats(Role.GIVER))
            while len(beats(Role.GIVER)) < giver_before + 15:  # the giver's strap goes on
                await asyncio.sleep(0.05)
            assert controller.connections[Role.RECEIVER].state is not ConnectionState.CONNECTED
            assert controller.connections[Role.GIVER].state is ConnectionState.CONNECTED
            receiver_before = len(beats(Role.RECEIVER))
            mine.come_back()
            while len(beats(Role.RECEIVER)) < receiver_before + 5:
                await asyncio.sleep(0.05)
        back = beats(Role.RECEIVER)[receiver_before]
        assert back.gap_before  # the hole is marked for the receiver only
        giver_beats = beats(Role.GIVER)
        assert not any(b.gap_before for b in giver_beats[1:])
        assert controller.connections[Role.RECEIVER].cause.value == "receiving"
    finally:
        await controller.close()
        await asyncio.to_thread(store.close)
