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

Floats = NDArray[np.float64]

FS_HZ = 4.0
SEGMENT_S = 128.0
WINDOW_S = 300.0
MIN_WINDOW_S = 60.0
VLF = (0.0033, 0.04)
LF = (0.04, 0.15)
HF = (0.15, 0.4)
RESP = (0.1, 0.5)


def natural_cubic_spline_batch(xs: list[Floats], ys: list[Floats], grids: list[Floats]) -> list[Floats]:
    """Evaluate the natural cubic spline through each (x, y) on its grid, all in one vectorised pass.

    The tridiagonal systems of all windows are stacked in one (windows x knots) array and solved by
    the Thomas algorithm column by column, so the Python loop runs once per knot position, not once
    per knot of every window. Rows past a window's last knot are identity equations.
    """
    w = len(xs)
    if w == 0:
        return []
    n = np.array([xi.size for xi in xs])
    k: int = int(n.max())
    col = np.arange(k)[None, :]
    real = col < n[:, None]
    x = np.zeros((w, k))
    y = np.zeros((w, k))
    x[real] = np.concatenate(xs)
    y[real] = np.concatenate(ys)
    last = x[np.arange(w), n - 1][:, None]
    x = np.where(real, x, last + (col - n[:, None] + 1))  # keeps h positive in the padding
    y = np.where(real, y, 0.0)
    h = np.diff(x, axis=1)
    interior = (col >= 1) & (col < (n[:, None] - 1))
    slope = np.diff(y, axis=1) / h
    a = np.zeros((w, k))
    b = np.ones((w, k))
    c = np.zeros((w, k))
    d = np.zeros((w, k))
    a[:, 1:-1] = h[:, :-1]
    b[:, 1:-1] = 2.0 * (h[:, :-1] + h[:, 1:])
    c[:, 1:-1] = h[:, 1:]
    d[:, 1:-1] = 6.0 * (slope[:, 1:] - slope[:, :-1])
    a = np.where(interior, a, 0.0).T.copy()
    b = np.where(interior, b, 1.0).T.copy()
    c = np.where(interior, c, 0.0).T.copy()
    d = np.where(interior, d, 0.0).T.copy()
    mm = _thomas(a, b, c, d).T
    # evaluate every grid at once: offset each window so that all knots form one rising sequence
    span = float(x.max() - x.min()) + 1.0
    offset = np.arange(w)[:, None] * span
    xf = (x + offset)[real]
    yf, mf = y[real], mm[real]
    starts = np.concatenate(([0], np.cumsum(n)[:-1]))
    g_len = np.array([g.size for g in grids])
    gf = np.concatenate(grids) + np.repeat(offset[:, 0], g_len)
    idx = np.searchsorted(xf, gf, side="right") - 1
    win = np.repeat(np.arange(w), g_len)
    idx = np.clip(idx, starts[win], starts[win] + n[win] - 2)
    hj = xf[idx + 1] - xf[idx]
    left, right = gf - xf[idx], xf[idx + 1] - gf
    values = (mf[idx] * right**3 + mf[idx + 1] * left**3) / (6 * hj) \
        + (yf[idx] / hj - mf[idx] * hj / 6) * right + (yf[idx + 1] / hj - mf[idx + 1] * hj / 6) * left
    return np.split(values, np.cumsum(g_len)[:-1])


def _thomas(a: Floats, b: Floats, c: Floats, d: Floats) -> Floats:
    """Solve tridiagonal systems laid out as (knots, windows): vectorised over windows when there
    are many, in plain floats when there are few (numpy's per-call cost dominates tiny rows)."""
    k, w = b.shape
    if w <= 2:
        out = np.empty((k, w))
        for col in range(w):
            aa, bb, cc, dd = (a[:, col].tolist(), b[:, col].tolist(), c[:, col].tolist(),
                              d[:, col].tolist())
            for j in range(1, k):
                m = aa[j] / bb[j - 1]
                bb[j] -= m * cc[j - 1]
                dd[j] -= m * dd[j - 1]
            x = [0.0] * k
            x[-1] = dd[-1] / bb[-1]
            for j in range(k - 2, -1, -1):
                x[j] = (dd[j] - cc[j] * x[j + 1]) / bb[j]
            out[:, col] = x
        return out
    b, d = b.copy(), d.copy()
    for j in range(1, k):  # forward sweep, vectorised over windows
        m = a[j] / b[j - 1]
        b[j] -= m * c[j - 1]
        d[j] -= m * d[j - 1]
    mm = np.empty((k, w))
    mm[-1] = d[-1] / b[-1]
    for j in range(k - 2, -1, -1):
        mm[j] = (d[j] - c[j] * mm[j + 1]) / b[j]
    return mm


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
    sel = (freqs >= band[0]) & (freqs < band[1])
    f, p = freqs[sel], psd[..., sel]
    if f.size < 2:
        return np.asarray(p.sum(axis=-1) * (freqs[1] - freqs[0]))
    return np.asarray(np.sum((p[..., 1:] + p[..., :-1]) * np.diff(f), axis=-1) / 2.0)


def peak_frequency(freqs: Floats, psd: Floats, band: tuple[float, float] = RESP) -> float:
    sel = np.flatnonzero((freqs >= band[0]) & (freqs <= band[1]))
    if sel.size < 3:
        return math.nan
    i = int(sel[np.argmax(psd[sel])])
    if 0 < i < psd.size - 1:
        y0, y1, y2 = psd[i - 1], psd[i], psd[i + 1]
        denom = y0 - 2 * y1 + y2
        shift = 0.5 * (y0 - y2) / denom if denom != 0 else 0.0
        return float(freqs[i] + np.clip(shift, -0.5, 0.5) * (freqs[1] - freqs[0]))
    return float(freqs[i])


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


def clear_breathing_hz(freqs: Floats, psd: Floats) -> float:
    """The peak of the breathing band when it is clear (see :data:`CLEAR_PEAK_SHARE` and
    :data:`SLOW_PEAK_MS2`), else nan."""
    peak = peak_frequency(freqs, psd, BREATHING)
    if math.isnan(peak):
        return math.nan
    total = float(band_power(freqs, psd, BREATHING))
    near = float(band_power(freqs, psd, (max(BREATHING[0], peak - PEAK_HALF_WIDTH_HZ),
                                          min(BREATHING[1], peak + PEAK_HALF_WIDTH_HZ))))
    if total <= 0 or near / total < CLEAR_PEAK_SHARE:
        return math.nan
    if peak < SLOW_BELOW_HZ and near < SLOW_PEAK_MS2:
        return math.nan
    return peak


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
    peaks: list[float] = []
    clear: list[float] = []
    for rows in by_length.values():
        block = detrend_linear(np.vstack(rows))
        freqs, psd = welch_psd(block)
        vlf.append(band_power(freqs, psd, VLF))
        lf.append(band_power(freqs, psd, LF))
        hf.append(band_power(freqs, psd, HF))
        peaks += [peak_frequency(freqs, row) for row in psd]
        clear += [clear_breathing_hz(freqs, row) for row in psd]
    v_ms2, low, high = (float(np.mean(np.concatenate(x))) for x in (vlf, lf, hf))
    finite = [p for p in peaks if not math.isnan(p)]
    resp = float(np.median(finite)) * 60.0 if finite else math.nan
    breathing = float(np.median(clear)) * 60.0 if clear and not any(map(math.isnan, clear)) \
        else math.nan
    return Spectrum(v_ms2, low, high, low / high if high > 0 else math.nan, resp, len(xs),
                    breathing)
