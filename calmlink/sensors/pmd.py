"""Pure decoding of Polar's Measurement Data (PMD) service: the chest accelerometer of a Polar H10.
A service with a control point (write; answers come as indications) and a data characteristic
(notify); the UUIDs are below, every number is little-endian.

Commands (host -> control point): ``op code, measurement type[, setting entries]``; op 1 asks for a
measurement's settings, op 2 starts it with ``type u8, count u8, values`` entries (0 = sample rate u16,
1 = resolution u16, 2 = range u16 in G, 3 = range in milli-units u32, 4 = channels u8, 5 = factor
f32), op 3 stops it. Answers (indications): ``F0, op code, measurement type, status, more,
parameters...``; status 0 is success, the others are named in :data:`STATUS_NAMES`.

Data frames: ``byte 0`` measurement type, ``bytes 1-8`` u64 timestamp in ns since 2000-01-01T00:00Z of
the frame's LAST sample, ``byte 9`` frame type (bit 7 = delta-compressed), then samples. Raw ACC frame
types 0/1/2 carry x, y, z as signed 8/16/24-bit integers in mG (the H10 sends type 1). A compressed
frame is a reference sample (each channel ``ceil(resolution / 8)`` bytes, signed) then blocks of
``[bits per delta u8][sample count u8][count * channels deltas of that many bits, packed LSB first,
channel after channel]``; each delta is added to the previous sample. Compressed type 0 is in G
times the factor from the start answer; compressed type 1 is in mG (times the factor when it is
not 1). A frame does not carry its rate: :mod:`calmlink.sensors.chest_stream` spaces samples by the
time since the previous frame, or by the rate asked for when there is none.

Nothing here does I/O; every parser is total over ``bytes`` and raises only :class:`MalformedPmdFrame`.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

PMD_SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
PMD_CONTROL_POINT_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
PMD_DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"

MEASUREMENT_ACC = 2
ANSWER_CODE = 0xF0
POLAR_EPOCH_UNIX_S = 946_684_800
"""2000-01-01T00:00:00Z in Unix seconds: PMD timestamps count nanoseconds from there."""
HEADER_BYTES = 10
_COMPRESSED = 0x80


class MalformedPmdFrame(ValueError):
    """Bytes that cannot be decoded as the PMD answer or frame they claim to be."""


class Op(IntEnum):
    GET_SETTINGS = 1
    START = 2
    STOP = 3


class Setting(IntEnum):
    SAMPLE_RATE = 0
    RESOLUTION = 1
    RANGE = 2
    RANGE_MILLIUNIT = 3
    CHANNELS = 4
    FACTOR = 5


_SETTING_BYTES = {Setting.SAMPLE_RATE: 2, Setting.RESOLUTION: 2, Setting.RANGE: 2,
                  Setting.RANGE_MILLIUNIT: 4, Setting.CHANNELS: 1, Setting.FACTOR: 4}
STATUS_NAMES = {
    0: "success", 1: "invalid op code", 2: "invalid measurement type", 3: "not supported",
    4: "invalid length", 5: "invalid parameter", 6: "already in that state", 7: "invalid resolution",
    8: "invalid sample rate", 9: "invalid range", 10: "invalid MTU", 11: "invalid number of channels",
    12: "invalid state", 13: "device in charger", 14: "disk full",
}


def status_name(status: int) -> str:
    return STATUS_NAMES.get(status, f"unknown status {status}")


# ---- commands ------------------------------------------------------------------------------------

def get_settings_command(measurement: int = MEASUREMENT_ACC) -> bytes:
    return bytes([Op.GET_SETTINGS, measurement])


def start_command(rate_hz: int, resolution_bits: int = 16, range_g: int = 2,
                  measurement: int = MEASUREMENT_ACC) -> bytes:
    """Start a measurement: ACC at 25 Hz, 16 bit, +-2 G is ``02 02 00 01 19 00 01 01 10 00 02 01 02 00``."""
    for value in (rate_hz, resolution_bits, range_g):
        if not 0 <= value <= 0xFFFF:
            raise ValueError(f"setting {value} does not fit 16 bits")
    return (bytes([Op.START, measurement])
            + struct.pack("<BBH", Setting.SAMPLE_RATE, 1, rate_hz)
            + struct.pack("<BBH", Setting.RESOLUTION, 1, resolution_bits)
            + struct.pack("<BBH", Setting.RANGE, 1, range_g))


def stop_command(measurement: int = MEASUREMENT_ACC) -> bytes:
    return bytes([Op.STOP, measurement])


# ---- control-point answers -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ControlPointAnswer:
    op_code: int
    measurement_type: int
    status: int
    more: bool
    parameters: bytes

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def status_name(self) -> str:
        return status_name(self.status)


@dataclass(frozen=True, slots=True)
class StreamSettings:
    """What a measurement offers (a settings answer) or was started with (a start answer)."""

    sample_rates_hz: tuple[int, ...] = ()
    resolutions_bits: tuple[int, ...] = ()
    ranges_g: tuple[int, ...] = ()
    channels: tuple[int, ...] = ()
    factor: float | None = None


def parse_control_point_answer(data: bytes | bytearray | memoryview) -> ControlPointAnswer:
    payload = _as_bytes(data)
    if len(payload) < 4:
        raise MalformedPmdFrame(f"{len(payload)} byte(s): an answer needs at least 4")
    if payload[0] != ANSWER_CODE:
        raise MalformedPmdFrame(f"answer code 0x{payload[0]:02X}, expected 0xF0")
    status = payload[3]
    more = status == 0 and len(payload) > 4 and payload[4] != 0
    params = payload[5:] if status == 0 else b""
    return ControlPointAnswer(payload[1], payload[2], status, more, params)


def parse_settings(parameters: bytes | bytearray | memoryview) -> StreamSettings:
    """Decode setting entries ``type u8, count u8, values``; a lone byte (the H10's start answer
    ``...00 01``) carries none."""
    data = _as_bytes(parameters)
    found: dict[Setting, list[int]] = {}
    factor: float | None = None
    offset = 0
    if len(data) <= 1:
        return StreamSettings()
    while offset < len(data):
        if offset + 2 > len(data):
            raise MalformedPmdFrame(f"a setting entry is cut off at byte {offset}")
        try:
            kind = Setting(data[offset])
        except ValueError:
            raise MalformedPmdFrame(f"unknown setting type {data[offset]} at byte {offset}") from None
        count, size = data[offset + 1], _SETTING_BYTES[kind]
        offset += 2
        if offset + count * size > len(data):
            raise MalformedPmdFrame(f"setting {kind.name} announces {count} values but the answer ends")
        for _ in range(count):
            raw = data[offset: offset + size]
            offset += size
            if kind is Setting.FACTOR:
                factor = struct.unpack("<f", raw)[0]
            else:
                found.setdefault(kind, []).append(int.from_bytes(raw, "little"))
    return StreamSettings(
        sample_rates_hz=tuple(sorted(found.get(Setting.SAMPLE_RATE, []))),
        resolutions_bits=tuple(sorted(found.get(Setting.RESOLUTION, []))),
        ranges_g=tuple(sorted(found.get(Setting.RANGE, []))),
        channels=tuple(sorted(found.get(Setting.CHANNELS, []))),
        factor=factor if factor is not None and math.isfinite(factor) else None,
    )


BREATHING_RATE_HZ = 25
"""Breaths are at most about 1 Hz: 25 Hz is plenty, and the lowest the H10 offers."""


def choose_rate(offered: tuple[int, ...], wanted: int = BREATHING_RATE_HZ) -> int | None:
    """``wanted`` when offered, else the lowest rate on offer (None when none is)."""
    positive = [r for r in offered if r > 0]
    if not positive:
        return None
    return wanted if wanted in positive else min(positive)


# ---- data frames ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PmdFrame:
    """One decoded data notification: samples as integers, as sent (x, y, z for ACC)."""

    measurement_type: int
    timestamp_ns: int
    """Of the frame's last sample, in ns since 2000-01-01T00:00Z on the strap's clock."""
    frame_type: int
    compressed: bool
    samples: tuple[tuple[int, ...], ...]

    def acc_mg(self, factor: float | None = None) -> tuple[tuple[int, ...], ...]:
        """ACC samples in mG, as Polar's SDK scales them (compressed type 0 is in G times ``factor``)."""
        scale = (factor or 1.0) * (1000.0 if self.frame_type == 0 else 1.0)
        if not self.compressed or scale == 1.0:
            return self.samples
        return tuple(tuple(int(v * scale) for v in s) for s in self.samples)


