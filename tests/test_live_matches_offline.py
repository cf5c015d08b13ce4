"""The live screen and `calmlink analyze --gauge` give identical gauges for the same beats."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from calmlink.sensors.file_replay import ReplaySource
from calmlink.signal.gauge_run import run_gauge
from conftest import DATA

pytestmark = pytest.mark.usefixtures("no_blocking")


def wait_for_session_end(url: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = httpx.get(f"{url}/api/sessions", headers={"host": "127.0.0.1"}).json()
        if sessions and sessions[0]["state"] != "active":
            return dict(sessions[0])
        time.sleep(0.2)
    raise AssertionError("the replayed session did not end")


@pytest.mark.real_data
def test_replayed_through_the_server_equals_offline_replay(start_server: Any, tmp_path: Path) -> None:
    recording = DATA / "rr" / "pyhrv_sample_5min_nni_ms.txt"
    server = start_server(ReplaySource(recording, speed=100.0), autostart=True, speed=100.0)
    session = wait_for_session_end(server.url)
    detail = httpx.get(f"{server.url}/api/sessions/{session['id']}").json()
    beats = [b for b in detail["beats"] if b["rr_ms"] is not None]
    assert len(beats) > 300
    offline = run_gauge(np.array([b["t"] for b in beats]), np.array([b["rr_ms"] for b in beats]),
                        np.array([bool(b["gap_before"]) for b in beats]))
    assert [b["gauge"] for b in beats] == [r.gauge for r in offline.results]
    assert [b["trend"] for b in beats] == [r.trend for r in offline.results]
    assert [b["quality"] for b in beats] == [r.quality for r in offline.results]
    assert sum(b["gauge"] is not None for b in beats) > 200

    # and the command line, reading the session's own export, says the same
    export = tmp_path / "session.csv"
    export.write_text(httpx.get(f"{server.url}/api/sessions/{session['id']}/export",
                                params={"format": "csv"}).text)
    out = subprocess.run([sys.executable, "-m", "calmlink.cli", "analyze", str(export), "--gauge",
                          "--json"], capture_output=True, text=True, check=True)
    series = json.loads(out.stdout)["series"]
    assert [p["gauge"] for p in series] == [b["gauge"] for b in beats]
