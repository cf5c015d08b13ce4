"""The API reference, one link from the help page. (Review and trends: tests/test_views.py.)"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_api_reference_behind_the_help_page(start_server: Any, page: Any,
                                            console_errors: list[str]) -> None:
    server = start_server(source=None)
    page.goto(server.url + "/docs")
    page.click("a[href='/docs/api']")
    page.wait_for_selector(".swagger-ui .title", timeout=15_000)
    assert "calmlink" in page.locator(".swagger-ui .title").first.text_content()
    assert page.locator(".opblock").count() >= 20  # every operation, from the live schema
    assert console_errors == []
