"""atheris targets for the payload parsers (heart rate, PMD) and the RR file readers
(`make fuzz`, never in CI).

Each target asserts the contract: any input yields a result or the module's own error, nothing
else. Run one with `python fuzz/fuzz_parsers.py hrs -max_total_time=60`.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from calmlink.recordings import RRFileError, parse_rr_text
    from calmlink.sensors.hrs import MalformedMeasurement, parse_heart_rate_measurement
    from calmlink.sensors.pmd import (
        MalformedPmdFrame,
        parse_control_point_answer,
        parse_pmd_frame,
        parse_settings,
    )


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


def fuzz_pmd(data: bytes) -> None:
    try:
        frame = parse_pmd_frame(data)
    except MalformedPmdFrame:
        pass
    else:
        assert frame.samples and all(len(s) == 3 for s in frame.samples)
    for parse in (parse_control_point_answer, parse_settings):
        with contextlib.suppress(MalformedPmdFrame):
            parse(data)


TARGETS = {"hrs": fuzz_hrs, "rr": fuzz_rr_text, "pmd": fuzz_pmd}

if __name__ == "__main__":
    name = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in TARGETS else "hrs"
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()
