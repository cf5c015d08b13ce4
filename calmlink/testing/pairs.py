"""Two simulated people on one clock, with a known truth about their hearts (partner mode's tests
and benchmarks): coupled or not, with a lag, a shared climb, or the same steady breathing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from calmlink.sensors.simulator import pair_physiologies, simulate_beats
from calmlink.signal.stream_artifacts import CausalArtifactDetector
from calmlink.signal.synchrony import HeartRateGrid, heart_rate_grid

SESSION_S = 600.0


def clean_beats(rr: np.ndarray) -> np.ndarray:
    """What the live path keeps: its own causal artifact decision, beat by beat."""
    detector = CausalArtifactDetector()
    return np.array([not detector.push(float(x)) for x in rr], dtype=bool)


def simulated_pair(seed: int, coupling: float, lag_s: float, *, trend_bpm_per_min: float = 0.0,
                   same_breathing: bool = False, slow_bpm: float = 5.0,
                   seconds: float = SESSION_S) -> tuple[HeartRateGrid, HeartRateGrid]:
    """Receiver and giver heart rate on one grid. ``trend_bpm_per_min``: both climb together
    instead of settling (the trap: whole series correlate with no coupling at all);
    ``same_breathing``: both breathe at one steady 12 a minute."""
    receiver, giver = pair_physiologies(seed, coupling, lag_s, slow_bpm=slow_bpm)
    if trend_bpm_per_min:
        receiver = replace(receiver, trend_bpm_per_min=trend_bpm_per_min,
                           settled_hr=receiver.start_hr)
        giver = replace(giver, trend_bpm_per_min=trend_bpm_per_min, settled_hr=giver.start_hr)
    if same_breathing:
        receiver = replace(receiver, start_breath_per_min=12.0, settled_breath_per_min=12.0)
        giver = replace(giver, start_breath_per_min=12.0, settled_breath_per_min=12.0)
    out = []
    for k, person in enumerate((receiver, giver)):
        t, rr = (np.array(a) for a in simulate_beats(seed * 2 + k + 1, person, seconds))
        out.append(heart_rate_grid(t, rr, clean_beats(rr), 0.0, seconds))
    return out[0], out[1]
