#!/usr/bin/env bash
# Regenerates python/imagebank/_core.pyi from the installed compiled module.
# Run after changing a binding (tests/python/test_package.py fails until you
# do: it runs this script into a temporary file and compares). The types
# come from the bindings themselves (docs/python.md); a hint naming
# something stubgen cannot resolve is an error here.
# Usage: scripts/gen-stubs.sh [PYTHON [OUTPUT]]
#   PYTHON  default: the project venv's
#   OUTPUT  default: python/imagebank/_core.pyi
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py="${1:-${IMAGEBANK_VENV:-$repo/.venv}/bin/python}"
dest="${2:-$repo/python/imagebank/_core.pyi}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$py" -m pybind11_stubgen --exit-code imagebank._core -o "$out"
# stubgen annotates a module attribute with its value's type: __all__ (the
# list the package re-exports) would be a bare `list`, which mypy --strict
# refuses.
sed 's/^__all__: list = /__all__: list[str] = /' "$out/imagebank/_core.pyi" >"$dest"
echo "wrote $dest"
