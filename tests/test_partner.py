"""Partner mode through the real server: two simulated straps by role, swapping them, a whole
session, and the partner summary in the words people may read."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Any

import httpx
import pytest

from calmlink.sensors.factory import SourceFactory

pytestmark = pytest.mark.usefixtures("no_blocking")
FORBIDDEN = re.compile(r"\b(bond\w*|empath\w*|connection score|in sync|diagnos\w*|therap\w*)\b", re.I)


def client(server: Any) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=30)


def wait_until(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_partner_session_end_to_end(start_server: Any) -> None:
    receiver, giver = SourceFactory(speed=60.0, seed=4).simulated_pair(0.5, 2.0)
    server = start_server(receiver, giver=giver, speed=60.0)
    with client(server) as c:
        status = wait_until(lambda: (s := c.get("/api/status").json())["connections"].get("giver")
                            and s["connections"]["giver"]["state"] == "connected" and s)
        assert status["connection"]["device"] == "calmlink demo strap"
        swapped = c.post("/api/devices/swap").json()["connections"]
        assert swapped["giver"]["device"] == "calmlink demo strap"
        assert swapped["receiver"]["device"] == "calmlink demo strap (giver)"
        c.post("/api/devices/swap")  # and back
        started = c.post("/api/session", json={"profile": "Sam", "giver": "Alex"}).json()
        assert set(started["roles"]) == {"receiver", "giver"}
        assert c.post("/api/devices/swap").status_code == 409  # not during a session
        ended = wait_until(lambda: (s := c.get("/api/status").json())["last_summary"] and s,
                           timeout=60)["last_summary"]
    partner = ended["partner"]
    assert partner["giver"] == "Alex" and len(partner["steps"]) == 7
    assert len(partner["step_sentences"]) == 6
    assert all(("Sam" in s and "Alex" in s) or "not enough" in s  # each by name
               for s in partner["step_sentences"])
    sync = partner["synchrony"]
    assert sync["windows"] > 50 and sync["lag_s"] is not None
    if sync["passes"]:
        assert sync["sentence"].startswith("Your heart rates moved together more than chance "
                                           "would give. They rose and fell together for about ")
        assert "; chance alone gives about " in sync["sentence"] and sync["steps_in_step"]
    else:
        assert sync["sentence"].startswith("No clear link between your heart rates this time.")
        assert not sync["steps_in_step"]
    assert partner["n_beats"] > 100 and ended["n_beats"] > 100  # each person's own beats
    assert not FORBIDDEN.search(str(partner))
    detail = httpx.get(f"{server.url}/api/sessions/{ended['session_id']}").json()
    assert {b["role"] for b in detail["beats"]} == {"receiver", "giver"}
    csv = httpx.get(f"{server.url}/api/sessions/{ended['session_id']}/export").text
    assert ",giver," in csv and ",receiver," in csv


def test_the_giver_strap_is_optional_and_removable(start_server: Any) -> None:
    server = start_server(speed=30.0)
    with client(server) as c:
        assert c.post("/api/devices/connect", json={"target": "demo", "role": "giver"}).json()[
            "role"] == "giver"
        wait_until(lambda: c.get("/api/status").json()["connections"].get("giver", {}).get("state")
                   == "connected")
        gone = c.post("/api/devices/disconnect", json={"role": "giver"}).json()
        assert (gone["role"], gone["connection"]["cause"]) == ("giver", "user-disconnect")
        assert c.get("/api/status").json()["connection"]["state"] == "connected"  # receiver's


def _session_beats(seed: int, coupling: float) -> list[Any]:
    """A 10-minute partner session as stored: both roles' beats with their steps (one a minute)."""
    from calmlink.sensors.simulator import pair_physiologies, simulate_beats
    from calmlink.store.beat import Beat
    from calmlink.testing.pairs import clean_beats

    out = []
    for role, person in zip(("receiver", "giver"), pair_physiologies(seed, coupling, 2.0),
                            strict=True):
        t, rr = simulate_beats(seed * 2 + (role == "giver"), person, 600.0)
        ok = clean_beats(__import__("numpy").array(rr))
        out += [Beat(None, role, ti, ri, 60000 / ri, not bool(k), False, min(int(ti // 90), 6),
                     None, None, "good") for ti, ri, k in zip(t, rr, ok, strict=True)]
    out.sort(key=lambda b: b.t)
    return [replace(b, beat_seq=i) for i, b in enumerate(out)]


async def test_pseudo_pairs_from_the_couples_earlier_sessions(tmp_path: Any) -> None:
    """From three earlier sessions on, today's receiver is also tested against earlier givers."""
    import asyncio

    from calmlink.review.partner import partner_summary
    from calmlink.store.store import ImportedSession, Store

    names = ["Settle", "Forehead", "Temples", "Scalp", "Base of the skull", "Neck", "Stillness"]
    store = Store(tmp_path / "couple.sqlite3")
    await asyncio.to_thread(store.open)
    try:
        sessions = [ImportedSession("Sam", f"2026-11-0{k + 1}T20:00", f"2026-11-0{k + 1}T20:10",
                                    "seeded", _session_beats(100 + k, 0.5), {}, names, "Alex")
                    for k in range(3)]
        sessions.append(ImportedSession("Sam", "2026-11-05T20:00", "2026-11-05T20:10", "seeded",
                                        _session_beats(7, 0.5), {}, names,
                                        "Robin"))  # another giver: not this couple's
        await asyncio.to_thread(store.import_sessions_blocking, sessions)
        earlier = await store.couple_beats("Sam", "Alex", before=10**6)
    finally:
        await asyncio.to_thread(store.close)
    assert len(earlier) == 3
    today = _session_beats(4, 0.5)
    alone = await asyncio.to_thread(partner_summary, today, names, "Alex")
    paired = await asyncio.to_thread(partner_summary, today, names, "Alex", earlier)
    assert alone is not None and paired is not None
    assert alone.synchrony is not None and alone.synchrony.pseudo_pairs == 0
    report = paired.synchrony
    assert report is not None and report.pseudo_pairs == 3 and report.pseudo_pair_p is not None
    # the session passes only when it beats both its own surrogates and the pseudo-partners; with
    # three earlier sessions a coupled pair can pass (39 pseudo-pairs: shifts around the alignment)
    assert report.passes == (alone.synchrony.passes and report.pseudo_pair_p <= 0.05)
    assert report.passes and report.pseudo_pair_p <= 0.05
