"""A flow that forgives, in the real Chromium: every device (a second browser) shows a new session,
a step change, a stop and a finished session put away within a second, and after a reload too;
the page says "reconnecting" only after a connection existed."""

from __future__ import annotations

import socket
from typing import Any

import pytest

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SECOND = 1_000
"""Every device shows what another did within this many ms."""
FEEDS = """
window.__feeds = [];
new MutationObserver(() => {
  const s = document.body && document.body.dataset.feed;
  if (s && window.__feeds[window.__feeds.length - 1] !== s) window.__feeds.push(s);
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-feed"] });
"""


def test_every_device_follows_the_session_at_once(start_server: Any, browser: Any) -> None:
    server = start_server(speed=20.0)
    giver_phone, other = (browser.new_context(viewport=PHONE) for _ in range(2))
    a, b = giver_phone.new_page(), other.new_page()
    for page in (a, b):
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-view='connect'][data-feed='open']")
    a.fill("#profile", "Sam")  # a receiver is a person: the page asks for a name
    a.click("#start")
    a.click("#care-done")  # "Got it, start the session"
    b.wait_for_selector("body[data-view='live']", timeout=SECOND)
    a.click("#next")
    b.wait_for_function("() => document.getElementById('step-name').textContent === 'Forehead'",
                        timeout=SECOND)
    b.reload()
    b.wait_for_function("() => document.body.dataset.view === 'live' && "
                        "document.getElementById('step-name').textContent === 'Forehead'")
    a.click("#stop")
    a.click("#stop")
    b.wait_for_selector("body[data-view='end']", timeout=SECOND)
    b.reload()
    b.wait_for_selector("body[data-view='end'][data-feed='open']")
    a.click("#new-session")
    b.wait_for_selector("body[data-view='connect']", timeout=SECOND)
    b.reload()  # the finished session stays put away
    b.wait_for_selector("body[data-view='connect'][data-feed='open']")
    assert b.locator("#end-view").is_hidden()
    giver_phone.close()
    other.close()


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_reconnecting_only_after_a_connection_existed(start_server: Any, page: Any) -> None:
    server = start_server(strap=False)
    dead = f"http://127.0.0.1:{_dead_port()}"  # the page from here; its live feed finds no one
    page.route(f"{dead}/**", lambda route: route.fulfill(
        response=page.request.fetch(server.url + route.request.url[len(dead):])))
    page.add_init_script(FEEDS)
    page.goto(dead + "/")
    page.wait_for_function("() => window.__feeds.length >= 1 && document.body.dataset.seq === "
                           "undefined && performance.now() > 1500")  # several tries by then
    assert page.evaluate("window.__feeds") == ["connecting"]
    assert page.locator("#connection").text_content() == "connecting to calmlink…"
    page.unroute(f"{dead}/**")
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-feed='open']")
    server.stop()
    page.wait_for_selector("body[data-feed='reconnecting']", timeout=10_000)
    assert page.locator("#connection").text_content() == "reconnecting to calmlink…"
    assert page.evaluate("window.__feeds")[:2] == ["connecting", "open"]
