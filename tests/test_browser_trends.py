"""Trends' charts read right, as drawn in the real Chromium: what the canvas is asked to draw is
recorded (every fillText with its box, every filled ring of dots with its colour), so the tests
read the rendered tick labels, not what the page says it drew. At 320, 390 and 1280 px, in the
+05:30 zone: no two tick labels alike (sessions a day apart, several in one week, ten years of
imports, a week across New Year), the year where the span crosses one, whole numbers of bpm and
ms, axis titles clear of the tick labels and nothing cut at the canvas' edge, and recordings
calmlink marks not reliable drawn apart (hollow) and said so. Screenshots of each, with 1, 3 and
12 sessions besides, go to test-results/screenshots."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_browser_live import shot
from views import resize, sweep

from calmlink.testing.seed import seed_days, seed_store

pytestmark = pytest.mark.browser
SIZES = ((320, 640), (390, 844), (1280, 800))
CHARTS = ("ln-chart", "hr-chart")
YEAR = re.compile(r"\b(19|20)\d\d\b")
# Every fillText with its box in canvas pixels (after the canvas' transform: a rotated title is
# boxed as drawn), and every filled path of arcs (uPlot's dots) with its fill, per canvas; a clear
# of the whole canvas starts its record again, so it holds the last drawing.
RECORD = """
(() => {
  const drawn = new WeakMap();
  const of = (canvas) => { if (!drawn.has(canvas)) drawn.set(canvas, { texts: [], dots: [] });
                           return drawn.get(canvas); };
  const C = CanvasRenderingContext2D.prototype;
  const { fillText, clearRect, fill } = C;
  C.clearRect = function (x, y, w, h) {
    if (x <= 0 && y <= 0 && w >= this.canvas.width && h >= this.canvas.height) drawn.delete(this.canvas);
    return clearRect.call(this, x, y, w, h);
  };
  C.fillText = function (text, x, y, ...rest) {
    const m = this.measureText(text);
    const t = this.getTransform();
    const corners = [[x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent],
                     [x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent]]
      .flatMap(([a, b], i, [p, q]) => [[a, b], [i ? p[0] : q[0], i ? q[1] : p[1]]])
      .map(([a, b]) => t.transformPoint(new DOMPoint(a, b)));
    const xs = corners.map((p) => p.x), ys = corners.map((p) => p.y);
    of(this.canvas).texts.push({ text: String(text), align: this.textAlign, rotated: t.b !== 0,
      box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
    return fillText.call(this, text, x, y, ...rest);
  };
  const arcs = new WeakMap();
  const arc = Path2D.prototype.arc;
  Path2D.prototype.arc = function (...a) {
    arcs.set(this, (arcs.get(this) || 0) + 1);
    return arc.apply(this, a);
  };
  C.fill = function (path, ...rest) {
    if (path instanceof Path2D && arcs.has(path))
      of(this.canvas).dots.push({ fill: this.fillStyle, n: arcs.get(path) });
    return fill.call(this, path, ...rest);
  };
  window.__drawn = (id) => {
    const canvas = document.querySelector(`#${id} canvas`);
    return canvas ? { width: canvas.width, height: canvas.height, ...of(canvas) } : null;
  };
})();
"""


TWO_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def local(*args: int) -> datetime:
    """A time on this machine's clock, with its offset, as the store keeps times."""
    return datetime(*args).astimezone()  # type: ignore[misc]


# profile: (sessions, unreliable indices); 'years' and 'new year' must show a year
PROFILES: dict[str, tuple[list[datetime], tuple[int, ...]]] = {
    "Steady": ([local(2026, 11, d, 20) for d in (20, 22, 24)], ()),  # see SETTLE_BPM
    "Two days": ([local(2026, 12, 6, 19, 30), local(2026, 12, 7, 20, 15)], ()),
    "One week": ([local(2026, 11, 30, 18), local(2026, 12, 1, 21), local(2026, 12, 2, 19),
                  local(2026, 12, 4, 20), local(2026, 12, 5, 9)], ()),
    "Years": ([local(y, m, 1 + (3 * y) % 27, 20) for y, m in
               ((2017, 3), (2017, 11), (2018, 6), (2019, 2), (2020, 8), (2021, 1), (2021, 9),
                (2022, 5), (2023, 12), (2024, 7), (2025, 4), (2026, 1), (2026, 10))], ()),
    "New year": ([local(2025, 12, 28, 20), local(2025, 12, 30, 19), local(2026, 1, 2, 21),
                  local(2026, 1, 4, 20)], ()),
    "Months": ([local(2025, m, 10 + m, 20) for m in (8, 9, 10, 11, 12)]
               + [local(2026, m, 5 + 3 * m, 19) for m in (1, 2, 3, 4, 5)], ()),
    "Loose strap": ([local(2026, 11, d, 20) for d in (2, 5, 8, 11, 14, 17, 20, 23)], (2, 5)),
}
SPANS_A_YEAR = {"Years", "New year", "Months"}
SETTLE_BPM = {"Steady": [61.0, 62.0, 63.5]}
"""Heart rates close together: a scale of 2.5 bpm steps would read "62.5"."""


@pytest.fixture
def trends_server(start_server: Any, tmp_path: Path) -> Any:
    db = tmp_path / "trends.sqlite3"
    for name, (days, unreliable) in PROFILES.items():
        seed_days(db, name, days, unreliable, settle_bpm=SETTLE_BPM.get(name))
    for name, n in (("One", 1), ("Three", 3), ("Twelve", 12)):
        seed_store(db, profiles=(name,), sessions=n, seed=n, with_gauge=False)
    return start_server(source=None, db=db)


@pytest.fixture
def kolkata(browser: Any) -> Any:
    context = browser.new_context(timezone_id="Asia/Kolkata", locale="en-US")
    context.add_init_script(RECORD)
    page = context.new_page()
    yield page
    context.close()


def open_profile(page: Any, name: str, sessions: int) -> None:
    page.select_option("#profile", name)
    page.wait_for_function(f"() => document.getElementById('message').textContent"
                           f".startsWith('{sessions} session')")
    page.wait_for_function("() => document.querySelectorAll('#hr-chart canvas, #ln-chart canvas')"
                           ".length === 2")
    page.wait_for_selector("body[data-loaded='trends']")  # shown whole


def axes(page: Any, chart: str) -> dict[str, Any]:
    """What the chart's canvas was last asked to draw, sorted out by uPlot's own conventions: the
    bottom axis' labels are centred, the left axis' right-aligned, its title rotated."""
    d = page.evaluate("(id) => window.__drawn(id)", chart)
    texts = d["texts"]
    return {
        "x": [t for t in texts if t["align"] == "center" and not t["rotated"] and t["text"] != "date"],
        "y": [t for t in texts if t["align"] == "right" and not t["rotated"]],
        "x_title": [t for t in texts if t["text"] == "date"],
        "y_title": [t for t in texts if t["rotated"]],
        "dots": d["dots"], "width": d["width"], "height": d["height"]}


def reading_problems(page: Any, where: str, spans_year: bool) -> list[str]:
    out = []
    for chart in CHARTS:
        a = axes(page, chart)
        at = f"{where}, {chart}"
        xs = [t["text"] for t in a["x"]]
        if len(xs) < 2 or len(set(xs)) != len(xs):
            out.append(f"{at}: date labels {xs}: fewer than two, or some alike")
        if spans_year and not any(YEAR.search(x) for x in xs):
            out.append(f"{at}: the span crosses a year but no label says which: {xs}")
        ys = [t["text"] for t in a["y"]]
        if len(ys) < 2 or len(set(ys)) != len(ys) or not all(re.fullmatch(r"\d+", y) for y in ys):
            out.append(f"{at}: value labels {ys}: want two or more whole numbers, each different")
        [ytitle], [xtitle] = a["y_title"], a["x_title"]
        if a["y"] and ytitle["box"][2] > min(t["box"][0] for t in a["y"]):
            out.append(f"{at}: the title {ytitle['text']!r} (right edge {ytitle['box'][2]:.1f}) "
                       f"runs into the tick labels (from {min(t['box'][0] for t in a['y']):.1f})")
        if a["x"] and xtitle["box"][1] < max(t["box"][3] for t in a["x"]):
            out.append(f"{at}: the title 'date' runs into the date labels")
        for t in a["x"] + a["y"] + a["x_title"] + a["y_title"]:
            left, top, right, bottom = t["box"]
            if left < 0 or top < 0 or right > a["width"] or bottom > a["height"]:
                out.append(f"{at}: {t['text']!r} is cut at the canvas' edge ({t['box']})")
    return out


@pytest.mark.timeout(240)  # eight data sets, three widths each: over a minute on a loaded machine
def test_trend_axes_read_right_at_every_width(trends_server: Any, kolkata: Any,
                                              console_errors: list[str]) -> None:
    page = kolkata
    page.goto(trends_server.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")
    problems: list[str] = []
    for name, (days, _) in PROFILES.items():
        open_profile(page, name, len(days))
        for width, height in SIZES:
            resize(page, width, height)
            page.evaluate(TWO_FRAMES)
            problems += reading_problems(page, f"{name} at {width} px", name in SPANS_A_YEAR)
            shot(page, f"trends-{name.replace(' ', '-').lower()}-{width}x{height}")
    for name, n in (("One", 1), ("Three", 3), ("Twelve", 12)):
        open_profile(page, name, n)
        for width, height in SIZES:
            resize(page, width, height)
            page.evaluate(TWO_FRAMES)
            problems += reading_problems(page, f"{n} session(s) at {width} px", False)
            shot(page, f"trends-{n}-sessions-{width}x{height}")
    assert problems == [], "\n".join(problems)
    assert console_errors == []


def test_recordings_marked_not_reliable_are_drawn_apart_and_said(
        trends_server: Any, kolkata: Any, console_errors: list[str]) -> None:
    page = kolkata
    days, unreliable = PROFILES["Loose strap"]
    rows = page.request.get(trends_server.url + "/api/trends?profile=Loose%20strap").json()
    assert [r["reliable"] for r in rows["baseline_hr_bpm"]] == [
        k not in unreliable for k in range(len(days))]
    assert rows["not_reliable"] == 2
    assert all("rolling" not in r and "normal_low" not in r
               for r in rows["baseline_hr_bpm"] if not r["reliable"])  # counted in nothing
    page.goto(trends_server.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")
    open_profile(page, "Loose strap", len(days))
    calm = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--calm')")
    for chart in CHARTS:
        dots = axes(page, chart)["dots"]
        filled = sum(d["n"] for d in dots if d["fill"] == calm.strip())
        assert filled == len(days) - len(unreliable), (chart, dots)  # settle dots: reliable only
        assert sum(d["n"] for d in dots) == len(days), (chart, dots)  # the others drawn apart
        assert "unreliable" in (page.locator(f"#{chart}").get_attribute("data-series") or "").split()
    text = page.locator("#start-text").inner_text()
    assert "2 recordings marked not reliable" in text and "hollow" in text, text
    for legend in ("#ln-legend", "#hr-legend"):
        assert page.locator(f"{legend} li[data-series='unreliable']").is_visible()
    problems = sweep(page, "trends, two recordings not reliable", large_text=False, axe_widths=(320,))
    assert problems == [], "\n".join(problems)
    for width, height in SIZES:
        resize(page, width, height)
        shot(page, f"trends-not-reliable-{width}x{height}")
    assert console_errors == []


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"])
def test_date_ticks_fall_on_local_midnights_across_a_clock_change(
        start_server: Any, browser: Any, zone: str) -> None:
    """Days, weeks, months and years from the page's own module, in zones whose clocks change
    (New York by an hour on 1 Nov 2026, Lord Howe by half an hour on 4 Oct 2026) and one that does
    not: every tick a local midnight, one a day (week, month, year) and no two labels alike."""
    server = start_server(source=None)
    context = browser.new_context(timezone_id=zone, locale="en-US")
    page = context.new_page()
    page.goto(server.url + "/trends")
    found = page.evaluate("""async () => {
      const { dateTicks, dateLabels } = await import("/static/trend_axes.js");
      const out = {};
      for (const [unit, n, from, to] of [["day", 1, [2026, 9, 25], [2026, 10, 10]],
                                         ["day", 3, [2026, 9, 1], [2026, 10, 30]],
                                         ["week", 1, [2026, 8, 1], [2027, 0, 20]],
                                         ["month", 1, [2025, 6, 15], [2026, 5, 15]],
                                         ["month", 3, [2025, 6, 15], [2027, 5, 15]],
                                         ["year", 1, [2016, 5, 1], [2026, 11, 1]]]) {
        const ticks = dateTicks([unit, n], new Date(...from).getTime(), new Date(...to).getTime());
        const dates = ticks.map((t) => new Date(t));
        out[`${unit} ${n}`] = {
          midnights: dates.every((d) => d.getHours() === 0 && d.getMinutes() === 0),
          days: dates.map((d) => [d.getFullYear(), d.getMonth(), d.getDate(), d.getDay()]),
          labels: dateLabels(unit, ticks, true) };
      }
      return out;
    }""")
    context.close()
    for step, f in found.items():
        assert f["midnights"], (zone, step, f["days"])
        assert len(set(f["labels"])) == len(f["labels"]) >= 4, (zone, step, f["labels"])
        assert any(YEAR.search(x) for x in f["labels"]), (zone, step, f["labels"])
    days = [date(y, m + 1, d) for y, m, d, _ in found["day 1"]["days"]]
    assert days == [days[0] + timedelta(days=k) for k in range(len(days))] and len(days) == 17
    assert {wd for *_, wd in found["week 1"]["days"]} == {1}  # Mondays
    assert [d[1:3] for d in found["month 1"]["days"]][:3] == [[7, 1], [8, 1], [9, 1]]
    assert {d[1] for d in found["month 3"]["days"]} == {0, 3, 6, 9}
    assert [d[0] for d in found["year 1"]["days"]] == list(range(2017, 2027))
