"""The REST API and the live feed on a real server: session life, routines, and the guards."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from calmlink.sensors.simulator import SimulatedStrap

pytestmark = pytest.mark.usefixtures("no_blocking")


@pytest.fixture
def server(start_server: Any, tmp_path: Path) -> Any:
    routines = tmp_path / "routines"
    routines.mkdir()
    (routines / "short.toml").write_text(
        'name = "Short and slow"\n[[steps]]\nname = "Settle"\ncue = "Breathe."\nduration_s = 30\n'
        '[[steps]]\nname = "Temples"\ncue = "Slow circles."\nduration_s = 60\n')
    (routines / "broken.toml").write_text('name = "Broken"\n[[steps]]\nname = "Settle"\nduration_s = 5\n')
    return start_server(SimulatedStrap(speed=30.0), speed=30.0, routines_dir=routines)


def client(server: Any) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10)


def test_status_and_routines(server: Any) -> None:
    with client(server) as c:
        status = c.get("/api/status").json()
        assert status["connection"]["state"] in ("connecting", "connected")
        names = [r["name"] for r in c.get("/api/routines").json()["routines"]]
        assert names == ["Nine quiet minutes", "Five quiet minutes",
                         "Seven minutes with a closing breath", "Find your breathing pace",
                         "Short and slow"]
        skipped = c.get("/api/routines").json()["skipped"]
        assert skipped == ["broken.toml: step 1: 'duration_s' must be from 30 seconds to 10 minutes "
                           "(the first step is the settle step, the starting point the rest is "
                           "compared with: got 5 seconds)"]


def test_a_session_life_over_rest(server: Any) -> None:
    with client(server) as c:
        assert c.post("/api/session/next").status_code == 409  # nothing to advance yet
        c.post("/api/session", json={"profile": "Sam", "routine": "Short and slow"})
        wait_for_beats(c, 1)
        short = c.post("/api/session/stop").json()["summary"]  # a few beats: nothing to compare
        assert short["session_id"] is None and short["n_beats"] >= 1 and short["stopped"]
        assert c.get("/api/sessions").json() == []  # not kept
        started = c.post("/api/session", json={"profile": "Sam", "routine": "Short and slow"})
        assert started.status_code == 200, started.text
        assert started.json()["step"]["name"] == "Settle"
        assert c.post("/api/session", json={"profile": "Sam"}).status_code == 409
        assert c.post("/api/session/pause").json()["state"] == "paused"
        assert c.post("/api/session/resume").json()["state"] == "active"
        assert c.post("/api/session/next").json()["step"]["name"] == "Temples"
        assert c.post("/api/session/previous").json()["step"]["name"] == "Settle"
        wait_for_beats(c, 75)  # a session is kept from a minute of beats on (the routine: 90 s)
        ended = c.post("/api/session/stop").json()
        assert ended["ended"] and ended["summary"]["profile"] == "Sam" and ended["summary"]["stopped"]
        sessions = c.get("/api/sessions").json()
        assert sessions[0]["profile"] == "Sam" and sessions[0]["state"] == "completed"
        detail = c.get(f"/api/sessions/{sessions[0]['id']}").json()
        assert detail["summary"]["routine"] == "Short and slow"
        assert c.post("/api/session", json={"routine": "Nope"}).status_code == 409


def test_no_strap_asks_and_a_session_without_a_beat_is_not_kept(start_server: Any) -> None:
    server = start_server(strap=False)
    with client(server) as c:
        refused = c.post("/api/session", json={"profile": "Sam"})
        assert refused.status_code == 409 and "without readings" in refused.json()["detail"]
        started = c.post("/api/session", json={"profile": "Sam", "without_readings": True})
        assert started.status_code == 200 and started.json()["roles"] == []
        ended = c.post("/api/session/stop").json()["summary"]
        assert (ended["session_id"], ended["n_beats"], ended["outcome"]) == (None, 0, None)
        assert c.get("/api/sessions").json() == []  # nothing kept
        assert c.get("/api/status").json()["last_summary"]["n_beats"] == 0
        assert c.post("/api/session/clear").json() == {"cleared": True}
        assert c.get("/api/status").json()["last_summary"] is None  # a later page: connect view


def test_timer_advances_steps_and_completes(server: Any) -> None:
    async def run() -> list[dict[str, Any]]:
        with client(server) as c:
            c.post("/api/session", json={"profile": "Kim", "routine": "Short and slow"})
        seen: list[dict[str, Any]] = []
        ws_url = server.url.replace("http", "ws") + "/ws/live"
        async with websockets.connect(ws_url, origin=server.url) as ws:
            while not any(m["type"] == "session_end" for m in seen):
                seen.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
        return seen

    messages = asyncio.run(run())
    assert messages[0]["type"] == "snapshot"
    seqs = [m["seq"] for m in messages[1:]]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # one seq each, no gap
    steps = [m["session"]["step"]["name"] for m in messages if m["type"] == "step"]
    assert "Temples" in steps
    beats = [m for m in messages if m["type"] == "beat" and m["session_id"] is not None]
    assert {"t", "hr_bpm", "rr_ms", "artifact", "gauge", "trend", "quality", "step"} <= beats[0].keys()
    assert messages[-1]["summary"]["state"] == "completed"


def test_resume_from_seq_sends_only_what_was_missed(server: Any) -> None:
    async def run() -> tuple[list[int], list[int]]:
        ws_url = server.url.replace("http", "ws") + "/ws/live"
        async with websockets.connect(ws_url, origin=server.url) as ws:
            snap = json.loads(await ws.recv())
            first = [json.loads(await ws.recv())["seq"] for _ in range(5)]
        await asyncio.sleep(0.5)
        url = f"{ws_url}?epoch={snap['epoch']}&since={first[-1]}"
        async with websockets.connect(url, origin=server.url) as ws:
            again = json.loads(await ws.recv())
            assert again["type"] == "snapshot" and again["resumed"]
            rest = [json.loads(await ws.recv())["seq"] for _ in range(10)]
        return first, rest

    first, rest = asyncio.run(run())
    assert rest[0] == first[-1] + 1
    assert rest == list(range(rest[0], rest[0] + 10))


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.nip.io", "", "localhost.evil.example"])
def test_unknown_host_gets_400(server: Any, host: str) -> None:
    r = httpx.get(server.url + "/api/status", headers={"host": host})
    assert r.status_code == 400


def test_loopback_names_are_allowed(server: Any) -> None:
    for host in ("127.0.0.1", "localhost", f"localhost:{server.port}", "[::1]"):
        assert httpx.get(server.url + "/api/status", headers={"host": host}).status_code == 200


def test_state_change_needs_same_origin(server: Any) -> None:
    r = httpx.post(server.url + "/api/session", json={"profile": "x"})
    assert r.status_code == 403
    r = httpx.post(server.url + "/api/session", json={"profile": "x"},
                   headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    assert httpx.get(server.url + "/api/status").status_code == 200  # reads need no Origin


def test_websocket_checks_origin_and_host(server: Any) -> None:
    ws_url = server.url.replace("http", "ws") + "/ws/live"

    async def status_of(**kwargs: Any) -> int:
        try:
            async with websockets.connect(ws_url, **kwargs) as ws:
                await ws.recv()
                return 101
        except websockets.exceptions.InvalidStatus as exc:
            return exc.response.status_code

    assert asyncio.run(status_of(origin="http://evil.example")) == 403
    assert asyncio.run(status_of()) == 101  # a script on this machine sends no Origin: welcome
    evil_host = {"host": "evil.example"}
    assert asyncio.run(status_of(origin=server.url, additional_headers=evil_host)) in (400, 403)
    assert asyncio.run(status_of(origin=server.url)) == 101


def test_strict_headers_on_every_response(server: Any) -> None:
    for path in ("/", "/review", "/static/app.js", "/api/status", "/nope"):
        r = httpx.get(server.url + path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/api/sessions/99999999999999999999", "/api/sessions/0",
                                  "/api/sessions/-1", "/api/sessions/9223372036854775807"])
def test_out_of_range_ids_are_clean_errors(server: Any, path: str) -> None:
    assert httpx.get(server.url + path).status_code in (404, 422)


def test_demo_device_listing_and_connect(server: Any) -> None:
    with client(server) as c:
        found = c.get("/api/devices?timeout=0.5").json()
        assert found == [{"name": "calmlink demo strap", "address": "demo", "rssi": -40},
                         {"name": "calmlink demo strap (giver)", "address": "demo-giver", "rssi": -58}]
        assert c.post("/api/devices/connect", json={"target": "demo"}).status_code == 200
        gone = c.post("/api/devices/disconnect").json()["connection"]
        assert (gone["state"], gone["cause"]) == ("disconnected", "user-disconnect")


def wait_for_beats(c: httpx.Client, at_least: int, timeout: float = 10.0) -> int:
    """Wait until the running session has stored at least ``at_least`` beats; returns its count."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session = c.get("/api/status").json()["session"]
        if session is not None and session["n_beats"] >= at_least:
            return int(session["n_beats"])
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} beats after {timeout} s")


