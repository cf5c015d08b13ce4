"""Paired viewers for LAN mode, in the store: only a hash of each token is kept."""

from __future__ import annotations

from dataclasses import dataclass

from calmlink.store.db import Database, now_iso


@dataclass(frozen=True, slots=True)
class ViewerRow:
    id: int
    name: str
    created_at: str
    revoked_at: str | None
    local: bool


class ViewerTokens:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, name: str, token_sha256: str, local: bool) -> int:
        return await self.db.write(lambda c: int(c.execute(
            "INSERT INTO viewers(name, token_sha256, created_at, local) VALUES (?, ?, ?, ?)",
            (name[:80], token_sha256, now_iso(), int(local))).lastrowid or 0))

    async def viewer_for(self, token_sha256: str) -> int | None:
        """The id of the unrevoked viewer holding this token, if any."""
        row = await self.db.read(lambda c: c.execute(
            "SELECT id FROM viewers WHERE token_sha256=? AND revoked_at IS NULL",
            (token_sha256,)).fetchone())
        return int(row[0]) if row else None

    async def all(self) -> list[ViewerRow]:
        return await self.db.read(lambda c: [
            ViewerRow(r["id"], r["name"], r["created_at"], r["revoked_at"], bool(r["local"]))
            for r in c.execute("SELECT id, name, created_at, revoked_at, local FROM viewers "
                               "ORDER BY id")])

    async def revoke(self, viewer_id: int) -> bool:
        return await self.db.write(lambda c: c.execute(
            "UPDATE viewers SET revoked_at=? WHERE id=? AND revoked_at IS NULL",
            (now_iso(), viewer_id)).rowcount > 0)
