"""Nothing clipped, nothing cut silently, in a real Chromium: the start view offers the routines as
a list of choices with every name whole (a 60-character name of the couple's own too) at 320 px
with text spacing and with 200% text, by keyboard and by name; the routine editor counts a name
as it is typed and refuses one too long with the reason the server gives, keeping every letter."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from views import large_text_problems, resize, sweep, text_spacing_problems

from calmlink.live.routine import BUILTIN_ROUTINES, LIMITS

pytestmark = pytest.mark.browser
LONG = "A long evening for two: warm oil, temples and a closing calm"
"""A routine name of exactly the longest a name may be."""
PASTED = ("Warm oil, slow circles on the temples and the forehead, then the neck " * 8)[:499] + "."
"""A paste of 500 characters, ending in the middle of a sentence (the 60th falls mid-word)."""
CHOICES = """() => [...document.querySelectorAll('#routine .choice')].map((label) => {
  const r = label.getBoundingClientRect();
  return [label.innerText.replace(/\\s+/g, ' ').trim(), r.left >= 0 && r.right <= innerWidth,
          label.scrollWidth <= label.clientWidth, getComputedStyle(label).textOverflow];
})"""


def api(server: Any) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10)


def whole(page: Any) -> list[str]:
    """Each choice's words, after checking each is whole: inside the window, nothing hidden."""
    found = page.evaluate(CHOICES)
    for text, inside, fits, overflow in found:
        assert inside and fits and overflow != "ellipsis", text
    return [text for text, *_ in found]


def test_every_routine_name_whole_on_the_start_view(start_server: Any, page: Any,
                                                    console_errors: list[str]) -> None:
    assert len(LONG) == LIMITS.max_routine_name
    server = start_server(strap=False)
    with api(server) as c:
        made = c.post("/api/routines", json={"name": LONG, "steps": [
            {"name": "Settle", "cue": "Warm hands.", "duration_s": 60},
            {"name": "Temples", "cue": "Slow circles.", "duration_s": 540}]})
        assert made.status_code in (200, 201), made.text
        expected = [f"{r['name']} ({round(r['duration_s'] / 60)} min)"
                    for r in c.get("/api/routines").json()["routines"]]
    assert len(expected) == len(BUILTIN_ROUTINES) + 1 and f"{LONG} (10 min)" in expected
    assert "Nine quiet minutes (9 min)" in expected
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect'][data-feed='open'] #routine .choice")

    group = page.get_by_role("group", name="Routine")
    assert group.get_by_role("radio").count() == len(expected)
    for text in expected:  # each choice named by its words, length included
        assert group.get_by_role("radio", name=text, exact=True).count() == 1, text
    assert group.get_by_role("radio").first.is_checked()  # the first is chosen until another is

    for width in (320, 390, 1280):
        resize(page, width)
        assert whole(page) == expected, width
    resize(page, 320)
    assert text_spacing_problems(page, ("#start",)) == []
    page.evaluate("(css) => { const s = new CSSStyleSheet(); s.replaceSync(css);"
                  " document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; }",
                  "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
                  " word-spacing: 0.16em !important; }")
    assert whole(page) == expected  # with text spacing, every name whole
    page.evaluate("() => { document.adoptedStyleSheets = []; }")
    assert large_text_problems(page, 320, ("#start",)) == []
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    resize(page, 320)
    assert whole(page) == expected  # with 200% text too
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
    cdp.detach()

    # the keyboard: into the group, arrows move the choice; Start asks for the chosen one
    resize(page, 390)
    group.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")
    assert group.get_by_role("radio").nth(1).is_checked()
    group.get_by_role("radio", name=f"{LONG} (10 min)").check()
    assert sweep(page, "connect, a long routine name", main=("#find", "#start")) == []
    page.fill("#profile", "Sam")
    page.click("#start")
    page.wait_for_selector("#no-strap[open]")
    with page.expect_request(lambda r: r.url.endswith("/api/session") and r.method == "POST") as asked:
        page.click("#without-readings")
        page.click("#care-done")
    assert asked.value.post_data_json["routine"] == LONG
    page.wait_for_selector("body[data-view='live']")
    assert console_errors == []


def test_the_editor_counts_a_name_and_refuses_one_too_long_without_cutting_it(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server(source=None)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server.url + "/routines")
    page.wait_for_selector("body[data-loaded='routines']")
    page.click("#new")
    page.wait_for_selector("body[data-loaded='editor']")
    count = page.locator("#name-count")
    assert count.inner_text() == "0 of 60 characters"
    page.fill("#name", "Evening")
    assert count.inner_text() == "7 of 60 characters"  # as it is typed
    assert "name-count" in (page.get_attribute("#name", "aria-describedby") or "")

    page.fill("#name", PASTED)  # a paste of 500 characters: kept whole, not cut at 60 mid-word
    assert page.input_value("#name") == PASTED
    assert count.inner_text() == ("500 of 60 characters: too long, a routine's name can be at "
                                  "most 60 characters")
    assert page.get_attribute("#name", "aria-invalid") == "true"
    page.click("#save")  # refused here, with the reason the server gives
    page.wait_for_selector("#error-summary:not([hidden])")
    assert page.locator("#error-list").inner_text() == (
        "Name: must be at most 60 characters (this has 500)")
    assert page.locator("#name-error").inner_text() == (
        "Name: must be at most 60 characters (this has 500)")
    assert page.input_value("#name") == PASTED  # still whole
    assert page.evaluate("document.body.dataset.loaded") == "editor"
    assert sweep(page, "routine editor, a name too long", main=("#save",), widths=(320, 1280),
                 axe_widths=(320,), large_text=False) == []
    with api(server) as c:  # nothing saved
        assert len(c.get("/api/routines").json()["routines"]) == len(BUILTIN_ROUTINES)

    step = "Slow circles on the temples, then the neck and shoulders"  # 56 > 40
    page.fill("#step-0-name", step[:28])
    assert page.locator("#step-0-name-count").is_hidden()  # quiet until near the limit
    page.fill("#step-0-name", step)
    assert page.locator("#step-0-name-count").inner_text() == (
        "56 of 40 characters: too long, a step's name can be at most 40 characters")
    page.fill("#name", LONG)
    assert count.inner_text() == "60 of 60 characters"
    assert page.get_attribute("#name", "aria-invalid") is None
    page.click("#save")
    page.wait_for_selector("#error-summary:not([hidden])")
    assert page.locator("#error-list").inner_text() == (
        "Step 1, name: must be at most 40 characters (this has 56)")
    page.fill("#step-0-name", "Settle")
    page.click("#save")
    page.wait_for_selector("body[data-loaded='routines']")
    assert LONG in page.locator("#routines").inner_text()  # saved whole
    assert console_errors == []
