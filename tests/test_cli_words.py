"""The command line's words, run for real at an 80-column terminal: every command's summary whole
in `--help`, `sessions` one line a session with its headers whole, one of a thing said in the
singular, and a paced recording's breaths counted from 0 s, never "-0 s"."""

from __future__ import annotations

import asyncio
import importlib
import json
import math
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from calmlink.cli import COMMANDS, summary
from calmlink.counting import count, seconds
from calmlink.store.store import Store
from calmlink.testing.seed import seed_tried_history


def cli(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "40"}
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def _summaries() -> dict[str, str]:
    return {name: summary(getattr(importlib.import_module(f"calmlink.cli.{module}"), function))
            for name, (module, function) in COMMANDS.items()}


@pytest.mark.parametrize("columns", [80, 60])
def test_help_shows_every_commands_summary_whole(columns: int) -> None:
    """click cut each summary at the terminal's width with "..." ("Serve the live page for a real
    strap (or --simulate, or..."); each is now a whole sentence, wrapped when it must be."""
    out = cli("--help", columns=columns)
    assert out.returncode == 0, out.stderr
    listed = out.stdout.split("Commands:")[1]
    assert "..." not in listed and "…" not in listed
    flat = re.sub(r"\s+", " ", listed)  # a summary wrapped at 60 columns reads as one line
    for name, text in _summaries().items():
        assert text.endswith((".", "?")) and len(text) <= 80 - 2 - len("  sessions  "), text
        assert f" {name} {text}" in flat, (name, listed)
    if columns == 80:  # at 80 columns each fits on its command's own line
        rows = [line.split(None, 1) for line in listed.strip().splitlines()]
        assert {r[0]: r[1] for r in rows} == _summaries()


@pytest.fixture(scope="module")
def store_with_tags(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six sessions with what was tried (oil, music, a warm towel, a candle), then, newest, one by
    a receiver with a long name who tried many things at once."""
    db = tmp_path_factory.mktemp("cli") / "s.sqlite3"
    seed_tried_history(db, sessions=6, now=datetime(2026, 12, 1, 20, 0).astimezone())
    [newest] = seed_tried_history(db, "Alexandra-Marguerite", sessions=1, seed=3)
    store = Store(db)
    store.open()
    try:
        asyncio.run(store.tried.change(
            newest, {"hands": "oil", "pressure": "light", "position": "lying-down",
                     "sound": "music"},
            tags=["lavender candle", "warm towel on the shoulders", "rain outside"]))
    finally:
        store.close()
    return db


def test_sessions_reads_at_80_columns(store_with_tags: Path) -> None:
    """Headers whole ("recei…" was printed), one line a session (what was tried wrapped a word a
    line), cut with "…" only where --json has the whole text, and the table says so."""
    out = cli("sessions", "--db", str(store_with_tags))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.rstrip("\n").splitlines()
    assert all(len(line) <= 80 for line in lines), [len(line) for line in lines]
    # every session listed is completed: the state says nothing, and goes with the beat count
    assert lines[0].split() == ["id", "started", "receiver", "min", "outcome", "tried"]
    assert set(lines[1]) == {"─"}
    rows = lines[2:-1]
    assert len(rows) == 7 and all(re.match(r"^\s*\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d ", r) for r in rows)
    assert lines[-1] == "… cut short to fit: calmlink sessions --json has every word."
    by_id = {int(r.split()[0]): r for r in rows}
    listed = {s["id"]: s for s in json.loads(cli("sessions", "--json", "--db",
                                                 str(store_with_tags)).stdout)}
    newest = max(listed)
    assert "Alexandra-M…" in by_id[newest]
    assert re.search(r"   oil, light, lying-down, …$", by_id[newest].rstrip())  # one line, cut
    assert listed[newest]["profile"] == "Alexandra-Marguerite"
    assert sorted(listed[newest]["tried"]["tags"]) == [
        "lavender candle", "rain outside", "warm towel on the shoulders"]
    towel = next(i for i, s in listed.items() if "warm towel" in s["tried"]["tags"] and i != newest)
    assert by_id[towel].rstrip().endswith("oil, warm towel") or "dry, warm towel" in by_id[towel]


def test_sessions_keeps_every_column_when_there_is_room(store_with_tags: Path) -> None:
    out = cli("sessions", "--db", str(store_with_tags), columns=200)
    lines = out.stdout.rstrip("\n").splitlines()
    assert lines[0].split() == ["id", "started", "receiver", "state", "min", "beats", "outcome",
                                "tried"]
    [newest] = json.loads(cli("sessions", "--json", "--db", str(store_with_tags)).stdout)[:1]
    whole = ", ".join(["oil", "light", "lying-down", "music", *newest["tried"]["tags"]])
    assert "Alexandra-Marguerite   completed   9.0 " in lines[2] and whole in lines[2]
    assert "cut short" not in out.stdout


def test_one_is_said_in_the_singular() -> None:
    assert [count(n, "config file") for n in (0, 1, 2)] == [
        "0 config files", "1 config file", "2 config files"]
    assert count(1, "unfinished copy", "unfinished copies") == "1 unfinished copy"
    assert count(3, "unfinished copy", "unfinished copies") == "3 unfinished copies"


def test_seconds_never_read_minus_zero() -> None:
    assert [seconds(x) for x in (-0.421, -0.0, 0.4, 599.027)] == ["0 s", "0 s", "0 s", "599 s"]


def test_a_paced_recording_is_counted_from_0_s(tmp_path: Path) -> None:
    """A time/RR file whose clock starts at its first beat: the first interval began 0.85 s
    before it, and the text said "from -1 s" (or "-0 s" for a shorter first beat)."""
    rr = [850 + 60 * math.sin(2 * math.pi * k * 0.85 / 10) for k in range(400)]
    t, lines = 0.0, ["t_s,rr_ms"]
    for k, r in enumerate(rr):
        t += r / 1000 if k else 0.0
        lines.append(f"{t:.3f},{r:.0f}")
    f = tmp_path / "paced.csv"
    f.write_text("\n".join(lines) + "\n")
    out = cli("analyze", str(f), "--pace", "6")
    assert out.returncode == 0, out.stderr
    head = out.stdout.splitlines()[0]
    assert re.search(r"paced at 6 breaths a minute, \d+ whole breaths from 0 s to 339 s$", head), head
    assert json.loads(cli("analyze", str(f), "--pace", "6", "--json").stdout)["start_s"] == -0.85
