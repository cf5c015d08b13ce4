"""The SQLite schema, versioned with ``PRAGMA user_version``; migrations only ever move forward."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # version 1
    """
    CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        routine TEXT NOT NULL,
        device TEXT,
        source TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'interrupted')),
        notes TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE beats (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        t REAL NOT NULL,
        rr_ms REAL,
        hr_bpm REAL NOT NULL,
        artifact INTEGER NOT NULL,
        gap_before INTEGER NOT NULL,
        step INTEGER,
        gauge REAL,
        trend TEXT,
        quality TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
    """,
    # version 2: stored per-session summaries (lists and trends never recompute from beats),
    # ratings before and after from each partner, and the role of the strap each beat came from
    """
    ALTER TABLE sessions ADD COLUMN n_beats INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN duration_s REAL;
    ALTER TABLE sessions ADD COLUMN outcome TEXT;
    ALTER TABLE sessions ADD COLUMN summary TEXT;
    ALTER TABLE sessions ADD COLUMN steps TEXT;
    ALTER TABLE sessions ADD COLUMN rating_receiver_before INTEGER
        CHECK (rating_receiver_before BETWEEN 1 AND 5);
    ALTER TABLE sessions ADD COLUMN rating_receiver_after INTEGER
        CHECK (rating_receiver_after BETWEEN 1 AND 5);
    ALTER TABLE sessions ADD COLUMN rating_giver_before INTEGER
        CHECK (rating_giver_before BETWEEN 1 AND 5);
    ALTER TABLE sessions ADD COLUMN rating_giver_after INTEGER
        CHECK (rating_giver_after BETWEEN 1 AND 5);
    ALTER TABLE beats ADD COLUMN role TEXT NOT NULL DEFAULT 'receiver';
    ALTER TABLE beats ADD COLUMN rmssd_ms REAL;
    UPDATE sessions SET n_beats = (SELECT COUNT(*) FROM beats b WHERE b.session_id = sessions.id);
    CREATE INDEX sessions_by_profile ON sessions(profile_id, started_at);
    """,
    # version 3: viewers paired for LAN use (only a hash of each token is kept)
    """
    CREATE TABLE viewers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_seen TEXT,
        revoked_at TEXT,
        local INTEGER NOT NULL DEFAULT 0
    );
    """,
    # version 4: a beat's own number is beat_seq (the feed's message counter is seq); beats keep
    # why the gauge was withheld and the strap's contact flag; viewers.last_seen was never written
    """
    ALTER TABLE beats RENAME COLUMN seq TO beat_seq;
    ALTER TABLE beats ADD COLUMN reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE beats ADD COLUMN contact INTEGER;
    ALTER TABLE viewers DROP COLUMN last_seen;
    """,
    # version 5: partner mode names the giver, so a couple's sessions can be compared with each other
    """
    ALTER TABLE sessions ADD COLUMN giver TEXT;
    CREATE INDEX sessions_by_couple ON sessions(profile_id, giver, started_at);
    """,
    # version 6: a session keeps the routine it ran (a JSON snapshot: editing or
    # deleting the routine never changes its review; NULL for sessions stored before) and what
    # the couple tried: one row per choice (hands, pressure, position, sound) and per free tag
    """
    ALTER TABLE sessions ADD COLUMN routine_snapshot TEXT;
    CREATE TABLE session_tried (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        value TEXT NOT NULL COLLATE NOCASE,
        CHECK ((kind = 'tag' AND length(value) BETWEEN 1 AND 40)
            OR (kind = 'hands' AND value IN ('oil', 'dry'))
            OR (kind = 'pressure' AND value IN ('light', 'medium', 'firm'))
            OR (kind = 'position' AND value IN ('facing', 'back-to-back', 'lying-down'))
            OR (kind = 'sound' AND value IN ('music', 'silence'))),
        PRIMARY KEY (session_id, kind, value)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX session_tried_one_choice ON session_tried(session_id, kind)
        WHERE kind <> 'tag';
    CREATE INDEX session_tried_by_value ON session_tried(kind, value);
    """,
    # version 7: times carry the UTC offset they were lived at, so sessions sort by the instant they
    # started (julianday() reads the offset; the UTC times stored before read as they always did)
    """
    DROP INDEX sessions_by_profile;
    CREATE INDEX sessions_by_profile ON sessions(profile_id, julianday(started_at));
    DROP INDEX sessions_by_couple;
    CREATE INDEX sessions_by_couple ON sessions(profile_id, giver, julianday(started_at));
    CREATE INDEX sessions_by_start ON sessions(julianday(started_at));
    """,
    # version 8: a session's own identity across machines: a restored backup adds only the sessions a store
    # lacks (calmlink.store.backup); every insert gives one (NEW_UID)
    """
    ALTER TABLE sessions ADD COLUMN uid TEXT;
    UPDATE sessions SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
    CREATE UNIQUE INDEX sessions_by_uid ON sessions(uid);
    """,
    # version 9: what a pace-finding session found for each person who breathed it (the pace, or
    # NULL for "no clear best pace", with the figures behind it); the latest clear pace is that
    # person's default for breathe steps. It goes with its session (deleted, backed up, restored).
    """
    CREATE TABLE breath_paces (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('receiver', 'giver')),
        person TEXT NOT NULL COLLATE NOCASE CHECK (length(person) BETWEEN 1 AND 80),
        pace REAL CHECK (pace IS NULL OR pace BETWEEN 4 AND 7),
        figures TEXT NOT NULL,
        found_at TEXT NOT NULL,
        PRIMARY KEY (session_id, role)
    ) WITHOUT ROWID;
    CREATE INDEX breath_paces_by_person ON breath_paces(person, julianday(found_at));
    """,
    # version 10: an imported recording's first minute is its settle step, named "Settle" as every
    # routine's first step is; imports before named it "Baseline" (its name in the session's steps,
    # in its summary and in the giver's part of it). Only imported sessions' own two steps are
    # renamed: a routine of someone's own may call a step "Baseline", and keeps it.
    """
    UPDATE sessions SET steps = json_replace(steps, '$[0]', 'Settle')
        WHERE source = 'imported' AND json_valid(steps) AND json_array_length(steps) = 2
        AND json_extract(steps, '$[0]') = 'Baseline' AND json_extract(steps, '$[1]') = 'Recording';
    UPDATE sessions SET summary = json_replace(summary, '$.steps[0].name', 'Settle')
        WHERE source = 'imported' AND json_valid(summary)
        AND json_extract(summary, '$.steps[0].name') = 'Baseline'
        AND json_extract(summary, '$.steps[0].index') = 0;
    UPDATE sessions SET summary = json_replace(summary, '$.partner.steps[0].name', 'Settle')
        WHERE source = 'imported' AND json_valid(summary)
        AND json_extract(summary, '$.partner.steps[0].name') = 'Baseline'
        AND json_extract(summary, '$.partner.steps[0].index') = 0;
    """,
    # version 11: breath from the chest strap's accelerometer (docs/chest.md): each session keeps
    # the chest's breaths per role (start on the session clock, length, depth, deep or not), and,
    # only when the keep_chest_raw setting asks, the raw samples, a frame per row (little-endian
    # float32 columns: time from t0, X, Y, Z in mG). Both go with their session.
    """
    CREATE TABLE chest_breaths (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('receiver', 'giver')),
        t REAL NOT NULL,
        duration_s REAL NOT NULL CHECK (duration_s > 0),
        depth_mg REAL NOT NULL,
        depth REAL,
        deep INTEGER NOT NULL CHECK (deep IN (0, 1)),
        PRIMARY KEY (session_id, role, t)
    ) WITHOUT ROWID;
    CREATE TABLE chest_samples (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('receiver', 'giver')),
        t0 REAL NOT NULL,
        rate_hz REAL NOT NULL,
        samples BLOB NOT NULL,
        PRIMARY KEY (session_id, role, t0)
    ) WITHOUT ROWID;
    """,
]

NEW_UID = "lower(hex(randomblob(16)))"
"""SQL for a new session's uid: 128 random bits, as hex."""

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file up to :data:`SCHEMA_VERSION`; return the version it had."""
    (found,) = conn.execute("PRAGMA user_version").fetchone()
    if found > SCHEMA_VERSION:
        raise RuntimeError(
            f"this database was written by a newer calmlink (schema {found}, "
            f"this one knows {SCHEMA_VERSION}); upgrade calmlink to open it"
        )
    for version in range(found, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return int(found)
