"""Kubios HRV's text report ("Save results as text"): the analysis, then the RR series it used.

A report opens with ``HRV ANALYSIS RESULTS`` and ``Kubios HRV …`` and ends with a table headed
``RR INTERVAL DATA and SPECTRUM ESTIMATES``: comma-separated columns under a row naming them
(``Time``, ``RR interval``, then the spectra's) and a row of units (``(s)``). Each analysed sample
has its own pair of columns; the RR column ends where the sample does (the spectra run on below
it). Each sample is read as one recording, its beats on the report's own time column. The
``Measurement date`` gives the start when it is written day first (dd.mm.yyyy) or as ISO; a
date with slashes could be either order and is left out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import numpy as np

from calmlink.recordings.screen import screen, with_screening
from calmlink.recordings.series import NUMBER, RRFileError, RRSeries, as_ms, check_clock, from_times

DATA_TITLE = "rr interval data"
DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d.%m.%y %H:%M:%S")


def is_kubios_report(head: list[str]) -> bool:
    return any("kubios hrv" in line.lower() for line in head[:4]) or bool(
        head and head[0].upper().startswith("HRV ANALYSIS RESULTS"))


def _start(lines: list[str]) -> datetime | None:
    for line in lines[:40]:
        if line.lower().startswith("measurement date:"):
            value = line.split(":", 1)[1].strip()
            for fmt in DATE_FORMATS:
                try:
                    return datetime.strptime(value, fmt)  # the recorder's local time: no zone
                except ValueError:
                    continue
    return None


def read_kubios_report(text: str, path: str) -> list[RRSeries]:
    lines = text.splitlines()
    title = next((i for i, line in enumerate(lines) if DATA_TITLE in line.lower()), None)
    if title is None:
        raise RRFileError(path, None, "a Kubios HRV report without its RR series (the "
                          "'RR INTERVAL DATA' table): export the report with the RR data included, "
                          "or export the RR intervals as text")
    rows = [[c.strip() for c in line.split(",")] for line in lines[title + 1:]]
    names = next((k for k, r in enumerate(rows[:6])
                  if any(re.fullmatch(r"rr( interval)?", c.lower()) for c in r)), None)
    if names is None:
        raise RRFileError(path, title + 2, "expected a row naming the columns (Time, RR interval) "
                          "under RR INTERVAL DATA")
    header = rows[names]
    units = rows[names + 1] if names + 1 < len(rows) else []
    pairs = [(k - 1, k) for k, c in enumerate(header)
             if re.fullmatch(r"rr( interval)?", c.lower()) and k > 0 and "time" in header[k - 1].lower()]
    first_data = title + 1 + names + 2 + 1  # line number of the first data row
    out = []
    for n, (tk, rk) in enumerate(pairs, start=1):
        series = _sample(rows[names + 2:], tk, rk, units, path, first_data)
        out.append(replace(series, label=f"sample {n}" if len(pairs) > 1 else "",
                           start=_start(lines) if n == 1 else None))
    if not out:
        raise RRFileError(path, title + 2 + names, "expected a Time column before the RR column")
    return out


def _sample(rows: list[list[str]], tk: int, rk: int, units: list[str], path: str,
            first_line: int) -> RRSeries:
    t: list[float] = []
    rr: list[float] = []
    lines: list[int] = []
    for line, row in enumerate(rows, start=first_line):
        cell = row[rk] if rk < len(row) else ""
        if not cell:
            break  # the sample's RR series ends; the spectra run on below it
        t.append(float(row[tk]) if NUMBER.match(row[tk]) else np.nan)
        rr.append(float(cell) if NUMBER.match(cell) else np.nan)
        lines.append(line)
    unit = units[rk].strip("() ").lower() if rk < len(units) else ""
    values = np.array(rr) * (1000.0 if unit == "s" else 1.0) if unit in ("s", "ms") else \
        as_ms(np.array(rr))
    s = screen(values, path, lines)
    times = np.array(t)[s.keep]
    kept = [line for line, k in zip(lines, s.keep.tolist(), strict=True) if k]
    check_clock(times, path, kept)
    return with_screening(from_times(times, values[s.keep], "kubios-report"), s)
