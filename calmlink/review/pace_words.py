"""What a pace-finding session found, in words with the figures that say why (docs/breathe.md,
docs/words.md): the pace chosen, or why none was. Pure."""

from __future__ import annotations

from calmlink.signal.pace_finder import PaceFinding


def _bpm(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f} bpm"


def pace_sentence(finding: PaceFinding | None) -> str | None:
    """What a pace-finding session found, with the figures that say why (docs/breathe.md); None
    when the session was not one."""
    if finding is None:
        return None
    trials = {t.breaths_per_min: t for t in finding.trials}
    if finding.pace is not None:
        best = trials[finding.pace]
        others = [t for t in finding.trials if t.breaths_per_min != finding.pace and t.swing_bpm]
        beside = ", ".join(f"{_bpm(t.swing_bpm).removesuffix(' bpm')} at {t.breaths_per_min:g}"
                           for t in others)
        return (f"The heart-rate swing with each breath was largest at {finding.pace:g} breaths a "
                f"minute ({_bpm(best.swing_bpm)}, against {beside}). Breathing steps now go at "
                f"{finding.pace:g} unless a step sets its own pace.")
    keep = "Breathing steps keep the pace they had."
    if finding.why == "too-few":
        return f"Too few clear breaths at too few paces to tell which pace suits best. {keep}"
    largest = trials.get(finding.largest_swing or -1.0)
    if finding.why == "spectrum-disagrees" and largest is not None:
        return (f"No clear best pace this time: the swing was largest at {largest.breaths_per_min:g} "
                f"breaths a minute ({_bpm(largest.swing_bpm)}), but heart rate moved most with the "
                f"breath at {finding.spectrum_peak:g}. {keep}")
    close = [t for t in finding.trials if largest is not None and t.swing_bpm is not None
             and abs(t.breaths_per_min - largest.breaths_per_min) >= 1.0]
    runner = max(close, key=lambda t: t.swing_bpm or 0.0, default=None)
    if largest is None or runner is None:
        return f"No clear best pace this time. {keep}"
    return (f"No clear best pace this time: the swing at {largest.breaths_per_min:g} breaths a "
            f"minute ({_bpm(largest.swing_bpm)}) was within the uncertainty of the swing at "
            f"{runner.breaths_per_min:g} ({_bpm(runner.swing_bpm)}). {keep}")
