"""BLE source latency: a notification arriving (bleak's callback) to its sample leaving the source,
through bleak's real BlueZ backend and an emulated BlueZ on a private D-Bus."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from calmlink.sensors.ble import BleHeartRateSource
from calmlink.sensors.hrs import encode_heart_rate_measurement
from calmlink.sensors.models import HeartRateSample
from calmlink.testing.bluez import FakeBlueZ, dbus_daemon_path, private_system_bus

N = 400


async def _measure() -> tuple[list[float], list[float]]:
    bluez = await FakeBlueZ().start()
    strap = bluez.add_strap("C0:FF:EE:00:00:01", "Bench strap")
    src = BleHeartRateSource(scan_timeout=0.4, clock=time.perf_counter, watchdog_s=5.0)
    sent: list[float] = []
    in_source: list[float] = []
    end_to_end: list[float] = []

    async def feeder() -> None:
        while not strap.notifying:
            await asyncio.sleep(0.01)
        for i in range(N):
            sent.append(time.perf_counter())
            strap.notify(encode_heart_rate_measurement(60, [1024]))
            await asyncio.sleep(0.01 if i % 2 else 0.005)

    task: asyncio.Task[Any] = asyncio.create_task(feeder())
    async for ev in src.events():
        if isinstance(ev, HeartRateSample):
            now = time.perf_counter()
            in_source.append(now - (src.origin + ev.arrival))
            end_to_end.append(now - sent[len(end_to_end)])
            if len(end_to_end) == N:
                await src.close()
    task.cancel()
    await bluez.stop()
    return in_source[20:], end_to_end[20:]


def _fmt(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[int(len(ordered) * 0.99)]
    return f"median {statistics.median(values) * 1e6:.0f} µs, p99 {p99 * 1e6:.0f} µs"


def run() -> None:
    if dbus_daemon_path() is None:
        print("   skipped: dbus-daemon is not installed")
        return
    with private_system_bus():
        in_source, end_to_end = asyncio.run(_measure())
    print(f"   notification callback -> sample out of the source: {_fmt(in_source)}")
    print(f"   fake strap send -> D-Bus -> bleak -> sample out: {_fmt(end_to_end)}")
