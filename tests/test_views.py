"""Every view on a phone and a laptop, in the real Chromium (tests/views.py: reflow at 320 px,
nothing clipped, targets, axe with WCAG 2.2 AA, text spacing, 200% text, plain words), with the
machine's fonts and again with only DejaVu, then only Liberation: the connect view with no strap
(and a routine of the couple's own with a 60-character name), one strap found and two, the
question when Start finds no strap, the live view with no data yet, one strap and paused, the end
view; the review list and sessions; trends with 0, 1, 3 and 12 sessions; pairing and help.
(Partner mode's live and end views: test_browser_partner.py.) One server and one page per family
of views, resized, never reloaded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_browser_live import shot
from views import AXE_WIDTHS, NEXT_FRAME, resize, sweep

from calmlink.testing.seed import seed_partner_session, seed_store
from conftest import FONT_SET_PARAMS, in_font_set

pytestmark = pytest.mark.browser
NUMBER = "() => /^\\d+$/.test(document.getElementById('{}').textContent)"
HOSTILE = "<b>Alex</b>"
ONE_FOUND = [{"name": "Polar H10 A1B2C3D4", "address": "C0:FF:EE:00:00:01", "rssi": -71}]
LONG_ROUTINE = "A long evening for two: warm oil, temples and a closing calm"
"""A routine of the couple's own, its name as long as a name may be (60 characters)."""


@pytest.fixture(params=FONT_SET_PARAMS)
def page(request: pytest.FixtureRequest, page: Any, font_set_browser: Any,
         browser_context_args: dict[str, Any]) -> Iterator[Any]:
    """Every view here three times: the machine's fonts, only DejaVu, only Liberation."""
    with in_font_set(request.param, page, font_set_browser, browser_context_args) as in_set:
        yield in_set


FIRST_SCREENS = ((320, 640), (390, 664), (844, 390))
"""What a phone's browser shows of the page without scrolling: the smallest phone (320 x 640),
one held upright (390 x 844 less the browser's bars) and one sideways."""
AT_A_GLANCE = ("#step-name", "#step-timer", "#previous", "#pause", "#next")
ONE_LINE = """(ids) => ids.filter((id) => {
  const e = document.getElementById(id);
  if (!e || !e.checkVisibility()) return false;
  const r = document.createRange();
  r.selectNodeContents(e);
  return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size > 1;
})"""
"""The controls whose words wrap onto a second line."""


def first_screen(page: Any, view: str) -> list[str]:
    """At a glance, in the first screen of every phone in :data:`FIRST_SCREENS`: the gauge (the
    breathing circle on a breathe step), the step, its timer, Back, Pause and Next, each label on
    one line."""
    breathe = page.evaluate("document.body.dataset.kind") == "breathe"
    shown = (("#pacer .pacer-stage",) if breathe else ("#gauge", "#gauge-value")) + AT_A_GLANCE
    out = []
    for width, height in FIRST_SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.evaluate(NEXT_FRAME)
        for selector in shown:
            box = page.locator(selector).bounding_box()
            if not box or box["y"] < 0 or box["y"] + box["height"] > height + 0.5:
                out.append(f"{view} at {width} x {height}: {selector} not in the first screen "
                           f"({box and round(box['y'] + box['height'])} px)")
        wrapped = page.evaluate(ONE_LINE, ["previous", "pause", "next", "next-slower", "next-faster",
                                           "pace-slower", "pace-faster"])
        out += [f"{view} at {width} x {height}: #{w}'s words wrap" for w in wrapped]
    return out


