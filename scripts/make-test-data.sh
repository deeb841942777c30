#!/usr/bin/env bash
# Debian packages needed: libjpeg-turbo-progs webp libavif-bin imagemagick
#   libheif-examples libjxl-tools python3
#   (verification of the output, not needed to make it: libimage-exiftool-perl)
#
# Re-creates the files of tests/data/ from scratch (its subfolders are kept):
# small synthetic test images in every format and variant that imagebank's
# tests use, plus tests/data/README.md (the ground-truth table the C++ tests
# assert). Nothing is downloaded: the source
# picture, the ICC profile, the Exif blocks and every PNG/GIF/TIFF/BMP/SVG are
# written by the Python (stdlib only) below; JPEG, WebP, AVIF, HEIC and JPEG XL
# files are encoded from that picture with the Debian codec tools.
#
# Usage: scripts/make-test-data.sh [OUTDIR]   (default: <repo>/tests/data)
# Running it twice gives byte-identical files (the codec tools run
# single-threaded with fixed settings; the AVIF sequence's timestamps are
# zeroed).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="${1:-$repo/tests/data}"

need() {
  local tool=$1 pkg=$2
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "make-test-data: '$tool' not found; install the Debian package '$pkg'" >&2
    exit 1
  fi
}
need python3 python3
need cjpeg libjpeg-turbo-progs
need cwebp webp
need webpmux webp
need avifenc libavif-bin
need heif-enc libheif-examples
need cjxl libjxl-tools

# ImageMagick (only for the CMYK JPEG). IM7 is 'magick'; on Debian 12 IM6 is
# convert-im6.q16, which is used by full name in case 'convert' on PATH is
# something else.
im=""
for c in magick convert-im6.q16 convert-im6 convert; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -version 2>/dev/null | grep -q ImageMagick; then
    im=$(command -v "$c")
    break
  fi
done
if [ -z "$im" ]; then
  echo "make-test-data: ImageMagick not found; install the Debian package 'imagemagick'" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "$(cd "$(dirname "$out")" 2>/dev/null && pwd)/$(basename "$out")" in
  / | "$repo" | "$repo/" | "$HOME")
    echo "make-test-data: refusing to delete '$out'" >&2
    exit 2 ;;
esac
# Only this script's own files are replaced: subfolders (tests/data/hash,
# made by its own make.py) are kept.
mkdir -p "$out"
find "$out" -maxdepth 1 -type f -delete

gen="$work/gen.py"
cat >"$gen" <<'PY'
"""Hand-written test image bytes for imagebank (stdlib only)."""
import math
import struct
import sys
import zlib

W, H = 64, 48


# ----------------------------------------------------------------- pixels
def clamp(v):
    return 0 if v < 0 else 255 if v > 255 else int(v)


def pixel16(x, y, frame=0):
    """Photo-like 16-bit RGB: gradients, a red block at the top left, a bright
    green bar along the top right, a blue disc lower right (moves with frame).
    Asymmetric under every flip and rotation."""
    r = 10000 + x * 800 + y * 120
    g = 8000 + y * 1000 + x * 60
    b = 52000 - x * 500 - y * 250
    # soft deterministic texture so it is not a flat synthetic image
    t = (math.sin(x * 0.9 + y * 0.4) + math.cos(y * 0.7 - x * 0.3)) * 1500
    r, g, b = r + t, g + t, b - t
    if 4 <= x < 16 and 4 <= y < 12:           # red block, top left
        r, g, b = 60000, 9000, 7000
    if 40 <= x < 60 and 2 <= y < 6:           # green bar, top right
        r, g, b = 12000, 58000, 14000
    cx, cy = 42 + frame * 6, 30
    d = math.hypot(x - cx, y - cy)
    if d < 10.5:                              # blue disc with a soft edge
        k = min(1.0, 10.5 - d)
        r = r * (1 - k) + 7000 * k
        g = g * (1 - k) + 15000 * k
        b = b * (1 - k) + 60000 * k
    return tuple(0 if v < 0 else 65535 if v > 65535 else int(v) for v in (r, g, b))


def pixel(x, y, frame=0):
    return tuple(v >> 8 for v in pixel16(x, y, frame))


def alpha(x, y):
    """255 at the left fading to 64 at the right; a fully transparent 8x8
    square in the bottom-left corner."""
    if x < 8 and y >= H - 8:
        return 0
    return 255 - (x * 191) // (W - 1)


def gray(x, y):
    r, g, b = pixel(x, y)
    return (r * 299 + g * 587 + b * 114 + 500) // 1000


# ----------------------------------------------------------------- PNG
def chunk(tag, data):
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(raw_rows, bpp):
    """PNG filtering with the usual minimum-sum-of-absolute-differences
    heuristic, so all five filter types occur."""
    out = bytearray()
    prev = bytes(len(raw_rows[0])) if raw_rows else b""
    for row in raw_rows:
        cands = []
        n = len(row)
        f = [bytearray(n) for _ in range(5)]
        for i in range(n):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            x = row[i]
            f[0][i] = x
            f[1][i] = (x - a) & 0xFF
            f[2][i] = (x - b) & 0xFF
            f[3][i] = (x - ((a + b) >> 1)) & 0xFF
            f[4][i] = (x - paeth(a, b, c)) & 0xFF
        for t in range(5):
            cost = sum(v if v < 128 else 256 - v for v in f[t])
            cands.append((cost, t))
        _, t = min(cands)
        out.append(t)
        out += f[t]
        prev = row
    return bytes(out)


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    return b"".join(struct.pack(">H", s) for s in samples)


