"""Counts in words, for the command line and the review's sentences: "1 profile", "2 profiles",
"1 whole breath". Imports nothing of calmlink, so every layer may use it (web/common.js's
``plural`` is the page's twin)."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for exactly one: ``count(1, "config file")`` is
    "1 config file"; ``plural`` for a noun that does not take an "s" ("1 body", "2 bodies")."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def seconds(x: float) -> str:
    """A time in whole seconds, never "-0 s": a start a few tenths before a recording's first beat
    reads "0 s" (``round`` of a float gives an int, which has no negative zero)."""
    return f"{round(x)} s"
