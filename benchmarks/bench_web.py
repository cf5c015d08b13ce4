"""The live path end to end: a notification entering the source to the value painted in Chromium,
and to the WebSocket frame; first paint of the live page; the page's own JavaScript and CSS."""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

WEB = Path(__file__).resolve().parent.parent / "calmlink" / "web"
N = 300
FONTS_CSS = "fonts.css"
"""The typeface's own stylesheet: counted with the typeface, apart from the pages' budget."""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)]


_LINKED = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="/static/([^"]+\.(?:js|css))"')
_IMPORTED = re.compile(r"""\bfrom\s+["']\./([^"']+\.js)["']|\bimport\(\s*["']\./([^"']+\.js)["']""")


def page_files(html: Path) -> set[Path]:
    """What one page loads of calmlink's own: its HTML, the stylesheets and scripts it links and
    every module those import, followed through (vendored libraries and the typeface excluded)."""
    found = {html}
    todo = [WEB / name for name in _LINKED.findall(html.read_text())]
    while todo:
        path = todo.pop()
        if path in found or "vendor" in path.parts or path.name == FONTS_CSS or not path.exists():
            continue
        found.add(path)
        if path.suffix == ".js":
            todo += [path.parent / (a or b) for a, b in _IMPORTED.findall(path.read_text())]
    return found


def page_weights_kb() -> dict[str, float]:
    """Each page's own weight: what a phone fetches to show it (before its cache has it)."""
    return {html.name: sum(p.stat().st_size for p in page_files(html)) / 1024
            for html in sorted(WEB.glob("*.html"))}


_FONT = re.compile(r'url\("/static/([^"]+\.woff2)"\)')
_PRELOADED = re.compile(r'<link rel="preload" href="/static/([^"]+\.woff2)" as="font"')


def font_weights_kb() -> tuple[float, float, float]:
    """The typeface, apart from the pages' budget (a browser keeps its files a year: their names
    carry the version): its stylesheet, what every page preloads (Latin, regular and bold), and
    every file (Latin Extended too, fetched only for a name that needs it)."""
    css = WEB / FONTS_CSS
    every = set(_FONT.findall(css.read_text()))
    preloaded = {name for html in WEB.glob("*.html") for name in _PRELOADED.findall(html.read_text())}
    return (css.stat().st_size / 1024, sum((WEB / n).stat().st_size for n in preloaded) / 1024,
            sum((WEB / n).stat().st_size for n in every) / 1024)


def own_assets_kb() -> float:
    """All of the page's own files together (every page), for the record."""
    files = [p for p in WEB.iterdir() if p.suffix in (".js", ".css", ".html")]
    return sum(p.stat().st_size for p in files) / 1024


def run() -> None:
    weights = page_weights_kb()
    heaviest = max(weights, key=weights.__getitem__)
    print(f"   each page's own HTML, JavaScript and CSS as loaded (vendor excluded): live page "
          f"{weights['index.html']:.1f} KB, heaviest {heaviest} {weights[heaviest]:.1f} KB "
          f"(target < 100 KB each); all pages' files together {own_assets_kb():.1f} KB")
    css, preloaded, files = font_weights_kb()
    print(f"   the typeface, apart from that budget (its files kept a year by the browser): "
          f"{preloaded:.1f} KB preloaded by every page (Latin, regular and bold), {files:.1f} KB "
          f"with Latin Extended (fetched only for a name that needs it), its stylesheet {css:.1f} KB")
    for with_browser, commit_delay in ((False, 0.0), (False, 0.05), (True, 0.0)):
        with TemporaryDirectory() as tmp:
            folder = Path(tmp)
            server = subprocess.Popen(
                [sys.executable, "-m", "benchmarks._scripted_server", tmp,
                 str(N if with_browser else 3 * N), "0.05",
                 str(commit_delay)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                while not (folder / "port").exists():
                    time.sleep(0.05)
                time.sleep(0.3)
                _measure(f"http://127.0.0.1:{(folder / 'port').read_text()}", folder, with_browser,
                         commit_delay)
            finally:
                server.kill()
                server.wait()


def _measure(url: str, folder: Path, with_browser: bool, commit_delay: float) -> None:
    from playwright.sync_api import sync_playwright

    frames: dict[int, float] = {}

    async def listen(stop: threading.Event) -> None:
        import websockets

        async with websockets.connect(url.replace("http", "ws") + "/ws/live", origin=url) as ws:
            while not stop.is_set():
                try:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                except TimeoutError:
                    continue
                if msg.get("type") == "beat" and msg.get("beat_seq") is not None:
                    frames[msg["beat_seq"]] = time.time()

    stop = threading.Event()
    if not with_browser:  # the server alone: source to WebSocket frame, one thread, one loop

        async def until_done() -> None:
            task = asyncio.create_task(listen(stop))
            await asyncio.sleep(0.5)
            (folder / "go").write_text("1")
            while not (folder / "done").exists():
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            stop.set()
            await task

        asyncio.run(until_done())
        sent = _sent(folder)
        to_frame = [(frames[k] - sent[k]) * 1000 for k in sent if k in frames][20:]
        disk = f", every commit slowed by {commit_delay * 1000:.0f} ms" if commit_delay else ""
        target = "(target: p99 moves < 10 ms)" if commit_delay else "(target p99 <= 5 ms)"
        print(f"   notification -> WebSocket frame, no browser{disk} ({len(to_frame)} beats): "
              f"median {statistics.median(to_frame):.1f} ms, p99 {_pct(to_frame, 0.99):.1f} ms "
              f"{target}")
        return
    listener = threading.Thread(target=lambda: asyncio.run(listen(stop)), daemon=True)
    listener.start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(url + "/?measure=1")
        page.wait_for_function("() => document.body.dataset.view === 'live'")
        cold = _fcp(page)
        page.reload()
        page.wait_for_function("() => document.body.dataset.view === 'live'")
        warm = _fcp(page)
        (folder / "go").write_text("1")
        while not (folder / "done").exists():
            time.sleep(0.1)
        time.sleep(1.0)
        paints: list[Any] = page.evaluate("() => window.calmlinkPaints")
        browser.close()
    stop.set()
    listener.join(5)
    sent = _sent(folder)
    painted = {int(seq): t / 1000.0 for seq, t in paints}
    to_frame = [(frames[k] - sent[k]) * 1000 for k in sent if k in frames][20:]
    to_paint = [(painted[k] - sent[k]) * 1000 for k in sent if k in painted][20:]
    print(f"   first contentful paint of the live page: {warm:.0f} ms on a reload, {cold:.0f} ms "
          "for the browser's first page (target < 300 ms)")
    print(f"   notification -> WebSocket frame with Chromium painting on the same 2 cores: median "
          f"{statistics.median(to_frame):.1f} ms, p99 {_pct(to_frame, 0.99):.1f} ms")
    print(f"   notification -> painted in Chromium ({len(to_paint)} beats): median "
          f"{statistics.median(to_paint):.1f} ms, p99 {_pct(to_paint, 0.99):.1f} ms "
          "(targets: median <= 20 ms, p99 <= 50 ms)")


def _sent(folder: Path) -> dict[int, float]:
    return {int(k): float(t) for k, t in
            (line.split() for line in (folder / "sent").read_text().splitlines())}


def _fcp(page: Any) -> float:
    value: float = page.evaluate(
        "() => new Promise(r => { const e = performance.getEntriesByName('first-contentful-paint');"
        " if (e.length) r(e[0].startTime); else new PerformanceObserver(l => "
        "r(l.getEntries()[0].startTime)).observe({type: 'paint', buffered: true}); })")
    return value
