"""The command line as a person meets it: the version from one source, help that loads fast."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx

from calmlink.api.app import create_app
from calmlink.settings import Settings
from calmlink.store.store import Store


def test_version_comes_from_the_package_metadata(tmp_path: object) -> None:
    out = subprocess.run([sys.executable, "-m", "calmlink.cli", "--version"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"calmlink {version('calmlink')}"
    app = create_app(Settings(), None, Store(f"{tmp_path}/v.sqlite3"))
    assert app.version == version("calmlink")  # the API reference says the same


def test_the_demo_can_pair_a_phone(tmp_path: Path) -> None:
    """`calmlink demo --lan`: the demo on the home network, pairing on, to try it with a phone."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = subprocess.Popen([sys.executable, "-m", "calmlink.cli", "demo", "--lan", "--no-browser",
                             "--port", str(port), "--db", str(tmp_path / "demo.sqlite3")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/pair", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert demo.poll() is None and time.monotonic() < deadline, "the demo did not start"
            time.sleep(0.1)
        with httpx.Client(base_url=base, headers={"origin": base}, timeout=10) as host:
            host.get("/")  # the page on this computer: its own token, no pairing
            code = host.post("/api/pair/start")
            assert code.status_code == 200 and len(code.json()["code"]) == 6
            status = host.get("/api/status").json()
        assert status["lan"] and status["start_after_care"]  # the page asks first, then starts
    finally:
        demo.terminate()
        out, _ = demo.communicate(timeout=15)
    assert "pair each phone from the page on this computer first" in out


def test_the_plain_analyze_fast_path_says_what_typer_says(tmp_path: Path) -> None:
    """`calmlink analyze FILE [--json]` skips building the command line; the same command through
    typer (an option typer must read: --window over the whole file) prints the same."""
    f = tmp_path / "rr.txt"
    f.write_text("".join(f"{800 + 30 * ((k * 7) % 5)}\n" for k in range(400)))
    for extra in ([], ["--json"]):
        fast = subprocess.run([sys.executable, "-m", "calmlink.cli", "analyze", str(f), *extra],
                              capture_output=True, text=True, timeout=60)
        typed = subprocess.run([sys.executable, "-m", "calmlink.cli", "analyze", str(f), *extra,
                                "--window", "0", "100000"], capture_output=True, text=True, timeout=60)
        assert fast.returncode == typed.returncode == 0
        assert fast.stdout == typed.stdout and fast.stderr == typed.stderr
    missing = subprocess.run([sys.executable, "-m", "calmlink.cli", "analyze", str(tmp_path / "no")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
