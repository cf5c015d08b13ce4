"""The ``calmlink`` command: one module per command group, each thin (parse, wire, print).

Heavy libraries (scipy, bleak, fastapi) are imported inside commands, never at start-up. A command
named on the command line is the only one built (typer reads every command's signature when it
builds one: 20 ms of `calmlink analyze`); help and unknown words build them all.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from typing import Annotated

import typer

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("serve", "demo"),
    "serve": ("serve", "serve"),
    "scan": ("serve", "scan"),
    "record": ("record", "record"),
    "analyze": ("analyze", "analyze"),
    "sync": ("sync", "sync"),
    "sessions": ("store", "sessions"),
    "export": ("store", "export"),
    "import": ("store", "import_"),
    "backup": ("backup", "backup"),
    "restore": ("backup", "restore"),
}
"""Each command's module in calmlink.cli and its function, in the order help lists them."""

ONE_THREAD = frozenset({"analyze", "sync", "sessions", "export", "import", "backup", "restore"})
"""Commands that work through files on one thread: numpy's BLAS need not start its thread pool
(a third of numpy's import here, 40 ms); a person's own OPENBLAS_NUM_THREADS still wins."""

HELP = "calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device."


def _show_version(asked: bool) -> None:
    if asked:
        from calmlink import __version__

        typer.echo(f"calmlink {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_show_version,
        is_eager=True)] = False,
) -> None:
    """calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device."""


def build(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The app with the commands ``names`` (all of them by default)."""
    app = typer.Typer(
        help=HELP, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: rich's renderer would cost 0.15 s of every `--help`
    )
    app.callback()(_root)
    for name in names:
        module, function = COMMANDS[name]
        command = getattr(importlib.import_module(f"calmlink.cli.{module}"), function)
        app.command(name, short_help=summary(command))(command)
    return app


def summary(command: object) -> str:
    """A command's line in ``calmlink --help``: its docstring's first line, a whole sentence.
    Given as ``short_help``, click never cuts it with "..." (it would cut the first sentence of
    the help at the terminal's width); on a narrow terminal it wraps instead."""
    return (command.__doc__ or "").strip().splitlines()[0]


def main() -> None:
    asked = sys.argv[1] if len(sys.argv) > 1 else None
    if asked in ONE_THREAD:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if _plain_analyze(sys.argv[1:]):
        from pathlib import Path

        from calmlink.cli.analyze import run_analyze

        raise SystemExit(run_analyze(Path(sys.argv[2]), json_out=len(sys.argv) == 4, correct=True,
                                     window=None))
    build([asked] if asked in COMMANDS else COMMANDS)()


def _plain_analyze(args: list[str]) -> bool:
    """`calmlink analyze FILE` or `calmlink analyze FILE --json`, nothing else: the commonest
    command, run without building the command line (typer's import is a tenth of a 24-hour file's
    whole analysis). Anything else, help included, goes through typer; tests/test_cli.py checks
    that both ways print the same."""
    return (len(args) in (2, 3) and args[0] == "analyze" and not args[1].startswith("-")
            and args[2:] in ([], ["--json"]))
