"""Crafted examples of each class of odd or damaged file that the decoding
policy (Limits.fail_on) grades, made from clean files: shared by
test_decode_policy.py and scripts/decode-policy-table.py."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image as PILImage

from conftest import DATA


def _picture(tint: int) -> PILImage.Image:
    img = PILImage.new("RGB", (96, 64))
    img.putdata([(x * 255 // 96, y * 255 // 64, tint) for y in range(64) for x in range(96)])
    return img


def encoded(fmt: str, tint: int = 128) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    _picture(tint).save(out, fmt, **options)
    return out.getvalue()


def _segment_end(b: bytes, marker: bytes) -> int:
    at = b.index(marker)
    length: int = struct.unpack(">H", b[at + 2:at + 4])[0]
    return at + 2 + length


def jpeg_extraneous_bytes() -> bytes:
    b = encoded("JPEG")
    at = b.index(b"\xff\xdb")
    return b[:at] + b"\x00\x00\x00" + b[at:]


def jpeg_bad_huffman() -> bytes:
    # Stuffed FF bytes: sixteen 1 bits, a code no Huffman table may assign.
    b = bytearray(encoded("JPEG"))
    data = _segment_end(bytes(b), b"\xff\xda")
    at = data + (len(b) - data) // 3
    b[at:at + 32] = b"\xff\x00" * 16
    return bytes(b)


def chunk(kind: bytes, data: bytes, crc_xor: int = 0) -> bytes:
    crc = zlib.crc32(kind + data) ^ crc_xor
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_chunks(png: bytes) -> list[bytes]:
    out, at = [png[:8]], 8
    while at + 12 <= len(png):
        (n,) = struct.unpack(">I", png[at:at + 4])
        out.append(png[at:at + 12 + n])
        at += 12 + n
    return out


def png_with(png: bytes, extra: bytes, before: bytes) -> bytes:
    parts = png_chunks(png)
    i = next(i for i, c in enumerate(parts) if c[4:8] == before)
    return b"".join(parts[:i]) + extra + b"".join(parts[i:])


def png_bad_idat_crc() -> bytes:
    parts = png_chunks(encoded("PNG"))
    i = next(i for i, c in enumerate(parts) if c[4:8] == b"IDAT")
    parts[i] = parts[i][:-1] + bytes([parts[i][-1] ^ 0x5A])
    return b"".join(parts)


def avif_without_pixi() -> bytes:
    b = (DATA / "rgb.avif").read_bytes()
    return b.replace(b"pixi", b"xpix", 1)


@dataclass
class Case:
    name: str  # the class, as the closing note's table names it
    data: bytes
    ext: str


def cases() -> list[Case]:
    jpeg, png, webp = encoded("JPEG", 20), encoded("PNG"), encoded("WEBP")
    avif = (DATA / "rgb.avif").read_bytes()
    text = chunk(b"tEXt", b"Author\x00Loja")
    phys = chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1))
    return [
        Case("JPEG, extraneous bytes before a marker", jpeg_extraneous_bytes(), "jpg"),
        Case("JPEG + appended trailer (camera data)", jpeg + b"T" * 4000, "jpg"),
        Case("JPEG + appended JPEG (MPO / Ultra HDR layout)", jpeg + encoded("JPEG", 230), "jpg"),
        Case("JPEG, bad Huffman code in the scan", jpeg_bad_huffman(), "jpg"),
        Case("JPEG truncated at 60%", jpeg[: len(jpeg) * 6 // 10], "jpg"),
        Case("PNG, tEXt after IDAT (legal)", png_with(png, text, b"IEND"), "png"),
        Case("PNG, pHYs after IDAT (out of order)", png_with(png, phys, b"IEND"), "png"),
        Case("PNG, ancillary chunk with bad CRC", png_with(png, chunk(b"tEXt", b"Author\x00Loja", 0x5A), b"IDAT"), "png"),
        Case("PNG, IDAT with bad CRC", png_bad_idat_crc(), "png"),
        Case("PNG + bytes after IEND", png + b"trailer", "png"),
        Case("PNG truncated at 70%", png[: len(png) * 7 // 10], "png"),
        Case("AVIF without pixi (non-strict)", avif_without_pixi(), "avif"),
        Case("AVIF truncated at 70%", avif[: len(avif) * 7 // 10], "avif"),
        Case("WebP + bytes after the RIFF chunk", webp + b"trailer", "webp"),
        Case("WebP truncated at 70%", webp[: len(webp) * 7 // 10], "webp"),
    ]


def pillow_outcome(data: bytes) -> str:
    """What Pillow (default settings) does with the file: 'decodes' or the
    exception it raises."""
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img.load()
        return "decodes"
    except Exception as e:  # noqa: BLE001 - the table reports whatever it is
        return f"refuses ({type(e).__name__})"
