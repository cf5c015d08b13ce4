"""`calmlink analyze ACC_FILE`: breathing over time from a chest strap's accelerometer file
(Polar Sensor Logger's ``..._ACC.txt``); docs/chest.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

EVERY_S = 5.0
"""One breathing reading every this many seconds in the output."""


def is_acc_file(path: Path) -> bool:
    """True when the file's first line is an ACC header (reads only the first bytes)."""
    from calmlink.recordings.acc import is_acc_header

    try:
        with path.open("rb") as fh:
            head = fh.read(200)
    except OSError:
        return False
    return is_acc_header(head.decode("utf-8-sig", errors="replace").splitlines()[0] if head else "")


def chest_json(path: Path, window: tuple[float, float] | None = None) -> dict[str, Any]:
    """What `analyze --json` prints for an ACC file; AccFileError for a file it cannot read."""
    import numpy as np

    from calmlink.recordings.acc import AccFileError, read_acc
    from calmlink.signal.chest_batch import read_chest
    from calmlink.signal.chest_breaths import ChestBreath

    rec = read_acc(path)
    t, xyz = rec.t_s, rec.xyz_mg
    if window is not None:
        keep = (t >= window[0]) & (t < window[0] + window[1])
        t, xyz = t[keep], xyz[keep]
        if t.size == 0:
            raise AccFileError(str(path), None, f"no samples in the window {window[0]:g}+{window[1]:g} s")
    rate = rec.rate_hz
    if rate < 4.0:
        raise AccFileError(str(path), None, f"samples {rate:.1f} a second: too few to follow a breath "
                           "(record at 25 Hz or more)")
    series = read_chest(t, xyz, rate, every_s=EVERY_S)

    def r(value: float | None, digits: int = 2) -> float | None:
        return None if value is None else round(float(value), digits)

    breathing = [{"t": r(x.t, 1), "breaths_per_min": r(x.breaths_per_min, 1), "depth": r(x.depth),
                  "moving": x.moving} for x in series.readings]
    def breath(b: ChestBreath) -> dict[str, Any]:
        return {"t": r(b.t, 2), "duration_s": r(b.duration_s), "depth": r(b.depth),
                "depth_mg": r(b.depth_mg, 1), "deep": b.deep}

    rates = [x.breaths_per_min for x in series.readings if x.breaths_per_min is not None]
    return {
        "file": str(path), "format": "polar-acc", "source": "chest",
        "start": rec.start.isoformat() if rec.start else None,
        "rate_hz": round(rate, 2), "n_samples": int(t.size), "duration_s": r(float(t[-1] - t[0]), 1),
        "breaths_per_min": r(float(np.median(rates)), 1) if rates else None,
        "moving_s": r(EVERY_S * sum(x.moving for x in series.readings), 0),
        "breathing": breathing,
        "deep_breaths": [breath(b) for b in series.deep_breaths],
        "breaths": [breath(b) for b in series.breaths],
    }


def _clock(t: float) -> str:
    return f"{int(t // 60):d}:{int(t % 60):02d}"


def chest_text(out: dict[str, Any]) -> str:
    """Minute by minute, in the words the page uses."""
    name = Path(out["file"]).name
    lines = [f"{name} (Polar Sensor Logger ACC, {out['rate_hz']:g} Hz): {out['n_samples']} samples "
             f"over {out['duration_s']:.0f} s, breath read from the chest"]
    minute: dict[int, list[dict[str, Any]]] = {}
    said_at: list[tuple[float, str]] = []
    for row in out["breathing"]:
        minute.setdefault(int(row["t"] // 60), []).append(row)
    for k, rows in sorted(minute.items()):
        moving = sum(row["moving"] for row in rows)
        rates = [row["breaths_per_min"] for row in rows if row["breaths_per_min"] is not None]
        if moving:
            said = "moving: breath paused" + (f" ({moving * EVERY_S:.0f} s)" if moving < len(rows) else "")
        elif rates:
            said = f"breathing about {round(rates[-1])} a minute, from the chest"
        else:
            said = "no breath clear enough to count"
        said_at.append((60.0 * k, said))
    for b in out["deep_breaths"]:
        said_at.append((b["t"], f"a deep breath ({b['depth_mg']:.0f} mG" + (
            f", {b['depth']:.1f} times the settle minute's breath)" if b["depth"] else ")")))
    lines += [f"  {_clock(t)}  {said}" for t, said in sorted(said_at, key=lambda x: x[0])]
    lines.append("  Breathing read from the strap's movement; calmlink is not a medical device.")
    return "\n".join(lines)


def run_chest(path: Path, *, json_out: bool, window: tuple[float, float] | None) -> int:
    from calmlink.recordings.series import RRFileError

    try:
        out = chest_json(path, window)
    except RRFileError as exc:
        print(f"calmlink analyze: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out) if json_out else chest_text(out))
    return 0
