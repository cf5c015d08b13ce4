"""Natural cubic splines of many short series at once, in plain numpy (no scipy at run time).

Spectral HRV resamples every 300-s window of a recording (268 of them in a 24-hour file) by a
natural cubic spline. Done one window at a time, numpy's per-call cost would dominate; here all
windows are solved together and evaluated in one pass. tests/test_spectral.py checks the result
against ``scipy.interpolate.CubicSpline(bc_type="natural")``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]


def natural_cubic_spline_batch(xs: list[Floats], ys: list[Floats], grids: list[Floats]) -> list[Floats]:
    """Evaluate the natural cubic spline through each (x, y) (at least two knots, x rising) on its
    grid (rising). Points before the first knot or after the last are extrapolated by the end
    pieces.

    The tridiagonal systems of all windows are stacked in one (knots x windows) array and solved by
    the Thomas algorithm knot position by knot position, so the Python loop runs once per knot
    position, not once per knot of every window. Rows past a window's last knot are identity
    equations.
    """
    w = len(xs)
    if w == 0:
        return []
    n = np.array([xi.size for xi in xs])
    k = int(n.max())
    row = np.arange(k)[:, None]
    real = row < n[None, :]  # (knots, windows)
    x = np.zeros((k, w))
    y = np.zeros((k, w))
    x.T[real.T] = np.concatenate(xs)
    y.T[real.T] = np.concatenate(ys)
    last = x[n - 1, np.arange(w)][None, :]
    x = np.where(real, x, last + (row - n[None, :] + 1))  # keeps h positive in the padding
    h = np.diff(x, axis=0)
    slope = np.diff(y, axis=0) / h
    interior = (row[1:-1] < (n[None, :] - 1))
    a = np.zeros((k, w))
    b = np.ones((k, w))
    c = np.zeros((k, w))
    d = np.zeros((k, w))
    a[1:-1] = np.where(interior, h[:-1], 0.0)
    b[1:-1] = np.where(interior, 2.0 * (h[:-1] + h[1:]), 1.0)
    c[1:-1] = np.where(interior, h[1:], 0.0)
    d[1:-1] = np.where(interior, 6.0 * (slope[1:] - slope[:-1]), 0.0)
    m = _thomas(a, b, c, d)
    return _evaluate(x.T[real.T], y.T[real.T], m.T[real.T], n, grids)


def _evaluate(xk: Floats, yk: Floats, mk: Floats, n: NDArray[np.intp], grids: list[Floats]
              ) -> list[Floats]:
    """Every grid on its spline, given the knots and second derivatives of all windows end to end.

    Each knot interval's polynomial is worked once, then repeated over the grid points that fall in
    it (a point belongs to the interval whose left knot is at or before it), instead of gathering
    six values for every point."""
    g_len = np.array([g.size for g in grids])
    first = np.concatenate(([0], np.cumsum(n)[:-1]))  # each window's first knot
    # where each knot falls in its window's grid, as an index into all grids end to end
    g_first = np.concatenate(([0], np.cumsum(g_len)[:-1]))
    at = np.concatenate([np.searchsorted(g, xk[f:f + size]) for g, f, size in
                         zip(grids, first.tolist(), n.tolist(), strict=True)])
    at += np.repeat(g_first, n)
    # interval j of a window spans points [at[j], at[j+1]); the first takes the points before the
    # first knot and the last those after the last knot (the spline's end pieces extended)
    begin = at.copy()
    begin[first] = g_first
    end = np.empty_like(at)
    end[:-1] = begin[1:]
    last_interval = first + n - 2
    end[last_interval] = g_first + g_len
    count = end - begin
    count[first + n - 1] = 0  # a window's last knot starts no interval
    # each interval's cubic in powers of the distance from its left knot, evaluated by Horner
    x0, h = xk[:-1], xk[1:] - xk[:-1]
    h[(first + n - 1)[:-1]] = 1.0  # from one window's last knot to the next's first: no interval
    m0, m1 = mk[:-1], mk[1:]
    coef = np.empty((4, x0.size))
    coef[0] = yk[:-1]
    coef[1] = (yk[1:] - yk[:-1]) / h - h * (2.0 * m0 + m1) / 6.0
    coef[2] = m0 / 2.0
    coef[3] = (m1 - m0) / (6.0 * h)
    per = count[:-1]
    g = np.concatenate(grids)
    t = g - np.repeat(x0, per)
    a, b, c, d = np.repeat(coef, per, axis=1)
    values = d * t
    values += c
    values *= t
    values += b
    values *= t
    values += a
    return np.split(values, np.cumsum(g_len)[:-1])


def _thomas(a: Floats, b: Floats, c: Floats, d: Floats) -> Floats:
    """Solve tridiagonal systems laid out as (knots, windows): vectorised over windows when there
    are many, in plain floats when there are few (numpy's per-call cost dominates tiny rows)."""
    k, w = b.shape
    if w <= 2:
        out = np.empty((k, w))
        for col in range(w):
            aa, bb, cc, dd = (a[:, col].tolist(), b[:, col].tolist(), c[:, col].tolist(),
                              d[:, col].tolist())
            for j in range(1, k):
                m = aa[j] / bb[j - 1]
                bb[j] -= m * cc[j - 1]
                dd[j] -= m * dd[j - 1]
            x = [0.0] * k
            x[-1] = dd[-1] / bb[-1]
            for j in range(k - 2, -1, -1):
                x[j] = (dd[j] - cc[j] * x[j + 1]) / bb[j]
            out[:, col] = x
        return out
    for j in range(1, k):  # forward sweep, vectorised over windows
        m = a[j] / b[j - 1]
        b[j] -= m * c[j - 1]
        d[j] -= m * d[j - 1]
    mm = np.empty((k, w))
    mm[-1] = d[-1] / b[-1]
    for j in range(k - 2, -1, -1):
        mm[j] = (d[j] - c[j] * mm[j + 1]) / b[j]
    return mm