def test_connect_live_and_end_views(start_server: Any, page: Any, console_errors: list[str]) -> None:
    # 10x: the nine-minute routine lasts 54 s, more than its sweeps take on a busy 2-core machine
    server = start_server(strap=False, speed=10.0)
    problems: list[str] = []
    made = page.request.post(server.url + "/api/routines", headers={"origin": server.url}, data={
        "name": LONG_ROUTINE, "steps": [{"name": "Settle", "cue": "Warm hands.", "duration_s": 60}]})
    assert made.ok, made.text()
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='connect'][data-feed='open']")
    assert page.get_by_role("radio", name=f"{LONG_ROUTINE} (1 min)").count() == 1  # offered whole
    assert page.locator("#connection").text_content() == "no strap connected"
    problems += sweep(page, "connect, no strap", main=("#find", "#start"))

    page.fill("#profile", "Sam")  # a receiver is a person: the page asks for a name
    page.click("#start")  # no strap: the question first, then the care points
    page.wait_for_selector("#no-strap[open]")
    problems += sweep(page, "connect, no strap: asked", main=("#connect-first", "#without-readings"),
                      large_text=False, axe_widths=(320,))
    page.click("#without-readings")
    page.wait_for_selector("#care:not([hidden])")
    assert page.locator("#care-done").text_content() == "Got it, start the session"
    page.click("#care-done")
    page.wait_for_selector("body[data-view='live']")
    assert page.locator("#gauge").get_attribute("data-withheld") == "true"
    assert page.evaluate("getComputedStyle(document.getElementById('gauge-fill')).visibility")\
        == "hidden"  # only the track: no dots
    assert page.locator("#gauge-value").text_content() == ""
    assert page.locator("#gauge-label").text_content() == "no readings: the routine only"
    assert page.locator("#live-legend li:not([hidden])").count() == 0  # nothing drawn, none named
    problems += sweep(page, "live, no data yet", main=("#pause", "#next"))
    page.click("#stop")  # one tap arms it; the session goes on
    assert page.locator("#stop").text_content() == "Tap again to stop"
    assert page.evaluate("document.body.dataset.view") == "live"
    page.click("#stop")
    page.wait_for_selector("body[data-view='end']")
    assert page.locator("#end-title").text_content() == "Routine stopped"  # nothing kept, by Stop
    assert "nothing was kept" in (page.locator("#end-headline").text_content() or "")
    assert page.request.get(server.url + "/api/sessions").json() == []  # no beat: no session
    page.click("#new-session")
    page.wait_for_selector("body[data-view='connect']")

    page.route("**/api/devices?*", lambda route: route.fulfill(json=ONE_FOUND))
    page.click("#find")
    page.wait_for_selector("#devices li")
    assert "strong" not in (page.locator("#devices").text_content() or "")  # -71 dBm: fair
    problems += sweep(page, "connect, one strap found", main=("#find", "#start"), large_text=False,
                      axe_widths=(320,))
    page.unroute("**/api/devices?*")
    page.click("#find")
    page.wait_for_function("() => document.querySelectorAll('#devices li').length === 2")
    page.locator("#devices li").nth(0).get_by_text("Receiver wears it").click()
    page.locator("#devices li").nth(1).get_by_text("Giver wears it").click()
    page.wait_for_function(NUMBER.format("connect-hr"))
    page.wait_for_function("() => document.getElementById('contact').textContent === "
                           "'skin contact good' && document.getElementById('connection')"
                           ".textContent.includes('battery 87%')")
    page.wait_for_function("() => /\\d+\\u00a0bpm/.test(document.getElementById('giver-connect-hr')"
                           ".textContent)")
    pressed = page.locator("#devices button[aria-pressed='true']").all_text_contents()
    assert pressed == ["Receiver wears it", "Giver wears it"]  # each on its own strap's row
    problems += sweep(page, "connect, two straps found and worn", main=("#find", "#start"))

    page.click("#giver-disconnect")  # one strap for the session
    page.wait_for_selector("#giver-now", state="hidden")
    page.fill("#profile", "Sam")
    page.click("#start")
    page.wait_for_selector("body[data-view='live']")
    page.click("#sound")  # the one tap that allows sound
    assert page.locator("#step-name").text_content() == "Settle"
    page.wait_for_function(NUMBER.format("gauge-value"), timeout=30_000)  # the settle minute passed
    page.wait_for_function("() => document.getElementById('step-name').textContent === 'Forehead'")
    page.wait_for_function("() => Number(document.body.dataset.tones || 0) >= 1")  # a soft tone
    for width, name in ((390, "phone"), (1280, "laptop")):
        resize(page, width)
        shot(page, f"live-{name}")
    # which way is calmer, in words: at the arc's ends, and in the gauge's name beside its number
    assert page.locator("#gauge text").all_text_contents() == ["as at the start", "less calm", "calmer"]
    ends = page.evaluate("[...document.querySelectorAll('#gauge .gauge-end-label')]"
                         ".map((t) => { const r = t.getBoundingClientRect(); return r.x + r.width / 2; })")
    arc = page.locator("#gauge").bounding_box()
    assert arc and ends[0] < arc["x"] + arc["width"] / 3 < arc["x"] + 2 * arc["width"] / 3 < ends[1]
    assert page.locator("#gauge-label").text_content() == "50 = as at the start"
    label = page.locator("#gauge").get_attribute("aria-label") or ""
    said = re.fullmatch(r"gauge (\d+) of 100: (toward calmer than at the start|toward less calm than "
                        r"at the start|as at the start) \(50 is as at the start\)(, .+)?", label)
    assert said, label
    value = int(said.group(1))
    assert said.group(2) == ("toward calmer than at the start" if value > 50 else "as at the start"
                             if value == 50 else "toward less calm than at the start"), label
    assert not said.group(3) or said.group(3)[2:] in ("slowing down", "steady", "picking up")
    assert "proxy" not in page.locator("#live-view").inner_text()  # a word for Help, not the gauge
    assert page.locator("#chart").get_attribute("data-series") == "hr gauge"  # no giver named
    problems += sweep(page, "live, one strap", main=("#pause", "#next"))
    problems += first_screen(page, "live, one strap")
    page.click("#pause")
    page.wait_for_function("() => document.getElementById('pause').textContent === 'Resume'")
    problems += sweep(page, "live, paused", main=("#pause", "#next"), large_text=False,
                      axe_widths=(320,))
    page.click("#pause")
    resize(page, 390)
    box = {k: page.locator(k).bounding_box() for k in ("#next", "#stop")}
    assert box["#stop"] and box["#next"]
    assert box["#stop"]["y"] > box["#next"]["y"] + box["#next"]["height"] + 100  # well apart
    assert box["#stop"]["height"] < box["#next"]["height"]  # and smaller
    page.click("#next")
    page.wait_for_function("() => document.getElementById('step-name').textContent === 'Temples'")
    page.click("#stop")
    page.click("#stop")
    page.wait_for_selector("body[data-view='end']")
    assert (page.locator("#end-headline").text_content() or "").startswith("Sam: ")
    assert page.locator("#steps-body tr").count() >= 2
    shot(page, "end-phone")
    problems += sweep(page, "end, one strap", main=("#new-session",))
    assert problems == [], "\n".join(problems)
    assert console_errors == []



