"""The simulated strap's chest: a chest breathing as the simulated heart does, sent as an H10's PMD
frames (raw, int16 mG, as many samples as fit a notification at the MTU the spec asks for)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from calmlink.sensors.chest_model import ChestPattern, SimulatedChest
from calmlink.sensors.pmd import encode_acc_frame

if TYPE_CHECKING:
    from calmlink.sensors.simulator import Packet, Physiology

CHEST_RATE_HZ = 25
CHEST_FRAME_SAMPLES = 36
"""An H10's frame at the MTU the spec asks for (232): (232 - 3 - 10) // 6 int16 x, y, z samples."""
STRAP_EPOCH_NS = 600_000_000_000_000_000
"""The simulated strap's clock at its zero, in ns since 2000-01-01 (as PMD timestamps count)."""


def chest_pattern(p: Physiology, seed: int) -> ChestPattern:
    """A chest that breathes as ``p``'s heart does: the same rates, slowing the same way."""
    return ChestPattern(breaths_per_min=p.start_breath_per_min,
                        settled_breaths_per_min=p.settled_breath_per_min, settle_tau_s=p.settle_tau_s,
                        heart_bpm=p.settled_hr, posture=(90.0, 0.0, 0.0), seed=seed)


def chest_frames(chest: SimulatedChest, latency_s: float = 0.02) -> Iterator[Packet]:
    """Endless PMD ACC frames (raw, int16 mG) of ``chest``, each sent ``latency_s`` after its last
    sample, timestamped on the strap's clock."""
    from calmlink.sensors.simulator import Packet  # the simulator imports this module

    span = CHEST_FRAME_SAMPLES / chest.rate_hz
    k = 0
    while True:
        k += 1
        times, xyz = chest.samples((k - 1) * span, k * span)
        if len(times):
            last = float(times[-1])
            yield Packet(last + latency_s, encode_acc_frame(STRAP_EPOCH_NS + round(last * 1e9),
                                                             xyz.tolist()), chest=True)
