"""A simulated population: many people, each with their own heart rate, breathing and swing.

The demo strap (:mod:`calmlink.sensors.simulator`) is one plausible person; the gauge's figures
need many different ones (docs/relaxation.md, "Simulated people"). Pure numpy, seeded, vectorised
(no Python loop per beat), so a hundred people take well under a second.

The physiology, each piece a modelling assumption stated with its source:

- **Beats** by the integral pulse frequency model: a beat each time the integral of heart rate
  (beats per second) reaches a whole number, then a little independent jitter on every interval
  (``noise_ms``: timing that is neither breathing nor slow waves).
- **Heart rate** = resting rate + the scenario's offset + the respiratory swing + a slow wave near
  0.1 Hz (the baroreflex rhythm, ``lf_bpm`` peak to trough) + a slower wander of a few minutes
  (``wander_bpm``), so that no one's heart rate is flat.
- **The respiratory swing** (peak to trough per breath, bpm) is ``swing_14`` at 14 breaths a minute
  and grows log-linearly as breathing slows, to ``resonance_gain`` times that at 6 a minute (Song &
  Lehrer 2003; Vaschillo et al. 2002: two to three times, the most near 6 a minute, where breathing
  and the heart's own 0.1-Hz rhythm reinforce each other); flat below 6, the same slope above 14.
  Heart rate rises while breathing in and falls while breathing out, by at most about
  ``BREATH_RANGE_BPM`` either way.
- **A resonance pace** (:func:`with_resonance`, for the pace finder): the swing peaks at the
  person's own pace between 4.5 and 6.5 a minute instead of levelling off below 6 (Vaschillo et al.
  2006; Shaffer & Meehan 2020: people differ in it, and an assessment compares several paces). In
  log terms the peak is a bell of width ``resonance_width`` breaths a minute: about 17% smaller a
  breath a minute slower than the peak and 11% smaller a breath a minute faster, at the typical
  width and gain. The pacer's 2-minute steps and its 4% breath-to-breath variation, the slow
  0.1-Hz wave beating against the breath and each beat's jitter are the noise the finder must
  see through.
- **Breaths** vary in length and depth from one to the next (``breath_cv``); paced breathing much
  less (``PACED_CV``). A **sigh** is one deep breath (``SIGH_DEPTH`` times the depth) that lasts as
  long as two ordinary ones; the breaths after it keep their time.
- **Mental load** raises heart rate a few bpm, shrinks the swing and makes breathing faster and
  less regular (:func:`mental_load`).
- Intervals are timed in a chest strap's 1/1024-s steps.

The spread between people is set so that, at rest, they look like the 25 people of the shared GUDB
ECG recordings (10th-90th percentile, GUDB in brackets): heart rate 62-83 bpm (69-90), RMSSD 17-63 ms
(24-67), the swing with each breath as signal.swing reads it 4-10 bpm (4-12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]

DT_S = 0.05
BREATH_RANGE_BPM = 20.0
"""Breathing moves heart rate by at most about this much either way: the swing saturates smoothly,
so a sigh of someone whose swing is already large stays plausible."""
PACED_CV = 0.04
ENTRAINED_LF = 0.25
"""Breathing slowly to a pacer, the heart's 0.1-Hz wave is no longer a rhythm of its own: it becomes
the breath's (Vaschillo et al. 2002; Lehrer & Gevirtz 2014). A quarter of it is left as noise."""
SIGH_DEPTH = 3.0


