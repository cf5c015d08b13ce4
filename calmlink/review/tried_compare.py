"""What settles each receiver, honestly: for each thing they tried, sessions with it against
sessions without, on how much the session settled (:mod:`calmlink.review.settling`), with the size
of the difference and its 95% interval (Welch), from three sessions on each side. Below that: too
few sessions to tell. Never a ranking: each comparison stands alone with its interval.

Things always noted together (oil, light pressure and music on every session that has any of
them) are one comparison that says so: nothing here can tell them apart.

Confounds are named instead of credited: when what was tried goes with something else known of the
sessions (time of day, length, who gave) and that alone accounts for the difference (the
difference no longer holds once it is taken into account, by least squares), the answer says so.
docs/trends.md explains each step and the figures the simulations give.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from calmlink.counting import count
from calmlink.review.settling import SessionPoint
from calmlink.review.stats import Interval, fisher_exact, ols_coefficient, welch
from calmlink.review.words import signed

MIN_EACH = 3
LEVEL = 0.95
ASSOCIATION_P = 0.05
WORDS = {"hands:oil": "oil", "hands:dry": "dry hands", "position:facing": "facing each other",
         "position:back-to-back": "back to back", "position:lying-down": "lying down",
         "sound:music": "music", "sound:silence": "silence"}
ALWAYS_TOGETHER = "Always together so far: calmlink cannot tell them apart."
"""Said on the one comparison of things noted on exactly the same sessions."""


@dataclass(frozen=True, slots=True)
class Confound:
    variable: str
    """``time of day``, ``length`` or ``giver``."""
    with_value: str
    without_value: str
    explains: bool
    """The difference does not hold once this is taken into account (or cannot be told apart)."""
    adjusted: Interval | None


def label_words(key: str, tag_spelling: dict[str, str] | None = None) -> str:
    kind, _, value = key.partition(":")
    if kind == "tag":
        return (tag_spelling or {}).get(key, value)
    if kind == "pressure":
        return f"{value} pressure"
    return WORDS.get(key, value)


def _clock(hour: float) -> str:
    minutes = round(hour * 60) % (24 * 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _continuous(name: str, get: Callable[[SessionPoint], float], fmt: Callable[[float], str],
                least: float) -> Callable[[list[SessionPoint], list[SessionPoint], list[float],
                                          list[float]], Confound | None]:
    """A check of one measured context: associated with the tag when its interval leaves out zero
    and the difference is at least ``least`` (seconds of length or minutes of the clock that
    happen to differ are no confound)."""
    def check(a: list[SessionPoint], b: list[SessionPoint], tag: list[float],
              score: list[float]) -> Confound | None:
        va, vb = [get(p) for p in a], [get(p) for p in b]
        association = welch(va, vb, LEVEL)
        if association is None or not association.excludes_zero \
                or abs(association.estimate) < least:
            return None
        adjusted = ols_coefficient(score, [tag, [get(p) for p in a + b]], 0, LEVEL)
        return Confound(name, fmt(sum(va) / len(va)), fmt(sum(vb) / len(vb)),
                        adjusted is None or not adjusted.excludes_zero, adjusted)
    return check


def _giver(a: list[SessionPoint], b: list[SessionPoint], tag: list[float],
           score: list[float]) -> Confound | None:
    givers = sorted({p.giver for p in a + b})
    if len(givers) < 2:
        return None
    tests = []
    for g in givers:
        ga, gb = sum(p.giver == g for p in a), sum(p.giver == g for p in b)
        tests.append((fisher_exact(ga, len(a) - ga, gb, len(b) - gb), g, ga, gb))
    p_value, g, ga, gb = min(tests)
    if p_value >= ASSOCIATION_P:
        return None
    common = max(givers, key=lambda x: sum(p.giver == x for p in a + b))
    dummies = [[float(p.giver == x) for p in a + b] for x in givers if x != common]
    adjusted = ols_coefficient(score, [tag, *dummies], 0, LEVEL)
    who = g or "no one named"
    return Confound("giver", f"{ga} of {len(a)} given by {who}", f"{gb} of {len(b)}",
                    adjusted is None or not adjusted.excludes_zero, adjusted)


CHECKS = (
    _continuous("time of day", lambda p: p.hour, _clock, least=0.5),
    _continuous("length", lambda p: p.minutes, lambda m: count(round(m), "minute"), least=1.0),
    _giver,
)


def _confound_sentence(c: Confound, label: str) -> str:
    if c.variable == "time of day":
        went = f"at another time of day (on average {c.with_value} against {c.without_value})"
    elif c.variable == "length":
        went = f"of another length (on average {c.with_value} against {c.without_value})"
    else:
        went = f"given by someone else more often ({c.with_value}, against {c.without_value})"
    if c.explains:
        return (f"Sessions with {label} were also {went}, and that alone can account for the "
                f"difference: this cannot tell whether it was {label} or the {c.variable}.")
    return f"Sessions with {label} were also {went}; the difference holds when that is allowed for."


def _between(low: float, high: float, unit: str, down: str, up: str) -> str:
    """An interval in words, rounded as read: "somewhere between 2 and 8 bpm lower", and across
    no difference "somewhere between 2 bpm lower and 3 bpm higher"."""
    lo, hi = _whole(low), _whole(high)

    def one(v: int) -> str:
        return "no difference" if v == 0 else f"{abs(v)}{unit} {down if v < 0 else up}"
    if lo == hi:
        return "about the same" if lo == 0 else f"about {one(lo)}"
    if lo * hi > 0:  # both on one side
        return f"somewhere between {min(abs(lo), abs(hi))} and {max(abs(lo), abs(hi))}{unit} " \
               f"{down if lo < 0 else up}"
    return f"somewhere between {one(lo)} and {one(hi)}"


def _whole(x: float) -> int:
    """Rounded as people read it: half away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _change(what: str, i: dict[str, float], label: str, unit: str, down: str, up: str,
            scale: Callable[[float], float] = float) -> str:
    est = _whole(scale(i["estimate"]))
    size = f"about the same with {label} as" if est == 0 else \
        f"on average {abs(est)}{unit} {down if est < 0 else up} with {label} than"
    return (f"{what} by the end, against settling: {size} without "
            f"({_between(scale(i['low']), scale(i['high']), unit, down, up)}).")


