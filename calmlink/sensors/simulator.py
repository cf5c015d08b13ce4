"""A seeded, plausible strap: settling physiology packed into real 0x2A37 bytes.

The physiology (pure, deterministic for a seed):
- heart rate drifts from ``start_hr`` down to ``settled_hr`` with a time constant of a few minutes;
- respiratory sinus arrhythmia at a breathing rate that slows from about 14 to 8 breaths/min,
  with an amplitude that grows as the receiver settles;
- a low-frequency (about 0.1 Hz) wave, beat-to-beat noise;
- occasional premature beats (short RR then a compensatory long one) and missed beats (a doubled
  RR, as when a strap misses an R peak);
- one contact-loss episode, sent as packets with the contact bit clear and no RR, like a strap
  that has slipped;
- told a pacer's schedule (:meth:`SimulatedStrap.follow`, by the live session), the person breathes
  to it: heart rate rises while breathing in and falls while breathing out, a second behind the
  breath, with a swing that is largest at their own ``resonance_per_min`` (``paced_gain`` times
  the settled swing there, less on a bell ``resonance_width`` breaths a minute wide), and the
  0.1-Hz wave taken over by the breath (a quarter of it left);
- with a chest (``chest=True``, the demo's), the heart swings with the very breath the simulated
  chest breathes, whose accelerometer the strap streams as an H10's PMD frames (:mod:`.chest_sim`).

The bytes go through :func:`parse_heart_rate_measurement` exactly as a real strap's would.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

from calmlink.sensors.beats import PacketDecoder
from calmlink.sensors.chest_model import SimulatedChest
from calmlink.sensors.chest_sim import CHEST_RATE_HZ, chest_frames, chest_pattern
from calmlink.sensors.chest_stream import ChestDecoder
from calmlink.sensors.hrs import encode_heart_rate_measurement, ms_to_rr_units
from calmlink.sensors.models import (
    ChestStatus,
    ConnectionCause,
    ConnectionEvent,
    ConnectionState,
    PacedBreathing,
    SourceEvent,
)
from calmlink.sensors.pacing import paced_packets


@dataclass(frozen=True, slots=True)
class Physiology:
    start_hr: float = 74.0
    settled_hr: float = 62.0
    settle_tau_s: float = 180.0
    start_breath_per_min: float = 14.0
    settled_breath_per_min: float = 8.0
    start_rsa_ms: float = 18.0
    settled_rsa_ms: float = 55.0
    lf_ms: float = 14.0
    noise_ms: float = 7.0
    ectopic_per_beat: float = 0.003
    missed_per_beat: float = 0.001
    contact_loss_at_s: float | None = 300.0
    contact_loss_s: float = 6.0
    slow_bpm: float = 0.0
    """Amplitude (SD, bpm) of the slow wander of heart rate (0.02-0.12 Hz), own or shared."""
    shared: SlowDrive | None = None
    """A wander two people share (partner mode's known truth); None: none is shared."""
    coupling: float = 0.0
    """Share of the wander's variance that is the shared one (0: independent, 1: all shared)."""
    lag_s: float = 0.0
    """How long after the shared wander this person follows it."""
    own_seed: int = 0
    """Seed of this person's own wander."""
    trend_bpm_per_min: float = 0.0
    """A steady drift of heart rate (a room warming up, a shared climb: the synchrony trap)."""
    resonance_per_min: float = 5.5
    """The breathing pace at which this person's swing is largest, following a pacer."""
    paced_gain: float = 2.5
    """Their swing at that pace over their settled swing."""
    resonance_width: float = 0.8
    """Breaths a minute: the bell of that peak (a standard deviation)."""

    def paced_rsa_ms(self, breaths_per_min: float) -> float:
        """The RR swing amplitude breathing to a pacer at ``breaths_per_min``."""
        bell = math.exp(-0.5 * ((breaths_per_min - self.resonance_per_min) / self.resonance_width) ** 2)
        return self.settled_rsa_ms * (1.0 + (self.paced_gain - 1.0) * bell)


@dataclass(frozen=True, slots=True)
class SlowDrive:
    """A slowly wandering heart-rate offset in bpm: a few sinusoids between 0.02 and 0.12 Hz (the
    low-frequency band, where two resting hearts can move together), seeded frequencies and phases,
    scaled to unit standard deviation (pure: a function of time)."""

    seed: int
    components: int = 40
    _parts: tuple[tuple[float, float], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        parts = tuple((2 * math.pi * rng.uniform(0.02, 0.12), rng.uniform(0.0, 2 * math.pi))
                      for _ in range(self.components))
        object.__setattr__(self, "_parts", parts)

    def at(self, t: float) -> float:
        total = sum(math.sin(omega * t + phase) for omega, phase in self._parts)
        return total * math.sqrt(2.0 / self.components)


def pair_physiologies(seed: int = 7, coupling: float = 0.5, lag_s: float = 2.0,
                      slow_bpm: float = 5.0) -> tuple[Physiology, Physiology]:
    """A receiver and a giver for partner mode: each their own heart rate, breathing and wander,
    with ``coupling`` of the wander shared, the giver following it ``lag_s`` later."""
    shared = SlowDrive(seed * 7919 + 1)
    receiver = Physiology(slow_bpm=slow_bpm, shared=shared, coupling=coupling, lag_s=0.0,
                          own_seed=seed * 7919 + 2, contact_loss_at_s=None)
    giver = Physiology(start_hr=70.0, settled_hr=66.0, settle_tau_s=300.0, start_breath_per_min=12.0,
                       settled_breath_per_min=10.0, start_rsa_ms=14.0, settled_rsa_ms=24.0,
                       slow_bpm=slow_bpm, shared=shared, coupling=coupling, lag_s=lag_s,
                       own_seed=seed * 7919 + 3, contact_loss_at_s=None)
    return receiver, giver


def _slow_offset(p: Physiology, t: float) -> float:
    if p.slow_bpm == 0.0 and p.trend_bpm_per_min == 0.0:
        return 0.0
    own = SlowDrive(p.own_seed).at(t) if p.coupling < 1.0 else 0.0
    shared = p.shared.at(t - p.lag_s) if p.shared is not None and p.coupling > 0.0 else 0.0
    wander = math.sqrt(p.coupling) * shared + math.sqrt(1.0 - p.coupling) * own
    return p.slow_bpm * wander + p.trend_bpm_per_min * t / 60.0


@dataclass(frozen=True, slots=True)
class Packet:
    arrival: float
    payload: bytes
    chest: bool = False
    """A PMD data notification (the chest's accelerometer), not a heart-rate one."""


Guide = Callable[[], PacedBreathing | None]
"""The pacer the person follows now (on the strap's own clock), asked at each beat."""
LAG_S = 1.0
"""Heart rate follows the breath about a second behind."""
Breath = Callable[[float], float]
"""The breath at a time: lung volume over an ordinary breath's depth (0 out, about 1 in)."""


def simulate_packets(
    seed: int = 7, physiology: Physiology | None = None, packet_interval_s: float = 1.0,
    guide: Guide | None = None, breath: Breath | None = None,
) -> Iterator[Packet]:
    """Endless stream of notification packets on a virtual clock starting at 0."""
    p = physiology or Physiology()
    rng = random.Random(seed)
    next_packet = packet_interval_s
    pending: list[tuple[float, int]] = []  # (beat end time, RR in 1/1024 s)
    for t, rr, mean_rr in _beats(p, rng, guide, breath):
        pending.append((t, ms_to_rr_units(rr)))
        while t >= next_packet:
            in_loss = (p.contact_loss_at_s is not None
                       and p.contact_loss_at_s <= next_packet < p.contact_loss_at_s + p.contact_loss_s)
            ready = [units for end, units in pending if end <= next_packet][:9]
            del pending[: len(ready)]
            recent = ready[-3:] or [ms_to_rr_units(mean_rr)]
            hr = round(60.0 * 1024 / (sum(recent) / len(recent)))
            if in_loss:
                payload = encode_heart_rate_measurement(hr, (), sensor_contact=False)
            else:
                payload = encode_heart_rate_measurement(hr, ready, sensor_contact=True)
            yield Packet(next_packet + rng.uniform(0.0, 0.03), payload)
            next_packet += packet_interval_s


def simulate_beats(seed: int, physiology: Physiology, duration_s: float
                   ) -> tuple[list[float], list[float]]:
    """Beat end times and RR intervals (ms) for ``duration_s``: the physiology without the strap
    (for tests and benchmarks that need a known truth in bulk)."""
    times, rrs = [], []
    for t, rr, _ in _beats(physiology, random.Random(seed)):
        if t > duration_s:
            break
        times.append(t)
        rrs.append(rr)
    return times, rrs


def _paced(t: float, g: PacedBreathing) -> float:
    """Lung volume, 0 (breathed out) to 1 (breathed in), following the pacer at ``t``."""
    within = ((t - LAG_S - g.origin) * g.breaths_per_min / 60.0) % 1.0
    if within < g.in_share:
        return 0.5 - 0.5 * math.cos(math.pi * within / g.in_share)
    return 0.5 + 0.5 * math.cos(math.pi * (within - g.in_share) / (1.0 - g.in_share))


def _beats(p: Physiology, rng: random.Random, guide: Guide | None = None, breath: Breath | None = None
           ) -> Iterator[tuple[float, float, float]]:
    """Endless beats: (end time, RR in ms, the mean RR they vary around)."""
    t = 0.0  # end of the last generated beat
    breath_phase = rng.random() * 2 * math.pi
    lf_phase = rng.random() * 2 * math.pi
    compensatory = 0.0
    while True:
        settle = 1.0 - math.exp(-t / p.settle_tau_s)
        mean_rr = 60000.0 / (p.start_hr + (p.settled_hr - p.start_hr) * settle + _slow_offset(p, t))
        breath_hz = (p.start_breath_per_min
                     + (p.settled_breath_per_min - p.start_breath_per_min) * settle) / 60.0
        rsa = p.start_rsa_ms + (p.settled_rsa_ms - p.start_rsa_ms) * settle
        breath_phase += 2 * math.pi * breath_hz * mean_rr / 1000.0
        lf_phase += 2 * math.pi * 0.1 * mean_rr / 1000.0
        paced = guide() if guide is not None else None
        if paced is not None and t >= paced.origin:  # heart rate up breathing in: RR shorter
            rr = (mean_rr - p.paced_rsa_ms(paced.breaths_per_min) * (2.0 * _paced(t, paced) - 1.0)
                  + 0.25 * p.lf_ms * math.sin(lf_phase) + rng.gauss(0.0, p.noise_ms))
        elif breath is not None:  # the chest's own breath: heart rate up breathing in
            swing = min(2.0 * breath(t) - 1.0, 3.0)
            rr = mean_rr - rsa * swing + p.lf_ms * math.sin(lf_phase) + rng.gauss(0.0, p.noise_ms)
        else:
            rr = (mean_rr + rsa * math.sin(breath_phase) + p.lf_ms * math.sin(lf_phase)
                  + rng.gauss(0.0, p.noise_ms))
        if compensatory:
            rr, compensatory = rr + compensatory, 0.0
        elif rng.random() < p.ectopic_per_beat:
            early = rr * 0.32
            rr -= early
            compensatory = early
        elif rng.random() < p.missed_per_beat:
            rr *= 2.0
        t += rr / 1000.0
        yield t, rr, mean_rr


class SimulatedStrap:
    """A :class:`HeartRateSource` that plays :func:`simulate_packets` in (accelerated) real time."""

    def __init__(
        self,
        seed: int = 7,
        speed: float = 1.0,
        name: str = "calmlink demo strap",
        physiology: Physiology | None = None,
        chest: bool = False,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._seed = seed
        self._speed = speed
        self._name = name
        self._physiology = physiology
        self._closed = asyncio.Event()
        self.on_packet: Callable[[float, bytes | None], None] | None = None
        self._breathing: PacedBreathing | None = None
        self.chest: SimulatedChest | None = None
        """The simulated chest (the known truth of what was breathed), when the strap has one."""
        if chest:
            self.chest = SimulatedChest(chest_pattern(physiology or Physiology(), seed), CHEST_RATE_HZ)
        self.on_chest_packet: Callable[[float, bytes | None], None] | None = None

    def follow(self, breathing: PacedBreathing | None) -> None:
        """Breathe to this pacer from the next beat on (None: as before)."""
        self._breathing = breathing
        if self.chest is not None:
            self.chest.follow(breathing)

    @property
    def name(self) -> str:
        return self._name

    async def events(self) -> AsyncIterator[SourceEvent]:
        yield ConnectionEvent(ConnectionState.CONNECTING, ConnectionCause.CONNECTING, "demo strap",
                              device_name=self._name)
        yield ConnectionEvent(
            ConnectionState.CONNECTED, ConnectionCause.RECEIVING, "demo strap ready",
            device_name=self._name, device_address="SIMULATED", battery_pct=87,
            sensor_location="chest",
        )
        decoder = PacketDecoder(self.on_packet)
        chest = self.chest
        breath = None if chest is None else (lambda t: float(chest.volume(t)[0]) / chest.pattern.depth)
        packets: Iterator[Packet] = simulate_packets(self._seed, self._physiology,
                                                     guide=lambda: self._breathing, breath=breath)
        chest_decoder = ChestDecoder(CHEST_RATE_HZ, on_packet=self._log_chest)
        if chest is not None:
            yield ChestStatus(True, f"chest movement from the demo strap at {CHEST_RATE_HZ} Hz",
                              float(CHEST_RATE_HZ))
            packets = heapq.merge(packets, chest_frames(chest), key=lambda p: p.arrival)
        async for packet in paced_packets(packets, self._speed, self._closed):
            if not packet.chest:
                for sample in decoder.decode(packet.arrival, packet.payload):
                    yield sample
            elif (motion := chest_decoder.decode(packet.arrival, packet.payload)) is not None:
                yield motion
        yield ConnectionEvent(ConnectionState.DISCONNECTED, ConnectionCause.USER_DISCONNECT,
                              "stopped by the user", device_name=self._name)

    def _log_chest(self, arrival: float, payload: bytes | None) -> None:
        if self.on_chest_packet is not None:
            self.on_chest_packet(arrival, payload)

    async def close(self) -> None:
        self._closed.set()
