"""`calmlink analyze FILE --gauge`: the live per-beat path over a recording, as JSON or a text chart."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from calmlink.cli.analyze import load_for_cli
from calmlink.counting import seconds
from calmlink.recordings.rr_text import only_one
from calmlink.recordings.series import RRFileError
from calmlink.signal.gauge_run import condition_means, run_gauge
from calmlink.signal.per_beat import BeatResult

BLOCKS = " ▁▂▃▄▅▆▇█"


def read_conditions(path: Path) -> list[tuple[float, float, str]]:
    try:
        with path.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise RRFileError(str(path), None, f"cannot read the file: {exc.strerror}") from None
    out = []
    for line, row in enumerate(rows, start=2):
        try:
            out.append((float(row["start_s"]), float(row["end_s"]), str(row["label"])))
        except (KeyError, TypeError, ValueError):
            raise RRFileError(str(path), line, "expected start_s,end_s,label with numbers in "
                              "start_s and end_s") from None
    return out


def _chart(results: list[BeatResult], width: int = 72) -> str:
    """One row of blocks: each column the mean gauge of its time slice, '·' where withheld."""
    if not results:
        return ""
    t0, t1 = results[0].t, results[-1].t
    span = max(t1 - t0, 1e-9)
    sums = [0.0] * width
    counts = [0] * width
    for r in results:
        col = min(int((r.t - t0) / span * width), width - 1)
        if r.gauge is not None:
            sums[col] += r.gauge
            counts[col] += 1
    cells = []
    for total, n in zip(sums, counts, strict=True):
        cells.append("·" if n == 0 else BLOCKS[min(8, int(total / n / 100 * 8.999))])
    return "".join(cells)


def run_gauge_cmd(path: Path, *, json_out: bool, baseline: tuple[float, float] | None,
                  conditions: Path | None, window: tuple[float, float] | None) -> int:
    try:
        series = only_one(load_for_cli(path, window), str(path))
        conds = read_conditions(conditions) if conditions is not None else []
    except RRFileError as exc:
        print(f"calmlink analyze: {exc}", file=sys.stderr)
        return 2
    start, duration = baseline if baseline is not None else (None, 60.0)
    run = run_gauge(series.t_s, series.rr_ms, series.gap_before, baseline_start_s=start,
                    baseline_duration_s=duration, flagged=series.flagged)
    last = float(series.t_s[-1]) if series.t_s.size else 0.0
    short = last < run.baseline_start_s + run.baseline_duration_s
    from calmlink.signal.verdict import unreliable_reason

    artifacts = [r.artifact for r in run.results]
    reason = unreliable_reason(sum(artifacts) / len(artifacts) if artifacts else None,
                               len(artifacts))
    warnings = [*series.warnings] + ([reason] if reason else []) + ([
        f"this recording is shorter than its baseline: it ends {last - run.baseline_start_s:.0f} s "
        f"into the {run.baseline_duration_s:.0f}-s baseline the gauge is measured against, so the "
        "gauge is never shown; give a recording of at least two minutes"] if short else [])
    out: dict[str, Any] = {
        "file": str(path), "format": series.format, "warnings": warnings,
        "reliable": reason is None,
        "baseline": {"start": run.baseline_start_s, "duration": run.baseline_duration_s,
                     "hr_bpm": None if run.baseline is None else round(run.baseline.hr_bpm, 2),
                     "ln_rmssd": None if run.baseline is None or run.baseline.ln_rmssd is None
                     else round(run.baseline.ln_rmssd, 4),
                     "ln_swing": None if run.baseline is None or run.baseline.ln_swing is None
                     else round(run.baseline.ln_swing, 4)},
        "series": [{"t": round(r.t, 3), "gauge": r.gauge, "trend": r.trend, "quality": r.quality,
                    "breathing_bpm": r.breathing_bpm,
                    "swing_bpm": None if r.swing_bpm is None else round(r.swing_bpm, 2),
                    "deep_breath": r.deep_breath}
                   for r in run.results],
    }
    if conds:
        means = condition_means(run.results, conds)
        out["conditions"] = []
        for a, b, label in conds:
            mean = means[label]
            out["conditions"].append({"label": label, "start_s": a, "end_s": b,
                                      "mean_gauge": None if mean is None else round(mean, 1)})
    for warning in warnings:
        print(f"calmlink analyze: warning: {warning}", file=sys.stderr)
    if json_out:
        print(json.dumps(out))
        return 0
    _print_text(path, out, run.results, short)
    return 0


def _print_text(path: Path, out: dict[str, Any], results: list[BeatResult], short: bool) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    shown = [r.gauge for r in results if r.gauge is not None]
    base = out["baseline"]
    console.print(f"[bold]{path.name}[/] relaxation proxy over {results[-1].t - results[0].t:.0f} s, "
                  f"baseline {base['start']:.0f}+{base['duration']:.0f} s")
    console.print(f"{seconds(results[0].t)} ┤{_chart(results)}├ {seconds(results[-1].t)}")
    console.print("  (block height: the gauge, 0-100; · withheld)")
    if shown:
        console.print(f"gauge shown for {100 * len(shown) / len(results):.0f}% of beats, "
                      f"mean {sum(shown) / len(shown):.0f}")
    if short:
        console.print("too short for the gauge: the recording ends before its baseline does")
    reasons = Counter(r.reason for r in results if r.gauge is None and r.reason) if not short \
        else Counter[str]()
    for reason, n in reasons.most_common(3):
        console.print(f"withheld for {100 * n / len(results):.0f}% of beats: {reason}")
    for cond in out.get("conditions", []):
        mean = "–" if cond["mean_gauge"] is None else f"{cond['mean_gauge']:.0f}"
        console.print(f"  {cond['label']:<14} {cond['start_s']:>7.0f}-{cond['end_s']:<7.0f} {mean}")
    console.print("A relaxation proxy from heart rhythm; calmlink is not a medical device.")
