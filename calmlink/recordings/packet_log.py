"""Raw notification logs: every Heart Rate Measurement payload exactly as received, with its arrival.

JSON lines ``{"t": arrival_s, "hex": payload}``, or ``{"t": .., "event": "disconnected"}`` where the
link dropped. Chest accelerometer notifications (Polar PMD data) carry ``"ch": "pmd"`` beside them,
on the same arrival clock; a line without ``ch`` is heart rate (every log written before there was a
chest reads as before). ``calmlink record --out`` writes them; ``--replay`` plays them back through the same
parser a strap's bytes go through, so a bug report replays to the same beats.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from calmlink.recordings.series import RRFileError

HEART_RATE = "hr"
PMD = "pmd"


@dataclass(frozen=True, slots=True)
class LoggedPacket:
    arrival: float
    payload: bytes | None
    """None marks a link loss at ``arrival``."""
    channel: str = HEART_RATE
    """Which notification: heart rate (``"hr"``) or the chest's PMD data (``"pmd"``)."""


class PacketLogWriter:
    """Call it with each ``(arrival, payload)`` as received; None as payload marks a link loss."""

    def __init__(self, fh: IO[str], channel: str = HEART_RATE) -> None:
        self._fh = fh
        self._channel = channel

    def __call__(self, arrival: float, payload: bytes | None) -> None:
        row: dict[str, Any] = {"t": round(arrival, 6)}
        if payload is None:
            row["event"] = "disconnected"
        else:
            row["hex"] = payload.hex()
        if self._channel != HEART_RATE:
            row["ch"] = self._channel
        self._fh.write(json.dumps(row) + "\n")


def read_packet_log(path: Path) -> Iterator[LoggedPacket]:
    with path.open() as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                channel = str(row.get("ch", HEART_RATE))
                if "hex" in row:
                    yield LoggedPacket(float(row["t"]), bytes.fromhex(row["hex"]), channel)
                elif row.get("event") == "disconnected":
                    yield LoggedPacket(float(row["t"]), None, channel)
            except (ValueError, KeyError, TypeError) as exc:
                raise RRFileError(str(path), line_no, f"expected a JSON line with t and hex ({exc})") \
                    from None


def is_packet_log(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(64).lstrip().startswith(b'{"t"')
