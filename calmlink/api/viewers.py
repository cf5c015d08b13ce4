"""Who may watch on the home network: pairing codes, device tokens, revocation.

Only in LAN mode. A pairing code is 6 digits, lives ``CODE_TTL_S`` and works once; the phone
exchanges it for its own random token (only the token's SHA-256 is stored). Failed attempts are
limited per client address and overall, so the code cannot be guessed. Revoking a viewer refuses
its token at once and closes its live feed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from calmlink.store.store import Store
from calmlink.store.viewer_tokens import ViewerRow

CODE_TTL_S = 180.0
MAX_FAILS_PER_CLIENT = 5
MAX_FAILS_TOTAL = 20
FAIL_WINDOW_S = 60.0
COOKIE = "calmlink_token"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class PairingCode:
    code: str
    expires_at: float


class RateLimited(Exception):
    pass


class Viewers:
    """Tokens in the store, a small in-memory cache, and the pairing state."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = clock
        self._code: PairingCode | None = None
        self._fails: dict[str, deque[float]] = {}
        self._all_fails: deque[float] = deque()
        self._cache: dict[str, int | None] = {}
        self.on_revoke: list[Callable[[int], None]] = []

    # -- pairing ----------------------------------------------------------------------------

    def new_code(self) -> PairingCode:
        self._code = PairingCode(f"{secrets.randbelow(10**6):06d}", self.clock() + CODE_TTL_S)
        return self._code

    def _limited(self, client: str) -> bool:
        now = self.clock()
        for q in (self._fails.get(client, deque()), self._all_fails):
            while q and q[0] < now - FAIL_WINDOW_S:
                q.popleft()
        return (len(self._fails.get(client, ())) >= MAX_FAILS_PER_CLIENT
                or len(self._all_fails) >= MAX_FAILS_TOTAL)

    async def pair(self, code: str, name: str, client: str) -> str | None:
        """A new token for a correct, unexpired code (which is then used up); None otherwise."""
        if self._limited(client):
            raise RateLimited
        current = self._code
        ok = (current is not None and self.clock() < current.expires_at
              and secrets.compare_digest(current.code, code.strip()))
        if not ok:
            now = self.clock()
            self._fails.setdefault(client, deque()).append(now)
            self._all_fails.append(now)
            return None
        self._code = None
        return await self.issue(name or "phone")

    async def issue(self, name: str, local: bool = False) -> str:
        token = secrets.token_urlsafe(32)
        digest = token_hash(token)
        self._cache[digest] = await self.store.viewer_tokens.add(name or "phone", digest, local)
        return token

    # -- checking ---------------------------------------------------------------------------

    async def check(self, token: str | None) -> int | None:
        """The viewer id for a valid, unrevoked token; None otherwise. Cached; a miss reads the
        store on a worker thread, never on the event loop."""
        if not token or len(token) > 200:
            return None
        digest = token_hash(token)
        if digest not in self._cache:
            self._cache[digest] = await self.store.viewer_tokens.viewer_for(digest)
        return self._cache[digest]

    async def list(self) -> list[ViewerRow]:
        return await self.store.viewer_tokens.all()

    async def revoke(self, viewer_id: int) -> bool:
        changed = await self.store.viewer_tokens.revoke(viewer_id)
        if changed:
            self._cache = {k: v for k, v in self._cache.items() if v != viewer_id}
            for callback in self.on_revoke:
                callback(viewer_id)
        return bool(changed)
