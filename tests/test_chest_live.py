"""Breath from the chest, live: whole sessions through the real controller with the simulated strap's
chest (PMD frames decoded as a strap's) at 100x, a real SQLite file. The `chest` messages follow the
simulated breathing, the breaths are kept (and the raw samples when asked), the closing breath's
"following" takes the chest's word, and a strap without chest movement says so once."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calmlink.live.chest import LEADS_S, ChestSide
from calmlink.live.controller import Controller
from calmlink.live.events import (
    BreathMessage,
    ChestMessage,
    ChestStatusMessage,
    Message,
    SessionEndMessage,
    encode,
)
from calmlink.live.routine import Routine, Step
from calmlink.live.routine_library import RoutineLibrary
from calmlink.sensors.models import ChestMotion, ChestStatus, HeartRateSample
from calmlink.sensors.simulator import SimulatedStrap
from calmlink.store.beat import Role
from calmlink.store.schema import MIGRATIONS, SCHEMA_VERSION
from calmlink.store.store import Store
from tests.test_store import make_old_file

SPEED = 100.0
ROUTINE = Routine("Chest", (Step("Settle", "", 60), Step("Temples", "", 60),
                            Step("Breathe", "", 90, "breathe", "breathe", 6.0)), "chest")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = Store(tmp_path / "calmlink.sqlite3")
    await asyncio.to_thread(s.open)
    yield s
    await asyncio.to_thread(s.close)


async def run(store: Store, strap: SimulatedStrap, *, keep_raw: bool = False
              ) -> tuple[list[Message], int]:
    messages: list[Message] = []
    controller = Controller(store, messages.append, clock=lambda: time.monotonic() * SPEED,
                            clock_rate=SPEED, routines=RoutineLibrary(None, builtins=(ROUTINE,)),
                            keep_chest_raw=keep_raw)
    await controller.attach(strap)
    async with asyncio.timeout(20):
        while not any(isinstance(m, ChestStatusMessage) for m in messages):
            await asyncio.sleep(0.01)
    view = await controller.start_session("Sam", "chest")
    async with asyncio.timeout(40):
        while not any(isinstance(m, SessionEndMessage) for m in messages):
            await asyncio.sleep(0.02)
    await controller.close()
    return messages, view.id


async def test_the_chest_is_read_live_said_and_kept(store: Store) -> None:
    strap = SimulatedStrap(seed=21, speed=SPEED, chest=True)
    messages, sid = await run(store, strap)
    status = [m for m in messages if isinstance(m, ChestStatusMessage)]
    assert len(status) == 1 and status[0].available and status[0].rate_hz == 25.0
    chest = [m for m in messages if isinstance(m, ChestMessage)]
    assert chest and all(m.session_id == sid and m.role == "receiver" for m in chest)
    assert all('"type":"chest"' in encode(m, 1) for m in chest[:3])
    assert strap.chest is not None
    # the rate shown in the massage step matches what the simulated chest breathed
    truth = strap.chest.breaths(0.0, 10_000.0)
    for m in chest:
        if m.breaths_per_min is None or not 70.0 <= m.t <= 115.0:
            continue
        recent = [b for b in truth if m.t - 45.0 <= b.start_s <= m.t]
        assert abs(m.breaths_per_min - 60.0 * len(recent) / sum(b.duration_s for b in recent)) < 1.0
    shown = [m for m in chest if 70.0 <= m.t <= 115.0 and m.breaths_per_min is not None]
    assert len(shown) > 20
    # depth against the settle step, and a phase both ways
    assert any(m.depth is not None for m in chest if m.t > 70)
    assert {m.phase for m in chest} >= {"in", "out"}
    # the trace: five values a second, in time order
    trace = [p for m in chest for p in m.trace]
    assert len(trace) > 4.5 * (chest[-1].t - chest[0].t)
    assert all(b[0] > a[0] for a, b in itertools.pairwise(trace))
    # the closing breath: following from the chest, the simulated person follows the pacer
    closing = [m for m in messages if isinstance(m, BreathMessage) and m.step == 2]
    assert closing and all(m.following_from == "chest" for m in closing[2:])
    late = [m.chest_share for m in closing[3:] if m.chest_share is not None]
    assert late and float(np.median(late)) >= 0.8
    assert all(m.following == "mostly" for m in closing[3:] if m.chest_share is not None)
    # kept: exactly the breaths the feed said, by role, with depth and the deep flag
    said = [b for m in chest for b in m.breaths]
    assert [m.deep_breath for m in chest] == [any(b.deep for b in m.breaths) for m in chest]
    kept = await store.chest.breaths(sid)
    assert [(round(b.t, 2), b.deep) for b in kept] == [(b.t, b.deep) for b in said]
    assert all(b.role == "receiver" and b.duration_s > 1.8 for b in kept)
    assert await store.chest.samples(sid, "receiver") is None  # raw only when asked


async def test_raw_samples_are_kept_when_the_setting_asks(store: Store) -> None:
    strap = SimulatedStrap(seed=22, speed=SPEED, chest=True)
    messages, sid = await run(store, strap, keep_raw=True)
    raw = await store.chest.samples(sid, "receiver")
    assert raw is not None
    times, xyz, rate = raw
    assert rate == 25.0 and xyz.shape == (times.size, 3)
    assert times.size > 25 * 120 and np.all(np.diff(times) > 0)
    first = next(m for m in messages if isinstance(m, ChestMessage))
    assert times[0] <= first.trace[0][0] + 0.2  # on the session's clock, as the trace
    assert float(np.abs(xyz).max()) > 500  # gravity, in mG


class HeartOnly:
    """A strap that says it has no chest movement (as the BLE side does for every other strap)."""

    name = "Other strap"

    def __init__(self) -> None:
        self.closed = asyncio.Event()

    async def events(self) -> AsyncIterator[object]:
        for _ in range(2):  # said again with the same words: still shown once
            yield ChestStatus(False, "chest movement not available from this strap: no PMD service")
        t = 0.0
        while not self.closed.is_set():
            t += 1.0
            yield HeartRateSample(t, 60.0, 1000.0, arrival=t)
            await asyncio.sleep(0.001)

    async def close(self) -> None:
        self.closed.set()


async def test_a_strap_without_chest_movement_says_so_once(store: Store) -> None:
    messages: list[Message] = []
    controller = Controller(store, messages.append)
    await controller.attach(HeartOnly())  # type: ignore[arg-type]
    await asyncio.sleep(0.1)
    snapshot = controller.snapshot(epoch="e")  # a page loaded later is told too
    await controller.close()
    assert snapshot.chest_unavailable == {
        "receiver": "chest movement not available from this strap: no PMD service"}
    said = [m for m in messages if isinstance(m, ChestStatusMessage)]
    assert len(said) == 1 and not said[0].available
    assert said[0].reason.startswith("chest movement not available from this strap")
    assert not any(isinstance(m, ChestMessage) for m in messages)


def test_the_chest_leads_only_while_it_streams_and_then_the_heart_says_deep_breaths() -> None:
    side = ChestSide(60.0)
    assert side.heart_deep_breath(Role.RECEIVER, 5.0, True)  # no chest: the heart's word
    t = tuple(np.arange(36) / 25.0)
    motion = ChestMotion(t, (0.0,) * 36, (-1000.0,) * 36, (0.0,) * 36, 25.0, gap_before=True)
    side.push(Role.RECEIVER, motion, 0.0, 1)
    assert side.leads(Role.RECEIVER, 2.0) and not side.heart_deep_breath(Role.RECEIVER, 2.0, True)
    assert not side.leads(Role.GIVER, 2.0)
    assert side.heart_deep_breath(Role.RECEIVER, 1.4 + LEADS_S + 0.1, True)  # the chest went quiet


def test_schema_11_keeps_the_chest_with_its_session(tmp_path: Path) -> None:
    path = tmp_path / "v9.sqlite3"
    make_old_file(path, 9)
    assert SCHEMA_VERSION >= 11 and "chest_breaths" in MIGRATIONS[10]
    store = Store(path)
    store.open()
    try:
        from calmlink.store.chest import StoredBreath

        store.chest.submit_breaths(1, [StoredBreath("giver", 1.0, 4.0, 50.0, 1.1, False)]).result()
        assert asyncio.run(store.chest.breaths(1))[0].depth == 1.1
        asyncio.run(store.delete_session(1))
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM chest_breaths").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM beats").fetchone()[0] == 0
        conn.close()
    finally:
        store.close()


@pytest.mark.parametrize("follows", [True, False])
def test_following_from_the_chest_tells_who_breathes_with_the_pacer(follows: bool) -> None:
    from calmlink.sensors.chest_model import SimulatedChest, pattern_for
    from calmlink.sensors.models import PacedBreathing

    chest = SimulatedChest(pattern_for("rounder body", seed=4), 25.0)
    if follows:
        chest.follow(PacedBreathing(6.0, origin=0.0))
    side = ChestSide(60.0)
    for k in range(0, 240 * 25, 36):
        t, xyz = chest.samples(k / 25, (k + 36) / 25)
        side.push(Role.RECEIVER, ChestMotion(tuple(t), *(tuple(xyz[:, i]) for i in range(3)), 25.0),
                  0.0, 1)
    words = [side.following(Role.RECEIVER, start, start + 10.0, lambda t: (t / 10.0) % 1.0 < 0.4)[1]
             for start in np.arange(120.0, 230.0, 10.0)]
    assert words.count("mostly" if follows else "not-yet") >= 0.9 * len(words)


async def test_kept_samples_export_as_polar_acc_and_analyze_reads_the_same_breaths(
        store: Store, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from calmlink.store import export

    strap = SimulatedStrap(seed=23, speed=SPEED, chest=True)
    _, sid = await run(store, strap, keep_raw=True)
    session = await store.session(sid)
    assert session is not None
    kept = session["chest_breaths"]  # the session's JSON (API and export) lists its breaths
    assert kept and set(kept[0]) == {"role", "t", "duration_s", "depth_mg", "depth", "deep"}
    assert json.loads(export.to_json(session, await store.beats(sid)))["chest_breaths"] == kept
    raw = await store.chest.samples(sid, "receiver")
    assert raw is not None
    acc = tmp_path / "session_ACC.txt"
    acc.write_text(export.to_acc(session["started_at"], raw[0], raw[1]))
    assert acc.read_text().splitlines()[0] == "Phone timestamp;sensor timestamp [ns];X [mg];Y [mg];Z [mg]"
    out = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "calmlink.cli", "analyze",
                                                   str(acc), "--json"],
                                  capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    read = json.loads(out.stdout)
    first = float(raw[0][0])
    live = [b["duration_s"] for b in kept]
    again = [b["duration_s"] for b in read["breaths"]]
    # the same samples read again in file order: the same breaths, give or take the first ones
    assert abs(len(again) - len(live)) <= 2
    assert abs(float(np.median(again)) - float(np.median(live))) < 0.3
    assert min(abs(b["t"] + first - kept[-1]["t"]) for b in read["breaths"]) < 0.5
    by_cli = await asyncio.to_thread(subprocess.run, [
        sys.executable, "-m", "calmlink.cli", "export", str(sid), "--format", "acc",
        "--db", str(store.path)], capture_output=True, text=True, timeout=120)
    assert by_cli.returncode == 0, by_cli.stderr
    assert by_cli.stdout.strip() == acc.read_text().strip()
    giver = await asyncio.to_thread(subprocess.run, [
        sys.executable, "-m", "calmlink.cli", "export", str(sid), "--format", "acc", "--role",
        "giver", "--db", str(store.path)], capture_output=True, text=True, timeout=120)
    assert giver.returncode == 2 and "no chest samples were kept for the giver" in giver.stderr


def test_the_api_gives_a_sessions_chest_by_step_and_its_raw_samples(start_server: Any,
                                                                     tmp_path: Path) -> None:
    import httpx

    from calmlink.store.chest import StoredBreath
    from calmlink.testing.seed import seed_store

    db = tmp_path / "api.sqlite3"
    sid = seed_store(db, profiles=("Sam",), sessions=1, minutes=4.0)[0]
    store = Store(db)
    store.open()
    try:
        # 5-s breaths through the settle minute, 4-s ones after; one deep breath in the second step
        breaths = [StoredBreath("receiver", t, 5.0, 40.0, 1.0, False) for t in np.arange(2.0, 57.0, 5.0)]
        breaths += [StoredBreath("receiver", t, 4.0, 80.0 if t == 90.0 else 40.0, 1.0, t == 90.0)
                    for t in np.arange(62.0, 200.0, 4.0)]
        store.chest.submit_breaths(sid, breaths).result()
        times = 10.0 + np.arange(250) / 25.0
        xyz = np.column_stack([np.round(30 * np.sin(times)), np.full(250, -990.0), np.zeros(250)])
        store.chest.submit_samples(sid, "receiver", 25.0, times, xyz).result()
    finally:
        store.close()
    server = start_server(strap=False, db=db)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        detail = client.get(f"/api/sessions/{sid}", params={"beats": "false"}).json()
        assert len(detail["chest_breaths"]) == len(breaths)
        rows = detail["chest_steps"]
        assert [(r["role"], r["index"], r["breaths_per_min"]) for r in rows][:2] == [
            ("receiver", 0, 12.0), ("receiver", 1, 15.0)]
        assert sum(r["deep_breaths"] for r in rows) == 1
        got = client.get(f"/api/sessions/{sid}/export", params={"format": "acc"})
        assert got.status_code == 200
        lines = got.text.splitlines()
        assert lines[0].startswith("Phone timestamp;") and len(lines) == 251
        assert [line.split(";")[2:] for line in lines[1:3]] == [
            [str(int(v)) for v in row] for row in xyz[:2]]
        none = client.get(f"/api/sessions/{sid}/export", params={"format": "acc", "role": "giver"})
        assert none.status_code == 404 and "keep_chest_raw" in none.json()["detail"]
