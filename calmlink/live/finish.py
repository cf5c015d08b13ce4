"""A session's beginning and end in the store: its row with the routine's snapshot and what was
tried; at the end its summary (the receiver's, and the partner result when the giver wore a strap
too), computed off the event loop and stored with the session. A session with less than a minute
of heartbeats (none, when the routine ran without readings) is not kept: there is nothing to
compare with settling. One the server's stop interrupted is kept whatever its length, as one a
crash interrupted is (review/recovery.py): no one chose to end it."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, replace

from calmlink.live.live_session import LiveSession
from calmlink.live.routine import Routine, snapshot
from calmlink.live.step_clock import StepClock
from calmlink.review.partner import partner_summary
from calmlink.review.summary import SessionSummary, summarize
from calmlink.store.beat import Role
from calmlink.store.store import Store
from calmlink.store.tried import Tried


async def begin(store: Store, routine: Routine, profile: str, giver: str | None, *,
                device: str | None, source_kind: str, tried: Tried | None, now: float
                ) -> LiveSession:
    """Store a new session's row and return its live state, its step clock starting at ``now``;
    its breathe steps without a pace of their own take the receiver's found pace."""
    own = await store.paces.default(profile) if any(st.kind == "breathe" for st in routine.steps) \
        else None
    session_id = await store.start_session(
        profile, routine.name, device, source_kind, steps=[st.name for st in routine.steps],
        giver=giver, snapshot=snapshot(routine), tried=tried)
    return LiveSession(session_id, profile, routine,
                       StepClock(tuple(st.duration_s for st in routine.steps), now), now,
                       giver=giver, tried=tried or Tried(), own_pace=own)


MIN_KEPT_S = 60.0
"""A session whose heartbeats span less than this (session clock) is not kept."""


def beats_span(s: LiveSession) -> float:
    """Seconds from the session's first beat to its last, any role."""
    return s.beats[-1].t - s.beats[0].t if s.beats else 0.0


async def finish(store: Store, s: LiveSession, state: str, stopped: bool = False) -> SessionSummary:
    """Summarise the ended session ``s`` and store the summary with its final ``state``
    (``stopped``: by Stop, before the routine's end); a session people ended with less than
    ``MIN_KEPT_S`` of beats (none at all, when the routine ran without readings) is deleted
    instead, and its summary says how many beats it had."""
    short = beats_span(s) < MIN_KEPT_S and state != "interrupted"  # the server's stop keeps it
    if s.n_beats == 0 or short:
        await store.delete_session(s.id)
        mine = sum(b.role == Role.RECEIVER for b in s.beats)
        return SessionSummary.empty(s.profile, s.routine.name, state, n_beats=mine,
                                    duration_s=round(beats_span(s), 1), stopped=stopped)
    names = [st.name for st in s.routine.steps]
    ids = [st.id for st in s.routine.steps]
    giver = s.giver or "Giver"
    partnered = any(b.role == Role.GIVER for b in s.beats)
    earlier = await store.couple_beats(s.profile, giver, before=s.id) if partnered else []

    breaths = s.breathing.breaths
    breathe = [k for k, st in enumerate(s.routine.steps) if st.kind == "breathe"]

    def work() -> SessionSummary:  # numpy work: off the event loop
        mine = summarize(s.beats, names, ids, breaths=breaths)
        return replace(mine, session_id=s.id, profile=s.profile, routine=s.routine.name,
                       state=state, stopped=stopped, partner=partner_summary(
                           s.beats, names, giver, earlier, receiver_steps=mine.steps,
                           breaths=breaths, breathe_steps=breathe, receiver=s.profile))

    summary = await asyncio.to_thread(work)
    await store.finish_session(s.id, state, summary.to_dict(),
                               giver=giver if summary.partner is not None else None)
    await keep_paces(store, s.id, summary)
    return summary


async def keep_paces(store: Store, session_id: int, summary: SessionSummary) -> None:
    """A pace-finding session's answers, kept per person (the receiver's, and the giver's when
    they wore a strap too)."""
    found = [("receiver", summary.profile, summary.pace_finding)]
    if summary.partner is not None:
        found.append(("giver", summary.partner.giver, summary.partner.pace_finding))
    for role, person, finding in found:
        if finding is not None and person:
            await store.paces.keep(session_id, role, person, finding.pace, asdict(finding))
