"""The shape of the code, checked: layer contracts, no dead code, modules of one job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_LINES = 300

# Called by a framework, by name or through serialisation, never from Python: route handlers (by
# decorator), the app's exception handler, typer's root callback, the CLI's commands (looked up by
# name in calmlink.cli.COMMANDS: only `import_` has no namesake), sqlite's row_factory, the flag
# uvicorn's protocol reads (handshake_complete), and fields that only the page or stored JSON reads.
FRAMEWORK_NAMES = ["http_error", "_root", "row_factory", "elapsed_s", "calibrating", "created_at",
                   "revoked_at", "baseline_hr_bpm", "baseline_ln_rmssd", "n_segments", "artifacts",
                   "rating_*", "options", "pseudo_pairs", "sentence", "steps_in_step",
                   "step_sentences", "handshake_complete", "within_score_per_min",
                   "rmssd_uncorrected_ms", "__getattr__",
                   # what was tried, read by its kind's name (getattr), and API fields the page reads
                   "hands", "pressure", "sound", "in_use", "min_each", "against_usual_curve",
                   "comparisons", "week_of", "import_", "usable_min", "reliable"]


def test_layer_contracts_hold() -> None:
    out = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_no_dead_code() -> None:
    """vulture over the package, counting uses in tests and benchmarks too. The emulated BlueZ's
    D-Bus methods and properties are called over D-Bus by bleak, under the names BlueZ gives them
    (and with the arguments BlueZ passes, used or not)."""
    out = subprocess.run(
        [str(BIN / "vulture"), "calmlink", "tests", "benchmarks", "--min-confidence", "60",
         "--ignore-decorators", "@*_router.*,@app.*,@method,@dbus_property",
         "--ignore-names", ",".join(FRAMEWORK_NAMES)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    dead = [line for line in out.stdout.splitlines() if line.startswith("calmlink/")]
    assert dead == [], "\n".join(dead)


def test_no_module_over_300_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "calmlink").rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"modules past {MAX_LINES} lines (is each still one job?): {long}"
