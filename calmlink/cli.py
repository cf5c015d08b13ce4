"""The ``calmlink`` command. Heavy libraries are imported inside each command, never at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from calmlink.settings import Settings, documented

app = typer.Typer(
    help="calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
_HELP = documented()


@app.callback()
def _root() -> None:
    """calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device."""

PortOpt = Annotated[int | None, typer.Option(help=_HELP["port"], envvar="CALMLINK_PORT",
                                             show_default="8000")]
DbOpt = Annotated[Path | None, typer.Option(help=_HELP["db"], envvar="CALMLINK_DB")]
SpeedOpt = Annotated[float | None, typer.Option(help=_HELP["speed"], envvar="CALMLINK_SPEED",
                                                show_default="1.0")]
SeedOpt = Annotated[int | None, typer.Option(help=_HELP["seed"], envvar="CALMLINK_SEED",
                                             show_default="7")]
ProfileOpt = Annotated[str | None, typer.Option(help=_HELP["profile"], envvar="CALMLINK_PROFILE",
                                                show_default="Receiver")]


def _serve(settings: Settings, source_kwargs: dict[str, Any], open_browser: bool, banner: str,
           autostart: bool = False) -> None:
    from calmlink.api.devices import ble_access, demo_access
    from calmlink.api.server import build_server
    from calmlink.sensors.factory import make_source

    simulated = bool(source_kwargs.get("simulate") or source_kwargs.get("replay"))
    source = make_source(speed=settings.speed, seed=settings.seed, **source_kwargs)
    devices = demo_access(settings) if simulated else ble_access(settings)
    try:
        server, sock = build_server(settings, source, devices=devices, accelerated=simulated,
                                    source_kind="simulated" if source_kwargs.get("simulate")
                                    else "replay" if source_kwargs.get("replay") else "live",
                                    autostart=autostart)
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


@app.command()
def demo(
    port: PortOpt = None,
    db: DbOpt = None,
    speed: SpeedOpt = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
) -> None:
    """Serve the live page on a simulated strap (no hardware needed). Its sessions go to a demo
    file of their own (demo.sqlite3 in the data directory) unless --db says otherwise, so pretend
    sessions never mix with real ones."""
    settings = Settings.from_env(port=port, db=db, speed=speed, seed=seed, profile=profile)
    if settings.db is None:
        from dataclasses import replace

        settings = replace(settings, db=settings.db_path.with_name("demo.sqlite3"))
    _serve(settings, {"simulate": True}, not no_browser, "calmlink demo on a simulated strap",
           autostart=True)


@app.command()
def serve(
    device: Annotated[str | None, typer.Option(
        help="Strap address or name (default: the last strap used, else the nearest).")] = None,
    simulate: Annotated[bool, typer.Option("--simulate", help="Use the simulated strap.")] = False,
    replay: Annotated[Path | None, typer.Option(
        help="Replay an RR file or a raw log from `calmlink record --out`.")] = None,
    port: PortOpt = None,
    db: DbOpt = None,
    speed: SpeedOpt = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
    lan: Annotated[bool, typer.Option("--lan", help=_HELP["lan"] + " Phones must pair first.",
                                      envvar="CALMLINK_LAN")] = False,
) -> None:
    """Serve the live page for a real strap (or --simulate, or --replay FILE --speed X)."""
    settings = Settings.from_env(port=port, db=db, speed=speed, seed=seed, profile=profile,
                                 lan=lan or None, host="0.0.0.0" if lan else None)
    if simulate and replay is not None:
        typer.echo("calmlink serve: choose either --simulate or --replay, not both.", err=True)
        raise typer.Exit(2)
    _serve(settings, {"device": device, "simulate": simulate, "replay": replay}, False,
           "calmlink")


@app.command()
def scan(
    timeout: Annotated[float, typer.Option(help="Seconds to listen.")] = 5.0,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List nearby heart-rate straps and watches (found by the Heart Rate Service, any brand)."""
    import asyncio
    import json

    from calmlink.sensors.ble import scan as ble_scan
    from calmlink.sensors.errors import BluetoothUnavailable

    try:
        found = asyncio.run(ble_scan(timeout))
    except BluetoothUnavailable as exc:
        typer.echo(f"calmlink scan: {exc}", err=True)
        raise typer.Exit(3) from None
    if json_out:
        typer.echo(json.dumps([{"name": f.name, "address": f.address, "rssi": f.rssi} for f in found]))
        return
    if not found:
        from calmlink.sensors.errors import Unavailable

        typer.echo(f"calmlink scan: {BluetoothUnavailable(Unavailable.NOT_FOUND)}", err=True)
        raise typer.Exit(1)
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("name", "address", "signal")
    for f in found:  # names are untrusted: shown as plain text, never as markup
        table.add_row(Text(f.name or "(no name)"), Text(f.address), Text(f"{f.rssi} dBm"))
    Console().print(table)


