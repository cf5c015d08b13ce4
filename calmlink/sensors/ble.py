"""A Bluetooth heart-rate strap as a :class:`HeartRateSource`, through bleak.

Any device that offers the standard Heart Rate Service (0x180D) works: it is found by service, not by
name. The reliability rules come from bleak's and Home Assistant's experience:

- every (re)connection starts with a fresh scan, and the ``BLEDevice`` from that scan is handed to
  the client (a stale one fails with a plain ``BleakError``); the connection itself goes through
  bleak-retry-connector's ``establish_connection``, which knows BlueZ's transient failures;
- ``disconnected_callback`` may fire during ``connect()``, so the "lost" flag is cleared only after
  the connection is up, and notifications are subscribed again after every reconnect;
- notifications can stop without a disconnect: a watchdog reconnects after ``watchdog_s`` of silence;
- retries back off exponentially with jitter (:func:`backoff_delay`), reset by a connection that
  delivered data; a disconnect the user asked for never triggers a reconnect.

The notification callback only enqueues ``(arrival time, bytes)``; parsing and beat timing happen in
the consumer, with the same pure code every other source uses.

On a strap that offers Polar's measurement service (PMD, :mod:`calmlink.sensors.ble_pmd`), the chest
accelerometer is started in a task of its own once heart rate flows, and restarted after every
reconnect; its frames are enqueued the same way and leave as :class:`ChestMotion` on the beats'
clock. Whether there is chest movement is said once per change as a :class:`ChestStatus`. Stop is
sent before every disconnect calmlink makes, since a strap left streaming keeps streaming.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

from calmlink.sensors.beats import PacketDecoder
from calmlink.sensors.ble_pmd import ANSWER_TIMEOUT_S, ChestFrame, ChestSide
from calmlink.sensors.discovery import FoundDevice, discover, matches
from calmlink.sensors.errors import BluetoothUnavailable, Unavailable, from_exception
from calmlink.sensors.hrs import (
    BATTERY_LEVEL_UUID,
    BODY_SENSOR_LOCATION_UUID,
    DEVICE_INFORMATION_UUIDS,
    HEART_RATE_MEASUREMENT_UUID,
    parse_battery_level,
    parse_body_sensor_location,
    parse_device_information_string,
)
from calmlink.sensors.memory import DeviceMemory, KnownDevice
from calmlink.sensors.models import (
    ChestStatus,
    ConnectionCause,
    ConnectionEvent,
    ConnectionState,
    SourceEvent,
)

log = logging.getLogger(__name__)


_Item = tuple[float, bytes] | ChestFrame | ChestStatus | None
"""What the callbacks enqueue: a heart-rate payload, a PMD frame, news of the chest, a link loss."""


def backoff_delay(attempt: int, rng: random.Random, base_s: float = 1.0, cap_s: float = 30.0) -> float:
    """Exponential backoff with 'equal jitter': half fixed, half random, capped."""
    ceiling = min(cap_s, base_s * 2.0 ** max(attempt, 0))
    return ceiling / 2.0 + rng.uniform(0.0, ceiling / 2.0)


class BleHeartRateSource:
    """Connects, subscribes, watches and reconnects until :meth:`close`."""

    def __init__(
        self,
        target: str | None = None,
        *,
        scan_timeout: float = 5.0,
        watchdog_s: float = 5.0,
        memory: DeviceMemory | None = None,
        rng: random.Random | None = None,
        backoff: Callable[[int, random.Random], float] = backoff_delay,
        client_class: Any = None,
        clock: Callable[[], float] | None = None,
        chest_timeout_s: float = ANSWER_TIMEOUT_S,
    ) -> None:
        self._target = target
        self._scan_timeout = scan_timeout
        self._watchdog_s = watchdog_s
        self._memory = memory
        self._rng = rng or random.Random()
        self._backoff = backoff
        self._client_class = client_class
        self._clock = clock
        """Arrival clock for beat timing (default: the event loop's); tests run it faster."""
        self._closed = asyncio.Event()
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._client: Any = None
        self.chest = ChestSide(self._queue.put_nowait, chest_timeout_s)
        """The chest accelerometer, on a strap that has Polar's measurement service."""
        self._name = target or "heart-rate strap"
        self.malformed = 0
        self.packets = 0
        self.origin = 0.0
        """The arrival clock's reading when events() started: sample times count from it."""
        self.on_packet: Callable[[float, bytes | None], None] | None = None
        """Sees every notification as received, with its arrival time (for raw logs)."""

    @property
    def name(self) -> str:
        return self._name

    @property
    def on_chest_packet(self) -> Callable[[float, bytes | None], None] | None:
        """Sees every PMD data notification as received (for raw logs), like ``on_packet``."""
        return self.chest.on_packet

    @on_chest_packet.setter
    def on_chest_packet(self, hook: Callable[[float, bytes | None], None] | None) -> None:
        self.chest.on_packet = hook

    async def close(self) -> None:
        self._closed.set()
        self._queue.put_nowait(None)
        await self._drop_client()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), seconds)

    async def _wanted(self) -> str | None:
        """The strap asked for, else the one remembered (read off the event loop)."""
        if self._target:
            return self._target
        known = await asyncio.to_thread(self._memory.load) if self._memory is not None else None
        return known.address if known is not None else None

    async def _find(self) -> tuple[Any, FoundDevice] | None:
        wanted = await self._wanted()
        for device, found in await discover(self._scan_timeout):
            if wanted is None or matches(found, wanted):
                return device, found
        return None

    async def events(self) -> AsyncIterator[SourceEvent]:
        loop = asyncio.get_running_loop()
        clock = self._clock or loop.time
        origin = self.origin = clock()
        decoder = PacketDecoder(self.on_packet)
        attempt = 0
        reason = f"looking for {await self._wanted() or 'any heart-rate strap'}"
        cause = ConnectionCause.SEARCHING
        state = ConnectionState.SCANNING
        while not self._closed.is_set():
            yield ConnectionEvent(state, cause, reason)
            try:
                hit = await self._find()
                unavailable = None if hit is not None else BluetoothUnavailable(Unavailable.NOT_FOUND)
            except BluetoothUnavailable as exc:
                hit, unavailable = None, exc
            if self._closed.is_set():
                break
            if hit is None:
                assert unavailable is not None
                cause, reason = unavailable.cause, str(unavailable)
                state = ConnectionState.RECONNECTING
                await self._sleep(self._backoff(attempt, self._rng))
                attempt += 1
                continue
            device, found = hit
            self._name = found.name or found.address
            yield ConnectionEvent(ConnectionState.CONNECTING, ConnectionCause.CONNECTING,
                                  f"connecting to {self._name}",
                                  device_name=found.name, device_address=found.address)
            try:
                info = await self._connect(device, found, clock)
            except Exception as exc:  # any failure to connect is retried after a rescan
                mapped = from_exception(exc)
                cause = mapped.cause if mapped else ConnectionCause.CONNECT_FAILED
                reason = str(mapped) if mapped else f"could not connect: {exc or type(exc).__name__}"
                log.info("connect to %s failed: %r", found.address, exc)
                state = ConnectionState.RECONNECTING
                await self._sleep(self._backoff(attempt, self._rng))
                attempt += 1
                continue
            yield ConnectionEvent(ConnectionState.CONNECTED, ConnectionCause.RECEIVING,
                                  "receiving heart rate", **info)
            if self._client is not None:
                self.chest.begin(self._client, lambda: clock() - origin, self._name)
            delivered = False
            async for item in self._receive(origin, decoder):
                if isinstance(item, tuple):
                    cause, reason = item
                    break
                delivered = True
                yield item
            decoder.decode(clock() - origin, None)  # the link is down: a gap
            self.chest.link_lost(clock() - origin)
            await self._drop_client()
            if self._closed.is_set():
                break
            attempt = 0 if delivered else attempt + 1
            state = ConnectionState.RECONNECTING
            if not delivered:
                await self._sleep(self._backoff(attempt, self._rng))
        yield ConnectionEvent(ConnectionState.DISCONNECTED, ConnectionCause.USER_DISCONNECT,
                              "stopped by the user", device_name=self._name)

    async def _connect(self, device: Any, found: FoundDevice, clock: Callable[[], float]
                       ) -> dict[str, Any]:
        from bleak import BleakClient
        from bleak_retry_connector import establish_connection

        while not self._queue.empty():  # anything left from the previous link is stale
            self._queue.get_nowait()
        lost = asyncio.Event()

        def on_disconnect(_client: Any) -> None:
            lost.set()
            if self._client is _client:
                self._queue.put_nowait(None)

        client = await establish_connection(self._client_class or BleakClient, device,
                                            found.name or found.address,
                                            disconnected_callback=on_disconnect, max_attempts=2)
        lost.clear()  # the callback may have fired during connect() itself
        self._client = client
        battery, location = await self._read_optional(client)

        def on_notify(_char: Any, data: bytearray) -> None:
            self._queue.put_nowait((clock(), bytes(data)))

        await client.start_notify(HEART_RATE_MEASUREMENT_UUID, on_notify)
        if self._memory is not None:
            await asyncio.to_thread(self._memory.save, KnownDevice(found.address, found.name))
        info = await self._device_information(client)
        return {"device_name": found.name, "device_address": found.address,
                "battery_pct": battery, "sensor_location": location,
                "manufacturer": info.get("manufacturer"), "model": info.get("model")}

    @staticmethod
    async def _read_optional(client: Any) -> tuple[int | None, str | None]:
        battery = location = None
        with contextlib.suppress(Exception):
            battery = parse_battery_level(await client.read_gatt_char(BATTERY_LEVEL_UUID))
        with contextlib.suppress(Exception):
            location = parse_body_sensor_location(await client.read_gatt_char(BODY_SENSOR_LOCATION_UUID))
        return battery, location

    @staticmethod
    async def _device_information(client: Any) -> dict[str, str]:
        """Manufacturer and model from the Device Information service, if the strap has it; the
        connect view shows them so two straps of one brand are told apart."""
        out: dict[str, str] = {}
        for key, uuid in DEVICE_INFORMATION_UUIDS.items():
            if key not in ("manufacturer", "model"):
                continue
            with contextlib.suppress(Exception):
                out[key] = parse_device_information_string(await client.read_gatt_char(uuid))
        return out

    async def _receive(self, origin: float, decoder: PacketDecoder) -> AsyncIterator[Any]:
        """Samples while the link lives; ends with a (cause, sentence) saying why it stopped. The
        watchdog listens to heart rate only: chest frames do not keep a silent heart alive."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._watchdog_s
        while True:
            try:
                item = await asyncio.wait_for(self._queue.get(), max(deadline - loop.time(), 0.0))
            except TimeoutError:
                yield ConnectionCause.STALLED, f"no data for {self._watchdog_s:g} s: reconnecting"
                return
            if item is None:
                yield ((ConnectionCause.USER_DISCONNECT, "stopped by the user") if self._closed.is_set()
                       else (ConnectionCause.OUT_OF_RANGE, "connection lost: out of range?"))
                return
            if isinstance(item, ChestFrame):
                if (motion := self.chest.frame(item)) is not None:
                    yield motion
                continue
            if isinstance(item, ChestStatus):
                if self.chest.news(item):
                    yield item
                continue
            deadline = loop.time() + self._watchdog_s
            arrival, payload = item
            self.packets += 1
            for sample in decoder.decode(arrival - origin, payload):
                yield sample
            self.malformed = decoder.malformed

    async def _drop_client(self) -> None:
        """Stop the chest accelerometer (when the link still carries a write), then disconnect."""
        client, self._client = self._client, None
        await self.chest.end(client)
        if client is not None:
            with contextlib.suppress(Exception):
                await client.disconnect()
