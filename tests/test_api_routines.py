"""The routine API on a real server: create, edit, reorder, duplicate, delete; every rule refused
with its field named; what cannot change (built-in, running, stale) refused with a reason; a
session runs the routine as it is when it starts, and keeps it: editing or deleting the routine
later changes nothing of that session's review, and a renamed step keeps its history in trends."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from kept import kept_session, wait_ended

from calmlink.live.routine import BUILTIN_ROUTINES
from calmlink.sensors.simulator import SimulatedStrap

pytestmark = pytest.mark.usefixtures("no_blocking")


@pytest.fixture
def c(start_server: Any) -> Any:
    server = start_server(SimulatedStrap(speed=40.0), speed=40.0)
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=10) as client:
        client.server = server
        yield client


def mine(**change: Any) -> dict[str, Any]:
    routine = {"name": "Short and slow", "steps": [
        {"name": "Settle", "cue": "Warm hands. Breathe.", "duration_s": 30},
        {"name": "Temples", "cue": "Slow circles.", "duration_s": 20},
        {"name": "Neck", "cue": "Long strokes.", "duration_s": 20}]}
    return {**routine, **change}


def test_create_edit_reorder_duplicate_delete(c: Any) -> None:
    made = c.post("/api/routines", json=mine())
    assert made.status_code == 201, made.text
    r = made.json()
    assert (r["id"], r["builtin"], r["duration_s"], r["in_use"]) == ("short-and-slow", False, 70, False)
    assert [s["id"] for s in r["steps"]] == ["settle", "temples", "neck"]
    steps = r["steps"]
    steps[1]["name"] = "Temple circles"
    steps[1], steps[2] = steps[2], steps[1]
    steps.append({"name": "Stillness", "cue": "Rest.", "duration_s": 15})
    edited = c.put(f"/api/routines/{r['id']}", json={"name": "Short", "steps": steps,
                                                     "version": r["version"]}).json()
    assert [(s["id"], s["name"]) for s in edited["steps"]] == [
        ("settle", "Settle"), ("neck", "Neck"), ("temples", "Temple circles"),
        ("stillness", "Stillness")]
    assert edited["id"] == "short-and-slow" and edited["name"] == "Short"
    stale = c.put(f"/api/routines/{r['id']}", json={**mine(), "version": r["version"]})
    assert stale.status_code == 409 and "changed elsewhere" in stale.json()["detail"]
    copy = c.post("/api/routines/nine-quiet-minutes/duplicate").json()
    assert copy["name"] == "Nine quiet minutes (copy)" and copy["steps"][2]["id"] == "temples"
    named = c.post(f"/api/routines/{r['id']}/duplicate", json={"name": "Evening"})
    assert named.status_code == 201 and named.json()["id"] == "evening"
    listed = c.get("/api/routines").json()
    assert [x["id"] for x in listed["routines"]] == [
        "nine-quiet-minutes", "five-quiet-minutes", "closing-breath", "pace-finder", "evening",
        "nine-quiet-minutes-copy", "short-and-slow"]
    assert listed["folder"] == str(c.server.settings.routines_path)
    assert c.delete(f"/api/routines/{r['id']}").json() == {"deleted": "short-and-slow"}
    assert c.get(f"/api/routines/{r['id']}").status_code == 404
    assert c.delete(f"/api/routines/{r['id']}").status_code == 404


@pytest.mark.parametrize(("change", "loc", "words"), [
    ({"name": ""}, ["body", "name"], "must not be empty"),
    ({"name": "x" * 61}, ["body", "name"], "at most 60 characters"),
    ({"name": "Nine quiet minutes"}, ["body", "name"], "another routine's"),
    ({"steps": []}, ["body", "steps"], "from 1 to 20 steps"),
    ({"steps": [{"name": "Settle", "duration_s": 29}]}, ["body", "steps", 0, "duration_s"],
     "from 30 seconds to 10 minutes"),
    ({"steps": [{"name": "Settle", "duration_s": 60}, {"name": "T", "duration_s": 9.5}]},
     ["body", "steps", 1, "duration_s"], "from 10 seconds to 10 minutes (got 9.5 seconds)"),
    ({"steps": [{"name": "Settle", "duration_s": 600}] * 7}, ["body", "steps"], "at most 60 minutes"),
    ({"steps": [{"name": "Settle", "duration_s": 60, "cue": "c" * 201}]}, ["body", "steps", 0, "cue"],
     "at most 200 characters"),
    ({"steps": [{"name": "Settle", "duration_s": 60, "kind": "breathe"}]},
     ["body", "steps", 0, "kind"], "massage for the first step"),
    ({"steps": [{"name": "Settle", "duration_s": 60}, {"name": "B", "duration_s": 60,
                                                        "kind": "shout"}]},
     ["body", "steps", 1, "kind"], "one of: massage, breathe"),
    ({"steps": [{"name": "Settle", "duration_s": 60}, {"name": "B", "duration_s": 60,
                                                        "kind": "breathe", "breaths_per_min": 3.5}]},
     ["body", "steps", 1, "breaths_per_min"], "from 4 to 7"),
    ({"steps": [{"name": "Settle", "duration_s": 60}, {"name": "B", "duration_s": 60,
                                                        "breaths_per_min": 6}]},
     ["body", "steps", 1, "breaths_per_min"], "a breathe step only"),
    ({"steps": [{"name": "Settle", "duration_s": 60, "id": "Bad Id"}]}, ["body", "steps", 0, "id"],
     "lower-case letters"),
])
def test_invalid_input_is_refused_with_the_field_named(c: Any, change: dict[str, Any],
                                                       loc: list[Any], words: str) -> None:
    refused = c.post("/api/routines", json=mine(**change))
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert any(d["loc"] == loc and words in d["msg"] for d in detail), detail
    assert len(c.get("/api/routines").json()["routines"]) == len(BUILTIN_ROUTINES)  # nothing written


def test_what_cannot_be_changed_is_refused_with_a_reason(c: Any) -> None:
    builtin = c.put("/api/routines/nine-quiet-minutes", json=mine())
    assert builtin.status_code == 409 and "duplicate it" in builtin.json()["detail"]
    assert c.delete("/api/routines/five-quiet-minutes").status_code == 409
    r = c.post("/api/routines", json=mine()).json()
    assert c.post("/api/session", json={"profile": "Sam", "routine": r["id"]}).status_code == 200
    assert c.get(f"/api/routines/{r['id']}").json()["in_use"] is True
    running = c.put(f"/api/routines/{r['id']}", json=mine(name="Other"))
    assert running.status_code == 409 and "running in the session now" in running.json()["detail"]
    assert c.delete(f"/api/routines/{r['id']}").status_code == 409
    assert c.post(f"/api/routines/{r['id']}/duplicate").status_code == 201  # a copy is fine
    c.post("/api/session/stop")
    assert c.put(f"/api/routines/{r['id']}", json=mine(name="Other")).status_code == 200


def test_limits_are_served_for_the_page(c: Any) -> None:
    limits = c.get("/api/routine-limits").json()
    assert limits == {"min_steps": 1, "max_steps": 20, "min_step_s": 10.0, "max_step_s": 600.0,
                      "min_settle_s": 30.0, "max_total_s": 3600.0, "max_routine_name": 60,
                      "max_step_name": 40, "max_cue": 200, "max_step_id": 40, "min_pace": 4.0,
                      "max_pace": 7.0, "default_pace": 6.0, "kinds": ["massage", "breathe"]}


def test_a_session_keeps_the_routine_it_ran(c: Any) -> None:
    long_neck = [*mine()["steps"][:2], {"name": "Neck", "cue": "Long strokes.", "duration_s": 130}]
    r = c.post("/api/routines", json=mine(steps=long_neck)).json()
    # 180 s at 40x (4.5 s): well over the minute of beats a session needs to be kept
    view, sid = kept_session(c, {"profile": "Sam", "routine": "Short and slow"})
    assert view["step"]["cue"] == "Warm hands. Breathe."  # what the voice says at this step
    before = c.get(f"/api/sessions/{sid}", params={"beats": False}).json()
    assert [s["step_id"] for s in before["summary"]["steps"]] == ["settle", "temples", "neck"]

    steps = r["steps"]
    steps[1] = {**steps[1], "name": "Temple circles", "cue": "Tiny circles, slower still."}
    c.put(f"/api/routines/{r['id']}", json={"name": "Short and slow", "steps": steps})
    again = c.post("/api/session", json={"profile": "Sam", "routine": r["id"]}).json()
    deadline = time.monotonic() + 10
    while (now := c.get("/api/status").json()["session"]) is None or now["step"]["index"] != 1:
        assert now is not None and time.monotonic() < deadline, "the timer did not move on"
        time.sleep(0.05)
    assert (now["step"]["name"], now["step"]["cue"]) == ("Temple circles",
                                                         "Tiny circles, slower still.")
    wait_ended(c)
    c.delete(f"/api/routines/{r['id']}")

    after = c.get(f"/api/sessions/{sid}", params={"beats": False}).json()
    assert after == before  # edited, then deleted: the past session's review is unchanged
    assert after["routine_snapshot"]["steps"][1]["cue"] == "Slow circles."
    second = c.get(f"/api/sessions/{again['id']}", params={"beats": False}).json()
    assert second["routine_snapshot"]["steps"][1]["name"] == "Temple circles"
    trends = c.get("/api/trends", params={"profile": "Sam"}).json()["step_response"]
    temples = [t for t in trends if t["step_id"] == "temples"]
    assert len(temples) == 1 and temples[0]["step"] == "Temple circles"  # one history, new name


def test_a_file_edited_by_hand_counts_at_once(c: Any) -> None:
    folder = Path(c.server.settings.routines_path)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "by-hand.toml").write_text('name = "By hand"\n[[steps]]\nname = "Settle"\n'
                                         'cue = "Breathe."\nduration_s = 40\n')
    (folder / "broken.toml").write_text('name = "Broken"\n[[steps]]\nname = "Settle"\n')
    view = c.post("/api/session", json={"profile": "Sam", "routine": "by-hand"})
    assert view.status_code == 200 and view.json()["routine"]["name"] == "By hand"
    c.post("/api/session/stop")
    broken = c.get("/api/routines").json()["broken"]
    assert broken == [{"id": "broken", "file": "broken.toml",
                       "error": "broken.toml: step 1: 'duration_s' must be a number of seconds",
                       "errors": [{"loc": ["steps", 0, "duration_s"],
                                   "msg": "must be a number of seconds"}]}]
    assert c.post("/api/session", json={"routine": "broken"}).status_code == 409


def test_the_guards_apply(c: Any) -> None:
    url = c.server.url
    assert httpx.post(url + "/api/routines", json=mine()).status_code == 403  # no Origin
    assert httpx.post(url + "/api/routines", json=mine(),
                      headers={"origin": "http://evil.example"}).status_code == 403
    assert httpx.patch(url + "/api/sessions/1/tried", json={"add_tags": ["x"]},
                       headers={"origin": "http://evil.example"}).status_code == 403
    assert httpx.get(url + "/api/routines", headers={"host": "evil.example"}).status_code == 400
    assert httpx.get(url + "/routines").headers["content-security-policy"].startswith("default-src")
    assert c.get("/api/routines").json()["routines"][0]["id"] == "nine-quiet-minutes"
