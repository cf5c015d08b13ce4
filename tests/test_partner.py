"""Partner mode through the real server: two simulated straps by role, swapping them, a whole
session, and the partner summary in the words people may read."""

from __future__ import annotations

import re
import time
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
    assert all(("receiver" in s and "giver" in s) or "not enough" in s
               for s in partner["step_sentences"])
    sync = partner["synchrony"]
    assert sync["windows"] > 50 and sync["lag_s"] is not None
    if sync["passes"]:
        assert "by chance alone about" in sync["sentence"] and sync["steps_in_step"]
    else:
        assert sync["sentence"].startswith("no clear link this time") and not sync["steps_in_step"]
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
