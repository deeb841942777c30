#!/usr/bin/env python3
"""Variants job: imagebank vs pyvips (libvips) vs Pillow, in one run, with ratios.

The job: for every JPEG of the corpus, make six presets x three formats
(JPEG, WebP, AVIF).  Each tool runs it with its own idiomatic, fastest
parallelism:

  imagebank  make_variants(path, formats=...) per source, one source at a time;
             it decodes once, shrinks on load and encodes in parallel itself.
  pyvips     one source at a time; per preset thumbnail_buffer (shrink on
             load), copy_memory() once, then one write_to_buffer per format;
             libvips threads internally (VIPS_CONCURRENCY = number of cores).
  Pillow     draft (shrink on load) + exif_transpose + resize(LANCZOS,
             reducing_gap) per preset; Pillow is single-threaded per image, so
             sources go through a ThreadPoolExecutor(max_workers=cores).

Reported per tool and run ("JPEG+WebP", "with AVIF"): source images per second
(median of --repeats passes after one warm-up pass), total output bytes, mean
and min SSIM against a float Lanczos reference, and peak RSS when processing
Elephants_5640x3172.jpg alone in a fresh process.  Then the ratios against the
targets (reported as PASS/FAIL, never asserted).

Every tool runs in its own process (no two image stacks share one address
space); the processes stay alive for the whole run so the timed passes can be
interleaved tool by tool.  Progress goes to stderr, the report (markdown) to
stdout.  See benchmarks/peers/README.md.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CPUS = os.cpu_count() or 1
# libvips reads this when it starts; workers inherit it.
os.environ.setdefault("VIPS_CONCURRENCY", str(CPUS))

# name, box width, box height (0: unconstrained), fit kind
PRESETS = [
    ("thumbnail", 300, 300, "cover"),
    ("small", 480, 0, "fit"),
    ("grid", 500, 500, "cover"),
    ("detail", 1200, 1200, "fit"),
    ("header", 1600, 600, "cover"),
    ("zoom", 2400, 2400, "fit"),
]
PRESET_BY_NAME = {p[0]: p for p in PRESETS}
RUNS = {"JPEG+WebP": ["jpeg", "webp"], "with AVIF": ["jpeg", "webp", "avif"]}
TOOLS = ["imagebank", "pyvips", "pillow"]
TOOL_LABEL = {"imagebank": "imagebank", "pyvips": "pyvips", "pillow": "Pillow"}
RSS_IMAGE = "Elephants_5640x3172.jpg"
EXT = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}

PIP = os.path.join(REPO, ".venv", "bin", "pip")
INSTALL_HINTS = {
    "apt": "apt-get install -y libvips42",
    "pip": f"{PIP} install pyvips pillow pillow-avif-plugin scikit-image numpy",
    "imagebank": f"cd {REPO} && .venv/bin/pip install -q --no-build-isolation .",
}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Geometry shared by the Pillow implementation, the SSIM reference and the
# size checks.  All in the EXIF-oriented frame of the full-size source.
# --------------------------------------------------------------------------


def plan(preset, ow: int, oh: int):
    """Returns (out_w, out_h), crop box or None, scale.  Never upscales.

    fit:   inside the box, keep aspect (height 0: width only).
    cover: fill the box, centre crop (ImageOps.fit geometry); a source
           smaller than the box on a side keeps that side (centre crop only).
    """
    _, bw, bh, kind = preset
    if kind == "fit":
        s = min(bw / ow, bh / oh if bh else math.inf)
        if s >= 1:
            return (ow, oh), None, 1.0
        return (max(1, round(ow * s)), max(1, round(oh * s))), None, s
    s = max(bw / ow, bh / oh)
    if s >= 1:
        cw, ch = min(ow, bw), min(oh, bh)
        box = ((ow - cw) / 2, (oh - ch) / 2, (ow + cw) / 2, (oh + ch) / 2)
        return (cw, ch), (None if (cw, ch) == (ow, oh) else box), 1.0
    return (bw, bh), centred_window(ow, oh, bw / bh), s


def centred_window(ow: int, oh: int, ratio: float):
    """Centred window of aspect `ratio` (w/h), as ImageOps.fit computes it."""
    if ow / oh == ratio:
        cw, ch = ow, oh
    elif ow / oh > ratio:
        cw, ch = oh * ratio, oh
    else:
        cw, ch = ow, ow / ratio
    left, top = (ow - cw) * 0.5, (oh - ch) * 0.5
    return (left, top, left + cw, top + ch)


# --------------------------------------------------------------------------
# The three implementations (run inside worker processes only).
# --------------------------------------------------------------------------


class ImagebankJob:
    def __init__(self, workers: int):
        import imagebank

        self.ib = imagebank
        # make_variants releases the GIL and encodes in parallel itself; a
        # second source in flight keeps both cores busy while the other one is
        # in its (serial) decode, as Pillow's job does with its pool.
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.parallelism = (f"own (make_variants encodes in parallel) + ThreadPoolExecutor(max_workers={workers}) "
                            "over sources")
        self.presets = None  # None = imagebank's default six
        self.note = "default presets"
        want = [(n, w, h, k) for (n, w, h, k) in PRESETS]
        try:
            got = [(p.name, p.width, p.height, p.fit) for p in imagebank.default_presets()]
        except Exception:  # noqa: BLE001 - older API: pass explicit presets
            got = None
        if got != want:
            self.presets = [imagebank.Preset(n, w, h, fit=k, crop="centre") for (n, w, h, k) in PRESETS]
            self.note = f"explicit presets (default_presets() was {got})"

    def version(self):
        return {"imagebank": getattr(self.ib, "__version__", "?"), "presets": self.note}

    def one(self, i, path, formats):
        out = []
        for v in self.ib.make_variants(path, presets=self.presets, formats=formats):
            fmt = str(v.format).lower().replace("jpg", "jpeg")
            out.append((i, v.preset, fmt, v.width, v.height, v.data))
        return out

    def run(self, paths, formats):
        out = []
        for part in self.pool.map(lambda a: self.one(a[0], a[1], formats), enumerate(paths)):
            out.extend(part)
        return out


class PyvipsJob:
    parallelism = "own (libvips threads, VIPS_CONCURRENCY={}); sources one at a time"

    def __init__(self):
        import pyvips

        self.vips = pyvips
        # A server would turn the operation cache off too (imgproxy does);
        # here it also stops repeated passes from hitting cached results.
        pyvips.cache_set_max(0)
        self.parallelism = self.parallelism.format(os.environ.get("VIPS_CONCURRENCY"))
        self.metadata_fields = {"xmp-data", "iptc-data", "icc-profile-data", "jpeg-thumbnail-data", "orientation"}
        self.save = {
            "jpeg": (".jpg", dict(Q=80, optimize_coding=True, interlace=True, strip=True, subsample_mode="on")),
            "webp": (".webp", dict(Q=80, effort=4, strip=True)),
            # effort = 9 - aom speed: effort 1 is aom speed 8.  libvips picks
            # 8-bit for 8-bit input and 4:2:0 below Q 90 by itself.
            "avif": (".avif", dict(Q=60, effort=1, compression="av1", strip=True)),
        }

    def version(self):
        v = self.vips
        return {"libvips": f"{v.version(0)}.{v.version(1)}.{v.version(2)}", "pyvips": v.__version__}

    def run(self, paths, formats):
        vips = self.vips
        out = []
        for i, path in enumerate(paths):
            with open(path, "rb") as f:
                data = f.read()
            for name, bw, bh, kind in PRESETS:
                if kind == "cover":
                    thumb = vips.Image.thumbnail_buffer(data, bw, height=bh, size="down", crop="centre")
                else:
                    # Without height, libvips uses height = width.
                    thumb = vips.Image.thumbnail_buffer(data, bw, height=bh or 10_000_000, size="down")
                # Compute the thumbnail once: each save would rerun the whole
                # lazy pipeline (decode included) otherwise.  (A new image, so
                # its metadata may be edited.)
                thumb = thumb.copy_memory() if len(formats) > 1 else thumb.copy()
                # libvips 8.14's webpsave ignores strip=True (libvips#3340)
                # and would copy the source's whole EXIF (14 kB with its
                # thumbnail in some corpus files) into every WebP: drop the
                # metadata first, as the libvips docs suggest.  It still
                # writes a minimal EXIF rebuilt from the resolution.
                for field in thumb.get_fields():
                    if field.startswith("exif-") or field in self.metadata_fields:
                        thumb.remove(field)
                for fmt in formats:
                    suffix, kw = self.save[fmt]
                    buf = thumb.write_to_buffer(suffix, **kw)
                    out.append((i, name, fmt, thumb.width, thumb.height, buf))
        return out


class PillowJob:
    def __init__(self, reducing_gap: float, workers: int):
        from PIL import Image, ImageOps, features

        self.Image, self.ImageOps = Image, ImageOps
        self.avif_plugin = load_avif_plugin()
        self.gap = reducing_gap
        self.workers = workers
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.parallelism = f"ThreadPoolExecutor(max_workers={workers}) over sources"
        self.features = features
        self.avif_kw = dict(quality=60, speed=8)
        try:
            from pillow_avif import AvifImagePlugin as P  # noqa: N812

            if P._avif.encoder_codec_available("aom"):
                self.avif_kw["codec"] = "aom"
        except Exception:  # noqa: BLE001 - Pillow's own AVIF plugin
            pass

    def version(self):
        import PIL

        f = self.features
        return {
            "Pillow": PIL.__version__,
            "libjpeg": f"{f.version('jpg')}{' (turbo)' if f.check_feature('libjpeg_turbo') else ''}",
            "libwebp": f.version("webp"),
            "avif": self.avif_plugin,
            "avif_options": self.avif_kw,
            "reducing_gap": self.gap,
        }

    def one(self, i, path, formats):
        import io

        Image, ImageOps = self.Image, self.ImageOps
        im = Image.open(path)
        orientation = im.getexif().get(0x0112, 1)
        sw, sh = im.size
        swap = orientation in (5, 6, 7, 8)
        ow, oh = (sh, sw) if swap else (sw, sh)
        plans = [(p, *plan(p, ow, oh)) for p in PRESETS]
        # Shrink on load to twice the largest size needed (libvips' rule).
        s = max(scale for (_, _, _, scale) in plans)
        if s < 0.5 and im.format == "JPEG":
            req = (math.ceil(2 * s * ow), math.ceil(2 * s * oh))
            im.draft("RGB", (req[1], req[0]) if swap else req)
        ImageOps.exif_transpose(im, in_place=True)  # in place: no copy when upright
        if im.mode not in ("RGB", "L"):
            im = im.convert("RGB")
        im.info.clear()  # no metadata in the outputs (the AVIF plugin copies im.info)
        fx, fy = im.width / ow, im.height / oh
        out = []
        for (name, _, _, _), size, box, _ in plans:
            if box is not None:
                box = (box[0] * fx, box[1] * fy, box[2] * fx, box[3] * fy)
            if size == im.size and box is None:
                r = im
            else:
                r = im.resize(size, Image.LANCZOS, box=box, reducing_gap=self.gap)
            for fmt in formats:
                buf = io.BytesIO()
                if fmt == "jpeg":
                    r.save(buf, "JPEG", quality=80, optimize=True, progressive=True, subsampling=2)
                elif fmt == "webp":
                    r.save(buf, "WEBP", quality=80, method=4)
                else:
                    r.save(buf, "AVIF", **self.avif_kw)
                out.append((i, name, fmt, r.width, r.height, buf.getvalue()))
        return out

    def run(self, paths, formats):
        out = []
        for part in self.pool.map(lambda a: self.one(a[0], a[1], formats), enumerate(paths)):
            out.extend(part)
        return out


def load_avif_plugin() -> str:
    """Registers pillow-avif-plugin (or Pillow's own AVIF); returns its name."""
    try:
        import pillow_avif  # noqa: F401

        from importlib.metadata import version

        return f"pillow-avif-plugin {version('pillow-avif-plugin')}"
    except ImportError:
        from PIL import features

        if features.check("avif"):
            return f"Pillow's AVIF (libavif {features.version('avif')})"
        raise


def make_job(tool: str, args):
    if tool == "imagebank":
        job = ImagebankJob(CPUS)
        if not hasattr(job.ib, "make_variants"):
            raise ImportError("imagebank has no make_variants")
        return job
    if tool == "pyvips":
        return PyvipsJob()
    return PillowJob(args.pillow_reducing_gap, CPUS)


def vm_kb(field: str) -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --------------------------------------------------------------------------
# Worker modes: --_probe, --_rss, --_worker (line-delimited JSON on a private
# copy of stdout; the real fd 1 is pointed at stderr so library chatter
# cannot corrupt the protocol).
# --------------------------------------------------------------------------


def private_stdout():
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def worker_probe(tool, args):
    proto = private_stdout()
    try:
        job = make_job(tool, args)
        proto.write(json.dumps({"ok": True, "version": job.version(), "parallelism": job.parallelism}) + "\n")
    except Exception as e:  # noqa: BLE001 - report any import/load failure
        proto.write(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}) + "\n")


