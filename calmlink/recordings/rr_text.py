"""RR text files, with the format detected from the content; and the plain RR writer.

Formats (docs/analyze.md):
- ``plain``: one interval per line, in ms or s (seconds when the median is under 10); also Elite HRV's
  text export and Kubios' one-column RR text. Blank lines and ``#`` comments are skipped; a header
  line of words is allowed at the top.
- ``time-rr``: CSV with a header naming a time column and an RR column (``t_s,rr_ms``,
  ``time_ns,rr_ms``, ``time,rr``…). The file keeps its own clock: where time jumps by more than the
  interval explains (``GAP_SLACK_S``), the beat after the jump is marked as following a gap.
- ``polar``: Polar Sensor Logger RR export, ``Phone timestamp;RR-interval [ms]``.
- ``kubios``: Kubios-style two columns, time and RR, separated by white space, under a header.
- ``calmlink``: calmlink's own CSV export (:mod:`calmlink.recordings.calmlink_csv`), gaps kept.

A file that cannot be read raises :class:`RRFileError` naming the line and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from calmlink.recordings.calmlink_csv import is_calmlink_csv, read_csv
from calmlink.recordings.series import (
    NON_FINITE,
    NUMBER,
    RRFileError,
    RRSeries,
    as_ms,
    check_clock,
    check_rr,
    from_rr,
    from_times,
)
from calmlink.recordings.tables import read_table


def _plain(text: str, path: str) -> RRSeries:
    lines = text.splitlines()
    numbers: list[str] = []
    line_no: list[int] = []
    for i, raw in enumerate(lines, start=1):
        s = raw.strip().rstrip(",;")
        if not s or s.startswith("#"):
            continue
        if not NUMBER.match(s) and s.lower().lstrip("+-") not in NON_FINITE:
            if not numbers and not any(ch.isdigit() for ch in s):
                continue  # a header such as "RR (ms)" or "RR-intervals"
            raise RRFileError(path, i, f"expected one RR interval (a number) per line, got {s[:40]!r}")
        numbers.append(s)
        line_no.append(i)
    if not numbers:
        raise RRFileError(path, None, "no RR intervals found")
    rr = as_ms(np.array(numbers, dtype=np.float64))
    check_rr(rr, path, 0, line_no)
    return from_rr(rr, "plain")


def _plain_fast(text: str, path: str) -> RRSeries | None:
    """The common case, a bare column of numbers, in one numpy call; None to fall back."""
    try:
        rr = np.array(text.split(), dtype=np.float64)
    except ValueError:
        return None
    if rr.size == 0 or text.count("\n") + 1 < rr.size:  # several numbers on a line: not plain
        return None
    rr = as_ms(rr)
    if not (np.all(np.isfinite(rr)) and np.all(rr > 0) and np.all(rr <= 60000)):
        return None  # let the slow path name the line
    return from_rr(rr, "plain")


def _kubios(text: str, path: str) -> RRSeries:
    rows: list[tuple[float, float]] = []
    lines: list[int] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if len(parts) != 2 or not all(NUMBER.match(p) for p in parts):
            if rows:
                raise RRFileError(path, line, f"expected two numbers (time and RR), got {raw[:40]!r}")
            continue
        rows.append((float(parts[0]), float(parts[1])))
        lines.append(line)
    if not rows:
        raise RRFileError(path, None, "no RR intervals found")
    arr = np.array(rows)
    rr = as_ms(arr[:, 1])
    check_rr(rr, path, 1, lines)
    check_clock(arr[:, 0], path, lines)
    return from_times(arr[:, 0], rr, "kubios")


def detect_format(text: str) -> str:
    head = [ln for ln in text.splitlines()[:5] if ln.strip()]
    first = head[0].lower() if head else ""
    if "phone timestamp" in first and ";" in first:
        return "polar"
    if is_calmlink_csv(first):
        return "calmlink"
    if "," in first and not NUMBER.match(first.split(",")[0].strip()):
        return "time-rr"
    if len(head) > 1 and len(head[1].split()) == 2 and all(NUMBER.match(p) for p in head[1].split()):
        return "kubios"
    return "plain"


READERS: dict[str, Callable[[str, str], RRSeries]] = {
    "plain": _plain,
    "time-rr": lambda text, path: read_table(text, path, ",", "time-rr"),
    "calmlink": read_csv,
    "polar": lambda text, path: read_table(text, path, ";", "polar"),
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


def write_rr_text(rr_ms: Iterable[float | None]) -> str:
    """One RR interval in ms per line, as recorded (Kubios and most HRV tools read this); readings
    without an interval are left out."""
    return "".join(f"{rr:.3f}\n" for rr in rr_ms if rr is not None)