@dataclass(frozen=True, slots=True)
class Person:
    resting_hr: float
    """Heart rate at rest, bpm."""
    swing_14: float
    """Peak-to-trough heart-rate swing per breath at 14 breaths a minute, bpm."""
    resonance_gain: float
    """The swing at 6 a minute over the swing at 14."""
    lf_bpm: float
    lf_hz: float
    wander_bpm: float
    noise_ms: float
    breath_cv: float
    """Breath-to-breath variation of length and depth at ordinary breathing."""
    seed: int
    level_below: float = 6.0
    """Below this breathing pace the broad growth of the swing stops (6 a minute for everyone in
    docs/relaxation.md's figures; 7 for the pace finder's people with no resonance peak)."""
    resonance_per_min: float = 6.0
    """Where a resonance peak sits, if there is one."""
    resonance_peak: float = 1.0
    """The swing at the resonance pace over the broad curve there (1: no peak)."""
    resonance_width: float = 0.8
    """The peak's width, breaths a minute (the standard deviation of its bell)."""
    crest_lift_bpm: float = 0.0
    """How much slow, deep breathing lifts mean heart rate, bpm, through a larger crest (each
    breath's floor stays where it was): all of it at 6 a minute and below, none at 14."""
    slow_pace: float = 6.0
    """The pace they breathe at when asked to breathe at 6 a minute (some do not follow)."""
    ectopic_share: float = 0.0
    """Share of beats that come early (a premature beat, then a compensatory pause)."""

    def swing_at(self, breaths_per_min: Floats) -> Floats:
        """The peak-to-trough swing at a breathing rate: log-linear between 14 a minute and
        ``level_below``, level below that, times a resonance bell around ``resonance_per_min``."""
        rate = np.asarray(breaths_per_min, dtype=np.float64)
        share = np.minimum((14.0 - rate) / (14.0 - self.level_below), 1.0)  # 0 at 14, 1 below
        bell = np.exp(-0.5 * ((rate - self.resonance_per_min) / self.resonance_width) ** 2)
        peak = 1.0 + (self.resonance_peak - 1.0) * bell
        return np.asarray(self.swing_14 * np.exp(math.log(self.resonance_gain) * share) * peak)


@dataclass(frozen=True, slots=True)
class Phase:
    """A stretch of a scenario: how long, how fast they breathe, and what load they are under."""

    seconds: float
    breaths_per_min: float = 14.0
    hr_offset_bpm: float = 0.0
    swing_factor: float = 1.0
    breath_cv: float | None = None
    """None: the person's own; :data:`PACED_CV` for paced breathing."""
    lf_factor: float = 1.0
    """How much of the heart's own slow wave is left: paced breathing near 6 a minute takes it over
    (:data:`ENTRAINED_LF`), so it no longer beats against the breath."""


def draw_people(n: int, seed: int = 19) -> list[Person]:
    """``n`` different people, the same ones for the same seed."""
    rng = np.random.default_rng(seed)
    return [Person(resting_hr=float(np.clip(rng.normal(75.0, 9.0), 50.0, 100.0)),
                   swing_14=float(np.exp(rng.normal(math.log(6.5), 0.5))),
                   resonance_gain=float(np.exp(rng.normal(math.log(2.5), 0.25))),
                   lf_bpm=float(np.exp(rng.normal(math.log(2.0), 0.5))),
                   lf_hz=float(rng.uniform(0.08, 0.12)),
                   wander_bpm=float(np.exp(rng.normal(math.log(1.5), 0.4))),
                   noise_ms=float(np.exp(rng.normal(math.log(5.0), 0.4))),
                   breath_cv=float(rng.uniform(0.08, 0.2)),
                   seed=int(rng.integers(1 << 31)))
            for _ in range(n)]


def draw_population(n: int, seed: int = 19) -> list[Person]:
    """:func:`draw_people` made more like the people a couple is: the same ``n`` people, then,
    each drawn on its own: slow breathing lifts mean heart rate 0-6 bpm through a larger crest
    (everyone; Song & Lehrer 2003 saw mean heart rate rise a little at 6 a minute in many); one in
    five does not follow a pace of 6, breathing at 8-10 instead; one in six has a small swing
    (2-3 bpm at 14 a minute, as many older people); one in twenty has an irregular rhythm (1-3% of
    beats premature)."""
    rng = np.random.default_rng(seed + 1000)
    out = []
    for person in draw_people(n, seed):
        lift, follows, small, irregular = (rng.uniform(0.0, 6.0), rng.random() >= 0.2,
                                           rng.random() < 1 / 6, rng.random() < 0.05)
        slow_pace, swing, ectopic = rng.uniform(8.0, 10.0), rng.uniform(2.0, 3.0), \
            rng.uniform(0.01, 0.03)
        out.append(replace(person, crest_lift_bpm=float(lift),
                           slow_pace=6.0 if follows else float(slow_pace),
                           swing_14=float(swing) if small else person.swing_14,
                           ectopic_share=float(ectopic) if irregular else 0.0))
    return out


