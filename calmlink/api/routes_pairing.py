"""Pairing a phone for LAN use, listing paired viewers, revoking them."""

from __future__ import annotations

import base64
import io
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from calmlink.api.lan import cookie_header
from calmlink.api.viewers import CODE_TTL_S, RateLimited, Viewers

pairing_router = APIRouter(responses={
    403: {"description": "pairing codes are shown only on the machine calmlink runs on"},
    404: {"description": "no such viewer"},
    409: {"description": "LAN mode is off"},
})


def _viewers(request: Request) -> Viewers:
    viewers: Viewers | None = request.app.state.viewers
    if viewers is None:
        raise HTTPException(409, "LAN mode is off: start calmlink with --lan to pair a phone")
    return viewers


class PairRequest(BaseModel):
    code: str = Field(..., min_length=1, max_length=12)
    name: str = Field("phone", max_length=80)


@pairing_router.get("/pair", include_in_schema=False)
async def pair_page(request: Request) -> FileResponse:
    return FileResponse(request.app.state.web_dir / "pair.html", media_type="text/html")


@pairing_router.post("/api/pair/start")
async def start_pairing(request: Request) -> dict[str, Any]:
    """A fresh 6-digit code (and its QR code), usable once within a few minutes. Only on the
    machine calmlink runs on."""
    viewers = _viewers(request)
    if not request.scope.get("calmlink_local"):
        raise HTTPException(403, "pairing codes are shown only on the machine calmlink runs on")
    code = viewers.new_code()
    host = request.app.state.lan_address or request.url.hostname
    url = f"http://{host}:{request.url.port}/pair?code={code.code}"
    import segno

    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=5, border=4, dark="#000000",
                                  light="#ffffff")  # as printed: inverted codes defeat many cameras
    return {"code": code.code, "expires_in_s": CODE_TTL_S, "url": url,
            "qr_svg_data_url": "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()}


@pairing_router.post("/api/pair", responses={401: {"description": "wrong or expired code"},
                                             429: {"description": "too many failed attempts"}})
async def pair(request: Request, body: PairRequest) -> JSONResponse:
    """Exchange a pairing code for this device's own token (set as a cookie, also returned)."""
    viewers = _viewers(request)
    client = request.client.host if request.client else "?"
    try:
        token = await viewers.pair(body.code, body.name, client)
    except RateLimited:
        raise HTTPException(429, "too many wrong codes: wait a minute") from None
    if token is None:
        raise HTTPException(401, "that code is wrong or has expired: ask for a new one")
    response = JSONResponse({"paired": True, "token": token})
    response.headers.append("set-cookie", cookie_header(token).decode())
    return response


@pairing_router.get("/api/viewers")
async def list_viewers(request: Request) -> list[dict[str, Any]]:
    """Devices paired to watch on the home network (names are what the phone said: text only)."""
    return [asdict(v) for v in await _viewers(request).list()]


@pairing_router.delete("/api/viewers/{viewer_id}")
async def revoke_viewer(request: Request,
                        viewer_id: int = Path(..., ge=1, le=2**63 - 1)) -> dict[str, Any]:
    """Revoke at once: its requests get 401 and its live feed is closed."""
    if not await _viewers(request).revoke(viewer_id):
        raise HTTPException(404, "no such viewer (or already revoked)")
    return {"revoked": viewer_id}
