"""A calmlink server in its own process whose strap sends one beat every 50 ms after a start
signal, logging when each entered the source (for bench_web). Not a user entry point."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import uvicorn

from calmlink.api.app import create_app
from calmlink.api.server import PING_INTERVAL_S, PING_TIMEOUT_S, bind_socket
from calmlink.sensors.hrs import encode_heart_rate_measurement
from calmlink.settings import Settings
from calmlink.store.store import Store
from calmlink.testing.sources import ScriptedStrap


async def main(folder: Path, n: int, interval: float = 0.05, commit_delay_s: float = 0.0) -> None:
    settings = Settings(db=folder / "bench.sqlite3", routines_dir=folder / "routines")
    strap = ScriptedStrap()
    store = Store(settings.db_path, commit_delay_s=commit_delay_s)
    app = create_app(settings, strap, store,
                     autostart=True)
    sock = bind_socket("127.0.0.1", 0)
    (folder / "port").write_text(str(sock.getsockname()[1]))
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", ws_ping_interval=PING_INTERVAL_S,
                                           ws_ping_timeout=PING_TIMEOUT_S))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not (folder / "go").exists():
        await asyncio.sleep(interval)
    log = (folder / "sent").open("w")
    for k in range(n):
        log.write(f"{k} {time.time()}\n")
        strap.send(encode_heart_rate_measurement(60, [1024]))
        await asyncio.sleep(interval)
    log.close()
    (folder / "done").write_text("1")
    await serving


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]),
                     float(sys.argv[3]) if len(sys.argv) > 3 else 0.05,
                     float(sys.argv[4]) if len(sys.argv) > 4 else 0.0))
