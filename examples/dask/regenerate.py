"""Bulk work over a whole bank with Dask: variants of a new preset for every
image, each task opening the bank (PostgreSQL + S3) through imagebank and
doing one range of image ids, idempotently.

    AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \\
    python regenerate.py --scheduler tcp://dask-scheduler:8786 \\
        --db postgresql://app@db/bank --storage 's3://fotos/bank?region=sa-east-1' \\
        --preset vitrine:800x1000:cover --formats avif,webp,jpeg

A task re-run (its worker died, the scheduler gave it to another) finds
what the first run stored and skips it: variant objects have
content-derived keys (rewriting one writes the same bytes), and the
catalog keeps one variant row per image, preset and format (put_variants
replaces it). So a partition done twice leaves the bank as done once.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import imagebank


@dataclass(frozen=True)
class PresetSpec:
    """A preset as plain data (what travels to the workers)."""

    name: str
    width: int
    height: int
    fit: str = "fit"

    @staticmethod
    def parse(text: str) -> PresetSpec:
        """"vitrine:800x1000:cover" (fit optional: fit, cover, ...)."""
        parts = text.split(":")
        if len(parts) not in (2, 3) or "x" not in parts[1]:
            raise ValueError(f"preset '{text}': expected NAME:WxH[:FIT]")
        w, h = (int(v) for v in parts[1].split("x", 1))
        return PresetSpec(parts[0], w, h, parts[2] if len(parts) == 3 else "fit")

    def preset(self) -> imagebank.Preset:
        return imagebank.Preset(self.name, self.width, self.height, fit=self.fit)


def id_ranges(bank: imagebank.Bank, per_task: int) -> list[tuple[int, int]]:
    """[first, last] image id ranges of at most `per_task` images each,
    from the catalog's light id listing (16 bytes per image)."""
    ranges: list[tuple[int, int]] = []
    ids: list[int] = []
    after = 0
    while True:
        page = bank.catalog.image_hashes(after_id=after, limit=10_000)
        if not page:
            break
        for row in page:
            ids.append(row.id)
            if len(ids) == per_task:
                ranges.append((ids[0], ids[-1]))
                ids = []
        after = page[-1].id
    if ids:
        ranges.append((ids[0], ids[-1]))
    return ranges


def _images_in(bank: imagebank.Bank, first: int, last: int) -> Iterator[int]:
    after = first - 1
    while after < last:
        page = bank.catalog.image_hashes(after_id=after, limit=min(1000, last - after))
        if not page:
            return
        for row in page:
            if row.id > last:
                return
            yield row.id
        after = page[-1].id


def regenerate_range(db: str, storage: str, first: int, last: int, spec: PresetSpec,
                     formats: list[str]) -> dict[str, Any]:
    """The task: variants of `spec` in `formats` for images first..last.
    Returns what it did; safe to run again on the same range."""
    bank = imagebank.Bank.open(db, storage, pool_size=1)
    made = skipped = failed = 0
    errors: list[str] = []
    for image_id in _images_in(bank, first, last):
        image = bank.catalog.get_image(image_id)
        have = {(v.format, v.blob_key, v.bytes) for v in bank.catalog.variants(image_id)
                if v.preset == spec.name}
        keys = {f: imagebank.variant_key(image.sha256, spec.name, f) for f in formats}
        if all(any(h[0] == f and h[1] == keys[f] and bank.blobs.exists(h[1]) for h in have)
               for f in formats):
            skipped += 1
            continue
        try:
            original = bank.blobs.get(image.blob_key)
            records = []
            for v in imagebank.make_variants(original, presets=[spec.preset()],
                                             formats=formats):
                key = keys[v.format]
                bank.blobs.put(key, v.data)  # the object first, then its row
                records.append(imagebank.VariantRecord(v.preset, v.format, v.width,
                                                       v.height, len(v.data), key))
            bank.catalog.put_variants(image_id, records)
            made += 1
        except imagebank.Error as e:  # one bad photo does not sink the range
            failed += 1
            errors.append(f"image {image_id}: {e.code}: {e}")
    return {"first": first, "last": last, "made": made, "skipped": skipped,
            "failed": failed, "errors": errors[:10]}


def run(client: Any, db: str, storage: str, spec: PresetSpec, formats: list[str],
        per_task: int = 500) -> list[dict[str, Any]]:
    """Submits one task per id range and gathers their reports. Dask retries
    a task whose worker died (retries=3)."""
    bank = imagebank.Bank.open(db, storage, pool_size=1)
    futures = [client.submit(regenerate_range, db, storage, first, last, spec, formats,
                             key=f"regenerate-{spec.name}-{first}-{last}", retries=3)
               for first, last in id_ranges(bank, per_task)]
    reports: list[dict[str, Any]] = client.gather(futures)
    return reports


def main() -> int:
    from distributed import Client, LocalCluster

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scheduler", help="address of a running Dask scheduler "
                    "(default: a LocalCluster on this machine)")
    ap.add_argument("--db", required=True)
    ap.add_argument("--storage", required=True)
    ap.add_argument("--preset", required=True, help="NAME:WxH[:FIT], e.g. vitrine:800x1000:cover")
    ap.add_argument("--formats", default="webp,jpeg")
    ap.add_argument("--per-task", type=int, default=500, help="images per task")
    args = ap.parse_args()
    spec = PresetSpec.parse(args.preset)
    formats = [f for f in args.formats.split(",") if f]
    if args.scheduler:
        client = Client(args.scheduler)
        client.upload_file(__file__)  # the workers import this module
    else:
        client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    with client:
        reports = run(client, args.db, args.storage, spec, formats, args.per_task)
    totals = {k: sum(r[k] for r in reports) for k in ("made", "skipped", "failed")}
    print(json.dumps({"tasks": len(reports), **totals}))
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
