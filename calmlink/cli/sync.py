"""`calmlink sync RECEIVER GIVER`: partner synchrony of two recordings on one clock."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calmlink.counting import count

if TYPE_CHECKING:  # numpy and the readers are imported when the command runs
    import numpy as np

    from calmlink.recordings.series import RRSeries


def sync(
    receiver: Annotated[Path, typer.Argument(help="The receiver's recording: a time/RR CSV "
                                             "(t_s,rr_ms) or calmlink's export, on a shared clock.")],
    giver: Annotated[Path, typer.Argument(help="The giver's recording, on the same clock.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    aligned: Annotated[bool, typer.Option(
        "--aligned", help="The two recordings began at the same moment: put them on one clock "
        "by their first beats (for files without a clock of their own).")] = False,
) -> None:
    """Did two heart rhythms move together more than chance?

    Windowed lagged cross-correlation of heart rate, tested against the pair's own time-shifted surrogates."""
    from calmlink.recordings.rr_text import read_rr_file
    from calmlink.recordings.series import RRFileError
    from calmlink.review.partner import synchrony_sentence
    from calmlink.signal.artifacts import detect_artifacts
    from calmlink.signal.synchrony import pair_synchrony

    try:
        ours, theirs = read_rr_file(receiver), read_rr_file(giver)
        t_ours, t_theirs = on_one_clock(ours, theirs, receiver, giver, aligned=aligned)
    except RRFileError as exc:
        print(f"calmlink sync: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    warnings = [*(f"{receiver.name}: {w}" for w in ours.warnings),
                *(f"{giver.name}: {w}" for w in theirs.warnings)]
    if ours.rr_ms.size == theirs.rr_ms.size and (ours.rr_ms == theirs.rr_ms).all():
        warnings.append("the two recordings hold the same beats (the same file twice?): any test "
                        "finds one heart moving with itself; give each person's own recording")
    for warning in warnings:
        print(f"calmlink sync: warning: {warning}", file=sys.stderr)
    result = pair_synchrony((t_ours, ours.rr_ms, ~detect_artifacts(ours.rr_ms).any),
                            (t_theirs, theirs.rr_ms, ~detect_artifacts(theirs.rr_ms).any))
    if json_out:
        print(json.dumps({"receiver": str(receiver), "giver": str(giver), **result.to_json(),
                          "in_step": result.passes, "warnings": warnings}))
        return
    if result.windows == 0:
        print("calmlink sync: the recordings overlap too little on their clock to say anything "
              "(at least 40 s of both, at most a fifth of it missing, is needed)", file=sys.stderr)
        raise typer.Exit(2)
    print(synchrony_sentence(result))
    print(f"  {count(result.windows, 'window')} of 30 s counted, {result.windows_skipped} skipped "
          "for missing signal. A relaxation proxy from heart rhythm; calmlink is not a medical device.")


def on_one_clock(ours: RRSeries, theirs: RRSeries, first: Path, second: Path, *,
                 aligned: bool) -> tuple[np.ndarray, np.ndarray]:
    """Both recordings' beat times on one clock: by their wall-clock starts when both files say
    when they began; as written when both carry a clock of their own (calmlink's export, a
    time/RR CSV from one logger); by their first beats with ``--aligned``. Anything else has no
    shared clock and is refused: two RR lists from two phones say nothing about when."""
    from calmlink.recordings.series import RRFileError
    from calmlink.review.imported import CLOCKED_FORMATS

    def since_start(series: RRSeries) -> np.ndarray:
        t: np.ndarray = series.t_s - series.t_s[0] + series.rr_ms[0] / 1000.0
        return t

    if aligned:
        return since_start(ours), since_start(theirs)
    if ours.start is not None and theirs.start is not None:
        a, b = (s.start.astimezone() if s.start.tzinfo is None else s.start
                for s in (ours, theirs) if s.start is not None)
        offset = (b - a).total_seconds()
        return since_start(ours), since_start(theirs) + offset
    for path, series in ((first, ours), (second, theirs)):
        if series.format not in CLOCKED_FORMATS or series.start is not None:
            raise RRFileError(str(path), None, f"a {series.format} file without a clock shared with "
                              "the other: calmlink cannot tell which beats happened together. Give "
                              "two recordings on one clock (calmlink's export, a time/RR CSV of one "
                              "logger, or files that say when they began), or --aligned if both "
                              "started at the same moment")
    return ours.t_s, theirs.t_s
