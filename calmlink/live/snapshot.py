"""What a page is told on (re)connect: the snapshot of the controller's state, and how long the
last session's end view is still kept for pages that showed it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from calmlink.live.events import Snapshot
from calmlink.live.live_session import routine_view
from calmlink.store.beat import Role

if TYPE_CHECKING:
    from calmlink.live.controller import Controller

END_VIEW_KEPT_S = 30 * 60.0
"""For this long after a session ends (wall-clock seconds), a page that showed its end view shows
it again when it reloads or reconnects; after it, every page opens on the start view (the next
evening starts fresh: docs/live-protocol.md "The end view")."""


def end_kept_s(c: Controller) -> float | None:
    """Wall-clock seconds the last session's end view is still kept for pages that showed it
    (0 once :data:`END_VIEW_KEPT_S` has passed); None without a finished session."""
    if c.last_summary is None or c.last_ended_at is None:
        return None
    age_s = (c.now() - c.last_ended_at) / (c.clock_rate or 1.0)
    return round(max(0.0, END_VIEW_KEPT_S - age_s), 1)


def snapshot_of(c: Controller, *, epoch: str, resumed: bool, lan: bool, local: bool) -> Snapshot:
    """Everything a page needs first, on every (re)connect (docs/live-protocol.md)."""
    hr = c.latest_hr.get(Role.RECEIVER)
    return Snapshot(
        epoch=epoch, resumed=resumed, connection=c.connection,
        connections={str(role): conn for role, conn in c.connections.items()},
        session=c.session_view(), last_summary=c.last_summary, end_kept_s=end_kept_s(c),
        routines=tuple(routine_view(r) for r in c.routines.shelf.routines),
        clock_rate=c.clock_rate,
        latest_hr=None if hr is None or math.isnan(hr) else hr, lan=lan, local=local,
        start_after_care=c.start_after_care,
        chest_unavailable={str(r): m.reason for r, m in c.chest_status.items() if not m.available})
