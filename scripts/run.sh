#!/usr/bin/env bash
# The main job on the embedded defaults (SQLite + local disk): installs what is
# missing (scripts/install-deps.sh --demo, nothing more), builds the imagebank
# CLI (release preset), makes a demo catalog from a folder of real photos
# (scripts/make-demo-catalog.py: a Carteira de Compras and ~80 studio photos
# named by SKU, with duplicates, photos without a SKU and a broken file on
# purpose), then imports the Carteira into a fresh bank, ingests the photos
# and prints the reports, then describes the photos with the offline vision
# analyzer and sets its colours beside the Carteira's. With --serve it then
# starts imagebank-server on the demo bank and serves until Ctrl-C.
#
# Usage: scripts/run.sh [PHOTOS_DIR] [--build-only] [--serve]
#   PHOTOS_DIR    a folder of real photos (JPEG/PNG, at least 20); default
#                 $IMAGEBANK_CORPUS, else what ../shared/corpus/fetch-photos
#                 (beside the clone) prints
#   --build-only  install and build, then stop
#   --serve       after the demo, start imagebank-server on $IMAGEBANK_LISTEN
#                 (default 127.0.0.1:8080) and print the web app's URL, an
#                 admin API key to log in with, a signed thumbnail URL and
#                 example curl lines
#
# The build hides from CMake every package that only `install-deps.sh --test`
# installs, so it uses exactly what the --demo install step provides, on a
# machine that has the test packages too.
#
# Environment: IMAGEBANK_DEMO_DIR (default ./imagebank-demo) is re-created on
# every run; IMAGEBANK_DEMO_BANK (default ./imagebank-data) is removed first,
# so every run shows the same demo; IMAGEBANK_DEMO_SEED (default 2027);
# IMAGEBANK_BUILD_DIR (default build/release).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
demo=${IMAGEBANK_DEMO_DIR:-imagebank-demo}
bank=${IMAGEBANK_DEMO_BANK:-imagebank-data}
seed=${IMAGEBANK_DEMO_SEED:-2027}
build=${IMAGEBANK_BUILD_DIR:-build/release}
photos=${IMAGEBANK_CORPUS:-}
build_only=0
serve=0
listen=${IMAGEBANK_LISTEN:-127.0.0.1:8080}
for arg in "$@"; do
  case "$arg" in
    --build-only) build_only=1 ;;
    --serve) serve=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run: unknown option '$arg' (see scripts/run.sh --help)" >&2; exit 2 ;;
    *) photos=$arg ;;
  esac
done

venv=$(scripts/install-deps.sh --demo)
. scripts/build-env.sh

hide=()
while read -r pkg; do
  hide+=("-DCMAKE_DISABLE_FIND_PACKAGE_$pkg=ON")
done < <(scripts/install-deps.sh --test-cmake-packages)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { cmake --preset release -B "$build" "${hide[@]}" \
  && cmake --build "$build" --target imagebank_cli \
  && { [ "$serve" = 0 ] || cmake --build "$build" --target imagebank_server; }; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "run: building the imagebank programs failed" >&2
  exit 1
fi
imagebank=$build/src/cli/imagebank
echo "run: built $imagebank"
[ "$build_only" = 1 ] && exit 0

if [ -z "$photos" ]; then
  fetch="$repo/../shared/corpus/fetch-photos"
  if [ ! -x "$fetch" ]; then
    cat >&2 <<MSG
run: no photos to make the demo from. The demo needs a folder of real photos
(JPEG or PNG, at least 20), found in this order:
  1. a folder argument:        scripts/run.sh ~/Pictures/studio
  2. the IMAGEBANK_CORPUS variable: IMAGEBANK_CORPUS=~/Pictures/studio scripts/run.sh
  3. ../shared/corpus/fetch-photos beside this clone (not found: $fetch)
MSG
    exit 2
  fi
  if ! photos=$("$fetch"); then
    # fetch-photos downloads a Debian package and needs current lists.
    apt-get update -qq >&2 || true
    photos=$("$fetch")
  fi
fi
if [ ! -d "$photos" ]; then
  echo "run: '$photos' is not a folder of photos (see scripts/run.sh --help)" >&2
  exit 2
fi

echo "== demo catalog: $demo (from the photos in $photos)"
"$venv/bin/python" scripts/make-demo-catalog.py "$photos" "$demo" --seed "$seed" 2>&1

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

for report in status coverage missing-photos conflicts; do
  echo
  echo "== report $report"
  "$imagebank" report "$report" --bank "$bank"
done

echo
echo "== analyze --vision offline: colours, background, sharpness (no network)"
"$imagebank" analyze --vision offline --bank "$bank"

echo
echo "== report colors: the Carteira's cor next to the analyzer's colour"
"$imagebank" report colors --bank "$bank"

echo
echo "== export: one row per product (Carteira, photos per view, coverage, AI)"
"$imagebank" export --format xlsx --bank "$bank" --output "$demo/produtos.xlsx"
echo "spreadsheet: $(cd "$demo" && pwd)/produtos.xlsx"

[ "$serve" = 1 ] || exit 0

echo
echo "== imagebank-server on http://$listen (Ctrl-C stops it)"
server=$build/examples/server/imagebank-server
key=$("$imagebank" keys create --name demo --scope admin --bank "$bank" --json |
  "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["key"])')
# The key that signs image URLs; kept for this run only.
IMAGEBANK_URL_KEYS="demo:$("$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))')"
export IMAGEBANK_URL_KEYS
"$server" --bank "$bank" --listen "$listen" >/dev/null &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; rm -f "$log"' EXIT
trap 'exit 0' INT TERM
url=$("$venv/bin/python" - "$listen" "$key" <<'PY'
import json, sys, time, urllib.request
base, key = "http://" + sys.argv[1], sys.argv[2]
for _ in range(200):
    try:
        urllib.request.urlopen(base + "/api/v1/health", timeout=1)
        break
    except OSError:
        time.sleep(0.05)
req = urllib.request.Request(base + "/api/v1/images/1", headers={"Authorization": "Bearer " + key})
print(base + json.load(urllib.request.urlopen(req, timeout=10))["urls"]["thumbnail"])
PY
)
cat <<MSG
web app (pt-BR):              http://$listen/
API key (admin; shown once):  $key
  open the web app and paste the key on "Entrar" (it stays in that tab only)
signed thumbnail URL:         $url

  curl -s http://$listen/api/v1/health
  curl -s -H 'Authorization: Bearer $key' http://$listen/api/v1/images/1
  curl -s -o thumb.avif -H 'Accept: image/avif,image/webp,*/*' '$url'
  curl -s http://$listen/metrics | grep imagebank_

uploads (an upload batch, files by multipart, its progress as events):
  curl -s -H 'Authorization: Bearer $key' -H 'Content-Type: application/json' \\
       -d '{"label": "estúdio"}' http://$listen/api/v1/batches
  curl -s -H 'Authorization: Bearer $key' -F 'f=@ABC123_FRENTE.jpg' http://$listen/api/v1/batches/ID/files
  curl -sN -H 'Authorization: Bearer $key' http://$listen/api/v1/batches/ID/events
  curl -s -X POST -H 'Authorization: Bearer $key' http://$listen/api/v1/batches/ID/finish
resumable uploads: any tus 1.0.0 client at http://$listen/api/v1/uploads
  (metadata: batch=ID, filename=NAME; header Authorization: Bearer KEY)
MSG
wait "$pid"
