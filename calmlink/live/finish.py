"""A session's end: its summary (the receiver's, and the partner result when the giver wore a
strap too), computed off the event loop and stored with the session."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from calmlink.live.live_session import LiveSession
from calmlink.review.partner import partner_summary
from calmlink.review.summary import SessionSummary, summarize
from calmlink.store.beat import Role
from calmlink.store.store import Store


async def finish(store: Store, s: LiveSession, state: str) -> SessionSummary:
    """Summarise the ended session ``s`` and store the summary with its final ``state``."""
    names = [st.name for st in s.routine.steps]
    giver = s.giver or "Giver"
    partnered = any(b.role == Role.GIVER for b in s.beats)
    earlier = await store.couple_beats(s.profile, giver, before=s.id) if partnered else []

    def work() -> SessionSummary:  # numpy work: off the event loop
        mine = summarize(s.beats, names)
        return replace(mine, session_id=s.id, profile=s.profile, routine=s.routine.name,
                       state=state, partner=partner_summary(s.beats, names, giver, earlier,
                                                            receiver_steps=mine.steps))

    summary = await asyncio.to_thread(work)
    await store.finish_session(s.id, state, summary.to_dict(),
                               giver=giver if summary.partner is not None else None)
    return summary
