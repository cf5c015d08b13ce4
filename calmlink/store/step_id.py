"""A routine step's stable identity: the key its history is kept under in routine files, session
snapshots, summaries and trends, so renaming "Temples" keeps its history together.

A step gets its id once, from its name when it is first made (``"Base of the skull"`` becomes
``base-of-the-skull``), and keeps it however it is renamed. Sessions stored before steps had ids
are read with the id their step's name would have been given, which is exactly the built-in
routines' ids: their history joins up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

MAX_STEP_ID = 40
STEP_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID = re.compile(STEP_ID_PATTERN)


def slug(name: str, fallback: str = "step") -> str:
    """Lower-case letters and digits joined by single hyphens, at most 40 characters; ``fallback``
    when the name has no letter or digit of the Latin alphabet."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", plain)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > MAX_STEP_ID:
            break
        out = candidate
    return out or (words[0][:MAX_STEP_ID] if words else fallback)


def is_step_id(text: str) -> bool:
    return len(text) <= MAX_STEP_ID and _ID.match(text) is not None


def unique(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken yet."""
    used = set(taken)
    if base not in used:
        return base
    k = 2
    while True:
        suffix = f"-{k}"
        candidate = base[: MAX_STEP_ID - len(suffix)].rstrip("-") + suffix
        if candidate not in used:
            return candidate
        k += 1


def stored_step_id(step: Mapping[str, Any]) -> str:
    """The id of a step in a stored summary (``step_id``), or, for a session stored before steps
    had ids, the one its name gives."""
    found = step.get("step_id")
    return str(found) if found else slug(str(step.get("name", "")))