def with_resonance(person: Person, breaths_per_min: float, peak: float = 1.4,
                   width: float = 0.8) -> Person:
    """The same person with a resonance peak at ``breaths_per_min``: ``peak`` times the swing the
    broad curve gives there, on a bell ``width`` breaths a minute wide."""
    return replace(person, resonance_per_min=breaths_per_min, resonance_peak=peak,
                   resonance_width=width)


def draw_breathers(n: int, seed: int = 21, peaked: bool = True) -> list[Person]:
    """``n`` people for the pace finder: each with a resonance pace drawn evenly from 4.5 to 6.5 a
    minute, a peak 1.25 to 1.6 times the broad curve and 0.6 to 1 breath a minute wide
    (``peaked``); or with no peak at all, their swing growing as breathing slows to 7 a minute and
    the same at every pace below."""
    rng = np.random.default_rng(seed)
    people = draw_people(n, seed)
    if not peaked:
        return [replace(p, level_below=7.0) for p in people]
    return [with_resonance(p, float(rng.uniform(4.5, 6.5)), float(rng.uniform(1.25, 1.6)),
                           float(rng.uniform(0.6, 1.0))) for p in people]


def _per_sample(phases: list[Phase], n: int, values: list[float | None], default: float) -> Floats:
    """Each phase's value (``default`` where it has none) at every sample of the scenario."""
    out = np.empty(n)
    edges = np.round(np.cumsum([0.0, *(p.seconds for p in phases)]) / DT_S).astype(int)
    for value, a, b in zip(values, edges[:-1], edges[1:], strict=True):
        out[a:b] = default if value is None else value
    out[edges[-1]:] = out[edges[-1] - 1]
    return out


