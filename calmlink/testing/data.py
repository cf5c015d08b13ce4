"""Where the real recordings for tests and benchmarks are: read in place, never copied.

The recordings in the shared data folder come from public repositories whose terms allow them
there only. One setting names the folder, ``CALMLINK_TEST_DATA`` (default: ``../shared/data`` from
the repository root); tests and benchmarks both use :func:`recordings_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "CALMLINK_TEST_DATA"


def recordings_dir() -> Path:
    raw = os.environ.get(VARIABLE)
    if raw:
        return Path(raw).expanduser()
    repo = Path(__file__).resolve().parents[2]
    return (repo / ".." / "shared" / "data").resolve()


def missing_data_message(folder: Path) -> str:
    return (f"the real recordings are not at {folder}: set {VARIABLE} to the shared data folder "
            "(with rr/, relax/ and interop/ in it) to run the tests that read them")


PMD_VARIABLE = "CALMLINK_PMD_VECTORS"


def pmd_vectors_dir() -> Path:
    """Polar's published PMD test vectors (``vectors.json``), read in place: ``CALMLINK_PMD_VECTORS``,
    default ``../shared/pmd`` from the repository root."""
    raw = os.environ.get(PMD_VARIABLE)
    if raw:
        return Path(raw).expanduser()
    repo = Path(__file__).resolve().parents[2]
    return (repo / ".." / "shared" / "pmd").resolve()


def missing_pmd_message(folder: Path) -> str:
    return (f"the PMD test vectors are not at {folder}: set {PMD_VARIABLE} to the folder holding "
            "vectors.json to run the tests that read them")
