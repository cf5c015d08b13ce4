"""Play back a recording as a heart-rate source: an RR file, or a raw notification log.

- RR files (any format :mod:`calmlink.recordings` reads) become 0x2A37 packets of the beats that
  ended in each second, so replayed beats go through the same parser and beat assembler as a strap's.
  Gaps in the file are sent as a silence, which the assembler marks as a gap.
- Raw packet logs (``calmlink record --out``, :mod:`calmlink.recordings.packet_log`): the exact
  bytes a strap sent, with their arrival times; the chest's PMD frames among them come out as
  :class:`ChestMotion`, decoded as a strap's are (the first frame spaced at 25 Hz, the H10's
  breathing rate, the rest by their timestamps).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from calmlink.recordings.packet_log import PMD, LoggedPacket, is_packet_log, read_packet_log
from calmlink.recordings.rr_text import read_rr_file
from calmlink.sensors.beats import PacketDecoder
from calmlink.sensors.chest_stream import ChestDecoder
from calmlink.sensors.hrs import encode_heart_rate_measurement, ms_to_rr_units
from calmlink.sensors.models import ConnectionCause, ConnectionEvent, ConnectionState, SourceEvent
from calmlink.sensors.pacing import paced_packets


def packets_from_rr(path: Path) -> Iterator[LoggedPacket]:
    """Pack a file's beats as a strap would: each packet, sent on the second, carries the beats that
    ended since the previous one (at most 9); a gap in the file is sent as a link loss."""
    series = read_rr_file(path)
    t0 = float(series.t_s[0]) - float(series.rr_ms[0]) / 1000.0
    pending: list[int] = []
    second: int | None = None
    for t, rr, gap in zip(series.t_s - t0, series.rr_ms, series.gap_before, strict=True):
        due = math.ceil(float(t))
        if pending and second is not None and (gap or due != second or len(pending) == 9):
            yield _packet(float(second), pending)
            pending = []
        if gap:
            yield LoggedPacket(float(t) - float(rr) / 1000.0, None)
        second = due
        pending.append(ms_to_rr_units(float(rr)))
    if pending and second is not None:
        yield _packet(float(second), pending)


def _packet(arrival: float, rr_units: list[int]) -> LoggedPacket:
    hr = round(60.0 * 1024 * len(rr_units) / max(sum(rr_units), 1))
    return LoggedPacket(arrival, encode_heart_rate_measurement(min(hr, 255), rr_units))


class ReplaySource:
    """A :class:`HeartRateSource` that replays a file at ``speed`` times real time."""

    def __init__(self, path: Path | str, speed: float = 1.0, name: str | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.path = Path(path)
        self._speed = speed
        self._name = name or f"replay of {self.path.name}"
        self._closed = asyncio.Event()
        self.malformed = 0
        self.on_packet: Callable[[float, bytes | None], None] | None = None
        self.on_chest_packet: Callable[[float, bytes | None], None] | None = None

    @property
    def name(self) -> str:
        return self._name

    def packets(self) -> Iterator[LoggedPacket]:
        return read_packet_log(self.path) if is_packet_log(self.path) else packets_from_rr(self.path)

    async def events(self) -> AsyncIterator[SourceEvent]:
        yield ConnectionEvent(ConnectionState.CONNECTED, ConnectionCause.REPLAYING,
                              "replaying a recording", device_name=self._name,
                              device_address=str(self.path))
        decoder = PacketDecoder(self.on_packet)
        chest = ChestDecoder(25.0, on_packet=self.on_chest_packet)
        packets = await asyncio.to_thread(lambda: list(self.packets()))  # file reading: off the loop
        async for packet in paced_packets(packets, self._speed, self._closed):
            if packet.channel == PMD:
                motion = chest.decode(packet.arrival, packet.payload)
                if motion is not None:
                    yield motion
                continue
            for sample in decoder.decode(packet.arrival, packet.payload):
                yield sample
        self.malformed = decoder.malformed
        if self._closed.is_set():
            cause, reason = ConnectionCause.USER_DISCONNECT, "stopped by the user"
        else:
            cause, reason = ConnectionCause.END_OF_RECORDING, "end of the recording"
        yield ConnectionEvent(ConnectionState.DISCONNECTED, cause, reason, device_name=self._name)

    async def close(self) -> None:
        self._closed.set()
