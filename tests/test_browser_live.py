"""The live page in a real Chromium against a real server: numbers move on the demo. (A whole
session from connecting a strap to its summary, on a phone and a laptop: tests/test_views.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
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
