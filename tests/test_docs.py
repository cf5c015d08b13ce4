"""Docs stay true: every setting is documented, and the live protocol doc matches the dataclasses
the server actually sends, field for field."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from calmlink.sessions import events
from calmlink.sessions.beat import BEAT_FIELDS
from calmlink.sessions.routine import Step
from calmlink.sessions.summary import PartnerSummary, SessionSummary, StepSummary, SynchronyReport
from calmlink.settings import documented

DOCS = Path(__file__).parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    for name, doc in documented().items():
        assert f"| {name} |" in text, f"setting {name!r} missing from docs/settings.md"
        assert doc.variable in text


def _sections(text: str) -> dict[str, set[str]]:
    """Each ``### heading`` with the backticked names in the first column of its table."""
    out: dict[str, set[str]] = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        title = block.splitlines()[0].strip()
        out[title] = set(re.findall(r"^\| `(\w+)` \|", block, flags=re.M))
    return out


def _names(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}


def _expected() -> dict[str, set[str]]:
    feed = {"type", "seq"}
    out = {f"`{cls.type}`": _names(cls) | feed for cls in events.MESSAGE_TYPES
           if cls is not events.BeatMessage}
    out["`beat`"] = (_names(events.BeatMessage) - {"beat"}) | set(BEAT_FIELDS) | feed
    out["connection object"] = _names(events.Connection)
    out["session object"] = _names(events.SessionView)
    out["step object"] = _names(events.StepState)
    out["routine object"] = _names(events.RoutineView)
    out["summary object"] = _names(SessionSummary)
    out["partner object"] = _names(PartnerSummary)
    out["synchrony object"] = _names(SynchronyReport)
    return out


@pytest.mark.parametrize("section", sorted(_expected()))
def test_live_protocol_documents_every_field_and_no_other(section: str) -> None:
    documented_fields = _sections((DOCS / "live-protocol.md").read_text()).get(section)
    assert documented_fields is not None, f"docs/live-protocol.md has no section {section}"
    expected = _expected()[section]
    assert documented_fields == expected, (
        f"{section}: undocumented {sorted(expected - documented_fields)}, "
        f"documented but not sent {sorted(documented_fields - expected)}")


def test_nested_lists_are_named_in_full() -> None:
    text = (DOCS / "live-protocol.md").read_text()
    for name in _names(StepSummary):
        assert f"`{name}`" in text, f"per-step summary field {name!r} is not documented"
    for name in _names(Step):
        assert f"`{name}`" in text
