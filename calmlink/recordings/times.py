"""Times of day as phones write them in any language: 12- or 24-hour, with a dot or a comma.

Apple Health writes each beat's time in the phone's own format: "4:17:18.57 PM" in the US,
"16:17:18,57" in Germany, "16.17.18,57" in Finland, "午後4:17:18.57" in Japan, "오후 4:17:18.57"
in Korea, with Arabic-Indic digits in Arabic. The numbers are found whatever surrounds them
(Python reads any script's digits); the half of the day comes from a marker calmlink knows, else
from the record's own start time, which is never more than minutes away: so a 12-hour time whose
marker calmlink has never seen still lands in the right half of the day.
"""

from __future__ import annotations

import re

CLOCK = re.compile(r"(\d{1,2})\s*[:.]\s*(\d{2})\s*[:.]\s*(\d{2})(?:\s*[.,\u066b]\s*(\d+))?")
"""Hours, minutes, seconds and a fraction: the separators every locale uses (':' or '.', then '.',
',' or the Arabic decimal separator before the fraction)."""

PM = frozenset({"pm", "nachm", "午後", "下午", "오후", "μμ", "م", "بظ", "ಅಪರಾಹ್ನ", "अपराह्न"})
AM = frozenset({"am", "vorm", "午前", "上午", "오전", "πμ", "ص", "قظ", "ಪೂರ್ವಾಹ್ನ", "पूर्वाह्न"})
DAY_S = 86_400.0


class NotATime(ValueError):
    """The text holds no time of day."""


def seconds_of_day(text: str, near_s: float | None = None) -> float:
    """Seconds since midnight of a time of day. ``near_s``: a moment (seconds since midnight)
    the time is known to lie close to, which settles a 12-hour time without a known marker."""
    m = CLOCK.search(text)
    if m is None:
        raise NotATime(f"no time of day in {text!r}")
    hours, minutes, seconds = int(m.group(1)), int(m.group(2)), int(m.group(3))
    fraction = m.group(4) or ""
    if hours > 24 or minutes > 59 or seconds > 60:
        raise NotATime(f"{text!r} is no time of day")
    value = minutes * 60.0 + seconds + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)
    marker = re.sub(r"[\s.]", "", text[:m.start()] + text[m.end():]).lower()
    if hours > 12 or hours == 0:
        return hours * 3600.0 + value
    morning = (hours % 12) * 3600.0 + value
    if marker in PM:
        return morning + 12 * 3600.0
    if marker in AM or near_s is None:
        return morning
    # no marker calmlink knows (or none at all): the half of the day nearer the known moment
    return min((morning, morning + 12 * 3600.0),
               key=lambda s: min(abs(s - near_s), DAY_S - abs(s - near_s)))
