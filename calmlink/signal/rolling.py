"""Rolling time-domain HRV over a trailing window, O(1) per beat, exact over any length.

RR intervals are held as integer picoseconds (1e-9 ms). Every RR grid a strap or ECG uses here
(1/1024 s, 1/128 s, 4 ms, decimal milliseconds) is a whole number of picoseconds, so the running
sums (of RR, RR squared, successive differences and their squares) are exact Python integers: adding
and removing beats for 24 hours accumulates no rounding at all, and the result equals a batch
computation over the same window to the last float bit or two.

Successive differences only join beats of the same segment: a gap (lost link or contact) starts a
new segment and the difference across it is never counted.
"""

from __future__ import annotations

import math
from collections import deque

from calmlink.signal.metrics import TimeDomain

PS_PER_MS = 1_000_000_000


def to_ps(rr_ms: float) -> int:
    return round(rr_ms * PS_PER_MS)


_NS50_PS = 50 * PS_PER_MS


class RollingTimeDomain:
    """Trailing window of clean beats; ``max_beats`` and/or ``max_seconds`` bound it."""

    __slots__ = (
        "_beats",
        "_d1",
        "_d2",
        "_dn",
        "_max_beats",
        "_max_ps",
        "_nn50",
        "_p1",
        "_p2",
        "_s1",
        "_s2",
        "_span",
    )

    def __init__(self, max_beats: int | None = None, max_seconds: float | None = None) -> None:
        if max_beats is None and max_seconds is None:
            raise ValueError("bound the window by beats, seconds or both")
        self._max_beats = max_beats
        self._max_ps = None if max_seconds is None else to_ps(max_seconds * 1000.0)
        # each entry: (rr_ps, diff_ps to the previous beat or None at a segment start)
        self._beats: deque[tuple[int, int | None]] = deque()
        self._p1 = self._p2 = 0  # sums of adjacent-pair sums (rr[k] + rr[k+1]), for SD2
        self._span = 0  # sum of rr_ps in the window (the window's duration)
        self._s1 = self._s2 = 0
        self._d1 = self._d2 = self._dn = self._nn50 = 0

    def __len__(self) -> int:
        return len(self._beats)

    def clear(self) -> None:
        self._beats.clear()
        self._span = self._s1 = self._s2 = self._d1 = self._d2 = self._dn = self._nn50 = 0
        self._p1 = self._p2 = 0

    def push(self, rr_ms: float, *, new_segment: bool = False) -> None:
        rr = to_ps(rr_ms)
        diff: int | None = None
        if self._beats and not new_segment:
            prev = self._beats[-1][0]
            diff = rr - prev
            self._p1 += rr + prev
            self._p2 += (rr + prev) * (rr + prev)
            self._d1 += diff
            self._d2 += diff * diff
            self._dn += 1
            if abs(diff) > _NS50_PS:
                self._nn50 += 1
        self._beats.append((rr, diff))
        self._s1 += rr
        self._s2 += rr * rr
        self._span += rr
        while self._beats and (
            (self._max_beats is not None and len(self._beats) > self._max_beats)
            or (self._max_ps is not None and self._span > self._max_ps and len(self._beats) > 1)
        ):
            self._pop_oldest()

    def _pop_oldest(self) -> None:
        rr, _ = self._beats.popleft()
        self._s1 -= rr
        self._s2 -= rr * rr
        self._span -= rr
        if self._beats:
            nxt_rr, nxt_diff = self._beats[0]
            if nxt_diff is not None:  # that difference leaves the window with its older beat
                self._p1 -= nxt_rr + rr
                self._p2 -= (nxt_rr + rr) * (nxt_rr + rr)
                self._d1 -= nxt_diff
                self._d2 -= nxt_diff * nxt_diff
                self._dn -= 1
                if abs(nxt_diff) > _NS50_PS:
                    self._nn50 -= 1
                self._beats[0] = (nxt_rr, None)

    @property
    def duration_s(self) -> float:
        return self._span / PS_PER_MS / 1000.0

    @property
    def n_differences(self) -> int:
        """Clean successive differences in the window (within segments)."""
        return self._dn

    def rmssd_ms(self) -> float:
        if self._dn == 0:
            return math.nan
        return math.sqrt(self._d2 / self._dn) / PS_PER_MS

    def stats(self) -> TimeDomain:
        n, dn = len(self._beats), self._dn
        nan = math.nan
        mean = self._s1 / n / PS_PER_MS if n else nan
        # exact integer numerators; one float division at the end
        var_num = n * self._s2 - self._s1 * self._s1
        sdnn = math.sqrt(var_num / (n * (n - 1))) / PS_PER_MS if n > 1 else nan
        rmssd = self.rmssd_ms()
        if dn > 1:
            sdsd_var = (dn * self._d2 - self._d1 * self._d1) / (dn * (dn - 1)) / PS_PER_MS**2
            # Poincaré axes as the std (ddof 1) of (rr[k+1] -+ rr[k]) / sqrt(2), pairs in-segment
            sd1 = math.sqrt(sdsd_var * 0.5)
            pair_var = (dn * self._p2 - self._p1 * self._p1) / (dn * (dn - 1)) / PS_PER_MS**2
            sd2 = math.sqrt(max(pair_var, 0.0) * 0.5)
        else:
            sd1 = sd2 = nan
        pnn50 = 100.0 * self._nn50 / dn if dn else nan
        return TimeDomain(n, mean, sdnn, rmssd, pnn50, sd1, sd2)
