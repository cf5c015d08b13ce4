"""Small-sample intervals, pure: Student's t quantiles (no scipy at run time), Welch's interval for
a difference of means, an ordinary least squares coefficient with its interval, and Fisher's exact
test for a 2 x 2 table. Tested against scipy (tests/test_tried_compare.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularised incomplete beta function (DLMF 8.17.22),
    evaluated by the modified Lentz method."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), regularised."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (a * math.log(x) + b * math.log1p(-x)
                 - (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def _t_pdf(t: float, df: float) -> float:
    log = (math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
           - (df + 1) / 2 * math.log1p(t * t / df))
    return math.exp(log)


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """Student's t quantile for 0.5 <= p < 1, by Newton's method from 0 (the CDF is concave above
    0, so each step stays below the root and the iteration cannot overshoot)."""
    if not 0.5 <= p < 1.0 or df <= 0:
        raise ValueError(f"t_quantile needs 0.5 <= p < 1 and df > 0, got p={p}, df={df}")
    t = 0.0
    for _ in range(200):
        step = (p - t_cdf(t, df)) / _t_pdf(t, df)
        t += step
        if abs(step) < 1e-12 * max(1.0, t):
            break
    return t


@dataclass(frozen=True, slots=True)
class Interval:
    estimate: float
    low: float
    high: float
    level: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def rounded(self, digits: int) -> dict[str, float]:
        return {"estimate": round(self.estimate, digits), "low": round(self.low, digits),
                "high": round(self.high, digits)}


def sample_sd(values: Sequence[float]) -> float:
    """The sample standard deviation (n - 1), as ``statistics.stdev`` gives it to within rounding,
    in floats: ``statistics`` works in exact fractions, which made a 500-session trends page spend
    most of its time here."""
    n = len(values)
    if n < 2:
        raise ValueError("a standard deviation needs at least two values")
    mean = math.fsum(values) / n
    return math.sqrt(math.fsum((x - mean) ** 2 for x in values) / (n - 1))


def welch(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> Interval | None:
    """Mean of ``a`` minus mean of ``b`` with Welch's interval (unequal spreads); None with fewer
    than two values on a side. Both sides without any spread: the interval is the point."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size < 2 or y.size < 2:
        return None
    diff = float(x.mean() - y.mean())
    vx, vy = float(x.var(ddof=1)) / x.size, float(y.var(ddof=1)) / y.size
    se2 = vx + vy
    if se2 <= 0:
        return Interval(diff, diff, diff, level)
    df = se2 ** 2 / ((vx ** 2 / (x.size - 1) if vx else 0.0) + (vy ** 2 / (y.size - 1) if vy else 0.0))
    half = t_quantile(0.5 + level / 2, df) * math.sqrt(se2)
    return Interval(diff, diff - half, diff + half, level)


def ols_coefficient(y: Sequence[float], columns: Sequence[Sequence[float]], index: int,
                    level: float = 0.95) -> Interval | None:
    """The coefficient of ``columns[index]`` in y ~ 1 + columns, with its t interval; None when the
    columns cannot be told apart (collinear) or leave fewer than two degrees of freedom."""
    target = np.asarray(y, dtype=float)
    design = np.column_stack([np.ones(target.size), *[np.asarray(c, float) for c in columns]])
    n, p = design.shape
    if n - p < 2 or np.linalg.matrix_rank(design) < p:
        return None
    beta, *_ = np.linalg.lstsq(design, target, rcond=None)
    resid = target - design @ beta
    s2 = float(resid @ resid) / (n - p)
    cov = s2 * np.linalg.inv(design.T @ design)
    se = math.sqrt(max(float(cov[index + 1, index + 1]), 0.0))
    estimate = float(beta[index + 1])
    half = t_quantile(0.5 + level / 2, float(n - p)) * se
    return Interval(estimate, estimate - half, estimate + half, level)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test for the table [[a, b], [c, d]]: the probability, with
    the margins fixed, of a table no more likely than this one."""
    row1, col1, n = a + b, a + c, a + b + c + d

    def prob(k: int) -> float:
        return math.comb(col1, k) * math.comb(n - col1, row1 - k) / math.comb(n, row1)

    observed = prob(a)
    lo, hi = max(0, row1 + col1 - n), min(row1, col1)
    return min(1.0, sum(q for k in range(lo, hi + 1) if (q := prob(k)) <= observed * (1 + 1e-9)))
