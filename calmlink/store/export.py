"""Session export: CSV beats with steps, JSON summary and metrics, Kubios-readable RR, one archive
(with a table of the sessions and what was tried in each).

The file formats themselves live in :mod:`calmlink.recordings`; this module puts stored sessions
into them. (A recording turned into a session is :mod:`calmlink.review.imported`.)
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calmlink.recordings.acc import acc_recording, format_acc
from calmlink.recordings.calmlink_csv import write_csv
from calmlink.recordings.rr_text import write_rr_text
from calmlink.signal.analysis import analyze_rr
from calmlink.store.beat import Beat, Role


def to_csv(beats: Sequence[Beat], step_names: list[str]) -> str:
    return write_csv(beats, step_names)


def to_rr_text(beats: Sequence[Beat], role: Role = Role.RECEIVER) -> str:
    return write_rr_text(b.rr_ms for b in beats if b.role == role)


def to_json(session: dict[str, Any], beats: Sequence[Beat]) -> str:
    """The session with its stored summary (its chest breaths too, when a chest strap was worn)
    and the receiver's HRV metrics over the whole session."""
    mine = [b for b in beats if b.role == Role.RECEIVER and b.rr_ms is not None]
    rr = np.array([b.rr_ms for b in mine], dtype=float)
    gaps = np.array([b.gap_before for b in mine], dtype=bool)
    metrics = analyze_rr(rr, gaps).to_json() if rr.size else None
    return json.dumps({**session, "metrics": metrics}, indent=2)


def to_acc(started_at: str, times_s: NDArray[np.float64], xyz_mg: NDArray[np.float64]) -> str:
    """A session's kept raw chest samples (times on the session clock) in Polar Sensor Logger's ACC
    format, its phone timestamps the session's start (local time, as the app writes them) plus
    each sample's time, and calmlink analyze reads it back (docs/chest.md)."""
    start = datetime.fromisoformat(started_at).replace(tzinfo=None)
    times = np.asarray(times_s, dtype=np.float64)
    first = float(times[0]) if times.size else 0.0
    recording = acc_recording(times - first, np.round(xyz_mg), start + timedelta(seconds=first))
    return format_acc(recording)


SESSION_COLUMNS = ["id", "profile", "started_at", "ended_at", "state", "routine", "giver",
                   "duration_s", "n_beats", "outcome", "hands", "pressure", "position", "sound", "tags"]
"""One row per session in the archive's sessions.csv; ``tags`` joined with "; "."""


def sessions_csv(sessions: Sequence[dict[str, Any]]) -> str:
    """The sessions as a table a spreadsheet opens: what was tried beside when, who and how long."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SESSION_COLUMNS)
    for s in sessions:
        tried = s.get("tried") or {}
        row = {**s, **{k: v for k, v in tried.items() if k != "tags"},
               "tags": "; ".join(tried.get("tags") or [])}
        writer.writerow(["" if row.get(k) is None else row[k] for k in SESSION_COLUMNS])
    return out.getvalue()


def archive(sessions: list[tuple[dict[str, Any], list[Beat], list[str]]]) -> bytes:
    """Everything in one zip: sessions.json (with what was tried and the routine each ran),
    sessions.csv, and each session's beats as CSV."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sessions.json", json.dumps([s for s, _, _ in sessions], indent=2))
        zf.writestr("sessions.csv", sessions_csv([s for s, _, _ in sessions]))
        for session, beats, names in sessions:
            zf.writestr(f"session-{session['id']:05d}.csv", to_csv(beats, names))
    return buf.getvalue()
