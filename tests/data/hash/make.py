#!/usr/bin/env python3
"""Makes the perceptual-hash test images of this folder (see README.md).

Stdlib only for the PNGs; the JPEGs are encoded with Debian 12's cjpeg
(libjpeg-turbo 2.1.5). Deterministic: rerunning gives byte-identical files.
Usage: python3 tests/data/hash/make.py [OUT_DIR]   (default: this folder)
"""

from __future__ import annotations

import math
import os
import pathlib
import struct
import subprocess
import sys
import tempfile
import zlib

OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent


def picture(w: int, h: int) -> list[tuple[int, int, int]]:
    """Photo-like RGB: gradients, a soft texture and a few shapes."""
    px = []
    for y in range(h):
        for x in range(w):
            u, v = x / max(w - 1, 1), y / max(h - 1, 1)
            t = math.sin(7.0 * u + 3.0 * v) * math.cos(5.0 * v - 2.0 * u)
            r = 200 * u + 30 * t + 20
            g = 170 * (1 - v) + 40 * t + 30
            b = 120 * (u + v) / 2 + 60 * math.sin(11 * u * v) + 60
            if (u - 0.3) ** 2 + (v - 0.6) ** 2 < 0.03:  # a disc
                r, g, b = 235, 215, 40
            if 0.6 < u < 0.85 and 0.15 < v < 0.35:  # a block
                r, g, b = 30, 40, 150
            px.append(tuple(max(0, min(255, int(round(c)))) for c in (r, g, b)))
    return px


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(path: str, w: int, h: int, depth: int, ctype: int, rows: list[bytes], extra: bytes = b"", interlace: int = 0) -> None:
    if interlace:  # Adam7, 8-bit samples of 1 byte only
        raw = b"".join(
            b"\x00" + bytes(rows[y][x] for x in range(x0, w, dx))
            for x0, y0, dx, dy in ADAM7 if x0 < w
            for y in range(y0, h, dy))
    else:
        raw = b"".join(b"\x00" + r for r in rows)  # filter 0 (None) on every row
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))
        + extra
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
    (OUT / path).write_bytes(data)


def pack_bits(values: list[int], depth: int) -> bytes:
    out, acc, n = bytearray(), 0, 0
    for v in values:
        acc = (acc << depth) | v
        n += depth
        if n == 8:
            out.append(acc)
            acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


def luma(p: tuple[int, int, int]) -> int:
    return (299 * p[0] + 587 * p[1] + 114 * p[2] + 500) // 1000


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    w, h = 40, 30
    pic = picture(w, h)
    grey = [luma(p) for p in pic]

    # 16-bit grey: Pillow opens it as "I;16" and clamps to 255 when made "L",
    # so the values straddle 255 (0..1023).
    png("gray16.png", w, h, 16, 0,
        [b"".join(struct.pack(">H", grey[y * w + x] * 4 + (x & 3)) for x in range(w)) for y in range(h)])
    # 16-bit colour, grey+alpha and RGBA with high and low bytes that differ.
    png("rgb16.png", w, h, 16, 2,
        [b"".join(struct.pack(">HHH", *(c * 256 + (255 - c) for c in pic[y * w + x])) for x in range(w)) for y in range(h)])
    png("gray_alpha16.png", w, h, 16, 4,
        [b"".join(struct.pack(">HH", grey[y * w + x] * 256 + 77, (x * 1000 + y) & 0xFFFF) for x in range(w)) for y in range(h)])
    png("rgba16.png", w, h, 16, 6,
        [b"".join(struct.pack(">HHHH", *(c * 256 + 13 for c in pic[y * w + x]), 40000) for x in range(w)) for y in range(h)])
    # Low bit depths of grey (Pillow: "1", "L;2", "L;4").
    for depth in (1, 2, 4):
        levels = (1 << depth) - 1
        png(f"gray{depth}.png", w, h, depth, 0,
            [pack_bits([grey[y * w + x] * levels // 255 for x in range(w)], depth) for y in range(h)])
    # A 4-bit palette of 12 entries whose pixels also use indices 12-15
    # (absent from the PLTE: black in Pillow).
    plte = bytes(c for i in range(12) for c in ((i * 53) % 256, (i * 97 + 40) % 256, (255 - i * 20) % 256))
    png("palette4.png", w, h, 4, 3,
        [pack_bits([(grey[y * w + x] * 16) // 256 for x in range(w)], 4) for y in range(h)],
        extra=chunk(b"PLTE", plte))
    # Interlaced grey.
    png("gray_interlaced.png", w, h, 8, 0, [bytes(grey[y * w:(y + 1) * w]) for y in range(h)], interlace=1)
    # Geometry: tall (the resize runs vertically first), tiny (upsampled),
    # exactly 32x32 (pHash input unresized), exactly 9x8 (dHash unresized).
    for name, (tw, th) in {"tall.png": (16, 120), "tiny.png": (5, 7), "exact32.png": (32, 32),
                           "exact9x8.png": (9, 8)}.items():
        p = picture(tw, th)
        png(name, tw, th, 8, 2, [bytes(c for x in range(tw) for c in p[y * tw + x]) for y in range(th)])
    # Flat and mirror-symmetric images: their DCT coefficients tie with the
    # median in exact arithmetic, so the bits come from scipy's rounding.
    png("flat.png", 48, 48, 8, 0, [bytes([137] * 48) for _ in range(48)])
    png("symmetric.png", 64, 64, 8, 0,
        [bytes(128 + int(100 * math.cos(math.pi * (x - 31.5) / 16) * math.cos(math.pi * (y - 31.5) / 20)) for x in range(64))
         for y in range(64)])

    # JPEGs in the chroma layouts libjpeg upsamples differently.
    jw, jh = 120, 90
    jpic = picture(jw, jh)
    with tempfile.TemporaryDirectory() as tmp:
        ppm = os.path.join(tmp, "p.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (jw, jh) + bytes(c for p in jpic for c in p))
        for name, args in {
            "jpeg444.jpg": ["-sample", "1x1"],
            "jpeg422.jpg": ["-sample", "2x1"],
            "jpeg440.jpg": ["-sample", "1x2"],
            "jpeg420_restart.jpg": ["-sample", "2x2", "-restart", "2"],
            "jpeg420_progressive.jpg": ["-sample", "2x2", "-progressive"],
        }.items():
            subprocess.run(["cjpeg", "-quality", "80", *args, "-outfile", str(OUT / name), ppm], check=True)


if __name__ == "__main__":
    main()
