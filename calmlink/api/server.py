"""Run the app under uvicorn on a socket bound first (so a test can pick a free port)."""

from __future__ import annotations

import socket
import time
from typing import Any

import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from calmlink.api.app import create_app
from calmlink.sensors.factory import SourceFactory
from calmlink.sensors.models import HeartRateSource
from calmlink.settings import Settings
from calmlink.store.store import Store

PING_INTERVAL_S = 2.0
PING_TIMEOUT_S = 3.0
"""A viewer whose connection stops answering pings (a frozen phone, a stalled browser) is dropped
within about five seconds; its bounded queue never holds up anyone else."""


class DenialAwareWebSockets(WebSocketsSansIOProtocol):
    """uvicorn's default WebSocket protocol, except that a handshake refused with an HTTP status
    (the ASGI denial response: a foreign Origin, no token in LAN mode) counts as complete. Without
    this, every refusal also logs "ASGI callable returned without completing handshake." at ERROR,
    which reads like a crash to the person running calmlink (uvicorn pull request 3138, open)."""

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body"):
            self.handshake_complete = True


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def build_server(settings: Settings, source: HeartRateSource | None,
                 sock: socket.socket | None = None, *, sources: SourceFactory | None = None,
                 accelerated: bool = False, source_kind: str = "live", autostart: bool = False,
                 trusted_clients: set[str] | None = None, giver: HeartRateSource | None = None,
                 start_after_care: bool = False) -> tuple[uvicorn.Server, socket.socket]:
    """``accelerated``: step timers run at ``settings.speed`` (a simulator or replay)."""
    store = Store(settings.db_path)
    speed = settings.speed if accelerated else 1.0
    app = create_app(settings, source, store, sources=sources,
                     clock=lambda: time.monotonic() * speed, source_kind=source_kind,
                     clock_rate=speed, autostart=autostart, trusted_clients=trusted_clients,
                     giver=giver, start_after_care=start_after_care)
    sock = sock or bind_socket(settings.host, settings.port)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws=DenialAwareWebSockets,
                            ws_ping_interval=PING_INTERVAL_S, ws_ping_timeout=PING_TIMEOUT_S,
                            timeout_graceful_shutdown=2)
    return uvicorn.Server(config), sock
