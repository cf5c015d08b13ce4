"""The gauge's settling score of a stretch of a session against its settle step, as the review
reads it: heart rate and the heart-rate swing with each breath (``signal.gauge.settling_score``),
the swing term weighed by how many breaths each side rests on (``ln_swing_change_weight``). Pure.

Summaries stored before the swing joined the gauge carry no swing: they are scored as the gauge
scored them then, by heart rate and ln RMSSD (:data:`BEFORE_SWING`), so an old session keeps the
outcome it was given and a receiver's history stays comparable with itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calmlink.signal.gauge import GaugeConfig, ln_swing_change_weight, settling_score

BEFORE_SWING = GaugeConfig(w_hrv=1.0, w_swing=0.0)
"""The score's weights before issue 19: heart rate and ln RMSSD, no swing."""


def weighed_swing(delta_ln_swing: float | None, base_breaths: int, breaths: int) -> float | None:
    """A change of ln swing, shrunk by how far the breaths on each side let it be believed."""
    if delta_ln_swing is None:
        return None
    return delta_ln_swing * ln_swing_change_weight(base_breaths, breaths)


def stored_step_score(step: Mapping[str, Any], base: Mapping[str, Any] | None) -> float:
    """A stored step's settling against its settle step ``base`` (a summary's step dicts)."""
    if "swing_breaths" not in step:  # stored before the swing
        return settling_score(step["delta_hr_bpm"], None, BEFORE_SWING,
                              delta_ln_rmssd=step.get("delta_ln_rmssd"))
    swing = weighed_swing(step.get("delta_ln_swing"), int((base or {}).get("swing_breaths") or 0),
                          int(step.get("swing_breaths") or 0))
    return settling_score(step["delta_hr_bpm"], swing)
