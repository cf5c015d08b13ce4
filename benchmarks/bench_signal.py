"""HRV engine speed against NeuroKit2, measured in the same run on the 24-hour file."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

from calmlink.testing.data import recordings_dir

DATA = recordings_dir() / "rr"
NSR001 = DATA / "nsr2db_nsr001_24h_rr_ms.txt"


def _runs(n: int, argv: list[str]) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def _best_of(n: int, argv: list[str]) -> float:
    return min(_runs(n, argv))


def calmlink_process_s() -> tuple[float, float]:
    """The whole `calmlink analyze --json` process (start-up, reading, correction, metrics): the
    fastest and the median of 7 runs after one not counted."""
    argv = [sys.executable, "-m", "calmlink.cli", "analyze", str(NSR001), "--json"]
    _runs(1, argv)
    times = _runs(7, argv)
    return min(times), statistics.median(times)


def help_s() -> float:
    return _best_of(5, [sys.executable, "-m", "calmlink.cli", "--help"])


def import_signal_s() -> float:
    bare = _best_of(5, [sys.executable, "-c", "pass"])
    full = _best_of(5, [sys.executable, "-c",
                        "import calmlink.signal.analysis, calmlink.signal.per_beat"])
    return full - bare


def neurokit_warm_s(rr: np.ndarray) -> float:
    """NeuroKit2 as its examples call it: corrected peak indices into hrv_time and hrv_frequency."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import neurokit2 as nk

        peaks = nk.intervals_to_peaks(rr, sampling_rate=1000)
        t0 = time.perf_counter()
        _, fixed = nk.signal_fixpeaks(peaks, sampling_rate=1000, method="kubios")
        nk.hrv_time(fixed, sampling_rate=1000)
        nk.hrv_frequency(fixed, sampling_rate=1000, normalize=False)
        return time.perf_counter() - t0


def neurokit_fastest_s(rr: np.ndarray) -> float:
    """NeuroKit2's fastest form of the same work: after signal_fixpeaks, the corrected intervals
    go straight into hrv_time and hrv_frequency (``{"RRI", "RRI_Time"}``), no peak indices."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import neurokit2 as nk

        peaks = nk.intervals_to_peaks(rr, sampling_rate=1000)
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            _, fixed = nk.signal_fixpeaks(peaks, sampling_rate=1000, method="kubios")
            intervals = {"RRI": np.diff(fixed).astype(float), "RRI_Time": fixed[1:] / 1000.0}
            nk.hrv_time(intervals)
            nk.hrv_frequency(intervals, normalize=False)
            best = min(best, time.perf_counter() - t0)
        return best


def spectral_refresh_us() -> float:
    from calmlink.signal.spectral import spectrum

    rr = np.loadtxt(DATA / "fantasia_f1y01_2h_rr_ms.txt")[:160]  # the live path's 120 s window
    times = []
    for _ in range(200):
        t0 = time.perf_counter_ns()
        spectrum([rr], window_s=130.0)
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times) / 1000


def calmlink_in_process_s(rr: np.ndarray) -> float:
    from calmlink.signal.analysis import analyze_rr

    t0 = time.perf_counter()
    analyze_rr(rr)
    return time.perf_counter() - t0


def run() -> None:
    rr = np.loadtxt(NSR001)
    ours, ours_median = calmlink_process_s()
    inproc = calmlink_in_process_s(rr)
    nk = neurokit_warm_s(rr)
    fastest = neurokit_fastest_s(rr)
    print(f"   24 h nsr001 ({rr.size} beats): whole `calmlink analyze --json` process best "
          f"{ours:.2f} s, median {ours_median:.2f} s of 7 (target <= 0.4 s; in-process analysis "
          f"{inproc:.2f} s)")
    print(f"   NeuroKit2 correction + time + frequency, warm, in-process, peak indices: {nk:.1f} s "
          f"-> calmlink's whole process is {nk / ours:.0f}x faster")
    print(f"   NeuroKit2 fastest form (intervals straight in), warm, best of 2: {fastest:.1f} s "
          f"-> calmlink's whole process is {fastest / ours:.0f}x faster (target >= 30x)")
    print(f"   `calmlink --help`: best {help_s():.3f} s (target < 0.2 s)")
    print(f"   spectral refresh (120 s window): median {spectral_refresh_us():.0f} µs (target < 2 ms)")
    print(f"   import calmlink.signal (analysis + live): {import_signal_s():.2f} s (target < 0.3 s)")
