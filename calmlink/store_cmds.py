"""`calmlink sessions`, `export` and `import`: the store from the command line."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from calmlink.sessions import export
from calmlink.sessions.formats import RRFileError, read_rr_file
from calmlink.sessions.store import Store


def _open(db: Path) -> Store:
    store = Store(db)
    store.open()
    return store


def list_sessions(db: Path, profile: str | None, json_out: bool) -> int:
    store = _open(db)
    try:
        rows = store.list_sessions(profile)
    finally:
        store.close()
    if json_out:
        print(json.dumps([asdict(r) for r in rows]))
        return 0
    if not rows:
        print("No sessions yet. Run calmlink demo, or calmlink import FILE --profile NAME.")
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("id", "started", "receiver", "state", "minutes", "beats", "outcome")
    for r in rows:
        table.add_row(str(r.id), r.started_at.replace("T", " ")[:16], Text(r.profile), r.state,
                      f"{(r.duration_s or 0) / 60:.1f}", str(r.n_beats), r.outcome or "")
    Console().print(table)
    return 0


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


def export_sessions(db: Path, session_id: int | None, fmt: str, all_sessions: bool,
                    out: Path | None) -> int:
    if fmt not in ("csv", "json", "rr"):
        print(f"calmlink export: --format must be csv, json or rr, not {fmt!r}", file=sys.stderr)
        return 2
    store = _open(db)
    try:
        if all_sessions:
            bundle = []
            for row in store.list_sessions(limit=10**9):
                detail = store.session(row.id) or {}
                bundle.append((detail, store.beats(row.id), store.step_names(row.id)))
            _write(out, export.archive(bundle))
            return 0
        if session_id is None:
            print("calmlink export: give a session id (calmlink sessions lists them) or --all",
                  file=sys.stderr)
            return 2
        session = store.session(session_id)
        if session is None:
            print(f"calmlink export: no session {session_id}", file=sys.stderr)
            return 2
        beats = store.beats(session_id)
        if fmt == "csv":
            _write(out, export.to_csv(beats, store.step_names(session_id)))
        elif fmt == "rr":
            _write(out, export.to_rr_text(beats))
        else:
            _write(out, export.to_json(session, beats))
        return 0
    finally:
        store.close()


def import_file(db: Path, path: Path, profile: str, date: str | None) -> int:
    """Parse everything first; write in one transaction; a bad file writes nothing."""
    if not profile.strip():
        print("calmlink import: --profile needs a name", file=sys.stderr)
        return 2
    try:
        series = read_rr_file(path)
        started = (datetime.fromisoformat(date) if date else
                   datetime.fromtimestamp(path.stat().st_mtime, UTC) )
    except RRFileError as exc:
        print(f"calmlink import: {exc}", file=sys.stderr)
        return 2
    except ValueError:
        print(f"calmlink import: --date {date!r} is not an ISO 8601 date or time", file=sys.stderr)
        return 2
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    beats, summary = export.imported_beats(series)
    store = _open(db)
    try:
        session_id = store.import_session(profile.strip(), started.isoformat(timespec="seconds"),
                                          f"imported from {path.name}", beats, summary,
                                          export.IMPORT_STEPS)
    finally:
        store.close()
    print(f"session {session_id}: {len(beats)} beats from {path.name} for {profile.strip()}")
    return 0
