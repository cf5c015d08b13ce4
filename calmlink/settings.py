"""Settings, declared once: name, default and help, read from CLI flags and ``CALMLINK_*``.

No heavy imports here: the CLI reads this on start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _default_db() -> Path:
    from platformdirs import user_data_path

    return user_data_path("calmlink", appauthor=False) / "calmlink.sqlite3"


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = field(default="127.0.0.1", metadata={
        "help": "Address to bind. Loopback by default; LAN use is explicit."})
    port: int = field(default=8000, metadata={"help": "TCP port for the page and the API."})
    db: Path | None = field(default=None, metadata={
        "help": "SQLite file for sessions (default: the user data directory).",
        "shown": "user data dir"})
    profile: str = field(default="Receiver", metadata={
        "help": "Receiver profile the live session belongs to."})
    speed: float = field(default=1.0, metadata={
        "help": "Playback speed of the simulated or replayed strap (1 = real time)."})
    seed: int = field(default=7, metadata={"help": "Seed of the simulated strap."})
    lan: bool = field(default=False, metadata={
        "help": "Also answer on this machine's own names and addresses (home network)."})
    routines_dir: Path | None = field(default=None, metadata={
        "help": "Folder of routine files, one TOML file each (default: routines/ in the user "
                "config directory).",
        "shown": "config dir/routines"})
    keep_chest_raw: bool = field(default=False, metadata={
        "help": "Keep a chest strap's raw accelerometer samples with each session (about 1.4 MB "
                "for ten minutes), exportable in Polar Sensor Logger's ACC format; the breaths "
                "read from them are kept either way."})

    @property
    def routines_path(self) -> Path:
        if self.routines_dir is not None:
            return self.routines_dir
        from platformdirs import user_config_path

        return user_config_path("calmlink", appauthor=False) / "routines"

    @property
    def legacy_routines_path(self) -> Path | None:
        """Where releases up to 0.2 kept routines (routines/ in the data directory): moved to
        :attr:`routines_path` once. None when the folder is set explicitly."""
        if self.routines_dir is not None:
            return None
        from platformdirs import user_data_path

        return user_data_path("calmlink", appauthor=False) / "routines"

    @property
    def db_path(self) -> Path:
        return self.db if self.db is not None else _default_db()

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``CALMLINK_<NAME>`` variables, then explicit (non-None) overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"CALMLINK_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def _convert(name: str, raw: str) -> Any:
    default = getattr(Settings(), name)
    if name in ("db", "routines_dir"):
        return Path(raw)
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    try:
        return type(default)(raw)
    except ValueError as exc:
        raise ValueError(f"CALMLINK_{name.upper()}={raw!r}: expected {type(default).__name__}") \
            from exc


@dataclass(frozen=True, slots=True)
class SettingDoc:
    name: str
    help: str
    default: str
    """The default as people read it (a path that depends on the machine is named, not shown)."""
    variable: str


def documented() -> dict[str, SettingDoc]:
    """Each setting's help, default and variable: for CLI options, docs and the test that keeps
    docs honest."""
    out = {}
    for f in fields(Settings):
        default = f.metadata.get("shown", f.default)
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        out[f.name] = SettingDoc(f.name, str(f.metadata["help"]), shown, f"CALMLINK_{f.name.upper()}")
    return out
