"""The controller on its own: a hand-driven session clock, scripted straps that speak real 0x2A37
bytes, a real SQLite file. Nothing here sleeps for a fixed time: every wait is for a condition."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from calmlink.live.controller import END_VIEW_KEPT_S, Controller, SessionError
from calmlink.live.events import (
    BeatMessage,
    CommittedMessage,
    Message,
    SessionEndMessage,
    StatusMessage,
    StepMessage,
    StoreErrorMessage,
)
from calmlink.live.routine import Routine, Step
from calmlink.live.routine_library import RoutineLibrary
from calmlink.live.step_clock import StepClock
from calmlink.sensors.hrs import encode_heart_rate_measurement
from calmlink.sensors.models import ConnectionCause, SourceEvent
from calmlink.store.beat import Role
from calmlink.store.store import Store
from calmlink.testing.sources import ScriptedStrap

pytestmark = pytest.mark.usefixtures("no_blocking")

ROUTINE = Routine("Two steps", (Step("Settle", "Breathe.", 30), Step("Temples", "Circles.", 60)))
BEAT = encode_heart_rate_measurement(60, [1024])  # one beat of exactly 1 s


# -- the step clock, pure -----------------------------------------------------------------------

def test_step_clock_carries_overshoot_into_the_next_step() -> None:
    clock = StepClock((30.0, 60.0, 10.0), started=100.0)
    assert clock.due(129.0) == [] and clock.step == 0
    assert clock.due(131.5) == [1]
    assert clock.remaining(131.5) == pytest.approx(58.5)  # the 1.5 s late tick is not lost
    assert clock.due(195.0) == [2]  # 100 + 30 + 60 = 190: five seconds into the last step
    assert clock.remaining(195.0) == pytest.approx(5.0)
    assert clock.due(200.0) is None  # the routine is over


def test_step_clock_pause_stops_time_and_survives_a_step_change() -> None:
    clock = StepClock((30.0, 60.0), started=0.0)
    assert clock.pause(10.0) and not clock.pause(11.0)
    assert clock.due(500.0) == [] and clock.remaining(500.0) == pytest.approx(20.0)
    clock.go_to(1, 500.0)
    assert clock.paused and clock.remaining(600.0) == pytest.approx(60.0)
    assert clock.resume(600.0) and not clock.resume(601.0)
    assert clock.remaining(630.0) == pytest.approx(30.0)
    with pytest.raises(ValueError):
        clock.go_to(2, 0.0)


# -- the controller -----------------------------------------------------------------------------

class Harness:
    def __init__(self, store: Store) -> None:
        self.now = 0.0
        self.messages: list[Message] = []
        self.controller = Controller(store, self.messages.append, clock=lambda: self.now,
                                     routines=RoutineLibrary(None, builtins=(ROUTINE,)))

    def of(self, kind: type[Message]) -> list[Message]:
        return [m for m in self.messages if isinstance(m, kind)]

    def beats(self, role: Role | None = None) -> list[BeatMessage]:
        return [m for m in self.messages if isinstance(m, BeatMessage) and m.session_id is not None
                and (role is None or m.beat.role == role)]

    async def until(self, condition: Callable[[], object], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.005)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    store = Store(tmp_path / "c.sqlite3")
    await asyncio.to_thread(store.open)
    h = Harness(store)
    try:
        yield h
    finally:
        await h.controller.close()
        await asyncio.to_thread(store.close)


async def started_strap(h: Harness, role: Role = Role.RECEIVER, name: str = "strap") -> ScriptedStrap:
    strap = ScriptedStrap(name)
    await h.controller.attach(strap, role)
    await asyncio.wait_for(strap.ready.wait(), 5)
    return strap


async def test_steps_advance_on_the_session_clock_with_overshoot(harness: Harness) -> None:
    h = harness
    strap = await started_strap(h)
    view = await h.controller.start_session("Sam", ROUTINE.name)
    assert (view.step.index, view.step.remaining_s) == (0, 30.0)
    h.now = 31.0
    strap.send(BEAT, arrival=1.0)
    await h.until(lambda: h.beats())
    steps = [m.session for m in h.of(StepMessage) if isinstance(m, StepMessage)]
    assert steps[-1] is not None and steps[-1].step.index == 1
    assert steps[-1].step.remaining_s == 59.0  # the second late for the tick is carried
    assert h.beats()[-1].beat.step == 1 and h.beats()[-1].step_remaining_s == 59.0
    h.now = 91.5
    strap.send(BEAT, arrival=2.0)
    await h.until(lambda: h.of(SessionEndMessage))
    end = h.of(SessionEndMessage)[-1]
    assert isinstance(end, SessionEndMessage) and end.summary.state == "completed"


async def test_pause_stops_the_step_timer_not_the_recording(harness: Harness) -> None:
    h = harness
    strap = await started_strap(h)
    await h.controller.start_session("Sam", ROUTINE.name)
    h.now = 10.0
    paused = await h.controller.pause()
    assert paused.state == "paused"
    h.now = 300.0
    for k in range(3):
        strap.send(BEAT, arrival=1.0 + k)
    await h.until(lambda: len(h.beats()) == 3)
    assert all(b.paused and b.beat.step == 0 for b in h.beats())  # beats keep coming
    resumed = await h.controller.resume()
    assert resumed.state == "active" and resumed.step.remaining_s == 20.0
    with pytest.raises(SessionError):
        await h.controller.start_session("Sam", ROUTINE.name)


async def test_a_new_strap_mid_session_continues_the_clock_after_a_gap(harness: Harness) -> None:
    h = harness
    first = await started_strap(h, name="first")
    await h.controller.start_session("Sam", ROUTINE.name)
    for k in range(5):
        h.now = float(k)
        first.send(BEAT, arrival=1.0 + k)
        await h.until(lambda k=k: len(h.beats()) == k + 1)
    h.now = 12.0
    second = await started_strap(h, name="second")  # its own clock starts near zero
    second.send(BEAT, arrival=1.0)
    second.send(BEAT, arrival=2.0)
    await h.until(lambda: len(h.beats()) == 7)
    times = [b.beat.t for b in h.beats()]
    assert times == sorted(times)
    assert h.beats()[5].beat.gap_before and not h.beats()[6].beat.gap_before
    assert h.beats()[5].beat.t == pytest.approx(12.0, abs=1.0)  # on the session's clock


async def test_commits_are_acknowledged_once_per_commit_not_per_beat(harness: Harness) -> None:
    h = harness
    strap = await started_strap(h)
    await h.controller.start_session("Sam", ROUTINE.name)
    burst = encode_heart_rate_measurement(60, [1024] * 9)
    for k in range(20):
        strap.send(burst, arrival=9.0 * (k + 1))
    await h.until(lambda: len(h.beats()) == 180)
    await h.until(lambda: any(isinstance(m, CommittedMessage) and m.through == 179
                              for m in h.messages))
    acks = [m for m in h.messages if isinstance(m, CommittedMessage)]
    assert len(acks) < 180
    throughs = [a.through for a in acks]
    assert throughs == sorted(throughs)
    assert [b.beat.beat_seq for b in h.beats()] == list(range(180))


async def test_a_beat_the_store_refuses_is_announced(harness: Harness) -> None:
    h = harness
    strap = await started_strap(h)
    view = await h.controller.start_session("Sam", ROUTINE.name)
    strap.send(BEAT, arrival=1.0)
    await h.until(lambda: h.of(CommittedMessage))
    await h.controller.store.delete_session(view.id)  # the next beat has no session to belong to
    strap.send(BEAT, arrival=2.0)
    await h.until(lambda: h.of(StoreErrorMessage))
    error = h.of(StoreErrorMessage)[0]
    assert isinstance(error, StoreErrorMessage)
    assert error.beat_seq == 1 and "could not save a beat" in error.reason


async def test_the_giver_strap_streams_beside_the_receiver(harness: Harness, tmp_path: Path) -> None:
    h = harness
    receiver = await started_strap(h, Role.RECEIVER, "receiver strap")
    giver = await started_strap(h, Role.GIVER, "giver strap")
    view = await h.controller.start_session("Sam", ROUTINE.name)
    assert set(view.roles) == {"receiver", "giver"}
    for k in range(4):  # a minute of beats: a session is kept from a minute on
        receiver.send(BEAT, arrival=1.0 + 20 * k)
        giver.send(encode_heart_rate_measurement(75, [819]), arrival=1.0 + 20 * k)
    await h.until(lambda: len(h.beats()) == 8)
    assert {b.beat.role for b in h.beats()} == {"receiver", "giver"}
    statuses = [m for m in h.of(StatusMessage) if isinstance(m, StatusMessage)]
    assert {m.role for m in statuses} == {"receiver", "giver"}
    summary = await h.controller.stop()
    assert summary.n_beats == 4  # the summary is the receiver's
    stored = await h.controller.store.beats(view.id)
    assert sorted(b.role for b in stored) == ["giver"] * 4 + ["receiver"] * 4


async def test_the_end_view_is_kept_for_half_an_hour_after_the_end(harness: Harness) -> None:
    h = harness
    await started_strap(h)
    assert h.controller.end_kept_s() is None  # nothing has ended
    h.now = 100.0
    await h.controller.start_session("Sam", ROUTINE.name)
    h.now = 110.0
    await h.controller.stop()
    assert h.controller.end_kept_s() == END_VIEW_KEPT_S == 1800.0
    h.now = 110.0 + 600.0
    assert h.controller.snapshot(epoch="e").end_kept_s == 1200.0
    h.now = 110.0 + END_VIEW_KEPT_S + 1.0
    assert h.controller.end_kept_s() == 0.0  # the next evening: every page opens on the start
    assert h.controller.last_summary is not None  # still there for a page that asks
    await h.controller.clear_summary()
    assert h.controller.end_kept_s() is None


async def test_contact_lost_and_back_is_said_once_each(harness: Harness) -> None:
    h = harness
    strap = await started_strap(h)
    strap.send(encode_heart_rate_measurement(60, [1024], sensor_contact=True), arrival=1.0)
    for k in range(3):
        strap.send(encode_heart_rate_measurement(60, sensor_contact=False), arrival=2.0 + k)
    strap.send(encode_heart_rate_measurement(60, [1024], sensor_contact=True), arrival=6.0)
    await h.until(lambda: len([m for m in h.messages if isinstance(m, BeatMessage)]) == 5)
    causes = [m.connection.cause for m in h.of(StatusMessage) if isinstance(m, StatusMessage)]
    assert causes.count(ConnectionCause.NO_CONTACT) == 1
    assert causes[-1] is ConnectionCause.RECEIVING


class SlowToClose:
    """A source that ignores close() for a long while."""

    name = "slow"

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def events(self) -> AsyncIterator[SourceEvent]:
        self.started.set()
        await asyncio.sleep(3600)
        yield  # type: ignore[misc]

    async def close(self) -> None:
        return None


async def test_detach_never_swallows_the_callers_cancellation(harness: Harness) -> None:
    h = harness
    source = SlowToClose()
    await h.controller.attach(source)
    await source.started.wait()
    detaching = asyncio.create_task(h.controller.detach())
    await asyncio.sleep(0.05)
    detaching.cancel()
    with pytest.raises(asyncio.CancelledError):
        await detaching



class ClosesWhenLetGo:
    """A source that takes its time to say goodbye: until ``let_go`` is set."""

    name = "old"

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.let_go = asyncio.Event()

    async def events(self) -> AsyncIterator[SourceEvent]:
        self.started.set()
        await self.let_go.wait()
        return
        yield  # an async generator that yields nothing

    async def close(self) -> None:
        return None


async def test_a_start_while_one_strap_replaces_another_waits_for_the_new_one(
        harness: Harness) -> None:
    """Tapping another strap and then Start at once: the start must not fall into the moment
    between the old strap closing and the new one attached ("no strap is connected")."""
    h = harness
    old = ClosesWhenLetGo()
    await h.controller.attach(old)
    await old.started.wait()
    replacing = asyncio.create_task(h.controller.attach(ScriptedStrap("new")))
    await h.until(lambda: not h.controller.straps.roles)  # the old strap is going, slowly
    starting = asyncio.create_task(h.controller.start_session("Sam", ROUTINE.name))
    await asyncio.sleep(0.05)
    assert not starting.done()  # it waits for the new strap instead of refusing
    old.let_go.set()
    await asyncio.wait_for(replacing, 5)
    view = await asyncio.wait_for(starting, 5)
    assert view.step.index == 0 and h.controller.straps.roles == [Role.RECEIVER]
