"""Artifact detection and correction on real labelled beats, and the invariants it must keep."""

from __future__ import annotations

import csv
import statistics
from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmlink.numeric import median
from calmlink.signal.artifacts import (
    C1,
    C2,
    GAP_RR_MS,
    KINDS,
    _rolling_threshold,
    correct_segment,
    detect_artifacts,
    rolling_median,
    split_segments,
)
from calmlink.signal.metrics import time_domain
from calmlink.signal.order_stats import _by_level, _by_sorting
from calmlink.signal.order_stats import sorted_quantile as _sorted_quantile
from calmlink.signal.order_stats import windows as _windows
from calmlink.signal.stream_artifacts import _quartile_deviation
from conftest import DATA

RR = DATA / "rr"
MITBIH_NN_RMSSD = 27.48  # ms, over normal-to-normal pairs only (data README)


@pytest.fixture(scope="module")
def mitbih() -> tuple[np.ndarray, np.ndarray]:
    rr = np.loadtxt(RR / "mitbih_100_30min_rr_ms.txt")
    with (RR / "mitbih_100_beats_labeled.csv").open() as fh:
        labels = np.array([row["symbol"] for row in csv.DictReader(fh)])
    assert labels.size == rr.size + 1
    return rr, labels


@pytest.mark.real_data
def test_mitbih_every_labelled_ectopic_beat_is_flagged(mitbih: tuple[np.ndarray, np.ndarray]) -> None:
    rr, labels = mitbih
    flagged = detect_artifacts(rr).any
    ectopic_beats = np.flatnonzero(labels != "N")
    assert ectopic_beats.size == 34
    # interval k runs from beat k to beat k+1: an ectopic beat b ends interval b-1 and starts b
    missed = [b for b in ectopic_beats if not (flagged[b - 1] or (b < rr.size and flagged[b]))]
    assert missed == []


@pytest.mark.real_data
def test_mitbih_precision(mitbih: tuple[np.ndarray, np.ndarray]) -> None:
    rr, labels = mitbih
    flagged = detect_artifacts(rr).any
    abnormal = labels != "N"
    touches_ectopic = abnormal[:-1] | abnormal[1:]
    precision = (flagged & touches_ectopic).sum() / flagged.sum()
    assert precision >= 0.85


@pytest.mark.real_data
def test_mitbih_rmssd_after_correction_is_near_the_nn_truth(
        mitbih: tuple[np.ndarray, np.ndarray]) -> None:
    rr, _ = mitbih
    raw = time_domain([rr]).rmssd_ms
    corrected = time_domain([correct_segment(rr).rr_ms]).rmssd_ms
    assert raw > 60  # the raw series is far off: 63.2 ms
    assert abs(corrected / MITBIH_NN_RMSSD - 1) < 0.05


@pytest.mark.real_data
def test_clean_sinus_rhythm_has_few_flags() -> None:
    rr = np.loadtxt(RR / "wfdb_1003_10min_rr_ms.txt")  # all beats labelled normal
    assert detect_artifacts(rr).any.mean() < 0.03


def test_classification_of_planted_artifacts() -> None:
    rng = np.random.default_rng(1)
    rr = 800 + 20 * np.sin(np.arange(400) / 3) + rng.normal(0, 5, 400)
    rr[100] *= 2.0  # a missed beat
    rr[200], rr[201] = rr[200] * 0.65, rr[201] * 1.35  # premature beat, compensatory pause
    rr = np.insert(rr, 300, [250.0])  # an extra beat splits an interval...
    rr[301] -= 250.0  # ...into two
    rep = detect_artifacts(rr)
    assert rep.missed[100]
    assert rep.ectopic[200] or rep.short[200]
    assert rep.extra[300]
    fixed = correct_segment(rr, rep)
    assert fixed.rr_ms.size == rr.size  # one split, one merge
    assert np.all(np.abs(fixed.rr_ms - 800) < 80)


def test_sorted_quantile_matches_numpy() -> None:
    x = np.random.default_rng(3).normal(size=500)
    w = _windows(x, 91)
    ours = _sorted_quantile(np.sort(w, axis=1), 0.25)
    np.testing.assert_allclose(ours, np.quantile(w, 0.25, axis=1), rtol=1e-12)
    np.testing.assert_allclose(rolling_median(x), np.median(_windows(x, 11), axis=1))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.integers(300, 1500).map(float), st.floats(300, 1500),
                          st.integers(0, 1500).map(lambda k: k / 1024 * 1000)), max_size=200),
       st.sampled_from([11, 91]))
