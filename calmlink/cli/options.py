"""Command-line options for settings, taken from :class:`~calmlink.settings.Settings`: the help,
default and ``CALMLINK_*`` variable are declared once there, never re-typed here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from calmlink.settings import documented

_DOCS = documented()


def setting(name: str, extra_help: str = "") -> Any:
    """A typer option for the setting ``name``: its help, shown default and variable."""
    doc = _DOCS[name]
    return typer.Option(help=(doc.help + " " + extra_help).strip(), envvar=doc.variable,
                        show_default=doc.default)


PortOpt = Annotated[int | None, setting("port")]
DbOpt = Annotated[Path | None, setting("db")]
SpeedOpt = Annotated[float | None, setting("speed")]
SeedOpt = Annotated[int | None, setting("seed")]
ProfileOpt = Annotated[str | None, setting("profile")]
DeviceOpt = Annotated[str | None, typer.Option(
    help="Strap address or name (default: the last strap used, else the nearest).")]
SimulateOpt = Annotated[bool, typer.Option("--simulate", help="Use the simulated strap.")]
ReplayOpt = Annotated[Path | None, typer.Option(
    help="Replay an RR file or a raw log from `calmlink record --out`.")]
PartnerOpt = Annotated[bool, typer.Option(
    "--partner", help="Simulate two people (receiver and giver), each with a strap: partner mode "
    "without hardware.")]
CouplingOpt = Annotated[float, typer.Option(
    min=0.0, max=1.0, help="With --partner: how much of the two hearts' slow wander is shared "
    "(0 independent, 1 all shared).")]
LagOpt = Annotated[float, typer.Option(
    "--lag", min=-10.0, max=10.0, help="With --partner: seconds the giver follows the shared wander "
    "after the receiver.")]
LanOpt = Annotated[bool, typer.Option("--lan", help=_DOCS["lan"].help + " Phones must pair first.",
                                      envvar=_DOCS["lan"].variable)]