def worker_rss(tool, args):
    proto = private_stdout()
    job = make_job(tool, args)
    base = vm_kb("VmRSS")
    t = time.perf_counter()
    outs = job.run([args.path], args.formats.split(","))
    dt = time.perf_counter() - t
    proto.write(json.dumps({"hwm_mb": vm_kb("VmHWM") / 1024, "base_mb": base / 1024, "seconds": dt,
                            "outputs": len(outs)}) + "\n")


def cpu_seconds() -> float:
    """User + system CPU time of this process, all its threads."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def worker_floor(args):
    """CPU seconds imagebank spends in the codecs alone for one pass.

    Decode of every source at the shrink-on-load scale make_variants uses,
    plus one encode of every output size and format with make_variants'
    settings: work that the same codec libraries at the same settings must do
    in any tool, whatever its resizer and scheduling.  Pillow's CPU seconds
    divided by this is the most imagebank/Pillow can reach on this job.
    """
    import imagebank as ib

    proto = private_stdout()
    formats = args.formats.split(",")
    paths = json.loads(sys.stdin.readline())
    kw = {"jpeg": {}, "webp": {}, "avif": {"quality": 60, "speed": 8}}
    box = max(max(w, h) for (_, w, h, _) in PRESETS)
    dec = {"decode": 0.0, **{f: 0.0 for f in formats}}
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        c = time.process_time()
        decoded = ib.decode(data, target_width=box, target_height=box)
        dec["decode"] += time.process_time() - c
        for p in ib.default_presets():
            # The output's pixels (resized straight from the decode, not
            # timed): re-decoding make_variants' lossy outputs would hand the
            # encoders smoother, cheaper pixels.
            img = ib.fit_to(decoded, p.width, p.height, fit=p.fit, crop=p.crop)
            for fmt in formats:
                c = time.process_time()
                ib.encode(img, fmt, **kw[fmt])
                dec[fmt] += time.process_time() - c
    proto.write(json.dumps(dec) + "\n")


def worker_loop(tool, args):
    proto = private_stdout()
    job = make_job(tool, args)
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "exit":
            break
        paths, formats, save = cmd["paths"], cmd["formats"], cmd.get("save")
        c = cpu_seconds()
        t = time.perf_counter()
        outs = job.run(paths, formats)
        dt = time.perf_counter() - t
        reply = {"seconds": dt, "cpu_seconds": cpu_seconds() - c, "count": len(outs),
                 "bytes": sum(len(o[5]) for o in outs)}
        if save:
            os.makedirs(save, exist_ok=True)
            manifest = []
            for i, name, fmt, w, h, data in outs:
                fn = os.path.join(save, f"{i:03d}_{name}.{EXT.get(fmt, fmt)}")
                with open(fn, "wb") as f:
                    f.write(data)
                manifest.append({"src": i, "preset": name, "format": fmt, "width": w, "height": h,
                                 "file": fn, "bytes": len(data)})
            reply["outputs"] = manifest
        proto.write(json.dumps(reply) + "\n")


class Worker:
    def __init__(self, tool, args):
        cmd = [sys.executable, os.path.abspath(__file__), "--_worker", tool,
               "--pillow-reducing-gap", str(args.pillow_reducing_gap)]
        self.tool = tool
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self._read()

    def _read(self):
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.tool} worker died (exit {self.p.wait()}); see stderr above")
        return json.loads(line)

    def run(self, paths, formats, save=None):
        self.p.stdin.write(json.dumps({"cmd": "pass", "paths": paths, "formats": formats, "save": save}) + "\n")
        return self._read()

    def close(self):
        try:
            self.p.stdin.write(json.dumps({"cmd": "exit"}) + "\n")
            self.p.stdin.close()
        except OSError:
            pass
        self.p.wait()


def subprocess_json(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed (exit {r.returncode}); see stderr above")
    return json.loads(lines[-1])


# --------------------------------------------------------------------------
# SSIM (parent side; one process per source in a pool of `cores`).
# --------------------------------------------------------------------------

LUMA = (0.299, 0.587, 0.114)


def luma_of(rgb_u8):
    import numpy as np

    a = rgb_u8.astype(np.float32)
    if a.ndim == 2:
        return a
    return a[..., 0] * LUMA[0] + a[..., 1] * LUMA[1] + a[..., 2] * LUMA[2]


def ssim_for_source(src_path, outputs):
    """outputs: list of (key, file, preset, width, height).  Returns {key: ssim}."""
    import numpy as np
    from PIL import Image, ImageOps
    from skimage.metrics import structural_similarity

    load_avif_plugin()
    with Image.open(src_path) as im:
        im.load()
        ref_full = ImageOps.exif_transpose(im).convert("RGB")
    ow, oh = ref_full.size
    # Lanczos is linear, so resizing the float luma equals the luma of the
    # float-resized RGB: one channel instead of three.
    luma_f = Image.fromarray(luma_of(np.asarray(ref_full)), mode="F")
    del ref_full
    refs, res = {}, {}
    for key, fn, preset, _, _ in outputs:
        with Image.open(fn) as o:
            o = o.convert("RGB")
            w, h = o.size
            got = luma_of(np.asarray(o))
        if PRESET_BY_NAME[preset][3] == "cover":
            # The exact centred window, and the same shifted by half an output
            # pixel either way along the cropped axis: a tool that resizes
            # first and then crops whole pixels centres an odd margin to
            # within half a pixel, and SSIM punishes that shift on fine
            # texture (0.82 instead of 0.94 on the Elephants grid) although
            # nobody could see it.  The best of the three counts.
            x0, y0, x1, y1 = centred_window(ow, oh, w / h)
            px, py = (x1 - x0) / w, (y1 - y0) / h
            along_x = (x1 - x0) < ow - 1e-6
            boxes = [(x0 + d * px, y0, x1 + d * px, y1) if along_x else (x0, y0 + d * py, x1, y1 + d * py)
                     for d in (0.0, -0.5, 0.5)]
            boxes = [b for b in boxes if b[0] >= 0 and b[1] >= 0 and b[2] <= ow and b[3] <= oh] or boxes[:1]
        else:
            boxes = [(0, 0, ow, oh)]
        best = -1.0
        for box in boxes:
            rk = (w, h, box)
            if rk not in refs:
                refs[rk] = np.asarray(luma_f.resize((w, h), Image.LANCZOS, box=box), dtype=np.float32)
            best = max(best, float(structural_similarity(refs[rk], got, data_range=255, gaussian_weights=True,
                                                         sigma=1.5, use_sample_covariance=False)))
        res[key] = best
    return res


def spec_check(outputs):
    """Counts outputs that break the encode spec: JPEG not progressive or not
    4:2:0, any format carrying EXIF/XMP/ICC metadata.
    Returns {problem: [count, metadata bytes]}."""
    import struct

    from PIL import Image, JpegImagePlugin

    bad = {}

    def note(k, nbytes=0):
        c = bad.setdefault(k, [0, 0])
        c[0] += 1
        c[1] += nbytes

    for o in outputs:
        with open(o["file"], "rb") as f:
            data = f.read()
        fmt = o["format"]
        if fmt == "jpeg":
            with Image.open(o["file"]) as im:
                if not im.info.get("progressive"):
                    note("jpeg not progressive")
                if JpegImagePlugin.get_sampling(im) != 2:
                    note("jpeg not 4:2:0")
                if any(k in im.info for k in ("exif", "icc_profile", "xmp")):
                    note("jpeg metadata")
        elif fmt == "webp":
            i, meta = 12, 0
            while i + 8 <= len(data):
                n = struct.unpack("<I", data[i + 4:i + 8])[0]
                if data[i:i + 4] in (b"EXIF", b"ICCP", b"XMP "):
                    meta += 8 + n + (n & 1)
                i += 8 + n + (n & 1)
            if meta:
                note("webp metadata", meta)
        elif fmt == "avif":
            head = data[:4096]
            if b"Exif" in head or b"application/rdf+xml" in head or b"colrprof" in head or b"colrrICC" in head:
                note("avif metadata")
    return bad


# --------------------------------------------------------------------------
# Parent.
# --------------------------------------------------------------------------


def corpus_dir(args):
    if args.corpus:
        return args.corpus
    script = os.path.join(os.path.dirname(REPO), "shared", "corpus", "fetch-photos")
    if not os.path.exists(script):
        script = "/work/shared/corpus/fetch-photos"
    return subprocess.run([script], check=True, stdout=subprocess.PIPE, text=True).stdout.strip()


def check_requirements(args, tools):
    """Probes each tool in a subprocess.  Returns {tool: probe} or exits 2."""
    missing, probes = [], {}
    if args.ssim_limit != 0:
        for mod, pkg in (("numpy", "numpy"), ("skimage", "scikit-image"), ("PIL", "pillow")):
            try:
                __import__(mod)
            except ImportError as e:
                missing.append(f"{pkg} (for SSIM: {e})")
        try:
            load_avif_plugin()
        except ImportError as e:
            missing.append(f"pillow-avif-plugin (to decode AVIF for SSIM: {e})")
    for tool in tools:
        probe = subprocess_json([sys.executable, os.path.abspath(__file__), "--_probe", tool])
        if probe["ok"]:
            probes[tool] = probe
        else:
            missing.append(f"{tool}: {probe['error']}")
    if missing:
        print("Cannot run: missing or broken requirements:\n  - " + "\n  - ".join(missing), file=sys.stderr)
        print("\nInstall them with (this script installs nothing itself):", file=sys.stderr)
        print(f"  {INSTALL_HINTS['apt']}\n  {INSTALL_HINTS['pip']}", file=sys.stderr)
        if any(m.startswith("imagebank") for m in missing):
            print(f"  {INSTALL_HINTS['imagebank']}    # builds and installs the imagebank wheel", file=sys.stderr)
            print("or leave imagebank out: --tools pyvips,pillow", file=sys.stderr)
        sys.exit(2)
    return probes


def fmt_num(x, spec):
    return "n/a" if x is None else format(x, spec)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="folder of JPEGs (default: the path printed by shared/corpus/fetch-photos)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N JPEGs (sorted by name; default all)")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes per tool and run, after one warm-up (default 3)")
    ap.add_argument("--no-avif", action="store_true", help='only the "JPEG+WebP" run')
    ap.add_argument("--ssim-limit", type=int, default=-1,
                    help="compute SSIM on the outputs of the first N sources only (default all; 0 = no SSIM)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma list of imagebank,pyvips,pillow (default all)")
    ap.add_argument("--rss-image", default=RSS_IMAGE, help=f"source for the peak-RSS runs (default {RSS_IMAGE})")
    ap.add_argument("--pillow-reducing-gap", type=float, default=2.0,
                    help="Pillow resize reducing_gap (default 2.0, as Image.thumbnail)")
    ap.add_argument("--keep-outputs", metavar="DIR", help="keep the warm-up outputs in DIR (default: a temp dir)")
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    ap.add_argument("--_probe", help=argparse.SUPPRESS)
    ap.add_argument("--_rss", help=argparse.SUPPRESS)
    ap.add_argument("--_floor", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--formats", help=argparse.SUPPRESS)
    ap.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args._probe:
        return worker_probe(args._probe, args)
    if args._rss:
        return worker_rss(args._rss, args)
    if args._worker:
        return worker_loop(args._worker, args)
    if args._floor:
        return worker_floor(args)

    started = time.time()
    load0 = os.getloadavg()
    tools = [t.strip().lower() for t in args.tools.split(",") if t.strip()]
    tools = ["pillow" if t == "pil" else t for t in tools]
    for t in tools:
        if t not in TOOLS:
            ap.error(f"unknown tool {t!r}")
    runs = {k: v for k, v in RUNS.items() if not (args.no_avif and "avif" in v)}

    probes = check_requirements(args, tools)
    corpus = corpus_dir(args)
    paths = sorted(p for p in glob.glob(os.path.join(corpus, "*")) if p.lower().endswith((".jpg", ".jpeg")))
    if args.limit:
        paths = paths[: args.limit]
    if not paths:
        sys.exit(f"no JPEGs in {corpus}")
    rss_path = os.path.join(corpus, args.rss_image)
    from PIL import Image

    megapixels = sum(math.prod(Image.open(p).size) for p in paths) / 1e6
    log(f"corpus {corpus}: {len(paths)} JPEGs, {megapixels:.1f} MP; tools {tools}; runs {list(runs)}")
    for t in tools:
        log(f"  {TOOL_LABEL[t]}: {probes[t]['version']}")

    tmp = args.keep_outputs or tempfile.mkdtemp(prefix="variants_vs_peers_")
    results = {}  # (tool, run) -> dict

    # 1. Peak RSS: one fresh process per tool and run, the big image only.
    for run, formats in runs.items():
        for tool in tools:
            if not os.path.exists(rss_path):
                results.setdefault((tool, run), {})["rss"] = None
                continue
            log(f"peak RSS: {TOOL_LABEL[tool]} {run} on {os.path.basename(rss_path)} ...")
            r = subprocess_json([sys.executable, os.path.abspath(__file__), "--_rss", tool, "--formats",
                                 ",".join(formats), "--pillow-reducing-gap", str(args.pillow_reducing_gap), rss_path])
            results.setdefault((tool, run), {})["rss"] = r
            log(f"  {r['hwm_mb']:.0f} MB peak (after imports {r['base_mb']:.0f} MB), {r['seconds']:.2f} s")

    # 2. Throughput: persistent worker per tool; warm-up pass (its outputs are
    # kept for bytes and SSIM), then the timed passes interleaved tool by tool.
    workers = {t: Worker(t, args) for t in tools}
    try:
        for run, formats in runs.items():
            for tool in tools:
                log(f"warm-up: {TOOL_LABEL[tool]} {run} ...")
                r = workers[tool].run(paths, formats, save=os.path.join(tmp, tool, run.replace(" ", "_").replace("+", "_")))
                res = results.setdefault((tool, run), {})
                res.update(outputs=r["outputs"], bytes=r["bytes"], count=r["count"], times=[], cpu=[])
                log(f"  {r['seconds']:.2f} s, {r['count']} outputs, {r['bytes'] / 1e6:.2f} MB")
            for k in range(args.repeats):
                for tool in tools:
                    r = workers[tool].run(paths, formats)
                    results[(tool, run)]["times"].append(r["seconds"])
                    results[(tool, run)]["cpu"].append(r["cpu_seconds"])
                    log(f"pass {k + 1}/{args.repeats}: {TOOL_LABEL[tool]} {run}: {r['seconds']:.2f} s "
                        f"({len(paths) / r['seconds']:.2f} images/s)")
    finally:
        for w in workers.values():
            w.close()

    # 2b. The codec floor: imagebank's decode + encode CPU alone (see worker_floor).
    floors = {}
    if "imagebank" in tools:
        for run, formats in runs.items():
            log(f"codec floor: imagebank {run} ...")
            p = subprocess.run([sys.executable, os.path.abspath(__file__), "--_floor", "--formats", ",".join(formats)],
                               input=json.dumps(paths) + "\n", capture_output=True, text=True, check=True)
            floors[run] = json.loads(p.stdout.strip().splitlines()[-1])
            log(f"  {sum(floors[run].values()):.2f} CPU s: {floors[run]}")

    # 3. SSIM on the warm-up outputs (deduplicated by content).
    nssim = len(paths) if args.ssim_limit < 0 else min(args.ssim_limit, len(paths))
    ssim_by_hash = {}
    if nssim:
        per_src = {i: {} for i in range(nssim)}
        for (tool, run), res in results.items():
            for o in res.get("outputs", []):
                if o["src"] < nssim:
                    with open(o["file"], "rb") as f:
                        o["sha"] = hashlib.sha1(f.read()).hexdigest()
                    per_src[o["src"]].setdefault(o["sha"], (o["sha"], o["file"], o["preset"], o["width"], o["height"]))
        total = sum(len(v) for v in per_src.values())
        log(f"SSIM: {total} distinct outputs of {nssim} sources ...")
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=CPUS) as pool:
            # Biggest sources first, so the two processes finish together.
            order = sorted((i for i, v in per_src.items() if v), key=lambda i: -os.path.getsize(paths[i]))
            futs = {pool.submit(ssim_for_source, paths[i], list(per_src[i].values())): i for i in order}
            for n, fut in enumerate(futs, 1):
                ssim_by_hash.update(fut.result())
                log(f"  {n}/{len(futs)} sources ({time.perf_counter() - t0:.0f} s)")

    # 4. Aggregate.
    for (tool, run), res in results.items():
        times = res.get("times") or []
        res["median_s"] = statistics.median(times) if times else None
        res["ips"] = len(paths) / res["median_s"] if times else None
        res["cpu_s"] = statistics.median(res["cpu"]) if res.get("cpu") else None
        vals = [ssim_by_hash[o["sha"]] for o in res.get("outputs", []) if o.get("sha") in ssim_by_hash]
        res["ssim_mean"] = statistics.fmean(vals) if vals else None
        res["ssim_min"] = min(vals) if vals else None
        res["ssim_n"] = len(vals)

    # Geometry check against the spec (tools may differ by rounding).
    geo_notes = []
    sizes = {}
    for p in paths:
        with Image.open(p) as im:
            o = im.getexif().get(0x0112, 1)
            sizes[p] = (im.height, im.width) if o in (5, 6, 7, 8) else im.size
    for (tool, run), res in sorted(results.items()):
        off = []
        for o in res.get("outputs", []):
            want, _, _ = plan(PRESET_BY_NAME[o["preset"]], *sizes[paths[o["src"]]])
            if abs(want[0] - o["width"]) > 1 or abs(want[1] - o["height"]) > 1:
                off.append(f"{os.path.basename(paths[o['src']])} {o['preset']}/{o['format']}: "
                           f"{o['width']}x{o['height']}, spec {want[0]}x{want[1]}")
        expected = len(paths) * len(PRESETS) * len(runs[run])
        if res.get("count") is not None and res["count"] != expected:
            off.insert(0, f"{res['count']} outputs, expected {expected}")
        if off:
            geo_notes.append(f"{TOOL_LABEL[tool]} {run}: {len(off)} differ: " + "; ".join(off[:4])
                             + (" ..." if len(off) > 4 else ""))

    spec_notes = []
    for (tool, run), res in sorted(results.items()):
        if len(runs[run]) == max(len(v) for v in runs.values()):
            bad = spec_check(res.get("outputs", []))
            if bad:
                spec_notes.append(f"{TOOL_LABEL[tool]}: " + ", ".join(
                    f"{k} in {n} outputs" + (f" ({b} bytes in all)" if b else "") for k, (n, b) in sorted(bad.items())))

    # 5. Report.
    out = []
    w = out.append
    argv0 = getattr(sys, "orig_argv", [sys.executable] + sys.argv)
    w(f"Command (in `{os.getcwd()}`): `{' '.join(shlex.quote(a) for a in argv0)}`")
    w("")
    w(f"Corpus: {len(paths)} JPEGs ({megapixels:.1f} MP) from `{corpus}`; 6 presets x formats per source; "
      f"images/s = source images per second, median of {args.repeats} passes after 1 warm-up; "
      f"{os.cpu_count()} cores; VIPS_CONCURRENCY={os.environ.get('VIPS_CONCURRENCY')}. "
      f"Each tool uses its own parallelism only (column 'parallelism'). "
      f"Peak RSS: VmHWM of a fresh process making all variants of {args.rss_image} once. "
      + (f"SSIM: luma, Gaussian 11x11 sigma 1.5, vs float Lanczos reference from the full-size decode; "
         f"cover outputs: best of the centred window and it shifted +-0.5 output px along the cropped axis "
         f"({'all' if nssim == len(paths) else f'first {nssim}'} sources)." if nssim else "SSIM: not computed."))
    w("")
    w("| tool | run | parallelism | images/s | pass s | CPU s | outputs | output MB | SSIM mean | SSIM min "
      "| peak RSS MB |")
    w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        for tool in tools:
            r = results[(tool, run)]
            rss = r.get("rss")
            w(f"| {TOOL_LABEL[tool]} | {run} | {probes[tool]['parallelism']} | {fmt_num(r['ips'], '.2f')} | "
              f"{fmt_num(r['median_s'], '.2f')} | {fmt_num(r.get('cpu_s'), '.2f')} | {r.get('count', 'n/a')} | {r.get('bytes', 0) / 1e6:.2f} | "
              f"{fmt_num(r['ssim_mean'], '.4f')} | {fmt_num(r['ssim_min'], '.4f')} | "
              f"{fmt_num(rss and rss['hwm_mb'], '.0f')} |")
    w("")

    def ratio(run, key, a, b, op):
        ra, rb = results.get((a, run)), results.get((b, run))
        if not ra or not rb:
            return None
        if key == "rss":
            va, vb = ra["rss"] and ra["rss"]["hwm_mb"], rb["rss"] and rb["rss"]["hwm_mb"]
        else:
            va, vb = ra.get(key), rb.get(key)
        if va is None or vb is None:
            return None
        return va - vb if op == "-" else (va / vb if vb else None)

    # metric, key, other tool, op, target test, target text, per-run thresholds
    checks = [
        ("throughput imagebank/pyvips", "ips", "pyvips", "/", {"JPEG+WebP": 1.5, "with AVIF": 1.0}, ">="),
        ("throughput imagebank/Pillow", "ips", "pillow", "/", {"JPEG+WebP": 4.0, "with AVIF": 4.0}, ">="),
        ("output bytes imagebank/pyvips", "bytes", "pyvips", "/", 1.0, "<="),
        ("SSIM mean imagebank - pyvips", "ssim_mean", "pyvips", "-", -0.005, ">="),
        ("peak RSS imagebank/pyvips", "rss", "pyvips", "/", 1.5, "<="),
    ]
    if "imagebank" in tools:
        w("| run | ratio | value | target | result |")
        w("|---|---|---:|---|---|")
        for run in runs:
            for name, key, other, op, thr, cmp in checks:
                if other not in tools:
                    continue
                t = thr[run] if isinstance(thr, dict) else thr
                v = ratio(run, key, "imagebank", other, op)
                if op == "-":
                    val, tgt = fmt_num(v, "+.4f"), f"{cmp} {t:+.3f} (within 0.005 or better)"
                else:
                    val, tgt = (f"{v:.2f}x" if v is not None else "n/a"), f"{cmp} {t:g}x"
                if v is None:
                    res = "n/a"
                else:
                    res = "PASS" if (v >= t - 1e-12 if cmp == ">=" else v <= t + 1e-12) else "FAIL"
                w(f"| {run} | {name} | {val} | {tgt} | {res} |")
        w("")
    else:
        w("(imagebank not run: no ratios.)")
        w("")

    if floors:
        w("Codec floor: CPU seconds imagebank spends in the codec libraries alone for one pass (each source decoded "
          "at its shrink-on-load scale, each output size encoded once per format with the job's settings). Pillow "
          "calls the same codecs with the same settings and produces identical bytes for identical pixels, so "
          "Pillow's CPU s / floor bounds the throughput ratio any resizer or scheduler can reach when both "
          "tools keep every core busy.")
        w("")
        w("| run | floor CPU s | of which decode / per format | imagebank CPU s | Pillow CPU s | "
          "bound imagebank/Pillow |")
        w("|---|---:|---|---:|---:|---:|")
        for run, fl in floors.items():
            total = sum(fl.values())
            parts = " / ".join(f"{k} {v:.2f}" for k, v in fl.items())
            ib_cpu = results.get(("imagebank", run), {}).get("cpu_s")
            pil_cpu = results.get(("pillow", run), {}).get("cpu_s")
            bound = f"{pil_cpu / total:.2f}x" if pil_cpu and total else "n/a"
            w(f"| {run} | {total:.2f} | {parts} | {fmt_num(ib_cpu, '.2f')} | {fmt_num(pil_cpu, '.2f')} | {bound} |")
        w("")

    # Per-format breakdown (the run with the most formats).
    big = max(runs, key=lambda k: len(runs[k]))
    w(f"Per format ({big} run):")
    w("")
    w("| tool | format | outputs | MB | SSIM mean | SSIM min |")
    w("|---|---|---:|---:|---:|---:|")
    for tool in tools:
        for fmt in runs[big]:
            os_ = [o for o in results[(tool, big)].get("outputs", []) if o["format"] == fmt]
            vals = [ssim_by_hash[o["sha"]] for o in os_ if o.get("sha") in ssim_by_hash]
            w(f"| {TOOL_LABEL[tool]} | {fmt} | {len(os_)} | {sum(o['bytes'] for o in os_) / 1e6:.2f} | "
              f"{fmt_num(statistics.fmean(vals) if vals else None, '.4f')} | {fmt_num(min(vals) if vals else None, '.4f')} |")
    w("")
    w("Versions: " + "; ".join(f"{TOOL_LABEL[t]}: " + ", ".join(f"{k} {v}" for k, v in probes[t]["version"].items())
                               for t in tools))
    if geo_notes:
        w("")
        w("Size notes (outputs more than 1 px off this script's geometry: fit inside the box; cover fills the box "
          "and centre-crops, and a source smaller than the box on a side keeps that side, as libvips' thumbnail "
          "does): " + " | ".join(geo_notes))
    if ssim_by_hash:
        worst = []
        for tool in tools:
            scored = sorted((ssim_by_hash[o["sha"]], o) for (t, run), res in results.items() if t == tool
                            for o in res.get("outputs", []) if o.get("sha") in ssim_by_hash and run == big)
            worst.append(f"{TOOL_LABEL[tool]}: " + ", ".join(
                f"{os.path.basename(paths[o['src']])} {o['preset']}/{o['format']} {v:.4f}" for v, o in scored[:3]))
        w("")
        w("Lowest SSIM: " + " | ".join(worst))
    w("")
    w("Encode-spec check (JPEG progressive 4:2:0, no EXIF/XMP/ICC in any format): "
      + ("; ".join(spec_notes) if spec_notes else "all outputs conform."))
    w("")
    w(f"Total time {time.time() - started:.0f} s; load average at start {load0[0]:.2f}, at end "
      f"{os.getloadavg()[0]:.2f} (anything else running skews the timings).")
    print("\n".join(out))
    if not args.keep_outputs:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
