#!/usr/bin/env bash
# The main job on the embedded defaults: installs what is missing, builds the
# imagebank CLI (release preset), fetches the real-photo corpus and probes
# every photo in it, printing one human-readable line per file.
#
# Later capabilities (ingest into SQLite + local disk, reports, the server)
# extend this same command.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

scripts/install-deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target imagebank_cli >/dev/null

fetch="$repo/../shared/corpus/fetch-photos"
if ! corpus=$("$fetch"); then
  apt-get update -qq >&2 || true
  corpus=$("$fetch")
fi

shopt -s nullglob
photos=("$corpus"/*.jpg "$corpus"/*.jpeg "$corpus"/*.png "$corpus"/*.webp "$corpus"/*.avif)
echo "imagebank probe: ${#photos[@]} photos in $corpus"
exec build/release/src/cli/imagebank probe "${photos[@]}"
