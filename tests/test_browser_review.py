"""Review and trends pages in a real Chromium, on a seeded store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_browser_live import FORBIDDEN, shot

from calmlink.testing.seed import seed_store

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(start_server: Any, tmp_path: Path) -> Any:
    db = tmp_path / "seeded.sqlite3"
    seed_store(db, profiles=("Sam", "<b>Alex</b>"), sessions=7)
    return start_server(source=None, db=db)


def test_review_list_session_charts_notes(seeded: Any, page: Any, console_errors: list[str]) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(seeded.url + "/review")
    page.wait_for_function("() => document.body.dataset.loaded === 'list'")
    assert page.locator("#sessions tr").count() == 14
    assert page.locator("#sessions b").count() == 0  # a hostile profile name stays text
    assert page.get_by_text("<b>Alex</b>").count() > 0
    shot(page, "review-list-laptop")
    page.locator("#sessions a").first.click()
    page.wait_for_function("() => document.body.dataset.loaded === 'session'")
    assert page.locator("#session-chart canvas").count() >= 1
    assert page.locator("#session-steps tr").count() == 7
    assert page.locator("#session-meta").text_content().endswith(" · seeded")  # where it came from
    page.fill("#notes", "Temples felt good <script>alert(1)</script>")
    page.select_option("#rating_receiver_after", "5")
    page.click("#notes-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('saved').textContent === 'Saved.'")
    page.reload()
    page.wait_for_function("() => document.body.dataset.loaded === 'session'")
    assert page.input_value("#notes") == "Temples felt good <script>alert(1)</script>"
    assert page.input_value("#rating_receiver_after") == "5"
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "review-session-phone")
    assert not FORBIDDEN.search(page.locator("body").inner_text())
    assert console_errors == []


def test_trends_page(seeded: Any, page: Any, console_errors: list[str]) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(seeded.url + "/trends")
    page.wait_for_function("() => document.body.dataset.loaded === 'trends'")
    assert page.locator("#ln-chart canvas").count() >= 1
    chart = page.locator("#ln-chart")  # sessions on their dates, not numbered 1, 2, 3
    assert chart.get_attribute("data-axis") == "date"
    first, last = chart.get_attribute("data-from"), chart.get_attribute("data-to")
    assert first and last and first < last and first.startswith("20")
    assert page.locator("#steps tr").count() == 6
    assert "normal range" in (page.locator("#message").text_content() or "").lower()
    shot(page, "trends-laptop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "trends-phone")
    assert not FORBIDDEN.search(page.locator("body").inner_text())
    assert console_errors == []


def test_api_reference_behind_the_help_page(start_server: Any, page: Any,
                                            console_errors: list[str]) -> None:
    server = start_server(source=None)
    page.goto(server.url + "/docs")
    page.click("a[href='/docs/api']")
    page.wait_for_selector(".swagger-ui .title", timeout=15_000)
    assert "calmlink" in page.locator(".swagger-ui .title").first.text_content()
    assert page.locator(".opblock").count() >= 20  # every operation, from the live schema
    assert console_errors == []
