"""The FastAPI application: built by :func:`create_app`, no import-time singletons."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from calmlink.api.hub import Hub
from calmlink.sensors.models import HeartRateSource
from calmlink.sessions.live import LiveSession
from calmlink.sessions.store import Store
from calmlink.settings import Settings

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings, source: HeartRateSource, store: Store) -> FastAPI:
    hub = Hub()
    session = LiveSession(store, hub.publish, profile=settings.profile)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(store.open)
        task = asyncio.create_task(session.run(source), name="calmlink-live-session")
        try:
            yield
        finally:
            await source.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await asyncio.to_thread(store.close)

    app = FastAPI(title="calmlink", version="0.1.0", lifespan=lifespan,
                  description="A relaxation proxy from a heart-rate strap. Not a medical device.")
    app.state.hub = hub
    app.state.session = session

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/api/status")
    async def status() -> dict[str, Any]:
        """The live session as the page's snapshot sees it."""
        return {"epoch": hub.epoch, "seq": hub.seq, **session.state.snapshot()}

    @app.get("/api/sessions")
    async def sessions() -> list[dict[str, Any]]:
        rows = await asyncio.to_thread(store.list_sessions)
        return [asdict(r) for r in rows]

    @app.websocket("/ws/live")
    async def live(ws: WebSocket) -> None:
        since_raw = ws.query_params.get("since")
        epoch = ws.query_params.get("epoch")
        since = int(since_raw) if since_raw and since_raw.isdigit() else None
        if epoch != hub.epoch:
            since = None
        await ws.accept()
        viewer, missed = hub.subscribe(since)
        try:
            await ws.send_json({"type": "snapshot", "seq": hub.seq, "epoch": hub.epoch,
                                "resumed": bool(missed) or since == hub.seq,
                                **session.state.snapshot()})
            for text in missed:
                await ws.send_text(text)
            while True:
                await ws.send_text(await viewer.queue.get())
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            pass
        finally:
            hub.unsubscribe(viewer)

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app
