"""Every disclosure looks like one: a summary laid out as a flex row loses the browser's own
triangle, so the page draws a chevron (in CSS, not a glyph a font may lack) that turns when it
opens (a fresh look at phone size found "Details: …" reading as plain grey text)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

MARK = """(s) => { const m = getComputedStyle(s, '::before');
  return [m.content, m.transform, parseFloat(m.width), m.borderRightStyle]; }"""


def test_each_summary_shows_a_chevron_that_turns_when_opened(start_server: Any, page: Any) -> None:
    server = start_server(strap=False)
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect'][data-feed='open']")
    summaries = [s for s in page.locator("summary").all() if s.is_visible()]
    assert summaries, "the start view has a disclosure (what they are trying)"
    for summary in summaries:
        content, closed, width, border = summary.evaluate(MARK)
        assert content == '""' and width > 4 and border == "solid"
        summary.click()
        opened = summary.evaluate(MARK)[1]
        assert opened != closed  # it turns
        summary.click()


def test_a_command_line_flag_in_help_is_never_split_across_lines(start_server: Any, page: Any) -> None:
    """At 320 px "calmlink import FILE --profile NAME" broke between "--" and "profile"."""
    server = start_server(strap=False)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server.url + "/docs")
    flags = page.evaluate("""() => [...document.querySelectorAll('code')].flatMap((c) => {
        const found = []; const walk = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          for (const m of n.textContent.matchAll(/--[a-z][a-z-]*/g)) {
            const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
            found.push([m[0], new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size]);
          }
        }
        return found; })""")
    assert flags and all(lines == 1 for _, lines in flags), flags