def test_every_step_of_a_closing_breath_in_the_first_screen(start_server: Any, page: Any,
                                                            console_errors: list[str]) -> None:
    """Each step of the built-in routine with a closing breath, driven by Next at 5x (a step of a
    minute lasts 12 s, time enough on a busy machine), playing and paused: the step before the
    breath (which says what is coming, with Slower and Faster) and the breath itself are the
    tallest."""
    server = start_server(speed=5.0)
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-feed='open']")
    routine = page.request.get(server.url + "/api/routines").json()
    steps = next(r["steps"] for r in routine["routines"] if r["id"] == "closing-breath")
    assert steps[-1]["kind"] == "breathe" and steps[-2]["kind"] == "massage"
    page.request.post(server.url + "/api/session", headers={"origin": server.url},
                      data={"profile": "Sam", "routine": "closing-breath"})
    page.wait_for_selector("body[data-view='live']")
    problems: list[str] = []
    for i, step in enumerate(steps):
        page.wait_for_function(f"() => document.getElementById('step-name').textContent === "
                               f"{step['name']!r} && document.body.dataset.kind === {step['kind']!r}")
        if i == len(steps) - 2:
            assert page.locator("#next-breathe").is_visible()  # what is coming, and its pace
        problems += first_screen(page, f"step {i + 1}, {step['name']}")
        page.click("#pause")
        page.wait_for_selector("#paused-banner:not([hidden])")
        problems += first_screen(page, f"step {i + 1}, {step['name']}, paused")
        page.click("#pause")
        page.wait_for_selector("#paused-banner", state="hidden")
        if i < len(steps) - 1:
            page.click("#next")
    assert problems == [], "\n".join(problems)
    assert console_errors == []


@pytest.fixture
def seeded(start_server: Any, tmp_path: Path) -> tuple[Any, dict[str, int]]:
    """Sam: one partner session with Alex, with notes; Robin: 3 sessions; Kim: 12; a receiver
    whose name is markup: 1."""
    db = tmp_path / "seeded.sqlite3"
    ids = {"Sam": seed_partner_session(db, notes="Temples felt good; the neck a little firm.")}
    ids["Robin"] = seed_store(db, profiles=("Robin",), sessions=3, seed=2)[-1]
    seed_store(db, profiles=("Kim",), sessions=12, seed=3, with_gauge=False)
    seed_store(db, profiles=(HOSTILE,), sessions=1, seed=4, with_gauge=False)
    return start_server(source=None, db=db), ids


