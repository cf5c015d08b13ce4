"""Delimited tables with a header naming a time column and an RR column (CSV, Polar's ``;``)."""

from __future__ import annotations

import csv
import re
from datetime import datetime

import numpy as np

from calmlink.recordings.series import (
    RRFileError,
    RRSeries,
    as_ms,
    check_clock,
    check_rr,
    from_rr,
    from_times,
)


def find_column(header: list[str], *patterns: str) -> int | None:
    for pattern in patterns:
        for i, name in enumerate(header):
            if re.search(pattern, name.strip().lower()):
                return i
    return None


def _parse_time(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return datetime.fromisoformat(value.strip()).timestamp()


def read_table(text: str, path: str, delimiter: str, fmt: str) -> RRSeries:
    """The file keeps its own clock: where time jumps by more than the interval explains, the beat
    after the jump is marked as following a gap (and a ``gap_before`` column is honoured)."""
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise RRFileError(path, reader.line_num, f"not a readable CSV line ({exc})") from None
    header = [h.strip() for h in rows[0]]
    rr_col = find_column(header, r"^rr[_ -]?ms$", r"rr[-_ ]?interval", r"^rr", r"ibi", r"interval")
    t_col = find_column(header, r"^t$", r"^t_s$", r"time_ns", r"timestamp", r"time", r"^t_")
    if rr_col is None:
        raise RRFileError(path, 1, f"expected a header with an RR column, got {header!r}")
    scale_t = 1e-9 if t_col is not None and header[t_col].lower().endswith("_ns") else 1.0
    rr_unit_s = "[s]" in header[rr_col].lower() or header[rr_col].lower().endswith("_s")
    rr_vals: list[float] = []
    t_vals: list[float] = []
    kept_lines: list[int] = []
    gap_marks: list[bool] = []
    gap_col = find_column(header, r"^gap_before$")
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        try:
            cell = row[rr_col].strip()
            if cell == "":  # calmlink's export: a heart-rate-only reading has no RR
                continue
            rr_vals.append(float(cell))
            if t_col is not None:
                t_vals.append(_parse_time(row[t_col]) * scale_t)
            kept_lines.append(line)
            if gap_col is not None:
                gap_marks.append(row[gap_col].strip().lower() in ("1", "true"))
        except (IndexError, ValueError):
            raise RRFileError(path, line, f"expected {len(header)} fields with numbers in "
                              f"{header[rr_col]!r}" + (f" and {header[t_col]!r}" if t_col is not None
                                                        else "") + f", got {row!r}"[:160]) from None
    if not rr_vals:
        raise RRFileError(path, None, "no RR intervals found")
    with np.errstate(over="ignore"):  # an absurd value becomes inf, which check_rr names
        rr = as_ms(np.array(rr_vals) * (1000.0 if rr_unit_s else 1.0))
    check_rr(rr, path, 2, kept_lines)
    if t_col is None:
        return from_rr(rr, fmt)
    t = np.array(t_vals)
    check_clock(t, path, kept_lines)
    series = from_times(t - t[0] if fmt == "polar" or scale_t != 1.0 else t, rr, fmt)
    if gap_marks:
        marks = np.array(gap_marks, dtype=bool)
        return RRSeries(series.rr_ms, series.t_s, series.gap_before | marks, fmt)
    return series
