"""Sessions a crash left behind: the store marks them interrupted when it opens, and their summary
is made here from the beats they kept, so they stay reviewable. The store computes nothing itself;
this is the one place that opens a store for the app and the command line."""

from __future__ import annotations

from dataclasses import asdict, replace

from calmlink.review.breathe import rebuilt_breaths
from calmlink.review.partner import partner_summary
from calmlink.review.summary import summarize
from calmlink.signal.paced import DEFAULT_PACE
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
        paces = {k: float(st.get("breaths_per_min") or DEFAULT_PACE)
                 for k, st in enumerate(snapshot["steps"] if snapshot else [])
                 if st.get("kind") == "breathe"}  # the pacer's own breaths were not kept
        breaths = rebuilt_breaths(beats, paces)
        mine = summarize(beats, names, ids, breaths=breaths)
        profile = store.profile_of_blocking(session_id)
        summary = replace(mine, partner=partner_summary(beats, names, receiver_steps=mine.steps,
                                                        breaths=breaths, breathe_steps=paces,
                                                        receiver=profile))
        store.set_summary_blocking(session_id, summary.to_dict())
        found = [("receiver", profile, summary.pace_finding)]
        if summary.partner is not None:
            found.append(("giver", summary.partner.giver, summary.partner.pace_finding))
        for role, person, finding in found:
            if finding is not None and person:
                store.paces.keep_blocking(session_id, role, person, finding.pace, asdict(finding))


def recover(store: Store) -> int:
    """Open ``store`` and summarise what a crash left; returns how many sessions that was. Blocks."""
    ids = store.open()
    summarize_interrupted(store, ids)
    return len(ids)

