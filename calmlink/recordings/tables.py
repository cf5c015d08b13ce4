"""Tables of beats: a header naming an RR column and perhaps a time and a marks column (time/RR CSV,
HRV Logger, Polar Sensor Logger RR and PPI, Movesense after its title line), delimited by commas,
semicolons, tabs or spaces; or columns of numbers with no header (Kubios' time and RR, RR and a
flag), each column judged by its values (:mod:`.columns`)."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from calmlink.recordings.clock import clocked_series
from calmlink.recordings.columns import choose, marks_of
from calmlink.recordings.screen import screen, with_screening
from calmlink.recordings.series import NUMBER, RRFileError, RRSeries, as_ms, check_clock, from_rr
from calmlink.recordings.verdicts import check_not_bpm, table_without_rr

UNIT_SUFFIX = {"_ns": "ns", "_ms": "ms", "_us": "µs", "_s": "s"}

PHONE_CLOCKS = ("polar", "polar-ppi")
"""Polar Sensor Logger stamps each interval with a phone time it works back from the packet's
arrival; at packet edges that estimate can step back (3 s in the PPI sample). Such a clock gives
the start and the gaps, and the beats run on the RR sum between them."""

PPI_ERROR_SHARE = 0.1
"""A PPI whose own error estimate exceeds this share of the interval is treated as an artifact."""


def _parse_time(value: str) -> tuple[float, bool]:
    """Seconds on the file's clock, and whether the zone is known: a number is (Unix time or time
    since start), a date without a zone is the recording's own local time, kept as it is (it is
    placed on a clock as if it were UTC, so no summer-time change moves a beat)."""
    try:
        return float(value), True
    except ValueError:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC).timestamp(), False
        return moment.timestamp(), True


def _header_unit(name: str) -> str | None:
    low = name.lower()
    return next((unit for suffix, unit in UNIT_SUFFIX.items() if low.endswith(suffix)), None)


def split_rows(lines: list[str], delimiter: str | None, path: str, first_line: int
               ) -> list[list[str]]:
    """Cells of each line: CSV quoting for a delimiter, white space otherwise (a header's units,
    "Time (s)  RR (s)", stay with their names)."""
    if delimiter is None or delimiter == WHITE_SPACE:
        return [[_decimal_point(c) for c in _with_units(line.split())] for line in lines]
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise RRFileError(path, first_line - 1 + reader.line_num,
                          f"not a readable CSV line ({exc})") from None
    if delimiter == ",":
        return rows
    return [[_decimal_point(c) for c in row] for row in rows]


DECIMAL_COMMA = re.compile(r"\s*[+-]?\d+,\d+\s*")


def _decimal_point(cell: str) -> str:
    """A number written with a decimal comma ("812,5", as spreadsheets in much of Europe save
    them, with ; or tabs between cells) in the form Python reads."""
    return cell.replace(",", ".") if DECIMAL_COMMA.fullmatch(cell) else cell


def table_delimiter(lines: list[str]) -> str | None:
    """What splits the first lines (header included) into the same 2-8 cells each: a semicolon,
    a tab, a comma, or white space (:data:`WHITE_SPACE`); None when no delimiter does."""
    for delimiter in (";", "\t", ","):
        counts = {len(split_rows([line], delimiter, "", 1)[0]) for line in lines[:5]}
        if len(lines) > 1 and len(counts) == 1 and 2 <= counts.pop() <= 8:
            return delimiter
    counts = {len(_with_units(line.split())) for line in lines[:5]}
    if len(lines) > 1 and len(counts) == 1 and 2 <= counts.pop() <= 8:
        return WHITE_SPACE
    return None


WHITE_SPACE = " "
"""Cells apart by any white space (split_rows takes it for str.split)."""


def _with_units(cells: list[str]) -> list[str]:
    out: list[str] = []
    for cell in cells:
        if out and re.fullmatch(r"[(\[].*[)\]]", cell):
            out[-1] += f" {cell}"
        else:
            out.append(cell)
    return out


def read_table(text: str, path: str, delimiter: str | None, fmt: str, skip: int = 0,
               ignore: tuple[str, ...] = (), has_header: bool = True) -> RRSeries:
    """The file keeps its own clock: where time jumps by more than the interval explains, the beat
    after the jump is marked as following a gap (and a ``gap_before`` column is honoured). ``skip``
    lines come before the header (Movesense's title line); ``ignore``: columns whose marks are not
    the file's judgement of the beats (calmlink's own export: the live path's)."""
    rows = split_rows(text.splitlines()[skip:], delimiter, path, skip + 1)
    if not rows:
        raise RRFileError(path, None, "no RR intervals found")
    header = [h.strip() for h in rows[0]] if has_header else []
    body = [(line, row) for line, row in enumerate(rows[1 if has_header else 0:],
                                                   start=skip + (2 if has_header else 1))
            if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")]
    data = [row for _, row in body]
    cols = choose([h if h.lower() not in ignore else "" for h in header] or None, data)
    if cols is None:
        if not has_header:
            raise RRFileError(path, None, "columns of numbers, none of which reads as beat-to-beat "
                              "intervals (250-2,000 ms or 0.25-2 s, going up and down)")
        raise table_without_rr(header, data, path)
    if cols.time is not None and delimiter in (None, WHITE_SPACE) and fmt in ("time-rr", "columns"):
        fmt = "kubios"  # time and RR, white space between: Kubios' and Polar Flow's text export
    name = header[cols.rr].lower() if cols.rr < len(header) else ""
    shown = repr(header[cols.rr]) if name else f"column {cols.rr + 1}"
    rr_unit_s = "[s]" in name or "(s)" in name or name.endswith("_s")
    kept = [(line, row) for line, row in body
            if cols.rr < len(row) and row[cols.rr].strip() != ""]  # a heart-rate-only reading
    if not kept:
        raise RRFileError(path, None, "no RR intervals found")
    # a packet's several intervals in one cell ("812 798", as a strap sends them) are beats each
    beats = [(line, row, cell) for line, row in kept
             for cell in (row[cols.rr].split() if delimiter not in (None, WHITE_SPACE)
                          else [row[cols.rr]])]
    lines = [line for line, _, _ in beats]
    kept_rows = [row for _, row, _ in beats]
    cells = [cell for _, _, cell in beats]
    raw = np.array([_number(cell) for cell in cells])
    with np.errstate(over="ignore", invalid="ignore"):  # an absurd value: inf, screened out
        rr = as_ms(raw * (1000.0 if rr_unit_s else 1.0))
    check_not_bpm(rr, path, f"the values in {shown}")
    zone_known = True
    if cols.time is not None:
        clock = [_time_or_nan(r[cols.time] if cols.time < len(r) else "") for r in kept_rows]
        t = np.array([c[0] for c in clock])
        zone_known = all(c[1] for c in clock)
        rr = np.where(np.isfinite(t), rr, np.nan)  # a row without a time cannot be placed
    screened = screen(rr, path, lines, cells)
    keep = screened.keep
    rr, lines = rr[keep], [line for line, k in zip(lines, keep.tolist(), strict=True) if k]
    kept_rows = [r for r, k in zip(kept_rows, keep.tolist(), strict=True) if k]
    if cols.time is None:
        series = from_rr(rr, fmt)
    else:
        t = t[keep]
        estimated = fmt in PHONE_CLOCKS and bool(np.any(np.diff(t) < 0))
        if estimated:  # the logger's own re-estimates step back at packet edges
            t = np.maximum.accumulate(t)
        check_clock(t, path, lines)
        is_date = not NUMBER.match(kept_rows[0][cols.time].strip())
        unit = _header_unit(header[cols.time]) if cols.time < len(header) else None
        series = clocked_series(t, rr, fmt, header_unit=unit, absolute=is_date,
                                beat_clock=not estimated, zone_known=zone_known)
    marks = marks_of(kept_rows, cols)
    if marks is not None:
        series = replace(series, flagged=marks)
    return _sensor_marks(with_screening(series, screened), header, kept_rows)


def _number(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        return math.nan  # no number where one must be: screened out with its line named


def _time_or_nan(cell: str) -> tuple[float, bool]:
    try:
        return _parse_time(cell)
    except ValueError:
        return math.nan, True


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
    flagged = np.zeros(series.rr_ms.size, dtype=bool) if series.flagged is None else series.flagged
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
