"""A recording turned into a session (``calmlink import``): its beats scored by the live per-beat
path against the person's own first minute, its summary, and the checks that come first.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from calmlink.recordings.series import RRFileError, RRSeries
from calmlink.review.partner import partner_summary
from calmlink.review.summary import SessionSummary, summarize
from calmlink.signal.gauge_run import run_gauge
from calmlink.store.beat import Beat, Role

IMPORT_STEPS = ["Settle", "Recording"]
"""An imported recording's two steps: its first minute, the settle step the rest is compared with
(as a routine's first step is; calmlink 0.2 and earlier named it "Baseline", and
store/schema.py version 10 renames it in sessions stored then), then the rest."""
IMPORT_BASELINE_S = 60.0


CLOCKED_FORMATS = ("time-rr", "calmlink", "polar", "polar-ppi", "kubios", "hrv-logger", "fit",
                   "apple-health")
"""Formats that carry their own clock: only these can put two people on one."""


def check_pair(recordings: list[tuple[Path, RRSeries]]) -> None:
    """Two people can share one session only when both files carry a clock."""
    for path, rec in recordings:
        if rec.format not in CLOCKED_FORMATS:
            raise RRFileError(str(path), None, f"a {rec.format} file has no clock of its own, "
                              "so two people cannot be put on one: use a time/RR CSV "
                              "(t_s,rr_ms) or calmlink's export for both")


def check_long_enough(path: Path, rec: RRSeries) -> None:
    """A session needs its settle minute and something after it."""
    if rec.duration_s < IMPORT_BASELINE_S:
        which = f"{rec.label} " if rec.label else "the recording "
        raise RRFileError(str(path), None, f"{which}lasts {rec.duration_s:.0f} s: a session needs "
                          f"at least {IMPORT_BASELINE_S:.0f} s, the first minute being its settle step")


def import_device(file_name: str, rec: RRSeries) -> str:
    """How the session's source reads in the review: the file, the measurement, the sensor."""
    which = f", {rec.label}" if rec.label else ""
    sensor = " (optical pulse sensor)" if rec.optical else ""
    return f"imported from {file_name}{which}{sensor}"


def _role_beats(series: RRSeries, role: Role, t0: float) -> list[Beat]:
    """One person's beats from ``t0``: the first minute is the settle step, the rest one step;
    the gauge comes from the same per-beat path the live screen uses, against their own baseline."""
    run = run_gauge(series.t_s - t0, series.rr_ms, series.gap_before,
                    baseline_start_s=float(series.t_s[0]) - t0, baseline_duration_s=IMPORT_BASELINE_S,
                    flagged=series.flagged)
    return [
        Beat(beat_seq=None, role=role, t=round(r.t, 4), rr_ms=r.rr_ms,
             hr_bpm=round(r.hr_bpm, 2), artifact=r.artifact, gap_before=bool(series.gap_before[i]),
             step=0 if r.t < IMPORT_BASELINE_S else 1, gauge=r.gauge, trend=r.trend,
             quality=r.quality, reason=r.reason, rmssd_ms=r.rmssd_ms)
        for i, r in enumerate(run.results)
    ]


def imported_beats(series: RRSeries, giver: RRSeries | None = None, giver_name: str = "Giver"
                   ) -> tuple[list[Beat], SessionSummary]:
    """Beats for an imported recording, or for a pair on one clock (partner mode): numbered in
    time order across roles, with the summary (and the partner summary for a pair)."""
    starts = [float(series.t_s[0]) - float(series.rr_ms[0]) / 1000.0]
    if giver is not None:
        starts.append(float(giver.t_s[0]) - float(giver.rr_ms[0]) / 1000.0)
    t0 = min(starts)
    beats = _role_beats(series, Role.RECEIVER, t0)
    if giver is not None:
        beats += _role_beats(giver, Role.GIVER, t0)
    beats.sort(key=lambda b: b.t)
    beats = [replace(b, beat_seq=i) for i, b in enumerate(beats)]
    summary = summarize(beats, IMPORT_STEPS, settle_step=False)  # its first minute is a reference
    if giver is not None:
        summary = replace(summary, partner=partner_summary(beats, IMPORT_STEPS, giver_name,
                                                           receiver_steps=summary.steps,
                                                           settle_step=False))
    return beats, summary
