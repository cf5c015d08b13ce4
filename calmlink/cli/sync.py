"""`calmlink sync RECEIVER GIVER`: partner synchrony of two recordings on one clock."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def sync(
    receiver: Annotated[Path, typer.Argument(help="The receiver's recording: a time/RR CSV "
                                             "(t_s,rr_ms) or calmlink's export, on a shared clock.")],
    giver: Annotated[Path, typer.Argument(help="The giver's recording, on the same clock.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Did the two heart rhythms move together more than chance would give? (Windowed lagged
    cross-correlation of heart rate, tested against the pair's own time-shifted surrogates.)"""
    from calmlink.recordings.rr_text import read_rr_file
    from calmlink.recordings.series import RRFileError, RRSeries
    from calmlink.review.partner import synchrony_sentence
    from calmlink.signal.artifacts import detect_artifacts
    from calmlink.signal.synchrony import pair_synchrony

    def beats(series: RRSeries) -> tuple[object, object, object]:
        return series.t_s, series.rr_ms, ~detect_artifacts(series.rr_ms).any

    try:
        ours, theirs = read_rr_file(receiver), read_rr_file(giver)
    except RRFileError as exc:
        print(f"calmlink sync: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    result = pair_synchrony(beats(ours), beats(theirs))  # type: ignore[arg-type]
    if json_out:
        print(json.dumps({"receiver": str(receiver), "giver": str(giver), **result.to_json(),
                          "in_step": result.passes}))
        return
    if result.windows == 0:
        print("calmlink sync: the recordings overlap too little on their clock to say anything "
              "(at least 40 s of both, at most a fifth of it missing, is needed)", file=sys.stderr)
        raise typer.Exit(2)
    print(synchrony_sentence(result))
    print(f"  {result.windows} windows of 30 s counted, {result.windows_skipped} skipped for missing "
          "signal. A relaxation proxy from heart rhythm; calmlink is not a medical device.")
