"""What a file is, from its first bytes: a format calmlink reads, or one it recognises and names.

A person must be able to tell "not supported" from "my file is damaged": a recognised file that
holds no beat-to-beat intervals is refused with what it is and what to give calmlink instead;
only a file of a supported format that goes wrong is blamed, by line (docs/analyze.md).
"""

from __future__ import annotations

import csv

from calmlink.recordings.calmlink_csv import is_calmlink_csv
from calmlink.recordings.columns import choose, in_rr_range
from calmlink.recordings.columns import numbers as column_numbers
from calmlink.recordings.empatica import sniff_e4
from calmlink.recordings.kubios import is_kubios_report
from calmlink.recordings.lists import SEPARATORS, list_column
from calmlink.recordings.series import NUMBER, RRFileError
from calmlink.recordings.tables import split_rows, table_delimiter
from calmlink.recordings.verdicts import NO_BEATS, first_cells_are_numbers, table_without_rr


def sniff_binary(head: bytes, path: str) -> str | None:
    """``fit`` for a FIT file, None for text; a sentence for binary files calmlink recognises."""
    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    if head.startswith(b"PK\x03\x04"):
        raise RRFileError(path, None, "a zip archive (Apple Health's export.zip, a Garmin or Polar "
                          "download…): unpack it and give calmlink the recording inside "
                          "(export.xml, a .fit, .csv or .txt file)")
    if head.startswith(b"\x1f\x8b"):
        raise RRFileError(path, None, "a gzip-compressed file: unpack it first")
    if head.startswith(b"0       ") and len(head) >= 256:
        raise RRFileError(path, None, "an EDF recording of raw signals: calmlink reads beat-to-beat "
                          "intervals, not waveforms; export the RR intervals from the program that "
                          "recorded it")
    return None


def _first_lines(text: str, n: int = 5) -> list[str]:
    """The first ``n`` non-blank lines, stripped; reads no further (a file can be 100,000 lines)."""
    out: list[str] = []
    pos = 0
    while len(out) < n and pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        for line in text[pos:end].splitlines():  # a lone \r (old Mac line ends) splits too
            if line.strip():
                out.append(line.strip())
        pos = end + 1
    return out[:n]


def _refuse(path: str, what: str, instead: str) -> RRFileError:
    return RRFileError(path, None, f"{what}: {NO_BEATS}; {instead}")


def _xml(first: str, text: str, path: str) -> str:
    head = text[:4000]
    if "<HealthData" in head or "<!DOCTYPE HealthData" in head:
        return "apple-health"
    if "<gpx" in head:
        raise _refuse(path, "a GPX track", "give calmlink the activity's FIT file or an RR export")
    if "<TrainingCenterDatabase" in head:
        raise _refuse(path, "a Garmin TCX file (heart rate every second or so)",
                      "give calmlink the activity's FIT file")
    raise RRFileError(path, None, f"an XML file calmlink does not know ({first[:40]!r}): calmlink "
                      "reads Apple Health's export.xml and RR text, CSV, HRM and FIT files")


def _polar_logger(first: str, path: str) -> str:
    if "rr-interval" in first:
        return "polar"
    if "pp-interval" in first:
        return "polar-ppi"
    if "x [mg]" in first:
        raise _refuse(path, "a Polar Sensor Logger ACC stream (the chest's movement)",
                      "calmlink analyze FILE reads breathing from it (docs/chest.md); for heart "
                      "rhythm record the RR stream and give calmlink that file")
    stream = "heart-rate" if "hr [bpm]" in first else next(
        (s for s in ("ecg", "acc", "ppg", "gyro", "magn") if s in first), "other")
    raise _refuse(path, f"a Polar Sensor Logger {stream.upper() if len(stream) < 5 else stream} "
                  "stream", "record the RR stream (chest strap) or the PPI stream (Verity Sense, "
                  "OH1) and give calmlink that file")


def _hrv_logger(header: list[str], path: str) -> str | None:
    names = {h.strip().lower() for h in header}
    if "since_start" in names and "rr" in names:
        return "hrv-logger"
    if "since_start" in names and "heart_rate" in names:
        raise _refuse(path, "an HRV Logger heart-rate export (once a second)",
                      "give calmlink the RR intervals file (…_RRIntervals.csv) of the same session")
    if {"avnn", "rmssd"} <= names:
        raise _refuse(path, "an HRV Logger features export (the app's own HRV per window)",
                      "give calmlink the RR intervals file (…_RRIntervals.csv) of the same session")
    return None


def sniff_text(text: str, path: str) -> str:
    """The format of a text file; raises for recognised files calmlink cannot read."""
    head = _first_lines(text)
    first = head[0].lower() if head else ""
    if first.startswith("<"):
        return _xml(first, text, path)
    if first.startswith('{"t"'):
        raise RRFileError(path, None, "calmlink's raw notification log (record --out): replay it "
                          "with calmlink serve --replay or record --replay; the session it recorded "
                          "is in the store (calmlink export ID --format rr gives its RR intervals)")
    if first.startswith(("{", "[{")):
        raise RRFileError(path, None, "a JSON file: calmlink reads RR intervals as text, CSV, HRM "
                          "or FIT; export them in one of those (calmlink's own export: --format csv)")
    if first == "[params]":
        return "polar-hrm"
    if "phone timestamp" in first and ";" in first:
        return _polar_logger(first, path)
    if is_calmlink_csv(first):
        return "calmlink"
    if len(head) > 1 and "," not in first and "rrdata" in head[1].lower().replace(" ", ""):
        return "movesense"
    if is_kubios_report(head):
        return "kubios-report"
    return sniff_e4(head, path) or _table(text, head, path)


def _table(text: str, head: list[str], path: str) -> str:
    """A table with a header (its columns judged by name and values), a table of numbers, a list
    on one line, or one interval a line."""
    if head and "," in head[0] and not NUMBER.match(head[0].split(",")[0].strip()):
        header = next(csv.reader([head[0]]))
        found = _hrv_logger(header, path)
        if found is not None:
            return found
        if list_column(list(csv.reader(head[:2]))) is not None:
            return "measurements"
        return _with_rr_column(header, split_rows(_first_lines(text, SAMPLE_LINES)[1:], ",",
                                                  path, 2), path)
    delimiter = table_delimiter(head)
    if delimiter is not None and not NUMBER.match(split_rows([head[0]], delimiter, path, 1)[0][0]):
        header = split_rows([head[0]], delimiter, path, 1)[0]
        rows = split_rows(_first_lines(text, SAMPLE_LINES)[1:], delimiter, path, 2)
        return _with_rr_column(header, rows, path)
    if delimiter is not None and all(first_cells_are_numbers(h) for h in head):
        rows = split_rows(_first_lines(text, SAMPLE_LINES), delimiter, path, 1)
        width = len(rows[0])
        if choose(None, rows) is None and all(in_rr_range(column_numbers(rows, k)) for k in range(width)):
            return "list"  # every column intervals, none alone: a list wrapped over lines
        return "columns"  # rows of a few numbers each, no header: judged column by column
    numbers = [p for p in SEPARATORS.split(head[0]) if p] if head else []
    if len(numbers) > 2 and all(NUMBER.match(p) for p in numbers):
        return "list"
    return "plain"


SAMPLE_LINES = 60
"""Lines of a table read to judge its columns."""


def _with_rr_column(header: list[str], rows: list[list[str]], path: str) -> str:
    if choose([h.strip() for h in header], rows) is None:
        raise table_without_rr([h.strip() for h in header], rows, path)
    return "time-rr"
