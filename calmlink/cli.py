"""The ``calmlink`` command. Heavy libraries are imported inside each command, never at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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


@app.command()
def demo(
    port: PortOpt = None,
    db: DbOpt = None,
    speed: SpeedOpt = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
) -> None:
    """Serve the live page on a simulated strap (no hardware needed)."""
    settings = Settings.from_env(port=port, db=db, speed=speed, seed=seed, profile=profile)
    from calmlink.api.server import build_server
    from calmlink.sensors.simulator import SimulatedStrap

    source = SimulatedStrap(seed=settings.seed, speed=settings.speed)
    try:
        server, sock = build_server(settings, source)
    except OSError as exc:
        typer.echo(f"calmlink: cannot listen on {settings.host}:{settings.port}: {exc.strerror}. "
                   "Try another port with --port.", err=True)
        raise typer.Exit(2) from None
    url = f"http://{settings.host}:{sock.getsockname()[1]}/"
    typer.echo(f"calmlink demo on a simulated strap: open {url}  (Ctrl-C stops)")
    typer.echo("calmlink is not a medical device.")
    if not no_browser:
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
