"""`calmlink backup` and `calmlink restore`: a household's data as one file (docs/backup.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from calmlink.cli.options import DbOpt, setting
from calmlink.counting import count
from calmlink.settings import Settings

RoutinesOpt = Annotated[Path | None, setting("routines_dir")]


def _config(settings: Settings) -> dict[str, Path]:
    """Where each config file a backup carries lives: the routine files, the remembered strap."""
    from calmlink.sensors.memory import default_path

    return {"routines": settings.routines_path, "last_device.json": default_path()}


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (one zip).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    db: DbOpt = None,
    routines_dir: RoutinesOpt = None,
) -> None:
    """Back up everything into one file.

    Sessions, beats, notes, ratings, profiles, paired viewers, routines and the remembered
    strap; safe while the server runs."""
    from calmlink import __version__
    from calmlink.store.backup import BackupError, write_backup

    if file.exists() and not force:
        _fail("backup", f"{file} exists; give --force to overwrite it")
    settings = Settings.from_env(db=db, routines_dir=routines_dir)
    config = _config(settings)
    files = {f"routines/{p.name}": p for p in sorted(config.pop("routines").glob("*.toml"))}
    files |= config
    try:
        made = write_backup(settings.db_path, file, files, __version__)
    except (BackupError, OSError) as exc:
        _fail("backup", str(exc))
    rows = made.counts
    print(f"{file}: {count(rows.get('sessions', 0), 'session')}, "
          f"{count(rows.get('beats', 0), 'beat')}, {count(rows.get('profiles', 0), 'profile')}, "
          f"{count(rows.get('viewers', 0), 'paired viewer')}, "
          f"{count(len(made.config), 'config file')} (schema {made.schema_version})")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by calmlink backup.")],
    db: DbOpt = None,
    routines_dir: RoutinesOpt = None,
) -> None:
    """Restore a backup into this computer's store.

    Sessions it lacks are added (those it holds are kept), config files written where there are
    none. A damaged or foreign file writes nothing."""
    from calmlink.store.backup import BackupError
    from calmlink.store.restore import restore as run

    settings = Settings.from_env(db=db, routines_dir=routines_dir)
    try:
        done = run(file, settings.db_path, _config(settings))
    except (BackupError, OSError) as exc:
        _fail("restore", str(exc))
    print(f"restored from {file} into {settings.db_path}: "
          f"{count(done.sessions_added, 'session')} added ({count(done.beats_added, 'beat')}), "
          f"{done.sessions_present} already here"
          + (f", {count(done.sessions_replaced, 'unfinished copy', 'unfinished copies')} replaced"
             if done.sessions_replaced else "")
          + f"; {count(done.profiles_added, 'profile')}, "
          f"{count(done.viewers_added, 'paired viewer')} added")
    if done.config_written:
        print(f"  config written: {', '.join(done.config_written)}")
    for name in done.config_kept:
        print(f"  kept your own {name} (the backup's differs)")


def _fail(command: str, message: str) -> NoReturn:
    print(f"calmlink {command}: {message}", file=sys.stderr)
    raise typer.Exit(2)
