"""Did two heart rhythms move together more than chance would give? Pure numpy, once per session.

Method (windowed lagged cross-correlation, tested against the session's own surrogates):

1. Heart rate from each partner's clean beats (60000 / RR at each beat's time), linearly
   interpolated onto one grid at ``fs_hz`` (4 Hz) on the shared clock. A grid point further than
   ``max_gap_s`` from any clean beat is missing.
2. Windows of ``window_s`` (30 s) every ``step_s`` (5 s). In each, the receiver's segment is
   compared with the giver's shifted by every lag from -``max_lag_s`` to +``max_lag_s`` (5 s) in
   ``lag_step_s`` (0.25 s); both segments are linearly detrended, and the Pearson correlation taken.
   The window's value is its strongest in-phase (largest positive) correlation, and that lag:
   positive when the giver follows the receiver. A window with more than ``max_missing`` of either
   series missing is skipped and counted.
3. The session statistic is the mean of the windows' values on the Fisher z scale.
4. Null: the giver's series circularly shifted by at least ``min_shift_s`` (60 s), ``n_surrogates``
   shifts (200) spread evenly over what the session allows, the same statistic each time. The
   p-value counts surrogates at least as large (with the usual +1). Shuffling 30-s segments was
   checked and is too liberal with overlapping windows; circular shifts keep each series' own
   rhythm and trend and only break their alignment.
5. "In step": a window whose value exceeds the 95th percentile of all surrogate windows' values.
   ``in_step_s`` is the number of such windows times ``step_s``; ``chance_in_step_s`` is the same
   for an average surrogate, so the sentence people read always carries the chance level.

:func:`pseudo_pair_p` repeats the test against other sessions' givers (aligned by the caller to
today's routine, and taken at small shifts around that alignment), because a shared routine can
make two hearts move alike with no coupling at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SynchronyConfig:
    fs_hz: float = 4.0
    window_s: float = 30.0
    step_s: float = 5.0
    max_lag_s: float = 5.0
    lag_step_s: float = 0.25
    min_shift_s: float = 60.0
    n_surrogates: int = 200
    max_gap_s: float = 3.0
    max_missing: float = 0.2
    alpha: float = 0.05
    in_step_quantile: float = 0.95


DEFAULT_SYNCHRONY = SynchronyConfig()
MIN_TESTABLE_WINDOWS = 36
"""Fewer counted windows (3 minutes of usable signal) cannot test: there the test finds the
simulator's coupling in only half the pairs (docs/partner.md, benchmarks/bench_synchrony.py)."""
MIN_TESTABLE_SHARE = 0.25
"""Nor can a session where under a quarter of its windows count: too little of it to speak for."""
PSEUDO_SPREAD_S = 30.0
PSEUDO_STEP_S = 5.0


@dataclass(frozen=True, slots=True)
class HeartRateGrid:
    """Heart rate on an even grid from ``start_s``; ``missing`` where no clean beat was near."""

    start_s: float
    fs_hz: float
    bpm: Floats
    missing: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Synchrony:
    statistic: float
    """Mean Fisher z of the windows' strongest in-phase correlations (nan when no window counts)."""
    p_value: float
    in_step_s: float
    chance_in_step_s: float
    duration_s: float
    """Time covered by the windows that counted: the usable signal."""
    lag_s: float | None
    """Median lag of the windows; positive when the giver follows the receiver."""
    windows: int
    windows_skipped: int
    window_start_s: Floats
    """Where each counted window starts, on the shared clock."""
    in_step: NDArray[np.bool_]
    surrogate_statistics: Floats

    @property
    def testable(self) -> bool:
        """Enough clean signal to test (:data:`MIN_TESTABLE_WINDOWS`, :data:`MIN_TESTABLE_SHARE`)."""
        total = self.windows + self.windows_skipped
        return self.windows >= MIN_TESTABLE_WINDOWS and self.windows >= MIN_TESTABLE_SHARE * total

    @property
    def passes(self) -> bool:
        return self.testable and math.isfinite(self.p_value) and self.p_value <= 0.05

    def to_json(self) -> dict[str, float | int | bool | None]:
        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else round(float(x), 4)

        return {"statistic": num(self.statistic), "p_value": num(self.p_value),
                "in_step_s": num(self.in_step_s), "chance_in_step_s": num(self.chance_in_step_s),
                "duration_s": num(self.duration_s), "lag_s": num(self.lag_s),
                "windows": self.windows, "windows_skipped": self.windows_skipped,
                "testable": self.testable, "usable_min": round(self.duration_s / 60.0, 1)}


