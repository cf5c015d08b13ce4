"""RR lists written on one line, and tables with one measurement (an RR list) per row.

- ``list``: intervals separated by spaces or commas, on one line or a few (Welltory's PPG data set,
  copied from an app's share sheet).
- ``measurements``: a CSV with one measurement per row, its intervals in one quoted cell
  (Welltory's measurements export, ``rr_data``). The columns are chosen by what they hold, never by
  their names: the intervals are the cell holding a list of numbers, the date the cell that reads
  as a date and time.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import datetime

import numpy as np

from calmlink.recordings.screen import bent_from_rr
from calmlink.recordings.series import NUMBER, RRFileError, RRSeries, as_ms

SEPARATORS = re.compile(r"[\s,;]+")
MIN_LIST = 3
"""A cell or line holding at least this many numbers is a list of intervals."""


def numbers_in(cell: str) -> list[str] | None:
    """The numbers of a list cell, or None when it is not a list of numbers."""
    parts = [p for p in SEPARATORS.split(cell.strip().strip("[]")) if p]
    if len(parts) < MIN_LIST or not all(NUMBER.match(p) for p in parts):
        return None
    return parts


def read_list(text: str, path: str) -> RRSeries:
    values: list[str] = []
    lines: list[int] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        parts = [p for p in SEPARATORS.split(s) if p]
        bad = next((p for p in parts if not NUMBER.match(p)), None)
        if bad is not None:
            raise RRFileError(path, line, f"expected RR intervals (numbers) separated by spaces "
                              f"or commas, got {bad[:40]!r}")
        values += parts
        lines += [line] * len(parts)
    if not values:
        raise RRFileError(path, None, "no RR intervals found")
    return bent_from_rr(as_ms(np.array(values, dtype=np.float64)), "list", path, lines)


def _as_date(cell: str) -> datetime | None:
    try:
        return datetime.fromisoformat(cell.strip())
    except ValueError:
        return None


def list_column(rows: list[list[str]]) -> int | None:
    """The column whose cells are lists of numbers, judged on the first data row."""
    if len(rows) < 2:
        return None
    return next((k for k, cell in enumerate(rows[1]) if numbers_in(cell) is not None), None)


def read_measurements(text: str, path: str) -> list[RRSeries]:
    """One series per row, in file order; a row whose list cannot be read names its line."""
    rows = list(csv.reader(text.splitlines()))
    rr_col = list_column(rows)
    if rr_col is None:
        raise RRFileError(path, 2, "expected a column holding a list of RR intervals")
    date_col = next((k for k, cell in enumerate(rows[1])
                     if not NUMBER.match(cell.strip()) and _as_date(cell) is not None), None)
    out: list[RRSeries] = []
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        parts = numbers_in(row[rr_col]) if rr_col < len(row) else None
        if parts is None:
            raise RRFileError(path, line, f"expected a list of RR intervals in column "
                              f"{rows[0][rr_col]!r}, got {(row[rr_col] if rr_col < len(row) else '')[:40]!r}")
        series = bent_from_rr(as_ms(np.array(parts, dtype=np.float64)), "measurements", path,
                              [line] * len(parts))
        when = _as_date(row[date_col]) if date_col is not None and date_col < len(row) else None
        label = f"measurement {len(out) + 1}" + (f", {when:%Y-%m-%d %H:%M}" if when else "")
        out.append(replace(series, label=label,
                           start=when))  # as written: a date without a zone stays local time
    if not out:
        raise RRFileError(path, None, "no measurements found")
    return out
