"""The routine editor in a real Chromium: create, reorder with buttons, invalid input refused with
the field named, at 320 px with no sideways scroll and targets of 24 px or more, axe clean at
phone and laptop size; the voice reads the new cue; a past session's review is unchanged after its
routine is edited."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from kept import kept_session
from test_browser_phone import SPY
from views import NEVER, axe_problems, sweep

from calmlink.live.routine import BUILTIN_ROUTINES
from calmlink.sensors.simulator import SimulatedStrap

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}
LAPTOP = {"width": 1280, "height": 800}


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def small_targets(page: Any) -> list[str]:
    return list(page.evaluate("""() => [...document.querySelectorAll('main button, main input, main a')]
        .filter((n) => n.offsetParent !== null)
        .map((n) => [n.id || n.getAttribute('aria-label') || n.textContent, n.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24).map(([name]) => name)"""))


def api(server: Any) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10)


def test_create_reorder_and_invalid_input_refused(start_server: Any, page: Any,
                                                 console_errors: list[str]) -> None:
    server = start_server(source=None)
    page.set_viewport_size(NARROW)
    page.goto(server.url + "/routines")
    page.wait_for_selector("body[data-loaded='routines']")
    assert page.locator("#routines > li").count() == len(BUILTIN_ROUTINES)
    assert no_sideways_scroll(page) and small_targets(page) == []
    assert sweep(page, "routines list", main=("#new",)) == []
    page.set_viewport_size(NARROW)

    page.click("#new")
    page.wait_for_selector("body[data-loaded='editor']")
    page.fill("#name", "Evening")
    page.fill("#step-0-cue", "Warm your hands. Breathe out slowly.")
    for name, cue, seconds in (("Temples", "Slow circles.", "5"), ("Neck", "Long strokes.", "30")):
        page.click("#add-step")
        k = page.locator("#steps > li").count() - 1
        page.fill(f"#step-{k}-name", name)
        page.fill(f"#step-{k}-cue", cue)
        page.fill(f"#step-{k}-duration_s", seconds)
    page.click("#save")
    error = page.locator("#step-1-duration_s-error")
    error.wait_for(state="visible")
    assert error.text_content() == ("Step 2, length: must be from 10 seconds to 10 minutes "
                                    "(got 5 seconds)")
    assert page.get_attribute("#step-1-duration_s", "aria-invalid") == "true"
    assert page.locator("#error-list li").all_text_contents() == [error.text_content()]
    with api(server) as c:
        assert len(c.get("/api/routines").json()["routines"]) == len(BUILTIN_ROUTINES)  # refused
    assert no_sideways_scroll(page) and small_targets(page) == []
    assert axe_problems(page) == [], "editor with an error, 320 px"

    page.fill("#step-1-duration_s", "45")
    page.click("[aria-label='Move up: step 3']")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Move up: step 2"
    assert [page.input_value(f"#step-{k}-name") for k in range(3)] == ["Settle", "Neck", "Temples"]
    assert page.input_value("#step-2-duration_s") == "45"  # the step moved with its fields
    assert page.locator("#total").text_content() == "3 steps, 2:15 in all (at most 60 minutes)."
    page.click("#save")
    page.wait_for_selector("body[data-loaded='routines']")
    assert page.locator("#message").text_content() == "Saved “Evening”."
    assert "Settle · Neck · Temples" in page.locator("#routines").inner_text()
    with api(server) as c:
        made = c.get("/api/routines/evening").json()
    assert [(s["id"], s["duration_s"]) for s in made["steps"]] == [
        ("settle", 60), ("neck", 30), ("temples", 45)]
    assert made["steps"][0]["cue"] == "Warm your hands. Breathe out slowly."

    page.click("[aria-label='Edit Evening']")  # a closing breath: the step kind and its pace
    page.wait_for_selector("body[data-loaded='editor']")
    assert page.is_disabled("#step-0-kind")  # the settle step is never a breathe step
    assert page.locator("#step-0-name").evaluate("e => e.closest('fieldset').querySelector("
                                                 "'legend').textContent") \
        == "Step 1: the settle step (the starting point)"
    assert "baseline" not in page.inner_text("body").lower()  # "settle", the page's own word
    page.click("#add-step")
    page.fill("#step-3-name", "Closing breath")
    assert page.locator("#step-3-breaths_per_min").is_hidden()
    page.select_option("#step-3-kind", "breathe")
    page.fill("#step-3-breaths_per_min", "9")
    page.click("#save")
    error = page.locator("#step-3-breaths_per_min-error")
    error.wait_for(state="visible")
    assert error.text_content() == "Step 4, pace: must be a number of breaths a minute from 4 to 7"
    assert axe_problems(page) == [], "editor with a breathe step, 320 px"
    page.fill("#step-3-breaths_per_min", "5.5")
    page.click("#save")
    page.wait_for_selector("body[data-loaded='routines']")
    assert "Closing breath (breathing)" in page.locator("#routines").inner_text()
    with api(server) as c:
        step = c.get("/api/routines/evening").json()["steps"][3]
    assert (step["kind"], step["breaths_per_min"], step["id"]) == ("breathe", 5.5, "closing-breath")

    page.set_viewport_size(LAPTOP)
    assert axe_problems(page) == [], "list, laptop"
    page.click("[aria-label='Edit Evening']")
    page.fill("#name", "Nine quiet minutes")
    page.click("#save")
    page.locator("#name-error").wait_for(state="visible")
    assert "Name: is already another routine's" in page.locator("#name-error").text_content()
    assert axe_problems(page) == [], "editor with an error, laptop"
    page.click("#cancel")
    page.once("dialog", lambda d: d.accept())
    page.click("[aria-label='Delete Evening']")
    page.wait_for_function(f"() => document.querySelectorAll('#routines > li').length === "
                           f"{len(BUILTIN_ROUTINES)}")
    assert not NEVER.search(page.locator("body").inner_text())
    refused = "Failed to load resource: the server responded with a status of 422"
    assert [e for e in console_errors if not e.startswith(refused)] == []  # the refusals only
    assert len(console_errors) == 3


def test_the_voice_says_the_new_cue_and_a_past_session_stays_as_it_was(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server(SimulatedStrap(speed=40.0), speed=40.0)
    with api(server) as c:
        c.post("/api/routines", json={"name": "Evening", "steps": [
            {"name": "Settle", "cue": "Warm hands.", "duration_s": 90},
            {"name": "Temples", "cue": "Slow circles.", "duration_s": 90}]})
        _, past = kept_session(c, {"profile": "Sam", "routine": "evening"})
    page.set_viewport_size(NARROW)
    page.goto(f"{server.url}/review#session-{past}")
    page.wait_for_selector("body[data-loaded='session']")
    before = page.locator("main").inner_text()
    assert "Temples" in before

    page.goto(server.url + "/routines")
    page.wait_for_selector("body[data-loaded='routines']")
    page.click("[aria-label='Edit Evening']")
    page.fill("#step-0-cue", "Warm hands, and the new words.")
    page.fill("#step-0-duration_s", "600")  # 15 s at 40x: the first cue is heard on a busy machine
    page.fill("#step-1-name", "Temple circles")
    page.click("#save")
    page.wait_for_selector("body[data-loaded='routines']")

    page.goto(f"{server.url}/review#session-{past}")
    page.wait_for_selector("body[data-loaded='session']")
    assert page.locator("main").inner_text() == before  # the past session is as it was

    page.add_init_script(SPY + "localStorage.setItem('calmlink.voice', 'on');")
    with api(server) as c:
        assert c.post("/api/session", json={"profile": "Sam", "routine": "Evening"}).status_code == 200
    page.goto(server.url + "/")
    page.wait_for_function("() => (window.__spoken || []).length > 0", timeout=10_000)
    assert page.evaluate("() => window.__spoken")[0] == "Settle. Warm hands, and the new words."
    with api(server) as c:
        c.post("/api/session/stop")
    assert console_errors == []
