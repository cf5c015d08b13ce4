"""calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("calmlink")
    """From the installed package's metadata: pyproject.toml is the one source of truth."""
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
