"""Routines a couple writes: the rules (the same for a file, the API and the page), the files (read
back exactly as written, whatever the text), and the folder (atomic writes, broken files shown,
built-in routines read-only, stable step ids, the old folder moved once)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmlink.live.routine import (
    BUILTIN_ROUTINES,
    CLOSING_BREATH,
    DEFAULT_ROUTINE,
    FIVE_MINUTES,
    LIMITS,
    PACE_FINDER,
    Routine,
    RoutineError,
    Step,
    check_routine,
    snapshot,
)
from calmlink.live.routine_library import ReadOnly, RoutineLibrary, Stale, write_atomic
from calmlink.live.routine_toml import parse_routine, to_toml
from calmlink.store.step_id import slug, stored_step_id


def test_the_built_in_routines() -> None:
    assert DEFAULT_ROUTINE.steps[0].name == "Settle"
    assert 8 * 60 <= DEFAULT_ROUTINE.duration_s <= 10 * 60
    assert [s.name for s in DEFAULT_ROUTINE.steps][1:] == [
        "Forehead", "Temples", "Scalp", "Base of the skull", "Neck", "Stillness"]
    assert FIVE_MINUTES.duration_s == 300 and FIVE_MINUTES.steps[0].name == "Settle"
    assert all(r.builtin for r in BUILTIN_ROUTINES)
    nine = {s.name: s.id for s in DEFAULT_ROUTINE.steps}
    assert all(nine[s.name] == s.id for s in FIVE_MINUTES.steps)  # one history per step
    assert nine["Base of the skull"] == "base-of-the-skull"
    for r in BUILTIN_ROUTINES:  # they meet their own rules, and a file keeps them whole
        raw = snapshot(r)
        del raw["id"], raw["builtin"]
        assert check_routine(raw).steps == r.steps
        assert parse_routine(to_toml(r), routine_id=r.id).steps == r.steps
    assert CLOSING_BREATH.steps[-1].kind == "breathe" and CLOSING_BREATH.steps[-1].duration_s == 180
    assert CLOSING_BREATH.steps[-1].breaths_per_min is None  # the receiver's own pace, else 6
    assert [s.breaths_per_min for s in PACE_FINDER.steps] == [None, 6.5, 6.0, 5.5, 5.0, 4.5]


def test_sessions_stored_before_step_ids_join_the_built_in_history() -> None:
    for s in DEFAULT_ROUTINE.steps:
        assert stored_step_id({"name": s.name}) == s.id
    assert stored_step_id({"name": "Temples", "step_id": "circles"}) == "circles"
    assert slug("Épaules & cou!") == "epaules-cou" and slug("頭") == "step"
    assert len(slug("word " * 30)) <= 40


def file(*steps: str, name: str = '"Mine"') -> str:
    return f"name = {name}\n" + "".join(f"[[steps]]\n{s}\n" for s in steps)


SETTLE = 'name = "Settle"\nduration_s = 60'


@pytest.mark.parametrize(("text", "message"), [
    ("name = 1", "'name' must be text"),
    ('name = "x"', "'steps' must be a list of steps"),
    (file('name = "Settle"\nduration_s = "long"'), "step 1: 'duration_s' must be a number"),
    (file(SETTLE + '\ncolour = "blue"'), "step 1: 'colour' is not a field a step has"),
    (file(SETTLE, 'name = ""\nduration_s = 60'), "step 2: 'name' must not be empty"),
    (file('name = "Settle"\nduration_s = 20'),
     "step 1: 'duration_s' must be from 30 seconds to 10 minutes (the first step is the settle "
     "step, the starting point the rest is compared with: got 20 seconds)"),
    (file(SETTLE, 'name = "Temples"\nduration_s = 5'),
     "step 2: 'duration_s' must be from 10 seconds to 10 minutes (got 5 seconds)"),
    (file(SETTLE, 'name = "Temples"\nduration_s = 1'),
     "step 2: 'duration_s' must be from 10 seconds to 10 minutes (got 1 second)"),
    (file(SETTLE, 'name = "Temples"\nduration_s = 601'), "from 10 seconds to 10 minutes (got 601"),
    (file(*[SETTLE] + ['name = "Long"\nduration_s = 600'] * 6), "'steps' must last at most 60 minutes "
     "in all (these last 61.0 minutes)"),
    (file(*[SETTLE] * 21), "'steps' must be from 1 to 20 steps (this has 21)"),
    ('name = "x"\nsteps = []', "'steps' must be from 1 to 20 steps (this has 0)"),
    (file(SETTLE, name='"' + "n" * 61 + '"'), "'name' must be at most 60 characters (this has 61)"),
    (file(SETTLE + '\ncue = "' + "c" * 201 + '"'), "step 1: 'cue' must be at most 200 characters"),
    (file('name = "' + "s" * 41 + '"\nduration_s = 60'), "'name' must be at most 40 characters"),
    (file(SETTLE + '\ncue = "line\\nbreak"'), "'cue' must be one line"),
    (file(SETTLE + '\nid = "Not An Id"'), "step 1: 'id' must be lower-case letters and digits"),
    (file(SETTLE + '\nid = "a"', 'name = "B"\nid = "a"\nduration_s = 60'),
     "step 2: 'id' 'a' is step 1's already"),
    (file(SETTLE + '\nkind = "breathe"'), "step 1: 'kind' must be massage for the first step"),
    (file(SETTLE, 'name = "B"\nduration_s = 60\nkind = "sing"'),
     "step 2: 'kind' must be one of: massage, breathe"),
    (file(SETTLE, 'name = "B"\nduration_s = 60\nbreaths_per_min = 6'),
     "step 2: 'breaths_per_min' belongs to a breathe step only"),
    (file(SETTLE, 'name = "B"\nduration_s = 60\nkind = "breathe"\nbreaths_per_min = 8'),
     "step 2: 'breaths_per_min' must be a number of breaths a minute from 4 to 7"),
    ("colour = 1\n" + file(SETTLE), "'colour' is not a field a routine has"),
    ("name = [", "not valid TOML"),
])
def test_routine_files_are_refused_with_the_field_named(text: str, message: str) -> None:
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "mine.toml")
    assert str(caught.value).startswith("mine.toml: ") and message in str(caught.value), caught.value


def test_every_broken_rule_is_named_at_once() -> None:
    with pytest.raises(RoutineError) as caught:
        check_routine({"name": "", "steps": [{"name": "Settle", "duration_s": 5},
                                             {"name": "x" * 50, "duration_s": 60, "cue": 3}]})
    assert {e.loc for e in caught.value.errors} == {
        ("name",), ("steps", 0, "duration_s"), ("steps", 1, "name"), ("steps", 1, "cue")}


def test_steps_get_ids_from_their_names_once() -> None:
    r = parse_routine(file(SETTLE, 'name = "Neck"\nduration_s = 30', 'name = "Neck"\nduration_s = 30',
                           'name = "Temples"\nid = "neck-2"\nduration_s = 30'))
    assert [s.id for s in r.steps] == ["settle", "neck", "neck-3", "neck-2"]
    assert (r.steps[1].cue, r.steps[1].kind, r.duration_s) == ("", "massage", 150.0)
    kept = parse_routine(to_toml(r))
    assert kept == r


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=LIMITS.max_step_name).filter(lambda s: s.strip() == s and s)


@given(st.builds(
    lambda name, steps: Routine(name, tuple(steps)),
    names,
    st.lists(st.builds(lambda n, c, d: Step(n, c, d), names,
                       st.text(st.characters(blacklist_categories=("Cs", "Cc")),
                               max_size=LIMITS.max_cue).map(str.strip),
                       st.floats(30, 150) | st.integers(30, 150).map(float)),
             min_size=1, max_size=20)))
def test_any_routine_reads_back_exactly_as_written(routine: Routine) -> None:
    again = parse_routine(to_toml(routine), "r.toml", routine.id)
    assert again == routine


# -- the folder -----------------------------------------------------------------------------------


def body(name: str, *steps: tuple[str, float], **extra: Any) -> dict[str, Any]:
    return {"name": name, "steps": [{"name": n, "cue": f"{n}, slowly.", "duration_s": d, **extra}
                                    for n, d in steps]}


def test_create_edit_reorder_duplicate_delete(tmp_path: Path) -> None:
    lib = RoutineLibrary(tmp_path / "routines")
    made = lib.create_blocking(body("Short and slow", ("Settle", 45), ("Temples", 60), ("Neck", 30)))
    assert made.id == "short-and-slow" and (tmp_path / "routines" / "short-and-slow.toml").exists()
    assert [r.id for r in lib.refresh_blocking().routines] == [
        "nine-quiet-minutes", "five-quiet-minutes", "closing-breath", "pace-finder",
        "short-and-slow"]
    steps = [{"id": s.id, "name": s.name, "cue": s.cue, "duration_s": s.duration_s} for s in made.steps]
    steps[1]["name"] = "Temple circles"  # renamed: keeps its id
    steps[1], steps[2] = steps[2], steps[1]  # and moved after Neck
    edited = lib.update_blocking(made.id, {"name": "Short and slow", "steps": steps},
                                 lib.shelf.versions[made.id])
    assert [(s.id, s.name) for s in edited.steps] == [
        ("settle", "Settle"), ("neck", "Neck"), ("temples", "Temple circles")]
    assert lib.find("short and slow") == edited == lib.find("short-and-slow")
    copy = lib.duplicate_blocking("nine-quiet-minutes")
    assert (copy.name, copy.builtin) == ("Nine quiet minutes (copy)", False)
    assert [s.id for s in copy.steps] == [s.id for s in DEFAULT_ROUTINE.steps]
    assert lib.duplicate_blocking("nine-quiet-minutes").name == "Nine quiet minutes (copy 2)"
    lib.delete_blocking(made.id)
    assert lib.find(made.id) is None
    assert sorted(p.name for p in (tmp_path / "routines").iterdir()) == [
        "nine-quiet-minutes-copy-2.toml", "nine-quiet-minutes-copy.toml"]  # no temporary left


def test_what_cannot_be_changed(tmp_path: Path) -> None:
    lib = RoutineLibrary(tmp_path)
    with pytest.raises(ReadOnly, match="comes with calmlink"):
        lib.update_blocking("nine-quiet-minutes", body("Nine", ("Settle", 60)))
    with pytest.raises(ReadOnly):
        lib.delete_blocking("five-quiet-minutes")
    made = lib.create_blocking(body("Mine", ("Settle", 60)))
    with pytest.raises(Stale, match="changed elsewhere"):
        lib.update_blocking(made.id, body("Mine", ("Settle", 90)), version="0" * 16)
    with pytest.raises(RoutineError) as caught:
        lib.create_blocking(body("NINE QUIET MINUTES", ("Settle", 60)))
    assert caught.value.errors[0].loc == ("name",) and "another routine's" in str(caught.value)
    with pytest.raises(ReadOnly, match="no folder"):
        RoutineLibrary(None).create_blocking(body("Mine", ("Settle", 60)))


def test_a_file_edited_by_hand_that_does_not_parse_is_shown_never_dropped(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(file(SETTLE))
    (tmp_path / "bad.toml").write_text(file('name = "Settle"\nduration_s = 5'))
    (tmp_path / "twin.toml").write_text(file(SETTLE))  # the same name as good.toml's
    (tmp_path / "nine-quiet-minutes.toml").write_text(file(SETTLE, name='"Other"'))
    (tmp_path / "latin1.toml").write_bytes(b'name = "caf\xe9"')
    shelf = RoutineLibrary(tmp_path).refresh_blocking()
    assert [r.id for r in shelf.routines][len(BUILTIN_ROUTINES):] == ["good"]
    broken = {b.file: b.error for b in shelf.broken}
    assert set(broken) == {"bad.toml", "twin.toml", "nine-quiet-minutes.toml", "latin1.toml"}
    assert "step 1: 'duration_s' must be from 30 seconds" in broken["bad.toml"]
    assert "another routine (good)" in broken["twin.toml"]
    assert "built-in routine's file" in broken["nine-quiet-minutes.toml"]
    lib = RoutineLibrary(tmp_path)
    lib.refresh_blocking()
    fixed = lib.update_blocking("bad", body("Fixed", ("Settle", 60)))  # fixed from the page
    assert fixed.id == "bad" and "bad.toml" not in {b.file for b in lib.shelf.broken}


def test_the_old_folder_is_moved_once(tmp_path: Path) -> None:
    old, new = tmp_path / "data" / "routines", tmp_path / "config" / "routines"
    old.mkdir(parents=True)
    new.mkdir(parents=True)
    (old / "mine.toml").write_text(file(SETTLE, name='"Mine"'))
    (old / "taken.toml").write_text(file(SETTLE, name='"Old taken"'))
    (new / "taken.toml").write_text(file(SETTLE, name='"New taken"'))
    shelf = RoutineLibrary(new, legacy=old).refresh_blocking()
    assert {r.name for r in shelf.routines} >= {"Mine", "New taken"}
    assert not (old / "mine.toml").exists() and (new / "mine.toml").exists()
    assert (old / "taken.toml").exists() and len(shelf.notes) == 1 and "taken.toml" in shelf.notes[0]


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("old")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["mine.toml"]
