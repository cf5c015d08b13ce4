"""Apple Health ``export.xml``: the watch's beat-to-beat readings, streamed.

An export is one XML file that can pass a gigabyte, so it is read with ``iterparse`` and every
record dropped once seen: memory stays flat whatever its size. The beat-to-beat data are the
``HeartRateVariabilitySDNN`` records, one per watch reading (about a minute), each holding
``InstantaneousBeatsPerMinute`` entries: a whole-number heart rate and the time of day of the beat,
written in the phone's own language and clock (:mod:`.times`).
Each record is one measurement: its intervals are 60000 / bpm (so they come in steps of 8-14 ms at
rest: read RMSSD under about 15 ms with care), on the beats' own times, optical (a wrist PPG).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from calmlink.recordings.clock import clocked_series
from calmlink.recordings.screen import screen, with_screening
from calmlink.recordings.series import RRFileError, RRSeries
from calmlink.recordings.times import seconds_of_day

if TYPE_CHECKING:  # the XML parser is imported when an export is read, not at every start-up
    import xml.etree.ElementTree as ET

HRV_RECORD = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"


def _beat_times(start: datetime, times: list[str]) -> list[float]:
    """Times of day in the phone's own format ("4:17:18.57 pm", "16:17:18,57"…), on the record's
    date, past midnight when they wrap."""
    out: list[float] = []
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    near = (start - midnight).total_seconds()
    for text in times:
        moment = midnight + timedelta(seconds=seconds_of_day(text, near))
        while out and moment.timestamp() < out[-1] - 1.0:
            moment += timedelta(days=1)
        out.append(moment.timestamp())
    return out


def read_apple_health(path: Path) -> list[RRSeries]:
    import xml.etree.ElementTree as ET

    name = str(path)
    out: list[RRSeries] = []
    try:
        depth = 0
        root: ET.Element | None = None
        for event, elem in ET.iterparse(path, events=("start", "end")):
            depth += 1 if event == "start" else -1
            if event == "start":
                root = elem if root is None else root
                continue
            if depth != 1:  # inside a top-level element: kept until that element ends
                continue
            if elem.tag == "Record" and elem.get("type") == HRV_RECORD:
                series = _record(elem, name)
                if series is not None:
                    label = f"measurement {len(out) + 1}" + (
                        f", {series.start.astimezone():%Y-%m-%d %H:%M}" if series.start else "")
                    out.append(replace(series, label=label))
            if root is not None:
                root.clear()  # drop what has been read: memory stays flat
    except ET.ParseError as exc:
        raise RRFileError(name, exc.position[0], f"a damaged Apple Health export ({exc})") from None
    except OSError as exc:
        raise RRFileError(name, None, f"cannot read the file: {exc.strerror}") from None
    if not out:
        raise RRFileError(name, None, "this Apple Health export holds no beat-to-beat readings "
                          "(Heart Rate Variability records with instantaneous heart rates): the "
                          "watch takes them during Breathe/Mindfulness sessions and now and then")
    return out


def _record(elem: ET.Element, path: str) -> RRSeries | None:
    beats = elem.findall("./HeartRateVariabilityMetadataList/InstantaneousBeatsPerMinute")
    if len(beats) < 2:
        return None
    try:
        start = datetime.strptime(elem.get("startDate", ""), "%Y-%m-%d %H:%M:%S %z")
        bpm = np.array([float(b.get("bpm", "nan")) for b in beats])
        t = np.array(_beat_times(start, [b.get("time", "") for b in beats]))
    except ValueError as exc:  # NotATime is one
        raise RRFileError(path, None, f"an Apple Health heart rate variability record from "
                          f"{elem.get('startDate')!r} that cannot be read ({exc})") from None
    with np.errstate(divide="ignore"):
        rr = 60000.0 / bpm
    try:
        screened = screen(rr, path, None)  # an XML file read as a stream: its lines are not kept
    except RRFileError:
        return None  # a record with no usable beat is no measurement (as one with under two)
    t, rr = t[screened.keep], rr[screened.keep]
    series = with_screening(clocked_series(t, rr, "apple-health", absolute=True), screened)
    missing = np.zeros(rr.size, dtype=bool)
    missing[1:] = np.diff(t) > 1.5 * rr[1:] / 1000.0  # the watch left beats out between these
    return replace(series, gap_before=series.gap_before | missing, optical=True)
