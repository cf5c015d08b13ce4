"""Session export: CSV beats with steps, JSON summary and metrics, Kubios-readable RR, one archive.

The file formats themselves live in :mod:`calmlink.recordings`; this module puts stored sessions
into them. (A recording turned into a session is :mod:`calmlink.review.imported`.)
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

import numpy as np

from calmlink.recordings.calmlink_csv import write_csv
from calmlink.recordings.rr_text import write_rr_text
from calmlink.signal.analysis import analyze_rr
from calmlink.store.beat import Beat, Role


def to_csv(beats: Sequence[Beat], step_names: list[str]) -> str:
    return write_csv(beats, step_names)


def to_rr_text(beats: Sequence[Beat], role: Role = Role.RECEIVER) -> str:
    return write_rr_text(b.rr_ms for b in beats if b.role == role)


def to_json(session: dict[str, Any], beats: Sequence[Beat]) -> str:
    """The session with its stored summary and the receiver's HRV metrics over the whole session."""
    mine = [b for b in beats if b.role == Role.RECEIVER and b.rr_ms is not None]
    rr = np.array([b.rr_ms for b in mine], dtype=float)
    gaps = np.array([b.gap_before for b in mine], dtype=bool)
    metrics = analyze_rr(rr, gaps).to_json() if rr.size else None
    return json.dumps({**session, "metrics": metrics}, indent=2)


def archive(sessions: list[tuple[dict[str, Any], list[Beat], list[str]]]) -> bytes:
    """Everything in one zip: sessions.json plus each session's beats as CSV."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sessions.json", json.dumps([s for s, _, _ in sessions], indent=2))
        for session, beats, names in sessions:
            zf.writestr(f"session-{session['id']:05d}.csv", to_csv(beats, names))
    return buf.getvalue()
