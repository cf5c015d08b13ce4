"""Reading RR files, with the format detected from the content.

Formats (docs/formats.md):
- ``plain``: one interval per line, in ms or s (seconds when the median is under 10); also Elite HRV's
  text export and Kubios' one-column RR text. Blank lines and ``#`` comments are skipped; a header
  line of words is allowed at the top.
- ``time-rr``: CSV with a header naming a time column and an RR column (``t_s,rr_ms``,
  ``time_ns,rr_ms``, ``time,rr``…). The file keeps its own clock: where time jumps by more than the
  interval explains (``GAP_SLACK_S``), the beat after the jump is marked as following a gap.
- ``polar``: Polar Sensor Logger RR export, ``Phone timestamp;RR-interval [ms]``.
- ``kubios``: Kubios-style two columns, time and RR, separated by white space, under a header.
- ``calmlink``: calmlink's own CSV export (``seq,t,rr_ms,hr_bpm,artifact,…``), gaps kept.

A file that cannot be read raises :class:`RRFileError` naming the line and what was expected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

GAP_SLACK_S = 2.5
"""Time may run ahead of the RR sum by this much (packet batching) before it counts as a gap."""

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class RRFileError(ValueError):
    """An RR file calmlink cannot read: says which line and what was expected."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


@dataclass(frozen=True, slots=True)
class RRSeries:
    rr_ms: NDArray[np.float64]
    t_s: NDArray[np.float64]
    """Beat times in seconds: the file's own clock, or the cumulative RR sum when it has none."""
    gap_before: NDArray[np.bool_]
    format: str

    @property
    def duration_s(self) -> float:
        if self.rr_ms.size == 0:
            return 0.0
        return float(self.t_s[-1] - self.t_s[0] + self.rr_ms[0] / 1000.0)


def _from_rr(rr: NDArray[np.float64], fmt: str) -> RRSeries:
    return RRSeries(rr, np.cumsum(rr) / 1000.0, np.zeros(rr.size, dtype=bool), fmt)


def _from_times(t: NDArray[np.float64], rr: NDArray[np.float64], fmt: str) -> RRSeries:
    """Times are either beat times (steps match the intervals) or packet arrival times (several
    intervals share one stamp). Either way a jump the intervals cannot explain is a gap; arrival
    stamps are replaced by the RR sum, re-anchored to the stamp after each gap."""
    gap = np.zeros(rr.size, dtype=bool)
    if rr.size > 1:
        gap[1:] = np.diff(t) > rr[1:] / 1000.0 + GAP_SLACK_S
    if rr.size > 1 and float(np.median(np.abs(np.diff(t) - rr[1:] / 1000.0))) < 0.05:
        return RRSeries(rr, t, gap, fmt)  # a beat clock: keep it
    beats = np.empty(rr.size)
    starts = np.flatnonzero(gap).tolist()
    for lo, hi in zip([0, *starts], [*starts, rr.size], strict=True):
        beats[lo:hi] = t[lo] + np.cumsum(rr[lo:hi]) / 1000.0 - rr[lo] / 1000.0
    return RRSeries(rr, beats, gap, fmt)


def _as_ms(values: NDArray[np.float64]) -> NDArray[np.float64]:
    if values.size and float(np.median(values)) < 10.0:
        return values * 1000.0
    return values


def _check_rr(rr: NDArray[np.float64], path: str, first_line: int, lines: list[int] | None) -> None:
    bad = np.flatnonzero(~np.isfinite(rr) | (rr <= 0) | (rr > 60000))
    if bad.size:
        k = int(bad[0])
        line = lines[k] if lines is not None else first_line + k
        raise RRFileError(path, line, f"an RR interval must be a positive number of ms or s, "
                          f"got {rr[k]!r}")


def _plain(text: str, path: str) -> RRSeries:
    lines = text.splitlines()
    numbers: list[str] = []
    line_no: list[int] = []
    for i, raw in enumerate(lines, start=1):
        s = raw.strip().rstrip(",;")
        if not s or s.startswith("#"):
            continue
        if not _NUMBER.match(s):
            if not numbers and not any(ch.isdigit() for ch in s):
                continue  # a header such as "RR (ms)" or "RR-intervals"
            raise RRFileError(path, i, f"expected one RR interval (a number) per line, got {s[:40]!r}")
        numbers.append(s)
        line_no.append(i)
    if not numbers:
        raise RRFileError(path, None, "no RR intervals found")
    rr = _as_ms(np.array(numbers, dtype=np.float64))
    _check_rr(rr, path, 0, line_no)
    return _from_rr(rr, "plain")


