"""LAN mode: every request and live feed needs a viewer token (see :mod:`calmlink.api.viewers`).

The token travels as an HttpOnly, SameSite=Strict cookie (set on pairing), or as
``Authorization: Bearer``. The host's own page, opened on the machine itself, gets a token
without pairing. Only the pairing page and what it needs are open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calmlink.api.security import LOOPBACK_CLIENTS, refuse
from calmlink.api.viewers import COOKIE, Viewers

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


class TokenMiddleware:
    def __init__(self, app: ASGIApp, viewers: Callable[[], Viewers],
                 trusted_clients: Iterable[str] = LOOPBACK_CLIENTS) -> None:
        self.app = app
        self.viewers = viewers
        self.trusted = set(trusted_clients)

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
        await refuse(scope, receive, send, 401, "pair this device first: open /pair")
