"""Pick the heart-rate source a command asked for. Imports bleak only when a real strap is wanted."""

from __future__ import annotations

from pathlib import Path

from calmlink.sensors.models import HeartRateSource


def make_source(*, device: str | None = None, simulate: bool = False, replay: Path | None = None,
                speed: float = 1.0, seed: int = 7) -> HeartRateSource:
    """A simulator, a replay of ``replay``, or a BLE strap (``device``: address or name; None: the
    last strap used, else the nearest)."""
    if simulate and replay is not None:
        raise ValueError("choose either --simulate or --replay, not both")
    if simulate:
        from calmlink.sensors.simulator import SimulatedStrap

        return SimulatedStrap(seed=seed, speed=speed)
    if replay is not None:
        from calmlink.sensors.replay import ReplaySource

        return ReplaySource(replay, speed=speed)
    from calmlink.sensors.ble import BleHeartRateSource
    from calmlink.sensors.memory import DeviceMemory

    return BleHeartRateSource(device, memory=DeviceMemory())