@app.command()
def record(
    device: Annotated[str | None, typer.Option(help="Strap address or name.")] = None,
    simulate: Annotated[bool, typer.Option("--simulate", help="Use the simulated strap.")] = False,
    replay: Annotated[Path | None, typer.Option(help="Replay an RR file or a raw log.")] = None,
    minutes: Annotated[float | None, typer.Option(
        help="Stop after this many minutes (default: when the routine ends).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Also write every notification with its arrival time (JSON lines).")] = None,
    db: DbOpt = None,
    speed: SpeedOpt = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """Record a whole session into the store without the page."""
    settings = Settings.from_env(db=db, speed=speed, seed=seed, profile=profile)
    if simulate and replay is not None:
        typer.echo("calmlink record: choose either --simulate or --replay, not both.", err=True)
        raise typer.Exit(2)
    from calmlink.record_cmd import run_record
    from calmlink.sensors.factory import make_source

    source = make_source(device=device, simulate=simulate, replay=replay, speed=settings.speed,
                         seed=settings.seed)
    speed_factor = settings.speed if (simulate or replay is not None) else 1.0
    raise typer.Exit(run_record(source, settings.db_path, profile=settings.profile, minutes=minutes,
                                out=out, speed=speed_factor))


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="RR file: plain, time/RR CSV, Polar, Elite HRV, Kubios "
                                         "or calmlink's export (detected).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
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
) -> None:
    """Offline HRV of an RR file, or with --gauge the relaxation gauge over time."""
    if gauge:
        from calmlink.gauge_cmd import run_gauge_cmd

        raise typer.Exit(run_gauge_cmd(file, json_out=json_out, baseline=baseline,
                                       conditions=conditions, window=window))
    from calmlink.analyze_cmd import run_analyze

    raise typer.Exit(run_analyze(file, json_out=json_out, correct=not no_correction, window=window))


@app.command()
def sessions(
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    profile: Annotated[str | None, typer.Option(help="Only this receiver's sessions.")] = None,
    db: DbOpt = None,
) -> None:
    """List stored sessions, newest first."""
    from calmlink.store_cmds import list_sessions

    raise typer.Exit(list_sessions(Settings.from_env(db=db).db_path, profile, json_out))


@app.command()
def export(
    session_id: Annotated[int | None, typer.Argument(help="Session id (see calmlink sessions).")] = None,
    format: Annotated[str, typer.Option(help="csv (beats with steps), json (summary, steps, "
                                        "metrics) or rr (Kubios-readable RR text).")] = "csv",
    all_sessions: Annotated[bool, typer.Option("--all", help="Every session as one zip archive.")]
    = False,
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    db: DbOpt = None,
) -> None:
    """Export a session (or --all of them) in an open format."""
    from calmlink.store_cmds import export_sessions

    raise typer.Exit(export_sessions(Settings.from_env(db=db).db_path, session_id, format,
                                     all_sessions, out))


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="An RR file in any format calmlink analyze reads.")],
    profile: Annotated[str, typer.Option(help="The receiver it belongs to.")],
    date: Annotated[str | None, typer.Option(
        help="When it was recorded (ISO 8601; default: the file's modification time).")] = None,
    db: DbOpt = None,
) -> None:
    """Import a recording as a session (the first minute is its baseline)."""
    from calmlink.store_cmds import import_file

    raise typer.Exit(import_file(Settings.from_env(db=db).db_path, file, profile, date))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
