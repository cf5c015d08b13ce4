"""Causal artifact decision for the live path: each beat judged on arrival, from trailing beats only.

The test follows Lipponen & Tarvainen (2019): a beat is suspect when its deviation from the median of
the preceding beats (``mRR``), or its step from the previous beat (``dRR``), exceeds an adaptive
threshold of ``THRESHOLD_QD`` quartile deviations of that quantity over the last ``QD_WINDOW``
beats. Their published constants are 5.2 and 91 beats (and 11 beats for the median); a live path has
only the trailing half of their centred windows, which is the one change. Physiologically impossible
intervals are always artifacts. Ectopic beats show up as a short interval then a long compensatory
one: both fail the median test, so both are dropped (zero beats of delay).

After ``MAX_CONSECUTIVE`` suspect beats in a row the rhythm itself has changed (standing up, a real
step in heart rate): the history is reset and the beat accepted, so the detector never locks out.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque

MIN_RR_MS = 250.0  # 240 bpm: no resting adult beats this fast
MAX_RR_MS = 2000.0  # 30 bpm: longer is a missed beat or a gap, never a clean interval
MEDIAN_BEATS = 11
QD_WINDOW = 91
THRESHOLD_QD = 5.2
MIN_THRESHOLD_FRAC = 0.06
"""Floor on the threshold as a share of the median RR, so a very regular rhythm's tiny spread does
not turn ordinary breathing variation into 'artifacts'."""
MAX_CONSECUTIVE = 5
WARMUP_BEATS = 5
THRESHOLD_REFRESH_BEATS = 8
"""The quartile deviations move slowly over 91 beats: recomputing them every 8 beats keeps the live
path cheap (the median of the last 11 beats is still taken at every beat)."""


def _quartile_deviation(data: list[float]) -> float:
    """Half the interquartile range of sorted ``data``: ``statistics.quantiles(values, n=4,
    method="inclusive")``'s quartiles by its own arithmetic, read off a list kept sorted."""
    j1, d1 = divmod(len(data) - 1, 4)
    j3, d3 = divmod(3 * (len(data) - 1), 4)
    q1 = (data[j1] * (4 - d1) + data[j1 + 1] * d1) / 4
    q3 = (data[j3] * (4 - d3) + data[j3 + 1] * d3) / 4
    return (q3 - q1) / 2.0


class _SortedWindow:
    """The last ``size`` values in arrival order and the same values kept sorted (bisection), so a
    median or a quartile is an index, not a sort: the detector judges every beat of a 24-hour file
    (signal.verdict) as well as each live one."""

    __slots__ = ("order", "size", "sorted")

    def __init__(self, size: int) -> None:
        self.size = size
        self.order: deque[float] = deque()
        self.sorted: list[float] = []

    def __len__(self) -> int:
        return len(self.order)

    def append(self, value: float) -> None:
        if len(self.order) == self.size:
            del self.sorted[bisect_left(self.sorted, self.order.popleft())]
        self.order.append(value)
        insort(self.sorted, value)

    def clear(self) -> None:
        self.order.clear()
        self.sorted.clear()


class CausalArtifactDetector:
    __slots__ = ("_accepted", "_consecutive", "_drr", "_mrr", "_since_refresh", "_th_d", "_th_m")

    def __init__(self) -> None:
        self._accepted = _SortedWindow(MEDIAN_BEATS)
        self._mrr = _SortedWindow(QD_WINDOW)
        self._drr = _SortedWindow(QD_WINDOW)
        self._consecutive = 0
        self._th_m = self._th_d = 0.0
        self._since_refresh = THRESHOLD_REFRESH_BEATS

    def reset(self) -> None:
        self._accepted.clear()
        self._mrr.clear()
        self._drr.clear()
        self._consecutive = 0
        self._since_refresh = THRESHOLD_REFRESH_BEATS

    def push(self, rr_ms: float) -> bool:
        """Return True when ``rr_ms`` is an artifact (excluded from metrics)."""
        if not MIN_RR_MS <= rr_ms <= MAX_RR_MS:
            return True
        accepted = self._accepted
        n = len(accepted.order)
        if n < WARMUP_BEATS:
            self._accept(rr_ms)
            return False
        ordered = accepted.sorted
        median = ordered[n // 2] if n % 2 else 0.5 * (ordered[n // 2 - 1] + ordered[n // 2])
        mrr = rr_ms - median
        drr = rr_ms - accepted.order[-1]
        self._since_refresh += 1
        if self._since_refresh >= THRESHOLD_REFRESH_BEATS:
            self._since_refresh = 0
            floor = MIN_THRESHOLD_FRAC * median
            self._th_m = max(THRESHOLD_QD * _quartile_deviation(self._mrr.sorted), floor) \
                if len(self._mrr) > 8 else 0.2 * median
            self._th_d = max(THRESHOLD_QD * _quartile_deviation(self._drr.sorted), floor) \
                if len(self._drr) > 8 else 0.2 * median
        suspect = abs(mrr) > self._th_m or abs(drr) > self._th_d * 1.5
        if suspect and self._consecutive < MAX_CONSECUTIVE:
            self._consecutive += 1
            return True
        if suspect:  # the rhythm moved: start over from here
            self.reset()
        self._accept(rr_ms)
        self._mrr.append(mrr)
        self._drr.append(drr)
        return False

    def _accept(self, rr_ms: float) -> None:
        self._accepted.append(rr_ms)
        self._consecutive = 0