def beats(person: Person, phases: list[Phase], sigh_at_s: float | None = None,
          sigh_depth: float = SIGH_DEPTH) -> tuple[Floats, Floats]:
    """Beat times (s, from the first beat of the scenario) and RR intervals (ms) of one person
    through ``phases``; ``sigh_at_s``: one sigh, in place of the two breaths after that time."""
    rng = np.random.default_rng(person.seed)
    total = sum(p.seconds for p in phases)
    n = int(total / DT_S) + 1
    t = np.arange(n) * DT_S
    rate = _per_sample(phases, n, [p.breaths_per_min for p in phases], 14.0)
    cv = _per_sample(phases, n, [p.breath_cv for p in phases], person.breath_cv)
    # breath lengths wander slowly (correlated over about a breath); depths vary per breath
    jitter = np.convolve(rng.standard_normal(n), np.ones(80) / math.sqrt(80.0), mode="same")
    freq = rate / 60.0 * np.exp(cv * jitter)
    cycles = np.cumsum(freq) * DT_S + rng.uniform(0.0, 1.0)  # a new breath at each whole number
    index = cycles.astype(int)
    within = cycles - index  # how far into its breath each moment is, 0 to 1
    centres = np.arange(index[-1] + 2) + 0.5
    depth_cv = np.log1p(cv[np.minimum(np.searchsorted(cycles, centres), n - 1)])  # as length does
    depths = np.exp(rng.standard_normal(centres.size) * depth_cv - depth_cv ** 2 / 2)
    if sigh_at_s is not None:  # the next two breaths become one, SIGH_DEPTH times as deep
        first = index[int(sigh_at_s / DT_S)] + 1
        sigh = (index == first) | (index == first + 1)
        within[sigh] = (cycles[sigh] - first) / 2.0
        depths = np.delete(depths, first + 1)
        depths[first] *= sigh_depth
        centres = np.delete(centres, first + 1)
        centres[first] = first + 1.0
    # depth changes smoothly from the middle of one breath to the middle of the next
    breath_depth = np.interp(cycles, centres, depths)
    factor = _per_sample(phases, n, [p.swing_factor for p in phases], 1.0)
    swing = person.swing_at(rate) * factor * breath_depth
    wander = sum(math.sqrt(2.0 / 3.0) * np.sin(2 * math.pi * f * t + rng.uniform(0, 2 * math.pi))
                 for f in rng.uniform(0.003, 0.02, 3))
    breathing = -0.5 * swing * np.cos(2.0 * math.pi * within)
    if person.crest_lift_bpm:  # mean lifted by the crest alone: 0 at the trough, 2 lifts at the crest
        slow = np.clip((14.0 - rate) / (14.0 - 6.0), 0.0, 1.0)
        breathing = breathing + person.crest_lift_bpm * slow * (1.0 - np.cos(2.0 * math.pi * within))
    hr = (person.resting_hr + _per_sample(phases, n, [p.hr_offset_bpm for p in phases], 0.0)
          + BREATH_RANGE_BPM * np.tanh(breathing / BREATH_RANGE_BPM)
          + 0.5 * person.lf_bpm * _per_sample(phases, n, [p.lf_factor for p in phases], 1.0)
          * np.sin(2 * math.pi * person.lf_hz * t + rng.uniform(0, 6.3))
          + person.wander_bpm * np.asarray(wander))
    count = np.cumsum(hr / 60.0) * DT_S
    times = np.interp(np.arange(1.0, math.floor(count[-1]) + 1.0), count, t)
    rr = np.diff(times, prepend=0.0) * 1000.0 + rng.normal(0.0, person.noise_ms, times.size)
    if person.ectopic_share:  # a premature beat, then as much longer (the pause makes it up)
        early = np.flatnonzero(rng.random(rr.size - 2) < person.ectopic_share) + 1
        early = early[np.diff(early, prepend=-2) > 2]
        shift = 0.3 * rr[early]
        rr[early] -= shift
        rr[early + 1] += shift
    rr = np.round(rr[1:] * 1.024) / 1.024  # a chest strap's 1/1024-s steps
    return np.cumsum(rr) / 1000.0, rr


def slow_breathing(seconds_at_14: float = 180.0, seconds_at_6: float = 150.0,
                   person: Person | None = None) -> list[Phase]:
    """Ordinary breathing at 14 a minute, then paced breathing at 6 (at the ``person``'s own
    ``slow_pace`` and with their own variation when they do not follow it)."""
    if person is not None and person.slow_pace != 6.0:
        return [Phase(seconds_at_14, 14.0), Phase(seconds_at_6, person.slow_pace)]
    return [Phase(seconds_at_14, 14.0), Phase(seconds_at_6, 6.0, breath_cv=PACED_CV)]


def mental_load(person: Person, seconds_rest: float = 180.0, seconds_load: float = 150.0
                ) -> list[Phase]:
    """Rest, then mental load: heart rate up 2-7 bpm (median 4), the swing down to 45-90% of its
    size (median 65%), breathing faster (17 a minute) and less regular; each person their own
    amounts (Bernardi et al. 2000: mental tasks raise heart rate and lower its respiratory
    variation, partly through faster, less regular breathing)."""
    rng = np.random.default_rng(person.seed + 1)
    return [Phase(seconds_rest, 14.0),
            Phase(seconds_load, 17.0, hr_offset_bpm=float(np.exp(rng.normal(math.log(4.0), 0.35))),
                  swing_factor=float(np.exp(rng.normal(math.log(0.65), 0.2))),
                  breath_cv=min(0.35, 2.0 * person.breath_cv))]
