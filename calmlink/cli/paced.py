"""`calmlink analyze FILE --pace 6`: a recording of paced breathing, breath by breath."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from calmlink.cli.analyze import in_window, load_for_cli, select_window
from calmlink.counting import count, seconds
from calmlink.recordings.rr_text import only_one
from calmlink.recordings.series import RRFileError

WORDS = {"mostly": "mostly", "partly": "partly", "not-yet": "not yet", None: "not readable"}


def run_paced(path: Path, pace: float, *, json_out: bool,
              window: tuple[float, float] | None) -> int:
    """Swing per pacer breath and how closely heart rate followed ``pace`` (breaths a minute)."""
    if not 4.0 <= pace <= 7.0:
        print("calmlink analyze: --pace must be from 4 to 7 breaths a minute", file=sys.stderr)
        return 2
    try:
        whole = only_one(load_for_cli(path, None), str(path))  # read once; the window cut from it
        series = whole if window is None else select_window(whole, *window)
        if window is not None and series.rr_ms.size == 0:
            raise RRFileError(str(path), None, f"no beats in the window {window[0]:g}+{window[1]:g} s")
    except RRFileError as exc:
        print(f"calmlink analyze: {exc}", file=sys.stderr)
        return 2
    from calmlink.signal.paced import clean_beats, following_word, paced_report
    from calmlink.signal.verdict import set_aside, unreliable_reason

    # the beats a window holds are judged as the live path judged them, having heard the file from
    # its start: a detector started cold inside a stretch of deep, slow breathing takes the first
    # long beat of each breath for an artifact until it has learnt that rhythm (P37's paced
    # breathing: 24% set aside cold, 12% with what came before)
    aside = set_aside(whole.rr_ms, whole.gap_before, whole.flagged)
    if window is not None:
        aside = aside[in_window(whole, *window)]
    reason = unreliable_reason(float(aside.mean()) if aside.size else None, int(aside.size))
    if reason is not None:  # the one verdict (signal.verdict): no swing or pace from such beats
        return _unreliable(path, series.format, pace, reason, json_out)
    t, hr, run = clean_beats(series.t_s, series.rr_ms, series.gap_before, series.flagged)
    if t.size < 10:
        print(f"calmlink analyze: {path}: too few clean beats for paced breathing",
              file=sys.stderr)
        return 2
    first = float(series.t_s[0] - series.rr_ms[0] / 1000.0)
    report = paced_report(t, hr, run, pace, first, float(series.t_s[-1]))
    share = report.share
    out: dict[str, Any] = {
        "file": str(path), "format": series.format, "warnings": list(series.warnings),
        "breaths_per_min": pace, "reliable": True, "start_s": round(first, 3),
        "end_s": round(float(series.t_s[-1]), 3),
        "n_breaths": len(report.starts_s), "swing_bpm": report.swing_bpm,
        "following_share": share, "following": following_word(share if share is not None
                                                              else float("nan")),
        "breaths": [{"start_s": a, "swing_bpm": s, "following_share": f}
                    for a, s, f in zip(report.starts_s, report.swings_bpm, report.shares,
                                       strict=True)]}
    for warning in series.warnings:
        print(f"calmlink analyze: warning: {warning}", file=sys.stderr)
    if json_out:
        print(json.dumps(out))
        return 0
    print(_text(path, out))
    return 0


def _unreliable(path: Path, fmt: str, pace: float, reason: str, json_out: bool) -> int:
    """The recording is not reliable: say so, and give no swing and no following."""
    print(f"calmlink analyze: warning: {reason}", file=sys.stderr)
    if json_out:
        print(json.dumps({"file": str(path), "format": fmt, "warnings": [reason],
                          "breaths_per_min": pace, "reliable": False, "n_breaths": 0,
                          "swing_bpm": None, "following_share": None, "following": None,
                          "breaths": []}))
    else:
        print(f"{path.name} ({fmt}): paced at {pace:g} breaths a minute\n"
              "  heart-rate swing with each breath: – (not reliable for this recording)\n"
              "  A relaxation proxy from heart rhythm; calmlink is not a medical device.")
    return 0


def _text(path: Path, out: dict[str, Any]) -> str:
    """The report in words. The breaths are counted from the start of the first interval, which
    lies before the first beat's time: a file that sets its clock's 0 at that beat would read
    "from -1 s", so the text starts at the recording's own start, 0 s (the JSON keeps the figure)."""
    swings = [f"{x['swing_bpm']:.0f}" if x["swing_bpm"] is not None else "–"
              for x in out["breaths"]]
    swing = "–" if out["swing_bpm"] is None else f"{out['swing_bpm']:.1f} bpm"
    share = "" if out["following_share"] is None else (
        f" ({100 * out['following_share']:.0f}% of heart rate's variation within 0.015 Hz of "
        "the pace, median over the breaths)")
    return "\n".join([
        f"{path.name} ({out['format']}): paced at {out['breaths_per_min']:g} breaths a minute, "
        f"{count(out['n_breaths'], 'whole breath')} from {seconds(max(out['start_s'], 0.0))} to "
        f"{seconds(out['end_s'])}",
        f"  heart-rate swing with each breath: median {swing}",
        f"  each breath (bpm): {' '.join(swings) or '–'}",
        f"  following the breath: {WORDS[out['following']]}{share}",
        "  A relaxation proxy from heart rhythm; calmlink is not a medical device."])
