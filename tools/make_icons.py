"""Draw calmlink's home-screen icons (the favicon's arc on its dark ground) as PNG files.

Run from the repository root after changing the design: ``python tools/make_icons.py``. PNG is
written with zlib alone (no Pillow); the shape is rendered 4x over and averaged for smooth edges.
The maskable icon keeps the arc inside the middle 80% (the safe zone Android crops to).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

GROUND = (0x0E, 0x11, 0x14)
ARC = (0x6F, 0xA8, 0xA0)
OUT = Path(__file__).resolve().parent.parent / "calmlink" / "web" / "icons"


def _png(rgba: np.ndarray) -> bytes:
    h, w, _ = rgba.shape
    raw = b"".join(b"\0" + rgba[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def draw(size: int, *, full_bleed: bool, scale: float = 1.0) -> bytes:
    """The favicon's 32-unit design at ``size`` pixels; ``scale`` shrinks the arc for maskable."""
    k = 4
    n = size * k
    y, x = (np.mgrid[0:n, 0:n] + 0.5) / n * 32.0
    cx = cy = 16.0
    u, v = (x - cx) / scale + cx, (y - cy) / scale + cy
    disc = np.ones_like(x, dtype=bool) if full_bleed else (x - cx) ** 2 + (y - cy) ** 2 <= 14 ** 2
    r = np.hypot(u - 16.0, v - 20.0)  # the arc: radius 10 around (16, 20), upper half
    on_ring = np.abs(r - 10.0) <= 1.5 / 1.0
    upper = v <= 20.0
    caps = (np.hypot(u - 6.0, v - 20.0) <= 1.5) | (np.hypot(u - 26.0, v - 20.0) <= 1.5)
    arc = (on_ring & upper) | caps
    img = np.zeros((n, n, 4))
    img[disc, :3] = GROUND
    img[disc, 3] = 255
    img[arc & disc, :3] = ARC
    small = img.reshape(size, k, size, k, 4).mean(axis=(1, 3))
    return _png(np.round(small).astype(np.uint8))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(draw(size, full_bleed=False))
    (OUT / "icon-maskable-512.png").write_bytes(draw(512, full_bleed=True, scale=0.75))
    (OUT / "apple-touch-icon.png").write_bytes(draw(180, full_bleed=True, scale=0.85))


if __name__ == "__main__":
    main()
