"""`calmlink demo`, `calmlink serve` and `calmlink scan`: the live page, and finding straps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from calmlink.cli.options import (
    CouplingOpt,
    DbOpt,
    DeviceOpt,
    LagOpt,
    LanOpt,
    PartnerOpt,
    PortOpt,
    ProfileOpt,
    ReplayOpt,
    SeedOpt,
    SimulateOpt,
    SpeedOpt,
)
from calmlink.settings import Settings

EXIT_NO_BLUETOOTH = 3
"""`calmlink scan` exits with this when Bluetooth is off, missing or not permitted."""


def _serve(settings: Settings, *, device: str | None, simulate: bool, replay: Path | None,
           open_browser: bool, banner: str, start_after_care: bool = False,
           partner: tuple[float, float] | None = None) -> None:
    """``partner``: (coupling, lag) of a simulated pair instead of one simulated strap."""
    from calmlink.api.server import build_server
    from calmlink.sensors.factory import SourceFactory

    simulated = simulate or replay is not None
    sources = SourceFactory(settings.speed, settings.seed, bluetooth=not simulated)
    giver = None
    if partner is not None:
        source, giver = sources.simulated_pair(*partner)
    else:
        source = sources.make(device=device, simulate=simulate, replay=replay)
    try:
        server, sock = build_server(settings, source, sources=sources, accelerated=simulated,
                                    source_kind="simulated" if simulate
                                    else "replay" if replay is not None else "live",
                                    start_after_care=start_after_care, giver=giver)
    except OSError as exc:
        typer.echo(f"calmlink: cannot listen on {settings.host}:{settings.port}: {exc.strerror}. "
                   "Try another port with --port.", err=True)
        raise typer.Exit(2) from None
    port_no = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port_no}/"
    if settings.lan:
        from calmlink.api.security import lan_address

        typer.echo(f"On the home network: http://{lan_address() or 'this-computer'}:{port_no}/ "
                   "(pair each phone from the page on this computer first)")
    typer.echo(f"{banner}: open {url}  (Ctrl-C stops)")
    typer.echo("calmlink is not a medical device.")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    typer.echo("calmlink stopped.")


def demo(
    port: PortOpt = None,
    db: DbOpt = None,
    speed: SpeedOpt = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
    partner: PartnerOpt = False,
    coupling: CouplingOpt = 0.5,
    lag: LagOpt = 2.0,
    lan: LanOpt = False,
) -> None:
    """Serve the live page on a simulated strap.

    No hardware needed. The page shows the care points first and starts a session once they are
    read. Its sessions go to a demo file of their own (demo.sqlite3 in the data directory) unless
    --db says otherwise, so pretend sessions never mix with real ones. With --lan, try pairing a
    phone on the home network."""
    settings = Settings.from_env(port=port, db=db, speed=speed, seed=seed, profile=profile,
                                 lan=lan or None, host="0.0.0.0" if lan else None)
    if settings.db is None:
        settings = replace(settings, db=settings.db_path.with_name("demo.sqlite3"))
    _serve(settings, device=None, simulate=True, replay=None, open_browser=not no_browser,
           banner="calmlink demo on " + ("two simulated straps" if partner else "a simulated strap"),
           start_after_care=True, partner=(coupling, lag) if partner else None)


def serve(
    device: DeviceOpt = None,
    simulate: SimulateOpt = False,
    replay: ReplayOpt = None,
    port: PortOpt = None,
    db: DbOpt = None,
    speed: SpeedOpt = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
    lan: LanOpt = False,
    partner: PartnerOpt = False,
    coupling: CouplingOpt = 0.5,
    lag: LagOpt = 2.0,
) -> None:
    """Serve the live page for a real strap.

    Or a simulated one (--simulate), or a recording replayed (--replay FILE --speed X)."""
    settings = Settings.from_env(port=port, db=db, speed=speed, seed=seed, profile=profile,
                                 lan=lan or None, host="0.0.0.0" if lan else None)
    if simulate and replay is not None:
        typer.echo("calmlink serve: choose either --simulate or --replay, not both.", err=True)
        raise typer.Exit(2)
    if partner and not simulate:
        typer.echo("calmlink serve: --partner simulates two straps: add --simulate (with real "
                   "straps, connect the giver's from the page).", err=True)
        raise typer.Exit(2)
    _serve(settings, device=device, simulate=simulate, replay=replay, open_browser=False,
           banner="calmlink", partner=(coupling, lag) if partner else None)


def scan(
    timeout: Annotated[float, typer.Option(help="Seconds to listen.")] = 5.0,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List nearby heart-rate straps and watches.

    Found by the Heart Rate Service, any brand. Exits 3 when Bluetooth is off, missing or not
    permitted, 1 when nothing was found."""
    import asyncio
    import json

    from calmlink.sensors.discovery import scan as ble_scan
    from calmlink.sensors.errors import BluetoothUnavailable, Unavailable

    try:
        found = asyncio.run(ble_scan(timeout))
    except BluetoothUnavailable as exc:
        typer.echo(f"calmlink scan: {exc}", err=True)
        raise typer.Exit(EXIT_NO_BLUETOOTH) from None
    if json_out:
        typer.echo(json.dumps([{"name": f.name, "address": f.address, "rssi": f.rssi} for f in found]))
        return
    if not found:
        typer.echo(f"calmlink scan: {BluetoothUnavailable(Unavailable.NOT_FOUND)}", err=True)
        raise typer.Exit(1)
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("name", "address", "signal")
    for f in found:  # names are untrusted: shown as plain text, never as markup
        table.add_row(Text(f.name or "(no name)"), Text(f.address), Text(f"{f.rssi} dBm"))
    Console().print(table)
