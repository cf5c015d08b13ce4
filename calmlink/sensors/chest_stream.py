"""Turn PMD data notifications into timed chest movement: pure, the same for every source.

A frame's timestamp is the strap's clock (ns since 2000-01-01) at its LAST sample. Samples are spaced
as Polar's SDK spaces them (:class:`AccTimeline`); the strap's clock is tied to the source's clock at
the first frame's arrival (its last sample taken as arriving then), the way beat times are anchored
to packet arrival. When the two clocks part by more than :data:`MAX_DRIFT_S` (frames lost, the strap's
clock reset) or the link dropped, the next frame re-anchors and is marked ``gap_before``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from calmlink.sensors.models import ChestMotion
from calmlink.sensors.pmd import MalformedPmdFrame, parse_pmd_frame

MAX_DRIFT_S = 2.5
"""A frame whose last sample maps this far from its arrival means the clocks parted: re-anchor."""


@dataclass
class AccTimeline:
    """Places each frame's samples in time on the strap's clock (ns), as Polar's SDK does: spaced by
    (this timestamp - the previous frame's) / n, or by ``rate_hz`` for the first frame and whenever
    that spacing is implausible (under half or over twice the nominal rate's)."""

    rate_hz: float
    previous_ns: int | None = None

    def reset(self) -> None:
        """A new stream (after a reconnect or a restart): the next frame is a first frame."""
        self.previous_ns = None

    def place(self, timestamp_ns: int, n: int) -> tuple[int, ...]:
        nominal = 1e9 / self.rate_hz
        step = nominal
        if self.previous_ns is not None and n > 0:
            measured = (timestamp_ns - self.previous_ns) / n
            if 0.5 * nominal <= measured <= 2.0 * nominal:
                step = measured
        self.previous_ns = timestamp_ns
        return tuple(timestamp_ns - round((n - 1 - i) * step) for i in range(n))


class ChestDecoder:
    """What a source does with a PMD data notification: log it raw, parse it, place it in time.

    ``payload`` None means the link dropped at ``arrival``. Malformed frames are counted and dropped.
    ``on_packet`` sees every notification exactly as received (for raw logs).
    """

    def __init__(self, rate_hz: float, factor: float | None = None,
                 on_packet: Callable[[float, bytes | None], None] | None = None) -> None:
        self.timeline = AccTimeline(rate_hz)
        self.factor = factor
        self.on_packet = on_packet
        self.malformed = 0
        self.frames = 0
        self._anchor: tuple[int, float] | None = None  # (strap ns, source s) of one instant
        self._gap = True

    def restart(self, rate_hz: float, factor: float | None = None) -> None:
        """A new stream on the same source (after a reconnect): new rate, fresh timing."""
        self.timeline = AccTimeline(rate_hz)
        self.factor = factor
        self.mark_gap()

    def mark_gap(self) -> None:
        self.timeline.reset()
        self._anchor = None
        self._gap = True

    def decode(self, arrival: float, payload: bytes | None) -> ChestMotion | None:
        if self.on_packet is not None:
            self.on_packet(arrival, payload)
        if payload is None:
            self.mark_gap()
            return None
        try:
            frame = parse_pmd_frame(payload)
        except MalformedPmdFrame:
            self.malformed += 1
            return None
        self.frames += 1
        gap, self._gap = self._gap, False
        if self._anchor is None or abs(self._at(frame.timestamp_ns, self._anchor) - arrival) > MAX_DRIFT_S:
            if self._anchor is not None:
                self.timeline.reset()
            self._anchor = (frame.timestamp_ns, arrival)
            gap = True
        samples = frame.acc_mg(self.factor)
        times = self.timeline.place(frame.timestamp_ns, len(samples))
        anchor_ns, anchor_s = self._anchor
        x, y, z = zip(*samples, strict=True)
        return ChestMotion(
            t=tuple(anchor_s + (ns - anchor_ns) / 1e9 for ns in times),
            x_mg=tuple(map(float, x)), y_mg=tuple(map(float, y)), z_mg=tuple(map(float, z)),
            rate_hz=self.timeline.rate_hz, gap_before=gap, arrival=arrival)

    @staticmethod
    def _at(ns: int, anchor: tuple[int, float]) -> float:
        """A strap time on the source's clock (the difference taken in integers: no rounding)."""
        return anchor[1] + (ns - anchor[0]) / 1e9
