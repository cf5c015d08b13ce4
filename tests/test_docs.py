"""Docs stay true: every setting is documented, and the live protocol doc matches the dataclasses
the server actually sends, field for field."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from calmlink.live import events
from calmlink.live.chest_events import ChestBreathView
from calmlink.live.pacer import PacerView
from calmlink.live.routine import Step
from calmlink.review.breathe import PacedStep
from calmlink.review.summary import PartnerSummary, SessionSummary, StepSummary
from calmlink.review.synchrony_report import SynchronyReport
from calmlink.settings import documented
from calmlink.signal.pace_finder import PaceFinding, PaceTrial
from calmlink.store.beat import BEAT_FIELDS
from calmlink.store.tried import Tried

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
    out["tried object"] = _names(Tried)
    out["summary object"] = _names(SessionSummary)
    out["partner object"] = _names(PartnerSummary)
    out["synchrony object"] = _names(SynchronyReport)
    out["pacer object"] = _names(PacerView)
    out["chest breath object"] = _names(ChestBreathView)
    out["paced object"] = _names(PacedStep)
    out["pace finding object"] = _names(PaceFinding)
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
    for name in _names(Step) | _names(PaceTrial):
        assert f"`{name}`" in text


def test_the_small_computer_unit_file_is_valid(tmp_path: Path) -> None:
    """The user service in docs/small-computer.md, checked by systemd itself: no warning at all
    (systemd-analyze exits 0 on a bad key and only says so), and its ExecStart must resolve."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not on this machine: the unit file is checked where it is")
    unit = re.search(r"```ini\n(.*?)```", (DOCS / "small-computer.md").read_text(), re.S)
    assert unit is not None, "docs/small-computer.md has no unit file"
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "calmlink").symlink_to(Path(sys.executable).parent / "calmlink")
    service = tmp_path / "calmlink.service"
    service.write_text(unit.group(1))
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    out = subprocess.run([analyze, "--user", "verify", str(service)], capture_output=True,
                         text=True, env=env, timeout=60)
    if "Failed to initialize manager" in out.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {out.stderr.strip()}")
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_routine_limits_are_the_ones_documented() -> None:
    from calmlink.live.routine import LIMITS

    text = (DOCS / "routines.md").read_text()
    for f in fields(LIMITS):
        if f.name != "kinds":
            assert f"| `{f.name}` | {getattr(LIMITS, f.name)} |" in text, f.name
    assert all(f"`{kind}`" in text for kind in LIMITS.kinds)