def png_idat(pix, channels, depth, interlace=False, w=W, h=H):
    """pix[y][x] is a tuple of samples (or an int for one channel)."""
    bpp = max(1, channels * depth // 8)

    def sample_row(y, xs):
        s = []
        for x in xs:
            v = pix[y][x]
            s.extend(v if isinstance(v, tuple) else (v,))
        return pack_row(s, depth)

    if not interlace:
        return zlib.compress(filter_rows([sample_row(y, range(w)) for y in range(h)], bpp), 9)
    data = b""
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
                           (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
        xs = list(range(x0, w, dx))
        ys = list(range(y0, h, dy))
        if xs and ys:
            data += filter_rows([sample_row(y, xs) for y in ys], bpp)
    return zlib.compress(data, 9)


def ihdr(depth, ctype, interlace=0, w=W, h=H):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))


SIG = b"\x89PNG\r\n\x1a\n"


def png(path, pix, ctype, depth=8, interlace=False, extra_before_idat=b"", plte=None, trns=None):
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    body = SIG + ihdr(depth, ctype, 1 if interlace else 0) + extra_before_idat
    if plte is not None:
        body += chunk(b"PLTE", b"".join(bytes(c) for c in plte))
    if trns is not None:
        body += chunk(b"tRNS", bytes(trns))
    body += chunk(b"IDAT", png_idat(pix, channels, depth, interlace))
    body += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(body)


def rgb_pix(frame=0):
    return [[pixel(x, y, frame) for x in range(W)] for y in range(H)]


def rgba_pix():
    return [[pixel(x, y) + (alpha(x, y),) for x in range(W)] for y in range(H)]


