"""Session export (CSV beats with steps, JSON summary and metrics, Kubios-readable RR) and import."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import numpy as np

from calmlink.sessions.formats import RRSeries
from calmlink.sessions.summary import BeatRow, summarize
from calmlink.signal.analysis import analyze_rr
from calmlink.signal.replay import run_gauge

CSV_COLUMNS = ["seq", "t", "rr_ms", "hr_bpm", "artifact", "gap_before", "step", "step_name", "gauge",
               "trend", "quality"]
IMPORT_STEPS = ["Baseline", "Recording"]
IMPORT_BASELINE_S = 60.0


def to_csv(beats: list[dict[str, Any]], step_names: list[str]) -> str:
    """calmlink's own export; `calmlink analyze` and `calmlink import` read it back, gaps kept."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for b in beats:
        step = b["step"]
        name = step_names[step] if step is not None and 0 <= step < len(step_names) else ""
        writer.writerow([b["seq"], b["t"], "" if b["rr_ms"] is None else b["rr_ms"], b["hr_bpm"],
                         int(bool(b["artifact"])), int(bool(b["gap_before"])),
                         "" if step is None else step, name,
                         "" if b["gauge"] is None else b["gauge"], b["trend"] or "", b["quality"]])
    return out.getvalue()


def to_rr_text(beats: list[dict[str, Any]]) -> str:
    """One RR interval in ms per line, as recorded (Kubios and most HRV tools read this)."""
    return "".join(f"{b['rr_ms']:.3f}\n" for b in beats if b["rr_ms"] is not None)


def to_json(session: dict[str, Any], beats: list[dict[str, Any]]) -> str:
    rr = np.array([b["rr_ms"] for b in beats if b["rr_ms"] is not None], dtype=float)
    gaps = np.array([bool(b["gap_before"]) for b in beats if b["rr_ms"] is not None], dtype=bool)
    metrics = analyze_rr(rr, gaps).to_json() if rr.size else None
    return json.dumps({**session, "metrics": metrics}, indent=2)


def archive(sessions: list[tuple[dict[str, Any], list[dict[str, Any]], list[str]]]) -> bytes:
    """Everything in one zip: sessions.json plus each session's beats as CSV."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sessions.json", json.dumps([s for s, _, _ in sessions], indent=2))
        for session, beats, names in sessions:
            zf.writestr(f"session-{session['id']:05d}.csv", to_csv(beats, names))
    return buf.getvalue()


def imported_beats(series: RRSeries) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Beats for an imported recording: the first minute is the baseline step, the rest one step;
    the gauge comes from the same per-beat path the live screen uses."""
    t0 = float(series.t_s[0]) - float(series.rr_ms[0]) / 1000.0
    run = run_gauge(series.t_s - t0, series.rr_ms, series.gap_before,
                    baseline_duration_s=IMPORT_BASELINE_S)
    beats: list[dict[str, Any]] = []
    rows: list[BeatRow] = []
    for i, r in enumerate(run.results):
        step = 0 if r.t < IMPORT_BASELINE_S else 1
        gap = bool(series.gap_before[i])
        beats.append({"seq": i, "t": round(r.t, 4), "rr_ms": r.rr_ms, "hr_bpm": round(r.hr_bpm, 2),
                      "artifact": r.artifact, "gap_before": gap, "step": step, "gauge": r.gauge,
                      "trend": r.trend, "quality": r.quality, "rmssd_ms": r.rmssd_ms})
        rows.append(BeatRow(r.t, r.rr_ms, r.hr_bpm, r.artifact, gap, step, r.gauge))
    return beats, summarize(rows, IMPORT_STEPS)
