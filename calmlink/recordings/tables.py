"""Delimited tables with a header naming an RR column and perhaps a time column: time/RR CSV, HRV
Logger, Polar Sensor Logger RR and PPI, Movesense (after its title line)."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import datetime

import numpy as np

from calmlink.recordings.clock import clocked_series
from calmlink.recordings.series import (
    NUMBER,
    RRFileError,
    RRSeries,
    as_ms,
    check_clock,
    check_rr,
    from_rr,
)

RR_NAMES = (r"^rr[_ -]?ms$", r"rr[-_ ]?interval", r"^rr$", r"^rr[ _]?[\[(]", r"^rrdata$",
            r"pp[-_ ]?interval", r"^ibi", r"^interval")
"""Column names an RR column goes by, most specific first (never a bare prefix: ``rr_code`` is an ID)."""
TIME_NAMES = (r"^t$", r"^t_s$", r"time_ns", r"timestamp", r"time", r"^t_")
UNIT_SUFFIX = {"_ns": "ns", "_ms": "ms", "_us": "µs", "_s": "s"}

PHONE_CLOCKS = ("polar", "polar-ppi")
"""Polar Sensor Logger stamps each interval with a phone time it works back from the packet's
arrival; at packet edges that estimate can step back (3 s in the PPI sample). Such a clock gives
the start and the gaps, and the beats run on the RR sum between them."""

PPI_ERROR_SHARE = 0.1
"""A PPI whose own error estimate exceeds this share of the interval is treated as an artifact."""


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


def _header_unit(name: str) -> str | None:
    low = name.lower()
    return next((unit for suffix, unit in UNIT_SUFFIX.items() if low.endswith(suffix)), None)


def _rows(text: str, path: str, delimiter: str, skip: int) -> list[list[str]]:
    reader = csv.reader(text.splitlines()[skip:], delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise RRFileError(path, skip + reader.line_num, f"not a readable CSV line ({exc})") from None


def read_table(text: str, path: str, delimiter: str, fmt: str, skip: int = 0) -> RRSeries:
    """The file keeps its own clock: where time jumps by more than the interval explains, the beat
    after the jump is marked as following a gap (and a ``gap_before`` column is honoured). ``skip``
    lines come before the header (Movesense's title line)."""
    rows = _rows(text, path, delimiter, skip)
    if not rows:
        raise RRFileError(path, None, "no RR intervals found")
    header = [h.strip() for h in rows[0]]
    rr_col = find_column(header, *RR_NAMES)
    t_col = find_column(header, *TIME_NAMES)
    if rr_col is None:
        raise RRFileError(path, skip + 1, f"expected a header with an RR column, got {header!r}")
    rr_unit_s = "[s]" in header[rr_col].lower() or header[rr_col].lower().endswith("_s")
    rr_vals: list[float] = []
    t_vals: list[float] = []
    kept_lines: list[int] = []
    kept_rows: list[list[str]] = []
    for line, row in enumerate(rows[1:], start=skip + 2):
        if not row or all(not c.strip() for c in row):
            continue
        try:
            cell = row[rr_col].strip()
            if cell == "":  # calmlink's export: a heart-rate-only reading has no RR
                continue
            rr_vals.append(float(cell))
            if t_col is not None:
                t_vals.append(_parse_time(row[t_col]))
            kept_lines.append(line)
            kept_rows.append(row)
        except (IndexError, ValueError):
            raise RRFileError(path, line, f"expected {len(header)} fields with numbers in "
                              f"{header[rr_col]!r}" + (f" and {header[t_col]!r}" if t_col is not None
                                                        else "") + f", got {row!r}"[:160]) from None
    if not rr_vals:
        raise RRFileError(path, None, "no RR intervals found")
    with np.errstate(over="ignore"):  # an absurd value becomes inf, which check_rr names
        rr = as_ms(np.array(rr_vals) * (1000.0 if rr_unit_s else 1.0))
    check_rr(rr, path, skip + 2, kept_lines)
    if t_col is None:
        series = from_rr(rr, fmt)
    else:
        t = np.array(t_vals)
        estimated = fmt in PHONE_CLOCKS and bool(np.any(np.diff(t) < 0))
        if estimated:  # the logger's own re-estimates step back at packet edges
            t = np.maximum.accumulate(t)
        check_clock(t, path, kept_lines)
        is_date = not NUMBER.match(kept_rows[0][t_col].strip())
        series = clocked_series(t, rr, fmt, header_unit=_header_unit(header[t_col]),
                                absolute=is_date, beat_clock=not estimated)
    return _sensor_marks(series, header, kept_rows)


def _sensor_marks(series: RRSeries, header: list[str], rows: list[list[str]]) -> RRSeries:
    """What the file itself says about each beat: a ``gap_before`` column (calmlink's export), and
    a pulse sensor's own reliability columns (Polar's PPI: blocker, skin contact, error estimate)."""
    low = [h.lower() for h in header]

    def column(name: str) -> np.ndarray | None:
        if name not in low:
            return None
        k = low.index(name)
        return np.array([r[k].strip().lower() if k < len(r) else "" for r in rows])

    gap = column("gap_before")
    if gap is not None:
        series = replace(series, gap_before=series.gap_before | np.isin(gap, ("1", "true")))
    if not any("pp-interval" in h or h == "ppi" for h in low):
        return series
    flagged = np.zeros(series.rr_ms.size, dtype=bool)
    blocker = column("blocker")
    if blocker is not None:
        flagged |= blocker == "1"
    if low.count("contact") == 2:  # skin contact, then whether the sensor reports contact at all
        first = low.index("contact")
        contact = np.array([r[first].strip() for r in rows])
        supported = np.array([r[first + 1].strip() for r in rows])
        flagged |= (supported == "1") & (contact == "0")
    error_col = next((i for i, h in enumerate(low) if h.startswith("error estimate")), None)
    if error_col is not None:
        error = np.array([float(r[error_col]) if NUMBER.match(r[error_col].strip()) else np.inf
                          for r in rows])
        flagged |= error > PPI_ERROR_SHARE * series.rr_ms
    return replace(series, flagged=flagged, optical=True)
