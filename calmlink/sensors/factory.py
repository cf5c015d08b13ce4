"""The one place heart-rate sources are made: a BLE strap, the demo strap, or a file replay.

The command line asks for the source it was told to use; the page asks to scan and to connect a
strap it found (or the demo strap, always offered). bleak is imported only when a real strap is
wanted, so the demo and most tests never load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from calmlink.sensors.models import HeartRateSource

if TYPE_CHECKING:
    from calmlink.sensors.discovery import FoundDevice

DEMO_ADDRESS = "demo"
DEMO_GIVER_ADDRESS = "demo-giver"
"""The demo finds two straps, so partner mode can be tried without hardware too."""
DEMO_NAME = "calmlink demo strap"
GIVER_DEMO_NAME = "calmlink demo strap (giver)"


@dataclass(frozen=True, slots=True)
class SourceFactory:
    speed: float = 1.0
    """Playback speed of the demo strap and of replays (1 = real time)."""
    seed: int = 7
    """Seed of the demo strap."""
    bluetooth: bool = True
    """False: scanning finds only the demo strap (the demo, and tests without a radio)."""

    def demo(self, for_giver: bool = False) -> HeartRateSource:
        """The demo strap (a chest strap: heart rate and chest movement); the giver's is another
        simulated person, named so."""
        from calmlink.sensors.simulator import SimulatedStrap

        if for_giver:
            return SimulatedStrap(seed=self.seed + 1, speed=self.speed, name=GIVER_DEMO_NAME, chest=True)
        return SimulatedStrap(seed=self.seed, speed=self.speed, name=DEMO_NAME, chest=True)

    def replay(self, path: Path) -> HeartRateSource:
        from calmlink.sensors.file_replay import ReplaySource

        return ReplaySource(path, speed=self.speed)

    def strap(self, target: str | None) -> HeartRateSource:
        """A BLE strap by address or name; None: the last strap used, else the nearest."""
        from calmlink.sensors.ble import BleHeartRateSource
        from calmlink.sensors.memory import DeviceMemory

        return BleHeartRateSource(target, memory=DeviceMemory())

    def connect(self, target: str | None) -> HeartRateSource:
        """What the page's connect button asks for: the demo strap, or a strap found by a scan."""
        if target == DEMO_GIVER_ADDRESS:
            return self.demo(for_giver=True)
        if target == DEMO_ADDRESS or not self.bluetooth:
            return self.demo()
        return self.strap(target)

    async def scan(self, timeout: float) -> list[FoundDevice]:
        from calmlink.sensors.discovery import FoundDevice

        if not self.bluetooth:
            return [FoundDevice(DEMO_NAME, DEMO_ADDRESS, -40),
                    FoundDevice(GIVER_DEMO_NAME, DEMO_GIVER_ADDRESS, -58)]
        from calmlink.sensors.discovery import scan

        return await scan(timeout)

    def simulated_pair(self, coupling: float = 0.5, lag_s: float = 2.0
                       ) -> tuple[HeartRateSource, HeartRateSource]:
        """Two simulated people for partner mode: a receiver and a giver whose slow heart-rate
        wander is ``coupling`` shared, the giver following ``lag_s`` later (a known truth)."""
        from calmlink.sensors.simulator import SimulatedStrap, pair_physiologies

        if not 0.0 <= coupling <= 1.0:
            raise ValueError("coupling must be between 0 and 1")
        receiver, giver = pair_physiologies(self.seed, coupling, lag_s)
        return (SimulatedStrap(seed=self.seed, speed=self.speed, name=DEMO_NAME, physiology=receiver,
                               chest=True),
                SimulatedStrap(seed=self.seed + 1, speed=self.speed, name=GIVER_DEMO_NAME,
                               physiology=giver, chest=True))

    def make(self, *, device: str | None = None, simulate: bool = False,
             replay: Path | None = None) -> HeartRateSource:
        """The source a command asked for: the simulator, a replay of a file, or a BLE strap."""
        if simulate and replay is not None:
            raise ValueError("choose either --simulate or --replay, not both")
        if simulate:
            from calmlink.sensors.simulator import SimulatedStrap

            return SimulatedStrap(seed=self.seed, speed=self.speed, chest=True)
        if replay is not None:
            return self.replay(replay)
        return self.strap(device)