def _percent(d: float) -> float:
    return 100.0 * math.expm1(d)


def number_lines(out: dict[str, Any]) -> list[str]:
    """The sizes in plain words and units, each with its interval, from the figures as the JSON
    gives them (heart rate in bpm, beat-to-beat variation in percent); for too few sessions, how
    many more it needs. None for a confounded difference: its numbers would credit the tag."""
    label, short = out["label"], [MIN_EACH - out["with"], MIN_EACH - out["without"]]
    if out["verdict"] == "too-few":
        (n, side), *rest = [(n, side) for n, side in zip(
            short, (f"with {label}", "without"), strict=True) if n > 0]
        more = "".join(f" and {m} more {other}" for m, other in rest)
        return [f"It needs {n} more {'session' if n == 1 else 'sessions'} {side}{more}."]
    if out["verdict"] == "confounded":
        return []
    hr, ln = out["heart_rate_bpm"], out["ln_rmssd"]
    lines = [] if hr is None else [_change("Heart rate", hr, label, " bpm", "lower", "higher")]
    if ln is not None:
        lines.append(_change("Beat-to-beat variation", ln, label, "%", "less", "more", _percent))
    return lines


def compare(points: Sequence[SessionPoint], key: str, profile: str, label: str) -> dict[str, Any]:
    """One thing tried, with against without, in numbers and in one or two sentences."""
    a = [p for p in points if key in p.labels]
    b = [p for p in points if key not in p.labels]
    kind, _, value = key.partition(":")
    out: dict[str, Any] = {"key": key, "kind": kind, "value": value, "label": label,
                           "with": len(a), "without": len(b), "level": LEVEL, "difference": None,
                           "heart_rate_bpm": None, "ln_rmssd": None, "confounds": [],
                           "keys": [key], "together": None}
    if len(a) < MIN_EACH or len(b) < MIN_EACH:
        out["verdict"] = "too-few"
        out["sentence"] = (f"Too few sessions to tell: {len(a)} with {label} and {len(b)} without; "
                           f"it takes {MIN_EACH} of each.")
        out["lines"] = number_lines(out)
        return out
    raw = welch([p.score for p in a], [p.score for p in b], LEVEL)
    assert raw is not None
    hr = welch([p.hr_change_bpm for p in a], [p.hr_change_bpm for p in b], LEVEL)
    ln = welch([p.ln_change for p in a if p.ln_change is not None],
               [p.ln_change for p in b if p.ln_change is not None], LEVEL)
    out["difference"] = raw.rounded(2)
    out["heart_rate_bpm"] = hr.rounded(1) if hr else None
    out["ln_rmssd"] = ln.rounded(3) if ln else None
    tag = [1.0] * len(a) + [0.0] * len(b)
    score = [p.score for p in a + b]
    confounds = [c for check in CHECKS if (c := check(a, b, tag, score)) is not None]
    if not raw.excludes_zero:  # no difference to account for: an association is only named
        confounds = [Confound(c.variable, c.with_value, c.without_value, False, c.adjusted)
                     for c in confounds]
    out["confounds"] = [{"variable": c.variable, "with": c.with_value, "without": c.without_value,
                         "explains": c.explains,
                         "adjusted": c.adjusted.rounded(2) if c.adjusted else None,
                         "sentence": _confound_sentence(c, label)} for c in confounds]
    between = f"somewhere between {signed(raw.low)} and {signed(raw.high)} on the settling scale"
    if raw.excludes_zero and any(c.explains for c in confounds):
        out["verdict"] = "confounded"
        out["sentence"] = (f"Sessions with {label} settled {'more' if raw.estimate > 0 else 'less'}"
                           f", but not clearly because of {label} (see below).")
    elif raw.excludes_zero:
        more = raw.estimate > 0
        out["verdict"] = "settled-more" if more else "settled-less"
        beats = "" if hr is None else (f": heart rate {abs(hr.estimate):.0f} bpm "
                                       f"{'lower' if hr.estimate < 0 else 'higher'} by the end")
        out["sentence"] = (f"With {label}, {profile} settled {'more' if more else 'less'} than "
                           f"without{beats}, on average ({between}).")
    else:
        out["verdict"] = "no-clear-difference"
        out["sentence"] = (f"No clear difference with {label} and without: {between}, "
                           "so either way is possible.")
    out["lines"] = number_lines(out)
    return out


