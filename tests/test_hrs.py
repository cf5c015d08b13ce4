"""The 0x2A37 parser against the spec's flag combinations and real straps' quirks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmlink.sensors.hrs import (
    HeartRateMeasurement,
    MalformedMeasurement,
    encode_heart_rate_measurement,
    parse_battery_level,
    parse_body_sensor_location,
    parse_device_information_string,
    parse_heart_rate_measurement,
)


def test_polar_h10_rr_without_contact_bits() -> None:
    # flags 0x10: u8 HR, no contact support, RR present; 60 bpm, RR 1024/1024 s and 800/1024 s
    m = parse_heart_rate_measurement(bytes([0x10, 60, 0x00, 0x04, 0x20, 0x03]))
    assert m == HeartRateMeasurement(60, None, None, (1000.0, 781.25), (1024, 800), 0)


def test_contact_detected_with_rr_0x16() -> None:
    m = parse_heart_rate_measurement(bytes([0x16, 72, 0x55, 0x03]))
    assert m.sensor_contact is True
    assert m.heart_rate_bpm == 72
    assert m.rr_intervals_ms == (853 * 1000 / 1024,)


def test_first_packet_without_rr() -> None:
    m = parse_heart_rate_measurement(bytes.fromhex("063c"))
    assert (m.heart_rate_bpm, m.sensor_contact, m.rr_intervals_ms) == (60, True, ())


@pytest.mark.parametrize(("flags", "contact"), [(0x00, None), (0x02, None), (0x04, False),
                                                (0x06, True)])
def test_contact_bits(flags: int, contact: bool | None) -> None:
    assert parse_heart_rate_measurement(bytes([flags, 70])).sensor_contact is contact


def test_u16_heart_rate() -> None:
    assert parse_heart_rate_measurement(bytes([0x01, 0x2C, 0x01])).heart_rate_bpm == 300


def test_energy_field_shifts_rr() -> None:
    m = parse_heart_rate_measurement(bytes([0x18, 65, 0x10, 0x27, 0x00, 0x04]))
    assert m.energy_expended_kj == 10000
    assert m.rr_intervals_ms == (1000.0,)


def test_u16_hr_energy_and_rr_together() -> None:
    m = parse_heart_rate_measurement(bytes([0x1F, 0x50, 0x00, 0x01, 0x00, 0x00, 0x04, 0x00, 0x02]))
    assert (m.heart_rate_bpm, m.sensor_contact, m.energy_expended_kj) == (80, True, 1)
    assert m.rr_intervals_ms == (1000.0, 500.0)


def test_reserved_bits_ignored() -> None:
    assert parse_heart_rate_measurement(bytes([0xE0 | 0x10, 60, 0, 4])).rr_intervals_ms == (1000.0,)


def test_odd_trailing_byte_is_tolerated_and_counted() -> None:
    m = parse_heart_rate_measurement(bytes([0x10, 60, 0x00, 0x04, 0x99]))
    assert m.rr_intervals_ms == (1000.0,)
    assert m.trailing_bytes == 1


def test_nine_rr_values() -> None:
    payload = encode_heart_rate_measurement(120, [512] * 9)
    assert len(parse_heart_rate_measurement(payload).rr_intervals_ms) == 9


def test_heart_rate_zero_is_a_reading_not_an_error() -> None:
    assert parse_heart_rate_measurement(bytes([0x00, 0x00])).heart_rate_bpm == 0


@pytest.mark.parametrize("payload", [b"", b"\x00", b"\x01\x3c", b"\x08\x3c\x01", b"\x09\x3c\x00\x01"])
def test_too_short_is_malformed(payload: bytes) -> None:
    with pytest.raises(MalformedMeasurement):
        parse_heart_rate_measurement(payload)


def test_malformed_is_a_value_error() -> None:
    assert issubclass(MalformedMeasurement, ValueError)


@given(st.binary(max_size=40))
def test_any_bytes_parse_or_raise_malformed(data: bytes) -> None:
    try:
        m = parse_heart_rate_measurement(data)
    except MalformedMeasurement:
        return
    assert 0 <= m.heart_rate_bpm <= 0xFFFF
    assert all(0 <= rr < 64000 for rr in m.rr_intervals_ms)


@given(
    hr=st.integers(0, 0xFFFF),
    rr=st.lists(st.integers(0, 0xFFFF), max_size=9),
    contact=st.none() | st.booleans(),
    energy=st.none() | st.integers(0, 0xFFFF),
    force_u16=st.booleans(),
)
def test_round_trip(hr: int, rr: list[int], contact: bool | None, energy: int | None,
                    force_u16: bool) -> None:
    data = encode_heart_rate_measurement(hr, rr, sensor_contact=contact,
                                         energy_expended_kj=energy, force_u16=force_u16)
    m = parse_heart_rate_measurement(data)
    assert (m.heart_rate_bpm, m.sensor_contact, m.energy_expended_kj, m.rr_raw) == (
        hr, contact, energy, tuple(rr))
    assert m.rr_intervals_ms == tuple(v * 1000 / 1024 for v in rr)


def test_other_characteristics() -> None:
    assert parse_body_sensor_location(b"\x01") == "chest"
    assert parse_body_sensor_location(b"\x09") == "reserved (9)"
    assert parse_battery_level(b"\x57") == 87
    with pytest.raises(MalformedMeasurement):
        parse_battery_level(b"\xc8")
    assert parse_device_information_string(b"Polar H10\x00\x00") == "Polar H10"
