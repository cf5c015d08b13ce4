"""The breathe step in a real Chromium against a real server: the pacer keeps the server's schedule
to the frame over two minutes (Playwright's clock, so it takes seconds), reduced motion shows the
words alone, the breath cue is queued only when it is on (a tone, or the words with voice on), pause
stops the pacer, and every view it touches holds at phone and laptop widths (tests/views.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from views import sweep

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
BREATHE = {"name": "Breathe long", "steps": [
    {"name": "Settle", "cue": "", "duration_s": 30},
    {"name": "Breathe", "cue": "In and out.", "duration_s": 600, "kind": "breathe",
     "breaths_per_min": 6}]}
CLOSING = {"name": "Long closing breath", "steps": [
    {"name": "Settle", "cue": "", "duration_s": 60},
    {"name": "Temples", "cue": "", "duration_s": 600},
    {"name": "Closing breath", "cue": "Breathe with the circle.", "duration_s": 600,
     "kind": "breathe"}]}
"""Steps long enough (30 s at 20x) that a busy machine never ends one under a check or a sweep."""

SPIES = """
window.__phases = [];
window.__pacers = [];
window.__oscillators = 0;
window.__spoken = [];
new MutationObserver((changes) => {
  for (const c of changes) if (c.attributeName === "data-phase" && c.target.dataset.phase)
    window.__phases.push([performance.now(), c.target.dataset.phase]);
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-phase"] });
const RealSocket = window.WebSocket;
window.WebSocket = class extends RealSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (ev) => {
      const m = JSON.parse(ev.data);
      if (m.session && m.session.pacer) window.__pacers.push([performance.now(), m.session.pacer]);
    });
  }
};
for (const name of ["AudioContext", "webkitAudioContext"]) {
  const Real = window[name];
  if (!Real) continue;
  window[name] = class extends Real {
    createOscillator() { window.__oscillators += 1; return super.createOscillator(); }
  };
}
if ("speechSynthesis" in window) {
  const real = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (u) => { window.__spoken.push(u.text); real(u); };
}
"""
"""Records each change of the pacer's in/out, each pacer the server sends (with when it came),
every oscillator the page makes and every utterance it queues."""


def api(server: Any) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10)


@contextmanager
def past_the_settle_step(start_server: Any, page: Any, spies: str) -> Iterator[httpx.Client]:
    """The closing-breath routine running on the phone, its settle step (the breaths' reference)
    whole: the next step is the massage step before the breath."""
    server = start_server(speed=20.0)
    page.add_init_script(spies)
    page.set_viewport_size(PHONE)
    page.goto(server.url + "/")
    with api(server) as c:
        assert c.post("/api/routines", json=CLOSING).status_code == 201
        c.post("/api/session", json={"profile": "Sam", "routine": "long-closing-breath"})
        page.wait_for_selector("#live-view:not([hidden])")
        page.wait_for_function("() => document.getElementById('step-name').textContent !== 'Settle'",
                               timeout=15_000)
        yield c


def test_the_pacer_keeps_the_servers_schedule_over_two_minutes(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    """Every change between in and out within 50 ms of the schedule the server sent, for two
    minutes of the page's own clock, run frame by frame by Playwright."""
    server = start_server(strap=False, speed=1.0)
    with api(server) as c:
        assert c.post("/api/routines", json=BREATHE).status_code == 201
        page.clock.install()
        page.add_init_script(SPIES)
        page.set_viewport_size(PHONE)
        page.goto(server.url + "/")
        c.post("/api/session", json={"profile": "Sam", "routine": "breathe-long",
                                     "without_readings": True})
        page.wait_for_selector("#live-view:not([hidden])")
        c.post("/api/session/next")
    page.wait_for_selector("#pacer:not([hidden])")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    start = page.evaluate("performance.now()")
    page.clock.run_for(120_000)
    pacers = page.evaluate("window.__pacers")
    phases = [(t, p) for t, p in page.evaluate("window.__phases") if t > start]
    zero = min(t - p["now_s"] * 1000 for t, p in pacers)  # the page's clock at session time 0
    p = pacers[-1][1]
    period = 60_000 / p["breaths_per_min"]
    assert p["running"] and p["in_share"] == 0.4 and p["breaths_per_min"] == 6
    assert len(phases) >= 23, phases  # 12 breaths: in and out, each
    lateness = []
    for t, phase in phases:
        into = (t - zero - p["origin_s"] * 1000) % period
        edge = 0.0 if phase == "in" else p["in_share"] * period
        lateness.append((into - edge) % period)
    print("lateness ms", len(lateness), round(min(lateness), 1), round(max(lateness), 1))
    assert max(lateness) < 50, lateness
    assert [ph for _, ph in phases[:4]] in (["out", "in", "out", "in"], ["in", "out", "in", "out"])
    assert console_errors == []


def test_reduced_motion_the_cue_only_when_on_pause_and_the_views(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    with past_the_settle_step(start_server, page, SPIES) as c:
        page.wait_for_selector("#next-breathe:not([hidden])")
        assert "Coming up: Closing breath, at 6 breaths a minute." in page.inner_text("#next-breathe")
        page.click("#next-slower")  # before the step: its pace
        page.wait_for_function("() => document.getElementById('next-breathe-text').textContent"
                               ".includes('5.5')")
        c.post("/api/session/next")
        page.wait_for_selector("#pacer:not([hidden])")
        assert page.inner_text("#pace-value") == "5.5 breaths a minute"
        assert page.locator(".gauge-area").is_hidden() and page.locator("#chart").is_hidden()
        page.wait_for_function("() => window.__phases.length >= 4")
        assert page.evaluate("window.__oscillators") == 0  # the cue is off: nothing queued
        assert page.get_attribute("body", "data-breath-cues") is None
        assert page.evaluate("document.getElementById('pacer-circle').style.transform").startswith(
            "scale(")
        page.check("#breath-cue")
        page.wait_for_function("() => Number(document.body.dataset.breathCues || 0) >= 2")
        assert page.evaluate("window.__oscillators") >= 2 and page.evaluate("window.__spoken") == []
        page.click("#voice")
        page.wait_for_function("() => window.__spoken.includes('in') && window.__spoken.includes('out')")
        page.click("#pace-faster")  # during the step
        page.wait_for_function("() => document.getElementById('pace-value').textContent"
                               " === '6 breaths a minute'")
        page.wait_for_function("() => /^\\d+$/.test(document.getElementById('breath-swing').textContent)",
                               timeout=10_000)
        numbers = page.locator("#breath-numbers").text_content() or ""  # inside Details, in words
        assert "give or take 0.9 breaths a minute (0.015 Hz either side of it)" in numbers, numbers
        page.click("#pause")
        page.wait_for_selector("#pacer[data-phase='paused']")
        counts = page.evaluate("[window.__phases.length, window.__oscillators, window.__spoken.length]")
        page.wait_for_timeout(1500)  # three breaths at 20x: nothing moves, nothing sounds
        assert page.evaluate("[window.__phases.length, window.__oscillators, "
                             "window.__spoken.length]") == counts
        page.click("#voice")  # voice off again, for the sweep's quiet
        problems = sweep(page, "breathe step, paused", main=("#pause", "#next"))
        page.set_viewport_size(PHONE)
        page.emulate_media(reduced_motion="reduce")
        page.click("#pause")  # resume
        page.wait_for_function(f"() => window.__phases.length > {counts[0] + 3}")
        assert page.evaluate("getComputedStyle(document.querySelector('.pacer-shape')).visibility") \
            == "hidden"
        assert page.inner_text("#pacer-word") in ("breathe in", "breathe out")
        style = page.evaluate("document.getElementById('pacer-circle').style.transform")
        page.wait_for_timeout(300)
        assert page.evaluate("document.getElementById('pacer-circle').style.transform") == style
        c.post("/api/session/stop")
    page.wait_for_selector("#end-view:not([hidden])")
    table = page.inner_text("#end-breathing")
    assert "Closing breath" in table and "bpm a breath" in table and "breaths a minute" in table
    problems += sweep(page, "end, closing breath", main=("#new-session",), large_text=False)
    assert problems == []
    assert console_errors == []


A_VOICE = """
window.__voice = [];
const speaking = { u: null, entry: null, timer: null };
window.speechSynthesis.speak = (u) => {
  const entry = { text: u.text, at: performance.now(), ended: null, cut: false };
  window.__voice.push(entry);
  Object.assign(speaking, { u, entry, timer: setTimeout(() => {
    entry.ended = performance.now();
    speaking.u = null;
    u.dispatchEvent(new Event("end"));
  }, 60 * u.text.length) });
};
window.speechSynthesis.cancel = () => {
  if (!speaking.u) return;
  clearTimeout(speaking.timer);
  speaking.entry.cut = true;
  const u = speaking.u;
  speaking.u = null;
  u.dispatchEvent(new Event("error"));
};
localStorage.setItem("calmlink.voice", "on");
localStorage.setItem("calmlink.breathcue", "on");
"""
"""A voice that takes 60 ms a letter to read and says when it is done or cut off, as a phone's
does (headless Chromium has no voice: its speech fails at once)."""


def test_the_breaths_words_wait_for_the_steps_cue(start_server: Any, page: Any,
                                                  console_errors: list[str]) -> None:
    """Voice on: "in" and "out" never cut the breathe step's own cue short; they follow it."""
    with past_the_settle_step(start_server, page, A_VOICE) as c:
        c.post("/api/session/next")
        page.wait_for_function("() => window.__voice.some((v) => v.text === 'out')")
        said = page.evaluate("window.__voice")
        c.post("/api/session/stop")
    cue = next(v for v in said if v["text"] == "Closing breath. Breathe with the circle.")
    words = [v for v in said if v["text"] in ("in", "out")]
    assert not cue["cut"] and cue["ended"] is not None  # read to its end
    assert words and all(w["at"] >= cue["ended"] for w in words)  # the breath's words after it
    assert console_errors == []

def test_the_review_shows_a_pace_finding_with_its_figures(
        start_server: Any, page: Any, console_errors: list[str], tmp_path: Any) -> None:
    from calmlink.testing.seed import seed_pace_finding

    db = tmp_path / "found.sqlite3"
    found = seed_pace_finding(db, "Robin", resonance=5.0)
    flat = seed_pace_finding(db, "Kim", resonance=None, seed=3)
    server = start_server(source=None, db=db)
    with api(server) as c:
        assert c.get("/api/paces", params={"person": "robin"}).json()["pace"] == 5.0
        kim = c.get("/api/paces", params={"person": "Kim"}).json()
        assert kim["pace"] is None and kim["history"][0]["figures"]["why"] != "clear"
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/review#session-{found}")
    page.wait_for_selector("body[data-loaded='session']")
    text = page.inner_text("#review-breathing")
    assert "Robin's breathing pace" in text and "largest at 5 breaths a minute" in text
    assert "4.5 breaths a minute" in text and "bpm on average" in text
    problems = sweep(page, "review, a pace finding", large_text=False)
    page.goto(f"{server.url}/review#session-{flat}")
    page.wait_for_function("() => document.getElementById('review-breathing').textContent"
                           ".includes('Kim')")
    assert "No clear best pace this time" in page.inner_text("#review-breathing")
    assert problems == []
    assert console_errors == []
