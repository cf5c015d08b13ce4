"""The FastAPI application: built by :func:`create_app`, no import-time singletons."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from calmlink import __version__
from calmlink.api.hub import Hub
from calmlink.api.lan import TokenMiddleware
from calmlink.api.routes_live import live_router
from calmlink.api.routes_pairing import pairing_router
from calmlink.api.routes_review import review_router
from calmlink.api.routes_routines import routines_router
from calmlink.api.routes_tried import tried_router
from calmlink.api.security import (
    LOOPBACK_CLIENTS,
    LOOPBACK_HOSTS,
    GuardMiddleware,
    lan_address,
    lan_hosts,
)
from calmlink.api.static import WebFiles
from calmlink.api.viewers import Viewers
from calmlink.live.controller import Controller
from calmlink.live.routine_library import RoutineLibrary
from calmlink.review.recovery import recover
from calmlink.sensors.factory import SourceFactory
from calmlink.sensors.models import HeartRateSource
from calmlink.settings import Settings
from calmlink.store.beat import Role
from calmlink.store.store import Store

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
GUARD_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "the Host header is not this machine (DNS rebinding guard)"},
    401: {"description": "LAN mode: pair this device first"},
    403: {"description": "a state change or live feed from another origin"},
}
PAGES = {"/": "index.html", "/review": "review.html", "/trends": "trends.html", "/docs": "help.html",
         "/docs/api": "api.html", "/routines": "routines.html"}
"""Pages by path: /docs is the help page in the app's own theme; the API reference sits behind it."""


def create_app(settings: Settings, source: HeartRateSource | None, store: Store, *,
               sources: SourceFactory | None = None, clock: Callable[[], float] | None = None,
               source_kind: str = "live", clock_rate: float = 1.0,
               autostart: bool = False, trusted_clients: set[str] | None = None,
               giver: HeartRateSource | None = None, start_after_care: bool = False) -> FastAPI:
    """The app. ``source`` (if any) is attached at start-up as the receiver's; ``sources`` finds
    and connects straps from the page (default: the demo strap only); ``clock`` drives step timers
    (a simulator or replay may run it faster); ``autostart`` begins a session at once (the demo);
    ``trusted_clients`` are the addresses counted as this machine in LAN mode (default: loopback);
    ``giver`` (partner mode) is attached as the giver's strap; ``start_after_care`` (the demo): the
    page starts the first session once the care points have been read, instead of ``autostart``."""
    mimetypes.init()  # reads the system's type files: done here, not on the event loop at first use
    mimetypes.add_type("application/manifest+json", ".webmanifest")
    mimetypes.add_type("font/woff2", ".woff2")  # not in every system's type files
    hub = Hub()
    routines = RoutineLibrary(settings.routines_path, settings.legacy_routines_path)
    for broken in routines.refresh_blocking().broken:  # moves the old folder here, once
        log.warning("routine file not usable as it stands: %s", broken.error)
    controller = Controller(store, hub.publish, routines=routines, clock=clock,
                            default_profile=settings.profile, source_kind=source_kind,
                            clock_rate=clock_rate, keep_chest_raw=settings.keep_chest_raw)
    controller.start_after_care = start_after_care and source is not None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(recover, store)
        if source is not None:
            await controller.attach(source)
        if giver is not None:
            await controller.attach(giver, Role.GIVER)
        if source is not None and autostart:
            await controller.start_session()
        try:
            yield
        finally:
            await controller.close()
            await asyncio.to_thread(store.close)

    app = FastAPI(title="calmlink", version=__version__, lifespan=lifespan, responses=GUARD_RESPONSES,
                  docs_url=None, redoc_url=None,  # /docs is served from vendored files (strict CSP)
                  description="A relaxation proxy from a heart-rate strap. calmlink is not a medical "
                  "device.")
    app.state.hub = hub
    app.state.controller = controller
    app.state.store = store
    app.state.sources = sources or SourceFactory(settings.speed, settings.seed, bluetooth=False)
    app.state.routines = routines
    app.state.web_dir = WEB_DIR
    app.state.lan_address = lan_address() if settings.lan else None
    viewers = Viewers(store) if settings.lan else None
    app.state.viewers = viewers
    if viewers is not None:
        viewers.on_revoke.append(hub.drop_viewer)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """As FastAPI's own, except that a 405 lists every method the path takes (Starlette names
        only those of the first route sharing the path)."""
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers = {k: v for k, v in headers.items() if k.lower() != "allow"}
            headers["Allow"] = ", ".join(sorted(_methods_for(app, request.url.path)))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    for route, page in PAGES.items():
        app.add_api_route(route, _page(page), include_in_schema=False, methods=["GET"])
    app.include_router(live_router)
    app.include_router(review_router)
    app.include_router(routines_router)
    app.include_router(tried_router)
    app.include_router(pairing_router)
    app.mount("/static", WebFiles(directory=WEB_DIR), name="static")
    if viewers is not None:  # inner: runs after the Host and Origin checks
        app.add_middleware(TokenMiddleware, viewers=lambda: viewers,
                           trusted_clients=trusted_clients if trusted_clients is not None
                           else LOOPBACK_CLIENTS,
                           unpaired_page=(WEB_DIR / "unpaired.html").read_bytes())
    hosts = set(LOOPBACK_HOSTS) | (lan_hosts() if settings.lan else set())
    app.add_middleware(GuardMiddleware, allowed_hosts=hosts)
    return app


def _routes(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        inner = getattr(route, "original_router", None)  # an included router (no prefix here)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def _methods_for(app: FastAPI, path: str) -> set[str]:
    methods: set[str] = set()
    for route in _routes(app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(getattr(route, "methods", None) or ())
    return methods


def _page(name: str) -> Callable[[], FileResponse]:
    def serve_page() -> FileResponse:
        return FileResponse(WEB_DIR / name, media_type="text/html")
    return serve_page
