"""The suite's accessibility checker itself (tests/views.py): the vendored axe-core is the one named,
it runs every WCAG 2.2 A and AA rule (experimental ones included), and its label-in-name rule (WCAG
2.5.3) catches a button whose name leaves out its visible words, as "‹ Back" named "Previous step"
did, and passes one whose name starts with them; so does the sweep's own stricter check."""

from __future__ import annotations

from typing import Any

import pytest
from views import AXE_VERSION, WCAG_TAGS, axe_problems, axe_rules, word_problems

pytestmark = pytest.mark.browser
PAGE = """<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>
<button id="b" style="min-width: 48px; min-height: 48px">‹ Back</button></main></body></html>"""


def test_the_vendored_axe_runs_every_wcag_a_and_aa_rule(page: Any) -> None:
    page.set_content(PAGE)
    rules = axe_rules(page)
    assert page.evaluate("axe.version") == AXE_VERSION
    every = page.evaluate("(tags) => axe.getRules(tags).map((r) => r.ruleId)", WCAG_TAGS)
    assert len(every) > 50 and set(every) <= set(rules)
    assert {"label-content-name-mismatch", "target-size", "color-contrast"} <= set(rules)
    experimental = page.evaluate("(tags) => axe.getRules(tags).filter((r) => "
                                 "r.tags.includes('experimental')).map((r) => r.ruleId)", WCAG_TAGS)
    assert set(experimental) <= set(rules)  # which axe runs only when they are named


@pytest.mark.parametrize(("name", "caught"), [("Previous step", True), ("Back: previous step", False),
                                              (None, False)])
def test_label_in_name_is_caught(page: Any, name: str | None, caught: bool) -> None:
    page.set_content(PAGE)
    if name:
        page.evaluate("(n) => document.getElementById('b').setAttribute('aria-label', n)", name)
    found = axe_problems(page)
    assert any(p.startswith("axe label-content-name-mismatch") for p in found) == caught, found
    assert [p for p in found if "label-content-name-mismatch" not in p] == []
    said = word_problems(page)  # the sweep's own check, which wants the whole visible text
    assert said == ([f'label not in name: "‹ Back" named "{name}"'] if caught else []), said
