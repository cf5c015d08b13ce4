"""The live side: status, straps, routines, the session's life, and the /ws/live feed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from calmlink.api.hub import CLOSE, Hub
from calmlink.api.routes_tried import TriedIn
from calmlink.live.controller import Controller, SessionError
from calmlink.live.events import SessionView, encode, payload
from calmlink.live.routine import LIMITS
from calmlink.review.summary import SessionSummary
from calmlink.sensors.errors import BluetoothUnavailable
from calmlink.sensors.factory import DEMO_ADDRESS, SourceFactory
from calmlink.store.beat import Role

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
    role: Role = Field(Role.RECEIVER, description="Who wears it: the receiver, or the giver")


class DisconnectRequest(BaseModel):
    role: Role = Role.RECEIVER


class StartRequest(BaseModel):
    profile: str | None = Field(None, min_length=1, max_length=80)
    routine: str | None = Field(None, max_length=120, description="A routine's id or name")
    giver: str | None = Field(None, max_length=80,
                              description="The giver's name, when they wear a strap too")
    tried: TriedIn | None = Field(None, description="What the couple means to try")
    without_readings: bool = Field(False, description="Run the routine with no strap connected "
                                   "(asked for on purpose; a session with no beat is not kept)")


class PaceRequest(BaseModel):
    breaths_per_min: float = Field(..., ge=LIMITS.min_pace, le=LIMITS.max_pace,
                                   description="Breaths a minute (4-7)")
    step: int | None = Field(None, ge=0, le=100, description="The breathe step (its index); "
                             "default: the one running now, else the next one")


class SnapshotModel(BaseModel):
    epoch: str
    seq: int
    resumed: bool
    connection: dict[str, Any]
    connections: dict[str, dict[str, Any]]
    session: dict[str, Any] | None
    last_summary: dict[str, Any] | None
    routines: list[dict[str, Any]]
    clock_rate: float
    latest_hr: float | None
    lan: bool = False
    local: bool = True
    start_after_care: bool = False
    end_kept_s: float | None = None


@live_router.get("/api/status", response_model=SnapshotModel)
async def status(request: Request) -> dict[str, Any]:
    """Everything the live page shows, as the WebSocket snapshot has it."""
    hub: Hub = request.app.state.hub
    snapshot = _controller(request).snapshot(
        epoch=hub.epoch, lan=request.app.state.viewers is not None,
        local=bool(request.scope.get("calmlink_local", True)))
    return {**payload(snapshot), "seq": hub.seq}


@live_router.get("/api/devices")
async def find_devices(request: Request,
                       timeout: float = Query(4.0, ge=0.5, le=20.0)) -> list[dict[str, Any]]:
    """Nearby heart-rate straps (by service 0x180D). Names are untrusted text."""
    try:
        found = await _sources(request).scan(timeout)
    except BluetoothUnavailable as exc:
        raise HTTPException(503, str(exc)) from None
    return [{"name": f.name, "address": f.address, "rssi": f.rssi} for f in found]


@live_router.post("/api/devices/connect")
async def connect_device(request: Request, body: ConnectRequest) -> dict[str, Any]:
    """Connect a strap for a role ('demo' for the demo strap); it reconnects by itself from then
    on, and replaces whatever strap that role had."""
    sources = _sources(request)
    target = (body.target or "").strip() or None
    source = (sources.demo(for_giver=body.role is Role.GIVER) if target == DEMO_ADDRESS
              else sources.connect(target))
    await _controller(request).attach(source, body.role)
    return {"connecting": source.name, "role": body.role}


@live_router.post("/api/devices/disconnect")
async def disconnect_device(request: Request,
                            body: DisconnectRequest | None = None) -> dict[str, Any]:
    role = body.role if body is not None else Role.RECEIVER
    controller = _controller(request)
    await controller.disconnect(role)
    return {"role": role, "connection": asdict(controller.connections[role])}


@live_router.post("/api/devices/swap")
async def swap_roles(request: Request) -> dict[str, Any]:
    """The receiver's strap becomes the giver's and the other way round (before a session)."""
    controller = _controller(request)
    try:
        await controller.swap_roles()
    except SessionError as exc:
        raise HTTPException(409, str(exc)) from None
    return {"connections": {str(r): asdict(c) for r, c in controller.connections.items()}}


def _sources(request: Request) -> SourceFactory:
    sources: SourceFactory = request.app.state.sources
    return sources


async def _run(call: Awaitable[SessionView | SessionSummary]) -> dict[str, Any]:
    try:
        result = await call
    except SessionError as exc:
        raise HTTPException(409, str(exc)) from None
    if isinstance(result, SessionSummary):
        return {"ended": True, "summary": result.to_dict()}
    return asdict(result)


@live_router.post("/api/session")
async def start_session(request: Request, body: StartRequest) -> dict[str, Any]:
    """Start a session for a receiver profile with a routine (its first step is the baseline).
    With no strap connected it starts only with ``without_readings`` (409 otherwise)."""
    tried = body.tried.tried() if body.tried is not None else None
    return await _run(_controller(request).start_session(
        body.profile, body.routine, body.giver, tried, without_readings=body.without_readings))


@live_router.post("/api/session/clear")
async def clear_summary(request: Request) -> dict[str, Any]:
    """Put the finished session's summary away (New session): every device shows the connect
    view, and so does a page loaded later."""
    await _controller(request).clear_summary()
    return {"cleared": True}


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


@live_router.post("/api/session/pace")
async def set_pace(request: Request, body: PaceRequest) -> dict[str, Any]:
    """The pace of a breathe step, before it or while it runs: every device's pacer follows at
    once, the breath in progress keeping its place (409 without a breathe step)."""
    return await _run(_controller(request).set_pace(round(body.breaths_per_min, 1), body.step))


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
        snapshot = controller.snapshot(
            epoch=hub.epoch, resumed=since is not None and (bool(missed) or since == hub.seq),
            lan=ws.app.state.viewers is not None, local=bool(ws.scope.get("calmlink_local", True)))
        # with a replay, the snapshot stands just before the first replayed message
        seq = since if missed and since is not None else hub.seq
        await asyncio.wait_for(ws.send_text(encode(snapshot, seq)), SEND_TIMEOUT_S)
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
