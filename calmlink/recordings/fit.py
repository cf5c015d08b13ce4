"""Garmin FIT activity files: the beat-to-beat intervals are in ``hrv`` messages.

Each ``hrv`` message holds up to five intervals in seconds (unused slots invalid). The messages
carry no time of their own; the watch writes them as the beats arrive, between timestamped
records, so the latest timestamp before a message is its arrival time. The beats run on the RR sum,
re-anchored to that clock when it runs ahead of the sum by more than :data:`GAP_SLACK_S` (the
strap dropped out). Read with fitdecode (MIT, maintained); imported only here.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from calmlink.recordings.clock import with_gap_warning
from calmlink.recordings.screen import screen, with_screening
from calmlink.recordings.series import GAP_SLACK_S, RRFileError, RRSeries

NO_HRV = ("this FIT file has no beat-to-beat data: turn on HRV logging (\"Log HRV\" / heart rate "
          "variability recording) on the watch or bike computer before the next activity")


def read_fit(data: bytes, path: str) -> RRSeries:
    import fitdecode

    rr_s: list[float] = []
    stamps: list[float] = []
    start: datetime | None = None
    last: datetime | None = None
    try:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.WARN) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                stamp = frame.get_value("timestamp", fallback=None)
                if isinstance(stamp, datetime):
                    last = stamp
                if frame.name == "file_id":
                    created = frame.get_value("time_created", fallback=None)
                    start = created if isinstance(created, datetime) else start
                elif frame.name == "hrv":
                    for value in frame.get_value("time", fallback=None) or ():
                        if value is not None and value < 65.0:  # 65.535 s: an unused slot
                            rr_s.append(float(value))
                            stamps.append(last.timestamp() if last is not None else np.nan)
    except (fitdecode.FitError, ValueError, EOFError) as exc:
        raise RRFileError(path, None, f"a damaged FIT file: {exc}") from None
    if not rr_s:
        raise RRFileError(path, None, NO_HRV)
    rr = np.array(rr_s) * 1000.0
    s = screen(rr, path, None)  # a binary file: no line to name
    arrivals = np.array(stamps)[s.keep]
    series = with_screening(_on_arrival_clock(rr[s.keep], arrivals), s)
    first = series.t_s[0] - series.rr_ms[0] / 1000.0
    t0 = start or (datetime.fromtimestamp(arrivals[0], UTC) if np.isfinite(arrivals[0]) else None)
    return with_gap_warning(replace(series, t_s=series.t_s - first, start=t0))


def _on_arrival_clock(rr: np.ndarray, stamps: np.ndarray) -> RRSeries:
    """Beats on the RR sum, restarted at the arrival clock wherever it runs ahead by more than the
    slack: the intervals in between were lost. Not ``from_times``' step rule: the watch writes
    a dozen messages under one stamp and the next stamp then jumps by all of them, which that rule
    would take for a gap (and its own files keep the step rule: tried, the cumulative rule missed the
    real 5 s gap in the Polar PPI sample after the logger's clock stepped back)."""
    beats = np.empty(rr.size)
    gap = np.zeros(rr.size, dtype=bool)
    anchor = stamps[0] if np.isfinite(stamps[0]) else 0.0
    now = anchor
    for k in range(rr.size):
        predicted = now + rr[k] / 1000.0
        if k and np.isfinite(stamps[k]) and stamps[k] - predicted > GAP_SLACK_S:
            gap[k] = True
            predicted = stamps[k] + rr[k] / 1000.0
        beats[k] = now = predicted
    return RRSeries(rr, beats, gap, "fit")
