"""For the kill -9 tests: wait until a crash server has opened its store before the random kill
timer starts, so a busy machine's slow Python start-up is not mistaken for the test."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path


def wait_until_open(log: Path, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """The crash servers open their log once their store is open and its schema written."""
    deadline = time.monotonic() + timeout
    while not log.exists():
        assert proc.poll() is None, "the crash server exited before it opened its store"
        assert time.monotonic() < deadline, "the crash server did not open its store"
        time.sleep(0.02)
