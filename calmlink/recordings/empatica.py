"""Empatica E4 wristband files (a research wristband; E4 Connect's per-session download).

Every file starts with the session's start as Unix time in UTC. ``IBI.csv`` holds beat-to-beat
intervals found in the wrist's pulse wave: line 1 is ``<start>, IBI``, then one row per beat,
``<seconds since the start>,<interval in seconds>``. The wristband leaves out beats it cannot
trust, so rows further apart than their interval mark a gap. The other files hold no intervals
and are named with what to give instead: ``HR.csv`` (1 a second), ``EDA.csv`` and ``TEMP.csv``
(4 a second), ``BVP.csv`` (the pulse wave, 64 a second) and ``ACC.csv`` (three axes, 32 a second)
start with the rate on line 2; ``tags.csv`` holds only button-press times.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from calmlink.recordings.clock import with_gap_warning
from calmlink.recordings.screen import screen, with_screening
from calmlink.recordings.series import NUMBER, RRFileError, RRSeries, check_clock
from calmlink.recordings.verdicts import HEART_RATE, NO_BEATS

UNIX_S = (1.0e9, 5.0e9)
"""A number here on line 1 is a Unix time (2001 to 2128): an E4 file's session start."""
E4_SLACK_S = 0.1
"""The wristband's beat times and intervals agree to a few of its 1/64 s samples: rows further
apart than their interval and this are beats it left out, a gap."""
GIVE_IBI = "give calmlink the IBI.csv file of the same session (its beat-to-beat intervals)"
STREAMS = {
    1.0: ("an Empatica E4 HR.csv", f"{HEART_RATE} (an average once a second)"),
    4.0: ("an Empatica E4 EDA.csv or TEMP.csv", "skin conductance or temperature, 4 a second: "
          + NO_BEATS),
    32.0: ("an Empatica E4 ACC.csv", "movement on three axes, 32 a second: " + NO_BEATS),
    64.0: ("an Empatica E4 BVP.csv", "the raw pulse wave, 64 a second: " + NO_BEATS),
}


def _unix(cell: str) -> bool:
    return bool(NUMBER.match(cell.strip())) and UNIX_S[0] <= float(cell) <= UNIX_S[1]


def sniff_e4(head: list[str], path: str) -> str | None:
    """``e4-ibi`` for an IBI.csv; raises naming the other E4 files; None for anything else."""
    if not head:
        return None
    cells = [c.strip() for c in head[0].split(",")]
    if not _unix(cells[0]):
        return None
    if len(cells) == 2 and cells[1].upper() == "IBI":
        return "e4-ibi"
    if len(set(cells)) != 1 or len(head) < 2:
        return None
    second = [c.strip() for c in head[1].split(",")]
    if len(second) == len(cells) == 1 and _unix(second[0]):
        raise RRFileError(path, None, f"an Empatica E4 tags.csv (button presses): {NO_BEATS}; "
                          + GIVE_IBI)
    if len(second) != len(cells) or len(set(second)) != 1 or not NUMBER.match(second[0]):
        return None
    known = STREAMS.get(float(second[0]))
    if known is None or (len(cells) == 3) != (float(second[0]) == 32.0):
        return None
    what, why = known
    raise RRFileError(path, None, f"{what} ({why}); {GIVE_IBI}")


def read_e4_ibi(text: str, path: str) -> RRSeries:
    lines = text.splitlines()
    first = lines[0].split(",")[0] if lines else ""
    if not _unix(first):
        raise RRFileError(path, 1, "expected the session's start (Unix time) and IBI on line 1, "
                          f"got {(lines[0] if lines else '')[:40]!r}")
    start_s = float(first)
    offsets: list[float] = []
    intervals: list[float] = []
    numbers: list[int] = []
    shown: list[str] = []
    for line, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        cells = [c.strip() for c in raw.split(",")]
        ok = len(cells) == 2 and all(NUMBER.match(c) for c in cells)
        offsets.append(float(cells[0]) if ok else np.nan)
        intervals.append(float(cells[1]) * 1000.0 if ok else np.nan)
        numbers.append(line)
        shown.append(raw)
    if not intervals:  # a session where the wristband trusted no beat at all
        raise RRFileError(path, None, "an Empatica E4 IBI.csv with no beats: the wristband found "
                          "none it could trust (it needs stillness and a snug fit)")
    rr, t = np.array(intervals), np.array(offsets)
    s = screen(rr, path, numbers, shown)
    rr, t = rr[s.keep], t[s.keep]
    check_clock(t, path, [n for n, k in zip(numbers, s.keep.tolist(), strict=True) if k])
    gap = np.zeros(rr.size, dtype=bool)
    gap[1:] = np.diff(t) > rr[1:] / 1000.0 + E4_SLACK_S
    begins = float(t[0]) - float(rr[0]) / 1000.0  # the first interval's start, after the session's
    series = RRSeries(rr, t - t[0], gap, "e4-ibi", optical=True,
                      start=datetime.fromtimestamp(start_s + begins, UTC))
    return with_gap_warning(with_screening(series, s))
