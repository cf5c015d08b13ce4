"""Accessibility with axe-core in the real Chromium: zero violations, of any impact, on every view
(connect, live, end, review list and session, trends) at phone and laptop size; and the live view
speaks the gauge's value and trend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from calmlink.testing.seed import seed_store
from conftest import axe_violations as violations

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "laptop": (1280, 800)}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_live_page_views_have_no_violations(start_server: Any, page: Any, size: str,
                                            console_errors: list[str]) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    server = start_server(speed=30.0)
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect']")
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('connect-hr').textContent)",
                           timeout=10_000)
    assert violations(page) == [], "connect view"

    page.click("#start")
    page.wait_for_selector("body[data-view='live']")
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('gauge-value').textContent)",
                           timeout=15_000)
    label = page.locator("#gauge").get_attribute("aria-label") or ""
    assert label.startswith("relaxation proxy ") and label.split(",")[-1].strip() in (
        "slowing down", "steady", "picking up", "settling in"), label
    assert page.locator("#progress li .visually-hidden").first.text_content()
    assert violations(page) == [], "live view"

    page.click("#stop")
    page.wait_for_selector("body[data-view='end']")
    page.wait_for_selector("#steps-body tr")
    assert violations(page) == [], "end view"
    assert console_errors == []


@pytest.mark.parametrize("size", sorted(SIZES))
def test_review_and_trends_have_no_violations(start_server: Any, page: Any, tmp_path: Path,
                                              size: str, console_errors: list[str]) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    db = tmp_path / "seeded.sqlite3"
    seed_store(db, profiles=("Sam",), sessions=6)
    server = start_server(source=None, db=db)
    page.goto(server.url + "/review")
    page.wait_for_selector("body[data-loaded='list']")
    assert violations(page) == [], "review list"
    page.goto(server.url + "/review#session-1")
    page.wait_for_selector("body[data-loaded='session']")
    assert violations(page) == [], "review session"
    page.goto(server.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")
    assert violations(page) == [], "trends"
    assert console_errors == []
