"""`calmlink sessions`, `export` and `import`: the store from the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from calmlink.cli.options import DbOpt
from calmlink.counting import count
from calmlink.settings import Settings

if TYPE_CHECKING:  # the store is imported when a command runs
    from calmlink.store.store import Store

T = TypeVar("T")


def local_time(stored: str) -> str:
    """A stored time on this machine's clock (the system zone, ``TZ`` included), to the minute:
    a time stored with another offset, or in UTC before offsets were kept, reads as local."""
    from calmlink.store.db import instant

    return instant(stored).astimezone().strftime("%Y-%m-%d %H:%M")


def _with_store(db: Path, work: Callable[[Store], Coroutine[object, object, T]]) -> T:
    """Open the store, run ``work`` on an event loop, close it."""
    import asyncio

    from calmlink.review.recovery import recover
    from calmlink.store.store import Store

    store = Store(db)
    recover(store)
    try:
        return asyncio.run(work(store))
    finally:
        store.close()


def sessions(
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    profile: Annotated[str | None, typer.Option(help="Only this receiver's sessions.")] = None,
    db: DbOpt = None,
) -> None:
    """List stored sessions, newest first."""
    rows = _with_store(Settings.from_env(db=db).db_path, lambda s: s.list_sessions(profile))
    if json_out:
        print(json.dumps([r.as_json() for r in rows]))
        return
    if not rows:
        print("No sessions yet. Run calmlink demo, or calmlink import FILE --profile NAME.")
        return
    from rich.console import Console

    from calmlink.cli.listing import CUT_NOTE, sessions_table

    console = Console()
    table, cut = sessions_table(rows, console.width, [local_time(r.started_at) for r in rows])
    console.print(table)
    if cut:
        print(CUT_NOTE)


def _write(out: Path | None, data: str | bytes) -> None:
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    if isinstance(data, bytes):
        out.write_bytes(data)
    else:
        out.write_text(data)


def export(
    session_id: Annotated[int | None, typer.Argument(help="Session id (see calmlink sessions).")] = None,
    format: Annotated[str, typer.Option(help="csv (beats with steps), json (summary, steps, "
                                        "metrics, chest breaths), rr (Kubios-readable RR text) or "
                                        "acc (the raw chest samples kept with keep_chest_raw, in "
                                        "Polar Sensor Logger's ACC format).")] = "csv",
    role: Annotated[str, typer.Option(help="Whose chest, with --format acc: receiver or giver.")]
    = "receiver",
    all_sessions: Annotated[bool, typer.Option("--all", help="Every session as one zip archive.")]
    = False,
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    db: DbOpt = None,
) -> None:
    """Export a session (or --all of them) in an open format."""
    from calmlink.store import export as formats

    if out is not None and out.exists() and not force:
        print(f"calmlink export: {out} exists; give --force to overwrite it", file=sys.stderr)
        raise typer.Exit(2)
    if format not in ("csv", "json", "rr", "acc"):
        print(f"calmlink export: --format must be csv, json, rr or acc, not {format!r}",
              file=sys.stderr)
        raise typer.Exit(2)
    if session_id is None and not all_sessions:
        print("calmlink export: give a session id (calmlink sessions lists them) or --all",
              file=sys.stderr)
        raise typer.Exit(2)

    async def everything(store: Store) -> bytes:
        bundle = []
        for row in await store.list_sessions(limit=10**9):
            detail = await store.session(row.id) or {}
            bundle.append((detail, await store.beats(row.id), await store.step_names(row.id)))
        return formats.archive(bundle)

    async def one(store: Store) -> str | None:
        assert session_id is not None
        session = await store.session(session_id)
        if session is None:
            return None
        if format == "acc":
            raw = await store.chest.samples(session_id, role)
            if raw is None:
                print(f"calmlink export: no chest samples were kept for the {role} in session "
                      f"{session_id} (CALMLINK_KEEP_CHEST_RAW=1 keeps them)", file=sys.stderr)
                raise typer.Exit(2)
            return formats.to_acc(session["started_at"], raw[0], raw[1])
        beats = await store.beats(session_id)
        if format == "csv":
            return formats.to_csv(beats, await store.step_names(session_id))
        if format == "rr":
            return formats.to_rr_text(beats)
        return formats.to_json(session, beats)

    db_path = Settings.from_env(db=db).db_path
    if all_sessions:
        _write(out, _with_store(db_path, everything))
        return
    text = _with_store(db_path, one)
    if text is None:
        print(f"calmlink export: no session {session_id}", file=sys.stderr)
        raise typer.Exit(2)
    _write(out, text)


def import_(
    file: Annotated[Path, typer.Argument(help="A recording in any format calmlink analyze reads.")],
    profile: Annotated[str, typer.Option(help="The receiver it belongs to.")],
    date: Annotated[str | None, typer.Option(
        help="When it was recorded (ISO 8601, local time unless it names a zone; default: the "
        "recording's own start when the file has one, else the file's modification time).")] = None,
    giver_file: Annotated[Path | None, typer.Option(
        help="The giver's recording of the same session, on the same clock (a format with its "
        "own clock): imports one partner session.")] = None,
    giver: Annotated[str, typer.Option(help="The giver's name, with --giver-file.")] = "Giver",
    acc: Annotated[Path | None, typer.Option(
        help="The receiver's chest accelerometer file of the same session (Polar Sensor Logger's "
        "ACC): its breaths are kept with the session, placed by the two files' own clocks.")] = None,
    db: DbOpt = None,
) -> None:
    """Import a recording as a session.

    Its first minute is the settle step the rest is compared with. A file of several measurements
    becomes one session each; with --giver-file, a pair becomes one partner session. Everything is
    read first and written in one transaction: a file that cannot be read writes nothing."""
    from calmlink.recordings.acc import read_acc
    from calmlink.recordings.rr_text import only_one, read_recordings
    from calmlink.recordings.series import RRFileError
    from calmlink.review import imported as formats
    from calmlink.review.imported_chest import chest_for_import
    from calmlink.review.recovery import recover
    from calmlink.store.store import ImportedSession, Store

    name = profile.strip()
    giver_name = giver.strip() or "Giver"
    if not name:
        _fail("--profile needs a name")
    try:
        recordings = read_recordings(file)
        theirs = only_one(read_recordings(giver_file), str(giver_file)) if giver_file else None
        if theirs is not None and giver_file is not None:
            recordings = [only_one(recordings, str(file))]
            formats.check_pair([(file, recordings[0]), (giver_file, theirs)])
        for rec in recordings:
            formats.check_long_enough(file, rec)
        override = datetime.fromisoformat(date) if date else None
        if override is not None and len(recordings) > 1:
            raise RRFileError(str(file), None, f"--date sets one date, but this file holds "
                              f"{len(recordings)} measurements, each with its own")
        modified = datetime.fromtimestamp(file.stat().st_mtime).astimezone()
        if acc is not None and len(recordings) > 1:
            raise RRFileError(str(acc), None, f"one ACC file goes with one recording, but {file.name} "
                              f"holds {len(recordings)}")
        chest_file = read_acc(acc) if acc is not None else None
    except RRFileError as exc:
        _fail(str(exc))
    except ValueError:
        _fail(f"--date {date!r} is not an ISO 8601 date or time")
    planned: list[ImportedSession] = []
    for series in recordings:
        for warning in series.warnings:
            print(f"calmlink import: warning: {warning}", file=sys.stderr)
        started = override or series.start or modified
        if started.tzinfo is None:  # a time without a zone is local time (the recording's, yours)
            started = started.astimezone()
        beats, summary = formats.imported_beats(series, theirs, giver_name)
        if summary.unreliable_reason is not None:
            print(f"calmlink import: warning: {summary.unreliable_reason}", file=sys.stderr)
        ended = started + timedelta(seconds=max(series.duration_s, beats[-1].t if beats else 0.0))
        chest = None
        if chest_file is not None and acc is not None:
            try:
                own = replace(series, start=override or series.start)  # its own clock, or --date
                chest = chest_for_import(chest_file, str(acc), own, beats[-1].t if beats else 0.0)
            except RRFileError as exc:
                _fail(str(exc))
            if chest.warning:
                print(f"calmlink import: warning: {chest.warning}", file=sys.stderr)
        keep_raw = chest is not None and Settings.from_env(db=db).keep_chest_raw
        planned.append(ImportedSession(
            name, started.isoformat(timespec="seconds"), ended.isoformat(timespec="seconds"),
            formats.import_device(file.name, series), beats, summary.to_dict(),
            formats.IMPORT_STEPS, giver=giver_name if theirs is not None else None,
            chest_breaths=chest.breaths if chest else [],
            chest_samples=(chest.rate_hz, chest.times_s, chest.xyz_mg) if chest and keep_raw else None))
    store = Store(Settings.from_env(db=db).db_path)
    recover(store)
    try:
        ids = store.import_sessions_blocking(planned)
    finally:
        store.close()
    pair = f" and {giver_file.name}" if giver_file is not None else ""
    for session_id, session, series in zip(ids, planned, recordings, strict=True):
        which = f" ({series.label})" if series.label else ""
        chest_said = (f" and {count(len(session.chest_breaths), 'breath')} from {acc.name}"
                      if acc is not None else "")
        print(f"session {session_id}: {count(len(session.beats), 'beat')} from {file.name}{pair}{which}"
              f"{chest_said} for {name}, recorded {local_time(session.started_at)}")


def _fail(message: str) -> NoReturn:
    print(f"calmlink import: {message}", file=sys.stderr)
    raise typer.Exit(2)
