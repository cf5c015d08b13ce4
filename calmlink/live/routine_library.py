"""The routines on offer: the built-in ones (read-only) and one TOML file per routine in the user's
config folder, read afresh on each refresh so a file edited by hand counts at once.

A file that does not parse is kept on the shelf as :class:`BrokenFile`, with its error, never
dropped. Every write is atomic (a temporary file in the same folder, flushed and fsynced, then
``os.replace``, then the folder fsynced): a crash leaves the old file or the new one, never half of
one. Writes are blocking: the API runs them on a worker thread while holding :attr:`lock`, which
the live session also takes to choose its routine, so a routine cannot change while it is being
started. The folder of earlier releases (``routines/`` in the data directory) is moved here once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from calmlink.live.routine import (
    BUILTIN_ROUTINES,
    LIMITS,
    FieldError,
    Routine,
    RoutineError,
    check_routine,
    snapshot,
)
from calmlink.live.routine_toml import parse_routine, to_toml
from calmlink.store.step_id import slug, unique


@dataclass(frozen=True, slots=True)
class BrokenFile:
    """A routine file that cannot be used as it stands, shown with why."""

    id: str
    file: str
    error: str
    errors: tuple[FieldError, ...]


@dataclass(frozen=True, slots=True)
class Shelf:
    routines: tuple[Routine, ...]
    broken: tuple[BrokenFile, ...] = ()
    versions: Mapping[str, str] = field(default_factory=dict)
    """Per file routine: a hash of its bytes, so an edit made from a stale copy is refused."""
    notes: tuple[str, ...] = ()
    """What moving the old folder left behind, in a sentence each."""


class NotFound(LookupError):
    pass


class ReadOnly(RuntimeError):
    """A built-in routine (or no folder to write to): duplicate it instead."""


class Stale(RuntimeError):
    """The file changed since the copy being saved was read."""


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves the old content or the new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a rename or unlink durable (POSIX; elsewhere the rename is all there is)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


class RoutineLibrary:
    def __init__(self, folder: Path | None, legacy: Path | None = None,
                 builtins: tuple[Routine, ...] = BUILTIN_ROUTINES) -> None:
        self.folder = folder
        self.legacy = legacy
        self.builtins = builtins
        self.lock = asyncio.Lock()
        self._shelf = Shelf(builtins)
        self._moved = False

    @property
    def shelf(self) -> Shelf:
        """As of the last refresh (no file is read here: safe on the event loop)."""
        return self._shelf

    def find(self, key: str) -> Routine | None:
        """By id, else by name (any case)."""
        routines = self._shelf.routines
        by_id = next((r for r in routines if r.id == key), None)
        return by_id or next((r for r in routines if r.name.casefold() == key.casefold()), None)

    async def refresh(self) -> Shelf:
        return await asyncio.to_thread(self.refresh_blocking)

    def refresh_blocking(self) -> Shelf:
        """Read the folder again (moving the old one here first, once). Blocks."""
        if not self._moved:
            self._moved = True
            notes = self._move_legacy()
        else:
            notes = list(self._shelf.notes)
        routines = list(self.builtins)
        broken: list[BrokenFile] = []
        versions: dict[str, str] = {}
        taken = {r.id for r in self.builtins}
        for path in sorted(self.folder.glob("*.toml")) if self.folder and self.folder.is_dir() else []:
            rid = path.stem
            try:
                data = path.read_bytes()
                versions[rid] = _version(data)
                if rid in taken:
                    raise RoutineError([FieldError((), "has the name of a built-in routine's file: "
                                                    "rename the file")], path.name)
                routine = parse_routine(data.decode("utf-8"), path.name, rid)
                clash = next((r for r in routines if r.name.casefold() == routine.name.casefold()), None)
                if clash is not None:
                    raise RoutineError([FieldError(("name",), f"is already the name of another "
                                                   f"routine ({clash.id}): rename one of them")],
                                       path.name)
                routines.append(routine)
            except (RoutineError, OSError, UnicodeDecodeError) as exc:
                errors = exc.errors if isinstance(exc, RoutineError) else (FieldError((), str(exc)),)
                broken.append(BrokenFile(rid, path.name, str(exc), errors))
            taken.add(rid)
        self._shelf = Shelf(tuple(routines), tuple(broken), versions, tuple(notes))
        return self._shelf

    def _move_legacy(self) -> list[str]:
        """Move the routine files of the old folder here, once; a file whose name is taken here
        stays where it is, and a note says so."""
        notes: list[str] = []
        if self.legacy is None or self.folder is None or not self.legacy.is_dir() \
                or self.legacy.resolve() == self.folder.resolve():
            return notes
        for old in sorted(self.legacy.glob("*.toml")):
            new = self.folder / old.name
            if new.exists():
                notes.append(f"{old} was left where it is: {new} already exists")
                continue
            write_atomic(new, old.read_text(encoding="utf-8"))
            old.unlink()
        _fsync_folder(self.legacy)
        return notes

    # -- changes (blocking; the caller holds the lock) -------------------------------------------

    def _folder(self) -> Path:
        if self.folder is None:
            raise ReadOnly("there is no folder to keep routines in")
        return self.folder

    def _checked(self, raw: Mapping[str, Any], routine_id: str) -> Routine:
        """``raw`` by the rules, its name not another routine's."""
        errors: list[FieldError] = []
        routine: Routine | None = None
        try:
            routine = check_routine(raw, routine_id=routine_id)
        except RoutineError as exc:
            errors += exc.errors
        name = raw.get("name")
        if isinstance(name, str):
            clash = next((r for r in self._shelf.routines if r.id != routine_id
                          and r.name.casefold() == name.strip().casefold()), None)
            if clash is not None:
                errors.append(FieldError(("name",), f"is already another routine's: "
                                                    f"'{clash.name}'"))
        if errors or routine is None:
            raise RoutineError(errors)
        return routine

    def _taken_ids(self) -> set[str]:
        return {r.id for r in self._shelf.routines} | {b.id for b in self._shelf.broken}

    def create_blocking(self, raw: Mapping[str, Any]) -> Routine:
        """A new routine file; its id comes from its name and never changes."""
        folder = self._folder()
        self.refresh_blocking()
        name = raw.get("name")
        base = slug(name, "routine") if isinstance(name, str) else "routine"
        taken = self._taken_ids() | {p.stem for p in folder.glob("*.toml")}
        routine = self._checked(raw, unique(base, taken))
        write_atomic(folder / f"{routine.id}.toml", to_toml(routine))
        self.refresh_blocking()
        return routine

    def _own_file(self, routine_id: str) -> Path:
        self.refresh_blocking()
        builtin = next((r for r in self.builtins if r.id == routine_id), None)
        if builtin is not None:
            raise ReadOnly(f"'{builtin.name}' comes with calmlink and cannot be changed: "
                           "duplicate it to make one of your own")
        if routine_id not in self._shelf.versions:
            raise NotFound(f"no routine {routine_id!r}")
        return self._folder() / f"{routine_id}.toml"

    def update_blocking(self, routine_id: str, raw: Mapping[str, Any],
                        version: str | None = None) -> Routine:
        """Replace a routine of the folder (or a broken file, fixed from the page)."""
        path = self._own_file(routine_id)
        if version is not None and self._shelf.versions.get(routine_id) != version:
            raise Stale("this routine was changed elsewhere (by hand or on another device) since "
                        "it was opened here: reload to see that change")
        routine = self._checked(raw, routine_id)
        write_atomic(path, to_toml(routine))
        self.refresh_blocking()
        return routine

    def delete_blocking(self, routine_id: str) -> None:
        path = self._own_file(routine_id)
        path.unlink()
        _fsync_folder(path.parent)
        self.refresh_blocking()

    def duplicate_blocking(self, routine_id: str, name: str | None = None) -> Routine:
        """A copy to edit (of a built-in routine too); its steps keep their ids, so their history
        stays one."""
        self.refresh_blocking()
        source = next((r for r in self._shelf.routines if r.id == routine_id), None)
        if source is None:
            raise NotFound(f"no routine {routine_id!r}")
        if name is None:
            names = {r.name.casefold() for r in self._shelf.routines}
            base = source.name[: LIMITS.max_routine_name - len(' (copy 999)')].rstrip()
            name = f"{base} (copy)"
            k = 2
            while name.casefold() in names:
                name = f"{base} (copy {k})"
                k += 1
        raw = snapshot(replace(source, name=name))
        del raw["id"], raw["builtin"]
        return self.create_blocking(raw)