def _plain_fast(text: str, path: str) -> RRSeries | None:
    """The common case, a bare column of numbers, in one numpy call; None to fall back."""
    try:
        rr = np.array(text.split(), dtype=np.float64)
    except ValueError:
        return None
    if rr.size == 0 or text.count("\n") + 1 < rr.size:  # several numbers on a line: not plain
        return None
    rr = _as_ms(rr)
    if not (np.all(np.isfinite(rr)) and np.all(rr > 0) and np.all(rr <= 60000)):
        return None  # let the slow path name the line
    return _from_rr(rr, "plain")


def _find_column(header: list[str], *patterns: str) -> int | None:
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


def _table(text: str, path: str, delimiter: str, fmt: str) -> RRSeries:
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise RRFileError(path, reader.line_num, f"not a readable CSV line ({exc})") from None
    header = [h.strip() for h in rows[0]]
    rr_col = _find_column(header, r"^rr[_ -]?ms$", r"rr[-_ ]?interval", r"^rr", r"ibi", r"interval")
    t_col = _find_column(header, r"^t$", r"^t_s$", r"time_ns", r"timestamp", r"time", r"^t_")
    if rr_col is None:
        raise RRFileError(path, 1, f"expected a header with an RR column, got {header!r}")
    scale_t = 1e-9 if t_col is not None and header[t_col].lower().endswith("_ns") else 1.0
    rr_unit_s = "[s]" in header[rr_col].lower() or header[rr_col].lower().endswith("_s")
    rr_vals: list[float] = []
    t_vals: list[float] = []
    gap_marks: list[bool] = []
    gap_col = _find_column(header, r"^gap_before$")
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
            if gap_col is not None:
                gap_marks.append(row[gap_col].strip().lower() in ("1", "true"))
        except (IndexError, ValueError):
            raise RRFileError(path, line, f"expected {len(header)} fields with numbers in "
                              f"{header[rr_col]!r}" + (f" and {header[t_col]!r}" if t_col is not None
                                                        else "") + f", got {row!r}"[:160]) from None
    if not rr_vals:
        raise RRFileError(path, None, "no RR intervals found")
    rr = np.array(rr_vals) * (1000.0 if rr_unit_s else 1.0)
    rr = _as_ms(rr)
    _check_rr(rr, path, 2, None)
    if t_col is None:
        return _from_rr(rr, fmt)
    t = np.array(t_vals)
    series = _from_times(t - t[0] if fmt == "polar" or scale_t != 1.0 else t, rr, fmt)
    if gap_marks:
        marks = np.array(gap_marks, dtype=bool)
        return RRSeries(series.rr_ms, series.t_s, series.gap_before | marks, fmt)
    return series


def _kubios(text: str, path: str) -> RRSeries:
    rows: list[tuple[float, float]] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if len(parts) != 2 or not all(_NUMBER.match(p) for p in parts):
            if rows:
                raise RRFileError(path, line, f"expected two numbers (time and RR), got {raw[:40]!r}")
            continue
        rows.append((float(parts[0]), float(parts[1])))
    if not rows:
        raise RRFileError(path, None, "no RR intervals found")
    arr = np.array(rows)
    rr = _as_ms(arr[:, 1])
    _check_rr(rr, path, 1, None)
    return _from_times(arr[:, 0], rr, "kubios")


def detect_format(text: str) -> str:
    head = [ln for ln in text.splitlines()[:5] if ln.strip()]
    first = head[0].lower() if head else ""
    if "phone timestamp" in first and ";" in first:
        return "polar"
    if first.startswith("seq,") and "rr_ms" in first:
        return "calmlink"
    if "," in first and not _NUMBER.match(first.split(",")[0].strip()):
        return "time-rr"
    if len(head) > 1 and len(head[1].split()) == 2 and all(_NUMBER.match(p) for p in head[1].split()):
        return "kubios"
    return "plain"


READERS: dict[str, Callable[[str, str], RRSeries]] = {
    "plain": _plain,
    "time-rr": lambda text, path: _table(text, path, ",", "time-rr"),
    "calmlink": lambda text, path: _table(text, path, ",", "calmlink"),
    "polar": lambda text, path: _table(text, path, ";", "polar"),
    "kubios": _kubios,
}


def parse_rr_text(text: str, path: str = "<text>") -> RRSeries:
    fmt = detect_format(text)
    if fmt == "plain":
        fast = _plain_fast(text, path)
        if fast is not None:
            return fast
    return READERS[fmt](text, path)


def read_rr_file(path: Path | str, progress: Callable[[int, int], None] | None = None) -> RRSeries:
    """Read and parse an RR file; ``progress(done, total)`` is told the bytes read."""
    p = Path(path)
    try:
        total = p.stat().st_size
        chunks: list[bytes] = []
        with p.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                chunks.append(chunk)
                if progress is not None:
                    progress(sum(map(len, chunks)), total)
    except OSError as exc:
        raise RRFileError(str(path), None, f"cannot read the file: {exc.strerror}") from None
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RRFileError(str(path), line, "expected text (UTF-8), found binary data") from None
    return parse_rr_text(text, str(path))

