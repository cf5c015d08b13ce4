"""How the page finds and connects straps: real BLE, or the demo strap (always offered)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from calmlink.sensors.ble import FoundDevice
from calmlink.sensors.models import HeartRateSource
from calmlink.settings import Settings

DEMO_ADDRESS = "demo"
DEMO_NAME = "calmlink demo strap"


@dataclass(frozen=True)
class DeviceAccess:
    scan: Callable[[float], Awaitable[list[FoundDevice]]]
    connect: Callable[[str | None], HeartRateSource]
    demo: Callable[[], HeartRateSource]


def demo_access(settings: Settings) -> DeviceAccess:
    def demo() -> HeartRateSource:
        from calmlink.sensors.simulator import SimulatedStrap

        return SimulatedStrap(seed=settings.seed, speed=settings.speed, name=DEMO_NAME)

    async def scan(timeout: float) -> list[FoundDevice]:
        return [FoundDevice(DEMO_NAME, DEMO_ADDRESS, -40)]

    return DeviceAccess(scan=scan, connect=lambda target: demo(), demo=demo)


def ble_access(settings: Settings) -> DeviceAccess:
    base = demo_access(settings)

    async def scan(timeout: float) -> list[FoundDevice]:
        from calmlink.sensors.ble import scan as ble_scan

        return await ble_scan(timeout)

    def connect(target: str | None) -> HeartRateSource:
        from calmlink.sensors.ble import BleHeartRateSource
        from calmlink.sensors.memory import DeviceMemory

        return BleHeartRateSource(target, memory=DeviceMemory())

    return DeviceAccess(scan=scan, connect=connect, demo=base.demo)
