"""`calmlink record`: a whole session into the store, a raw log that replays to the same beats."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=120)


def beats(db: Path, session_id: int) -> list[tuple[float, float | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT t, rr_ms FROM beats WHERE session_id=? ORDER BY beat_seq",
                            (session_id,)).fetchall()


def test_record_simulated_then_replay_the_raw_log_gives_the_same_beats(tmp_path: Path) -> None:
    db, raw = tmp_path / "s.sqlite3", tmp_path / "raw.jsonl"
    first = cli("record", "--simulate", "--speed", "200", "--minutes", "1.5", "--out", str(raw),
                "--db", str(db), "--profile", "Sam")
    assert first.returncode == 0, first.stderr
    assert "session 1:" in first.stdout
    lines = [json.loads(x) for x in raw.read_text().splitlines()]
    assert lines and all("t" in x for x in lines)
    assert any(x.get("ch") == "pmd" for x in lines)  # the simulated chest strap's PMD frames too
    second = cli("record", "--replay", str(raw), "--speed", "200", "--minutes", "1", "--db", str(db))
    assert second.returncode == 0, second.stderr
    a, b = beats(db, 1), beats(db, 2)
    assert len(a) > 80
    n = min(len(a), len(b))
    assert [rr for _, rr in a[:n]] == [rr for _, rr in b[:n]]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT s.state, p.name FROM sessions s JOIN profiles p "
                            "ON p.id = s.profile_id ORDER BY s.id").fetchall()
    assert rows == [("completed", "Sam"), ("completed", "Receiver")]


def test_record_rejects_two_sources(tmp_path: Path) -> None:
    out = cli("record", "--simulate", "--replay", "x.txt", "--db", str(tmp_path / "d.sqlite3"))
    assert out.returncode == 2
    assert "either --simulate or --replay" in out.stderr


async def test_a_raw_log_keeps_the_chests_frames_and_replays_them(tmp_path: Path) -> None:
    """The simulated chest strap's PMD frames go into the raw log beside heart rate (``"ch": "pmd"``)
    and replay to the same chest movement, while heart rate replays as before."""
    import asyncio

    from calmlink.recordings.packet_log import PacketLogWriter
    from calmlink.sensors.file_replay import ReplaySource
    from calmlink.sensors.models import ChestMotion, HeartRateSample
    from calmlink.sensors.simulator import SimulatedStrap

    raw = tmp_path / "raw.jsonl"
    strap = SimulatedStrap(seed=3, speed=300.0, chest=True)
    with raw.open("w") as fh:
        strap.on_packet = PacketLogWriter(fh)
        strap.on_chest_packet = PacketLogWriter(fh, channel="pmd")
        live = [e async for e in _until(strap, 60.0)]
    lines = [json.loads(x) for x in raw.read_text().splitlines()]
    assert {x.get("ch") for x in lines} == {None, "pmd"}
    replayed = [e async for e in _until(ReplaySource(raw, speed=300.0), 55.0)]
    for kind in (ChestMotion, HeartRateSample):
        a = [e for e in live if isinstance(e, kind)]
        b = [e for e in replayed if isinstance(e, kind)]
        assert len(b) > 10
        for x, y in zip(a, b, strict=False):  # the same frames and beats, on the same clock (the log
            assert _rounded(x) == _rounded(y)  # keeps arrival to the microsecond)
    await asyncio.sleep(0)


def _rounded(event: Any) -> object:
    from dataclasses import astuple

    return tuple(tuple(round(v, 4) for v in f) if isinstance(f, tuple)
                 else round(f, 4) if isinstance(f, float) else f for f in astuple(event))


async def _until(source: Any, seconds: float) -> AsyncIterator[Any]:
    from calmlink.sensors.models import ChestMotion, HeartRateSample

    async for event in source.events():
        yield event
        t = event.t[-1] if isinstance(event, ChestMotion) else getattr(event, "t", 0.0)
        if isinstance(event, ChestMotion | HeartRateSample) and t >= seconds:
            await source.close()
