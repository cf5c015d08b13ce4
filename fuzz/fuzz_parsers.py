"""atheris targets for the payload parser and the RR file readers (`make fuzz`, never in CI).

Each target asserts the contract: any input yields a result or the module's own error, nothing
else. Run one with `python fuzz/fuzz_parsers.py hrs -max_total_time=60`.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from calmlink.recordings import RRFileError, parse_rr_text
    from calmlink.sensors.hrs import MalformedMeasurement, parse_heart_rate_measurement


def fuzz_hrs(data: bytes) -> None:
    try:
        m = parse_heart_rate_measurement(data)
    except MalformedMeasurement:
        return
    assert 0 <= m.heart_rate_bpm <= 0xFFFF
    assert len(m.rr_intervals_ms) == len(m.rr_raw)


def fuzz_rr_text(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(4096)
    try:
        series = parse_rr_text(text, "fuzz")
    except RRFileError:
        return
    assert series.rr_ms.size > 0
    assert (series.rr_ms > 0).all()
    assert series.t_s.size == series.rr_ms.size == series.gap_before.size


TARGETS = {"hrs": fuzz_hrs, "rr": fuzz_rr_text}

if __name__ == "__main__":
    name = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in TARGETS else "hrs"
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()
