"""The last strap used, remembered in the user data directory so the next session finds it alone."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class KnownDevice:
    address: str
    name: str | None


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("calmlink", appauthor=False) / "last_device.json"


class DeviceMemory:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def load(self) -> KnownDevice | None:
        try:
            data = json.loads(self.path.read_text())
            return KnownDevice(str(data["address"]), data.get("name"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, device: KnownDevice) -> None:
        """Write atomically: a crash mid-write never leaves a broken file behind."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(device)))
        os.replace(tmp, self.path)
