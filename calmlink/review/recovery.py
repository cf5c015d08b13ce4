"""Sessions a crash left behind: the store marks them interrupted when it opens, and their summary
is made here from the beats they kept, so they stay reviewable. The store computes nothing itself;
this is the one place that opens a store for the app and the command line."""

from __future__ import annotations

from dataclasses import replace

from calmlink.review.partner import partner_summary
from calmlink.review.summary import summarize
from calmlink.store.store import Store


def summarize_interrupted(store: Store, session_ids: list[int]) -> None:
    """Store a summary (the receiver's, and the partner result for a pair) for each session.
    Blocks: call it off the event loop."""
    for session_id in session_ids:
        beats = store.beats_blocking(session_id)
        names = store.step_names_blocking(session_id)
        top = max((b.step for b in beats if b.step is not None), default=-1)
        names += [f"Step {i + 1}" for i in range(len(names), top + 1)]
        snapshot = store.routine_snapshot_blocking(session_id)
        ids = [str(st["id"]) for st in snapshot["steps"]] if snapshot else None
        mine = summarize(beats, names, ids)
        summary = replace(mine, partner=partner_summary(beats, names, receiver_steps=mine.steps))
        store.set_summary_blocking(session_id, summary.to_dict())


def recover(store: Store) -> int:
    """Open ``store`` and summarise what a crash left; returns how many sessions that was. Blocks."""
    ids = store.open()
    summarize_interrupted(store, ids)
    return len(ids)

