"""Bad files, said plainly: one rule for every reader. A value that cannot be an interval is left
out as a gap and counted in a warning naming its line (as the file wrote it); only a file with no
usable value is refused. A clock that runs backwards is an error, a recording too short to hold a
baseline is refused by import, and nothing is written when a file is refused."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.recordings import RRFileError, parse_rr_text


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("text, said, kept, gap_at", [
    ("800\n810\n-5\n", "line 3: -5", [800, 810], None),
    ("t_s,rr_ms\n1,800\n2,-5\n3,810\n", "line 3: '-5'", [800, 810], 1),
    ("nan\n800\n810\n", "line 1: nan", [800, 810], None),
    ("800\ninf\n810\n", "line 2: inf", [800, 810], 1),
    ("t_s,rr_ms\n1,800\n2,nan\n3,810\n", "line 3: 'nan'", [800, 810], 1),
    ("t_s,rr_ms\n1,800\n\n3,inf\n4,810\n", "line 4: 'inf'", [800, 810], 1),
    ("Time RR\n0.8 800\n1.6 -810\n2.4 790\n", "line 3: '-810'", [800, 790], 1),
    ("800\n810\n65535\n790\n", "line 3: 65535", [800, 810, 790], 2),
])
def test_a_value_that_cannot_be_an_interval_is_a_gap_named_by_its_line(
        text: str, said: str, kept: list[float], gap_at: int | None) -> None:
    series = parse_rr_text(text, "f.txt")
    np.testing.assert_array_equal(series.rr_ms, kept)
    [warning] = [w for w in series.warnings if "cannot be beat-to-beat intervals" in w]
    assert warning.startswith("1 value(s)") and said in warning
    # the beat after the value left out starts a new segment: metrics never bridge it
    assert np.flatnonzero(series.gap_before).tolist() == ([] if gap_at is None else [gap_at])


def test_nothing_usable_is_refused_naming_the_first_line() -> None:
    with pytest.raises(RRFileError, match="no value here can be a beat-to-beat interval") as caught:
        parse_rr_text("0\n-5\nnan\n", "f.txt")
    assert caught.value.line == 1


@pytest.mark.parametrize("text, line", [
    ("t_s,rr_ms\n1.0,800\n1.8,800\n1.2,800\n", 4),
    ("Time RR\n0.8 800\n1.6 800\n0.4 800\n", 4),
])
def test_a_clock_that_runs_backwards_is_an_error(text: str, line: int) -> None:
    with pytest.raises(RRFileError, match="the clock runs backwards") as caught:
        parse_rr_text(text, "f.csv")
    assert caught.value.line == line


def test_import_refuses_a_recording_too_short_for_a_settle_step(tmp_path: Path) -> None:
    one_beat = tmp_path / "one.txt"
    one_beat.write_text("812\n")
    db = tmp_path / "s.sqlite3"
    out = cli("import", str(one_beat), "--profile", "Sam", "--db", str(db))
    assert out.returncode == 2 and "lasts 1 s" in out.stderr and "settle step" in out.stderr
    assert json.loads(cli("sessions", "--json", "--db", str(db)).stdout) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**6, 10**6)), min_size=1, max_size=40))
def test_any_list_of_numbers_reads_with_its_gaps_said_or_is_refused(values: list[float]) -> None:
    """Never a crash, never a silent wrong number: every value kept can be an interval, every one
    left out is counted in a warning, and a refusal names its line or what the file is."""
    text = "".join(f"{v}\n" for v in values)
    try:
        series = parse_rr_text(text, "f.txt")
    except RRFileError as exc:
        assert (exc.line is not None and 1 <= exc.line <= len(values)) or "beats per minute" in str(exc)
        return
    assert all(math.isfinite(x) and 0 < x <= 60000 for x in series.rr_ms)
    left_out = len(values) - series.rr_ms.size
    if left_out:
        assert any(w.startswith(f"{left_out} value(s)") for w in series.warnings), series.warnings


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(250, 3000)), min_size=2, max_size=40))
def test_any_time_rr_csv_keeps_a_clock_that_never_runs_backwards(rows: list[tuple[float, float]]
                                                                  ) -> None:
    text = "t_s,rr_ms\n" + "".join(f"{t},{rr}\n" for t, rr in rows)
    try:
        series = parse_rr_text(text, "f.csv")
    except RRFileError as exc:
        assert (exc.line is not None and "the clock runs backwards" in str(exc)) or \
            "beats per minute" in str(exc)
        return
    assert all(b >= a for a, b in zip(series.t_s, series.t_s[1:], strict=False))
