"""The page as a phone keeps it, in a real Chromium at phone size: a web app manifest Chromium
itself accepts, linked from every page with icons it can fetch; the "before you start" care card
dismissed once per browser; spoken step cues queued at a step change and never while paused."""

from __future__ import annotations

import struct
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PAGES = ("/", "/review", "/trends", "/routines", "/docs", "/docs/api", "/pair")

SPY = """
window.__spoken = [];
if ("speechSynthesis" in window) {
  const real = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (u) => { window.__spoken.push(u.text); real(u); };
}
"""
"""Records every utterance handed to the browser's real speechSynthesis.speak, then speaks it."""


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def test_manifest_is_valid_linked_from_every_page_and_its_icons_load(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server(source=None)
    page.set_viewport_size(PHONE)
    cdp = page.context.new_cdp_session(page)
    for path in PAGES:
        page.goto(server.url + path)
        assert page.locator('link[rel="manifest"]').get_attribute("href") == \
            "/static/manifest.webmanifest", path
        assert page.locator('meta[name="theme-color"]').get_attribute("content") == "#0d1013"
        found = cdp.send("Page.getAppManifest")
        assert found["url"].endswith("/static/manifest.webmanifest") and found["errors"] == [], \
            (path, found["errors"])
    response = page.request.get(server.url + "/static/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["name"] == "calmlink" and manifest["theme_color"] == "#0d1013"
    sizes = set()
    for icon in manifest["icons"]:
        got = page.request.get(server.url + icon["src"])
        assert got.ok, icon["src"]
        if icon["type"] == "image/png":
            w, h = png_size(got.body())
            assert f"{w}x{h}" == icon["sizes"]
            sizes.add((w, icon["purpose"]))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes
    touch = page.request.get(server.url + "/static/icons/apple-touch-icon.png")
    assert png_size(touch.body()) == (180, 180)
    page.goto(server.url + "/")
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
              if e["errorId"] != "in-incognito"]  # every Playwright context is a private one
    assert errors == [], errors  # Chromium would offer "Install app" / "Add to Home screen"
    assert "Add to Home screen" in page.goto(server.url + "/pair").text()  # type: ignore[union-attr]
    assert console_errors == []


def test_care_card_shows_once_and_stays_dismissed_in_this_browser(
        start_server: Any, browser: Any) -> None:
    server = start_server(source=None)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + "/")
    card = page.locator("#care")
    assert card.is_visible() and "If in doubt, ask a doctor" in card.text_content()
    page.click("#care-done")
    assert card.is_hidden() and page.locator("#care-show").is_visible()
    page.reload()
    page.wait_for_selector("#connect-view:not([hidden])")
    assert card.is_hidden()
    page.click("#care-show")
    assert card.is_visible()
    context.close()
    fresh = browser.new_context(viewport=PHONE)  # another browser profile: shown again
    other = fresh.new_page()
    other.goto(server.url + "/")
    assert other.locator("#care").is_visible()
    fresh.close()


def test_step_cues_are_spoken_at_a_step_change_and_never_while_paused(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server(speed=30.0)
    page.set_viewport_size(PHONE)
    page.add_init_script(SPY)
    page.goto(server.url + "/")
    page.click("#find")
    page.wait_for_selector("#devices button")
    page.click("#demo")
    page.fill("#profile", "Sam")
    assert page.locator("#voice").text_content() == "Voice off"  # off by default
    page.click("#start")
    page.click("#care-done")
    page.wait_for_selector("#live-view:not([hidden])")
    assert page.evaluate("window.__spoken") == []
    page.click("#voice")
    assert page.locator("#voice").get_attribute("aria-pressed") == "true"
    page.click("#voice-test")
    assert page.evaluate("window.__spoken")[-1].startswith("Settle.")
    page.wait_for_function("() => document.getElementById('step-name').textContent === 'Forehead'",
                           timeout=20_000)
    page.wait_for_function("() => window.__spoken.length >= 2")
    assert page.evaluate("window.__spoken")[-1] == \
        "Forehead. Slow strokes from the centre outwards, light pressure."
    page.click("#pause")
    page.wait_for_function("() => document.getElementById('pause').textContent === 'Resume'")
    before = page.evaluate("window.__spoken.length")
    page.click("#next")
    page.wait_for_function("() => document.getElementById('step-name').textContent === 'Temples'")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__spoken.length") == before  # paused: nothing said
    page.reload()  # the choice is kept in this browser
    page.wait_for_selector("#live-view:not([hidden])")
    assert page.locator("#voice").text_content() == "Voice on"
    assert console_errors == []


def test_the_demo_starts_once_the_care_points_are_read(start_server: Any, browser: Any) -> None:
    """`calmlink demo` no longer starts a session before anyone has seen the care points."""
    server = start_server(start_after_care=True, speed=20.0)
    assert httpx.get(server.url + "/api/status").json()["session"] is None  # nothing yet
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("#care:not([hidden])")
    assert page.locator("#care-done").text_content() == "Got it, start the demo session"
    assert page.evaluate("document.body.dataset.view") == "connect"
    page.click("#care-done")
    page.wait_for_selector("body[data-view='live']")
    page.reload()  # read once in this browser: the next demo starts at once
    page.wait_for_selector("body[data-view='live']")
    assert page.locator("#care").is_hidden()
    context.close()
