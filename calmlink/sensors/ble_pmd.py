"""The chest accelerometer of a Polar strap over bleak: PMD beside heart rate, on one connection.

The order Polar's SDK and the spec ask for (../docs/ble.md, "Chest movement"): heart-rate
notifications first (they never wait for any of this), then indications on the control point and
notifications on the data characteristic, then the ACC settings, then start at the lowest rate that
serves breathing. Each command waits for its answer on the control point. A strap still streaming
from an earlier connection answers "already in that state": it is stopped and started again.
Anything that goes wrong becomes a :class:`ChestUnavailable` with a plain reason; heart rate is
untouched by it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from calmlink.sensors.chest_stream import ChestDecoder
from calmlink.sensors.models import ChestMotion, ChestStatus
from calmlink.sensors.pmd import (
    PMD_CONTROL_POINT_UUID,
    PMD_DATA_UUID,
    PMD_SERVICE_UUID,
    ControlPointAnswer,
    MalformedPmdFrame,
    choose_rate,
    get_settings_command,
    parse_control_point_answer,
    parse_settings,
    start_command,
    stop_command,
)

log = logging.getLogger(__name__)
ANSWER_TIMEOUT_S = 3.0
STOP_TIMEOUT_S = 1.0
_ALREADY_IN_STATE = 6
_PAIRING_CODES = {0x05, 0x08, 0x0C, 0x0F}
"""ATT errors that mean "pair first": insufficient authentication, authorization, key size, encryption."""
NOT_AVAILABLE = "chest movement not available from this strap"


class ChestUnavailable(RuntimeError):
    """Why a strap gives no chest movement, in words for people."""


@dataclass(frozen=True, slots=True)
class ChestStarted:
    rate_hz: int
    resolution_bits: int
    range_g: int
    factor: float | None


def why(exc: BaseException) -> str:
    """A plain reason for what bleak or the strap said."""
    if isinstance(exc, ChestUnavailable):
        return str(exc)
    if isinstance(exc, TimeoutError):
        return "the strap did not answer"
    code = getattr(exc, "code", None)  # bleak's GATT protocol error code, when it is one
    if code in _PAIRING_CODES:
        return "the strap asks to be paired first (insufficient authentication)"
    args = [a for a in getattr(exc, "args", ()) if isinstance(a, str)]
    text = args[-1] if args else (str(exc) or type(exc).__name__)
    if "authenticat" in text.lower() or "not paired" in text.lower():
        return "the strap asks to be paired first (insufficient authentication)"
    return f"the strap said: {text}"


class PmdLink:
    """PMD on one connected ``client``: :meth:`start` it, :meth:`stop` it (always, when possible).

    ``on_frame`` receives each data notification's bytes as they arrive (it should only enqueue).
    """

    def __init__(self, client: Any, on_frame: Callable[[bytes], None],
                 answer_timeout_s: float = ANSWER_TIMEOUT_S) -> None:
        self._client = client
        self._on_frame = on_frame
        self._timeout = answer_timeout_s
        self._answers: asyncio.Queue[ControlPointAnswer] = asyncio.Queue()
        self.subscribed = False

    def offered(self) -> bool:
        services = getattr(self._client, "services", None)
        return services is not None and services.get_service(PMD_SERVICE_UUID) is not None

    async def start(self, on_rate: Callable[[int], None] | None = None) -> ChestStarted:
        """Subscribe, read the settings, start ACC; ``on_rate`` hears the rate before the start
        command goes out (so the decoder is ready for the first frame)."""
        if not self.offered():
            raise ChestUnavailable("it has no Polar measurement service (other makes and old firmware)")
        await self._client.start_notify(PMD_CONTROL_POINT_UUID, self._on_answer)
        await self._client.start_notify(PMD_DATA_UUID, lambda _c, data: self._on_frame(bytes(data)))
        self.subscribed = True
        listed = await self._command(get_settings_command())
        if not listed.ok:
            raise ChestUnavailable(f"the strap would not list its accelerometer settings "
                                   f"({listed.status_name})")
        try:
            offered = parse_settings(listed.parameters)
        except MalformedPmdFrame as exc:
            raise ChestUnavailable(f"the strap's accelerometer settings make no sense ({exc})") from None
        rate = choose_rate(offered.sample_rates_hz)
        if rate is None:
            raise ChestUnavailable("the strap offers no accelerometer rate")
        resolution = 16 if 16 in offered.resolutions_bits or not offered.resolutions_bits \
            else max(offered.resolutions_bits)
        range_g = min(offered.ranges_g) if offered.ranges_g else 2
        if on_rate is not None:
            on_rate(rate)
        command = start_command(rate, resolution, range_g)
        started = await self._command(command)
        if started.status == _ALREADY_IN_STATE:  # left streaming by an earlier connection
            await self._command(stop_command())
            started = await self._command(command)
        if not started.ok:
            raise ChestUnavailable(f"the strap refused to start its accelerometer ({started.status_name})")
        factor = None
        with contextlib.suppress(MalformedPmdFrame):
            factor = parse_settings(started.parameters).factor
        return ChestStarted(rate, resolution, range_g, factor)

    async def stop(self) -> bool:
        """Send stop (a strap left streaming keeps streaming); True when it was written."""
        if not self.subscribed:
            return False
        try:
            await asyncio.wait_for(
                self._client.write_gatt_char(PMD_CONTROL_POINT_UUID, stop_command(), response=True),
                STOP_TIMEOUT_S)
        except Exception as exc:  # the link may be gone already: nothing more to do
            log.info("could not stop the chest accelerometer: %r", exc)
            return False
        return True

    def _on_answer(self, _char: Any, data: bytearray) -> None:
        try:
            self._answers.put_nowait(parse_control_point_answer(data))
        except MalformedPmdFrame as exc:
            log.info("unreadable PMD control-point answer %s: %s", bytes(data).hex(), exc)

    async def _command(self, command: bytes) -> ControlPointAnswer:
        while not self._answers.empty():
            self._answers.get_nowait()
        await self._client.write_gatt_char(PMD_CONTROL_POINT_UUID, command, response=True)
        async with asyncio.timeout(self._timeout):
            while True:
                answer = await self._answers.get()
                if answer.op_code == command[0]:
                    return answer


@dataclass(frozen=True, slots=True)
class ChestFrame:
    """A PMD data notification as the callback enqueues it, with its arrival on the source's clock."""

    arrival: float
    payload: bytes


