"""Play back a recording as a heart-rate source: an RR file, or a raw notification log.

- RR files (any format :mod:`calmlink.sessions.formats` reads) become 0x2A37 packets of the beats that
  ended in each second, so replayed beats go through the same parser and beat assembler as a strap's.
  Gaps in the file are sent as a silence, which the assembler marks as a gap.
- Raw logs (``calmlink record --out``) are JSON lines ``{"t": arrival_s, "hex": payload}``, or
  ``{"t": .., "event": "disconnected"}``: the exact bytes a strap sent, with their arrival times.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from calmlink.sensors.beats import PacketDecoder
from calmlink.sensors.hrs import encode_heart_rate_measurement, ms_to_rr_units
from calmlink.sensors.models import ConnectionEvent, ConnectionState, SourceEvent
from calmlink.sensors.pacing import paced
from calmlink.sessions.formats import RRFileError, read_rr_file


@dataclass(frozen=True, slots=True)
class LoggedPacket:
    arrival: float
    payload: bytes | None
    """None marks a link loss at ``arrival``."""


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


def packets_from_log(path: Path) -> Iterator[LoggedPacket]:
    with path.open() as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if "hex" in row:
                    yield LoggedPacket(float(row["t"]), bytes.fromhex(row["hex"]))
                elif row.get("event") == "disconnected":
                    yield LoggedPacket(float(row["t"]), None)
            except (ValueError, KeyError, TypeError) as exc:
                raise RRFileError(str(path), line_no, f"expected a JSON line with t and hex ({exc})") \
                    from None


def is_raw_log(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(64).lstrip().startswith(b'{"t"')


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

    @property
    def name(self) -> str:
        return self._name

    def packets(self) -> Iterator[LoggedPacket]:
        return packets_from_log(self.path) if is_raw_log(self.path) else packets_from_rr(self.path)

    async def events(self) -> AsyncIterator[SourceEvent]:
        yield ConnectionEvent(ConnectionState.CONNECTED, "replaying a recording", device_name=self._name,
                              device_address=str(self.path))
        decoder = PacketDecoder(self.on_packet)
        async for arrival, payload in paced(self.packets(), self._speed, self._closed):
            for sample in decoder.decode(arrival, payload):
                yield sample
        self.malformed = decoder.malformed
        reason = "stopped by the user" if self._closed.is_set() else "end of the recording"
        yield ConnectionEvent(ConnectionState.DISCONNECTED, reason, device_name=self._name)

    async def close(self) -> None:
        self._closed.set()