def test_swapping_the_strap_mid_session_keeps_time_running(server: Any) -> None:
    with client(server) as c:
        c.post("/api/session", json={"profile": "Sam"})
        before = wait_for_beats(c, 10)
        assert c.post("/api/devices/connect", json={"target": "demo"}).status_code == 200
        wait_for_beats(c, before + 80)  # a minute in all: the session is kept
        session_id = c.post("/api/session/stop").json()["summary"]["session_id"]
        beats = c.get(f"/api/sessions/{session_id}").json()["beats"]
    times = [b["t"] for b in beats]
    assert times == sorted(times)  # the new strap's clock started at zero; the session's did not
    assert any(b["gap_before"] for b in beats[1:])  # nothing bridges the swap


def test_delete_a_profile_with_its_sessions_and_beats(server: Any) -> None:
    with client(server) as c:
        c.post("/api/session", json={"profile": "Robin/Lee"})
        wait_for_beats(c, 5)
        c.post("/api/session/stop")
        assert c.delete("/api/profiles", params={"name": "Robin/Lee"}).status_code == 200
        assert all(s["profile"] != "Robin/Lee" for s in c.get("/api/sessions").json())
        assert "Robin/Lee" not in c.get("/api/profiles").json()
        assert c.delete("/api/profiles", params={"name": "Robin/Lee"}).status_code == 404
    import sqlite3

    with sqlite3.connect(server.settings.db_path) as conn:
        orphans = conn.execute("SELECT COUNT(*) FROM beats WHERE session_id NOT IN "
                               "(SELECT id FROM sessions)").fetchone()[0]
    assert orphans == 0


