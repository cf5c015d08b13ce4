"""A real calmlink process for the crash test of what was tried: one session, changed over and
over through the store's writer thread; each change is logged (and fsynced) only once the store
has answered, as the API's 200 would be sent."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from calmlink.store.store import Store


async def main(db: Path, log: Path) -> None:
    store = Store(db)
    await asyncio.to_thread(store.open)
    session = await store.start_session("Crash test", "Nine quiet minutes", None, "simulated")
    fh = log.open("a")
    pressures = ("light", "medium", "firm")
    k = 0
    while True:
        await store.tried.change(session, {"pressure": pressures[k % 3]}, tags=[f"edit {k}"])
        fh.write(f"{session} {k}\n")
        fh.flush()
        os.fsync(fh.fileno())
        k += 1


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