def compare_all(points: Sequence[SessionPoint], profile: str,
                tag_spelling: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every choice and tag the receiver has used, choices first in their fixed order, then tags
    by how often they were used: an order of kinds, never a ranking of results. Things noted on
    exactly the same sessions are one comparison, in the place of the first of them, that says
    they were always together (``keys``: each of them; ``together``: the sentence)."""
    counts: dict[str, int] = {}
    for p in points:
        for key in p.labels:
            counts[key] = counts.get(key, 0) + 1
    order = ["hands", "pressure", "position", "sound", "tag"]
    keys = sorted(counts, key=lambda k: (order.index(k.partition(":")[0]), -counts[k] if
                                         k.startswith("tag:") else 0, k))
    groups: dict[frozenset[int], list[str]] = {}  # by the sessions they were on, first seen first
    for k in keys:
        groups.setdefault(frozenset(i for i, p in enumerate(points) if k in p.labels), []).append(k)
    out = []
    for group in groups.values():
        label = joined([label_words(k, tag_spelling) for k in group])
        comparison = compare(points, group[0], profile, label)
        if len(group) > 1:
            comparison.update(keys=group, together=ALWAYS_TOGETHER)
        out.append(comparison)
    return out


def joined(labels: Sequence[str]) -> str:
    """"oil", "oil and music", "oil, light pressure and music"."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