def test_rolling_quantiles_equal_float64_sorting_exactly(values: list[float], width: int) -> None:
    """Rows are sorted as float32 where that is exact; the answer must be float64's to the bit,
    whatever mix of whole ms, strap units and arbitrary floats a series holds."""
    x = np.array(values)
    w = min(width, max(1, x.size) | 1)
    rows = np.sort(_windows(x, w), axis=1)
    assert np.array_equal(_rolling_threshold(x, width),
                          np.maximum(5.2 * (_sorted_quantile(rows, 0.75)
                                            - _sorted_quantile(rows, 0.25)) / 2.0, 1e-6))
    assert np.array_equal(rolling_median(x, width), rows[:, w // 2] if x.size else x)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 60).map(lambda k: k * 7.8125), min_size=1, max_size=300),
       st.sampled_from([(0.25, 0.75), (0.5,), (0.1, 0.9)]))
def test_quantiles_by_level_equal_sorting_exactly(values: list[float], qs: tuple[float, ...]
                                                  ) -> None:
    """A series on a grid (a Holter's 1/128 s) takes the level route; its answer is sorting's."""
    x = np.array(values)
    w = min(91, max(1, x.size) | 1)
    by_level = _by_level(x, w, qs)
    assert by_level is not None
    for ours, theirs in zip(by_level, _by_sorting(x, w, qs), strict=True):
        assert np.array_equal(ours, theirs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), max_size=40))
def test_median_equals_numpy(values: list[float]) -> None:
    x = np.array(values)
    assert median(x) == np.median(x) if x.size else np.isnan(median(x))


def _classified_by_loop(rr: np.ndarray) -> dict[str, np.ndarray]:
    """Lipponen & Tarvainen's classification as their loop walks it, beat by beat (the reference
    the vectorised detector must equal)."""
    n = rr.size
    drrs = np.empty(n)
    drrs[1:] = np.diff(rr)
    drrs[0] = drrs[1:].mean()
    d = drrs / _rolling_threshold(drrs, 91)
    pad = np.pad(d, 2, mode="reflect")
    prev_, next_, next2 = pad[1:-3], pad[3:-1], pad[4:]
    s12 = np.where(d > 0, np.maximum(prev_, next_), np.minimum(prev_, next_))
    s22 = np.where(d >= 0, np.minimum(next_, next2), np.maximum(next_, next2))
    medrr = rolling_median(rr)
    mrrs = rr - medrr
    mrrs[mrrs < 0] *= 2.0
    th2 = _rolling_threshold(mrrs, 91)
    m = mrrs / th2
    masks = {k: np.zeros(n, dtype=bool) for k in KINDS}
    skip_until = -1
    for i in [i for i in range(n - 2) if abs(d[i]) > 1 or abs(m[i]) > 3]:
        if i <= skip_until:
            continue
        if (d[i] > 1 and s12[i] < -C1 * d[i] - C2) or (d[i] < -1 and s12[i] > -C1 * d[i] + C2):
            masks["ectopic"][i] = True
            continue
        for j in [i, i + 1] if abs(d[i + 1]) < abs(d[i + 2]) else [i]:
            is_long, is_short = d[j] > 1 and s22[j] < -1, d[j] < -1 and s22[j] > 1
            off_median = abs(m[j]) > 3
            if not (is_long or is_short or off_median):
                continue
            if is_short and abs(rr[j] + rr[j + 1] - medrr[j]) < th2[j]:
                masks["extra"][j] = True
            elif is_long and abs(rr[j] / 2 - medrr[j]) < th2[j]:
                masks["missed"][j] = True
            elif is_long or (off_median and rr[j] > medrr[j]):
                masks["long"][j] = True
            else:
                masks["short"][j] = True
            skip_until = max(skip_until, j)
    masks["short"] |= rr < 250.0
    return masks


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.integers(250, 2000).map(float),
                          st.integers(500, 1100).map(float)), min_size=4, max_size=250))
def test_vectorised_detection_equals_the_papers_loop(values: list[float]) -> None:
    rr = np.array(values)
    report = detect_artifacts(rr)
    for kind, expected in _classified_by_loop(rr).items():
        assert np.array_equal(getattr(report, kind), expected), kind


def _segments_by_loop(rr: np.ndarray, gap: np.ndarray) -> list[slice]:
    """The definition, beat by beat: a run ends at an interval over 2 s or before a marked gap."""
    out, begin = [], None
    for k in range(rr.size):
        if rr[k] > 2000:
            if begin is not None:
                out.append(slice(begin, k))
            begin = None
        elif begin is None:
            begin = k
        elif gap[k] or rr[k - 1] > 2000:
            out.append(slice(begin, k))
            begin = k
    return out + ([slice(begin, rr.size)] if begin is not None else [])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([800.0, 2500.0]), st.booleans()), max_size=40))
def test_split_segments_matches_the_beat_by_beat_definition(beats: list[tuple[float, bool]]) -> None:
    rr = np.array([b[0] for b in beats])
    gap = np.array([b[1] for b in beats], dtype=bool)
    assert split_segments(rr, gap) == _segments_by_loop(rr, gap)


def test_split_segments_at_long_intervals_and_marked_gaps() -> None:
    rr = np.array([800, 810, 5000, 820, 830, 840, 850], dtype=float)
    gap = np.zeros(rr.size, dtype=bool)
    gap[5] = True
    assert split_segments(rr, gap) == [slice(0, 2), slice(3, 5), slice(5, 7)]


rr_lists = st.lists(st.floats(350, 1500), min_size=5, max_size=120)