def palette_image():
    """216-colour cube (indices 2..217) plus index 0 = transparent black,
    index 1 = half-transparent white (only given alpha by tRNS)."""
    plte = [(0, 0, 0), (255, 255, 255)]
    for r in range(6):
        for g in range(6):
            for b in range(6):
                plte.append((r * 51, g * 51, b * 51))
    pix = []
    for y in range(H):
        row = []
        for x in range(W):
            if x < 8 and y >= H - 8:
                row.append(0)
            elif 24 <= x < 40 and 40 <= y < 44:
                row.append(1)
            else:
                r, g, b = pixel(x, y)
                row.append(2 + (r * 5 + 127) // 255 * 36 + (g * 5 + 127) // 255 * 6 + (b * 5 + 127) // 255)
        pix.append(row)
    return plte, pix


# ----------------------------------------------------------------- Exif
def exif_tiff(order, orientation, w=W, h=H):
    """A TIFF-structured Exif block (no 'Exif\\0\\0' prefix): IFD0 with
    Orientation, resolution, Software and an Exif sub-IFD."""
    e = "<" if order == "II" else ">"
    software = b"imagebank make-test-data\0"
    n0, n1 = 6, 4
    ifd0 = 8
    ifd0_len = 2 + 12 * n0 + 4
    xres = ifd0 + ifd0_len
    yres = xres + 8
    soft = yres + 8
    exif_ifd = soft + len(software)
    exif_ifd += exif_ifd & 1

    def entry(tag, typ, count, value):
        if isinstance(value, bytes):      # inline bytes, padded to 4
            return struct.pack(e + "HHI", tag, typ, count) + value.ljust(4, b"\0")
        if typ == 3 and count == 1:       # SHORT, left-justified
            return struct.pack(e + "HHIHH", tag, typ, count, value, 0)
        return struct.pack(e + "HHII", tag, typ, count, value)

    b = bytearray(order.encode() + struct.pack(e + "HI", 42, ifd0))
    b += struct.pack(e + "H", n0)
    b += entry(0x0112, 3, 1, orientation)          # Orientation
    b += entry(0x011A, 5, 1, xres)                 # XResolution
    b += entry(0x011B, 5, 1, yres)                 # YResolution
    b += entry(0x0128, 3, 1, 2)                    # ResolutionUnit = inch
    b += entry(0x0131, 2, len(software), soft)     # Software
    b += entry(0x8769, 4, 1, exif_ifd)             # ExifIFDPointer
    b += struct.pack(e + "I", 0)
    b += struct.pack(e + "II", 72, 1) + struct.pack(e + "II", 72, 1)
    b += software
    b += b"\0" * (exif_ifd - len(b))
    b += struct.pack(e + "H", n1)
    b += entry(0x9000, 7, 4, b"0232")              # ExifVersion
    b += entry(0xA001, 3, 1, 1)                    # ColorSpace = sRGB
    b += entry(0xA002, 4, 1, w)                    # PixelXDimension
    b += entry(0xA003, 4, 1, h)                    # PixelYDimension
    b += struct.pack(e + "I", 0)
    return bytes(b)


def jpeg_with_exif(src, dst, tiff, keep_jfif):
    """Insert an APP1 Exif segment. keep_jfif: SOI, APP0 JFIF, APP1 Exif (as
    exiftool writes it); otherwise the JFIF APP0 is dropped and APP1 follows
    SOI directly (as cameras write it)."""
    data = open(src, "rb").read()
    assert data[:2] == b"\xff\xd8"
    pos = 2
    head = b""
    if data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\0":
        seglen = struct.unpack(">H", data[4:6])[0]
        if keep_jfif:
            head = data[2:4 + seglen]
        pos = 4 + seglen
    payload = b"Exif\0\0" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    with open(dst, "wb") as f:
        f.write(b"\xff\xd8" + head + app1 + data[pos:])


# ----------------------------------------------------------------- ICC
def s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def icc_profile():
    """Minimal valid ICC v2.1 RGB display profile (matrix/TRC): Display P3
    primaries adapted to D50, D50 white, gamma 2.2 (u8Fixed8 0x0233) curves."""
    desc_text = b"imagebank test Display P3 (gamma 2.2)"
    desc = (b"desc" + b"\0" * 4 + struct.pack(">I", len(desc_text) + 1) + desc_text + b"\0"
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67)
    cprt = b"text" + b"\0" * 4 + b"No copyright, use freely\0"

    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    curv = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0233) + b"\0\0"
    tags = [
        (b"desc", desc),
        (b"cprt", cprt),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.515102, 0.241196, -0.001053)),
        (b"gXYZ", xyz(0.291977, 0.692236, 0.041885)),
        (b"bXYZ", xyz(0.157103, 0.066568, 0.784073)),
        (b"rTRC", curv),
        (b"gTRC", None),   # shares rTRC's data
        (b"bTRC", None),
    ]
    table_len = 4 + 12 * len(tags)
    offset = 128 + table_len
    entries, blob = [], b""
    shared = None
    for sig, data in tags:
        if data is None:
            entries.append((sig,) + shared)
            continue
        while (offset + len(blob)) % 4:
            blob += b"\0"
        entries.append((sig, offset + len(blob), len(data)))
        if sig == b"rTRC":
            shared = (offset + len(blob), len(data))
        blob += data
    while len(blob) % 4:
        blob += b"\0"
    size = 128 + table_len + len(blob)
    header = (struct.pack(">I", size) + b"\0\0\0\0" + struct.pack(">I", 0x02100000)
              + b"mntr" + b"RGB " + b"XYZ "
              + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
              + b"acsp" + b"\0" * 4 + struct.pack(">I", 0) + b"\0" * 4 + b"\0" * 4
              + b"\0" * 8 + struct.pack(">I", 0)
              + s15(0.9642) + s15(1.0) + s15(0.8249)
              + b"\0" * 4 + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128
    table = struct.pack(">I", len(tags)) + b"".join(struct.pack(">4sII", *t) for t in entries)
    prof = header + table + blob
    assert len(prof) == size
    return prof


# ----------------------------------------------------------------- APNG
def apng(path):
    frames = [rgb_pix(f) for f in range(3)]
    body = SIG + ihdr(8, 2)
    body += chunk(b"acTL", struct.pack(">II", 3, 0))       # 3 frames, loop forever
    seq = 0
    for i, pix in enumerate(frames):
        fctl = struct.pack(">IIIIIHHBB", seq, W, H, 0, 0, 1, 10, 0, 0)  # 1/10 s, none, source
        body += chunk(b"fcTL", fctl)
        seq += 1
        data = png_idat(pix, 3, 8)
        if i == 0:
            body += chunk(b"IDAT", data)                    # frame 0 is the default image
        else:
            body += chunk(b"fdAT", struct.pack(">I", seq) + data)
            seq += 1
    body += chunk(b"IEND", b"")
    open(path, "wb").write(body)


# ----------------------------------------------------------------- GIF/BMP/TIFF
def lzw_gif(indices, min_size):
    clear, eoi = 1 << min_size, (1 << min_size) + 1
    out = bytearray()
    acc = nbits = 0
    size = min_size + 1

    def emit(code):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    def reset():
        return {(i,): i for i in range(clear)}, eoi + 1, min_size + 1

    table, nxt, size = reset()
    emit(clear)
    w = ()
    for k in indices:
        wk = w + (k,)
        if wk in table:
            w = wk
            continue
        emit(table[w])
        if nxt >= (1 << size) and size < 12:   # giflib's rule: the decoder widens in step
            size += 1
        if nxt < 4095:
            table[wk] = nxt
            nxt += 1
        else:
            emit(clear)
            table, nxt, size = reset()
        w = (k,)
    emit(table[w])
    if nxt >= (1 << size) and size < 12:
        size += 1
    emit(eoi)
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def gif(path):
    plte = []
    for r in range(6):
        for g in range(6):
            for b in range(6):
                plte.append((r * 51, g * 51, b * 51))
    plte += [(0, 0, 0)] * (256 - len(plte))
    idx = []
    for y in range(H):
        for x in range(W):
            r, g, b = pixel(x, y)
            idx.append((r * 5 + 127) // 255 * 36 + (g * 5 + 127) // 255 * 6 + (b * 5 + 127) // 255)
    data = lzw_gif(idx, 8)
    b = bytearray(b"GIF89a" + struct.pack("<HHBBB", W, H, 0xF7, 0, 0))
    b += b"".join(bytes(c) for c in plte)
    b += b"\x21\xf9\x04\x00" + struct.pack("<H", 0) + b"\x00\x00"   # graphic control ext.
    b += b"\x2c" + struct.pack("<HHHHB", 0, 0, W, H, 0)
    b += bytes([8])
    for i in range(0, len(data), 255):
        blk = data[i:i + 255]
        b += bytes([len(blk)]) + blk
    b += b"\x00\x3b"
    open(path, "wb").write(b)


def bmp(path):
    rowlen = W * 3
    pixels = b"".join(bytes(c for p in (pixel(x, y)[::-1] for x in range(W)) for c in p)
                      for y in range(H - 1, -1, -1))
    hdr = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, W, H, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    assert rowlen % 4 == 0
    open(path, "wb").write(hdr + info + pixels)


def tiff(path, order):
    e = "<" if order == "II" else ">"
    pixels = b"".join(bytes(pixel(x, y)) for y in range(H) for x in range(W))
    entries = [  # tag, type, count, value-or-offset placeholder
        (256, 3, 1, W), (257, 3, 1, H), (258, 3, 3, "bps"), (259, 3, 1, 1),
        (262, 3, 1, 2), (273, 4, 1, "strip"), (277, 3, 1, 3), (278, 3, 1, H),
        (279, 4, 1, len(pixels)), (282, 5, 1, "xres"), (283, 5, 1, "yres"),
        (284, 3, 1, 1), (296, 3, 1, 2),
    ]
    ifd_len = 2 + 12 * len(entries) + 4
    off = {"bps": 8 + ifd_len}
    off["xres"] = off["bps"] + 6 + 2
    off["yres"] = off["xres"] + 8
    off["strip"] = off["yres"] + 8
    b = bytearray(order.encode() + struct.pack(e + "HI", 42, 8) + struct.pack(e + "H", len(entries)))
    for tag, typ, count, v in entries:
        v = off[v] if isinstance(v, str) else v
        if typ == 3 and count == 1:
            b += struct.pack(e + "HHIHH", tag, typ, count, v, 0)
        else:
            b += struct.pack(e + "HHII", tag, typ, count, v)
    b += struct.pack(e + "I", 0)
    b += struct.pack(e + "3H", 8, 8, 8) + b"\0\0"
    b += struct.pack(e + "II", 72, 1) + struct.pack(e + "II", 72, 1)
    assert len(b) == off["strip"]
    b += pixels
    open(path, "wb").write(b)


def svg(path, bare):
    body = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48" viewBox="0 0 64 48">\n'
            '  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
            '<stop offset="0" stop-color="#283cc8"/><stop offset="1" stop-color="#e6dc50"/>'
            '</linearGradient></defs>\n'
            '  <rect width="64" height="48" fill="url(#g)"/>\n'
            '  <rect x="4" y="4" width="12" height="8" fill="#eb2318"/>\n'
            '  <circle cx="42" cy="30" r="10" fill="#1b3cea"/>\n'
            '</svg>\n')
    if not bare:
        body = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body
    open(path, "w").write(body)


def zero_mp4_times(path):
    """Zero the creation/modification times that avifenc stamps into the
    movie/track/media headers of an image sequence, so reruns are identical."""
    d = bytearray(open(path, "rb").read())

    def walk(start, end):
        pos = start
        while pos + 8 <= end:
            size, typ = struct.unpack(">I4s", d[pos:pos + 8])
            hdr = 8
            if size == 1:
                size, hdr = struct.unpack(">Q", d[pos + 8:pos + 16])[0], 16
            elif size == 0:
                size = end - pos
            if typ in (b"moov", b"trak", b"mdia"):
                walk(pos + hdr, pos + size)
            elif typ in (b"mvhd", b"tkhd", b"mdhd"):
                body = pos + hdr
                n = 8 if d[body] == 1 else 4
                d[body + 4:body + 4 + 2 * n] = bytes(2 * n)
            pos += size

    walk(0, len(d))
    open(path, "wb").write(bytes(d))


def ppm(path, pix):
    open(path, "wb").write(b"P6\n%d %d\n255\n" % (W, H)
                           + b"".join(bytes(p) for row in pix for p in row))


# ----------------------------------------------------------------- main
def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sources":
        d = args[0]
        ppm(d + "/src.ppm", rgb_pix())
        png(d + "/src.png", rgb_pix(), 2)
        png(d + "/src_rgba.png", rgba_pix(), 6)
        for f in range(3):
            png(d + "/frame%d.png" % f, rgb_pix(f), 2)
            ppm(d + "/frame%d.ppm" % f, rgb_pix(f))
        open(d + "/profile.icc", "wb").write(icc_profile())
        open(d + "/exif_orient8_le.tiff", "wb").write(exif_tiff("II", 8))
    elif cmd == "jpeg-exif":        # SRC DST ORDER ORIENTATION keep|drop
        src, dst, order, o, jfif = args
        jpeg_with_exif(src, dst, exif_tiff(order, int(o)), jfif == "keep")
    elif cmd == "pngs":
        d = args[0]
        png(d + "/rgb.png", rgb_pix(), 2)
        png(d + "/rgba.png", rgba_pix(), 6)
        png(d + "/gray.png", [[gray(x, y) for x in range(W)] for y in range(H)], 0)
        png(d + "/gray_alpha.png", [[(gray(x, y), alpha(x, y)) for x in range(W)] for y in range(H)], 4)
        plte, pix = palette_image()
        png(d + "/palette.png", pix, 3, plte=plte)
        png(d + "/palette_trns.png", pix, 3, plte=plte, trns=[0, 128])
        png(d + "/rgb16.png", [[pixel16(x, y) for x in range(W)] for y in range(H)], 2, depth=16)
        png(d + "/interlaced.png", rgb_pix(), 2, interlace=True)
        prof = icc_profile()
        iccp = chunk(b"iCCP", b"imagebank P3\0\0" + zlib.compress(prof, 9))
        png(d + "/icc.png", rgb_pix(), 2, extra_before_idat=iccp)
        exif = chunk(b"eXIf", exif_tiff("MM", 6))
        png(d + "/exif_orient6.png", rgb_pix(), 2, extra_before_idat=exif)
        apng(d + "/animated.png")
    elif cmd == "others":
        d = args[0]
        gif(d + "/sample.gif")
        tiff(d + "/sample.tif", "II")
        tiff(d + "/sample_be.tif", "MM")
        bmp(d + "/sample.bmp")
        svg(d + "/sample.svg", bare=False)
        svg(d + "/sample_bare.svg", bare=True)
    elif cmd == "zero-mp4-times":
        zero_mp4_times(args[0])
    else:
        sys.exit("gen.py: unknown command " + cmd)


main()
PY

py() { python3 "$gen" "$@"; }

# --- sources: src.ppm/src.png (RGB), src_rgba.png, frame0..2.png, profile.icc
py sources "$work"
src_ppm="$work/src.ppm"
src_png="$work/src.png"
src_rgba="$work/src_rgba.png"
icc="$work/profile.icc"

# --- JPEG
cjpeg -quality 85 -sample 2x2 -outfile "$out/rgb.jpg" "$src_ppm"
cjpeg -quality 85 -sample 2x2 -progressive -outfile "$out/progressive.jpg" "$src_ppm"
cjpeg -quality 85 -grayscale -outfile "$out/gray.jpg" "$src_ppm"
cjpeg -quality 85 -sample 2x2 -icc "$icc" -outfile "$out/icc.jpg" "$src_ppm"
# CMYK: ImageMagick writes Adobe-style inverted CMYK coded as YCCK, with an
# Adobe APP14 marker (transform 2) and no JFIF; -strip leaves no profile.
"$im" "$src_ppm" -colorspace CMYK -quality 85 -strip "$out/cmyk.jpg"
for o in 1 2 3 4 5 6 7 8; do
  py jpeg-exif "$out/rgb.jpg" "$out/orient$o.jpg" II "$o" keep
done
py jpeg-exif "$out/rgb.jpg" "$out/exif_big_endian.jpg" MM 6 drop
py jpeg-exif "$out/rgb.jpg" "$out/exif_little_endian.jpg" II 3 drop

# --- PNG (all hand-written)
py pngs "$out"

# --- WebP
cwebp -quiet -q 80 -m 4 "$src_png" -o "$out/lossy.webp"
cwebp -quiet -lossless -exact "$src_rgba" -o "$out/lossless_alpha.webp"
# Animation: three full-canvas lossy frames, 100 ms each, no blending, loop
# forever. Assembled with webpmux rather than img2webp, whose sub-frame
# optimisation blends partial frames and so sets the VP8X alpha flag on an
# opaque animation.
for f in 0 1 2; do
  cwebp -quiet -q 75 -m 4 "$work/frame$f.png" -o "$work/frame$f.webp"
done
webpmux -frame "$work/frame0.webp" +100+0+0+0-b -frame "$work/frame1.webp" +100+0+0+0-b \
  -frame "$work/frame2.webp" +100+0+0+0-b -loop 0 -bgcolor 255,255,255,255 \
  -o "$out/animated.webp" >/dev/null 2>&1
cwebp -quiet -q 80 -m 4 "$src_png" -o "$work/plain.webp"
webpmux -set icc "$icc" "$work/plain.webp" -o "$work/with_icc.webp" >/dev/null 2>&1
webpmux -set exif "$work/exif_orient8_le.tiff" "$work/with_icc.webp" -o "$out/icc_exif.webp" >/dev/null 2>&1

# --- AVIF (libaom, single-threaded, fixed quantizers)
avif() { avifenc -j 1 -s 6 -c aom --min 20 --max 30 "$@" >/dev/null; }
avif --yuv 420 --depth 8 "$src_png" "$out/rgb.avif"
avif --yuv 420 --depth 8 "$src_rgba" "$out/alpha.avif"
avif --yuv 400 --depth 8 "$src_png" "$out/gray.avif"
avif --yuv 420 --depth 10 "$src_png" "$out/ten_bit.avif"
avif --yuv 420 --depth 8 --icc "$icc" "$src_png" "$out/icc.avif"
avif --yuv 420 --depth 8 --irot 1 "$src_png" "$out/irot.avif"
avif --yuv 420 --depth 8 --imir 0 "$src_png" "$out/imir.avif"
# Sequence frames go in as near-lossless 4:4:4 JPEGs: avifenc 0.11 adds an
# (opaque) alpha plane to an image sequence made from PNG inputs.
for f in 0 1 2; do
  cjpeg -quality 95 -sample 1x1 -outfile "$work/frame$f.jpg" "$work/frame$f.ppm"
done
avif --yuv 420 --depth 8 --fps 10 "$work/frame0.jpg" "$work/frame1.jpg" "$work/frame2.jpg" \
  "$out/animated.avif"
py zero-mp4-times "$out/animated.avif"

# --- recognised but unsupported formats
py others "$out"
heif-enc -q 50 -o "$out/sample.heic" "$src_png" >/dev/null
# A bare JPEG XL codestream (starts FF 0A), not the ISOBMFF-style container.
cjxl "$src_png" "$out/sample.jxl" -d 1.0 -e 7 --container=0 >/dev/null 2>&1

# --- README (the ground truth the C++ tests assert; every value was checked
# with exiftool, pngcheck, ImageMagick identify, webpmux -info,
# avifdec --info, heif-info/heif-convert, jxlinfo, tiffinfo and rsvg-convert)
cat >"$out/README.md" <<'MD'
# Test images

Made by `scripts/make-test-data.sh` (do not edit by hand; rerun the script,
which deletes and re-creates this folder and gives byte-identical files).
Nothing here was downloaded: the picture, the ICC profile, the Exif blocks and
every PNG/GIF/TIFF/BMP/SVG are written by the script's Python (stdlib only);
JPEG, WebP, AVIF, HEIC and JPEG XL files are encoded from that picture with
Debian 12's tools (libjpeg-turbo 2.1.5, libwebp 1.2.4, libavif 0.11.1 with
aom 3.6.0, libheif 1.15.1 with x265, libjxl 0.7.0, ImageMagick 6.9.11 for the
CMYK JPEG only).

