"""Fan-out under load on loopback: 100 viewers at 10 messages a second for 60 s (delivery, latency,
server memory), then 20 viewers with one that never reads. CALMLINK_BENCH_SECONDS shortens it."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import websockets

SECONDS = float(os.environ.get("CALMLINK_BENCH_SECONDS", "60"))
RATE_HZ = 10.0


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)] if ordered else float("nan")


async def _viewer(url: str, got: dict[int, float], stop: asyncio.Event) -> None:
    async with websockets.connect(url.replace("http", "ws") + "/ws/live", origin=url) as ws:
        while not stop.is_set():
            try:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
            except TimeoutError:
                continue
            if msg.get("type") == "beat" and msg.get("beat_seq") is not None:
                got[msg["beat_seq"]] = time.time()


async def _run(url: str, folder: Path, viewers: int, stalled: int, pid: int
               ) -> tuple[list[dict[int, float]], int, int]:
    stop = asyncio.Event()
    received: list[dict[int, float]] = [{} for _ in range(viewers)]
    tasks = [asyncio.create_task(_viewer(url, received[i], stop)) for i in range(viewers)]
    frozen = [await websockets.connect(url.replace("http", "ws") + "/ws/live", origin=url,
                                       max_queue=1, ping_interval=None) for _ in range(stalled)]
    await asyncio.sleep(1.0)
    rss_before = _rss_kb(pid)
    (folder / "go").write_text("1")
    while not (folder / "done").exists():
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)
    rss_after = _rss_kb(pid)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws in frozen:
        ws.transport.abort()
    return received, rss_before, rss_after


def _scenario(viewers: int, stalled: int, seconds: float) -> None:
    n = int(seconds * RATE_HZ)
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = subprocess.Popen([sys.executable, "-m", "benchmarks._scripted_server", tmp, str(n),
                                   str(1 / RATE_HZ)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            while not (folder / "port").exists():
                time.sleep(0.05)
            time.sleep(0.3)
            url = f"http://127.0.0.1:{(folder / 'port').read_text()}"
            received, before, after = asyncio.run(_run(url, folder, viewers, stalled, server.pid))
        finally:
            server.kill()
            server.wait()
        sent = {int(k): float(t) for k, t in
                (line.split() for line in (folder / "sent").read_text().splitlines())}
    latencies = [(got[k] - sent[k]) * 1000 for got in received for k in got if k in sent]
    delivered = sum(len([k for k in got if k in sent]) for got in received) / (len(sent) * viewers)
    label = f"{viewers} viewers" + (f" + {stalled} that never reads" if stalled else "")
    print(f"   {label}, {RATE_HZ:g} msg/s for {seconds:g} s: delivered {100 * delivered:.2f}%, "
          f"latency median {statistics.median(latencies):.1f} ms, p99 {_pct(latencies, 0.99):.1f} ms, "
          f"server memory {(after - before) / 1024:+.1f} MB")


def run() -> None:
    _scenario(100, 0, SECONDS)
    print("   (targets: >= 99.5% delivered, p99 < 150 ms, memory growth < 10 MB)")
    _scenario(19, 1, min(SECONDS, 30.0))
    print("   (target: the others' p99 < 50 ms)")
