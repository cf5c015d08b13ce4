"""LAN mode: every request and live feed needs a viewer token (see :mod:`calmlink.api.viewers`).

The token travels as an HttpOnly, SameSite=Strict cookie (set on pairing), or as
``Authorization: Bearer``. The host's own page, opened on the machine itself, gets a token
without pairing. Only the pairing page and what it needs are open. A device without a token gets
401: a browser opening a page gets it as a page in the app's look that says how to pair (web/
unpaired.html), anything else as JSON with the same sentence, as every other refusal is said.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calmlink.api.security import HEADERS, LOOPBACK_CLIENTS, refuse
from calmlink.api.viewers import COOKIE, Viewers

NOT_PAIRED = ("pair this device first: open /pair on it and type the code the computer running "
              "calmlink shows")

OPEN_PATHS = {"/pair", "/api/pair", "/docs", "/static/pair.js", "/static/common.js", "/static/style.css",
              "/static/favicon.svg", "/static/manifest.webmanifest", "/static/icons/icon-192.png",
              "/static/icons/icon-512.png", "/static/icons/icon-maskable-512.png",
              "/static/icons/apple-touch-icon.png", "/static/fonts.css",
              *(f"/static/vendor/atkinson-hyperlegible-next-5.3.0-{subset}-{weight}.woff2"
                for subset in ("latin", "latin-ext") for weight in (400, 700))}
"""Open before pairing: the pairing page and its typeface, and what a browser fetches without
cookies (the manifest and its icons, for "Add to Home Screen")."""
PAGE_PATHS = {"/", "/review", "/trends", "/docs", "/docs/api"}


def cookie_header(token: str) -> bytes:
    return (f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000").encode()


def token_of(scope: Scope) -> str | None:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    raw = headers.get(b"cookie", b"").decode("latin-1")
    if raw:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:
            return None
        if COOKIE in jar:
            return str(jar[COOKIE].value)
    return None


def wants_page(scope: Scope) -> bool:
    """A browser opening a page (GET or HEAD asking for HTML), not a script or the page's fetch."""
    if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
        return False
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    return b"text/html" in headers.get(b"accept", b"").lower()


class TokenMiddleware:
    def __init__(self, app: ASGIApp, viewers: Callable[[], Viewers],
                 trusted_clients: Iterable[str] = LOOPBACK_CLIENTS,
                 unpaired_page: bytes = b"") -> None:
        """``unpaired_page``: the HTML a browser gets instead of a page it may not see yet (read
        once here, never on the event loop)."""
        self.app = app
        self.viewers = viewers
        self.trusted = set(trusted_clients)
        self.unpaired_page = unpaired_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        viewers = self.viewers()
        viewer = await viewers.check(token_of(scope))
        client = (scope.get("client") or ("", 0))[0]
        scope["calmlink_local"] = client in self.trusted
        if viewer is not None:
            scope["calmlink_viewer"] = viewer
            await self.app(scope, receive, send)
            return
        if (client in self.trusted and scope["type"] == "http" and scope.get("method") == "GET"
                and scope["path"] in PAGE_PATHS):
            token = await viewers.issue("this computer", local=True)
            scope["calmlink_viewer"] = await viewers.check(token)

            async def with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []),
                                          (b"set-cookie", cookie_header(token))]
                await send(message)

            await self.app(scope, receive, with_cookie)
            return
        await self.not_paired(scope, receive, send)

    async def not_paired(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await refuse(scope, receive, send, 401, NOT_PAIRED)
            return
        page = self.unpaired_page and wants_page(scope)
        body = self.unpaired_page if page else json.dumps({"detail": NOT_PAIRED}).encode()
        kind = b"text/html; charset=utf-8" if page else b"application/json"
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", kind),
                                (b"content-length", str(len(body)).encode()), *HEADERS]})
        await send({"type": "http.response.body",
                    "body": b"" if scope.get("method") == "HEAD" else body})