def test_a_refused_websocket_is_refused_cleanly(server: Any) -> None:
    """A refusal is a status for the client, not an error in the terminal of whoever runs calmlink."""
    import logging

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.ERROR)
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    ws_url = server.url.replace("http", "ws") + "/ws/live"

    async def refused() -> int:
        try:
            async with websockets.connect(ws_url, origin="http://evil.example"):
                return 101
        except websockets.exceptions.InvalidStatus as exc:
            return exc.response.status_code

    try:
        assert asyncio.run(refused()) == 403
        time.sleep(0.2)
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records] == []


def test_a_ten_line_python_reader_of_the_live_feed(server: Any) -> None:
    """The reader docs/live-protocol.md shows, run as a person would (no Origin, on loopback)."""
    import re
    import subprocess
    import sys

    doc = (Path(__file__).parent.parent / "docs" / "live-protocol.md").read_text()
    code = re.search(r"```python\n(.*?)```", doc, re.S)
    assert code is not None and len(code.group(1).strip().splitlines()) <= 12
    script = code.group(1).replace("ws://127.0.0.1:8000", server.url.replace("http", "ws"))
    out = subprocess.run([sys.executable, "-c", script + "\n"], capture_output=True, text=True,
                         timeout=30, input="")
    assert out.returncode == 0, out.stderr
    assert "snapshot" in out.stdout and "beat" in out.stdout
