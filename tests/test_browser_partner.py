"""Partner mode in the real Chromium: the giver's quiet line and trace during the session, both
partners' results after it, on the end view and in the review; accessible throughout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_browser_live import shot
from views import resize, sweep

from calmlink.review.together_words import Together, together_sentence
from calmlink.sensors.factory import SourceFactory

pytestmark = pytest.mark.browser
FORBIDDEN = re.compile(r"\b(bond\w*|empath\w*|connection score|in sync|diagnos\w*|therap\w*)\b", re.I)


def test_the_giver_gets_a_line_and_both_get_their_results(start_server: Any, page: Any,
                                                          console_errors: list[str]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    receiver, giver = SourceFactory(speed=40.0, seed=4).simulated_pair(0.5, 2.0)
    server = start_server(receiver, giver=giver, speed=40.0)
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect']")
    # started once the page is up: the routine's 13.5 s at 40x are not spent on a slow page load
    started = page.request.post(server.url + "/api/session", headers={"origin": server.url},
                                data={})
    assert started.ok, started.text()
    page.wait_for_selector("#giver-line:not([hidden])", timeout=15_000)
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('giver-hr').textContent)")
    # no word before the giver's trend has one ("settling in" beside a number said nothing)
    assert page.locator("#giver-trend").text_content() in ("", " · slowing down", " · steady",
                                                           " · picking up")
    assert page.locator("#gauge-value").is_visible()  # the receiver's gauge stays the big thing
    page.wait_for_function("() => document.getElementById('chart').dataset.series === "
                           "'hr gauge giver'")  # the giver's trace, named in the legend
    # held still while it is swept (at 40x the routine lasts 13.5 s, less than a sweep on a busy machine)
    page.request.post(server.url + "/api/session/pause", headers={"origin": server.url})
    page.wait_for_selector("#live-view[data-paused='true']")
    problems = sweep(page, "live, two straps", main=("#pause", "#next"), large_text=False)
    page.request.post(server.url + "/api/session/resume", headers={"origin": server.url})
    page.wait_for_selector("body[data-view='end']", timeout=30_000)
    page.wait_for_selector("#partner-end:not([hidden])")
    sentence = page.locator("#sync-sentence").text_content() or ""
    status = page.request.get(server.url + "/api/status").json()["last_summary"]
    assert sentence == status["partner"]["synchrony"]["sentence"]  # the page's rule is the server's
    assert "(" not in sentence  # the steps have a line of their own
    steps = page.locator("#sync-steps")
    assert steps.is_hidden() or (steps.text_content() or "").startswith("Steps where it happened: ")
    beats = page.locator("#end-beats").text_content() or ""
    assert beats == (f"{status['n_beats']} beats from Receiver, {status['partner']['n_beats']} "
                     "from Giver.") and status["n_beats"] != status["partner"]["n_beats"]
    assert page.locator("#partner-sentences li").count() == 6
    assert not FORBIDDEN.search(page.locator("#end-view").text_content() or "")
    problems += sweep(page, "end, partner", main=("#new-session",))
    for width, height in ((320, 640), (390, 844), (1280, 800)):
        resize(page, width, height)
        shot(page, f"end-partner-{width}")
    page.click("#review-link")
    page.wait_for_selector("body[data-loaded='session']")
    page.wait_for_selector("#partner-review:not([hidden])")
    assert page.locator("#giver-steps tr").count() == 7
    assert page.locator("#review-sync").text_content() == sentence
    assert page.locator("#session-beats").text_content() == beats  # the same counts, per person
    assert problems == [], "\n".join(problems)
    assert console_errors == []


BOTH_WORN = """() => [...document.querySelectorAll("#devices button[aria-pressed='true']")]
    .map((b) => b.textContent).join('|') === 'Receiver wears it|Giver wears it'"""


def test_straps_are_assigned_to_roles_from_the_connect_view(start_server: Any, page: Any,
                                                            console_errors: list[str]) -> None:
    server = start_server(strap=False, speed=30.0)  # nothing connected: the user does it
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect']")
    page.click("#demo")  # the receiver's strap
    page.wait_for_function("() => /^\\d+$/.test(document.getElementById('connect-hr').textContent)")
    page.click("#find")
    page.wait_for_selector("#devices li button[aria-label^='Giver wears it: ']")
    page.click("#devices li button[aria-label^='Giver wears it: ']")
    page.wait_for_selector("#giver-now:not([hidden])")
    page.wait_for_function(
        "() => /^· \\d+\\u00a0bpm$/.test(document.getElementById('giver-connect-hr').textContent)")
    assert page.locator("#giver-label").is_visible()  # the start form asks the giver's name
    # the row says who wears it, and stays so when the server names the demo strap otherwise
    page.click("#devices li button[aria-label^='Receiver wears it: ']")
    page.wait_for_function("() => document.getElementById('connection').textContent"
                           ".startsWith('calmlink demo strap: connected')")
    page.wait_for_function(BOTH_WORN)
    page.wait_for_function("() => document.getElementById('giver-device').textContent"
                           ".startsWith('calmlink demo strap (giver),')")
    assert page.locator("#devices button[aria-pressed='true']").all_text_contents() == [
        "Receiver wears it", "Giver wears it"]
    page.click("#swap")  # they picked up each other's strap
    page.wait_for_function("() => document.getElementById('giver-device').textContent"
                           ".startsWith('calmlink demo strap,')")
    page.wait_for_function("() => document.getElementById('connection').textContent"
                           ".startsWith('calmlink demo strap (giver)')")
    page.click("#giver-disconnect")
    page.wait_for_selector("#giver-now", state="hidden")
    assert console_errors == []


def test_the_pages_partner_sentence_is_the_servers_for_any_numbers(start_server: Any,
                                                                   page: Any) -> None:
    """web/common.js builds the partner sentence from the numbers by review/words.py's table: the
    two agree digit for digit, exact halves included (1.25 minutes is 75 s: format rounds it to
    even, toFixed up, and CI once caught the page and the server apart on it)."""
    server = start_server(strap=False)
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect']")
    seconds = [0, 3, 9, 15, 21, 30, 42, 45, 60, 75, 87, 90, 105, 135, 171, 225, 303, 495]
    cases = [{"in_step_s": a, "chance_in_step_s": b, "duration_s": d, "passes": passes}
             for a in seconds for b in seconds for d in (300, 498, 645) for passes in (True, False)]
    said = page.evaluate("""async (cases) => {
        const { synchronySentence } = await import("/static/common.js");
        return cases.map((c) => synchronySentence(c));
    }""", cases)
    expected = [together_sentence(Together(c["in_step_s"] / 60, c["chance_in_step_s"] / 60,
                                           c["duration_s"] / 60, c["passes"])) for c in cases]
    wrong = [(c, a, b) for c, a, b in zip(cases, said, expected, strict=True) if a != b]
    assert wrong == [], wrong[:3]
