"""A recording's beats as arrays, and the one error every reader raises."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from calmlink.numeric import median

GAP_SLACK_S = 2.5
"""Time may run ahead of the RR sum by this much (packet batching) before it counts as a gap."""

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
"""A plain decimal number, as RR files write them."""


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
    start: datetime | None = None
    """When the recording began, from the file itself, or None when the file does not say: aware
    when the file names its zone (or writes Unix time), naive when it writes local time without
    one (Polar HRM, a date in a file name): the recording's own wall clock, never taken for UTC."""
    flagged: NDArray[np.bool_] | None = None
    """Intervals the sensor itself marked unreliable (Polar's PPI blocker): artifacts, whatever
    their value."""
    optical: bool = False
    """Pulse-to-pulse intervals from an optical sensor (PPG), not a chest strap's ECG R waves."""
    label: str = ""
    """Which measurement of a file that holds several ("measurement 3, 2020-04-21 21:23")."""
    warnings: tuple[str, ...] = field(default=())
    """Things a person should know before trusting the numbers (a clock in an odd unit, many gaps)."""

    @property
    def duration_s(self) -> float:
        if self.rr_ms.size == 0:
            return 0.0
        return float(self.t_s[-1] - self.t_s[0] + self.rr_ms[0] / 1000.0)


def from_rr(rr: NDArray[np.float64], fmt: str) -> RRSeries:
    """A series with no clock of its own: beat times are the cumulative RR sum."""
    return RRSeries(rr, np.cumsum(rr) / 1000.0, np.zeros(rr.size, dtype=bool), fmt)


def from_times(t: NDArray[np.float64], rr: NDArray[np.float64], fmt: str,
               beat_clock: bool = True) -> RRSeries:
    """Times are either beat times (steps match the intervals) or packet arrival times (several
    intervals share one stamp). Either way a jump the intervals cannot explain is a gap; arrival
    stamps are replaced by the RR sum, re-anchored to the stamp after each gap. ``beat_clock=False``
    says the stamps are estimates never to be kept as beat times."""
    gap = np.zeros(rr.size, dtype=bool)
    if rr.size > 1:
        gap[1:] = np.diff(t) > rr[1:] / 1000.0 + GAP_SLACK_S
    if beat_clock and rr.size > 1 and median(np.abs(np.diff(t) - rr[1:] / 1000.0)) < 0.05:
        return RRSeries(rr, t, gap, fmt)  # a beat clock: keep it
    beats = np.empty(rr.size)
    starts = np.flatnonzero(gap).tolist()
    for lo, hi in zip([0, *starts], [*starts, rr.size], strict=True):
        first = float(t[lo])
        if lo > 0:  # the RR sum of the last run may reach past the next stamp: never go back
            first = max(first, float(beats[lo - 1]) + float(rr[lo]) / 1000.0)
        beats[lo:hi] = first + np.cumsum(rr[lo:hi]) / 1000.0 - rr[lo] / 1000.0
    return RRSeries(rr, beats, gap, fmt)




def as_ms(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Intervals in ms, whether the file wrote ms or s (seconds when the median of the values that
    could be intervals is under 10); values that cannot be are left for :mod:`.screen` to judge."""
    plausible = values[np.isfinite(values) & (values > 0)]
    if plausible.size and median(plausible) < 10.0:
        with np.errstate(over="ignore"):
            return values * 1000.0
    return values


NON_FINITE = ("nan", "inf", "infinity")
"""Words a reader must treat as (bad) values, never skip as a header."""


def show(value: float) -> str:
    """A value as the file wrote it, near enough: -5, 812.5, nan."""
    return f"{float(value):g}"


def check_clock(t: NDArray[np.float64], path: str, lines: list[int]) -> None:
    """A file's own clock must be numbers that never run backwards (equal stamps are packets)."""
    bad = np.flatnonzero(~np.isfinite(t))
    if bad.size:
        k = int(bad[0])
        raise RRFileError(path, lines[k], f"a time must be a number, got {show(t[k])}")
    back = np.flatnonzero(np.diff(t) < 0)
    if back.size:
        k = int(back[0]) + 1
        raise RRFileError(path, lines[k], f"the clock runs backwards: {show(t[k])} comes after "
                          f"{show(t[k - 1])}")
