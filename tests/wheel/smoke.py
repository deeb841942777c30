"""Smoke test of a repaired (self-contained) wheel, run by scripts/test.sh in
a fresh virtualenv that holds nothing but the wheel, with LD_LIBRARY_PATH
empty: the wheel's own copies of the codec and database libraries must be the
ones loaded, not the machine's -dev packages.

Usage: python smoke.py TESTS_DATA_DIR WORK_DIR
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import imagebank

data = pathlib.Path(sys.argv[1])
work = pathlib.Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)
photo = data / "orient6.jpg"

info = imagebank.probe(photo)
assert (info.format, info.width, info.height, info.orientation) == ("jpeg", 64, 48, 6), info

variants = imagebank.make_variants(photo.read_bytes(), presets=["thumbnail"],
                                   formats=["avif", "webp", "jpeg"])
got = {(v.preset, v.format) for v in variants}
assert got == {("thumbnail", f) for f in ("avif", "webp", "jpeg")}, got
for v in variants:
    # Each encoded variant decodes again with the wheel's own decoders.
    back = imagebank.probe(v.data)
    assert back.format == v.format and (back.width, back.height) == (v.width, v.height), (v, back)

h = imagebank.phash(photo)
assert isinstance(h, int) and h != 0, h

carteira = work / "carteira.csv"
carteira.write_text("Referência;Descrição;Cor\nABC123;Vestido midi;Azul\nXYZ9;Blusa;Preto\n",
                    encoding="utf-8")
c = imagebank.read_carteira(carteira)
assert c.skus() == ["ABC123", "XYZ9"], c.skus()

photos = work / "photos"
photos.mkdir(exist_ok=True)
(photos / "ABC123_FRENTE.jpg").write_bytes(photo.read_bytes())
bank = imagebank.Bank.open(dir=str(work / "bank"))
bank.import_carteira(carteira, brand="Smoke", collection="Smoke 1")
batch = bank.ingest(str(photos), collection="Smoke 1", presets=["thumbnail"],
                    formats=["webp"], workers=1)
assert batch.state == "done", batch
missing = [p.sku for p in bank.missing_photos()]
assert missing == ["XYZ9"], missing

# Which shared libraries this process mapped: the compiled module's
# dependencies must come from the wheel (imagebank.libs), never from the
# machine's library folders, except the dynamic loader and what the
# manylinux policy lets a wheel expect of every system (auditwheel's
# lib_whitelist: the C and C++ runtimes, zlib, expat, ...).
runtime = ("ld-linux", "libatomic.so.1", "libgcc_s.so.1", "libstdc++.so.6", "libm.so.6",
           "libmvec.so.1", "libanl.so.1", "libdl.so.2", "librt.so.1", "libc.so.6",
           "libnsl.so.1", "libutil.so.1", "libpthread.so.0", "libresolv.so.2",
           "libexpat.so.1", "libz.so.1")
pkg = pathlib.Path(imagebank.__file__).resolve().parent
bundled, foreign = set(), set()
for line in pathlib.Path("/proc/self/maps").read_text().splitlines():
    parts = line.split(maxsplit=5)
    if len(parts) < 6 or ".so" not in parts[5]:
        continue
    path = pathlib.Path(parts[5])
    if pkg.parent in path.parents:
        bundled.add(path.name)
    elif path.is_relative_to(sys.base_prefix):
        continue  # the interpreter's own libpython and extension modules
    elif not path.name.startswith(runtime):
        foreign.add(str(path))
assert not foreign, f"loaded from outside the wheel: {sorted(foreign)}"
libs = sorted(n for n in bundled if not n.startswith("_core"))
for lib in ("libavif", "libjpeg", "libwebp", "libspng", "libsqlite3", "libpq", "libsoci_core"):
    assert any(n.startswith(lib + "-") for n in libs), (lib, libs)

# The imagebank command the wheel installs: it runs, and the dynamic loader
# resolves its libraries inside the wheel too.
cli = pathlib.Path(sys.executable).parent / "imagebank"
out = subprocess.run([str(cli), "probe", "--json", str(photo)], check=True,
                     capture_output=True, text=True).stdout
assert json.loads(out)["orientation"] == 6, out
binary = pkg.parent / "imagebank.scripts" / "imagebank"
resolved = subprocess.run(["ldd", str(binary)], check=True, capture_output=True,
                          text=True).stdout
outside = [line.split()[0] for line in resolved.splitlines()
           if "=>" in line and str(pkg.parent) not in line
           and not line.split()[0].startswith(runtime) and "linux-vdso" not in line]
assert not outside, f"the CLI resolves these outside the wheel: {outside}\n{resolved}"
print(f"wheel smoke: ok ({len(libs)} bundled libraries loaded, none from the machine; "
      f"the imagebank command runs)")
