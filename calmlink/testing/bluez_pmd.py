"""The emulated strap's Polar Measurement Data service: a control point that answers in the real bytes
and a data characteristic that streams ACC frames from a simulated chest at the rate asked for.

Modes: ``"h10"`` answers as a Polar H10 does; ``"refuse"`` lists its settings but refuses to start
(status 10, invalid MTU, one of the spec's refusals); ``"auth"`` fails every write as BlueZ relays
"insufficient authentication" (Windows before pairing); ``"silent"`` never answers. A strap left
streaming keeps streaming (in its own mind) across a dropped link, as a real one does: the next
start is answered "already in that state" unless stop was written.

No ``from __future__ import annotations`` here: dbus-fast reads annotations at run time.
"""

import asyncio
from collections.abc import Callable
from typing import Protocol

import numpy as np
from dbus_fast import DBusError
from dbus_fast.service import ServiceInterface
from numpy.typing import NDArray

from calmlink.sensors.chest_model import ChestPattern, SimulatedChest
from calmlink.sensors.pmd import (
    MEASUREMENT_ACC,
    PMD_CONTROL_POINT_UUID,
    PMD_DATA_UUID,
    PMD_SERVICE_UUID,
    MalformedPmdFrame,
    Op,
    encode_acc_frame,
    parse_settings,
)
from calmlink.testing.bluez_objects import CCCD, GattCharacteristic, GattDescriptor, GattService
from calmlink.testing.pmd_frames import H10_RATES_HZ, answer, settings_parameters

PMD_MTU = 232
"""What the spec asks for; BlueZ negotiates it with the strap."""
STRAP_EPOCH_NS = 600_000_000_000_000_000
"""The fake strap's clock at its own zero (ns since 2000-01-01: an afternoon in 2019)."""
_INVALID_MTU = 10
_ALREADY_IN_STATE = 6


class ChestSamples(Protocol):
    """A chest to read: samples on its own grid in [t_from, t_to), in mG (the simulated chest)."""

    def samples(self, t_from_s: float, t_to_s: float) -> tuple[NDArray[np.float64], NDArray[np.int16]]:
        ...


class FakePmd:
    def __init__(self, mode: str = "h10", seed: int = 0, speed: float = 1.0,
                 rates: tuple[int, ...] = H10_RATES_HZ, pattern: ChestPattern | None = None) -> None:
        if mode not in ("h10", "refuse", "auth", "silent"):
            raise ValueError(f"unknown PMD mode {mode!r}")
        self.mode = mode
        self.speed = speed
        self.rates = rates
        self.pattern = pattern or ChestPattern(seed=seed)
        self.chest: ChestSamples | None = None
        self.rate_hz: int | None = None
        """The rate it streams at (kept across a dropped link); None: not streaming."""
        self.commands: list[bytes] = []
        self.frames_sent = 0
        self.starts = 0
        self.stops = 0
        self.heart_rate_on: Callable[[], bool] = lambda: False
        """Set by the strap: whether heart-rate notifications are on."""
        self.subscribed_at_writes: list[tuple[bool, bool, bool]] = []
        """At each write: heart-rate notifications, control-point indications, data notifications on."""
        self.cp: GattCharacteristic | None = None
        self.data: GattCharacteristic | None = None
        self._task: asyncio.Task[None] | None = None
        self._strap_t = 0.0

    @property
    def frame_samples(self) -> int:
        """As many x, y, z int16 samples as fit one notification at the MTU."""
        return (PMD_MTU - 3 - 10) // 6

    def export(self, base: str) -> list[tuple[str, ServiceInterface]]:
        svc = f"{base}/service0020"
        self.cp = GattCharacteristic(PMD_CONTROL_POINT_UUID, svc, ["read", "write", "indicate"],
                                     on_write=self._on_write, mtu=PMD_MTU)
        self.data = GattCharacteristic(PMD_DATA_UUID, svc, ["notify"], mtu=PMD_MTU)
        if self.rate_hz is not None:
            self._stream()
        return [(svc, GattService(PMD_SERVICE_UUID, base)), (f"{svc}/char0021", self.cp),
                (f"{svc}/char0021/desc0023", GattDescriptor(CCCD, f"{svc}/char0021")),
                (f"{svc}/char0024", self.data),
                (f"{svc}/char0024/desc0026", GattDescriptor(CCCD, f"{svc}/char0024"))]

    def link_down(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.cp = self.data = None

    def _indicate(self, payload: bytes) -> None:
        if self.cp is not None and self.cp.notifying:
            self.cp.send(payload)

    def _on_write(self, value: bytes) -> None:
        self.commands.append(value)
        self.subscribed_at_writes.append((self.heart_rate_on(), bool(self.cp and self.cp.notifying),
                                          bool(self.data and self.data.notifying)))
        if self.mode == "auth":
            # what BlueZ relays when the strap answers a write with ATT error 0x05
            raise DBusError("org.bluez.Error.Failed", "Operation failed with ATT error: 0x05")
        if self.mode == "silent" or len(value) < 2:
            return
        op, measurement = value[0], value[1]
        if measurement != MEASUREMENT_ACC:
            self._indicate(answer(op, status=2, measurement=measurement))
        elif op == Op.GET_SETTINGS:
            self._indicate(answer(op, parameters=settings_parameters(self.rates)))
        elif op == Op.START:
            self._start(value)
        elif op == Op.STOP:
            self.stops += 1
            self.rate_hz = None
            if self._task is not None:
                self._task.cancel()
                self._task = None
            self._indicate(answer(op))
        else:
            self._indicate(answer(op, status=1))

    def _start(self, value: bytes) -> None:
        if self.mode == "refuse":
            self._indicate(answer(Op.START, status=_INVALID_MTU))
            return
        if self.rate_hz is not None:
            self._indicate(answer(Op.START, status=_ALREADY_IN_STATE))
            return
        try:
            asked = parse_settings(value[2:])
        except MalformedPmdFrame:
            self._indicate(answer(Op.START, status=5))
            return
        if len(asked.sample_rates_hz) != 1 or asked.sample_rates_hz[0] not in self.rates:
            self._indicate(answer(Op.START, status=8))
            return
        self.starts += 1
        self.rate_hz = asked.sample_rates_hz[0]
        self._indicate(answer(Op.START, parameters=b"\x01"))
        self._stream()

    def _stream(self) -> None:
        assert self.rate_hz is not None
        if self.chest is None or getattr(self.chest, "rate_hz", self.rate_hz) != self.rate_hz:
            self.chest = SimulatedChest(self.pattern, rate_hz=self.rate_hz)
        self._task = asyncio.get_running_loop().create_task(self._frames(self.rate_hz))

    async def _frames(self, rate: int) -> None:
        """One frame each ``frame_samples / rate`` seconds of strap time (sped up by ``speed``)."""
        span = self.frame_samples / rate
        loop = asyncio.get_running_loop()
        started = loop.time()
        first = self._strap_t
        k = 0
        while True:
            k += 1
            due = started + k * span / self.speed
            await asyncio.sleep(max(due - loop.time(), 0.0))
            assert self.chest is not None
            t_to = first + k * span
            times, xyz = self.chest.samples(self._strap_t, t_to)
            self._strap_t = t_to
            if not len(times) or self.data is None or not self.data.notifying:
                continue
            stamp = STRAP_EPOCH_NS + round(float(times[-1]) * 1e9)
            self.data.send(encode_acc_frame(stamp, xyz.tolist()))
            self.frames_sent += 1
