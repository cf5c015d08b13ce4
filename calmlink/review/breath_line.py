"""Each step's breathing as the live screen showed it: the pace the live line spoke, the deep
breaths it marked, and, where it said nothing, why, in words a couple reads.

The live path is replayed over the stored beats (the same :class:`LiveProcessor`, fed the same
beats, contact flags and gaps in the same order), so the end view and the review show a pace for a
step exactly where the live line showed one, and count exactly the deep breaths it marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from calmlink.signal.per_beat import BeatResult, LiveProcessor
from calmlink.store.beat import Beat

SPOKE_SHARE = 0.3
"""A step shows the pace the live line spoke when it spoke for at least this share of the step's
beats (the median of what it said); less, and the step says why it was quiet."""
TOO_SHORT_S = 60.0
NO_RR = "this strap sends no beat-to-beat timing, so the breath cannot be read"
TOO_SHORT = "the breath is read after the first minute of beats"
UNEVEN = "the heartbeat was too uneven to read the breath"
NOT_CLEAR = "heart rate did not follow the breath clearly enough to read it"


@dataclass(frozen=True, slots=True)
class StepBreath:
    breathing_bpm: float | None
    """The pace the live line showed during the step (the median of what it said), or None."""
    reason: str | None
    """Why there is none, in plain words (None when there is one)."""
    deep_breaths: int
    """Deep breaths the live screen marked during the step."""


def replay(rows: Sequence[Beat]) -> list[BeatResult]:
    """One person's beats through the live path again, as the session ran them."""
    proc = LiveProcessor()
    if rows:
        proc.start_baseline(rows[0].t)
    return [proc.push(b.t, b.hr_bpm, b.rr_ms, contact=b.contact, gap_before=b.gap_before)
            for b in rows]


def step_breaths(rows: Sequence[Beat], results: Sequence[BeatResult]) -> dict[int, StepBreath]:
    """Per step index: what the live line showed, and the deep breaths marked."""
    by_step: dict[int, list[tuple[Beat, BeatResult]]] = {}
    for b, r in zip(rows, results, strict=True):
        if b.step is not None:
            by_step.setdefault(b.step, []).append((b, r))
    first = rows[0].t if rows else 0.0
    out = {}
    for step, pairs in by_step.items():
        said = [r.breathing_bpm for _, r in pairs if r.breathing_bpm is not None]
        deep = sum(1 for _, r in pairs if r.deep_breath)
        if said and len(said) >= SPOKE_SHARE * len(pairs):
            out[step] = StepBreath(round(median(said), 1), None, deep)
            continue
        out[step] = StepBreath(None, _why_quiet(pairs, first), deep)
    return out


def _why_quiet(pairs: list[tuple[Beat, BeatResult]], first: float) -> str:
    if all(b.rr_ms is None for b, _ in pairs):
        return NO_RR
    if pairs[-1][0].t - first < TOO_SHORT_S:
        return TOO_SHORT
    uneven = sum(1 for _, r in pairs if r.quality not in ("good", "fair") or r.artifact)
    if uneven >= 0.2 * len(pairs):
        return UNEVEN
    return NOT_CLEAR
