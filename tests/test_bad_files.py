"""Bad files, said plainly: one rule for every reader. A value that cannot be an interval is an
error naming its line (as the file wrote it), a clock that runs backwards is an error, a recording
too short to hold a baseline is refused by import, and nothing is written when a file is refused."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.recordings import RRFileError, parse_rr_text


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("text, line, said", [
    ("800\n810\n-5\n", 3, "got -5"),
    ("t_s,rr_ms\n1,800\n2,-5\n", 3, "got -5"),
    ("nan\n800\n810\n", 1, "got nan"),
    ("800\ninf\n810\n", 2, "got inf"),
    ("t_s,rr_ms\n1,800\n2,nan\n", 3, "got nan"),
    ("t_s,rr_ms\n1,800\n\n3,inf\n", 4, "got inf"),
    ("Time RR\n0.8 800\n1.6 -810\n", 3, "got -810"),
])
def test_a_value_that_cannot_be_an_interval_names_its_line(text: str, line: int, said: str) -> None:
    with pytest.raises(RRFileError) as caught:
        parse_rr_text(text, "f.txt")
    assert caught.value.line == line and said in str(caught.value)
    assert "np.float64" not in str(caught.value)


@pytest.mark.parametrize("text, line", [
    ("t_s,rr_ms\n1.0,800\n1.8,800\n1.2,800\n", 4),
    ("Time RR\n0.8 800\n1.6 800\n0.4 800\n", 4),
])
def test_a_clock_that_runs_backwards_is_an_error(text: str, line: int) -> None:
    with pytest.raises(RRFileError, match="the clock runs backwards") as caught:
        parse_rr_text(text, "f.csv")
    assert caught.value.line == line


def test_import_refuses_a_recording_too_short_for_a_baseline(tmp_path: Path) -> None:
    one_beat = tmp_path / "one.txt"
    one_beat.write_text("812\n")
    db = tmp_path / "s.sqlite3"
    out = cli("import", str(one_beat), "--profile", "Sam", "--db", str(db))
    assert out.returncode == 2 and "lasts 1 s" in out.stderr and "baseline" in out.stderr
    assert json.loads(cli("sessions", "--json", "--db", str(db)).stdout) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**6, 10**6)), min_size=1, max_size=40))
def test_any_list_of_numbers_reads_or_names_its_line(values: list[float]) -> None:
    text = "".join(f"{v}\n" for v in values)
    try:
        series = parse_rr_text(text, "f.txt")
    except RRFileError as exc:
        assert exc.line is not None and 1 <= exc.line <= len(values)
        assert str(exc).startswith("f.txt, line ")
        return
    assert series.rr_ms.size == len(values)
    assert all(math.isfinite(x) and 0 < x <= 60000 for x in series.rr_ms)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(250, 3000)), min_size=2, max_size=40))
def test_any_time_rr_csv_keeps_a_clock_that_never_runs_backwards(rows: list[tuple[float, float]]
                                                                  ) -> None:
    text = "t_s,rr_ms\n" + "".join(f"{t},{rr}\n" for t, rr in rows)
    try:
        series = parse_rr_text(text, "f.csv")
    except RRFileError as exc:
        assert exc.line is not None and "the clock runs backwards" in str(exc)
        return
    assert all(b >= a for a, b in zip(series.t_s, series.t_s[1:], strict=False))