@settings(max_examples=50, deadline=None)
@given(st.lists(rr_lists, min_size=1, max_size=4))
def test_correction_never_crosses_a_gap(parts: list[list[float]]) -> None:
    """Joined with over-long gaps, each segment corrects exactly as it would alone."""
    series = []
    for p in parts:
        series += [*p, GAP_RR_MS + 1000.0]
    rr = np.array(series[:-1])
    segments = [rr[s] for s in split_segments(rr)]
    assert len(segments) == len(parts)
    for seg, part in zip(segments, parts, strict=True):
        np.testing.assert_array_equal(seg, np.array(part))
        alone = correct_segment(np.array(part)).rr_ms
        np.testing.assert_array_equal(correct_segment(seg).rr_ms, alone)


@settings(max_examples=50, deadline=None)
@given(rr_lists)
def test_correction_keeps_total_time(values: list[float]) -> None:
    """Splits and merges move no beat in time, so the segment's duration is kept (within the
    interpolated values' change)."""
    rr = np.array(values)
    rep = detect_artifacts(rr)
    fixed = correct_segment(rr, rep).rr_ms
    if not (rep.ectopic | rep.long | rep.short).any():
        assert fixed.sum() == pytest.approx(rr.sum(), rel=1e-12)
    merged_into_previous = np.zeros(rr.size, dtype=bool)
    merged_into_previous[1:] = rep.extra[:-1] & ~rep.extra[1:]
    splits = (rep.missed & ~merged_into_previous).sum()
    assert fixed.size == rr.size + splits - merged_into_previous.sum()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-500.0, 500.0), min_size=2, max_size=120))
def test_the_live_quartiles_are_statistics_own(values: list[float]) -> None:
    """The live detector's quartile deviation, by statistics.quantiles' arithmetic, to the bit."""
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    assert _quartile_deviation(sorted(values)) == (q3 - q1) / 2.0


def _judged_by_sorting(rr: list[float]) -> list[bool]:
    """The live detector as first written: the trailing beats sorted afresh at every beat (the median
    of 11) and at every threshold refresh (the quartiles of 91), the published rule read plainly."""
    from calmlink.signal import stream_artifacts as sa

    accepted: deque[float] = deque(maxlen=sa.MEDIAN_BEATS)
    mrrs: deque[float] = deque(maxlen=sa.QD_WINDOW)
    drrs: deque[float] = deque(maxlen=sa.QD_WINDOW)
    consecutive, since, th_m, th_d, out = 0, sa.THRESHOLD_REFRESH_BEATS, 0.0, 0.0, []
    for x in rr:
        if not sa.MIN_RR_MS <= x <= sa.MAX_RR_MS:
            out.append(True)
            continue
        if len(accepted) < sa.WARMUP_BEATS:
            accepted.append(x)
            consecutive = 0
            out.append(False)
            continue
        med = statistics.median(accepted)
        mrr, drr = x - med, x - accepted[-1]
        since += 1
        if since >= sa.THRESHOLD_REFRESH_BEATS:
            since = 0
            floor = sa.MIN_THRESHOLD_FRAC * med
            th_m = max(sa.THRESHOLD_QD * _quartile_deviation(sorted(mrrs)), floor) \
                if len(mrrs) > 8 else 0.2 * med
            th_d = max(sa.THRESHOLD_QD * _quartile_deviation(sorted(drrs)), floor) \
                if len(drrs) > 8 else 0.2 * med
        suspect = abs(mrr) > th_m or abs(drr) > th_d * 1.5
        if suspect and consecutive < sa.MAX_CONSECUTIVE:
            consecutive += 1
            out.append(True)
            continue
        if suspect:
            accepted.clear()
            mrrs.clear()
            drrs.clear()
            since = sa.THRESHOLD_REFRESH_BEATS
        accepted.append(x)
        consecutive = 0
        mrrs.append(mrr)
        drrs.append(drr)
        out.append(False)
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(600, 1100), st.floats(200, 2200)), min_size=1, max_size=400))
def test_the_live_detector_with_windows_kept_sorted_judges_as_sorting_afresh(rr: list[float]) -> None:
    """Kept sorted by bisection (so a 24-hour file's verdict costs a fifth of a second, not a
    third), the live detector judges every beat as the rule read plainly does."""
    from calmlink.signal.stream_artifacts import CausalArtifactDetector

    detector = CausalArtifactDetector()
    assert [detector.push(x) for x in rr] == _judged_by_sorting(rr)


@pytest.mark.real_data
def test_the_live_detector_judges_the_real_records_as_sorting_afresh() -> None:
    from calmlink.signal.stream_artifacts import CausalArtifactDetector

    for name in ("mitbih_100_30min_rr_ms.txt", "polar_h10_pvc_10min_rr_ms.txt",
                 "wfdb_1003_10min_rr_ms.txt"):
        rr = np.loadtxt(RR / name).ravel().tolist()
        detector = CausalArtifactDetector()
        assert [detector.push(x) for x in rr] == _judged_by_sorting(rr), name