def heart_rate_grid(t_s: Floats, rr_ms: Floats, clean: NDArray[np.bool_], start_s: float,
                    end_s: float, config: SynchronyConfig = DEFAULT_SYNCHRONY) -> HeartRateGrid:
    """Heart rate of the clean beats, interpolated onto the grid from ``start_s`` to ``end_s``."""
    n = max(math.floor((end_s - start_s) * config.fs_hz), 0)
    grid = start_s + np.arange(n) / config.fs_hz
    keep = clean & np.isfinite(rr_ms) & (rr_ms > 0)
    t, hr = t_s[keep], 60000.0 / rr_ms[keep]
    if t.size < 2:
        return HeartRateGrid(start_s, config.fs_hz, np.zeros(n), np.ones(n, dtype=bool))
    order = np.argsort(t, kind="stable")
    t, hr = t[order], hr[order]
    bpm = np.interp(grid, t, hr)
    after = np.searchsorted(t, grid)
    gap_after = t[np.minimum(after, t.size - 1)] - grid
    gap_before = grid - t[np.maximum(after - 1, 0)]
    missing = (np.minimum(np.abs(gap_after), np.abs(gap_before)) > config.max_gap_s) | \
        (grid < t[0]) | (grid > t[-1])
    # between two clean beats further apart than max_gap_s, the line drawn is not a measurement
    span = t[np.minimum(after, t.size - 1)] - t[np.maximum(after - 1, 0)]
    missing |= span > 2 * config.max_gap_s
    return HeartRateGrid(start_s, config.fs_hz, bpm, missing)


