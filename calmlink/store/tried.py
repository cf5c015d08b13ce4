"""What a couple tried in a session: oil or dry hands, pressure, position, music or silence, and
free tags. Kept like beats: every change is one transaction on the writer thread, committed
(``synchronous=FULL``) before the caller hears it is done, so an acknowledged edit survives a crash.

The rules (which choices exist, what a tag may be) live here once; the API's models call them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calmlink.store.db import Database

CHOICES: dict[str, tuple[str, ...]] = {
    "hands": ("oil", "dry"),
    "pressure": ("light", "medium", "firm"),
    "position": ("facing", "back-to-back", "lying-down"),
    "sound": ("music", "silence"),
}
"""One value at most per session for each of these (the schema's CHECK says the same)."""
MAX_TAG = 40
MAX_TAGS = 12
"""Free tags a session keeps at most."""
TAG_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
"""What :func:`clean_tag` accepts, for the API's schema: one line, not only spaces."""


@dataclass(frozen=True, slots=True)
class Tried:
    hands: str | None = None
    pressure: str | None = None
    position: str | None = None
    sound: str | None = None
    tags: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        """(kind, value) per choice made and per tag: how the store and comparisons see it."""
        out = [(kind, v) for kind in CHOICES if (v := getattr(self, kind)) is not None]
        return out + [("tag", t) for t in self.tags]


class TriedError(ValueError):
    """A change that breaks a rule; ``field`` names what it was about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class TooManyTags(TriedError):
    """A change that would leave a session more tags than it keeps (a conflict with what the
    session already holds, not a bad request)."""


def clean_tag(text: str) -> str:
    """A free tag as kept: spaces trimmed and single, 1-40 characters, one line."""
    tag = re.sub(r"\s+", " ", text).strip()
    if not tag:
        raise TriedError("tags", "a tag must not be empty")
    if len(tag) > MAX_TAG:
        raise TriedError("tags", f"a tag is at most {MAX_TAG} characters ('{tag[:20]}...' has "
                                 f"{len(tag)})")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in tag):
        raise TriedError("tags", "a tag has no control characters")
    return tag


def _unique(tags: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in tags:
        seen.setdefault(tag.casefold(), tag)
    return tuple(sorted(seen.values(), key=str.casefold))


def merge(current: Tried, choices: Mapping[str, str | None] | None = None,
          tags: Iterable[str] | None = None, add: Iterable[str] = (),
          remove: Iterable[str] = ()) -> Tried:
    """``current`` changed: each choice named in ``choices`` set (None clears it); the tags
    replaced by ``tags`` when given, then ``add`` added and ``remove`` removed (any case)."""
    chosen = {kind: getattr(current, kind) for kind in CHOICES}
    for kind, value in (choices or {}).items():
        if kind not in CHOICES:
            raise TriedError(kind, f"no such choice: {kind}")
        if value is not None and value not in CHOICES[kind]:
            raise TriedError(kind, f"must be one of: {', '.join(CHOICES[kind])}")
        chosen[kind] = value
    kept = list(current.tags) if tags is None else [clean_tag(t) for t in tags]
    gone = {clean_tag(t).casefold() for t in remove}
    merged = _unique([t for t in [*kept, *(clean_tag(t) for t in add)] if t.casefold() not in gone])
    if len(merged) > MAX_TAGS:
        raise TooManyTags("tags", f"a session keeps at most {MAX_TAGS} tags (this would be "
                                 f"{len(merged)})")
    return Tried(chosen["hands"], chosen["pressure"], chosen["position"], chosen["sound"], merged)


def write_tried(c: sqlite3.Connection, session_id: int, tried: Tried) -> None:
    """Replace the session's rows (inside the caller's transaction)."""
    c.execute("DELETE FROM session_tried WHERE session_id=?", (session_id,))
    c.executemany("INSERT INTO session_tried(session_id, kind, value) VALUES (?, ?, ?)",
                  [(session_id, kind, value) for kind, value in tried.pairs()])


def read_tried(c: sqlite3.Connection, session_ids: Iterable[int]) -> dict[int, Tried]:
    """Each session's choices and tags (a session with none gets an empty :class:`Tried`)."""
    ids = list(session_ids)
    chosen: dict[int, dict[str, str]] = {sid: {} for sid in ids}
    tags: dict[int, list[str]] = {sid: [] for sid in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = c.execute(f"SELECT session_id, kind, value FROM session_tried WHERE session_id IN "
                         f"({', '.join('?' * len(chunk))})", chunk)
        for sid, kind, value in rows:
            if kind == "tag":
                tags[sid].append(value)
            else:
                chosen[sid][kind] = value
    return {sid: Tried(chosen[sid].get("hands"), chosen[sid].get("pressure"),
                       chosen[sid].get("position"), chosen[sid].get("sound"), _unique(tags[sid]))
            for sid in ids}


def as_dict(tried: Tried) -> dict[str, object]:
    """As JSON gives it (a fresh list of tags: the caller may keep it)."""
    return {name: list(tried.tags) if name == "tags" else getattr(tried, name)
            for name in _TRIED_FIELDS}


_TRIED_FIELDS = tuple(f.name for f in fields(Tried))


@dataclass(frozen=True, slots=True)
class TagUse:
    tag: str
    sessions: int
    last_used: str


class TriedStore:
    """What was tried, per session, and a receiver's tags by use."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, session_id: int) -> Tried | None:
        def fn(c: sqlite3.Connection) -> Tried | None:
            if c.execute("SELECT 1 FROM sessions WHERE id=?", (session_id,)).fetchone() is None:
                return None
            return read_tried(c, [session_id])[session_id]
        return await self.db.read(fn)

    async def change(self, session_id: int, choices: Mapping[str, str | None] | None = None,
                     tags: Iterable[str] | None = None, add: Iterable[str] = (),
                     remove: Iterable[str] = ()) -> Tried | None:
        """Apply a change in one transaction (read, merge, write): two devices tapping at once
        both count. Returns what the session now holds, once committed; None: no such session."""
        tag_list = None if tags is None else list(tags)
        add_list, remove_list = list(add), list(remove)

        def fn(c: sqlite3.Connection) -> Tried | None:
            if c.execute("SELECT 1 FROM sessions WHERE id=?", (session_id,)).fetchone() is None:
                return None
            now = merge(read_tried(c, [session_id])[session_id], choices, tag_list, add_list,
                        remove_list)
            write_tried(c, session_id, now)
            return now
        return await self.db.write(fn)

    async def tags(self, profile: str) -> list[TagUse]:
        """The receiver's free tags, most used first (then most recent): offered first next time.
        A tag used in several spellings ("Lavender", "lavender") counts once, as last spelled
        (SQLite takes a bare column from the row that holds the MAX)."""
        def fn(c: sqlite3.Connection) -> list[TagUse]:
            rows = c.execute(
                "SELECT t.value, COUNT(*), MAX(s.started_at) FROM session_tried t "
                "JOIN sessions s ON s.id = t.session_id JOIN profiles p ON p.id = s.profile_id "
                "WHERE p.name=? AND t.kind='tag' GROUP BY t.value "
                "ORDER BY COUNT(*) DESC, MAX(julianday(s.started_at)) DESC, t.value", (profile,))
            return [TagUse(str(r[0]), int(r[1]), str(r[2])) for r in rows]
        return await self.db.read(fn)
