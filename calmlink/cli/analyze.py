"""`calmlink analyze`: read a file, run the signal core, print text or JSON. Exit 2 on bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from calmlink.counting import count

if TYPE_CHECKING:  # numpy is imported only when a file is read, never for `calmlink --help`
    from calmlink.recordings.series import RRSeries


def analyze(
    file: Annotated[Path, typer.Argument(help="A recording: RR text or CSV, HRV Logger, Elite HRV, "
                                         "Welltory, Polar (HRM, Sensor Logger RR/PPI), Garmin FIT, "
                                         "Movesense, Apple Health export.xml, Kubios or calmlink's "
                                         "export (detected; docs/analyze.md); a Polar Sensor "
                                         "Logger ACC file gives breathing from the chest "
                                         "(docs/chest.md).")],
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print one JSON object (an array for a file of several measurements).")] = False,
    no_correction: Annotated[bool, typer.Option(
        "--no-correction", help="Keep every interval as recorded (gaps still split).")] = False,
    window: Annotated[tuple[float, float] | None, typer.Option(
        help="Analyse only START DUR seconds of the file's clock.", metavar="START DUR")] = None,
    gauge: Annotated[bool, typer.Option(
        "--gauge", help="Replay the file beat by beat through the live path and report the "
        "relaxation gauge over time.")] = False,
    baseline: Annotated[tuple[float, float] | None, typer.Option(
        help="With --gauge: the baseline, START DUR seconds on the file's clock "
        "(default: the first minute).", metavar="START DUR")] = None,
    conditions: Annotated[Path | None, typer.Option(
        help="With --gauge: a CSV of start_s,end_s,label; adds each condition's mean gauge.")] = None,
    pace: Annotated[float | None, typer.Option(
        help="The recording is paced breathing at this many breaths a minute (4-7): report the "
        "heart-rate swing with each breath and how closely heart rate followed the pace.",
        metavar="BREATHS")] = None,
) -> None:
    """Analyze the heart rhythm (HRV) of a recording.

    Any RR file calmlink reads; with --gauge the relaxation gauge over time; with --pace a
    recording of paced breathing, breath by breath."""
    if pace is not None:
        from calmlink.cli.paced import run_paced

        raise typer.Exit(run_paced(file, pace, json_out=json_out, window=window))
    if gauge:
        from calmlink.cli.gauge import run_gauge_cmd

        raise typer.Exit(run_gauge_cmd(file, json_out=json_out, baseline=baseline,
                                       conditions=conditions, window=window))
    raise typer.Exit(run_analyze(file, json_out=json_out, correct=not no_correction, window=window))

PROGRESS_BYTES = 32 << 20
"""Files at least this large show a progress bar while they are read, on a terminal."""


def read_for_cli(path: Path) -> list[RRSeries]:
    """Every recording in a file, with a progress bar on a terminal when it is large."""
    from calmlink.recordings.rr_text import read_recordings

    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < PROGRESS_BYTES or not sys.stderr.isatty():
        return read_recordings(path)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"reading {path.name}", total=size)
        return read_recordings(path, progress=lambda done, total: bar.update(task, completed=done))


def in_window(series: RRSeries, start: float, duration: float) -> Any:
    """Which beats of ``series`` lie in the window (seconds from the file's first interval)."""
    t0 = series.t_s[0] - series.rr_ms[0] / 1000.0 if series.rr_ms.size else 0.0
    rel = series.t_s - t0
    return (rel > start) & (rel <= start + duration)


def select_window(series: RRSeries, start: float, duration: float) -> RRSeries:
    from dataclasses import replace

    keep = in_window(series, start, duration)
    gap = series.gap_before[keep].copy()
    if gap.size:
        gap[0] = False
    flagged = None if series.flagged is None else series.flagged[keep]
    return replace(series, rr_ms=series.rr_ms[keep], t_s=series.t_s[keep], gap_before=gap,
                   flagged=flagged)


def _fmt(value: Any, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}{unit}"


def load_for_cli(path: Path, window: tuple[float, float] | None) -> list[RRSeries]:
    """The file's recordings, or the part of each in ``window``; RRFileError when there is nothing."""
    from calmlink.recordings.series import RRFileError

    recordings = read_for_cli(path)
    if window is not None:
        recordings = [select_window(series, *window) for series in recordings]
        if all(series.rr_ms.size == 0 for series in recordings):
            raise RRFileError(str(path), None,
                              f"no beats in the window {window[0]:g}+{window[1]:g} s")
    return recordings


UNCORRECTED_NOTE = 0.10
"""Print the RMSSD as recorded beside the corrected one when correction moves it by more than this."""


def run_analyze(path: Path, *, json_out: bool, correct: bool,
                window: tuple[float, float] | None) -> int:
    from calmlink.cli.chest_file import is_acc_file

    if is_acc_file(path):  # a chest accelerometer: breathing over time (docs/chest.md)
        from calmlink.cli.chest_file import run_chest

        return run_chest(path, json_out=json_out, window=window)
    from calmlink.recordings.series import RRFileError

    try:
        recordings = load_for_cli(path, window)
    except RRFileError as exc:
        print(f"calmlink analyze: {exc}", file=sys.stderr)
        return 2
    from calmlink.signal.analysis import analyze_rr

    results: list[dict[str, Any]] = []
    for series in recordings:
        summary = analyze_rr(series.rr_ms, series.gap_before, correct=correct,
                             duration_s=series.duration_s, flagged=series.flagged)
        warnings = [*series.warnings, *summary.notes]
        results.append({"file": str(path), "format": series.format, "measurement": series.label,
                        "start": series.start.isoformat() if series.start else None,
                        "optical": series.optical, "warnings": warnings, **summary.to_json()})
        for warning in warnings:
            where = f" ({series.label})" if series.label else ""
            print(f"calmlink analyze: warning{where}: {warning}", file=sys.stderr)
    if json_out:
        print(json.dumps(results[0] if len(results) == 1 else results))
        return 0
    print("\n\n".join(_text(path, out) for out in results))
    print("  A relaxation proxy from heart rhythm; calmlink is not a medical device.")
    return 0


FIGURE_NAMES = {"sdnn_ms": "SDNN", "rmssd_ms": "RMSSD", "rmssd_uncorrected_ms": "RMSSD as recorded",
                "ln_rmssd": "ln RMSSD", "pnn50_pct": "pNN50", "sd1_ms": "SD1", "sd2_ms": "SD2",
                "hf_ms2": "HF", "resp_rate_bpm": "breathing rate", "lf_hf": "LF/HF",
                "lf_ms2": "LF", "vlf_ms2": "VLF"}


def _text(path: Path, out: dict[str, Any]) -> str:
    name = f"{path.name}, {out['measurement']}" if out["measurement"] else path.name
    lines = [
        f"{name} ({out['format']}): {count(out['n_beats'], 'beat')} over "
        f"{_fmt(out['duration_s'], ' s', 0)}, {out['n_corrected']} corrected "
        f"({_fmt(out['corrected_pct'], '%', 0)}), {count(out['n_segments'], 'segment')}",
        f"  mean RR {_fmt(out['mean_rr_ms'], ' ms')}   mean HR {_fmt(out['mean_hr_bpm'], ' bpm')}",
    ]
    if not out["reliable"]:
        why = (f"correction changed {out['corrected_pct']:.0f}% of the beats"
               if out["corrected_pct"] > out["set_aside_pct"] else
               f"{out['set_aside_pct']:.0f}% of the beats set aside as artifacts")
        lines.append(f"  HRV figures: not reliable for this recording ({why}; see the warning); "
                     "as computed:")
    lines.append(f"  SDNN {_fmt(out['sdnn_ms'], ' ms')}   RMSSD {_fmt(out['rmssd_ms'], ' ms')}"
                 f"   ln RMSSD {_fmt(out['ln_rmssd'], '', 2)}   pNN50 {_fmt(out['pnn50_pct'], ' %')}")
    from calmlink.signal.analysis import NOTE_SHARE

    raw, fixed = out["rmssd_uncorrected_ms"], out["rmssd_ms"]
    if raw is not None and fixed is not None and (
            abs(raw - fixed) > UNCORRECTED_NOTE * fixed or out["corrected_pct"] > 100 * NOTE_SHARE):
        lines.append(f"  RMSSD as recorded {_fmt(raw, ' ms')}: {out['n_corrected']} beat(s) "
                     "corrected as artifacts change it (docs/analyze.md; --no-correction keeps "
                     "every interval)")
    lines += [
        f"  SD1 {_fmt(out['sd1_ms'], ' ms')}   SD2 {_fmt(out['sd2_ms'], ' ms')}",
        f"  VLF {_fmt(out['vlf_ms2'], ' ms²', 0)}   LF {_fmt(out['lf_ms2'], ' ms²', 0)}"
        f"   HF {_fmt(out['hf_ms2'], ' ms²', 0)}   LF/HF {_fmt(out['lf_hf'], '', 2)}",
        f"  breathing rate from RSA {_fmt(out['resp_rate_bpm'], ' /min')}",
    ]
    if out["withheld"]:
        needs = {why: [k for k, w in out["withheld"].items() if w == why]
                 for why in out["withheld"].values()}
        lines.append("  too short for " + "; ".join(
            f"{', '.join(FIGURE_NAMES.get(k, k) for k in keys)} ({why})"
            for why, keys in needs.items()))
    if out["optical"]:
        lines.append("  optical pulse sensor: pulse-to-pulse intervals, less exact than a chest "
                     "strap's beat-to-beat ones; the sensor's own unreliable marks count as artifacts")
    return "\n".join(lines)
