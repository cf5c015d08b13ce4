"""A chest strap's ACC file imported with its RR file as one session (`calmlink import FILE --acc
ACC_FILE`): the breaths read from it exactly as live (signal.chest_batch runs the live path), placed
on the session's beat clock by the two files' own clocks, kept with the session; the raw samples too
when the keep_chest_raw setting asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from calmlink.recordings.acc import AccRecording
from calmlink.recordings.series import RRFileError, RRSeries
from calmlink.signal.chest_batch import read_chest
from calmlink.store.chest import StoredBreath

IMPORT_SETTLE_S = 60.0
"""An imported recording's first minute is its reference (as its beats' baseline)."""
MIN_OVERLAP_S = 60.0


@dataclass(frozen=True, slots=True)
class ImportedChest:
    breaths: list[StoredBreath]
    times_s: NDArray[np.float64]
    """Each sample on the session's beat clock."""
    xyz_mg: NDArray[np.float64]
    rate_hz: float
    warning: str | None
    """Said when the two files' clocks could not be tied (the ACC file taken to start with the
    recording)."""


def _local(moment: datetime) -> datetime:
    """A wall-clock time as the phone wrote it: local, without a zone."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def chest_for_import(acc: AccRecording, path: str, series: RRSeries, beats_end_s: float
                     ) -> ImportedChest:
    """The ACC file's breaths on the session clock of ``series`` (time 0 at its ``start``);
    RRFileError when the two files do not overlap by a minute."""
    warning = None
    if series.start is not None and acc.start is not None:
        offset = (acc.start - _local(series.start)).total_seconds()
    else:
        offset = 0.0
        warning = (f"{path}: the RR file does not say when it began, so the ACC file is taken to "
                   "start with it")
    times = acc.t_s + offset
    overlap = min(float(times[-1]), beats_end_s) - max(float(times[0]), 0.0) if times.size else 0.0
    if overlap < MIN_OVERLAP_S:
        raise RRFileError(path, None, f"the ACC file and the RR file overlap by {max(overlap, 0):.0f} s "
                          f"by their own clocks (ACC from {acc.start}, RR from "
                          f"{series.start or 'its first beat'}): a session needs a minute of both")
    rate = acc.rate_hz
    if rate < 4.0:
        raise RRFileError(path, None, f"samples {rate:.1f} a second: too few to follow a breath")
    series_read = read_chest(times, acc.xyz_mg, rate, settle_s=IMPORT_SETTLE_S)
    breaths = [StoredBreath("receiver", round(b.t, 3), round(b.duration_s, 3), round(b.depth_mg, 2),
                            None if b.depth is None else round(b.depth, 3), b.deep)
               for b in series_read.breaths]
    return ImportedChest(breaths, times, acc.xyz_mg, rate, warning)