class ChestSide:
    """The chest half of a BLE source, across its connections: starts PMD in a task of its own on
    each connection (:meth:`begin`), decodes the frames the source's consumer hands it, says once per
    change whether there is chest movement, and stops the strap before each disconnect (:meth:`end`).

    ``enqueue`` is the source's queue: frames and news go through it, in order with heart rate.
    """

    def __init__(self, enqueue: Callable[[ChestFrame | ChestStatus], None],
                 answer_timeout_s: float = ANSWER_TIMEOUT_S) -> None:
        self._enqueue = enqueue
        self._timeout = answer_timeout_s
        self._link: PmdLink | None = None
        self._task: asyncio.Task[None] | None = None
        self._said: ChestStatus | None = None
        self.decoder = ChestDecoder(25.0, on_packet=self._log)
        self.on_packet: Callable[[float, bytes | None], None] | None = None
        """Sees every PMD data notification as received (for raw logs)."""

    def _log(self, arrival: float, payload: bytes | None) -> None:
        if self.on_packet is not None:
            self.on_packet(arrival, payload)

    def begin(self, client: Any, arrival: Callable[[], float], name: str) -> None:
        """Start the accelerometer on a new connection; heart rate does not wait for it."""
        self._task = asyncio.create_task(self._start(client, arrival, name), name="calmlink-chest")

    async def _start(self, client: Any, arrival: Callable[[], float], name: str) -> None:
        link = self._link = PmdLink(client, lambda data: self._enqueue(ChestFrame(arrival(), data)),
                                    self._timeout)
        try:
            started = await link.start(on_rate=lambda rate: self.decoder.restart(float(rate)))
        except Exception as exc:  # any failure: no chest movement, heart rate goes on
            log.info("chest accelerometer not started on %s: %r", name, exc)
            self._enqueue(ChestStatus(False, f"{NOT_AVAILABLE}: {why(exc)}"))
            return
        self.decoder.factor = started.factor
        self._enqueue(ChestStatus(True, f"chest movement from the strap at {started.rate_hz} Hz",
                                  float(started.rate_hz)))

    def frame(self, item: ChestFrame) -> ChestMotion | None:
        return self.decoder.decode(item.arrival, item.payload)

    def news(self, status: ChestStatus) -> bool:
        """True when ``status`` is news (not what was said last)."""
        fresh = status != self._said
        self._said = status
        return fresh

    def link_lost(self, arrival: float) -> None:
        self.decoder.decode(arrival, None)

    async def end(self, client: Any) -> None:
        """Before a disconnect: cancel a start still under way, send stop while the link carries it."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task})
        link, self._link = self._link, None
        if link is not None and client is not None and getattr(client, "is_connected", True):
            await link.stop()
