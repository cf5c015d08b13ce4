"""The live page in a real Chromium against a real server: numbers move, a whole session runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
FORBIDDEN = re.compile(r"\b(diagnos\w*|treatment|therap\w*|cure[sd]?|heal(s|ing)?|anxiety|"
                       r"stress|health score|clinically|cortisol|oxytocin)\b", re.I)
SHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_heart_rate_and_gauge_move_on_the_demo(start_server: Any, page: Any,
                                               console_errors: list[str]) -> None:
    server = start_server(autostart=True)
    page.goto(server.url + "/")
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('hr').textContent)",
                           timeout=10_000)
    seen = {page.locator("#hr").text_content()}
    for _ in range(40):
        page.wait_for_timeout(250)
        seen.add(page.locator("#hr").text_content())
        if len(seen) > 2:
            break
    assert len(seen) > 2, f"heart rate did not move: {seen}"
    # at 20x the 60 s baseline takes 3 s; then the gauge shows a number
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('gauge-value').textContent)",
                           timeout=15_000)
    assert "not a medical device" in page.locator("footer").text_content()
    assert console_errors == []


def test_a_whole_session_from_connect_to_summary(start_server: Any, page: Any,
                                                 console_errors: list[str]) -> None:
    server = start_server(strap=False, speed=30.0)  # nothing connected: the user does it
    for width, height, name in ((390, 844, "phone"), (1280, 800, "laptop")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(server.url + "/")
        page.wait_for_selector("#connect-view:not([hidden])")
        shot(page, f"connect-{name}")
    page.click("#find")
    page.wait_for_selector("#devices button")
    page.click("#demo")
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('connect-hr').textContent)",
                           timeout=10_000)
    page.wait_for_function("() => document.getElementById('contact').textContent === "
                           "'skin contact good' && document.getElementById('connection')"
                           ".textContent.includes('battery 87%')", timeout=5_000)
    page.fill("#profile", "Sam")
    page.click("#start")
    page.click("#care-done")  # the care points come first, once per browser
    page.wait_for_selector("#live-view:not([hidden])")
    page.click("#sound")  # the one tap that allows sound
    assert page.locator("#step-name").text_content() == "Settle"
    assert page.locator("#gauge-label").text_content() in (
        "waiting for the first heartbeats", "waiting for the baseline", "calibrating",
        "relaxation proxy, of 100")
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('gauge-value').textContent)",
                           timeout=20_000)  # the baseline minute passed (2 s at 30x)
    page.wait_for_function("() => document.getElementById('step-name').textContent === 'Forehead'")
    page.wait_for_function("() => Number(document.body.dataset.tones || 0) >= 1")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "live-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "live-laptop")
    page.click("#pause")
    page.wait_for_function("() => document.getElementById('pause').textContent === 'Resume'")
    page.click("#pause")
    page.click("#next")
    page.wait_for_function("() => document.getElementById('step-name').textContent !== 'Forehead'")
    page.click("#stop")
    page.click("#stop")  # a second tap: one alone never ends a session
    page.wait_for_selector("#end-view:not([hidden])")
    assert "Sam" in page.locator("#end-headline").text_content()
    assert page.locator("#steps-body tr").count() >= 2
    shot(page, "end-laptop")
    body = page.locator("body").inner_text()
    assert not FORBIDDEN.search(body), FORBIDDEN.search(body)
    assert console_errors == []
