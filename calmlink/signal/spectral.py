"""Frequency-domain HRV in plain numpy: cubic-spline resampling, Welch spectra, band powers.

Settings (stated because the peer libraries differ on each, by a factor of 1.6 in HF power):
- the RR series of a window is a function of beat time (each interval placed at the beat that ends
  it), resampled at ``FS_HZ`` = 4 Hz by a *natural* cubic spline;
- its mean and linear trend are removed;
- Welch's method: Hann segments of ``SEGMENT_S`` = 128 s with 50% overlap (a window shorter than
  that is one segment), PSD in ms²/Hz, one-sided;
- bands (Task Force 1996): VLF 0.0033-0.04 Hz, LF 0.04-0.15 Hz, HF 0.15-0.4 Hz, power by trapezoid
  integration over the bins inside each band;
- long recordings are cut into consecutive ``WINDOW_S`` = 300 s windows inside gap-free segments
  (the Task Force's short-term length); band powers are averaged over windows;
- respiratory rate: the frequency of the highest PSD peak between 0.1 and 0.5 Hz (6-30 breaths a
  minute), refined by a parabola through the peak bin and its neighbours.

Why numpy and not scipy here: ``from scipy import interpolate, signal`` costs 1.5-3 s of import, more
than calmlink's whole analysis of a 24-hour file. tests/test_spectral.py checks both functions against
``scipy.interpolate.CubicSpline(bc_type="natural")`` and ``scipy.signal.welch``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calmlink.numeric import median
from calmlink.signal.spline import natural_cubic_spline_batch

Floats = NDArray[np.float64]

FS_HZ = 4.0
SEGMENT_S = 128.0
WINDOW_S = 300.0
MIN_WINDOW_S = 60.0
VLF = (0.0033, 0.04)
LF = (0.04, 0.15)
HF = (0.15, 0.4)
RESP = (0.1, 0.5)


def detrend_linear(v: Floats) -> Floats:
    """Remove each row's least-squares line (rows of equal length), in closed form."""
    t = np.arange(v.shape[-1], dtype=np.float64)
    t -= t.mean()
    mean = v.mean(axis=-1, keepdims=True)
    slope = ((v - mean) @ t / (t @ t))[..., None] if t.size > 1 else 0.0
    result: Floats = v - mean - slope * t
    return result


def welch_psd(x: Floats, fs: float = FS_HZ, segment_s: float = SEGMENT_S) -> tuple[Floats, Floats]:
    """One-sided Welch PSD of each row: periodic Hann, 50% overlap, constant detrend per segment,
    'density' scaling, the mean over segments: ``scipy.signal.welch(x, fs, nperseg=...)``'s defaults."""
    nper = min(round(segment_s * fs), x.shape[-1])
    step = nper // 2 or 1
    segs = np.lib.stride_tricks.sliding_window_view(x, nper, axis=-1)[..., ::step, :]
    segs = segs - segs.mean(axis=-1, keepdims=True)
    win = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(nper) / nper)
    spec = np.abs(np.fft.rfft(segs * win, axis=-1)) ** 2 / (fs * np.sum(win * win))
    if nper % 2 == 0:
        spec[..., 1:-1] *= 2.0
    else:
        spec[..., 1:] *= 2.0
    psd: Floats = spec.mean(axis=-2)
    freqs: Floats = np.asarray(np.fft.rfftfreq(nper, 1.0 / fs), dtype=np.float64)
    return freqs, psd


def band_power(freqs: Floats, psd: Floats, band: tuple[float, float]) -> Floats:
    """Trapezoid integral of the PSD over the bins inside ``band`` (per row when 2-D)."""
    lo, hi = freqs.searchsorted(band[0]), freqs.searchsorted(band[1])  # freqs rise: bins lo..hi-1
    f, p = freqs[lo:hi], psd[..., lo:hi]
    if f.size < 2:
        return np.asarray(p.sum(axis=-1) * (freqs[1] - freqs[0]))
    return np.asarray(np.sum((p[..., 1:] + p[..., :-1]) * (f[1:] - f[:-1]), axis=-1) / 2.0)


