"""The PMD parser against Polar's published vectors (read in place) and by property."""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.sensors.chest_stream import AccTimeline, ChestDecoder
from calmlink.sensors.pmd import (
    POLAR_EPOCH_UNIX_S,
    MalformedPmdFrame,
    Op,
    choose_rate,
    decode_delta,
    encode_acc_frame,
    get_settings_command,
    parse_control_point_answer,
    parse_pmd_frame,
    parse_settings,
    start_command,
    stop_command,
)
from calmlink.testing.data import missing_pmd_message, pmd_vectors_dir
from calmlink.testing.pmd_frames import answer, encode_delta_frame, settings_parameters


def _vectors() -> dict[str, Any]:
    path = pmd_vectors_dir() / "vectors.json"
    if not path.is_file():
        message = missing_pmd_message(path.parent)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def _by_id(section: str, ident: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(v for v in _vectors()[section] if v["id"] == ident)
    return entry


def test_every_frame_vector_decodes_to_what_its_source_expects() -> None:
    frames = _vectors()["frames"]
    assert len(frames) >= 4
    for vector in frames:
        frame = parse_pmd_frame(_hex(vector["frame"]))
        expect = vector["expect"]
        assert frame.measurement_type == expect["measurement_type"], vector["id"]
        assert frame.timestamp_ns == expect["timestamp_ns"], vector["id"]
        assert frame.frame_type == expect["frame_type"], vector["id"]
        assert frame.compressed == expect["compressed"], vector["id"]
        got = [list(s) for s in frame.samples]
        if "n_samples" in expect:
            assert len(got) == expect["n_samples"], vector["id"]
        for key in ("samples_mg", "samples_raw"):
            if key in expect:
                assert got == expect[key], vector["id"]
        for key in ("first_samples_mg", "first_samples_raw"):
            if key in expect:
                assert got[: len(expect[key])] == expect[key], vector["id"]
        if "last_sample_mg" in expect:
            assert got[-1] == expect["last_sample_mg"], vector["id"]
        if "first_samples_mg_after_factor_x1000" in expect:
            mg = [list(s) for s in frame.acc_mg(expect["factor"])]
            assert mg[:2] == expect["first_samples_mg_after_factor_x1000"], vector["id"]


def test_the_h10_raw_frame_is_in_mg_as_sent() -> None:
    frame = parse_pmd_frame(_hex(_by_id("frames", "spec2019_h10_acc_raw")["frame"]))
    assert frame.acc_mg() == ((-187, -28, 949), (-187, -28, 952))
    assert frame.acc_mg(0.5) == frame.samples  # a factor scales compressed frames only
    when = datetime.fromtimestamp(POLAR_EPOCH_UNIX_S + frame.timestamp_ns / 1e9, UTC)
    assert when.date() == date(2019, 1, 1)  # the spec's example was taken on New Year's Day 2019


def test_compressed_type_1_scales_by_a_factor_other_than_1() -> None:
    frame = parse_pmd_frame(encode_delta_frame(0, [(10, -20, 1000), (12, -21, 998)]))
    assert frame.acc_mg() == frame.samples == frame.acc_mg(1.0)
    assert frame.acc_mg(0.5) == ((5, -10, 500), (6, -10, 499))


def test_every_delta_payload_vector_decodes() -> None:
    for vector in _vectors()["delta_payloads"]:
        got = decode_delta(_hex(vector["content"]), vector["channels"], vector["resolution_bits"])
        assert [list(s) for s in got] == vector["expect"]["samples_raw"], vector["id"]


def test_control_point_vectors_commands_and_answers() -> None:
    settings_vector = _by_id("control_point", "spec2019_h10_get_acc_settings")
    assert get_settings_command() == _hex(settings_vector["request"])
    ans = parse_control_point_answer(_hex(settings_vector["response"]))
    assert (ans.op_code, ans.measurement_type, ans.status, ans.ok) == (Op.GET_SETTINGS, 2, 0, True)
    offered = parse_settings(ans.parameters)
    expect = settings_vector["expect"]
    assert list(offered.sample_rates_hz) == expect["SAMPLE_RATE"]
    assert list(offered.resolutions_bits) == expect["RESOLUTION"]
    assert list(offered.ranges_g) == expect["RANGE_G"]
    assert choose_rate(offered.sample_rates_hz) == 25

    start_vector = _by_id("control_point", "spec2019_h10_start_acc_200hz_16bit_8g")
    assert start_command(200, 16, 8) == _hex(start_vector["request"])
    started = parse_control_point_answer(_hex(start_vector["response"]))
    assert (started.op_code, started.ok) == (Op.START, True)
    assert parse_settings(started.parameters).factor is None  # the H10's lone trailing byte

    stop_vector = _by_id("control_point", "spec2019_stop_acc")
    assert stop_command() == _hex(stop_vector["request"])
    assert parse_control_point_answer(_hex(stop_vector["response_printed"])).op_code == Op.STOP


def test_the_readme_start_command_for_breathing() -> None:
    assert start_command(25) == _hex("02 02 00 01 19 00 01 01 10 00 02 01 02 00")


def test_refusals_carry_a_readable_status() -> None:
    refused = parse_control_point_answer(answer(Op.START, status=8, parameters=b"\x01\x02"))
    assert not refused.ok and refused.status_name == "invalid sample rate"
    assert refused.parameters == b""  # an error carries no parameters
    assert parse_control_point_answer(answer(Op.START, status=10)).status_name == "invalid MTU"
    assert parse_control_point_answer(answer(Op.START, status=99)).status_name == "unknown status 99"


def test_the_fake_straps_settings_answer_is_the_h10s() -> None:
    h10 = _hex(_by_id("control_point", "spec2019_h10_get_acc_settings")["response"])
    assert answer(Op.GET_SETTINGS, parameters=settings_parameters()) == h10


def test_the_lowest_rate_when_25_hz_is_not_offered() -> None:
    assert choose_rate((52, 104, 208)) == 52
    assert choose_rate(()) is None
    assert choose_rate((0,)) is None


def test_a_start_answer_with_a_factor() -> None:
    import struct

    params = bytes([5, 1]) + struct.pack("<f", 2.44e-4)
    assert parse_settings(params).factor == pytest.approx(2.44e-4)


@pytest.mark.parametrize("payload", [
    b"", b"\x02", bytes(9),
    bytes.fromhex("01" + "00" * 8 + "01") + bytes(6),           # not ACC
    bytes.fromhex("02" + "00" * 8 + "01"),                      # no samples
    bytes.fromhex("02" + "00" * 8 + "01") + bytes(5),           # half a sample
    bytes.fromhex("02" + "00" * 8 + "07") + bytes(6),           # unknown raw type
    bytes.fromhex("02" + "00" * 8 + "85") + bytes(6),           # unknown compressed type
    bytes.fromhex("02" + "00" * 8 + "81") + bytes(6) + b"\x06",  # block header cut off
    bytes.fromhex("02" + "00" * 8 + "81") + bytes(6) + b"\x06\x02\x00",  # deltas cut off
    bytes.fromhex("02" + "00" * 8 + "81") + bytes(6) + b"\x40\x01" + bytes(30),  # 64-bit deltas
])
def test_malformed_frames_say_so(payload: bytes) -> None:
    with pytest.raises(MalformedPmdFrame):
        parse_pmd_frame(payload)


@pytest.mark.parametrize("payload", [b"", b"\xf0\x01\x02", b"\x0f\x05\x00\x00"])
def test_malformed_answers_say_so(payload: bytes) -> None:
    with pytest.raises(MalformedPmdFrame):
        parse_control_point_answer(payload)


@pytest.mark.parametrize("params", [b"\x00\x04\x19\x00", b"\x09\x01\x00\x00", b"\x00"[:0] + b"\x00\x01\x19"])
def test_malformed_settings_say_so(params: bytes) -> None:
    with pytest.raises(MalformedPmdFrame):
        parse_settings(params)


int16 = st.integers(-32768, 32767)
sample = st.tuples(int16, int16, int16)


@given(st.integers(0, 2**64 - 1), st.lists(sample, min_size=1, max_size=40))
def test_raw_frames_round_trip(timestamp: int, samples: list[tuple[int, int, int]]) -> None:
    frame = parse_pmd_frame(encode_acc_frame(timestamp, samples))
    assert (frame.timestamp_ns, frame.frame_type, frame.compressed) == (timestamp, 1, False)
    assert list(frame.samples) == samples


@given(st.integers(0, 2**64 - 1), st.lists(sample, min_size=1, max_size=300),
       st.integers(1, 255))
@settings(max_examples=60)
def test_delta_frames_round_trip(timestamp: int, samples: list[tuple[int, int, int]], block: int) -> None:
    frame = parse_pmd_frame(encode_delta_frame(timestamp, samples, block=block))
    assert (frame.timestamp_ns, frame.frame_type, frame.compressed) == (timestamp, 1, True)
    assert list(frame.samples) == samples


@given(st.binary(max_size=300))
@settings(max_examples=400)
def test_arbitrary_bytes_raise_only_malformed(data: bytes) -> None:
    for parse in (parse_pmd_frame, parse_control_point_answer, parse_settings):
        with contextlib.suppress(MalformedPmdFrame):
            parse(data)


@given(st.binary(min_size=10, max_size=300))
@settings(max_examples=300)
def test_arbitrary_acc_frames_raise_only_malformed(tail: bytes) -> None:
    for frame_type in (0x00, 0x01, 0x02, 0x80, 0x81):
        with contextlib.suppress(MalformedPmdFrame):
            parse_pmd_frame(b"\x02" + tail[:8] + bytes([frame_type]) + tail[8:])


def test_first_frame_spaced_by_the_requested_rate_then_by_the_timestamps() -> None:
    timeline = AccTimeline(25.0)
    first = timeline.place(10_000_000_000, 5)
    assert first == (9_840_000_000, 9_880_000_000, 9_920_000_000, 9_960_000_000, 10_000_000_000)
    second = timeline.place(10_210_000_000, 5)  # the strap's 25 Hz is really 23.8 Hz
    assert second[-1] == 10_210_000_000
    assert second[0] == 10_042_000_000
    implausible = timeline.place(99_000_000_000, 5)  # a jump: fall back on the rate
    assert implausible[1] - implausible[0] == 40_000_000


def test_chest_decoder_anchors_to_arrival_and_marks_gaps() -> None:
    decoder = ChestDecoder(25.0)
    ts = 600_000_000_000_000_000
    a = decoder.decode(100.0, encode_acc_frame(ts, [(0, 0, 1000)] * 25))
    assert a is not None and a.gap_before and a.t[-1] == pytest.approx(100.0)
    assert a.t[1] - a.t[0] == pytest.approx(0.04)
    b = decoder.decode(101.05, encode_acc_frame(ts + 1_000_000_000, [(1, 2, 3)] * 25))
    assert b is not None and not b.gap_before
    assert b.t[0] - a.t[-1] == pytest.approx(0.04) and b.t[-1] == pytest.approx(101.0)
    assert (b.x_mg[0], b.y_mg[0], b.z_mg[0], b.rate_hz) == (1.0, 2.0, 3.0, 25.0)
    assert decoder.decode(102.0, b"\x02\x00") is None and decoder.malformed == 1
    assert decoder.decode(102.5, None) is None  # the link dropped
    c = decoder.decode(110.0, encode_acc_frame(5_000_000_000, [(0, 0, 1000)] * 25))  # clock reset
    assert c is not None and c.gap_before and c.t[-1] == pytest.approx(110.0)
    d = decoder.decode(111.0, encode_acc_frame(5_000_000_000 + 60_000_000_000, [(0, 0, 1)] * 25))
    assert d is not None and d.gap_before  # a minute of strap time in a second: re-anchored
