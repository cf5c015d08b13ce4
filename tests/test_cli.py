"""The command line as a person meets it: the version from one source, help that loads fast."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from calmlink.api.app import create_app
from calmlink.settings import Settings
from calmlink.store.store import Store


def test_version_comes_from_the_package_metadata(tmp_path: object) -> None:
    out = subprocess.run([sys.executable, "-m", "calmlink.cli", "--version"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"calmlink {version('calmlink')}"
    app = create_app(Settings(), None, Store(f"{tmp_path}/v.sqlite3"))
    assert app.version == version("calmlink")  # the API reference says the same