def test_review_and_trends_views(seeded: tuple[Any, dict[str, int]], start_server: Any, page: Any,
                                 console_errors: list[str]) -> None:
    server, ids = seeded
    problems: list[str] = []
    page.goto(server.url + "/review")
    page.wait_for_selector("body[data-loaded='list']")
    assert page.locator("#sessions tr").count() == 17
    assert page.locator("#sessions b").count() == 0  # a name that is markup stays text
    assert page.get_by_text(HOSTILE).count() > 0
    problems += sweep(page, "review list")
    page.goto(f"{server.url}/review#session-{ids['Robin']}")
    page.wait_for_selector("body[data-loaded='session']")
    page.fill("#notes", "Warm oil, slow. " * 20 + "<script>alert(1)</script>")
    page.select_option("#rating_receiver_after", "5")
    page.click("#notes-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('saved').textContent === 'Saved.'")
    page.reload()
    page.wait_for_selector("body[data-loaded='session']")
    assert page.input_value("#notes").endswith("<script>alert(1)</script>")
    assert page.locator("#rating_receiver_after option:checked").text_content() == "5, very"
    assert page.locator("#rating_receiver_before option").nth(1).text_content() == "1, not at all"
    assert page.locator("#session-chart canvas").count() >= 1
    assert page.locator("#session-chart").get_attribute("data-series") == "hr gauge"
    assert page.locator("#session-steps tr").count() == 7
    assert (page.locator("#session-meta").text_content() or "").endswith(" · seeded")  # its source
    problems += sweep(page, "review, one strap, with notes")
    page.goto(f"{server.url}/review#session-{ids['Sam']}")
    page.wait_for_function(f"() => document.body.dataset.loaded === 'session' && "
                           f"location.hash === '#session-{ids['Sam']}' && "
                           "!document.getElementById('partner-review').hidden")
    assert page.locator("#session-chart").get_attribute("data-series") == "hr gauge giver"
    problems += sweep(page, "review, partner session, with notes")
    assert page.locator("#receiver-caption").text_content() == (
        "Sam, the receiver, step by step against settling")
    page.click("#notes-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('saved').textContent === 'Saved.'")
    page.goto(f"{server.url}/review#session-{ids['Robin']}")  # the same page, another session
    page.wait_for_function(f"() => location.hash === '#session-{ids['Robin']}' && "
                           "document.getElementById('partner-review').hidden")
    # nothing of the partner session stays behind: its caption, its "Saved."
    assert page.locator("#receiver-caption").text_content() == (
        "Each step against settling (the first step)")
    assert page.locator("#saved").text_content() == ""

    page.goto(server.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")  # the first profile shown, then choose
    for profile, sessions in (("Sam", 1), ("Robin", 3), ("Kim", 12)):
        page.select_option("#profile", profile)
        page.wait_for_function(f"() => document.getElementById('message').textContent"
                               f".startsWith('{sessions} session')")
        page.wait_for_selector("body[data-loaded='trends']")  # shown whole: what was tried too
        chart = page.locator("#hr-chart")
        assert chart.get_attribute("data-axis") == "date"  # sessions on their dates
        first, last, low, high = (chart.get_attribute(f"data-{k}") or "" for k in
                                  ("from", "to", "min", "max"))
        assert low < first <= last < high  # the axis fits what there is, with room around it
        if sessions == 1:  # a day and a half each side, not years
            assert (date.fromisoformat(high) - date.fromisoformat(low)).days <= 4
        assert chart.get_attribute("data-series") == {1: "value", 3: "value rolling"}.get(
            sessions, "value rolling band")  # the legend names only what is drawn
        text = page.locator("main").inner_text()
        assert ("shaded band is your normal range" in text) == (sessions == 12)
        assert page.locator("#steps tr").count() == 6
        problems += sweep(page, f"trends, {sessions} session(s)", large_text=sessions == 1,
                          axe_widths=AXE_WIDTHS if sessions == 12 else (320,))
    empty = start_server(source=None, db=Path(str(server.settings.db) + "-empty.sqlite3"))
    page.goto(empty.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")
    assert page.locator("#has-sessions").is_hidden() and page.locator("#profile").is_hidden()
    problems += sweep(page, "trends, no session", axe_widths=(320,))
    assert problems == [], "\n".join(problems)
    assert console_errors == []


def test_pairing_and_help_views(start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server(source=None, lan=True)
    problems: list[str] = []
    page.goto(server.url + "/")
    page.wait_for_selector("#pairing:not([hidden])")
    page.click("#care-done")
    page.click("#pair-start")
    page.wait_for_selector("#pair-code:not([hidden])")
    problems += sweep(page, "connect, pairing a phone", main=("#find", "#start"), large_text=False)
    for path, view in (("/pair", "pairing"), ("/docs", "help")):
        page.goto(server.url + path)
        assert page.locator("header a.brand").get_attribute("href") == "/"  # a way back
        problems += sweep(page, view)
    assert page.locator("a[href='/docs/api']").count() == 1  # the API reference, one link away
    said = " ".join((page.locator("#gauge-help").text_content() or "").split())
    assert said.count(". ") == 1 and said.endswith(".")  # the gauge in two sentences
    assert '"calmer"' in said and '"less calm"' in said and "50" in said, said
    assert "relaxation proxy" in page.locator("main").inner_text()  # the technical name lives here
    assert "relaxation proxy" in page.locator("footer.disclaimer").inner_text()
    assert problems == [], "\n".join(problems)
    assert console_errors == []
