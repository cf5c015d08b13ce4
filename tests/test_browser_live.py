"""The live page in a real Chromium against a real server: numbers move, nothing errors."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_heart_rate_changes_live(start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server()
    page.goto(server.url + "/")
    hr = page.locator("#hr")
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('hr').textContent)",
                           timeout=10_000)
    first = hr.text_content()
    seen = {first}
    for _ in range(40):
        page.wait_for_timeout(250)
        seen.add(hr.text_content())
        if len(seen) > 2:
            break
    assert len(seen) > 2, f"heart rate did not move: {seen}"
    assert "not a medical device" in page.locator("footer").text_content()
    assert console_errors == []
