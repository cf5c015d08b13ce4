"""A calmlink server with no strap on a given store, in its own process (for bench_store)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import uvicorn

from calmlink.api.app import create_app
from calmlink.api.server import bind_socket
from calmlink.settings import Settings
from calmlink.store.store import Store


async def main(db: Path, port_file: Path) -> None:
    settings = Settings(db=db, routines_dir=db.parent / "routines")
    app = create_app(settings, None, Store(db))
    sock = bind_socket("127.0.0.1", 0)
    port_file.write_text(str(sock.getsockname()[1]))
    await uvicorn.Server(uvicorn.Config(app, log_level="error")).serve(sockets=[sock])


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
