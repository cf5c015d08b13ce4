"""calmlink's own CSV export: one row per beat with its step, gauge and role; read back with gaps.

The writer takes any objects with the beat fields (:class:`CsvBeat`), so this leaf package needs
nothing from the rest of calmlink.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Protocol

from calmlink.recordings.series import RRSeries
from calmlink.recordings.tables import read_table

CSV_COLUMNS = ["beat_seq", "role", "t", "rr_ms", "hr_bpm", "artifact", "gap_before", "step",
               "step_name", "gauge", "trend", "quality"]
"""The header. Files written before roles existed start ``seq,t,...`` and read the same."""


class CsvBeat(Protocol):
    @property
    def beat_seq(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def t(self) -> float: ...
    @property
    def rr_ms(self) -> float | None: ...
    @property
    def hr_bpm(self) -> float: ...
    @property
    def artifact(self) -> bool: ...
    @property
    def gap_before(self) -> bool: ...
    @property
    def step(self) -> int | None: ...
    @property
    def gauge(self) -> float | None: ...
    @property
    def trend(self) -> str | None: ...
    @property
    def quality(self) -> str: ...


def is_calmlink_csv(first_line: str) -> bool:
    first = first_line.lower()
    return (first.startswith("seq,") or first.startswith("beat_seq,")) and "rr_ms" in first


def write_csv(beats: Iterable[CsvBeat], step_names: list[str]) -> str:
    """Every beat of every role; `calmlink analyze` and `calmlink import` read it back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for b in beats:
        step = b.step
        name = step_names[step] if step is not None and 0 <= step < len(step_names) else ""
        writer.writerow([b.beat_seq, b.role, b.t, "" if b.rr_ms is None else b.rr_ms, b.hr_bpm,
                         int(bool(b.artifact)), int(bool(b.gap_before)),
                         "" if step is None else step, name,
                         "" if b.gauge is None else b.gauge, b.trend or "", b.quality])
    return out.getvalue()


def read_csv(text: str, path: str) -> RRSeries:
    """The receiver's beats (rows of another role are left out), gaps kept."""
    lines = text.splitlines()
    header = lines[0].split(",") if lines else []
    if "role" in header:
        col = header.index("role")
        # other roles' rows become blank lines, so errors still name the file's own line numbers
        kept = [lines[0]] + [ln if (ln.split(",")[col:col + 1] or [""])[0] in ("receiver", "")
                             else "" for ln in lines[1:]]
        text = "\n".join(kept)
    return read_table(text, path, ",", "calmlink", ignore=("artifact",))
