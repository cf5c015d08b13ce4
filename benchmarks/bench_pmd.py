"""Chest accelerometer (PMD): the live path's cost per frame at 25 and 50 Hz.

Parse, place in time and build the ChestMotion event, for an H10's raw frames and for
delta-compressed ones (other Polar sensors)."""

from __future__ import annotations

import time

import numpy as np

from calmlink.sensors.chest_model import ChestPattern, SimulatedChest
from calmlink.sensors.chest_stream import ChestDecoder
from calmlink.sensors.pmd import encode_acc_frame
from calmlink.testing.pmd_frames import encode_delta_frame

FRAME_SAMPLES = 36  # what fits one notification at the MTU the spec asks for
FRAMES = 500
EPOCH_NS = 600_000_000_000_000_000


def _frames(rate: int, compressed: bool) -> list[tuple[float, bytes]]:
    chest = SimulatedChest(ChestPattern(seed=1), rate_hz=rate)
    span = FRAME_SAMPLES / rate
    out = []
    for k in range(1, FRAMES + 1):
        times, xyz = chest.samples((k - 1) * span, k * span)
        stamp = EPOCH_NS + round(float(times[-1]) * 1e9)
        payload = (encode_delta_frame(stamp, xyz.tolist()) if compressed
                   else encode_acc_frame(stamp, xyz.tolist()))
        out.append((float(times[-1]) + 0.02, payload))
    return out


def _per_frame_us(frames: list[tuple[float, bytes]], rate: int) -> float:
    best = float("inf")
    for _ in range(5):
        decoder = ChestDecoder(float(rate))
        started = time.perf_counter()
        for arrival, payload in frames:
            decoder.decode(arrival, payload)
        best = min(best, (time.perf_counter() - started) / len(frames))
        assert decoder.malformed == 0 and decoder.frames == len(frames)
    return best * 1e6


def run() -> None:
    for rate in (25, 50):
        for compressed in (False, True):
            us = _per_frame_us(_frames(rate, compressed), rate)
            per_s = rate / FRAME_SAMPLES
            kind = "delta" if compressed else "raw  "
            print(f"   {kind} {rate} Hz: {us:.0f} µs a frame of {FRAME_SAMPLES} samples, "
                  f"{per_s:.2f} frames/s -> {us * per_s / 1e4:.4f} % of one core")
    assert np.isfinite(us)
