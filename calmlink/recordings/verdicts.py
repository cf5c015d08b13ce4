"""Files that hold no beat-to-beat intervals, named for what they are, with what to give instead.

"Not supported" and "damaged" are different answers: a table of heart rate once a second, a
daily summary from a ring or a strap's app, or a column of beats per minute is no damaged RR file,
and a parse error ("got 1.56e+09") would send a person looking for a fault that is not there.
"""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from calmlink.numeric import median
from calmlink.recordings.columns import HR_NAMES, SAMPLE_ROWS, named, numbers
from calmlink.recordings.series import NUMBER, RRFileError

NO_BEATS = "it holds no beat-to-beat intervals"
HEART_RATE = "heart rate, not beat-to-beat intervals"
GIVE_RR = ("give calmlink the RR (beat-to-beat interval, IBI) export of the same recording, or "
           "record with an app that saves RR intervals")
SUMMARY_NAMES = (r"hrv", r"rmssd", r"resting", r"recovery", r"readiness", r"sleep", r"strain",
                 r"score", r"steps", r"calorie", r"spo2", r"oxygen")
"""Columns a daily summary has (Whoop cycles, Oura and Garmin daily exports): each row a day."""
DAY_S = 20 * 3600.0
"""Rows this far apart or more are days, not beats."""
BPM_LIKE = (20.0, 240.0)
"""A column whose median is in [20, 240) is beats per minute: as ms it would be over 250 beats a
minute (the fastest a heart beats), as s far too slow."""


def refuse(path: str, what: str, instead: str) -> RRFileError:
    return RRFileError(path, None, f"{what}: {NO_BEATS}; {instead}")


def _dates(rows: list[list[str]], k: int) -> list[datetime]:
    out = []
    for r in rows[:SAMPLE_ROWS]:
        if k < len(r):
            try:
                out.append(datetime.fromisoformat(r[k].strip().replace("/", "-")))
            except ValueError:
                continue
    return out


def _daily(header: list[str], rows: list[list[str]]) -> bool:
    """One row per day: summary columns, and dates (or a day count) a day apart."""
    summary = sum(1 for h in header if any(re.search(p, h.lower()) for p in SUMMARY_NAMES))
    if summary < 2 or len(rows) < 2:
        return False
    for k in range(len(header)):
        dates = _dates(rows, k)
        if len(dates) >= 2:
            steps = np.diff([d.timestamp() for d in dates])
            return median(np.abs(steps)) >= DAY_S
    return summary >= 3  # a summary without dates: the names say it


def table_without_rr(header: list[str], rows: list[list[str]], path: str) -> RRFileError:
    """Why a table with no column of intervals cannot be read: a daily summary, heart rate only,
    or a table calmlink does not know (naming its columns)."""
    if _daily(header, rows):
        return refuse(path, "a daily summary (one row per day: resting heart rate, HRV, sleep…, "
                      "as Whoop, Oura or Garmin export them)", "give calmlink a recording's "
                      "beat-to-beat intervals (an RR or IBI file of one session) instead")
    hr = named(header, HR_NAMES)
    if hr is not None:
        values = numbers(rows, hr)
        every = _spacing(header, rows)
        what = f"a heart-rate table ({header[hr].strip()!r}{every})"
        if values.size == 0 or BPM_LIKE[0] <= median(values) < BPM_LIKE[1]:
            return RRFileError(path, None, f"{what}: {HEART_RATE}; {GIVE_RR}")
    shown = ", ".join(repr(h.strip()) for h in header[:8]) + ("…" if len(header) > 8 else "")
    return RRFileError(path, None, f"a table with no column of beat-to-beat intervals (its "
                       f"columns: {shown}): calmlink reads a column named RR, RR interval, IBI or "
                       "PP interval, in ms or s")


def _spacing(header: list[str], rows: list[list[str]]) -> str:
    """", about once a second" when a time column says how often heart rate was written."""
    for k in range(len(header)):
        dates = _dates(rows, k)
        if len(dates) >= 3:
            step = median(np.diff([d.timestamp() for d in dates]))
            return f", about every {step:g} s" if step >= 1 else ""
    return ""


def check_not_bpm(values: NDArray[np.float64], path: str, what: str = "values") -> None:
    """Refuse a column of beats per minute taken for intervals (see :data:`BPM_LIKE`)."""
    finite = values[np.isfinite(values) & (values > 0)]
    if finite.size >= 2 and BPM_LIKE[0] <= median(finite) < BPM_LIKE[1]:
        raise RRFileError(path, None, f"{what} around {median(finite):.0f} look like beats per "
                          f"minute: {HEART_RATE}; {GIVE_RR}")


def first_cells_are_numbers(line: str) -> bool:
    return all(NUMBER.match(c.strip()) for c in re.split(r"[,;\t ]+", line.strip()) if c.strip())
