"""The page's technical words in a real Chromium: the end view's Details say what RMSSD and ln RMSSD
are in the same words as the review (one source, web/common.js), the breath figures say their band
around the pace in breaths a minute beside its 0.015 Hz, and a technical name appears only inside a
<details> disclosure, on the end view and in the review."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from calmlink.signal.paced import NEAR_HZ

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
TECHNICAL = re.compile(r"RMSSD|\bHz\b|\bln\b")

OUTSIDE_DETAILS = """(root) => {
  // the text a person reads without opening any Details
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const host = n.parentElement;
    if (!host.closest("details") && !host.closest("[hidden]") && n.textContent.trim()) {
      out.push(n.textContent.trim());
    }
  }
  return out;
}"""

BAND_WORDS = f"give or take {NEAR_HZ * 60:.1f} breaths a minute ({NEAR_HZ:g} Hz either side of it)"
"""The band of the spectrum counted as "at the pace", as signal/paced.py sets it, in words."""


def test_the_end_views_details_explain_the_names_as_the_review_does(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server(speed=40.0)
    page.set_viewport_size(PHONE)
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect'][data-feed='open']")
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10) as c:
        started = c.post("/api/session", json={"profile": "Sam", "routine": "Five quiet minutes"})
        assert started.status_code < 300, started.text
        page.wait_for_selector("#live-view:not([hidden])")
        page.wait_for_function("() => !['', 'Settle'].includes("
                               "document.getElementById('step-name').textContent)", timeout=15_000)
        page.wait_for_timeout(1000)  # some beats of the later step (40 s of the session)
        c.post("/api/session/stop")
    page.wait_for_selector("body[data-view='end']")
    assert page.locator("#end-title").text_content() == "Session stopped"
    end_note = page.locator("#end-technical").text_content() or ""
    assert end_note.startswith("RMSSD: the root mean square of successive differences between "
                               "beats, in ms, calmlink's measure of beat-to-beat variation; ln "
                               "RMSSD is its natural logarithm")
    assert re.fullmatch(r"\d+ beats from Sam\.", page.locator("#end-beats").text_content() or "")
    shown = page.locator("#end-view").evaluate(OUTSIDE_DETAILS)
    assert [t for t in shown if TECHNICAL.search(t)] == []
    page.locator("#end-steps details summary").click()  # opened, the names and their meaning
    assert page.locator("#end-technical").is_visible()
    page.click("#review-link")
    page.wait_for_selector("body[data-loaded='session']")
    assert page.locator("#session-technical").text_content() == end_note  # one text, two views
    assert [t for t in page.locator("#session-view").evaluate(OUTSIDE_DETAILS)
            if TECHNICAL.search(t)] == []
    assert console_errors == []


def test_the_breath_figures_say_their_band_in_breaths_a_minute(
        start_server: Any, page: Any, console_errors: list[str], tmp_path: Path) -> None:
    """"0.015 Hz of the pace" alone meant nothing to a couple: the band is said as breaths a
    minute, with its figure beside it, and only inside Details."""
    from calmlink.testing.seed import seed_pace_finding

    db = tmp_path / "found.sqlite3"
    found = seed_pace_finding(db, "Robin", resonance=5.0)
    server = start_server(source=None, db=db)
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/review#session-{found}")
    page.wait_for_selector("body[data-loaded='session']")
    each_breath = page.locator("#review-breathing details", has_text="Details: each breath")
    text = each_breath.text_content() or ""
    assert ("Following the breath: the share of the heart rate's rise and fall that came at the "
            f"pace, {BAND_WORDS}, beside the same in the settle step.") in text, text
    assert re.search(r"bpm, breath by breath; \d+% of the heart rate's rise and fall came at the "
                     r"pace \(settle step: \d+%\)\.", text), text
    assert "within 0.015 Hz of the pace" not in text
    assert [t for t in page.locator("#review-breathing").evaluate(OUTSIDE_DETAILS)
            if TECHNICAL.search(t)] == []
    said = page.evaluate("""async () => {
        const { atThePace, PACE_BAND } = await import("/static/common.js");
        return [atThePace(0.62), atThePace(null), PACE_BAND];
    }""")
    assert said == ["62% of the heart rate's rise and fall came at the pace",
                    "– of the heart rate's rise and fall came at the pace", BAND_WORDS]
    assert console_errors == []


def test_a_week_of_one_short_session_is_said_in_the_singular(
        start_server: Any, page: Any, console_errors: list[str], tmp_path: Path) -> None:
    """The weeks strip's words for a screen reader: "1 session, 1 minute" ("1 minutes" was said)."""
    from calmlink.testing.seed import seed_store

    db = tmp_path / "short.sqlite3"
    seed_store(db, profiles=("Kim",), sessions=1, minutes=1.2)
    server = start_server(source=None, db=db)
    page.goto(server.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")
    said = page.locator("#weeks > li[data-sessions='1'] .visually-hidden").all_text_contents()
    assert len(said) == 1 and said[0].endswith(": 1 session, 1 minute"), said
    assert console_errors == []