def peak_frequency(freqs: Floats, psd: Floats, band: tuple[float, float] = RESP) -> Floats:
    """The highest peak of each row's PSD inside ``band``, refined by a parabola through the peak
    bin and its neighbours; nan for every row when the band holds fewer than three bins."""
    rows = np.atleast_2d(psd)
    lo, hi = freqs.searchsorted(band[0]), freqs.searchsorted(band[1], side="right")
    if hi - lo < 3:
        return np.full(rows.shape[0], math.nan)
    i = lo + rows[:, lo:hi].argmax(axis=1)
    j = np.minimum(np.maximum(i, 1), rows.shape[1] - 2)  # a peak at the spectrum's edge stays a bin
    r = np.arange(rows.shape[0])
    y0, y1, y2 = rows[r, j - 1], rows[r, j], rows[r, j + 1]
    denom = y0 - 2 * y1 + y2
    shift = np.zeros(rows.shape[0])
    np.divide(0.5 * (y0 - y2), denom, out=shift, where=(denom != 0) & (i == j))
    np.minimum(np.maximum(shift, -0.5, out=shift), 0.5, out=shift)
    result: Floats = freqs[i] + shift * (freqs[1] - freqs[0])
    return result


BREATHING = (0.07, 0.5)
"""Breaths per second the rhythm can show: 4.2 to 30 a minute (slow, paced breathing included)."""
PEAK_HALF_WIDTH_HZ = 0.03
CLEAR_PEAK_SHARE = 0.5
"""A breathing pace is read only when at least this share of the breathing band's power lies within
``PEAK_HALF_WIDTH_HZ`` of its peak: one clear rhythm, not a spread of irregular ones (talking, mental
effort). Below it, no number is shown."""
SLOW_BELOW_HZ = 0.15
SLOW_PEAK_MS2 = 7000.0
"""Below 9 a minute the heart has slow rhythms of its own (the 0.1 Hz baroreflex wave, posture,
stepping), which mental effort and walking make clear too. There a pace is read only when the
oscillation is as large as slow breathing makes it: this much power near the peak, an RR swing of
about +-120 ms. (Checked on one person, P37 of shared/data/relax: paced breathing 35,000 ms2,
arithmetic 3,500-4,800, walking 500-1,100.)"""


def clear_breathing_hz(freqs: Floats, psd: Floats) -> Floats:
    """Each row's peak of the breathing band when it is clear (see :data:`CLEAR_PEAK_SHARE` and
    :data:`SLOW_PEAK_MS2`), else nan."""
    rows = np.atleast_2d(psd)
    peak = peak_frequency(freqs, rows, BREATHING)
    found = peak == peak  # not nan
    near = np.zeros(peak.size)
    first = freqs.searchsorted(np.maximum(BREATHING[0], peak - PEAK_HALF_WIDTH_HZ))
    end = freqs.searchsorted(np.minimum(BREATHING[1], peak + PEAK_HALF_WIDTH_HZ))
    # rows whose band covers the same bins are summed together (each row exactly as alone)
    for lo, hi in set(zip(first[found].tolist(), end[found].tolist(), strict=True)):
        same = (first == lo) & (end == hi) & found
        near[same] = band_power(freqs, rows[same], (freqs[lo], freqs[hi] if hi < freqs.size
                                                    else math.inf))
    total = band_power(freqs, rows, BREATHING)
    share = np.zeros(peak.size)
    np.divide(near, total, out=share, where=total > 0)
    clear = found & (total > 0) & (share >= CLEAR_PEAK_SHARE) & \
        ((peak >= SLOW_BELOW_HZ) | (near >= SLOW_PEAK_MS2))
    result: Floats = np.where(clear, peak, math.nan)
    return result


