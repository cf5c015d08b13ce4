"""Honest with hard recordings and guarded inputs: much correction is said with both numbers and,
past a fifth of the beats, the figures are "not reliable for this recording" (analyze, import and
the stored summary); files too short for a figure or the baseline say so; export never overwrites
unasked; sync refuses two recordings without a shared clock, warns on the same beats twice, and
says "too little clean signal to test" rather than "no clear link"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from test_sync_cli import write_pair

from calmlink.review.partner import synchrony_sentence
from calmlink.signal.synchrony import MIN_TESTABLE_WINDOWS, pair_synchrony


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calmlink.cli", *args], capture_output=True,
                          text=True, timeout=120)


def premature_every(every: int, n: int = 600) -> list[int]:
    """A resting series with a premature beat and its compensatory pause every ``every`` beats."""
    rng = np.random.default_rng(1)
    rr = 850 + np.cumsum(rng.normal(0, 12, n)).clip(-200, 200)
    for k in range(20, n - 2, every):
        rr[k] *= 0.6
        rr[k + 1] *= 1.4
    return [int(v) for v in rr]


def test_much_correction_is_said_with_both_numbers(tmp_path: Path) -> None:
    f = tmp_path / "rr.txt"
    f.write_text("\n".join(map(str, premature_every(12))))
    data = json.loads(cli("analyze", str(f), "--json").stdout)
    assert 5 < data["corrected_pct"] <= 20 and data["reliable"]
    [note] = [w for w in data["warnings"] if "correction changed" in w]
    assert f"{data['rmssd_ms']:.1f} ms corrected" in note
    assert f"{data['rmssd_uncorrected_ms']:.1f} ms as recorded" in note
    text = cli("analyze", str(f))
    assert "RMSSD as recorded" in text.stdout and "correction changed" in text.stderr


def test_past_a_fifth_of_the_beats_nothing_is_one_clean_number(tmp_path: Path) -> None:
    f = tmp_path / "rr.txt"
    f.write_text("\n".join(map(str, premature_every(4))))
    data = json.loads(cli("analyze", str(f), "--json").stdout)
    assert data["corrected_pct"] > 20 and data["reliable"] is False
    assert any(w.startswith("not reliable for this recording") for w in data["warnings"])
    assert "not reliable for this recording" in cli("analyze", str(f)).stdout
    db = tmp_path / "s.sqlite3"
    out = cli("import", str(f), "--profile", "Sam", "--db", str(db))
    assert out.returncode == 0 and "not reliable for this recording" in out.stderr
    summary = json.loads(cli("export", "1", "--format", "json", "--db", str(db)).stdout)["summary"]
    assert summary["reliable"] is False
    assert summary["unreliable_reason"].startswith("not reliable for this recording")


def test_three_beats_get_no_hrv_figures_and_a_short_file_no_gauge(tmp_path: Path) -> None:
    f = tmp_path / "three.txt"
    f.write_text("800\n810\n790\n")
    data = json.loads(cli("analyze", str(f), "--json").stdout)
    assert data["mean_hr_bpm"] is not None and data["rmssd_ms"] is None and data["hf_ms2"] is None
    assert data["withheld"]["rmssd_ms"].startswith("needs 30 s")
    assert any(w.startswith("too short for HRV figures") for w in data["warnings"])
    half = tmp_path / "half-minute.txt"
    half.write_text("\n".join(["800"] * 40))
    gauge = cli("analyze", str(half), "--gauge")
    assert "too short for the gauge" in gauge.stdout and "calibrating" not in gauge.stdout
    assert "shorter than its baseline" in json.loads(cli("analyze", str(half), "--gauge",
                                                         "--json").stdout)["warnings"][0]


def test_export_never_overwrites_unasked(tmp_path: Path) -> None:
    f = tmp_path / "rr.txt"
    f.write_text("\n".join(map(str, premature_every(50, 200))))
    db = tmp_path / "s.sqlite3"
    assert cli("import", str(f), "--profile", "Sam", "--db", str(db)).returncode == 0
    out = tmp_path / "mine.csv"
    out.write_text("my own notes")
    refused = cli("export", "1", "--out", str(out), "--db", str(db))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert out.read_text() == "my own notes"
    assert cli("export", "1", "--out", str(out), "--force", "--db", str(db)).returncode == 0
    assert out.read_text().startswith("beat_seq,")


def test_sync_needs_a_shared_clock_and_says_when_the_beats_are_the_same(tmp_path: Path) -> None:
    receiver, giver = write_pair(tmp_path, 4, 0.5, 2.0)
    plain = []
    for path in (receiver, giver):
        p = path.with_suffix(".txt")
        p.write_text("".join(line.split(",")[1] + "\n" for line in path.read_text().splitlines()[1:]))
        plain.append(p)
    refused = cli("sync", str(plain[0]), str(plain[1]))
    assert refused.returncode == 2 and "without a clock shared" in refused.stderr
    assert "--aligned" in refused.stderr
    aligned = json.loads(cli("sync", str(plain[0]), str(plain[1]), "--aligned", "--json").stdout)
    assert aligned["windows"] > 50 and aligned["testable"]
    same = cli("sync", str(receiver), str(receiver), "--json")
    assert "the same beats" in same.stderr and json.loads(same.stdout)["warnings"]


def test_too_little_clean_signal_is_never_no_clear_link(tmp_path: Path) -> None:
    receiver, giver = write_pair(tmp_path, 4, 0.5, 2.0)
    rows = giver.read_text().splitlines()
    # a loose strap: the giver's beats only for a minute and a half of the ten
    kept = [rows[0]] + [r for r in rows[1:] if 200.0 <= float(r.split(",")[0]) <= 290.0]
    giver.write_text("\n".join(kept) + "\n")
    data = json.loads(cli("sync", str(receiver), str(giver), "--json").stdout)
    assert data["testable"] is False and data["in_step"] is False and 0 < data["usable_min"] < 3
    text = cli("sync", str(receiver), str(giver)).stdout
    assert text.startswith("Too little clean signal to test") and "no clear link" not in text.lower()
    assert f"{data['usable_min']:.1f} minutes" in text


def test_the_threshold_is_counted_windows() -> None:
    t = np.arange(1, 601) * 1.0
    rr = np.full(600, 1000.0) + 20 * np.sin(t / 7)
    clean = np.ones(600, dtype=bool)
    few = clean.copy()
    few[: 600 - (40 + (MIN_TESTABLE_WINDOWS - 2) * 5)] = False  # one window short of the threshold
    s = pair_synchrony((t, rr, clean), (t, rr, few))
    assert s.windows == MIN_TESTABLE_WINDOWS - 1 and not s.testable and not s.passes
    assert synchrony_sentence(s).startswith("Too little clean signal to test")
