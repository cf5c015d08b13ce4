"""What they tried, in the real Chromium: set before a session (offered from the last one, earlier
tags first), changed with one tap during it and seen on a second device without a reload, edited
in the review; the comparison view (a difference with its interval, one thing too few to tell,
one confounded, never ranked, in one colour) and the weeks strip. Every view swept at phone and
laptop widths (tests/views.py: reflow, targets, theme, axe with WCAG 2.2 AA, words). One server
and one page per family, resized, never reloaded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_browser_live import shot
from views import resize, sweep

from calmlink.testing.seed import seed_tried_history

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SECOND = 1_000
"""Another device shows a tap within this many ms."""
NARROW = (320, 390, 1280)
PRESSED = "(sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true'"


def pressed(page: Any, box: str) -> list[str]:
    return list(page.locator(f"#{box} .chip[aria-pressed='true']").evaluate_all(
        "(bs) => bs.map((b) => b.dataset.key)"))


def test_set_before_tapped_during_seen_on_another_device_and_edited_after(
        start_server: Any, browser: Any, tmp_path: Path) -> None:
    db = tmp_path / "tried.sqlite3"
    seed_tried_history(db)  # Sam's last session: dry hands and music; candle used most
    server = start_server(db=db, speed=10.0)  # the routine lasts 54 s: longer than the taps and sweeps
    giver, other = (browser.new_context(viewport=PHONE) for _ in range(2))
    a, b = giver.new_page(), other.new_page()
    errors: list[str] = []
    for page in (a, b):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-view='connect'][data-feed='open']")
    problems: list[str] = []

    a.fill("#profile", "Sam")
    a.press("#profile", "Tab")
    a.click("#tried-before summary")
    a.wait_for_function("() => document.querySelector('#tried-before [role=status]').textContent"
                        " === 'As last time; tap to change.'")
    assert pressed(a, "tried-before") == ["hands:dry", "sound:music"]  # the last session's
    assert a.locator("#tried-before-tags ~ .chip").all_text_contents() \
        == ["candle", "warm towel"]  # earlier tags, most used first, offered but not set
    a.click("#tried-before [data-key='hands:oil']")  # one of each kind: dry gives way
    a.click("#tried-before [data-key='tag:candle']")
    a.fill("#tried-before-new", "  lavender  ")
    a.press("#tried-before-new", "Enter")  # adds the tag; does not start the session
    assert a.evaluate("document.body.dataset.view") == "connect"
    assert a.locator("#tried-before .tried-said").text_content() == "oil, music, candle, lavender"
    problems += sweep(a, "connect, what you're trying", main=("#find", "#start"), widths=NARROW)

    resize(a, PHONE["width"])
    a.click("#start")
    a.click("#care-done")  # "Got it, start the session"
    for page in (a, b):
        page.wait_for_selector("body[data-view='live']")
    sid = a.evaluate("fetch('/api/status').then((r) => r.json()).then((s) => s.session.id)")
    tried = a.request.get(f"{server.url}/api/sessions/{sid}/tried").json()
    assert tried == {"session_id": sid, "hands": "oil", "pressure": None, "position": None,
                     "sound": "music", "tags": ["candle", "lavender"]}
    b.wait_for_function("() => document.querySelector('#tried-live .tried-said').textContent === "
                        "'oil, music, candle, lavender'")  # the other device, from the session

    a.click("#tried-live summary")  # opened once, it stays open: then every change is one tap
    a.click("#tried-live [data-key='pressure:firm']")
    b.wait_for_function(PRESSED, arg="#tried-live [data-key='pressure:firm']", timeout=SECOND)
    a.click("#tried-live [data-key='tag:candle']")
    b.wait_for_function("() => document.querySelector(\"#tried-live [data-key='tag:candle']\")"
                        ".getAttribute('aria-pressed') === 'false'", timeout=SECOND)
    assert b.locator("#tried-live .tried-said").text_content() == \
        "oil, firm pressure, music, lavender"
    b.click("#tried-live summary")  # and back the other way
    b.click("#tried-live [data-key='position:back-to-back']")
    a.wait_for_function(PRESSED, arg="#tried-live [data-key='position:back-to-back']",
                        timeout=SECOND)
    for width in (320, 390):  # the gauge, the step and its controls come first, uncrowded
        resize(a, width)
        nxt, panel = (a.locator(s).bounding_box() for s in ("#next", "#tried-live"))
        assert nxt and panel and panel["y"] >= nxt["y"] + nxt["height"]
    problems += sweep(a, "live, what you're trying", main=("#pause", "#next"), widths=NARROW,
                      large_text=False)
    while a.request.get(server.url + "/api/status").json()["session"]["n_beats"] < 90:
        a.wait_for_timeout(100)  # a minute of beats: the session is kept
    a.click("#stop")
    a.click("#stop")
    a.wait_for_selector("body[data-view='end']")
    other.close()

    a.goto(f"{server.url}/review#session-{sid}")
    a.wait_for_selector("body[data-loaded='session'] #tried-after .chip", state="attached")
    a.click("#tried-after summary")
    assert pressed(a, "tried-after") == ["hands:oil", "pressure:firm", "position:back-to-back",
                                         "sound:music", "tag:lavender"]
    a.click("#tried-after [data-key='tag:warm towel']")
    a.wait_for_function("() => document.querySelector('#tried-after [role=status]').textContent"
                        " === 'Saved.'")
    a.click("#tried-after [data-key='sound:music']")  # a second tap clears a choice
    a.wait_for_function("() => !document.querySelector('#tried-after .tried-said').textContent"
                        ".includes('music')")
    a.wait_for_function(f"() => fetch('/api/sessions/{sid}/tried').then((r) => r.json())"
                        ".then((t) => t.sound === null && t.tags.join() === 'lavender,warm towel')")
    problems += sweep(a, "review, what you tried", widths=NARROW, large_text=False)
    assert problems == [], "\n".join(problems)
    assert errors == []
    giver.close()


def test_the_comparison_view_and_the_weeks(start_server: Any, page: Any, tmp_path: Path,
                                           console_errors: list[str]) -> None:
    db = tmp_path / "history.sqlite3"
    seed_tried_history(db, with_oil=True)  # light pressure and lavender: always with oil
    server = start_server(source=None, db=db)
    page.goto(server.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")
    items = page.locator("#tried-list > li")
    # by kind (the fixed choices in their order, then tags by use), never by result; what was
    # always noted together is one card that says so, in the place of the first of them
    assert [h.split(" ")[0] for h in items.locator("h3").all_text_contents()] == [
        "Dry", "Oil,", "Music", "Candle", "Warm"]
    verdicts = items.evaluate_all("(li) => li.map((e) => e.dataset.verdict)")
    assert verdicts == ["settled-less", "settled-more", "no-clear-difference", "confounded",
                        "too-few"]
    oil = items.nth(1)
    assert oil.locator("h3").text_content() == "Oil, light pressure and lavender 9 with, 9 without"
    assert oil.locator("p").first.text_content() == \
        "Always together so far: calmlink cannot tell them apart."
    assert page.locator(".compare-together").count() == 1
    drawn = oil.locator(".interval")
    assert float(drawn.get_attribute("data-low") or 0) > 0  # the whole interval: settled more
    assert (drawn.get_attribute("aria-label") or "").startswith("On the settling scale: +")
    assert re.search(r"somewhere between \d+ and \d+ bpm lower\)\.$",
                     oil.locator(".compare-line").first.text_content() or "")
    assert re.search(r"\d+% (more|less)", oil.locator(".compare-line").nth(1).text_content() or "")
    # one minus sign on the whole page, the server's words and the page's figures alike: U+2212
    said = page.locator("main").text_content() or ""
    assert "\u2212" in said and not re.search(r"(?<![\w.-])-\d", said), \
        re.findall(r".{30}(?<![\w.-])-\d.{10}", said)
    assert re.search("somewhere between \u2212\\d\\.\\d and \\+\\d\\.\\d on the settling scale",
                     items.nth(2).text_content() or "")
    music = items.nth(2).locator(".interval")  # no clear difference: the bar crosses the line
    assert float(music.get_attribute("data-low") or 0) < 0 < float(music.get_attribute("data-high") or 0)
    candle, towel = items.nth(3), items.nth(4)
    assert candle.locator(".interval").count() == 0 and towel.locator(".interval").count() == 0
    assert "cannot tell whether it was candle or the time of day" in (candle.text_content() or "")
    assert towel.locator("p").all_text_contents() == [
        "Too few sessions to tell: 2 with warm towel and 16 without; it takes 3 of each.",
        "It needs 1 more session with warm towel."]
    colours = page.evaluate("""() => [...new Set([...document.querySelectorAll(
        '#tried-list li, #tried-list .interval-bar, #tried-list p')].map((e) =>
        `${e.tagName} ${getComputedStyle(e).color} ${getComputedStyle(e).backgroundColor}`))]""")
    assert len(colours) == 4, colours  # one look for every verdict: none judged by colour
    assert "Welch" in (page.locator("#tried-details").text_content() or "")
    assert page.locator("#tried-rows tr").count() == 5

    weeks = page.locator("#weeks > li")
    counts = weeks.evaluate_all("(li) => li.map((e) => Number(e.dataset.sessions))")
    strip = page.request.get(f"{server.url}/api/weeks?profile=Sam").json()["weeks"]
    assert counts == [w["sessions"] for w in strip] and len(counts) == 12 and sum(counts) == 18
    assert 0 in counts  # a week without: no gap called out, no word of guilt
    text = (page.locator("main").text_content() or "").lower()
    assert not re.search(r"streak|missed|goal|badge|keep (it )?up|well done|fell behind", text)
    problems = sweep(page, "trends, what you tried")
    for width, height in ((320, 640), (390, 844), (1280, 800)):
        resize(page, width, height)
        page.locator("#tried-list").scroll_into_view_if_needed()
        shot(page, f"tried-{width}")
    assert problems == [], "\n".join(problems)
    assert console_errors == []
