"""LAN mode: tokens on every request, pairing that works once and is rate-limited, revocation."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest
import websockets

from calmlink.api.lan import NOT_PAIRED
from calmlink.api.viewers import MAX_FAILS_PER_CLIENT, Viewers
from calmlink.store.store import Store

pytestmark = pytest.mark.usefixtures("no_blocking")


@pytest.fixture
def lan(start_server: Any) -> Any:
    return start_server(lan=True)


def client(server: Any, local_address: str = "127.0.0.1") -> httpx.Client:
    """The host itself (127.0.0.1) or 'a phone' (another loopback source address)."""
    transport = httpx.HTTPTransport(local_address=local_address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=10,
                        headers={"origin": server.url})


def test_every_request_needs_a_token_and_the_host_page_gets_one(lan: Any) -> None:
    with client(lan) as host:
        assert host.get("/api/status").status_code == 401
        page = host.get("/")
        assert page.status_code == 200
        assert "calmlink_token" in page.headers["set-cookie"]
        assert "HttpOnly" in page.headers["set-cookie"] and "SameSite=Strict" in page.headers["set-cookie"]
        assert host.get("/api/status").json()["lan"] is True


def test_pair_a_phone_then_revoke_it(lan: Any) -> None:
    with client(lan) as host, client(lan, "127.0.0.2") as phone:
        host.get("/")
        code = host.post("/api/pair/start").json()
        assert len(code["code"]) == 6 and code["qr_svg_data_url"].startswith("data:image/svg+xml")
        svg = base64.b64decode(code["qr_svg_data_url"].split(",", 1)[1]).decode()
        # dark modules on a white ground with its quiet zone, as printed: a camera reads it
        assert '<path fill="#fff" d="M0 0h' in svg and 'stroke="#000"' in svg and ' d="M4 ' in svg
        assert phone.get("/").status_code == 401  # not this computer, not paired
        assert phone.get("/api/status").status_code == 401
        for method, path in (("GET", "/api/routines"), ("POST", "/api/routines"),
                             ("GET", "/api/trends/tried?profile=Sam"),
                             ("PATCH", "/api/sessions/1/tried"), ("GET", "/routines")):
            assert phone.request(method, path, json={}).status_code == 401, path
        assert phone.get("/pair").status_code == 200
        assert phone.post("/api/pair/start").status_code == 401
        assert phone.post("/api/pair", json={"code": "000000" if code["code"] != "000000"
                                             else "111111"}).status_code == 401
        paired = phone.post("/api/pair", json={"code": code["code"], "name": "Sam's phone"})
        assert paired.status_code == 200
        assert phone.get("/api/status").status_code == 200
        assert phone.post("/api/pair", json={"code": code["code"]}).status_code == 401  # used once
        assert phone.post("/api/pair/start").status_code == 403  # codes only on the host

        token = paired.json()["token"]
        ws_url = lan.url.replace("http", "ws") + "/ws/live"

        async def watch_until_revoked() -> str:
            headers = {"cookie": f"calmlink_token={token}"}
            async with websockets.connect(ws_url, origin=lan.url, additional_headers=headers) as ws:
                assert json.loads(await ws.recv())["type"] == "snapshot"
                viewers = host.get("/api/viewers").json()
                phone_id = next(v["id"] for v in viewers if v["name"] == "Sam's phone")
                assert host.delete(f"/api/viewers/{phone_id}").status_code == 200
                try:
                    while True:
                        await asyncio.wait_for(ws.recv(), 5)
                except websockets.exceptions.ConnectionClosed as closed:
                    return closed.rcvd.reason if closed.rcvd else ""

        assert asyncio.run(watch_until_revoked()) == "this device was revoked"
        assert phone.get("/api/status").status_code == 401

        async def connect_again() -> int:
            try:
                async with websockets.connect(ws_url, origin=lan.url,
                                              additional_headers={"cookie": f"calmlink_token={token}"}):
                    return 101
            except websockets.exceptions.InvalidStatus as exc:
                return exc.response.status_code

        assert asyncio.run(connect_again()) == 401


def test_a_phone_not_yet_paired_is_told_how_to_pair(lan: Any) -> None:
    with client(lan, "127.0.0.4") as phone:
        opened = phone.get("/", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert opened.status_code == 401 and opened.headers["content-type"].startswith("text/html")
        page = opened.text
        assert "<h1>Pair this phone first</h1>" in page and 'href="/pair"' in page
        assert "<script" not in page and "<style" not in page and "style=" not in page
        assert '<link rel="stylesheet" href="/static/style.css">' in page  # the app's own look
        assert "script-src 'self'" in opened.headers["content-security-policy"]
        head = phone.head("/review", headers={"accept": "text/html"})
        assert head.status_code == 401 and head.content == b""
        for accept in ("application/json", "*/*"):  # the page's own requests, a script
            refused = phone.get("/api/status", headers={"accept": accept})
            assert refused.status_code == 401
            assert refused.json() == {"detail": NOT_PAIRED}
        assert phone.post("/api/session", headers={"accept": "text/html"}, json={}).json() == \
            {"detail": NOT_PAIRED}  # never a page for a change of state
        assert phone.get("/pair", headers={"accept": "text/html"}).status_code == 200


def test_failed_pairing_is_rate_limited(lan: Any) -> None:
    with client(lan) as host, client(lan, "127.0.0.3") as guesser:
        host.get("/")
        host.post("/api/pair/start")
        statuses = [guesser.post("/api/pair", json={"code": f"{n:06d}"}).status_code
                    for n in range(MAX_FAILS_PER_CLIENT + 2)]
        assert statuses[-1] == 429
        assert set(statuses[:MAX_FAILS_PER_CLIENT]) <= {401, 200}


def test_loopback_mode_needs_no_token(start_server: Any) -> None:
    server = start_server()
    assert httpx.get(server.url + "/api/status").status_code == 200
    assert httpx.post(server.url + "/api/pair/start", headers={"origin": server.url}).status_code == 409


async def test_codes_expire_and_guessing_is_limited(tmp_path: Any) -> None:
    store = Store(tmp_path / "v.sqlite3")
    await asyncio.to_thread(store.open)
    now = [0.0]
    viewers = Viewers(store, clock=lambda: now[0])
    try:
        code = viewers.new_code().code
        now[0] = 181.0
        assert await viewers.pair(code, "late phone", "10.0.0.9") is None  # expired
        code = viewers.new_code().code
        token = await viewers.pair(code, "phone", "10.0.0.9")
        assert token is not None and await viewers.check(token) is not None
        assert await viewers.check("not-a-token") is None
    finally:
        await asyncio.to_thread(store.close)
