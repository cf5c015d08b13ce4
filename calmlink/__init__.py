"""calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__`` from the installed package's metadata (pyproject.toml is the one source of
    truth), looked up on first use: importlib.metadata costs a third of `calmlink --help`."""
    if name != "__version__":
        raise AttributeError(f"module 'calmlink' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("calmlink")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
