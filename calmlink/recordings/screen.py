"""Values that cannot be beat-to-beat intervals, bent into gaps rather than breaking the file.

A watch that lost the strap for a minute may write that minute as one "interval"; a logger may
write 0 or nan where a beat was missed. Such a value is no interval, but the beats around it are
good: it is left out, the beat after it starts a new segment (metrics never bridge it), and a
warning counts the values left out and says where they were (the line in a text file; a binary
file has no lines to name). Only a file where no value can be an interval is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from calmlink.recordings.series import RRFileError, RRSeries, show

MAX_RR_MS = 60_000.0
"""Longer than a minute is no interval, even at rest: lost time."""
MAX_LOST_MS = 86_400_000.0
"""A value left out counts as time that passed up to a day; beyond, it is no time at all."""
SHOWN = 3
"""Left-out values named in the warning; the rest are counted."""


@dataclass(frozen=True, slots=True)
class Screened:
    keep: NDArray[np.bool_]
    """Over the values read: the ones that can be intervals."""
    gap: NDArray[np.bool_]
    """Over the kept values: each one that follows a value left out."""
    lost_ms: NDArray[np.float64]
    """Over the values read: time that passed in a value left out (a long one), else 0."""
    warning: str | None


def usable(rr: NDArray[np.float64]) -> NDArray[np.bool_]:
    ok: NDArray[np.bool_] = np.isfinite(rr) & (rr > 0) & (rr <= MAX_RR_MS)
    return ok


def screen(rr: NDArray[np.float64], path: str, lines: list[int] | None,
           shown: list[str] | None = None) -> Screened:
    """Which values can be intervals (ms); raises :class:`RRFileError` when none can. ``lines``
    names each value's line in a text file, None for a binary one; ``shown``, what the file wrote
    (a word where a number should be), else the value itself."""
    keep = usable(rr)
    if keep.all():
        return Screened(keep, np.zeros(rr.size, dtype=bool), np.zeros(rr.size), None)
    bad = np.flatnonzero(~keep)
    def text(k: int) -> str:
        return repr(shown[k].strip()[:30]) if shown is not None else show(rr[k])

    if not keep.any():
        first = int(bad[0])
        raise RRFileError(path, lines[first] if lines is not None else None,
                          "no value here can be a beat-to-beat interval: an RR interval is a "
                          f"positive number of ms or s (at most a minute), got {text(first)}")
    dropped_before = np.concatenate(([0], np.cumsum(~keep)))[:-1]
    kept_index = np.flatnonzero(keep)
    gap = np.zeros(kept_index.size, dtype=bool)
    gap[1:] = np.diff(dropped_before[kept_index]) > 0
    lost = np.where((rr > MAX_RR_MS) & (rr <= MAX_LOST_MS), rr, 0.0)
    where = [f"line {lines[k]}: {text(k)}" if lines is not None else f"{text(k)} ms"
             for k in bad[:SHOWN].tolist()]
    more = f" and {bad.size - SHOWN} more" if bad.size > SHOWN else ""
    warning = (f"{bad.size} value(s) that cannot be beat-to-beat intervals (not a positive number, "
               f"or over a minute) left out as gaps ({'; '.join(where)}{more}): the beats after "
               "each start a new segment")
    return Screened(keep, gap, lost, warning)


def bent_from_rr(rr: NDArray[np.float64], fmt: str, path: str,
                 lines: list[int] | None) -> RRSeries:
    """A series with no clock of its own, values that cannot be intervals left out as gaps: beat
    times run on the RR sum, a long value left out still counting as time that passed."""
    s = screen(rr, path, lines)
    t = np.cumsum(np.where(s.keep, rr, s.lost_ms))[s.keep] / 1000.0
    series = RRSeries(rr[s.keep], t, s.gap, fmt)
    return with_screening(series, s)


def with_screening(series: RRSeries, s: Screened) -> RRSeries:
    """The series (of the kept values) with the screen's gaps and warning added."""
    if s.warning is None:
        return series
    return replace(series, gap_before=series.gap_before | s.gap,
                   warnings=(*series.warnings, s.warning))
