#!/usr/bin/env bash
# Regenerates python/imagebank/_core.pyi from the installed compiled module.
# Run after changing a binding (tests/python/test_package.py fails until you
# do). Usage: scripts/gen-stubs.sh [PYTHON]  (default: the project venv)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py="${1:-${IMAGEBANK_VENV:-$repo/.venv}/bin/python}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$py" -m pybind11_stubgen imagebank._core -o "$out"
cp "$out/imagebank/_core.pyi" "$repo/python/imagebank/_core.pyi"
echo "wrote python/imagebank/_core.pyi"
