"""Partner mode in the real Chromium: the giver's quiet line and trace during the session, both
partners' results after it, on the end view and in the review; accessible throughout."""

from __future__ import annotations

import re
from typing import Any

import pytest

from calmlink.sensors.factory import SourceFactory
from conftest import axe_violations as violations

pytestmark = pytest.mark.browser
FORBIDDEN = re.compile(r"\b(bond\w*|empath\w*|connection score|in sync|diagnos\w*|therap\w*)\b", re.I)


def test_the_giver_gets_a_line_and_both_get_their_results(start_server: Any, page: Any,
                                                          console_errors: list[str]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    receiver, giver = SourceFactory(speed=60.0, seed=4).simulated_pair(0.5, 2.0)
    server = start_server(receiver, giver=giver, speed=60.0, autostart=True)
    page.goto(server.url + "/")
    page.wait_for_selector("#giver-line:not([hidden])", timeout=15_000)
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('giver-hr').textContent)")
    assert page.locator("#giver-trend").text_content() in ("settling in", "slowing down", "steady",
                                                           "picking up")
    assert page.locator("#gauge-value").is_visible()  # the receiver's gauge stays the big thing
    assert violations(page) == [], "live view, partner mode"
    page.wait_for_selector("body[data-view='end']", timeout=30_000)
    page.wait_for_selector("#partner-end:not([hidden])")
    sentence = page.locator("#sync-sentence").text_content() or ""
    assert ("by chance alone about" in sentence) or sentence.startswith("No clear link this time")
    assert page.locator("#partner-sentences li").count() == 6
    assert not FORBIDDEN.search(page.locator("#end-view").text_content() or "")
    assert violations(page) == [], "end view, partner mode"
    page.click("#review-link")
    page.wait_for_selector("body[data-loaded='session']")
    page.wait_for_selector("#partner-review:not([hidden])")
    assert page.locator("#giver-steps tr").count() == 7
    assert page.locator("#review-sync").text_content() == sentence
    assert violations(page) == [], "review, partner mode"
    assert console_errors == []


def test_straps_are_assigned_to_roles_from_the_connect_view(start_server: Any, page: Any,
                                                            console_errors: list[str]) -> None:
    server = start_server(source=None, speed=30.0)  # nothing connected: the user does it
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect']")
    page.click("#demo")  # the receiver's strap
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('connect-hr').textContent)")
    page.click("#find")
    page.wait_for_selector("#devices li button[aria-label$='for the giver']")
    page.click("#devices li button[aria-label$='for the giver']")
    page.wait_for_selector("#giver-now:not([hidden])")
    page.wait_for_function(
        "() => /^\\d+$/.test(document.getElementById('giver-connect-hr').textContent)")
    assert page.locator("#giver-label").is_visible()  # the start form asks the giver's name
    page.wait_for_function("() => document.getElementById('giver-device').textContent"
                           ".startsWith('calmlink demo strap (giver),')")
    page.click("#swap")  # they picked up each other's strap
    page.wait_for_function("() => document.getElementById('giver-device').textContent"
                           ".startsWith('calmlink demo strap,')")
    page.wait_for_function("() => document.getElementById('connection').textContent"
                           ".startsWith('calmlink demo strap (giver)')")
    page.click("#giver-disconnect")
    page.wait_for_selector("#giver-now", state="hidden")
    assert console_errors == []
