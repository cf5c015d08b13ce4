"""`calmlink backup` and `calmlink restore`: a household's data as one file (docs/backup.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from calmlink.cli.options import DbOpt, setting
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
    """Back up everything (sessions, beats, notes, ratings, profiles, paired viewers, routines, the
    remembered strap) into one file; safe while the server runs."""
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
    print(f"{file}: {rows.get('sessions', 0)} sessions, {rows.get('beats', 0)} beats, "
          f"{rows.get('profiles', 0)} profiles, {rows.get('viewers', 0)} paired viewers, "
          f"{len(made.config)} config files (schema {made.schema_version})")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by calmlink backup.")],
    db: DbOpt = None,
    routines_dir: RoutinesOpt = None,
) -> None:
    """Restore a backup into this computer's store: sessions it lacks are added (those it holds
    are kept), config files written where there are none. A damaged or foreign file writes nothing."""
    from calmlink.store.backup import BackupError
    from calmlink.store.restore import restore as run

    settings = Settings.from_env(db=db, routines_dir=routines_dir)
    try:
        done = run(file, settings.db_path, _config(settings))
    except (BackupError, OSError) as exc:
        _fail("restore", str(exc))
    print(f"restored from {file} into {settings.db_path}: {done.sessions_added} sessions added "
          f"({done.beats_added} beats), {done.sessions_present} already here"
          + (f", {done.sessions_replaced} unfinished copies replaced" if done.sessions_replaced else "")
          + f"; {done.profiles_added} profiles, {done.viewers_added} paired viewers added")
    if done.config_written:
        print(f"  config written: {', '.join(done.config_written)}")
    for name in done.config_kept:
        print(f"  kept your own {name} (the backup's differs)")


def _fail(command: str, message: str) -> NoReturn:
    print(f"calmlink {command}: {message}", file=sys.stderr)
    raise typer.Exit(2)
