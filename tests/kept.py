"""Run a session that is sure to be kept, for tests that review it afterwards.

A session needs a minute of heartbeats (session clock) to be kept. At 40x a minute is 1.5 s of
wall time, so a routine a little over a minute long, started before the simulated strap's first
beat or slowed by a busy machine, can end with less and be discarded: a race, not a finding.
:func:`kept_session` waits for the first beat before it starts and asks for routines with a wide
margin, so the test sees the session it ran.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

MARGIN_S = 120.0
"""Session-clock seconds a kept session's routine runs beyond the minute of beats it needs."""


def wait_for_a_beat(c: httpx.Client, timeout: float = 10.0) -> None:
    """The receiver's strap has sent a heartbeat (the live page shows a heart rate)."""
    deadline = time.monotonic() + timeout
    while c.get("/api/status").json()["latest_hr"] is None:
        assert time.monotonic() < deadline, "the simulated strap sent no beat"
        time.sleep(0.05)


def wait_ended(c: httpx.Client, timeout: float = 30.0) -> dict[str, Any]:
    """The running session has ended and its summary is stored; returns that summary (a
    session's end clears it from the status a moment before its summary is written)."""
    deadline = time.monotonic() + timeout
    while True:
        status = c.get("/api/status").json()
        if status["session"] is None and status["last_summary"] is not None:
            return dict(status["last_summary"])
        assert time.monotonic() < deadline, "the session did not end"
        time.sleep(0.1)


def kept_session(c: httpx.Client, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Start a session (``body`` as POST /api/session takes it) once beats flow, let it run to
    its end and return the start's view and the kept session's id."""
    asked = body["routine"]
    [routine] = [r for r in c.get("/api/routines").json()["routines"]
                 if asked in (r["id"], r["name"])]
    total = sum(step["duration_s"] for step in routine["steps"])
    assert total >= 60.0 + MARGIN_S, f"a routine of {total:.0f} s may end too short to be kept"
    wait_for_a_beat(c)
    started = c.post("/api/session", json=body)
    assert started.status_code == 200, started.text
    view = started.json()
    summary = wait_ended(c)
    assert summary["session_id"] == view["id"], f"the session was not kept: {summary}"
    return view, int(view["id"])
