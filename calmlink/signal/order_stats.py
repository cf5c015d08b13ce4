"""Quantiles over centred sliding windows, exactly as sorting each window in float64 would give.

Artifact detection needs the quartiles of 91-beat windows at every beat (and an 11-beat median):
sorting 106,000 rows of 91 values was half of a 24-hour file's analysis. Two exact routes:

- **by level**: RR series are written on a grid (whole ms, a strap's 1/1024 s, a Holter's 1/128 s),
  so the absolute differences a window holds take few distinct values at the low end where the
  quartiles sit. For each distinct value in turn, how many values of each window lie at or below
  it is a difference of two running counts; a window's k-th smallest is the value where that count
  first passes k. A few passes over the series per level, and it stops once every window's quantile
  has been passed (16-19 levels on the 24-hour Holter file).
- **by sorting**: narrow windows (the 11-beat median) and every other series. Rows are sorted as
  float32 where that is exact (half the time of float64) and only rows holding a value float32
  cannot carry are sorted again in float64.

Both give the float64 answer to the bit (tests/test_artifacts.py checks them against each other and
against sorting every row).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]

MAX_LEVELS = 40
"""Distinct values tried by level before sorting instead: beyond it sorting is the cheaper route."""
LEVELS_FROM_WIDTH = 31
"""Narrower windows sort quickly (the 11-beat median): they are always sorted."""
SAMPLE_EVERY = 64
"""Every so many windows are sorted first, to see whether the levels needed pass the limit."""




def windows(x: NDArray[Any], width: int) -> NDArray[Any]:
    """Centred sliding windows of ``width``, edges padded by reflection: shape (n, width)."""
    if x.size == 0:
        return np.empty((0, width))
    return np.lib.stride_tricks.sliding_window_view(_padded(x, width), width)[: x.size]


def _padded(x: NDArray[Any], width: int) -> NDArray[Any]:
    half = width // 2
    return np.pad(x, half, mode="reflect") if x.size > half else np.pad(x, half, mode="edge")


def sorted_quantile(rows: NDArray[np.floating[Any]], q: float) -> Floats:
    """numpy's default ('linear') quantile of each already-sorted row, worked in float64."""
    lo, hi, frac = _positions(rows.shape[1], q)
    low = rows[:, lo].astype(np.float64)
    result: Floats = low + (rows[:, hi].astype(np.float64) - low) * frac
    return result


def _positions(width: int, q: float) -> tuple[int, int, float]:
    pos = q * (width - 1)
    lo = math.floor(pos)
    return lo, min(lo + 1, width - 1), pos - lo


def rolling_quantiles(x: Floats, width: int, qs: tuple[float, ...]) -> list[Floats]:
    """Quantiles ``qs`` of each centred window of ``x`` (width shrunk to an odd size that fits)."""
    w = min(width, max(1, x.size) | 1)
    if w >= LEVELS_FROM_WIDTH and x.size and bool(np.isfinite(x).all()):
        found = _by_level(x, w, qs)
        if found is not None:
            return found
    return _by_sorting(x, w, qs)


def _by_level(x: Floats, w: int, qs: tuple[float, ...]) -> list[Floats] | None:
    """The quantiles from running counts at each distinct value, or None when more than
    :data:`MAX_LEVELS` values must be tried."""
    padded = _padded(x, w)
    ordered = np.sort(x)  # the distinct values, as np.unique (which imports numpy.ma) would give
    levels = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    n = x.size
    ranks = sorted({k for q in qs for k in _positions(w, q)[:2]})
    if levels.size > MAX_LEVELS:  # a sample of windows says early whether sorting is cheaper
        sample = np.sort(windows(x, w)[::SAMPLE_EVERY], axis=1)[:, ranks[-1]]
        if np.searchsorted(levels, sample.max(), side="right") > MAX_LEVELS:
            return None
    index = {k: np.zeros(n, dtype=np.int8) for k in ranks}  # levels passed: at most MAX_LEVELS
    # running counts in int16 wrap past 32,767, but a window's count (their difference, at most
    # the window's width) comes out exact: half the memory traffic of int32
    running = np.zeros(padded.size + 1, dtype=np.int16)
    below = np.empty(padded.size, dtype=bool)
    passed = np.empty(n, dtype=bool)
    for level in levels[:MAX_LEVELS]:
        np.less_equal(padded, level, out=below)
        np.cumsum(below, dtype=np.int16, out=running[1:])
        count = running[w:w + n] - running[:n]  # values of each window at or below this level
        for k in ranks:
            np.less_equal(count, k, out=passed)  # windows whose k-th smallest lies above it
            index[k] += passed
        if count.min() > ranks[-1]:
            break
    else:
        if levels.size > MAX_LEVELS:
            return None
    out = []
    for q in qs:
        lo, hi, frac = _positions(w, q)
        low = levels[index[lo]]
        out.append(low + (levels[index[hi]] - low) * frac)
    return out


def _by_sorting(x: Floats, w: int, qs: tuple[float, ...]) -> list[Floats]:
    narrow = x.astype(np.float32)
    inexact = narrow != x
    if x.size == 0 or inexact.mean(dtype=np.float64) > 0.01:
        rows = np.sort(windows(x, w), axis=1)
        return [sorted_quantile(rows, q) for q in qs]
    rows32 = np.sort(windows(narrow, w), axis=1)
    out = [sorted_quantile(rows32, q) for q in qs]
    if inexact.any():
        touched = windows(inexact, w).any(axis=1)
        exact = np.sort(windows(x, w)[touched], axis=1)
        for values, q in zip(out, qs, strict=True):
            values[touched] = sorted_quantile(exact, q)
    return out
