"""Safe by default: Host allow-list (DNS rebinding), same-origin state changes, strict headers.

Every HTTP request and WebSocket must name an allowed Host; anything else gets 400. A request that
changes state (any method but GET/HEAD/OPTIONS) must come from the page's own origin, and so must a
WebSocket (a foreign Origin gets 403), which stops cross-site request forgery and cross-site
WebSocket hijacking. Responses carry a strict Content-Security-Policy with no inline script.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
LOOPBACK_CLIENTS = {"127.0.0.1", "::1"}


def lan_hosts() -> set[str]:
    """This machine's own names and addresses, for LAN mode."""
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    addresses: set[str] = set()
    for name in list(names):
        try:
            for info in socket.getaddrinfo(name, None):
                addresses.add(str(info[4][0]))
        except OSError:
            continue
    own = lan_address()
    if own:
        addresses.add(own)
    bracketed = {a if ":" not in a else f"[{a}]" for a in addresses}
    return names | bracketed | {f"{n}.local" for n in names}


def lan_address() -> str | None:
    """The address other devices on the home network reach this machine at (no packet is sent:
    connecting a UDP socket only asks the routing table)."""
    import contextlib

    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, only used to pick an interface
        address: str = s.getsockname()[0]
        return address
    return None


def split_host(host: str) -> str:
    """'example:8000' -> 'example'; '[::1]:8000' -> '[::1]'."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end != -1 else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class GuardMiddleware:
    """Pure ASGI middleware, so it guards WebSockets as well as HTTP."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    def host_ok(self, scope: Scope) -> tuple[bool, str]:
        headers = dict(scope.get("headers") or [])
        raw = headers.get(b"host", b"").decode("latin-1")
        return (bool(raw) and split_host(raw) in self.allowed), raw

    def origin_ok(self, scope: Scope, host: str) -> bool:
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin")
        if origin is None:
            if scope["type"] == "websocket":
                # a script on this machine (browsers always send Origin, so a cross-site page
                # cannot omit it); LAN mode still asks every socket for its token
                return (scope.get("client") or ("", 0))[0] in LOOPBACK_CLIENTS
            return scope.get("method") in SAFE_METHODS
        parts = urlsplit(origin.decode("latin-1"))
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        ok, host = self.host_ok(scope)
        if not ok:
            await refuse(scope, receive, send, 400, "unknown Host")
            return
        guarded = scope["type"] == "websocket" or scope.get("method", "GET") not in SAFE_METHODS
        if guarded and not self.origin_ok(scope, host):
            await refuse(scope, receive, send, 403, "cross-origin request refused")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in HEADERS if k not in existing]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        if "websocket.http.response" not in scope.get("extensions", {}):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # the server answers 403
            return
        # refuse the handshake with an HTTP status (ASGI websocket denial response)
        await receive()
        await send({"type": "websocket.http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain"), *HEADERS]})
        await send({"type": "websocket.http.response.body", "body": text.encode()})
        return
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
