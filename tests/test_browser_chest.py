"""The breath from the chest on the live page, end to end and emulated: the demo's simulated strap
streams its chest as H10 PMD frames through the same decoder a real strap's go through, the server
reads them and the page in a real Chromium draws the trace and says the rate. The page's rate
matches what the simulated chest breathed within 1 a minute, and the trace's phase turns at the
simulated breathing rate."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from calmlink.sensors.simulator import SimulatedStrap
from calmlink.store.beat import Role
from tests.views import sweep

pytestmark = pytest.mark.browser
SPEED = 10.0

WATCH = """() => {
  window.chestSeen = [];
  const fig = document.getElementById('chest-figure');
  new MutationObserver(() => window.chestSeen.push([Number(fig.dataset.t), fig.dataset.breath,
      fig.dataset.rate, document.getElementById('breathing').textContent,
      document.getElementById('chest-line').getAttribute('points').split(' ').length]))
    .observe(fig, { attributes: true, attributeFilter: ['data-t'] });
}"""


def test_the_breath_trace_follows_the_simulated_chest(start_server: Any, page: Any,
                                                      console_errors: list[str]) -> None:
    strap = SimulatedStrap(seed=31, speed=SPEED, chest=True)
    server = start_server(strap, autostart=True, speed=SPEED)
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-view='live']")
    page.evaluate(WATCH)
    page.wait_for_selector("#chest-figure:not([hidden])", timeout=20_000)
    # 20 s of page time: 200 s of the session at 10x
    page.wait_for_function("() => window.chestSeen.length && window.chestSeen.at(-1)[0] > 170",
                           timeout=40_000)
    seen: list[list[Any]] = page.evaluate("window.chestSeen")
    controller = server.app.state.controller
    offset = controller.session.streams[Role.RECEIVER].offset  # the strap's clock minus the session's
    assert strap.chest is not None
    truth = strap.chest.breaths(0.0, offset + 400.0)

    def simulated_rate(t: float) -> float:  # the whole breaths of the last minute, as the page's
        recent = [b for b in truth if t - 60.0 <= b.end_s - offset <= t]
        return 60.0 * len(recent) / sum(b.duration_s for b in recent)

    rated = [(t, float(rate), words) for t, _phase, rate, words, _n in seen if rate and t > 60.0]
    assert len(rated) > 40, seen[-5:]
    for t, rate, words in rated:
        assert abs(rate - simulated_rate(t)) < 1.0, (t, rate, simulated_rate(t))
        assert words == f"breathing about {math.floor(rate + 0.5)} a minute, from the chest"  # as JS rounds
    # the trace's phase: one turn to "in" a breath, at the simulated rate
    window = [(t, phase) for t, phase, *_ in seen if 80.0 <= t <= 170.0]
    onsets = sum(1 for (_, a), (_, b) in itertools.pairwise(window) if a == "out" and b == "in")
    breathed = sum(1 for b in truth if 80.0 <= b.start_s - offset <= 170.0)
    assert abs(onsets - breathed) <= 2, (onsets, breathed)
    assert max(n for *_, n in seen) >= 100  # the half minute drawn: five points a second
    # the trace sits below the controls: a phone's first screen keeps the gauge, the step, its
    # timer, Back, Pause and Next, and the page never scrolls sideways
    page.set_viewport_size({"width": 320, "height": 640})
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(100)
    for selector in ("#gauge", "#step-name", "#step-timer", "#previous", "#pause", "#next"):
        box = page.locator(selector).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 640, selector
    trace = page.locator("#chest-figure").bounding_box()
    assert trace and trace["x"] >= 0 and trace["x"] + trace["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    problems = sweep(page, "live, breath from the chest", main=("#pause", "#next"), large_text=False,
                     axe_widths=(320,))
    # the end view and the review: breathing from the chest, step by step
    page.click("#stop")
    page.click("#stop")
    page.wait_for_selector("#end-chest:not([hidden]) table", timeout=20_000)
    problems += sweep(page, "end, breathing from the chest", main=("#new-session",),
                      large_text=False, axe_widths=(320,))
    rows = page.locator("#end-chest tbody tr").all_text_contents()
    assert rows and all("a minute" in r for r in rows), rows
    sid = page.evaluate("Number(new URL(document.getElementById('review-link').href).hash.split('-')[1])")
    detail = page.request.get(f"{server.url}/api/sessions/{sid}?beats=false").json()
    steps, starts = detail["chest_steps"], [s["start_s"] for s in detail["summary"]["steps"]]
    assert steps and steps[0]["index"] == 0 and steps[0]["role"] == "receiver"
    for row in steps[:-1]:  # each whole step's rate, as the simulated chest breathed it
        lo, hi = starts[row["index"]], starts[row["index"] + 1]
        inside = [b for b in truth if lo <= b.start_s - offset < hi]
        assert abs(row["breaths_per_min"] - 60.0 * len(inside) / sum(b.duration_s for b in inside)) < 1.0
    page.goto(f"{server.url}/review#session-{sid}")
    page.wait_for_selector("#review-chest:not([hidden]) table")
    assert page.locator("#review-chest tbody tr").count() == len(steps)
    problems += sweep(page, "review, breathing from the chest", large_text=False, axe_widths=(320,))
    assert problems == [], "\n".join(problems)
    assert console_errors == []


def test_a_strap_without_chest_movement_is_said_once_quietly(start_server: Any, page: Any,
                                                             console_errors: list[str]) -> None:
    from tests.test_chest_live import HeartOnly

    server = start_server(HeartOnly())
    page.goto(server.url + "/")
    page.wait_for_selector("#chest-note:not([hidden])")
    assert page.locator("#chest-note").text_content() == (
        "chest movement not available from this strap: no PMD service")
    assert page.locator("#chest-note").get_attribute("class") == "muted hint"
    assert page.locator("#chest-figure").is_hidden()
    assert console_errors == []


CLOSING = {"name": "Chest closing breath", "steps": [
    {"name": "Settle", "cue": "", "duration_s": 60},
    {"name": "Closing breath", "cue": "Breathe with the circle.", "duration_s": 600,
     "kind": "breathe", "breaths_per_min": 6}]}


def test_the_closing_breath_follows_the_breath_from_the_chest(start_server: Any, page: Any,
                                                              console_errors: list[str]) -> None:
    import httpx

    server = start_server(SimulatedStrap(seed=32, speed=20.0, chest=True), speed=20.0)
    page.goto(server.url + "/")
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10) as c:
        assert c.post("/api/routines", json=CLOSING).status_code == 201
        c.post("/api/session", json={"profile": "Sam", "routine": "chest-closing-breath"})
    page.wait_for_selector("#pacer:not([hidden])", timeout=20_000)
    # the simulated person breathes with the pacer: the chest's word, said as the chest's
    page.wait_for_function("() => document.getElementById('breath-following').textContent === "
                           "'following your breath: mostly, from the chest'", timeout=30_000)
    assert "The chest moved with the pacer" in (page.locator("#breath-numbers").text_content() or "")
    assert page.locator("#chest-figure").is_visible()
    assert console_errors == []
