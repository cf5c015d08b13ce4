"""An imported recording's first minute is its settle step, named "Settle" as every routine's first
step is: a new import says so, and a store written when imports named it "Baseline" reads "Settle"
once opened (schema version 10), in the steps, the summary, the giver's part of it and the CSV
export, while a routine of someone's own with a step called "Baseline" keeps it."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

from calmlink.review.imported import IMPORT_STEPS, imported_beats
from calmlink.store import rows
from calmlink.store.export import to_csv
from calmlink.store.schema import MIGRATIONS, SCHEMA_VERSION
from calmlink.store.store import Store
from calmlink.testing.seed import synthetic_session

OLD_STEPS = ["Baseline", "Recording"]


def _as_imports_stored_it(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary with its first step named as calmlink 0.2 named it."""
    out = json.loads(json.dumps(summary))
    for steps in (out["steps"], out["partner"]["steps"]):
        assert steps[0]["index"] == 0
        steps[0]["name"] = "Baseline"
    return out


def _store_from_before(path: Path) -> dict[str, Any]:
    """A store at schema version 9 holding a pair imported as one partner session (its steps named
    "Baseline" and "Recording") and a live session whose own routine has a step called "Baseline";
    returns the pair's summary as an import today stores it."""
    rng = random.Random(3)
    beats, summary = imported_beats(synthetic_session(rng, 4.0), synthetic_session(rng, 4.0), "Alex")
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(9):
        for statement in MIGRATIONS[version].split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 9")
    conn.execute("INSERT INTO profiles(name, created_at) VALUES ('Sam', '2026-01-01T00:00:00')")
    old = _as_imports_stored_it(summary.to_dict())
    conn.execute("INSERT INTO sessions(profile_id, routine, device, source, started_at, ended_at, "
                 "state, steps, n_beats, duration_s, summary, giver, uid) VALUES (1, "
                 "'imported recording', 'imported from pair.csv', 'imported', "
                 "'2026-01-01T20:00:00+00:00', '2026-01-01T20:04:00+00:00', 'completed', ?, ?, ?, ?, "
                 "'Alex', 'aa')", (json.dumps(OLD_STEPS), len(beats), beats[-1].t, json.dumps(old)))
    conn.executemany(rows.INSERT_BEAT, [rows.beat_values(1, b) for b in beats])
    own = {**old, "steps": [{**old["steps"][0], "name": "Baseline"}], "partner": None}
    conn.execute("INSERT INTO sessions(profile_id, routine, device, source, started_at, ended_at, "
                 "state, steps, n_beats, duration_s, summary, uid) VALUES (1, 'Mine', 'Polar H10', "
                 "'live', '2026-01-02T20:00:00+00:00', '2026-01-02T20:09:00+00:00', 'completed', ?, "
                 "0, 540, ?, 'bb')", (json.dumps(["Baseline", "Temples"]), json.dumps(own)))
    conn.close()
    return json.loads(json.dumps(summary.to_dict()))


def test_a_new_import_names_its_first_minute_settle() -> None:
    rng = random.Random(4)
    _, summary = imported_beats(synthetic_session(rng, 3.0), synthetic_session(rng, 3.0), "Alex")
    assert IMPORT_STEPS == ["Settle", "Recording"]
    assert [s.name for s in summary.steps] == IMPORT_STEPS
    assert summary.partner is not None and [s.name for s in summary.partner.steps] == IMPORT_STEPS


def test_a_store_from_before_reads_settle_once_opened(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    today = _store_from_before(db)
    store = Store(db)
    store.open()
    try:
        assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        imported = asyncio.run(store.session(1))
        assert imported is not None
        assert [s["name"] for s in imported["summary"]["steps"]] == ["Settle", "Recording"]
        assert [s["name"] for s in imported["summary"]["partner"]["steps"]] == [
            "Settle", "Recording"]
        assert imported["summary"] == today  # the names changed, every figure as it was
        assert asyncio.run(store.step_names(1)) == ["Settle", "Recording"]
        exported = to_csv(asyncio.run(store.beats(1)), asyncio.run(store.step_names(1)))
        assert ",Settle" in exported and "Baseline" not in exported
        mine = asyncio.run(store.session(2))
        assert mine is not None and mine["summary"]["steps"][0]["name"] == "Baseline"
        assert asyncio.run(store.step_names(2)) == ["Baseline", "Temples"]
    finally:
        store.close()