_RAW_ACC_BYTES = {0: 1, 1: 2, 2: 3}
_COMPRESSED_ACC_BITS = {0: 16, 1: 16}


def parse_pmd_frame(data: bytes | bytearray | memoryview, *, channels: int = 3) -> PmdFrame:
    """Decode an ACC data notification (raw frame types 0-2, compressed types 0-1)."""
    payload = _as_bytes(data)
    if len(payload) < HEADER_BYTES:
        raise MalformedPmdFrame(f"{len(payload)} byte(s): a frame needs a {HEADER_BYTES}-byte header")
    measurement = payload[0]
    (timestamp,) = struct.unpack_from("<Q", payload, 1)
    compressed = bool(payload[9] & _COMPRESSED)
    frame_type = payload[9] & 0x7F
    if measurement != MEASUREMENT_ACC:
        raise MalformedPmdFrame(f"measurement type {measurement} is not ACC")
    content = payload[HEADER_BYTES:]
    if compressed:
        bits = _COMPRESSED_ACC_BITS.get(frame_type)
        if bits is None:
            raise MalformedPmdFrame(f"compressed ACC frame type {frame_type} is not known")
        samples = decode_delta(content, channels, bits)
    else:
        size = _RAW_ACC_BYTES.get(frame_type)
        if size is None:
            raise MalformedPmdFrame(f"raw ACC frame type {frame_type} is not known")
        samples = _decode_raw(content, channels, size)
    if not samples:
        raise MalformedPmdFrame("a frame without samples")
    return PmdFrame(measurement, timestamp, frame_type, compressed, samples)


