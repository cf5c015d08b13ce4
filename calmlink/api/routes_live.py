"""The live side: status, straps, routines, the session's life, and the /ws/live feed."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from calmlink.api.devices import DEMO_ADDRESS
from calmlink.api.hub import CLOSE, Hub
from calmlink.sensors.errors import BluetoothUnavailable
from calmlink.sessions.live import Controller, SessionError

live_router = APIRouter(responses={
    409: {"description": "does not fit the session's state (none running, or one already is)"},
    503: {"description": "Bluetooth is off, missing or not permitted"},
})
SEND_TIMEOUT_S = 5.0
"""A viewer whose socket accepts nothing for this long is dropped."""


def _controller(request: Request) -> Controller:
    controller: Controller = request.app.state.controller
    return controller


class ConnectRequest(BaseModel):
    target: str | None = Field(None, max_length=200,
                               description="Address or name; 'demo' for the demo strap; "
                               "empty for the last strap used")


class StartRequest(BaseModel):
    profile: str | None = Field(None, min_length=1, max_length=80)
    routine: str | None = Field(None, max_length=120)


class Snapshot(BaseModel):
    epoch: str
    seq: int
    connection: dict[str, Any]
    session: dict[str, Any] | None
    last_summary: dict[str, Any] | None
    routines: list[dict[str, Any]]
    clock_rate: float
    latest_hr: float | None
    lan: bool = False


@live_router.get("/api/status", response_model=Snapshot)
async def status(request: Request) -> dict[str, Any]:
    """Everything the live page shows, as the WebSocket snapshot has it."""
    hub: Hub = request.app.state.hub
    return {"epoch": hub.epoch, "seq": hub.seq, **_controller(request).snapshot(),
            "lan": request.app.state.viewers is not None}


@live_router.get("/api/devices")
async def find_devices(request: Request,
                       timeout: float = Query(4.0, ge=0.5, le=20.0)) -> list[dict[str, Any]]:
    """Nearby heart-rate straps (by service 0x180D). Names are untrusted text."""
    try:
        found = await request.app.state.devices.scan(timeout)
    except BluetoothUnavailable as exc:
        raise HTTPException(503, str(exc)) from None
    return [{"name": f.name, "address": f.address, "rssi": f.rssi} for f in found]


@live_router.post("/api/devices/connect")
async def connect_device(request: Request, body: ConnectRequest) -> dict[str, Any]:
    """Connect a strap ('demo' for the demo strap); it reconnects by itself from then on."""
    devices = request.app.state.devices
    target = (body.target or "").strip() or None
    source = devices.demo() if target == DEMO_ADDRESS else devices.connect(target)
    await _controller(request).attach(source)
    return {"connecting": source.name}


@live_router.post("/api/devices/disconnect")
async def disconnect_device(request: Request) -> dict[str, Any]:
    controller = _controller(request)
    await controller.disconnect()
    return {"connection": controller.connection}


@live_router.get("/api/routines")
async def routines(request: Request) -> dict[str, Any]:
    controller = _controller(request)
    return {"routines": controller.snapshot()["routines"],
            "skipped": request.app.state.routine_errors}


async def _run(coro: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = await coro
    except SessionError as exc:
        raise HTTPException(409, str(exc)) from None
    return result


@live_router.post("/api/session")
async def start_session(request: Request, body: StartRequest) -> dict[str, Any]:
    """Start a session for a receiver profile with a routine (its first step is the baseline)."""
    return await _run(_controller(request).start_session(body.profile, body.routine))


@live_router.post("/api/session/next")
async def next_step(request: Request) -> dict[str, Any]:
    return await _run(_controller(request).next_step())


@live_router.post("/api/session/previous")
async def previous_step(request: Request) -> dict[str, Any]:
    return await _run(_controller(request).previous_step())


@live_router.post("/api/session/pause")
async def pause(request: Request) -> dict[str, Any]:
    return await _run(_controller(request).pause())


@live_router.post("/api/session/resume")
async def resume(request: Request) -> dict[str, Any]:
    return await _run(_controller(request).resume())


@live_router.post("/api/session/stop")
async def stop(request: Request) -> dict[str, Any]:
    return await _run(_controller(request).stop())


@live_router.websocket("/ws/live")
async def live(ws: WebSocket) -> None:
    """Snapshot first, then every message after it. ?since=SEQ&epoch=E resumes without gaps; a page
    whose epoch is an earlier server's gets all this server has said, so a restart loses nothing."""
    hub: Hub = ws.app.state.hub
    controller: Controller = ws.app.state.controller
    since_raw = ws.query_params.get("since", "")
    since = int(since_raw) if since_raw.isdigit() and len(since_raw) < 19 else None
    epoch = ws.query_params.get("epoch")
    if epoch is not None and epoch != hub.epoch:
        since = 0  # the server restarted under this page: everything this run has said
    elif epoch is None:
        since = None
    await ws.accept()
    viewer, missed = hub.subscribe(since, device=ws.scope.get("calmlink_viewer"))
    try:
        # with a replay, the snapshot stands just before the first replayed message
        snapshot = {"type": "snapshot", "seq": since if missed and since is not None else hub.seq,
                    "epoch": hub.epoch,
                    "resumed": since is not None and (bool(missed) or since == hub.seq),
                    **controller.snapshot(), "lan": ws.app.state.viewers is not None,
                    "local": bool(ws.scope.get("calmlink_local", True))}
        await asyncio.wait_for(ws.send_json(snapshot), SEND_TIMEOUT_S)
        for text in missed:
            await asyncio.wait_for(ws.send_text(text), SEND_TIMEOUT_S)
        while True:
            text = await viewer.queue.get()
            if text == CLOSE:
                await ws.close(code=1008, reason="this device was revoked")
                break
            await asyncio.wait_for(ws.send_text(text), SEND_TIMEOUT_S)
    except (WebSocketDisconnect, TimeoutError, RuntimeError, ConnectionError):
        pass
    finally:
        hub.unsubscribe(viewer)
        with contextlib.suppress(Exception):
            await ws.close()
