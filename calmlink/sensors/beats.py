"""Turn decoded notifications into timed samples: pure, the same for every source.

A strap sends RR intervals roughly once a second, in batches of 0-9. Beat times come from the
cumulative RR sum, so the rhythm is exact; the sum is anchored to packet arrival so that it cannot
drift away from the wall clock. When the sum and the arrival clock disagree by more than
``MAX_DRIFT_S`` (lost packets, a reconnect) or contact was lost, the clock re-anchors and the next
beat is marked ``gap_before`` so no metric bridges the hole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from calmlink.sensors.hrs import (
    HeartRateMeasurement,
    MalformedMeasurement,
    parse_heart_rate_measurement,
)
from calmlink.sensors.models import HeartRateSample

MAX_DRIFT_S = 2.5
"""Beats ending this far from the packet's arrival mean packets were lost: re-anchor."""


@dataclass
class BeatAssembler:
    """Stateful, but pure: arrival times come in, no clock is read here."""

    last_beat_t: float | None = None
    pending_gap: bool = True

    def mark_gap(self) -> None:
        """The link dropped or the strap lost contact: do not join the next beat to the last."""
        self.pending_gap = True
        self.last_beat_t = None

    def feed(self, m: HeartRateMeasurement, arrival: float) -> list[HeartRateSample]:
        if m.sensor_contact is False:
            self.mark_gap()
            return [
                HeartRateSample(
                    t=arrival, hr_bpm=float(m.heart_rate_bpm), rr_ms=None, contact=False,
                    gap_before=True, arrival=arrival,
                )
            ]
        if m.heart_rate_bpm == 0 and not m.rr_intervals_ms:
            return []  # a watch with no reading: not a beat
        if not m.rr_intervals_ms:
            return [
                HeartRateSample(
                    t=arrival, hr_bpm=float(m.heart_rate_bpm), rr_ms=None,
                    contact=m.sensor_contact, gap_before=self._take_gap(), arrival=arrival,
                )
            ]
        total_s = sum(m.rr_intervals_ms) / 1000.0
        gap = False
        if self.last_beat_t is None:
            start = arrival - total_s
            gap = True
        else:
            start = self.last_beat_t
            if abs(start + total_s - arrival) > MAX_DRIFT_S:
                start = arrival - total_s
                gap = True
        gap = self._take_gap() or gap
        samples = []
        t = start
        for i, rr in enumerate(m.rr_intervals_ms):
            t += rr / 1000.0
            samples.append(
                HeartRateSample(
                    # the strap's own (averaged) heart rate is what people expect to read; each
                    # beat's interval is in rr_ms for everything that needs beat-to-beat detail
                    t=t, hr_bpm=60000.0 / rr if m.heart_rate_bpm == 0 and rr > 0
                    else float(m.heart_rate_bpm),
                    rr_ms=rr,
                    contact=m.sensor_contact, gap_before=gap and i == 0, arrival=arrival,
                )
            )
        self.last_beat_t = t
        return samples

    def _take_gap(self) -> bool:
        gap, self.pending_gap = self.pending_gap, False
        return gap


class PacketDecoder:
    """What every source does with a notification: log it raw, parse it, time its beats.

    ``payload`` None means the link dropped at ``arrival``. Malformed payloads are counted and
    dropped; nothing else they contain reaches the app. ``on_packet`` sees every packet exactly as
    received (for ``calmlink record --out`` and bug reports).
    """

    def __init__(self, on_packet: Callable[[float, bytes | None], None] | None = None) -> None:
        self.assembler = BeatAssembler()
        self.on_packet = on_packet
        self.malformed = 0

    def decode(self, arrival: float, payload: bytes | None) -> list[HeartRateSample]:
        if self.on_packet is not None:
            self.on_packet(arrival, payload)
        if payload is None:
            self.assembler.mark_gap()
            return []
        try:
            measurement = parse_heart_rate_measurement(payload)
        except MalformedMeasurement:
            self.malformed += 1
            return []
        return self.assembler.feed(measurement, arrival)