@dataclass(frozen=True, slots=True)
class Spectrum:
    vlf_ms2: float
    lf_ms2: float
    hf_ms2: float
    lf_hf: float
    resp_rate_bpm: float
    n_windows: int
    breathing_bpm: float = math.nan
    """The breathing pace when the rhythm shows one clearly (every window agreeing), else nan."""
    breathing_peak_bpm: float = math.nan
    """The highest peak of the breathing band (4.2 to 30 a minute), clear or not: the median over
    the windows (nan without one). Only a witness for another reading of the pace, never shown
    alone."""


NAN_SPECTRUM = Spectrum(math.nan, math.nan, math.nan, math.nan, math.nan, 0)


def _window_knots(rr: Floats, window_s: float) -> tuple[list[Floats], list[Floats], list[Floats]]:
    """Windows of exactly ``window_s`` (so every grid has the same length), each with its knots and a
    few beats of margin on either side so the spline's free ends fall outside the window."""
    t = np.cumsum(rr) / 1000.0
    xs: list[Floats] = []
    ys: list[Floats] = []
    grids: list[Floats] = []
    if t.size < 10 or t[-1] - t[0] < MIN_WINDOW_S:
        return xs, ys, grids
    if t[-1] - t[0] < window_s:
        xs, ys = [t], [rr]
        grids = [np.arange(t[0], t[-1], 1.0 / FS_HZ)]
        return xs, ys, grids
    starts = np.arange(t[0], t[-1] - window_s + 1e-9, window_s)
    lo = np.maximum(np.searchsorted(t, starts, side="right") - 3, 0)
    hi = np.minimum(np.searchsorted(t, starts + window_s, side="left") + 3, t.size)
    grid = np.arange(round(window_s * FS_HZ)) / FS_HZ
    for s0, a, b in zip(starts, lo, hi, strict=True):
        xs.append(t[a:b])
        ys.append(rr[a:b])
        grids.append(s0 + grid)
    return xs, ys, grids


def spectrum(segments: list[Floats], window_s: float = WINDOW_S) -> Spectrum:
    """Average spectral HRV over the windows of gap-free, corrected segments (RR in ms)."""
    xs: list[Floats] = []
    ys: list[Floats] = []
    grids: list[Floats] = []
    for rr in segments:
        a, b, c = _window_knots(np.asarray(rr, dtype=np.float64), window_s)
        xs += a
        ys += b
        grids += c
    if not xs:
        return NAN_SPECTRUM
    resampled = natural_cubic_spline_batch(xs, ys, grids)
    by_length: dict[int, list[Floats]] = {}
    for v in resampled:
        by_length.setdefault(v.size, []).append(v)
    vlf: list[Floats] = []
    lf: list[Floats] = []
    hf: list[Floats] = []
    peaks: list[Floats] = []
    clear: list[Floats] = []
    band_peaks: list[Floats] = []
    for rows in by_length.values():
        block = detrend_linear(np.vstack(rows))
        freqs, psd = welch_psd(block)
        vlf.append(band_power(freqs, psd, VLF))
        lf.append(band_power(freqs, psd, LF))
        hf.append(band_power(freqs, psd, HF))
        peaks.append(peak_frequency(freqs, psd))
        clear.append(clear_breathing_hz(freqs, psd))
        band_peaks.append(peak_frequency(freqs, psd, BREATHING))
    v_ms2, low, high = (float(np.mean(np.concatenate(x))) for x in (vlf, lf, hf))
    every_peak = np.concatenate(peaks)
    finite = every_peak[~np.isnan(every_peak)]
    resp = median(finite) * 60.0 if finite.size else math.nan
    every_clear = np.concatenate(clear)
    breathing = median(every_clear) * 60.0 if not np.isnan(every_clear).any() \
        else math.nan
    every_band = np.concatenate(band_peaks)
    band = every_band[~np.isnan(every_band)]
    return Spectrum(v_ms2, low, high, low / high if high > 0 else math.nan, resp, len(xs),
                    breathing, median(band) * 60.0 if band.size else math.nan)
