"""Breathing, only when the rhythm shows it: a pace from a clear respiratory peak, never a number
from a spread of irregular rhythms or from the heart's own slow waves."""

from __future__ import annotations

import csv
import math
import statistics
from typing import Any

import numpy as np
import pytest

from calmlink.recordings import read_rr_file
from calmlink.sensors.simulator import Physiology, SimulatedStrap
from calmlink.signal.gauge_run import run_gauge
from calmlink.signal.spectral import spectrum
from conftest import DATA


def rr_series(breaths_per_min: float, swing_ms: float, noise_ms: float = 5.0, seed: int = 1,
              seconds: float = 130.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out, t = [], 0.0
    while t < seconds:
        rr = 950.0 + swing_ms * math.sin(2 * math.pi * breaths_per_min / 60.0 * t) + rng.normal(0, noise_ms)
        out.append(rr)
        t += rr / 1000.0
    return np.array(out)


def pace(rr: np.ndarray) -> float:
    return spectrum([rr], window_s=130.0).breathing_bpm


def test_a_clear_rhythm_gives_its_pace() -> None:
    assert pace(rr_series(14.0, 40.0)) == pytest.approx(14.0, abs=0.7)
    assert pace(rr_series(6.0, 160.0)) == pytest.approx(6.0, abs=0.5)  # slow, paced breathing


def test_no_number_from_a_spread_or_from_slow_waves_of_the_heart_itself() -> None:
    assert math.isnan(pace(rr_series(14.0, 0.0, noise_ms=40.0)))  # no rhythm at all
    assert math.isnan(pace(rr_series(6.0, 40.0)))  # a slow wave too small to be paced breathing
    base = rr_series(14.0, 20.0)
    rng = np.random.default_rng(3)
    talking = base + rng.normal(0, 35, base.size)  # irregular breathing while talking
    assert math.isnan(pace(talking))


@pytest.mark.real_data
def test_p37_slow_breathing_rest_and_exercise() -> None:
    """The issue's targets on the one person with paced breathing in the shared data."""
    folder = DATA / "relax" / "wearablehrv"
    series = read_rr_file(folder / "P37_vu_ecg.rr")
    run = run_gauge(series.t_s, series.rr_ms, series.gap_before)
    shown: dict[str, list[float]] = {}
    with (folder / "P37_vu_ecg_conditions.csv").open() as fh:
        for row in csv.DictReader(fh):
            lo, hi = float(row["start_s"]) + 120.0, float(row["end_s"])  # two minutes in
            shown[row["label"]] = [r.breathing_bpm for r in run.results
                                   if lo <= r.t < hi and r.breathing_bpm is not None]
    assert shown["breathing"] and all(5.0 <= v <= 7.0 for v in shown["breathing"])
    assert all(10.0 <= v <= 18.0 for v in shown["sitting"])
    assert all(v > 10.0 for v in shown["walking"] + shown["biking"])
    assert statistics.median(shown["breathing"]) < statistics.median(shown["sitting"])


@pytest.mark.browser
def test_the_live_view_says_the_breathing_pace_quietly(start_server: Any, page: Any,
                                                        console_errors: list[str]) -> None:
    steady = Physiology(start_breath_per_min=12.0, settled_breath_per_min=12.0, start_rsa_ms=40.0,
                        settled_rsa_ms=40.0, ectopic_per_beat=0.0, missed_per_beat=0.0,
                        contact_loss_at_s=None)
    server = start_server(SimulatedStrap(speed=30.0, physiology=steady), speed=30.0, autostart=True)
    page.goto(server.url + "/")
    page.wait_for_selector("#breathing:not([hidden])", timeout=20_000)
    assert page.locator("#breathing").text_content().startswith("breathing about 12 breaths a minute")
    assert console_errors == []
