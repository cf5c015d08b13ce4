"""calmlink's own typeface (calmlink/web/fonts.css): every page is drawn in it on any machine,
under the strict CSP; a phone not yet paired gets it too; the files are kept by the browser (their
names carry the version); until it arrives the text takes about the same room in a stand-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from views import FACE_NAME, face_problems

from calmlink.api.static import LONG_CACHE
from conftest import FONT_SET_PARAMS, in_font_set

FONTS = [f"/static/vendor/atkinson-hyperlegible-next-5.3.0-{subset}-{weight}.woff2"
         for subset in ("latin", "latin-ext") for weight in (400, 700)]
PAGES = ("/", "/review", "/trends", "/routines", "/pair", "/docs")
SAMPLE = "Nine quiet minutes (9 min): wash and warm your hands, then the forehead."
WIDTH = """([sample, weight]) => { const s = document.createElement('span');
  s.textContent = sample; s.style.fontWeight = weight; s.style.whiteSpace = 'nowrap';
  document.body.append(s); const w = s.getBoundingClientRect().width; s.remove(); return w; }"""


@pytest.fixture(params=FONT_SET_PARAMS)
def page(request: pytest.FixtureRequest, page: Any, font_set_browser: Any,
         browser_context_args: dict[str, Any]) -> Iterator[Any]:
    with in_font_set(request.param, page, font_set_browser, browser_context_args) as in_set:
        yield in_set


@pytest.mark.browser
def test_every_page_is_drawn_in_its_own_face_and_the_check_fails_without_it(
        start_server: Any, page: Any, console_errors: list[str]) -> None:
    server = start_server(source=None)
    fetched: list[str] = []
    page.on("requestfinished", lambda r: fetched.append(r.url) if ".woff2" in r.url else None)
    for path in PAGES:
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert face_problems(page) == [], path
    assert {server.url + f for f in FONTS[:2]} <= set(fetched)  # preloaded, and used
    assert not any("latin-ext" in url for url in fetched)  # fetched only for a name such as Łukasz
    page.evaluate("(t) => document.querySelector('h1').textContent = t", "Łukasz, Zoë and Ines")
    page.wait_for_function("() => document.fonts.check('16px \"Atkinson Hyperlegible Next\"', 'Ł')")
    assert face_problems(page) == []
    assert server.url + FONTS[2] in fetched  # the Latin Extended regular

    page.route("**/*.woff2", lambda route: route.abort())  # a machine where the face never comes
    page.goto(server.url + "/")
    found = face_problems(page)
    assert f"{FACE_NAME} has not loaded" in found, found
    assert any(p.startswith("text drawn in") for p in found), found
    assert [e for e in console_errors if "woff2" not in e and "Failed to load" not in e] == []


@pytest.mark.browser
def test_the_stand_in_takes_the_room_the_face_will(start_server: Any, page: Any) -> None:
    """The fallback faces are sized to Atkinson's widths: a line set before the face arrives is
    within 3% of its width after, on this machine and with only DejaVu or only Liberation."""
    server = start_server(source=None)
    page.goto(server.url + "/docs")
    page.evaluate("() => document.fonts.ready")
    own = [page.evaluate(WIDTH, [SAMPLE, w]) for w in (400, 700)]
    page.route("**/*.woff2", lambda route: route.abort())
    page.goto(server.url + "/docs")
    page.evaluate("() => document.fonts.ready")
    assert not page.evaluate(f"() => document.fonts.check('16px \"{FACE_NAME}\"')")
    stand_in = [page.evaluate(WIDTH, [SAMPLE, w]) for w in (400, 700)]
    for weight, a, b in zip((400, 700), own, stand_in, strict=True):
        assert abs(b - a) / a < 0.03, (weight, a, b)


def test_the_face_is_kept_a_year_and_open_before_pairing(start_server: Any) -> None:
    server = start_server(source=None, lan=True)
    # a phone not yet paired (another loopback address than the host's own)
    with httpx.Client(base_url=server.url, timeout=10,
                      transport=httpx.HTTPTransport(local_address="127.0.0.2")) as phone:
        css = phone.get("/static/fonts.css")
        assert css.status_code == 200 and css.headers["cache-control"] == "no-store"  # ours
        assert sorted(re.findall(r'url\("([^"]+)"\)', css.text)) == sorted(FONTS)
        for path in FONTS:
            font = phone.get(path)
            assert font.status_code == 200, path
            assert font.headers["content-type"] == "font/woff2"
            assert font.headers["cache-control"] == LONG_CACHE
            assert font.content[:4] == b"wOF2"
        assert phone.get("/static/vendor/atkinson-hyperlegible-next-LICENSE").status_code == 401
        assert phone.get("/static/app.js").status_code == 401  # still closed
        assert "default-src 'self'" in css.headers["content-security-policy"]  # fonts: self only
    with httpx.Client(base_url=server.url, timeout=10) as host:
        host.get("/")
        assert host.get("/static/vendor/uPlot-1.6.32.esm.js").headers["cache-control"] == LONG_CACHE
        assert host.get("/static/vendor/uPlot-LICENSE").headers["cache-control"] == "no-store"
        assert host.get("/static/style.css").headers["cache-control"] == "no-store"
