"""A file's own clock: its unit read from the data, its wall-clock start, and a warning when the
clock does not fit the intervals beside it (silently wrong is the worst answer)."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from calmlink.numeric import median
from calmlink.recordings.series import RRSeries, from_times

UNITS = ((1.0, "s"), (1e3, "ms"), (1e6, "µs"), (1e9, "ns"))
"""Ticks per second of the time units files use."""

EPOCH_2000_S = 946_684_800.0
"""A clock reading past 2000-01-01 in seconds is a wall clock (Unix time), not time since start."""

GAP_WARN_FRACTION = 0.03
"""More than this share of beats "after a gap" is worth a warning: the clock may not be what it seems."""

FILE_NAME_DATE = re.compile(
    r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})[ T_-]+(\d{2})[-_.:h]?(\d{2})[-_.:m]?(\d{2})(?!\d)")
"""A date and time in a file name, as Elite HRV ("2017-06-29 13-11-53.txt") and Movesense
("HR-2025_01_25-16_42_59.csv") name their exports."""


UNIT_SLACK = 5.0
"""A clock that moves more than this factor away from any unit per beat fits none: a warning."""


def clock_unit(t: NDArray[np.float64], rr_ms: NDArray[np.float64]) -> tuple[float, str, float]:
    """Ticks per second of a time column, judged by how far it moves per beat: one beat is
    ``rr_ms`` long, so the clock's typical step against the typical interval gives its unit. Also
    how many intervals the clock moves per beat in that unit (about 1 for a clock that fits)."""
    steps = np.diff(t)
    steps = steps[steps > 0]
    if steps.size == 0 or rr_ms.size < 2:
        return 1.0, "s", 1.0
    ratio = median(steps) / (median(rr_ms) / 1000.0)
    if not math.isfinite(ratio) or ratio <= 0:
        return 1.0, "s", 1.0
    k = min(range(len(UNITS)), key=lambda i: abs(math.log10(ratio) - math.log10(UNITS[i][0])))
    scale, unit = UNITS[k]
    return scale, unit, ratio / scale


def clocked_series(t_raw: NDArray[np.float64], rr_ms: NDArray[np.float64], fmt: str,
                   header_unit: str | None = None, absolute: bool = False,
                   beat_clock: bool = True, zone_known: bool = True) -> RRSeries:
    """A series on the file's own clock, whatever unit it is in; a clock past 2000 in seconds (or
    ``absolute``, for dates) is a wall clock and gives the recording's start. Dates written
    without a zone (``zone_known`` False, placed on the clock as if UTC) give a start without
    one: the recording's own local time, never UTC."""
    scale, unit, per_beat = clock_unit(t_raw, rr_ms)
    warnings: list[str] = []
    if abs(math.log10(per_beat)) > math.log10(UNIT_SLACK):
        warnings.append(f"the time column fits no time unit against the intervals beside it: read "
                        f"as {unit}, it moves {per_beat:.3g} intervals per beat; check the file")
    if header_unit is not None and header_unit != unit:
        warnings.append(f"the time column is labelled in {header_unit} but moves like {unit} "
                        f"against the intervals: read as {unit}")
    t = t_raw / scale
    start: datetime | None = None
    if absolute or float(t[0]) > EPOCH_2000_S:
        start = datetime.fromtimestamp(float(t[0]) - float(rr_ms[0]) / 1000.0, UTC)
        if not zone_known:
            start = start.replace(tzinfo=None)
        t = t - t[0]
    elif scale != 1.0:  # a counter (nanoseconds since boot…): time since the first beat
        t = t - t[0]
    series = replace(from_times(t, rr_ms, fmt, beat_clock), start=start)
    return with_gap_warning(series, warnings)


def with_gap_warning(series: RRSeries, warnings: list[str] | None = None) -> RRSeries:
    """Add a warning when more than a few percent of beats follow a gap in the file's clock."""
    notes = list(series.warnings) + list(warnings or [])
    n = series.rr_ms.size
    gaps = int(series.gap_before.sum())
    if n and gaps > max(1, GAP_WARN_FRACTION * n):
        notes.append(f"{gaps} of {n} beats ({100 * gaps / n:.0f}%) follow a gap in the file's own "
                     "clock: the recording dropped out often, or its time column is not what it "
                     "seems (check the unit); metrics never bridge a gap")
    return replace(series, warnings=tuple(notes))


def start_from_name(path: str) -> datetime | None:
    """The recording's start from its file name: the local time of the phone that named it (no
    zone); None when the name holds no date and time."""
    for m in FILE_NAME_DATE.finditer(Path(path).name):
        try:
            y, mo, d, h, mi, sec = (int(g) for g in m.groups())
            if 1990 <= y <= 2100:
                return datetime(y, mo, d, h, mi, sec)
        except ValueError:
            continue
    return None
