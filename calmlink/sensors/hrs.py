"""Pure decoding of the Bluetooth Heart Rate Service characteristics.

Heart Rate Measurement (0x2A37), as the Heart Rate Service spec lays it out, little-endian:

    byte 0      flags
                  bit 0    heart-rate value format: 0 = u8, 1 = u16
                  bits 1-2 sensor contact: 0b00/0b01 not supported, 0b10 no contact, 0b11 contact
                  bit 3    energy expended present (u16, kilojoules)
                  bit 4    RR intervals present (u16 each, 1/1024 s, oldest first)
                  bits 5-7 reserved: ignored, never a reason to reject a packet
    byte 1..    heart rate (u8 or u16)
    then        energy expended (u16) when bit 3
    then        RR intervals (u16 each) when bit 4, as many as the remaining bytes hold

Real straps bend this: the Polar H10 sends flags 0x10 (RR, no contact bits), the first packet after
subscribing often has no RR, optical sensors send two bytes, a watch may report heart rate 0 while it
has no reading, and a few firmwares leave one odd byte after the RR values. The odd byte is tolerated
and counted; a packet too short for a field its flags announce is malformed.

Nothing here does I/O; every function is total over ``bytes`` and raises only
:class:`MalformedMeasurement` (a ``ValueError``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEART_RATE_SERVICE_UUID = "0000180d-0000-1000-8000-00805f9b34fb"
HEART_RATE_MEASUREMENT_UUID = "00002a37-0000-1000-8000-00805f9b34fb"
BODY_SENSOR_LOCATION_UUID = "00002a38-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL_UUID = "00002a19-0000-1000-8000-00805f9b34fb"
DEVICE_INFORMATION_UUIDS = {
    "manufacturer": "00002a29-0000-1000-8000-00805f9b34fb",
    "model": "00002a24-0000-1000-8000-00805f9b34fb",
    "serial": "00002a25-0000-1000-8000-00805f9b34fb",
    "hardware_revision": "00002a27-0000-1000-8000-00805f9b34fb",
    "firmware_revision": "00002a26-0000-1000-8000-00805f9b34fb",
    "software_revision": "00002a28-0000-1000-8000-00805f9b34fb",
}

RR_UNITS_PER_SECOND = 1024  # the spec's RR resolution: 1/1024 s
_FLAG_HR_U16 = 0x01
_FLAG_CONTACT_SUPPORTED = 0x04
_FLAG_CONTACT_DETECTED = 0x02
_FLAG_ENERGY = 0x08
_FLAG_RR = 0x10

BODY_SENSOR_LOCATIONS = {
    0: "other",
    1: "chest",
    2: "wrist",
    3: "finger",
    4: "hand",
    5: "ear lobe",
    6: "foot",
}


class MalformedMeasurement(ValueError):
    """A payload that cannot be decoded as the characteristic it claims to be."""


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    """One decoded 0x2A37 notification."""

    heart_rate_bpm: int
    sensor_contact: bool | None
    energy_expended_kj: int | None
    rr_intervals_ms: tuple[float, ...]
    rr_raw: tuple[int, ...] = ()
    """The RR values as sent, in 1/1024 s, for exact re-encoding and raw logs."""
    trailing_bytes: int = 0
    """Bytes left over after the last whole RR value (tolerated firmware oddity)."""


def rr_units_to_ms(units: int) -> float:
    return units * 1000.0 / RR_UNITS_PER_SECOND


def parse_heart_rate_measurement(data: bytes | bytearray | memoryview) -> HeartRateMeasurement:
    """Decode a Heart Rate Measurement notification; raise MalformedMeasurement if impossible."""
    try:
        payload = bytes(data)
    except (TypeError, ValueError) as exc:  # a memoryview of a non-byte format, say
        raise MalformedMeasurement(f"not a byte string: {type(data).__name__}") from exc
    if len(payload) < 2:
        raise MalformedMeasurement(f"{len(payload)} byte(s): a measurement needs at least 2")
    flags = payload[0]
    offset = 1
    if flags & _FLAG_HR_U16:
        if len(payload) < offset + 2:
            raise MalformedMeasurement("flags announce a 16-bit heart rate but the packet ends")
        (heart_rate,) = struct.unpack_from("<H", payload, offset)
        offset += 2
    else:
        heart_rate = payload[offset]
        offset += 1

    contact: bool | None = None
    if flags & _FLAG_CONTACT_SUPPORTED:
        contact = bool(flags & _FLAG_CONTACT_DETECTED)

    energy: int | None = None
    if flags & _FLAG_ENERGY:
        if len(payload) < offset + 2:
            raise MalformedMeasurement("flags announce energy expended but the packet ends")
        (energy,) = struct.unpack_from("<H", payload, offset)
        offset += 2

    rr_raw: tuple[int, ...] = ()
    trailing = 0
    if flags & _FLAG_RR:
        remaining = len(payload) - offset
        count, trailing = divmod(remaining, 2)
        rr_raw = struct.unpack_from(f"<{count}H", payload, offset)
    else:
        trailing = len(payload) - offset
    return HeartRateMeasurement(
        heart_rate_bpm=heart_rate,
        sensor_contact=contact,
        energy_expended_kj=energy,
        rr_intervals_ms=tuple(rr_units_to_ms(v) for v in rr_raw),
        rr_raw=rr_raw,
        trailing_bytes=trailing,
    )


def encode_heart_rate_measurement(
    heart_rate_bpm: int,
    rr_raw: tuple[int, ...] | list[int] = (),
    *,
    sensor_contact: bool | None = None,
    energy_expended_kj: int | None = None,
    force_u16: bool = False,
    rr_flag_without_values: bool = False,
) -> bytes:
    """Build the bytes a strap would send; the simulator and the tests speak through this."""
    if not 0 <= heart_rate_bpm <= 0xFFFF:
        raise ValueError(f"heart rate {heart_rate_bpm} does not fit 16 bits")
    flags = 0
    body = bytearray()
    if force_u16 or heart_rate_bpm > 0xFF:
        flags |= _FLAG_HR_U16
        body += struct.pack("<H", heart_rate_bpm)
    else:
        body.append(heart_rate_bpm)
    if sensor_contact is not None:
        flags |= _FLAG_CONTACT_SUPPORTED
        if sensor_contact:
            flags |= _FLAG_CONTACT_DETECTED
    if energy_expended_kj is not None:
        flags |= _FLAG_ENERGY
        body += struct.pack("<H", energy_expended_kj)
    if rr_raw or rr_flag_without_values:
        flags |= _FLAG_RR
        for value in rr_raw:
            body += struct.pack("<H", value)
    return bytes([flags]) + bytes(body)


def ms_to_rr_units(rr_ms: float) -> int:
    """Round an interval to the spec's 1/1024 s unit, clamped to what u16 can carry."""
    return max(0, min(0xFFFF, round(rr_ms * RR_UNITS_PER_SECOND / 1000.0)))


def parse_body_sensor_location(data: bytes | bytearray) -> str:
    """Body Sensor Location (0x2A38): one byte, 0-6; unknown values are reported, not rejected."""
    if len(data) < 1:
        raise MalformedMeasurement("body sensor location is empty")
    return BODY_SENSOR_LOCATIONS.get(data[0], f"reserved ({data[0]})")


def parse_battery_level(data: bytes | bytearray) -> int:
    """Battery Level (0x2A19): one byte, percent 0-100."""
    if len(data) < 1:
        raise MalformedMeasurement("battery level is empty")
    level = data[0]
    if level > 100:
        raise MalformedMeasurement(f"battery level {level}% is over 100")
    return level


def parse_device_information_string(data: bytes | bytearray) -> str:
    """Device Information strings (0x2A24-0x2A29) are UTF-8, sometimes NUL-padded."""
    return bytes(data).split(b"\x00", 1)[0].decode("utf-8", errors="replace").strip()