def _normalised_windows(x: Floats, length: int) -> Floats:
    """Every window of ``length`` in ``x`` (one per start), linearly detrended and scaled to unit
    norm, so a dot product of two rows is their Pearson correlation after detrending."""
    rows = np.lib.stride_tricks.sliding_window_view(x, length).astype(np.float64)
    ramp = np.arange(length, dtype=np.float64) - (length - 1) / 2.0
    ramp /= np.sqrt(np.sum(ramp * ramp))
    rows = rows - rows.mean(axis=1, keepdims=True)
    rows = rows - np.outer(rows @ ramp, ramp)
    norms = np.sqrt(np.sum(rows * rows, axis=1, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 1e-9, rows / norms, 0.0)


def _window_shares(missing: NDArray[np.bool_], length: int) -> Floats:
    counts = np.convolve(missing.astype(np.float64), np.ones(length), mode="valid")
    return counts / length


@dataclass(frozen=True, slots=True)
class _Plan:
    starts: NDArray[np.intp]
    lags: NDArray[np.intp]
    length: int
    n: int


def _plan(n: int, config: SynchronyConfig, excluded: NDArray[np.bool_] | None = None) -> _Plan:
    length = round(config.window_s * config.fs_hz)
    step = round(config.step_s * config.fs_hz)
    max_lag = round(config.max_lag_s * config.fs_hz)
    lag_step = max(round(config.lag_step_s * config.fs_hz), 1)
    lags = np.arange(-max_lag, max_lag + 1, lag_step)
    starts = np.arange(max_lag, n - length - max_lag + 1, step) if n >= length + 2 * max_lag else \
        np.arange(0)
    if excluded is not None and starts.size:
        starts = starts[_window_shares(excluded, length + 2 * max_lag)[starts - max_lag] == 0]
    return _Plan(starts.astype(np.intp), lags.astype(np.intp), length, n)


def _window_maxima(corr: Floats, plan: _Plan, shift: int) -> tuple[Floats, NDArray[np.intp]]:
    """Per window, the strongest in-phase correlation over the lags, and which lag gave it, when the
    giver is circularly shifted by ``shift`` samples. ``corr[w, j]`` is receiver window ``w``
    against the (circular) giver window starting at ``j``."""
    idx = (plan.starts[:, None] + plan.lags[None, :] - shift) % plan.n
    r = np.take_along_axis(corr, idx, axis=1)
    best = np.argmax(r, axis=1)
    return r[np.arange(r.shape[0]), best], plan.lags[best]


class _Pair:
    """Every receiver window against every (circular) giver window, computed once; the statistic
    at any circular shift of the giver is then a gather."""

    def __init__(self, receiver: HeartRateGrid, giver: HeartRateGrid, plan: _Plan,
                 config: SynchronyConfig) -> None:
        self.plan, self.config = plan, config
        x = _normalised_windows(receiver.bpm, plan.length)[plan.starts]
        wrapped = np.concatenate([giver.bpm, giver.bpm[: plan.length - 1]])
        self.corr = x @ _normalised_windows(wrapped, plan.length).T  # (windows, n)
        self.margin = int(plan.lags.max())
        self.x_missing = _window_shares(receiver.missing, plan.length)[plan.starts]
        g_ext = np.concatenate([giver.missing, giver.missing[: plan.length + 2 * self.margin]])
        self.g_share = _window_shares(g_ext, plan.length + 2 * self.margin)  # every lag's span

    def usable(self, shift: int) -> NDArray[np.bool_]:
        g = self.g_share[(self.plan.starts - self.margin - shift) % self.plan.n]
        return (self.x_missing <= self.config.max_missing) & (g <= self.config.max_missing)

    def statistic(self, shift: int) -> float:
        r, _ = _window_maxima(self.corr, self.plan, shift)
        return _fisher_mean(r[self.usable(shift)])


def _fisher_mean(r: Floats) -> float:
    return float(np.mean(np.arctanh(np.clip(r, -0.999999, 0.999999)))) if r.size else math.nan


def synchrony(receiver: HeartRateGrid, giver: HeartRateGrid,
              config: SynchronyConfig = DEFAULT_SYNCHRONY,
              excluded: NDArray[np.bool_] | None = None) -> Synchrony:
    """The session test. Both grids must share start, rate and length (the shared clock). No window
    reaches an ``excluded`` grid point, counted or skipped (left out by design; missing too)."""
    if receiver.bpm.size != giver.bpm.size or receiver.start_s != giver.start_s:
        raise ValueError("both partners' heart rate must be on the same grid")
    plan = _plan(n := receiver.bpm.size, config, excluded)
    empty = np.zeros(0)
    if plan.starts.size == 0:
        return Synchrony(math.nan, math.nan, 0.0, 0.0, 0.0, None, 0, 0, empty, empty > 0, empty)
    pair = _Pair(receiver, giver, plan, config)
    usable, corr = pair.usable, pair.corr
    observed_ok = usable(0)
    r_obs, lag_obs = _window_maxima(corr, plan, 0)
    r_obs, lag_obs = r_obs[observed_ok], lag_obs[observed_ok]
    stat = _fisher_mean(r_obs)
    lo = round(config.min_shift_s * config.fs_hz)
    hi = n - lo
    shifts = (np.unique(np.linspace(lo, hi, config.n_surrogates).round().astype(int))
              if hi > lo else np.zeros(0, dtype=int))
    null_stats: list[float] = []
    null_windows: list[Floats] = []
    for s in shifts:
        ok = usable(int(s))
        r_null, _ = _window_maxima(corr, plan, int(s))
        null_windows.append(r_null[ok])
        null_stats.append(_fisher_mean(r_null[ok]))
    null = np.array([x for x in null_stats if math.isfinite(x)])
    pooled = np.concatenate(null_windows) if null_windows else empty
    if r_obs.size == 0 or null.size == 0 or pooled.size == 0:
        p = math.nan
        threshold = math.inf
    else:
        p = float((1 + np.sum(null >= stat)) / (1 + null.size))
        threshold = float(np.quantile(pooled, config.in_step_quantile))
    in_step = r_obs > threshold
    chance = float(np.mean([np.sum(w > threshold) for w in null_windows])) if null_windows else 0.0
    return Synchrony(
        statistic=stat, p_value=p, in_step_s=float(in_step.sum() * config.step_s),
        chance_in_step_s=chance * config.step_s,
        duration_s=min(float(r_obs.size * config.step_s), n / config.fs_hz),
        lag_s=float(np.median(lag_obs) / config.fs_hz) if lag_obs.size else None,
        windows=int(r_obs.size), windows_skipped=int(plan.starts.size - r_obs.size),
        window_start_s=receiver.start_s + plan.starts[observed_ok] / config.fs_hz,
        in_step=in_step, surrogate_statistics=null)


def pseudo_pair_p(observed: Synchrony, receiver: HeartRateGrid, others: list[HeartRateGrid],
                  config: SynchronyConfig = DEFAULT_SYNCHRONY) -> float:
    """How often today's receiver moves as much with another session's giver as with today's. Each
    pseudo-partner (aligned by the caller to today's routine) is taken at its alignment and at
    shifts of up to +-``PSEUDO_SPREAD_S`` around it every ``PSEUDO_STEP_S``: the routine's effects
    last minutes, so they survive such shifts, and three earlier sessions already give 39
    pseudo-pairs (one alignment alone could never reach 5% with fewer than 19). The share whose
    statistic reaches the observed one, with the usual +1; nan without pseudo-pairs."""
    plan = _plan(receiver.bpm.size, config)
    if plan.starts.size == 0 or not math.isfinite(observed.statistic):
        return math.nan
    spread = round(PSEUDO_SPREAD_S * config.fs_hz)
    step = max(round(PSEUDO_STEP_S * config.fs_hz), 1)
    stats = []
    for other in others:
        pair = _Pair(receiver, other, plan, config)
        for shift in range(-spread, spread + 1, step):
            value = pair.statistic(shift)
            if math.isfinite(value):
                stats.append(value)
    if not stats:
        return math.nan
    arr = np.array(stats)
    return float((1 + np.sum(arr >= observed.statistic)) / (1 + arr.size))


def pair_synchrony(receiver: tuple[Floats, Floats, NDArray[np.bool_]],
                   giver: tuple[Floats, Floats, NDArray[np.bool_]],
                   config: SynchronyConfig = DEFAULT_SYNCHRONY) -> Synchrony:
    """The session test from each partner's beats on the shared clock: ``(t_s, rr_ms, clean)``.
    Only the time both were recorded counts."""
    (t_r, rr_r, ok_r), (t_g, rr_g, ok_g) = receiver, giver
    if t_r.size < 2 or t_g.size < 2:
        start = end = 0.0
    else:
        start, end = max(float(t_r[0]), float(t_g[0])), min(float(t_r[-1]), float(t_g[-1]))
    grid_r = heart_rate_grid(t_r, rr_r, ok_r, start, max(end, start), config)
    grid_g = heart_rate_grid(t_g, rr_g, ok_g, start, max(end, start), config)
    return synchrony(grid_r, grid_g, config)
