"""Which column of a table is what: by its name, and by what its values can be.

A name is a good first guess and a poor proof: ``rr`` may head a column of flags, a header may be
missing, a two-column file may be (time, RR) or (RR, flag). So every guess is checked against the
values: intervals are mostly 250-2,000 ms (or 0.25-2 s) and go up and down; a clock only goes
forward and steps by about one interval a beat; marks are 0 and 1 (or true and false). A column
of marks named as such (``artifact``, ``flag``, ``ectopic``… or ``valid``, ``ok`` the other way
round) is honoured as the file's own judgement of each beat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calmlink.numeric import median
from calmlink.recordings.series import NUMBER

RR_NAMES = (r"^rr[_ -]?ms$", r"rr[-_ ]?interval", r"^rr$", r"^rr[ _]?[\[(]", r"^rrdata$",
            r"pp[-_ ]?interval", r"^ibi", r"inter[-_ ]?beat", r"^nn[-_ ]?interval", r"^interval",
            r"^r-r", r"^rr[-_ ]?(abstand|abstände|intervall|intervalle|intervalo)")
"""Column names an RR column goes by, most specific first (never a bare prefix: ``rr_code`` is an ID)."""
TIME_NAMES = (r"^t$", r"^t_s$", r"time_ns", r"timestamp", r"time", r"^t_", r"^offset",
              r"^(zeit|tiempo|temps|tempo|tid|aika)\b")
MARK_NAMES = (r"artifact", r"artefact", r"artefakt", r"^flag", r"ectopic", r"^bad$", r"noise", r"reject",
              r"exclu", r"^marked")
"""Marks that say a beat is unreliable when set."""
GOOD_NAMES = (r"^valid", r"^good$", r"^ok$", r"^clean$", r"accept")
"""Marks that say a beat is reliable when set: unset is the mark."""
HR_NAMES = (r"^hr\b", r"^hr$", r"heart[-_ ]?rate", r"\bbpm\b", r"^pulse", r"puls$")
YES = {"1", "true", "yes", "y", "x"}
NO = {"0", "false", "no", "n", ""}
SAMPLE_ROWS = 500
"""Rows looked at to judge a column (a long file's first rows say what its columns are)."""
PLAUSIBLE_MS = (250.0, 2000.0)


@dataclass(frozen=True, slots=True)
class Columns:
    rr: int
    time: int | None = None
    marks: int | None = None
    marks_say_good: bool = False
    """The marks column says which beats are good (``valid``): an unset one is the mark."""


def named(header: list[str], patterns: tuple[str, ...], skip: set[int] | None = None) -> int | None:
    for pattern in patterns:
        for i, name in enumerate(header):
            if (skip is None or i not in skip) and re.search(pattern, name.strip().lower()):
                return i
    return None


def numbers(rows: list[list[str]], k: int) -> NDArray[np.float64]:
    """The numeric cells of column ``k`` in the sampled rows (others left out)."""
    out = [float(r[k]) for r in rows[:SAMPLE_ROWS] if k < len(r) and NUMBER.match(r[k].strip())]
    return np.array(out, dtype=np.float64)


def in_rr_range(values: NDArray[np.float64]) -> bool:
    """Mostly 250-2,000 ms or 0.25-2 s, and not marks."""
    if values.size < 2 or is_marks_values(values):
        return False
    mid = median(values)
    scaled = mid * 1000.0 if mid < 10.0 else mid
    return PLAUSIBLE_MS[0] <= scaled <= PLAUSIBLE_MS[1]


def looks_like_rr(values: NDArray[np.float64]) -> bool:
    """Intervals in ms or s, not a clock (which only goes forward)."""
    return in_rr_range(values) and not is_clock(values)


def is_marks_values(values: NDArray[np.float64]) -> bool:
    return values.size > 0 and bool(np.all((values == 0) | (values == 1)))


def is_marks(rows: list[list[str]], k: int) -> bool:
    cells = {r[k].strip().lower() for r in rows[:SAMPLE_ROWS] if k < len(r)}
    return cells <= YES | NO and bool(cells - {""})


def is_clock(values: NDArray[np.float64]) -> bool:
    return values.size >= 2 and bool(np.all(np.diff(values) >= 0)) and values[-1] > values[0]


def choose(header: list[str] | None, rows: list[list[str]]) -> Columns | None:
    """The RR column (and a time and a marks column when there are), by names where there are
    some, checked against the values; by the values alone otherwise. None: no column of
    intervals."""
    width = max((len(r) for r in rows[:SAMPLE_ROWS]), default=0)
    names = header or [""] * width
    rr = named(names, RR_NAMES)
    if rr is not None and is_marks(rows, rr):
        rr = None  # a name that its values deny (an "RR" column of flags)
    if rr is None:
        fits = [k for k in range(width) if looks_like_rr(numbers(rows, k))
                and named([names[k]], TIME_NAMES + HR_NAMES) is None]
        rr = fits[0] if len(fits) == 1 else None
    if rr is None:
        return None
    time = named(names, TIME_NAMES, {rr})
    if time is None and header is None:  # no names: a clock is the column that only goes forward
        time = next((k for k in range(width) if k != rr and is_clock(numbers(rows, k))
                     and not is_marks(rows, k)), None)
    taken = {k for k in (rr, time) if k is not None}
    marks = named(names, MARK_NAMES, taken)
    good = named(names, GOOD_NAMES, taken)
    if marks is None and good is None and header is None:  # no names: 0/1 beside the intervals
        marks = next((k for k in range(width) if k not in (rr, time) and is_marks(rows, k)), None)
    if marks is not None and not is_marks(rows, marks):
        marks = None
    if marks is None and good is not None and is_marks(rows, good):
        return Columns(rr, time, good, marks_say_good=True)
    return Columns(rr, time, marks)


def marks_of(rows: list[list[str]], cols: Columns) -> NDArray[np.bool_] | None:
    """Each row's mark from the file (True: the file says the beat is unreliable)."""
    if cols.marks is None:
        return None
    k = cols.marks
    set_ = np.array([(r[k].strip().lower() in YES) if k < len(r) else False for r in rows])
    return ~set_ if cols.marks_say_good else set_
