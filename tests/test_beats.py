"""Beat timing from packets: pure code, checked directly (routine files: tests/test_routines.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calmlink.sensors.beats import BeatAssembler, PacketDecoder
from calmlink.sensors.hrs import encode_heart_rate_measurement, parse_heart_rate_measurement


def feed(asm: BeatAssembler, payload: bytes, arrival: float) -> list:  # type: ignore[type-arg]
    return asm.feed(parse_heart_rate_measurement(payload), arrival)


def test_beats_are_timed_from_the_rr_sum_anchored_to_arrival() -> None:
    asm = BeatAssembler()
    first = feed(asm, encode_heart_rate_measurement(60, [1024, 1024]), arrival=10.0)
    assert [s.t for s in first] == [9.0, 10.0] and first[0].gap_before and not first[1].gap_before
    nxt = feed(asm, encode_heart_rate_measurement(60, [1024]), arrival=11.05)
    assert nxt[0].t == 11.0 and not nxt[0].gap_before  # the RR sum wins over arrival jitter


def test_lost_packets_reanchor_and_mark_a_gap() -> None:
    asm = BeatAssembler()
    feed(asm, encode_heart_rate_measurement(60, [1024]), arrival=1.0)
    later = feed(asm, encode_heart_rate_measurement(60, [1024]), arrival=9.0)
    assert later[0].t == 9.0 and later[0].gap_before


def test_no_reading_is_not_a_beat_and_no_contact_is_a_gap() -> None:
    asm = BeatAssembler()
    assert feed(asm, bytes([0x00, 0x00]), arrival=1.0) == []  # a watch with nothing to say
    lost = feed(asm, encode_heart_rate_measurement(70, [], sensor_contact=False), arrival=2.0)
    assert lost[0].contact is False and lost[0].gap_before and lost[0].rr_ms is None
    back = feed(asm, encode_heart_rate_measurement(70, [900], sensor_contact=True), arrival=3.0)
    assert back[0].gap_before


def test_heart_rate_only_packets_give_readings() -> None:
    samples = feed(BeatAssembler(), bytes([0x00, 72]), arrival=5.0)
    assert [(s.t, s.hr_bpm, s.rr_ms) for s in samples] == [(5.0, 72.0, None)]


@given(st.lists(st.lists(st.integers(300, 2000), max_size=9), min_size=1, max_size=40))
def test_beat_times_never_go_backwards(packets: list[list[int]]) -> None:
    decoder = PacketDecoder()
    times = []
    arrival = 0.0
    for rr in packets:
        arrival += max(sum(rr) / 1024, 0.2)
        times += [s.t for s in decoder.decode(arrival, encode_heart_rate_measurement(60, rr))
                  if s.rr_ms is not None]
    assert times == sorted(times)


def test_malformed_and_link_loss_through_the_decoder() -> None:
    seen: list[tuple[float, bytes | None]] = []
    decoder = PacketDecoder(on_packet=lambda t, p: seen.append((t, p)))
    assert decoder.decode(1.0, b"\x01") == [] and decoder.malformed == 1
    assert decoder.decode(2.0, None) == []
    assert seen == [(1.0, b"\x01"), (2.0, None)]


@given(st.lists(st.tuples(st.floats(0, 1e5), st.binary(max_size=24) | st.none()), max_size=50))
def test_any_packets_through_the_decoder_never_raise(packets: list[tuple[float, bytes | None]]) -> None:
    decoder = PacketDecoder()
    for arrival, payload in sorted(packets, key=lambda p: p[0]):
        for sample in decoder.decode(arrival, payload):
            assert sample.hr_bpm >= 0
