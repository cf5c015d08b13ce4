"""Shared fixtures: a real uvicorn server on a free loopback port, Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from calmlink.api.server import bind_socket, build_server
from calmlink.sensors.models import HeartRateSource
from calmlink.sensors.simulator import SimulatedStrap
from calmlink.settings import Settings
from calmlink.testing.data import missing_data_message, recordings_dir

DATA = recordings_dir()
"""The real recordings, read in place (``CALMLINK_TEST_DATA``); tests that need them are marked
``real_data`` and skip with a sentence when the folder is missing, or fail the run under CI."""
CHROMIUM = os.environ.get("CALMLINK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class RunningServer:
    url: str
    port: int
    settings: Settings
    app: Any
    stop: Callable[[], None]


@pytest.fixture
def no_blocking() -> Iterator[None]:
    """Fail any blocking call (file, socket, sleep, SQLite, lock wait) that calmlink's own code makes
    on an event loop, in any thread: the server's loop included."""
    from blockbuster import blockbuster_ctx

    with blockbuster_ctx(["calmlink"]):
        yield


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Factory: start the real app under uvicorn in a thread on a free 127.0.0.1 port."""
    running: list[RunningServer] = []

    def start(source: HeartRateSource | None = None, *, autostart: bool = False,
              speed: float = 20.0, giver: HeartRateSource | None = None, strap: bool = True,
              start_after_care: bool = False, trusted_clients: set[str] | None = None,
              **overrides: Any) -> RunningServer:
        """A demo-like server: the simulated strap (``speed`` x real time) unless ``source``;
        ``strap=False``: no strap at all until the page connects one; ``trusted_clients``: the
        addresses counted as this machine in LAN mode (default loopback; set another, and the
        browser on 127.0.0.1 is a phone)."""
        settings = Settings(db=overrides.pop("db", tmp_path / "calmlink.sqlite3"), speed=speed,
                            routines_dir=overrides.pop("routines_dir", tmp_path / "routines"),
                            **overrides)
        sock = bind_socket("127.0.0.1", 0)
        if strap and source is None:
            source = SimulatedStrap(speed=speed)
        server, _ = build_server(settings, source, sock, accelerated=True,
                                 source_kind="simulated", autostart=autostart, giver=giver,
                                 start_after_care=start_after_care,
                                 trusted_clients=trusted_clients)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

        def stop() -> None:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()

        port = sock.getsockname()[1]
        handle = RunningServer(f"http://127.0.0.1:{port}", port, settings,
                               server.config.app, stop)
        running.append(handle)
        return handle

    yield start
    for handle in running:
        handle.stop()


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return CHROMIUM
    message = (f"Chromium not found at {CHROMIUM}: install Debian's package "
               "(apt-get install --no-install-recommends chromium) or set CALMLINK_CHROMIUM")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium; a browser is never downloaded."""
    return {**browser_type_launch_args, "executable_path": _chromium_or_skip(),
            "headless": True, "args": CHROMIUM_ARGS}


FONT_SETS = {"dejavu-only": ("/usr/share/fonts/truetype/dejavu", "DejaVu Sans", "fonts-dejavu-core"),
             "liberation-only": ("/usr/share/fonts/truetype/liberation", "Liberation Sans",
                                 "fonts-liberation")}
"""Two sets of a machine's fonts unlike the usual, for the view sweep (tests/views.py): each is one
Debian package's folder, the face Chromium must then draw ``sans-serif`` in (which proves the set
took) and the package."""
FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{folder}</dir>
  <cachedir>{cache}</cachedir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
"""
SANS_SERIF = "<p style='font-family: sans-serif'>Ready when you are</p>"


@pytest.fixture(scope="session")
def font_set_browser(playwright: Any, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[Callable[[str], Any]]:
    """Factory: Debian's Chromium seeing only one set of fonts (:data:`FONT_SETS`), through a
    fontconfig file of its own (``FONTCONFIG_FILE``); one browser per set for the session. A set whose
    folder is missing skips the test with a sentence (under CI the run fails)."""
    launched: dict[str, Any] = {}

    def launch(name: str) -> Any:
        folder, sans, package = FONT_SETS[name]
        if not Path(folder).is_dir():
            message = (f"{folder} is missing: the view sweep under {name} needs Debian's {package} "
                       "(apt-get install --no-install-recommends fonts-dejavu-core fonts-liberation)")
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        if name not in launched:
            tmp = tmp_path_factory.mktemp("fontconfig")
            (tmp / "fonts.conf").write_text(FONTCONFIG.format(folder=folder, cache=tmp / "cache"))
            browser = playwright.chromium.launch(
                executable_path=_chromium_or_skip(), headless=True, args=CHROMIUM_ARGS,
                env={**os.environ, "FONTCONFIG_FILE": str(tmp / "fonts.conf")})
            launched[name] = browser
            page = browser.new_page()
            page.set_content(SANS_SERIF)
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": 1})["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "p"})["nodeId"]
            drawn = [f["familyName"] for f in
                     cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]
            page.close()
            assert drawn == [sans], f"{name}: Chromium drew sans-serif in {drawn}, not {sans}"
        return launched[name]

    yield launch
    for browser in launched.values():
        browser.close()


FONT_SET_PARAMS = ["machine-fonts", *FONT_SETS]
"""The test ids: ``-k machine-fonts`` runs the machine's fonts alone."""


@contextmanager
def in_font_set(name: str, page: Any, font_set_browser: Callable[[str], Any],
                browser_context_args: dict[str, Any]) -> Iterator[Any]:
    """``page`` itself for the machine's fonts; else a page like it in a browser that sees only
    that set. A test module that sweeps views opts in by overriding ``page`` (pytest resolves
    fixtures by name, so ``console_errors`` and the rest follow):

        @pytest.fixture(params=FONT_SET_PARAMS)
        def page(request, page, font_set_browser, browser_context_args):
            with in_font_set(request.param, page, font_set_browser, browser_context_args) as p:
                yield p
    """
    if name not in FONT_SETS:
        yield page
        return
    context = font_set_browser(name).new_context(**browser_context_args)
    try:
        restricted = context.new_page()
        restricted.font_set = name  # views.sweep reads it
        yield restricted
    finally:
        context.close()


@pytest.fixture
def console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running on the main thread
    for the rest of the session, which async tests and asyncio.run() cannot share. Tests of real
    recordings skip, saying why, when the data folder is missing (under CI the run fails)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if not all((DATA / sub).is_dir() for sub in ("rr", "relax", "interop")):
        message = missing_data_message(DATA)
        if os.environ.get("CI"):
            raise pytest.UsageError(message)
        for item in items:
            if item.get_closest_marker("real_data") is not None:
                item.add_marker(pytest.mark.skip(reason=message))
