"""The ``calmlink`` command: one module per command group, each thin (parse, wire, print).

Heavy libraries (scipy, bleak, fastapi) are imported inside commands, never at start-up.
"""

from __future__ import annotations

from typing import Annotated

import typer

from calmlink.cli import analyze, record, serve, store, sync

app = typer.Typer(
    help="calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's renderer would cost 0.15 s of every `--help`
)


def _show_version(asked: bool) -> None:
    if asked:
        from calmlink import __version__

        typer.echo(f"calmlink {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_show_version,
        is_eager=True)] = False,
) -> None:
    """calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device."""


app.command()(serve.demo)
app.command()(serve.serve)
app.command()(serve.scan)
app.command()(record.record)
app.command()(analyze.analyze)
app.command()(sync.sync)
app.command()(store.sessions)
app.command()(store.export)
app.command("import")(store.import_)


def main() -> None:
    app()