## The picture

64x48 RGB (stored size of every file), photo-like: a horizontal red / vertical
green / diagonal blue gradient with a soft sine texture, plus three landmarks
that make every flip and rotation distinguishable:

| landmark | stored pixels (x, y) | sample point | exact RGB (lossless files) |
| --- | --- | --- | --- |
| red block | x 4..15, y 4..11 | (10, 8) | (234, 35, 27) |
| green bar | x 40..59, y 2..5 | (50, 3) | (46, 226, 54) |
| blue disc | centre (42, 30), radius 10.5 | (42, 30) | (27, 58, 234) |

Lossy files (JPEG, WebP, AVIF, HEIC) decode to within 8 of these values at the
sample points (measured; allow 16). Whole-image PSNR of the lossy 4:2:0 files
against the source is about 26-27 dB (the chroma of the saturated edges is
subsampled), 42 dB for the grey ones.

Alpha (`rgba.png`, `gray_alpha.png`, `lossless_alpha.webp`, `alpha.avif`):
`alpha = 255 - (x * 191) / 63` (integer division: 255 at x=0, 64 at x=63),
except the 8x8 square x 0..7, y 40..47 which is fully transparent (0). The
alpha of `lossless_alpha.webp` and `alpha.avif` is lossless (exact).

Grey (`gray.png`; what `gray.jpg`/`gray.avif` approximate):
`(299 R + 587 G + 114 B + 500) / 1000` of the RGB picture.

