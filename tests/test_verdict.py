"""One verdict per recording (signal.verdict): `analyze`, `analyze --pace`, `analyze --gauge` and
`import` agree on whether a recording is reliable, and set-aside beats reach no swing, pace, gauge
or deep-breath mark. Read in place from the shared data folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from calmlink.recordings import read_rr_file
from calmlink.signal.analysis import analyze_rr
from calmlink.signal.gauge_run import run_gauge
from calmlink.signal.verdict import UNRELIABLE_SHARE, set_aside, unreliable_reason
from calmlink.testing.data import recordings_dir

PVC = recordings_dir() / "rr" / "polar_h10_pvc_10min_rr_with_time.csv"
CLEAN = recordings_dir() / "rr" / "pyhrv_sample_5min_nni_ms.txt"


def _cli(*args: str) -> tuple[str, str]:
    done = subprocess.run([str(Path(sys.executable).with_name("calmlink")), *args], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout, done.stderr


def test_set_aside_is_the_live_paths_own_judgement() -> None:
    rng = np.random.default_rng(3)
    rr = 800.0 + rng.normal(0.0, 20.0, 300)
    rr[::7] = 500.0  # a premature beat every seventh
    gaps = np.zeros(rr.size, dtype=bool)
    gaps[150] = True
    flagged = np.zeros(rr.size, dtype=bool)
    flagged[40] = True
    live = run_gauge(np.cumsum(rr) / 1000.0, rr, gaps, flagged=flagged)
    assert set_aside(rr, gaps, flagged).tolist() == [r.artifact for r in live.results]


def test_the_words_name_the_share_only_past_the_limit() -> None:
    assert unreliable_reason(UNRELIABLE_SHARE, 100) is None
    assert unreliable_reason(None, 100) is None
    assert "59% of its 798 beats" in (unreliable_reason(0.59, 798) or "")


@pytest.mark.real_data
@pytest.mark.timeout(240)
def test_every_command_says_the_trigeminy_record_is_not_reliable(tmp_path: Path) -> None:
    series = read_rr_file(PVC)
    summary = analyze_rr(series.rr_ms, series.gap_before, flagged=series.flagged)
    assert not summary.reliable and summary.set_aside_pct > 50.0
    assert summary.corrected_pct < 5.0  # the batch correction alone would have called it clean
    out, err = _cli("analyze", str(PVC), "--json")
    assert json.loads(out)["reliable"] is False and "not reliable" in err
    text, _ = _cli("analyze", str(PVC))
    assert "not reliable for this recording (59% of the beats set aside" in text
    paced = json.loads(_cli("analyze", str(PVC), "--pace", "6", "--json")[0])
    assert paced["reliable"] is False and paced["swing_bpm"] is None and not paced["breaths"]
    gauge = json.loads(_cli("analyze", str(PVC), "--gauge", "--json")[0])
    assert gauge["reliable"] is False
    assert not any(p["deep_breath"] for p in gauge["series"])
    _, imported = _cli("import", str(PVC), "--db", str(tmp_path / "c.db"), "--profile", "Sam")
    reason = unreliable_reason(summary.set_aside_pct / 100.0, series.rr_ms.size)
    assert reason is not None and reason in imported and reason in err


@pytest.mark.real_data
def test_a_clean_recording_stays_reliable_everywhere() -> None:
    out, err = _cli("analyze", str(CLEAN), "--json")
    assert json.loads(out)["reliable"] is True and "not reliable" not in err
    assert json.loads(_cli("analyze", str(CLEAN), "--pace", "6", "--json")[0])["reliable"] is True
