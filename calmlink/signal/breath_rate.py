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
- the spectrum's highest breathing peak, clear or not, agrees within ``AGREE_SHARE``: two
  readings of different kinds pointing at the same pace (the spectrum's is the one said: over two
  minutes it is the finer);
- below ``SLOW_BELOW_PER_MIN`` the heart has slow waves of its own (the 0.1-Hz baroreflex rhythm)
  that look like slow breaths: there the breaths must swing heart rate by at least
  ``SLOW_MIN_SWING_BPM`` (the median breath), as slow breathing does and those waves mostly do
  not (a simulated person with a 1.7-bpm swing at 14 a minute and a 3.3-bpm slow wave read 8 a
  minute without it).
"""

from __future__ import annotations

from collections import deque

WINDOW_S = 75.0
"""Long enough for four whole breaths at 4 a minute and a little more."""
MIN_BREATHS = 4
MAX_SPREAD = 0.35
AGREE_SHARE = 0.15
SLOW_BELOW_PER_MIN = 9.0
SLOW_MIN_SWING_BPM = 5.0


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

    def rate(self, t: float, witness_bpm: float | None, swing_bpm: float) -> float | None:
        """Breaths a minute at ``t`` when the breaths and the ``witness`` (the spectrum's highest
        breathing peak) agree; else None. ``swing_bpm``: the window's median breath swing."""
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
        if abs(pace - witness_bpm) > AGREE_SHARE * pace:
            return None
        if pace < SLOW_BELOW_PER_MIN and not swing_bpm >= SLOW_MIN_SWING_BPM:  # nan: not shown
            return None
        return round(witness_bpm, 1)
