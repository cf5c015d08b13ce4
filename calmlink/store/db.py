"""One SQLite file, one writer thread, group commits, results on asyncio futures.

Every write goes through :meth:`Database.write`, which runs the function on the writer thread;
the thread drains whatever is queued, runs it in one transaction and commits (WAL,
``synchronous=FULL``) before any of the futures resolves. So an awaited write is durable, and a
burst of beats costs one fsync. Reads (:meth:`Database.read`) run on a worker thread with that
thread's own read-only connection (WAL lets them run beside the writer), never on the event loop;
every such connection is closed with the database. The ``*_blocking`` methods are for code that is
already off the loop (opening the store, the command line).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from calmlink.store.schema import migrate

T = TypeVar("T")


def now_iso() -> str:
    """Now, as the store writes times: ISO 8601 to the second, with this machine's UTC offset at
    that moment ("2026-10-25T21:00:00+01:00"), so a time keeps the wall clock it was lived on and
    the instant it was. Sort by the instant (SQLite's ``julianday()`` reads the offset), never by
    the string: two offsets make string order wrong."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def instant(stored: str) -> datetime:
    """A stored time as an aware datetime. Times the store wrote always carry an offset; one
    without (written by hand, or by an old test) is read as UTC, as SQLite's ``julianday()`` reads
    it, so sorting and reading agree."""
    when = datetime.fromisoformat(stored)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


WriteFn = Callable[[sqlite3.Connection], Any]


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.row_factory = sqlite3.Row
    return conn


class Database:
    """Owns the writer thread; open with :meth:`open`, stop with :meth:`close`."""

    def __init__(self, path: Path | str, commit_delay_s: float = 0.0) -> None:
        self.path = Path(path)
        self.commit_delay_s = commit_delay_s
        """Added to every commit: a slow disk, for the benchmark that proves it delays no one."""
        self._queue: queue.Queue[tuple[WriteFn, Future[Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    def open(self) -> bool:
        """Start the writer thread; False (and nothing done) when it already runs: a second
        writer on the same queue would leave one of them waiting at close."""
        if self._thread is not None and self._thread.is_alive():
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(self.path)
        migrate(conn)
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(conn, ready), name="calmlink-sqlite-writer", daemon=True
        )
        self._thread.start()
        ready.result()
        return True

    def _run(self, conn: sqlite3.Connection, ready: Future[None]) -> None:
        ready.set_result(None)
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                batch = [item]
                stop = False
                while len(batch) < 500:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        stop = True
                        break
                    batch.append(nxt)
                if self.commit_delay_s:
                    time.sleep(self.commit_delay_s)
                self._commit_batch(conn, batch)
                if stop:
                    return
        finally:
            conn.close()

    @staticmethod
    def _commit_batch(conn: sqlite3.Connection, batch: list[tuple[WriteFn, Future[Any]]]) -> None:
        results: list[tuple[Future[Any], Any, BaseException | None]] = []
        conn.execute("BEGIN IMMEDIATE")
        for fn, fut in batch:
            conn.execute("SAVEPOINT item")
            try:
                results.append((fut, fn(conn), None))
                conn.execute("RELEASE item")
            except Exception as exc:  # one bad write must not lose the others in its batch
                conn.execute("ROLLBACK TO item")
                conn.execute("RELEASE item")
                results.append((fut, None, exc))
        try:
            conn.execute("COMMIT")
        except Exception as exc:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            for fut, _, _ in results:
                fut.set_exception(exc)
            return
        for fut, value, error in results:
            if error is not None:
                fut.set_exception(error)
            else:
                fut.set_result(value)

    def submit(self, fn: WriteFn) -> Future[Any]:
        if self._thread is None or not self._thread.is_alive():
            raise RuntimeError("the database is not open")
        fut: Future[Any] = Future()
        self._queue.put((fn, fut))
        return fut

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the writer thread; returns once its transaction is committed."""
        result: T = await asyncio.wrap_future(self.submit(fn))
        return result

    def write_blocking(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """As :meth:`write`, waiting on this thread: never call it on the event loop."""
        result: T = self.submit(fn).result()
        return result

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, readonly=True)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def read_blocking(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` with this thread's read-only connection: never call it on the event loop."""
        return fn(self._reader())

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on a worker thread with its read-only connection."""
        return await asyncio.to_thread(self.read_blocking, fn)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
