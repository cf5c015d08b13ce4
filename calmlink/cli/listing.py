"""`calmlink sessions` as a table that reads at any terminal width, 80 columns included.

Every column but the last takes the width its words need; what was tried takes the rest, joined
on one line and cut with "…" when it is longer (so is a long receiver name): `--json` has every
word, and the table then says so. On a terminal narrower than ``WIDE`` the beat count goes, and
the state when every session listed is completed or what was tried would get fewer than
``MIN_TRIED`` characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

    from calmlink.store.store import SessionRow

WIDE = 100
"""From this many columns, the table has room for every column, the beat count included."""
MIN_TRIED = 12
"""What was tried keeps at least this many characters ("oil, music…") before the state goes."""
MAX_NAME = (12, 30)
"""A receiver's name longer than this (on a narrow terminal, on a wide one) is cut with "…"
(names may have 80 characters)."""
GAP = 3
"""Characters between two columns (rich's padding on both sides and the separator)."""
CUT_NOTE = "… cut short to fit: calmlink sessions --json has every word."


@dataclass(frozen=True)
class Col:
    header: str
    cells: list[str]
    right: bool = False
    cap: int | None = None
    """At most this wide, cut with "…"; None: as wide as its longest cell."""

    @property
    def natural(self) -> int:
        from rich.cells import cell_len  # a wide character (漢) takes two columns

        return max([len(self.header), *(cell_len(c) for c in self.cells)])

    def width(self) -> int:
        return self.natural if self.cap is None else max(len(self.header), min(self.natural, self.cap))


def tried_text(tried: dict[str, object]) -> str:
    """What was tried, on one line: the choices (oil, light, music...), then the couple's own tags."""
    tags = tried.get("tags") or []
    assert isinstance(tags, list | tuple)
    return ", ".join([str(v) for k, v in tried.items() if k != "tags" and v] + [str(t) for t in tags])


def sessions_table(rows: Sequence[SessionRow], width: int, when: Sequence[str]
                   ) -> tuple[Table, bool]:
    """The table for ``rows`` (``when``: each one's start as the reader's clock says it) at
    ``width`` columns, and whether any text in it was cut short."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Column, Table
    from rich.text import Text  # as text: a name or tag with [brackets] is never read as markup

    cols = {
        "id": Col("id", [str(r.id) for r in rows], right=True),
        "started": Col("started", list(when)),
        "receiver": Col("receiver", [r.profile for r in rows], cap=MAX_NAME[width >= WIDE]),
        "state": Col("state", [r.state for r in rows]),
        "min": Col("min", [f"{(r.duration_s or 0) / 60:.1f}" for r in rows], right=True),
        "beats": Col("beats", [str(r.n_beats) for r in rows], right=True),
        "outcome": Col("outcome", [r.outcome or "" for r in rows]),
    }
    tried = [tried_text(r.tried) for r in rows]

    def room() -> int:  # what is left for what was tried
        return width - sum(c.width() for c in cols.values()) - GAP * len(cols)

    if width < WIDE:
        del cols["beats"]
        if set(cols["state"].cells) == {"completed"}:  # the same in every row says nothing
            del cols["state"]
    if "state" in cols and room() < MIN_TRIED:
        del cols["state"]
    tried_width = max(len("tried"), room())
    table = Table(*(Column(c.header, justify="right" if c.right else "left", no_wrap=True,
                           overflow="ellipsis", width=c.width()) for c in cols.values()),
                  Column("tried", no_wrap=True, overflow="ellipsis", width=tried_width),
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for k in range(len(rows)):
        table.add_row(*(Text(c.cells[k]) for c in cols.values()), Text(tried[k]))
    cut = any(cell_len(t) > tried_width for t in tried) or any(
        c.natural > c.width() for c in cols.values())
    return table, cut
