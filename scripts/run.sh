#!/usr/bin/env bash
# The main job on the embedded defaults (SQLite + local disk): installs what is
# missing, builds the imagebank CLI (release preset), makes a demo catalog from
# the real-photo corpus (scripts/make-demo-catalog.py: a Carteira de Compras
# and ~80 studio photos named by SKU, with duplicates, photos without a SKU
# and a broken file on purpose), then imports the Carteira into a fresh bank,
# ingests the photos and prints the reports.
#
# Environment: IMAGEBANK_DEMO_DIR (default ./imagebank-demo) is re-created on
# every run; IMAGEBANK_DEMO_BANK (default ./imagebank-data) is removed first,
# so every run shows the same demo; IMAGEBANK_DEMO_SEED (default 2027).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
demo=${IMAGEBANK_DEMO_DIR:-imagebank-demo}
bank=${IMAGEBANK_DEMO_BANK:-imagebank-data}
seed=${IMAGEBANK_DEMO_SEED:-2027}

venv=$(scripts/install-deps.sh --demo)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { cmake --preset release && cmake --build --preset release --target imagebank_cli; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "run: building the imagebank CLI failed" >&2
  exit 1
fi
imagebank=build/release/src/cli/imagebank

fetch="$repo/../shared/corpus/fetch-photos"
if ! corpus=$("$fetch"); then
  apt-get update -qq >&2 || true
  corpus=$("$fetch")
fi

echo "== demo catalog: $demo (from the photos in $corpus)"
"$venv/bin/python" scripts/make-demo-catalog.py "$corpus" "$demo" --seed "$seed" 2>&1

echo
echo "== a fresh bank: removing $bank/"
rm -rf "$bank"
"$imagebank" carteira "$demo/carteira.xlsx" --import --bank "$bank" \
  --brand "Aurora Moda" --collection "Verão 2027" --season "2027-V"

echo
echo "== ingest: $demo/photos"
# Exit 1 means some files failed (the demo holds a broken JPEG on purpose);
# anything else is a real failure.
status=0
"$imagebank" ingest "$demo/photos" --bank "$bank" \
  --collection "Verão 2027" --brand "Aurora Moda" || status=$?
if [ "$status" -gt 1 ]; then
  echo "run: imagebank ingest failed (exit status $status)" >&2
  exit "$status"
fi

for report in status coverage missing-photos; do
  echo
  echo "== report $report"
  "$imagebank" report "$report" --bank "$bank"
done
