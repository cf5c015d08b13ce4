"""Breathing from the chest strap, step by step (the end view and the review): per person and step,
the breaths the chest gave, their rate, their depth against settling and the deep breaths. From the
stored breaths and the summary's steps; nothing kept."""

from __future__ import annotations

import math
from typing import Any


def _steps(summary: dict[str, Any] | None, role: str) -> list[dict[str, Any]]:
    if not summary:
        return []
    if role == "receiver":
        return list(summary.get("steps") or [])
    return list((summary.get("partner") or {}).get("steps") or [])


def chest_steps(breaths: list[dict[str, Any]], summary: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per person and step with chest breaths: ``role``, ``index``, ``name``, ``breaths``,
    ``breaths_per_min`` (whole breaths over their time), ``depth`` (the median breath against the
    settle step's, or None) and ``deep_breaths``."""
    out: list[dict[str, Any]] = []
    for role in ("receiver", "giver"):
        steps = _steps(summary, role)
        mine = [b for b in breaths if b["role"] == role]
        for k, step in enumerate(steps):
            start = float(step.get("start_s") or 0.0)
            end = float(steps[k + 1].get("start_s") or math.inf) if k + 1 < len(steps) else math.inf
            inside = [b for b in mine if start <= b["t"] < end]
            if len(inside) < 2:
                continue
            depths = sorted(b["depth"] for b in inside if b["depth"] is not None)
            out.append({
                "role": role, "index": step["index"], "name": step["name"], "breaths": len(inside),
                "breaths_per_min": round(60.0 * len(inside) / sum(b["duration_s"] for b in inside), 1),
                "depth": round(depths[len(depths) // 2], 2) if depths else None,
                "deep_breaths": sum(bool(b["deep"]) for b in inside)})
    return out
