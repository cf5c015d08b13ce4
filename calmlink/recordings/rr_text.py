"""Reading any recording file: the format sniffed from the content, then its reader.

Formats (docs/analyze.md has where each comes from):
- ``plain``: one interval per line, in ms or s (seconds when the median is under 10); also Elite HRV's
  text export and Kubios' one-column RR text. Blank lines and ``#`` comments are skipped; a header
  line of words is allowed at the top. ``list``: intervals on one line (:mod:`.lists`).
- ``time-rr``, ``hrv-logger``, ``polar``, ``polar-ppi``, ``movesense``: tables with an RR column and
  perhaps the file's own clock (:mod:`.tables`, :mod:`.clock`).
- ``kubios``: two columns, time and RR, separated by white space, under a header.
- ``polar-hrm`` (:mod:`.polar_hrm`), ``fit`` (:mod:`.fit`), ``apple-health`` (:mod:`.apple_health`),
  ``measurements`` (one recording per row, :mod:`.lists`).
- ``calmlink``: calmlink's own CSV export (:mod:`calmlink.recordings.calmlink_csv`), gaps kept.

Recognised files that hold no intervals are named and refused (:mod:`.sniff`); a file of a
supported format that cannot be read raises :class:`RRFileError` naming the line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from calmlink.recordings.apple_health import read_apple_health
from calmlink.recordings.calmlink_csv import read_csv
from calmlink.recordings.clock import start_from_name
from calmlink.recordings.empatica import read_e4_ibi
from calmlink.recordings.fast_column import parse_column
from calmlink.recordings.fit import read_fit
from calmlink.recordings.kubios import read_kubios_report
from calmlink.recordings.lists import read_list, read_measurements
from calmlink.recordings.polar_hrm import read_polar_hrm
from calmlink.recordings.screen import MAX_RR_MS, bent_from_rr
from calmlink.recordings.series import (
    NON_FINITE,
    NUMBER,
    RRFileError,
    RRSeries,
    as_ms,
    from_rr,
)
from calmlink.recordings.sniff import sniff_binary, sniff_text
from calmlink.recordings.tables import read_table, table_delimiter
from calmlink.recordings.verdicts import check_not_bpm


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
    check_not_bpm(rr, path)
    return bent_from_rr(rr, "plain", path, line_no)


def _plain_fast(text: str, path: str) -> RRSeries | None:
    """The common case, a bare column of numbers, in one numpy call; None to fall back."""
    rr = parse_column(text)
    if rr is None:
        try:
            rr = np.array(text.split(), dtype=np.float64)
        except ValueError:
            return None
    if rr.size == 0 or text.count("\n") + 1 < rr.size:  # several numbers on a line: not plain
        return None
    rr = as_ms(rr)
    if not (np.all(np.isfinite(rr)) and np.all(rr > 0) and np.all(rr <= MAX_RR_MS)):
        return None  # let the slow path name the lines
    check_not_bpm(rr, path)
    return from_rr(rr, "plain")


def _movesense(text: str, path: str) -> RRSeries:
    """Movesense's HR export: a title line, then ``Average,RRData``."""
    return read_table(text, path, ",", "movesense", skip=1)


def _table(text: str, path: str, fmt: str, has_header: bool = True) -> RRSeries:
    delimiter = table_delimiter([line for line in text.splitlines() if line.strip()][:5])
    return read_table(text, path, delimiter, fmt, has_header=has_header)


READERS: dict[str, Callable[[str, str], RRSeries]] = {
    "plain": _plain,
    "list": read_list,
    "time-rr": lambda text, path: _table(text, path, "time-rr"),
    "columns": lambda text, path: _table(text, path, "columns", has_header=False),
    "e4-ibi": read_e4_ibi,
    "hrv-logger": lambda text, path: read_table(text, path, ",", "hrv-logger"),
    "calmlink": read_csv,
    "polar": lambda text, path: read_table(text, path, ";", "polar"),
    "polar-ppi": lambda text, path: read_table(text, path, ";", "polar-ppi"),
    "polar-hrm": read_polar_hrm,
    "movesense": _movesense,
}
"""Text formats holding one recording. ``measurements`` and ``kubios-report`` (several), ``fit``
(binary) and ``apple-health`` (streamed) are read by :func:`read_recordings`."""


def parse_recordings(text: str, path: str = "<text>") -> list[RRSeries]:
    """Every recording in a text file, in file order (most files hold one)."""
    fmt = sniff_text(text, path)
    if fmt == "measurements":
        return read_measurements(text, path)
    if fmt == "kubios-report":
        return read_kubios_report(text, path)
    if fmt == "apple-health":
        raise RRFileError(path, None, "an Apple Health export is read from its file "
                          "(calmlink analyze export.xml), never from pasted text")
    if fmt == "plain":
        fast = _plain_fast(text, path)
        if fast is not None:
            return [fast]
    return [READERS[fmt](text, path)]


def parse_rr_text(text: str, path: str = "<text>") -> RRSeries:
    return only_one(parse_recordings(text, path), path)


def only_one(recordings: list[RRSeries], path: str) -> RRSeries:
    """The one recording of a file, for uses that take one (replay, sync)."""
    if len(recordings) != 1:
        raise RRFileError(path, None, f"this file holds {len(recordings)} measurements: "
                          "calmlink analyze and calmlink import read each of them; replay and "
                          "sync take a file with one")
    return recordings[0]


HEAD_BYTES = 4096


def read_recordings(path: Path | str,
                    progress: Callable[[int, int], None] | None = None) -> list[RRSeries]:
    """Every recording in a file, the format sniffed from its content; ``progress(done, total)``
    is told the bytes read. A recording without a start of its own takes one from the file name
    when it holds a date (Elite HRV, Movesense)."""
    p = Path(path)
    name = str(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise RRFileError(name, None, f"cannot read the file: {exc.strerror}") from None
    binary = sniff_binary(head, name)
    text_head = head.decode("utf-8-sig", errors="replace")
    if binary is None and sniff_text(text_head, name) == "apple-health":
        found = read_apple_health(p)
    else:
        raw = _read_all(p, progress)
        found = [read_fit(raw, name)] if binary == "fit" else parse_recordings(_text(raw, name), name)
    named = start_from_name(name)
    return [r if r.start is not None or named is None else replace(r, start=named) for r in found]


def _text(raw: bytes, name: str) -> str:
    """The file as text: UTF-8, or a spreadsheet's Windows/Latin-1 text (its numbers read the
    same); a file with NUL bytes is binary, and a binary file has no lines to name."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if b"\0" in raw:
            raise RRFileError(name, None, "binary data that is no recording calmlink knows (not "
                              "text, not a FIT file)") from None
        return raw.decode("cp1252", errors="replace")


def _read_all(p: Path, progress: Callable[[int, int], None] | None) -> bytes:
    try:
        total = p.stat().st_size
        chunks: list[bytes] = []
        with p.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                chunks.append(chunk)
                if progress is not None:
                    progress(sum(map(len, chunks)), total)
    except OSError as exc:
        raise RRFileError(str(p), None, f"cannot read the file: {exc.strerror}") from None
    return b"".join(chunks)


def read_rr_file(path: Path | str, progress: Callable[[int, int], None] | None = None) -> RRSeries:
    """Read a file that holds one recording (a file with several names their count)."""
    return only_one(read_recordings(path, progress), str(path))


def write_rr_text(rr_ms: Iterable[float | None]) -> str:
    """One RR interval in ms per line, as recorded (Kubios and most HRV tools read this); readings
    without an interval are left out."""
    return "".join(f"{rr:.3f}\n" for rr in rr_ms if rr is not None)