## Files

W and H are the stored (coded) size, before any orientation is applied.
Ch is the number of channels a decoder gives: 1 grey, 2 grey+alpha, 3 colour,
4 colour+alpha (or CMYK for `cmyk.jpg`); palette images decode to 3 (4 with
tRNS) from one stored 8-bit index. Depth is bits per sample. Orient is the
EXIF orientation (1-8) the file carries; for AVIF it is the EXIF value
equivalent to its irot/imir (see below); "1 (none)" means the file has no
orientation metadata; "-" means not applicable. Progressive means a JPEG SOF2
frame or a PNG with interlace method 1 (Adam7); it is "no" for everything else.

| File | Format | W | H | Ch | Depth | Alpha | Orient | ICC | Progressive | Frames | How made |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| rgb.jpg | JPEG baseline (SOF0), YCbCr 4:2:0, JFIF APP0 | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 1 | `cjpeg -quality 85 -sample 2x2` |
| progressive.jpg | JPEG progressive (SOF2), YCbCr 4:2:0, JFIF | 64 | 48 | 3 | 8 | no | 1 (none) | no | yes | 1 | `cjpeg -quality 85 -sample 2x2 -progressive` |
| gray.jpg | JPEG baseline, 1 component, JFIF | 64 | 48 | 1 | 8 | no | 1 (none) | no | no | 1 | `cjpeg -quality 85 -grayscale` |
| cmyk.jpg | JPEG baseline, 4 components, Adobe APP14 (transform 2 = YCCK), no JFIF | 64 | 48 | 4 | 8 | no | 1 (none) | no | no | 1 | ImageMagick `-colorspace CMYK -quality 85 -strip` |
| orient1.jpg | rgb.jpg + APP1 Exif ("II") after JFIF APP0 | 64 | 48 | 3 | 8 | no | 1 | no | no | 1 | Exif block inserted by the script |
| orient2.jpg | same | 64 | 48 | 3 | 8 | no | 2 | no | no | 1 | same |
| orient3.jpg | same | 64 | 48 | 3 | 8 | no | 3 | no | no | 1 | same |
| orient4.jpg | same | 64 | 48 | 3 | 8 | no | 4 | no | no | 1 | same |
| orient5.jpg | same | 64 | 48 | 3 | 8 | no | 5 | no | no | 1 | same |
| orient6.jpg | same | 64 | 48 | 3 | 8 | no | 6 | no | no | 1 | same |
| orient7.jpg | same | 64 | 48 | 3 | 8 | no | 7 | no | no | 1 | same |
| orient8.jpg | same | 64 | 48 | 3 | 8 | no | 8 | no | no | 1 | same |
| icc.jpg | JPEG baseline 4:2:0, JFIF + APP2 ICC_PROFILE (1 of 1) | 64 | 48 | 3 | 8 | no | 1 (none) | yes | no | 1 | `cjpeg -quality 85 -sample 2x2 -icc profile.icc` |
| exif_big_endian.jpg | rgb.jpg with SOI directly followed by APP1 Exif "MM" (JFIF APP0 removed) | 64 | 48 | 3 | 8 | no | 6 | no | no | 1 | Exif block inserted by the script |
| exif_little_endian.jpg | as above, Exif "II" | 64 | 48 | 3 | 8 | no | 3 | no | no | 1 | Exif block inserted by the script |
| rgb.png | PNG colour type 2 | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 1 | script |
| rgba.png | PNG colour type 6 | 64 | 48 | 4 | 8 | yes | 1 (none) | no | no | 1 | script |
| gray.png | PNG colour type 0 | 64 | 48 | 1 | 8 | no | 1 (none) | no | no | 1 | script |
| gray_alpha.png | PNG colour type 4 | 64 | 48 | 2 | 8 | yes | 1 (none) | no | no | 1 | script |
| palette.png | PNG colour type 3, PLTE 218 entries, no tRNS | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 1 | script |
| palette_trns.png | PNG colour type 3, PLTE 218 entries, tRNS 2 entries | 64 | 48 | 4 | 8 | yes | 1 (none) | no | no | 1 | script |
| rgb16.png | PNG colour type 2, 16-bit | 64 | 48 | 3 | 16 | no | 1 (none) | no | no | 1 | script |
| interlaced.png | PNG colour type 2, Adam7 | 64 | 48 | 3 | 8 | no | 1 (none) | no | yes (Adam7) | 1 | script |
| icc.png | PNG colour type 2 + iCCP "imagebank P3" | 64 | 48 | 3 | 8 | no | 1 (none) | yes | no | 1 | script |
| exif_orient6.png | PNG colour type 2 + eXIf ("MM") before IDAT | 64 | 48 | 3 | 8 | no | 6 | no | no | 1 | script |
| animated.png | APNG colour type 2: acTL 3 frames, fcTL + IDAT, 2x fcTL + fdAT | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 3 | script |
| lossy.webp | WebP simple lossy (RIFF + VP8 only) | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 1 | `cwebp -q 80 -m 4` |
| lossless_alpha.webp | WebP simple lossless (RIFF + VP8L, alpha_is_used) | 64 | 48 | 4 | 8 | yes | 1 (none) | no | no | 1 | `cwebp -lossless -exact` from the RGBA picture |
| animated.webp | WebP VP8X (animation flag only) + ANIM + 3 ANMF (lossy) | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 3 | `cwebp -q 75` per frame, `webpmux -frame ... -loop 0` |
| icc_exif.webp | WebP VP8X (ICC + EXIF flags) : VP8X, ICCP, VP8, EXIF ("II") | 64 | 48 | 3 | 8 | no | 8 | yes | no | 1 | `cwebp -q 80`, `webpmux -set icc`, `webpmux -set exif` |
| rgb.avif | AVIF, YUV 4:2:0, CICP 1/13/6 full range | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 1 | `avifenc --yuv 420 --depth 8` |
| alpha.avif | AVIF, YUV 4:2:0 + alpha auxiliary item (not premultiplied) | 64 | 48 | 4 | 8 | yes | 1 (none) | no | no | 1 | `avifenc --yuv 420` from the RGBA PNG |
| gray.avif | AVIF, YUV 4:0:0 (monochrome) | 64 | 48 | 1 | 8 | no | 1 (none) | no | no | 1 | `avifenc --yuv 400` |
| ten_bit.avif | AVIF, YUV 4:2:0, 10-bit | 64 | 48 | 3 | 10 | no | 1 (none) | no | no | 1 | `avifenc --yuv 420 --depth 10` |
| icc.avif | AVIF, YUV 4:2:0, colr 'prof' (CICP 2/2/6) | 64 | 48 | 3 | 8 | no | 1 (none) | yes | no | 1 | `avifenc --icc profile.icc` |
| irot.avif | AVIF, YUV 4:2:0, irot angle 1 | 64 | 48 | 3 | 8 | no | 8 (irot 1) | no | no | 1 | `avifenc --irot 1` |
| imir.avif | AVIF, YUV 4:2:0, imir axis 0 | 64 | 48 | 3 | 8 | no | 4 (imir 0) | no | no | 1 | `avifenc --imir 0` |
| animated.avif | AVIF image sequence, ftyp major brand `avis`, YUV 4:2:0 | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 3 | `avifenc --fps 10 f0.jpg f1.jpg f2.jpg` |
| sample.gif | GIF89a, 256-entry global colour table, GCE, 1 image | 64 | 48 | 3 | 8 | no | - | no | no | 1 | script (LZW by hand) |
| sample.tif | TIFF "II*\0", uncompressed chunky RGB, 1 strip | 64 | 48 | 3 | 8 | no | - | no | no | 1 | script |
| sample_be.tif | TIFF "MM\0*", uncompressed chunky RGB, 1 strip | 64 | 48 | 3 | 8 | no | - | no | no | 1 | script |
| sample.bmp | BMP, BITMAPINFOHEADER, 24-bit BI_RGB, bottom-up | 64 | 48 | 3 | 8 | no | - | no | no | 1 | script |
| sample.svg | SVG text, starts with `<?xml` | 64 | 48 | - | - | - | - | no | no | - | script |
| sample_bare.svg | SVG text, starts with `<svg` | 64 | 48 | - | - | - | - | no | no | - | script |
| sample.heic | HEIF/HEVC, ftyp major `heic`, compatible `mif1 heic miaf`, 4:2:0 | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 1 | `heif-enc -q 50` |
| sample.jxl | JPEG XL bare codestream (starts `FF 0A`), lossy | 64 | 48 | 3 | 8 | no | 1 (none) | no | no | 1 | `cjxl -d 1.0 -e 7 --container=0` |

