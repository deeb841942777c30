#!/usr/bin/env bash
# Builds everything and runs every test: the README's test command, and what
# CI runs (.ci/run). Installs what is missing first (scripts/install-deps.sh).
#
#   1. clang-format check
#   2. C++ build (dev preset: warnings are errors) and ctest, unit + integration
#   3. the same under AddressSanitizer + UndefinedBehaviorSanitizer (asan)
#   4. the CMake package: install tree + find_package, and add_subdirectory
#   5. pip install . (the wheel, with the imagebank CLI) and pytest against it
#   6. a short run of every Google Benchmark, so that they stay runnable
#
# Environment: IMAGEBANK_SKIP_ASAN=1 skips step 3 (for quick local loops;
# CI never sets it).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
start=$(date +%s)
step() { printf '\n== %s (%ds)\n' "$1" "$(( $(date +%s) - start ))"; }

step "dependencies"
venv=$(scripts/install-deps.sh --test)

# Real photos for the tests that need them (shared/corpus beside the repo).
fetch="$repo/../shared/corpus/fetch-photos"
if [ -x "$fetch" ]; then
  if ! IMAGEBANK_CORPUS=$("$fetch"); then
    # fetch-photos downloads a Debian package and needs current lists.
    apt-get update -qq >&2 || true
    IMAGEBANK_CORPUS=$("$fetch")
  fi
  export IMAGEBANK_CORPUS
  echo "corpus: $IMAGEBANK_CORPUS"
else
  echo "corpus: $fetch not found; the tests that need real photos are skipped"
fi

# MinIO, the real S3-compatible server of the S3 adapter's integration tests:
# built with `go install` (minutes on a cold cache; its module downloads
# overlap the C++ build) and reused afterwards.
minio_log=$(mktemp)
scripts/install-minio.sh >"$minio_log" 2>&1 &
minio_pid=$!

step "format"
scripts/check-format.sh

step "C++ build and tests (dev)"
cmake --preset dev >/dev/null
cmake --build --preset dev
if ! wait "$minio_pid"; then
  cat "$minio_log" >&2
  echo "test: scripts/install-minio.sh failed" >&2
  exit 1
fi
IMAGEBANK_MINIO=$(tail -n 1 "$minio_log")
export IMAGEBANK_MINIO
rm -f "$minio_log"
echo "minio: $IMAGEBANK_MINIO"
ctest --preset dev

if [ "${IMAGEBANK_SKIP_ASAN:-0}" != 1 ]; then
  step "C++ tests under ASan + UBSan (asan)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  ctest --preset asan
fi

step "CMake package consumers"
tests/cmake/run-consumer.sh build/dev

step "Python wheel and pytest"
"$venv/bin/python" -m pip install -q --no-build-isolation "$repo"
# From outside the source tree, so `import imagebank` can only be the wheel.
(cd "$repo/tests/python" && "$venv/bin/python" -m pytest -q -p no:cacheprovider .)

step "benchmarks (smoke run)"
for b in build/dev/benchmarks/*_benchmark; do
  # Without the corpus the whole-corpus benchmarks skip themselves: this is a
  # check that every benchmark still runs, not a measurement.
  env -u IMAGEBANK_CORPUS IMAGEBANK_BENCH_CATALOG_IMAGES=2000 IMAGEBANK_BENCH_INGEST_IMAGES=200 \
    IMAGEBANK_BENCH_CATALOG_PRODUCTS=200 "$b" --benchmark_min_time=0.01 >/dev/null
  echo "$(basename "$b"): ran"
done

step "all tests passed"