def encode_acc_frame(timestamp_ns: int, samples: Sequence[Sequence[int]], frame_type: int = 1) -> bytes:
    """A raw ACC notification as an H10 sends it (frame type 1: int16 mG); the simulator speaks it."""
    size = _RAW_ACC_BYTES[frame_type]
    body = b"".join(v.to_bytes(size, "little", signed=True) for s in samples for v in s)
    return struct.pack("<BQB", MEASUREMENT_ACC, timestamp_ns, frame_type) + body


def _decode_raw(content: bytes, channels: int, size: int) -> tuple[tuple[int, ...], ...]:
    step = channels * size
    if len(content) % step:
        raise MalformedPmdFrame(f"{len(content)} sample bytes are not whole {step}-byte samples")
    if size == 2:
        return tuple(struct.iter_unpack("<" + "h" * channels, content))
    if size == 1:
        return tuple(struct.iter_unpack("<" + "b" * channels, content))
    return tuple(tuple(int.from_bytes(content[i + c * size: i + (c + 1) * size], "little", signed=True)
                       for c in range(channels)) for i in range(0, len(content), step))


def decode_delta(content: bytes | bytearray | memoryview, channels: int, resolution_bits: int
                 ) -> tuple[tuple[int, ...], ...]:
    """A delta-compressed payload (after the header): the reference sample, then every block's."""
    data = _as_bytes(content)
    if channels < 1 or resolution_bits < 1:
        raise MalformedPmdFrame("a delta payload needs at least one channel and one bit")
    size = math.ceil(resolution_bits / 8)
    if len(data) < channels * size:
        raise MalformedPmdFrame("a delta payload too short for its reference sample")
    current = [int.from_bytes(data[c * size: (c + 1) * size], "little", signed=True)
               for c in range(channels)]
    samples = [tuple(current)]
    offset = channels * size
    while offset < len(data):
        if offset + 2 > len(data):
            raise MalformedPmdFrame(f"a delta block header is cut off at byte {offset}")
        bits, count = data[offset], data[offset + 1]
        offset += 2
        if bits > 32:
            raise MalformedPmdFrame(f"{bits}-bit deltas: at most 32")
        n_bytes = math.ceil(bits * count * channels / 8)
        if offset + n_bytes > len(data):
            raise MalformedPmdFrame(f"a block of {count} {bits}-bit deltas is cut off")
        packed = int.from_bytes(data[offset: offset + n_bytes], "little")
        offset += n_bytes
        mask, sign = (1 << bits) - 1, 1 << (bits - 1) if bits else 0
        for _ in range(count):
            for c in range(channels):
                delta = packed & mask
                packed >>= bits
                current[c] += delta - (delta & sign) * 2 if bits else 0
            samples.append(tuple(current))
    return tuple(samples)


def _as_bytes(data: bytes | bytearray | memoryview) -> bytes:
    try:
        return bytes(data)
    except (TypeError, ValueError) as exc:
        raise MalformedPmdFrame(f"not a byte string: {type(data).__name__}") from exc