The `sample.*` files are formats imagebank recognises but does not decode.
`imir.avif` was made (avifenc 0.11.1 supports `--imir`).

## Details

- **Orientation** values follow EXIF (TIFF tag 0x0112). To display a file,
  apply to the stored pixels: 1 nothing; 2 mirror left-right; 3 rotate 180;
  4 mirror top-bottom; 5 transpose (mirror about the top-left/bottom-right
  diagonal); 6 rotate 90 clockwise; 7 transverse (rotate 90 clockwise, then
  mirror left-right); 8 rotate 90 anticlockwise (270 clockwise). 5-8 display
  as 48x64. This matches ImageMagick's `-auto-orient` on `orient1..8.jpg`
  (checked pixel for pixel). Where the red block's sample point (10, 8) ends
  up after display: 1 (10,8); 2 (53,8); 3 (53,39); 4 (10,39); 5 (8,10);
  6 (39,10); 7 (39,53); 8 (8,53); so the red block is top-left for 1 and 5,
  top-right for 2 and 6, bottom-right for 3 and 7, bottom-left for 4 and 8.
- **AVIF irot/imir as EXIF.** HEIF (ISO/IEC 23008-12) `irot` angle *a* means
  the decoded image is rotated by a x 90 degrees anticlockwise for display;
  `imir` axis 0 means top and bottom are exchanged (a vertical flip), axis 1
  left and right (ISO/IEC 23008-12:2022 6.5.12; avifenc 0.11's help text
  calls axis 0 "top-to-bottom"). irot is applied before imir. The EXIF value
  a viewer needs for the same display: irot 1 -> 8, irot 2 -> 3, irot 3 -> 6;
  imir 0 -> 4, imir 1 -> 2; irot 1 + imir 0 -> 5, irot 1 + imir 1 -> 7,
  irot 3 + imir 0 -> 7, irot 3 + imir 1 -> 5, irot 2 + imir 0 -> 2,
  irot 2 + imir 1 -> 4. So `irot.avif` is 8 (shown 48x64, red block
  bottom-left) and `imir.avif` is 4 (red block bottom-left, 64x48). Checked by
  decoding both with libheif's `heif-convert`, which applies the transforms:
  the output matched the source rotated 90 anticlockwise and flipped top to
  bottom respectively. (libavif's own `avifImageGetExifOrientationFromIrotImir`
  in apps/shared had 6 and 8 swapped until libavif PR #2729; do not copy it.)
  avifdec 0.11 does not apply irot/imir: it outputs the stored 64x48 pixels.
- **Exif blocks** (JPEG APP1 after `Exif\0\0`; PNG eXIf, WebP EXIF without
  that prefix), 182 bytes of TIFF: IFD0 = Orientation (SHORT), XResolution,
  YResolution (72/1), ResolutionUnit (2), Software ("imagebank
  make-test-data"), ExifIFD pointer; Exif IFD = ExifVersion "0232",
  ColorSpace 1, PixelXDimension 64, PixelYDimension 48. Byte order:
  `orient*.jpg` II, `exif_big_endian.jpg` MM, `exif_little_endian.jpg` II,
  `exif_orient6.png` MM, `icc_exif.webp` II. Marker order: `orient*.jpg`
  SOI, APP0 JFIF, APP1 Exif (as exiftool writes it); `exif_*_endian.jpg` SOI,
  APP1 Exif, no JFIF (as cameras write it). All of them have the same
  entropy-coded data as `rgb.jpg`.
- **ICC profile** (the same 500 bytes in `icc.jpg`, `icc.png`,
  `icc_exif.webp`, `icc.avif`): hand-made ICC v2.1 RGB display profile,
  description "imagebank test Display P3 (gamma 2.2)": Display P3 primaries
  adapted to D50 (rXYZ 0.5151 0.2412 -0.0011, gXYZ 0.2920 0.6922 0.0419,
  bXYZ 0.1571 0.0666 0.7841), white point D50, one shared gamma-2.2 curve
  (u8Fixed8 0x0233). lcms2 opens it; sRGB red (255,0,0) maps to (233,54,40)
  in it, sRGB white to (255,255,255). The PNG iCCP profile name is
  "imagebank P3".
- **CMYK JPEG**: ImageMagick writes Adobe-style inverted CMYK (0 = full ink,
  255 = no ink), coded as YCCK (APP14 transform 2). Decoding with libjpeg's
  `out_color_space = JCS_CMYK` gives at the red sample point about
  C,M,Y,K = (252, 37, 32, 236); R = C*K/255 etc. gives the picture's colours.
- **PNG palette**: index 0 = (0,0,0), index 1 = (255,255,255), indices 2-217 =
  the 6x6x6 cube (levels 0,51,...,255). The 8x8 square x 0..7, y 40..47 uses
  index 0 and the band x 24..39, y 40..43 uses index 1; elsewhere each channel
  is rounded to the nearest cube level. In `palette_trns.png`, tRNS = [0, 128]:
  index 0 fully transparent, index 1 alpha 128, all others opaque.
- **rgb16.png** uses the full 16 bits (its samples are not 8-bit values
  times 257); its top byte equals `rgb.png`'s value.
- **Animations** (`animated.png`, `animated.webp`, `animated.avif`): three
  full-size frames, 100 ms each (AVIF: timescale 10, 1 tick each), loop
  forever; the blue disc's centre is at x = 42, 48, 54 in frames 0, 1, 2.
  APNG: frame 0 is the default image (its fcTL precedes IDAT), dispose none,
  blend source. WebP: no blending, no alpha. AVIF frames were encoded from
  4:4:4 quality-95 JPEGs of the frames, because avifenc 0.11 gives a sequence
  made from PNG inputs an (opaque) alpha plane.
- **sample.heic**: libheif 1.15 stores it as a primary `grid` item (1x1) over
  one hidden `hvc1` tile.
- **sample.gif** holds the picture rounded to the 6x6x6 cube (the global
  colour table is padded to 256 entries with black).
MD

echo "make-test-data: wrote $(find "$out" -type f | wc -l) files to $out" >&2
