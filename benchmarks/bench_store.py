"""Review at scale: 1,000 sessions (about 500,000 beats) and one 2-hour session, through the real
server: the session list, the trends and the 2-hour session view."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from calmlink.testing.seed import seed_store


def _timed(client: httpx.Client, path: str, n: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(path)
        r.raise_for_status()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def run() -> None:
    with TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.sqlite3"
        t0 = time.perf_counter()
        seed_store(db, profiles=("Sam", "Alex"), sessions=500, minutes=6.5, with_gauge=False)
        long_id = seed_store(db, profiles=("Sam",), sessions=1, minutes=120.0, seed=9)[0]
        seeded = time.perf_counter() - t0
        import sqlite3

        with sqlite3.connect(db) as conn:
            n_sessions = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
            n_beats = conn.execute("SELECT COUNT(*) FROM beats").fetchone()[0]
        print(f"   seeded {n_sessions} sessions, {n_beats} beats in {seeded:.0f} s")
        port_file = Path(tmp) / "port"
        server = subprocess.Popen([sys.executable, "-m", "benchmarks._plain_server", str(db),
                                   str(port_file)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            while not port_file.exists():
                time.sleep(0.05)
            time.sleep(0.3)
            with httpx.Client(base_url=f"http://127.0.0.1:{port_file.read_text()}", timeout=30) as c:
                c.get("/api/status")
                for label, path, target in (
                    ("session list (all 1,001)", "/api/sessions?limit=5000", 200),
                    ("trends for a profile (501 sessions)", "/api/trends?profile=Sam", 200),
                    ("2-hour session view with its beats", f"/api/sessions/{long_id}", 300),
                ):
                    median, worst = _timed(c, path)
                    print(f"   {label}: median {median:.0f} ms, worst {worst:.0f} ms "
                          f"(target < {target} ms)")
        finally:
            server.kill()
            server.wait()
