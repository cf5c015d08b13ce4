"""Polar HRM files (Polar ProTrainer, Precision Performance): ``[Params]`` then ``[HRData]``.

Only R-R mode holds beat-to-beat intervals: ``Interval=238`` in ``[Params]``, one interval in ms
per ``[HRData]`` line (first column). Any other ``Interval`` is heart rate sampled every so many
seconds, named and refused. ``Date`` and ``StartTime`` give the recording's start: the watch's
local time, kept without a zone (the file names none).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np

from calmlink.recordings.screen import bent_from_rr
from calmlink.recordings.series import NUMBER, RRFileError, RRSeries

RR_MODE = "238"


def _sections(text: str) -> dict[str, list[tuple[int, str]]]:
    sections: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    for line, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if s.startswith("[") and s.endswith("]"):
            current = sections.setdefault(s[1:-1].lower(), [])
        elif current is not None and s:
            current.append((line, s))
    return sections


def _start(params: dict[str, str]) -> datetime | None:
    try:
        day = datetime.strptime(params["date"], "%Y%m%d")
        h, m, sec = params["starttime"].split(":")
        return day.replace(hour=int(h), minute=int(m), second=int(float(sec)),
                           microsecond=round(float(sec) % 1 * 1e6))  # local time: no zone
    except (KeyError, ValueError):
        return None


def read_polar_hrm(text: str, path: str) -> RRSeries:
    sections = _sections(text)
    params = {k.strip().lower(): v.strip() for _, kv in sections.get("params", [])
              for k, _, v in [kv.partition("=")]}
    interval = params.get("interval")
    if interval != RR_MODE:
        what = f"heart rate every {interval} s" if interval and interval.isdigit() else \
            f"Interval={interval}" if interval else "no Interval in [Params]"
        raise RRFileError(path, None, f"a Polar HRM file recorded in sampled mode ({what}), not "
                          "R-R mode (Interval=238): it holds no beat-to-beat intervals; record with "
                          "R-R recording turned on in the watch's settings")
    rows = sections.get("hrdata", [])
    values: list[float] = []
    lines: list[int] = []
    for line, s in rows:
        first = s.split()[0]
        if not NUMBER.match(first):
            raise RRFileError(path, line, f"expected an RR interval in ms in [HRData], got {s[:40]!r}")
        values.append(float(first))
        lines.append(line)
    if not values:
        raise RRFileError(path, None, "a Polar HRM file with no [HRData] intervals")
    return replace(bent_from_rr(np.array(values), "polar-hrm", path, lines), start=_start(params))
