"""Polar Sensor Logger's accelerometer files (``..._ACC.txt``), read and written.

The layout, as Polar Sensor Logger writes it (and the SDK's examples, and other tools reading it):

    Phone timestamp;sensor timestamp [ns];X [mg];Y [mg];Z [mg]
    2022-04-25T11:39:37.357;704201974831222483;-746;56;631

- ``Phone timestamp``: the phone's local time without a zone, to the millisecond, worked back from
  the arrival of the notification (it steps at notification edges);
- ``sensor timestamp [ns]``: the strap's own clock, nanoseconds since 2000-01-01 (a strap whose
  time was never set starts from a default, so it can be years off; its spacing is exact);
- ``X``, ``Y``, ``Z``: acceleration in mG, gravity included, any rate the strap was asked for
  (the H10: 25, 50, 100 or 200 Hz).

Samples are placed in time by the sensor clock (seconds from the first sample); the phone time
gives the wall-clock start. A line calmlink cannot read is an error naming the line, never a
sample quietly dropped; a header trailing spaces or semicolons, a byte-order mark and CRLF line
ends are all read. Numpy and the standard library only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from calmlink.recordings.series import RRFileError

HEADER = "Phone timestamp;sensor timestamp [ns];X [mg];Y [mg];Z [mg]"
MAX_MG = 16_000.0
"""The H10's widest range is ±8 G; 16 G is past any accelerometer it has: such a value is not mG."""
GAP_S = 1.0
"""Samples further apart than this on the sensor clock are a gap (the strap dropped out)."""


class AccFileError(RRFileError):
    """An ACC file calmlink cannot read: which line, and what was expected."""


@dataclass(frozen=True, slots=True)
class AccRecording:
    t_s: NDArray[np.float64]
    """Seconds from the first sample, on the sensor clock."""
    xyz_mg: NDArray[np.float64]
    """Shape (n, 3): X, Y, Z in mG."""
    sensor_ns: NDArray[np.int64]
    phone: tuple[datetime, ...]
    """Each sample's phone timestamp (local time, no zone)."""

    @property
    def start(self) -> datetime | None:
        return self.phone[0] if self.phone else None

    @property
    def rate_hz(self) -> float:
        """The sampling rate: the median spacing of the samples (gaps do not count)."""
        steps = np.diff(self.t_s)
        steps = steps[(steps > 0) & (steps < GAP_S)]
        return float(1.0 / np.median(steps)) if steps.size else 0.0

    @property
    def duration_s(self) -> float:
        return float(self.t_s[-1]) if self.t_s.size else 0.0


def is_acc_header(first_line: str) -> bool:
    cells = [c.strip().lower() for c in first_line.lstrip("\ufeff").split(";")]
    return cells[:5] == [c.lower() for c in HEADER.split(";")] and not any(cells[5:])


def parse_acc(text: str, path: str = "<text>") -> AccRecording:
    """An ACC file's text; :class:`AccFileError` for anything that is not one, naming the line."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not is_acc_header(lines[0]):
        got = lines[0][:60] if lines else "an empty file"
        raise AccFileError(path, 1 if lines else None,
                           f"not a Polar Sensor Logger ACC file: the first line should be "
                           f"{HEADER!r}, it is {got!r}")
    phone: list[datetime] = []
    ns: list[int] = []
    xyz: list[tuple[float, float, float]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.strip().rstrip(";").split(";")
        if len(cells) != 5:
            raise AccFileError(path, number, f"expected 5 cells separated by ';' (phone time, "
                               f"sensor time, X, Y, Z), found {len(cells)}: {line[:60]!r}")
        try:
            moment = datetime.fromisoformat(cells[0].strip())
        except ValueError:
            raise AccFileError(path, number, f"the phone timestamp {cells[0][:30]!r} is not a "
                               "date and time like 2022-04-25T11:39:37.357") from None
        try:
            stamp = int(cells[1])
            values = tuple(float(c.replace(",", ".")) for c in cells[2:])
        except ValueError:
            raise AccFileError(path, number, f"the sensor timestamp and X, Y, Z must be numbers: "
                               f"{line[:60]!r}") from None
        if not all(abs(v) <= MAX_MG for v in values):
            raise AccFileError(path, number, f"{values} is beyond any accelerometer's range in mG")
        if ns and stamp <= ns[-1]:
            raise AccFileError(path, number, f"the sensor timestamp {stamp} does not follow the "
                               f"line before's ({ns[-1]}): the samples must be in time order")
        phone.append(moment)
        ns.append(stamp)
        xyz.append((values[0], values[1], values[2]))
    if not ns:
        raise AccFileError(path, None, "an ACC file with a header and no samples")
    sensor = np.asarray(ns, dtype=np.int64)
    return AccRecording((sensor - sensor[0]).astype(np.float64) / 1e9,
                        np.asarray(xyz, dtype=np.float64), sensor, tuple(phone))


def read_acc(path: Path | str) -> AccRecording:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise AccFileError(str(path), None, f"cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AccFileError(str(path), None, "not text: an ACC file is semicolon-separated text") from None
    return parse_acc(text, str(path))


def format_acc(recording: AccRecording) -> str:
    """The recording as Polar Sensor Logger writes it (whole mG when the values are whole)."""
    out = io.StringIO()
    out.write(HEADER + "\n")
    whole = bool(np.all(recording.xyz_mg == np.round(recording.xyz_mg)))
    for moment, stamp, (x, y, z) in zip(recording.phone, recording.sensor_ns.tolist(),
                                        recording.xyz_mg.tolist(), strict=True):
        values = f"{x:.0f};{y:.0f};{z:.0f}" if whole else f"{x:g};{y:g};{z:g}"
        out.write(f"{moment.isoformat(timespec='milliseconds')};{stamp};{values}\n")
    return out.getvalue()


def write_acc(path: Path | str, recording: AccRecording) -> None:
    Path(path).write_text(format_acc(recording), encoding="utf-8")


POLAR_EPOCH = datetime(2000, 1, 1)


def acc_recording(times_s: NDArray[np.float64], xyz_mg: NDArray[np.generic], start: datetime,
                  sensor_start_ns: int | None = None) -> AccRecording:
    """A recording of samples at ``times_s`` (s from ``start``, the phone's local time) with the
    sensor clock set to the same time unless ``sensor_start_ns`` says otherwise."""
    times = np.asarray(times_s, dtype=np.float64)
    if sensor_start_ns is None:
        sensor_start_ns = int((start - POLAR_EPOCH).total_seconds() * 1e9)
    sensor = sensor_start_ns + np.round(times * 1e9).astype(np.int64)
    from datetime import timedelta

    phone = tuple(start + timedelta(milliseconds=round(t * 1000.0)) for t in times.tolist())
    return AccRecording(times - times[0] if times.size else times,
                        np.asarray(xyz_mg, dtype=np.float64).reshape(-1, 3), sensor, phone)
