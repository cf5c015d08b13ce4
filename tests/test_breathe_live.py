"""The breathe step live: the pacer (pure), then whole sessions through the real controller with the
simulated strap's person breathing to the pacer at 100x, a real SQLite file: a `breath` message per
breath for each person, the swing against the settle step, the summary's swing per breath, the
pace finder's answer kept per person and taken as their default pace next time."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path

import pytest

from calmlink.live.controller import Controller, SessionError
from calmlink.live.events import BreathMessage, Message, SessionEndMessage, StepMessage
from calmlink.live.pacer import Pacer
from calmlink.live.routine import CLOSING_BREATH, PACE_FINDER, Routine, Step
from calmlink.live.routine_library import RoutineLibrary
from calmlink.sensors.simulator import Physiology, SimulatedStrap, pair_physiologies
from calmlink.store.beat import Role
from calmlink.store.store import Store

SPEED = 100.0
SHORT = Routine("Short breath", (Step("Settle", "", 60), Step("Temples", "", 20),
                                 Step("Breathe", "", 120, "breathe", "breathe", 5.5)), "short")


def test_the_pacer_keeps_its_breath_through_a_new_pace_and_restarts_after_a_pause() -> None:
    p = Pacer()
    p.enter(2, 6.0, at=100.0)
    assert p.tick(109.9) == [] and [(b.start, b.end) for b in p.tick(110.0)] == [(100.0, 110.0)]
    p.set_pace(5.0, now=112.5)  # a quarter into its second breath
    assert p.origin == pytest.approx(112.5 - 3.0) and p.breath_end == pytest.approx(121.5)
    done = p.tick(121.5)
    assert [(b.start, b.end, b.breaths_per_min) for b in done] == [(110.0, 121.5, 5.0)]
    view = p.view(130.0, started=50.0)
    assert view is not None and (view.origin_s, view.now_s, view.in_share) == (59.5, 80.0, 0.4)
    p.pause()
    assert p.tick(200.0) == [] and p.view(200.0, 0.0).running is False  # type: ignore[union-attr]
    p.resume(200.0)
    assert p.origin == 200.0 and [b.start for b in p.tick(212.0)] == [200.0]
    p.enter(3, None, at=250.0)
    assert p.view(250.0, 0.0) is None and p.tick(400.0) == []


class Live:
    def __init__(self, store: Store, *routines: Routine) -> None:
        self.messages: list[Message] = []
        self.controller = Controller(store, self.messages.append,
                                     clock=lambda: time.monotonic() * SPEED, clock_rate=SPEED,
                                     routines=RoutineLibrary(None, builtins=routines))

    def breaths(self, role: str = "receiver") -> list[BreathMessage]:
        return [m for m in self.messages if isinstance(m, BreathMessage) and m.role == role]

    async def run(self, routine: str, profile: str = "Sam", giver: str | None = None
                  ) -> SessionEndMessage:
        await self.controller.start_session(profile, routine, giver)
        async with asyncio.timeout(30):
            while not any(isinstance(m, SessionEndMessage) for m in self.messages):
                await asyncio.sleep(0.02)
        return next(m for m in self.messages if isinstance(m, SessionEndMessage))


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "calmlink.sqlite3")
    await asyncio.to_thread(s.open)
    yield s  # type: ignore[misc]
    await asyncio.to_thread(s.close)


async def until(condition: object, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.01)


async def test_a_breath_is_said_for_each_person_and_the_swing_grows_against_settling(
        store: Store) -> None:
    live = Live(store, SHORT)
    receiver, giver = pair_physiologies(seed=3, slow_bpm=1.5)
    await live.controller.attach(SimulatedStrap(seed=3, speed=SPEED, physiology=receiver))
    await live.controller.attach(SimulatedStrap(seed=4, speed=SPEED, physiology=giver), Role.GIVER)
    end = await live.run("short", giver="Alex")
    steps = [m.session for m in live.messages if isinstance(m, StepMessage) and m.session]
    breathing = next(s for s in steps if s.step.index == 2)
    assert breathing.pacer is not None and breathing.pacer.breaths_per_min == 5.5
    assert breathing.paces == (None, None, 5.5) and steps[0].pacer is None
    mine = live.breaths()
    assert 9 <= len(mine) <= 11 and [b.breath for b in mine] == list(range(1, len(mine) + 1))
    assert all(b.end_s - b.start_s == pytest.approx(60 / 5.5, abs=0.01) for b in mine)
    swings = sorted(b.swing_bpm for b in mine if b.swing_bpm is not None)
    assert swings[len(swings) // 2] > 1.5 * mine[-1].settle_swing_bpm  # type: ignore[operator]
    assert [b.following for b in mine[-4:]] == ["mostly"] * 4
    assert mine[-1].settle_share < 0.45 < 0.7 < mine[-1].following_share  # type: ignore[operator]
    assert len(live.breaths("giver")) >= 9  # the giver's line has its own breaths
    paced = end.summary.steps[2].paced
    assert paced is not None and paced.breaths_per_min == 5.5 and paced.following == "mostly"
    assert len(paced.swings_bpm) - len(mine) in (0, 1)  # the last may end with the session
    assert paced.swing_bpm is not None and paced.swing_bpm > 2 * paced.settle_swing_bpm  # type: ignore[operator]
    partner = end.summary.partner
    assert partner is not None and partner.steps[2].paced is not None
    assert partner.synchrony is not None and partner.synchrony.steps_left_out == ("Breathe",)
    assert "left out" in partner.synchrony.left_out_sentence
    assert end.summary.pace_finding is None  # one pace finds nothing
    await live.controller.close()


async def test_the_pace_can_be_set_before_and_during_the_step(store: Store) -> None:
    live = Live(store, SHORT)
    await live.controller.attach(SimulatedStrap(seed=5, speed=SPEED))
    await live.controller.start_session("Sam", "short")
    view = await live.controller.set_pace(6.5)  # before it: the next breathe step
    assert view.paces == (None, None, 6.5) and view.pacer is None
    await live.controller.next_step()
    view = await live.controller.next_step()
    assert view.pacer is not None and view.pacer.breaths_per_min == 6.5  # type: ignore[union-attr]
    await until(lambda: live.breaths())
    view = await live.controller.set_pace(4.5)
    assert view.pacer is not None and view.pacer.breaths_per_min == 4.5
    await until(lambda: live.breaths()[-1].breaths_per_min == 4.5, timeout=5)
    view = await live.controller.pause()
    assert view.pacer is not None and view.pacer.running is False
    with pytest.raises(SessionError):
        await live.controller.set_pace(6.0, step=1)  # a massage step has no pace
    await live.controller.stop()
    await live.controller.close()


async def test_the_finder_finds_the_simulated_persons_pace_and_it_becomes_their_default(
        store: Store) -> None:
    live = Live(store, PACE_FINDER, CLOSING_BREATH)
    person = Physiology(resonance_per_min=5.0, contact_loss_at_s=None)
    await live.controller.attach(SimulatedStrap(seed=9, speed=SPEED, physiology=person))
    end = await live.run("pace-finder", profile="Robin")
    found = end.summary.pace_finding
    assert found is not None and found.why == "clear" and found.pace == 5.0, found
    swings = {t.breaths_per_min: t.swing_bpm for t in found.trials}
    assert swings[5.0] == max(swings.values()) and all(t.breaths >= 8 for t in found.trials)
    assert await store.paces.default("robin") == 5.0  # any case
    history = await store.paces.history("Robin")
    assert history[0].figures["pace"] == 5.0 and len(history[0].figures["trials"]) == 5
    assert history[0].found_at.startswith("20") and history[0].role == "receiver"
    live.messages.clear()
    view = await live.controller.start_session("Robin", "closing-breath")
    assert view.paces[-1] == 5.0  # the closing breath takes Robin's own pace
    await live.controller.stop()
    assert math.isfinite(swings[6.5])  # type: ignore[arg-type]
    await live.controller.close()


def test_a_finding_session_a_crash_left_is_summarised_and_kept_on_opening(tmp_path: Path) -> None:
    """Its pacer's breaths were never kept: they are rebuilt from each step's pace."""
    from calmlink.live.routine import snapshot
    from calmlink.review.recovery import recover
    from calmlink.testing.seed import finder_beats

    path = tmp_path / "crashed.sqlite3"
    store = Store(path)
    store.open()

    async def write() -> None:
        sid = await store.start_session("Robin", PACE_FINDER.name, "sim", "simulated",
                                        steps=[s.name for s in PACE_FINDER.steps],
                                        snapshot=snapshot(PACE_FINDER))
        for beat in finder_beats(5.5):
            await asyncio.wrap_future(store.submit_beat(sid, beat))
    asyncio.run(write())
    store.close()  # the session still 'active', as a crash leaves it
    again = Store(path)
    assert recover(again) == 1
    try:
        summary = again.db.read_blocking(lambda c: c.execute("SELECT summary FROM sessions")
                                         .fetchone()[0])
        assert '"pace": 5.5' in summary and '"paced": {' in summary
        assert asyncio.run(again.paces.default("Robin")) == 5.5
    finally:
        again.close()


def test_the_pace_over_http(start_server: object) -> None:
    import httpx

    server = start_server(strap=False)  # type: ignore[operator]
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10) as c:
        assert c.post("/api/session/pace", json={"breaths_per_min": 6}).status_code == 409
        c.post("/api/session", json={"routine": "nine-quiet-minutes", "without_readings": True})
        refused = c.post("/api/session/pace", json={"breaths_per_min": 6})
        assert refused.status_code == 409 and "no breathe step" in refused.json()["detail"]
        c.post("/api/session/stop")
        c.post("/api/session", json={"routine": "closing-breath", "without_readings": True})
        assert c.post("/api/session/pace", json={"breaths_per_min": 7.5}).status_code == 422
        done = c.post("/api/session/pace", json={"breaths_per_min": 5.25}).json()
        assert done["paces"] == [None, None, None, None, 5.2] and done["pacer"] is None
        assert c.get("/api/paces", params={"person": "Nobody"}).json() == {
            "person": "Nobody", "pace": None, "history": []}
        c.post("/api/session/stop")
