"""The breathing pace from the heart's own breaths, for the live line when the spectrum alone is
not sure (docs/relaxation.md, "The breath line").

The spectrum (signal.spectral) names a pace only when one peak holds half the breathing band's
power over two minutes: right when it speaks, but quiet through most ordinary minutes. The breaths
themselves (signal.swing: trough to trough of heart rate) give a second reading: the median length
of the breaths of the last ``WINDOW_S``. It is said only when

- at least ``MIN_BREATHS`` whole breaths of clean, regular beats lie in that window (a beat set
  aside, a gap or an uneven rhythm empties it: an irregular rhythm keeps the line silent);
- the breaths are regular: the spread of their lengths (interquartile range over median) is at
  most ``MAX_SPREAD``, as breathing is and the heart's own slow waves mixed with it are not;
- and the spectrum's highest breathing peak, clear or not, agrees within ``AGREE_SHARE``: two
  readings of different kinds pointing at the same pace.
"""

from __future__ import annotations

from collections import deque

WINDOW_S = 60.0
MIN_BREATHS = 4
MAX_SPREAD = 0.35
AGREE_SHARE = 0.15


class BreathRate:
    """Fed each whole breath of clean beats; reads the pace when the breaths show it."""

    __slots__ = ("_breaths",)

    def __init__(self) -> None:
        self._breaths: deque[tuple[float, float]] = deque()  # (when known, how long it lasted)

    def reset(self) -> None:
        """A gap, a beat set aside or an uneven rhythm: start afresh."""
        self._breaths.clear()

    def push(self, t: float, seconds: float) -> None:
        if seconds == seconds and seconds > 0.0:  # not nan
            self._breaths.append((t, seconds))

    def rate(self, t: float, witness_bpm: float | None) -> float | None:
        """Breaths a minute at ``t`` when the breaths and the ``witness`` (the spectrum's highest
        breathing peak) agree; else None."""
        breaths = self._breaths
        while breaths and breaths[0][0] < t - WINDOW_S:
            breaths.popleft()
        if witness_bpm is None or len(breaths) < MIN_BREATHS:
            return None
        lengths = sorted(s for _, s in breaths)
        n = len(lengths)
        mid = lengths[n // 2] if n % 2 else 0.5 * (lengths[n // 2 - 1] + lengths[n // 2])
        if (lengths[n - 1 - n // 4] - lengths[n // 4]) > MAX_SPREAD * mid:
            return None
        pace = 60.0 / mid
        return round(pace, 1) if abs(pace - witness_bpm) <= AGREE_SHARE * pace else None
