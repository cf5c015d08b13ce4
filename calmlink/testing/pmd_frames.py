"""The strap's side of PMD, for fakes only: control-point answers and delta-compressed frames.

:mod:`calmlink.sensors.pmd` decodes; this encodes what a Polar strap would send, byte for byte, so the
emulated BlueZ and the property tests speak the real format. (Raw frames, which the simulator sends
too, are encoded by :func:`calmlink.sensors.pmd.encode_acc_frame`.)
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

from calmlink.sensors.pmd import ANSWER_CODE, MEASUREMENT_ACC, Setting

H10_RATES_HZ = (25, 50, 100, 200)
H10_RANGES_G = (2, 4, 8)


def answer(op: int, status: int = 0, parameters: bytes = b"", measurement: int = MEASUREMENT_ACC,
           more: bool = False) -> bytes:
    """A control-point indication: ``F0, op, measurement, status, more, parameters``."""
    return bytes([ANSWER_CODE, op, measurement, status, int(more)]) + parameters


def settings_parameters(rates: Sequence[int] = H10_RATES_HZ, resolutions: Sequence[int] = (16,),
                        ranges: Sequence[int] = H10_RANGES_G) -> bytes:
    """Setting entries as an H10 lists them for ACC (``00 04 19 00 32 00 ...``)."""
    out = bytearray()
    for kind, values in ((Setting.SAMPLE_RATE, rates), (Setting.RESOLUTION, resolutions),
                         (Setting.RANGE, ranges)):
        if values:
            out += bytes([kind, len(values)]) + b"".join(struct.pack("<H", v) for v in values)
    return bytes(out)


def _bits_for(deltas: Sequence[int]) -> int:
    """The fewest bits that hold every delta as a two's-complement number (at least 1)."""
    need = 1
    for d in deltas:
        need = max(need, (d.bit_length() + 1) if d >= 0 else ((-d - 1).bit_length() + 1))
    return need


def encode_delta_content(samples: Sequence[Sequence[int]], resolution_bits: int = 16,
                         block: int = 255) -> bytes:
    """A reference sample then blocks of at most ``block`` samples, each with the fewest bits."""
    if not samples:
        raise ValueError("a delta payload needs a reference sample")
    size = math.ceil(resolution_bits / 8)
    out = bytearray(b"".join(v.to_bytes(size, "little", signed=True) for v in samples[0]))
    rest = list(samples[1:])
    previous = list(samples[0])
    for start in range(0, len(rest), block):
        chunk = rest[start: start + block]
        deltas: list[int] = []
        for sample in chunk:
            deltas += [v - p for v, p in zip(sample, previous, strict=True)]
            previous = list(sample)
        bits = _bits_for(deltas)
        packed = 0
        for i, d in enumerate(deltas):
            packed |= (d & ((1 << bits) - 1)) << (i * bits)
        n_bytes = math.ceil(bits * len(deltas) / 8)
        out += bytes([bits, len(chunk)]) + packed.to_bytes(n_bytes, "little")
    return bytes(out)


def encode_delta_frame(timestamp_ns: int, samples: Sequence[Sequence[int]], frame_type: int = 1,
                       block: int = 255) -> bytes:
    """A whole compressed ACC notification (frame type with bit 7 set)."""
    return (struct.pack("<BQB", MEASUREMENT_ACC, timestamp_ns, 0x80 | frame_type)
            + encode_delta_content(samples, 16, block))
