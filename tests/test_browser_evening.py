"""The next evening starts fresh, in the real Chromium (docs/live-protocol.md "The end view"): a
page watching a session shows its end and keeps it on a reload; a page opened afresh after it shows
the start view with the last session one tap away in Review; 30 minutes after the end a page that
showed it shows the start too, on a reload or when it comes back into view."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser_live import shot
from views import resize, sweep

from calmlink.live.controller import END_VIEW_KEPT_S

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SPEED = 20.0
BACK_INTO_VIEW = """() => {
  Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def _watching(browser: Any, url: str) -> Any:
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(url + "/")
    page.wait_for_selector("body[data-feed='open']")
    return page


def test_the_end_view_is_for_right_after_a_session(start_server: Any, browser: Any) -> None:
    server = start_server(speed=SPEED)
    watching, also_watching = _watching(browser, server.url), _watching(browser, server.url)
    origin = {"origin": server.url}
    assert watching.request.post(server.url + "/api/session", headers=origin,
                                 data={"profile": "Sam"}).ok
    watching.wait_for_selector("body[data-view='live']")
    while watching.request.get(server.url + "/api/status").json()["session"]["n_beats"] < 90:
        watching.wait_for_timeout(100)  # a minute of beats: the session is kept
    ended = watching.request.post(server.url + "/api/session/stop", headers=origin).json()
    sid = ended["summary"]["session_id"]
    assert sid is not None
    for page in (watching, also_watching):  # a page open when it ends shows the end
        page.wait_for_selector("body[data-view='end']")

    fresh = _watching(browser, server.url)  # a page opened afterwards: the start
    fresh.wait_for_selector("body[data-view='connect'] #last-session:not([hidden])")
    assert fresh.locator("#end-view").is_hidden()
    link = fresh.locator("#last-session-link")
    assert link.get_attribute("href") == f"/review#session-{sid}"
    said = fresh.locator("#last-session").text_content() or ""
    assert said.startswith("Last session: today ") and said.endswith(", Sam · see it in Review"), said
    days = fresh.evaluate("""async () => {
        const { lastWhen } = await import("/static/connect.js");
        const now = new Date(2026, 11, 7, 22, 0);  // a Monday evening, on this browser's clock
        return [[2026, 11, 7], [2026, 11, 6], [2026, 11, 3], [2026, 10, 20], [2025, 11, 20]]
          .map(([y, m, d]) => lastWhen(new Date(y, m, d, 21, 40).toISOString(), now));
    }""")
    assert [d.split(" ")[0] for d in days[:3]] == ["today", "yesterday", "Thursday"], days
    assert days[3].startswith("Nov 20") and "2025" in days[4] and "2026" not in days[3], days
    for width, height in ((320, 640), (390, 844), (1280, 800)):
        resize(fresh, width, height)
        shot(fresh, f"evening-start-{width}")
    problems = sweep(fresh, "connect, after a session", main=("#find", "#start"), large_text=False)

    watching.reload()  # the page that watched it keeps it (within the 30 minutes)
    watching.wait_for_selector("body[data-view='end'][data-feed='open']")
    assert watching.locator("#end-title").text_content() == "Session stopped"

    controller = server.app.state.controller  # the end, 31 minutes ago on the server's clock
    controller.last_ended_at -= (END_VIEW_KEPT_S + 60) * SPEED
    assert watching.request.get(server.url + "/api/status").json()["end_kept_s"] == 0
    watching.evaluate(BACK_INTO_VIEW)  # back to the tab, the phone unlocked: the start
    watching.wait_for_selector("body[data-view='connect'] #last-session:not([hidden])")
    also_watching.reload()  # and on a reload
    also_watching.wait_for_selector("body[data-view='connect'][data-feed='open']")
    also_watching.wait_for_selector("#last-session:not([hidden])")
    assert also_watching.locator("#end-view").is_hidden()

    link.click()  # one tap away in Review
    fresh.wait_for_selector("body[data-loaded='session']")
    assert fresh.url.endswith(f"/review#session-{sid}")
    assert problems == [], "\n".join(problems)


def test_a_phone_not_yet_paired_gets_a_calm_page(start_server: Any, page: Any) -> None:
    # the computer is 127.0.0.2 here: this browser, on 127.0.0.1, is a phone on the home network
    server = start_server(lan=True, trusted_clients={"127.0.0.2"})
    opened = page.goto(server.url + "/")
    assert opened is not None and opened.status == 401
    assert page.locator("h1").text_content() == "Pair this phone first"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 16, 19)"
    for width, height in ((320, 640), (390, 844), (1280, 800)):
        resize(page, width, height)
        shot(page, f"unpaired-{width}")
    problems = sweep(page, "not paired yet", main=("#pair-link",))
    page.click("#pair-link")
    page.wait_for_selector("#pair-form")
    assert page.url == server.url + "/pair"
    assert problems == [], "\n".join(problems)
