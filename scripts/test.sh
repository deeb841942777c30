#!/usr/bin/env bash
# Builds everything and runs every test: the README's test command, and what
# CI runs (.ci/run). Installs what is missing first (scripts/install-deps.sh).
#
#   1. clang-format check; mypy on the Python package (strict), its
#      generated stub and the tests (pyproject.toml, [tool.mypy])
#   2. the main job (scripts/run.sh) as a newcomer runs it: the release CLI
#      built with every test-only package hidden from CMake, then the demo in
#      a virtualenv of its own with only the --demo Python packages
#   3. C++ build (ci preset: the release flags, so that ccache serves the
#      objects run.sh compiled; tests and benchmarks) and ctest, unit +
#      integration
#   4. the same under AddressSanitizer + UndefinedBehaviorSanitizer with
#      warnings as errors (asan; benchmarks built too, for the warnings)
#   5. the CMake package: install tree + find_package, and add_subdirectory
#   6. the wheel, repaired into a self-contained one (scripts/build-wheel.sh,
#      auditwheel), installed into the test venv; pytest against it; then
#      installed alone into a fresh venv and smoke-tested with
#      LD_LIBRARY_PATH empty (tests/wheel/smoke.py)
#   7. a short run of every Google Benchmark, so that they stay runnable
#
# Usage: scripts/test.sh [--quick]
#   --quick  the developer's loop: format, mypy, the ci build, ctest's unit
#            label, the (unrepaired) wheel and pytest; no demo, ASan,
#            consumers, wheel repair or benchmarks. CI never uses it.
# Compilation goes through ccache (scripts/build-env.sh), shared by every
# clone and build folder of the machine.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "test: unknown argument '$arg' (use --quick or nothing)" >&2; exit 2 ;;
  esac
done
start=$(date +%s)
step() { printf '\n== %s (%ds)\n' "$1" "$(( $(date +%s) - start ))"; }

step "dependencies"
venv=$(scripts/install-deps.sh --test)
. scripts/build-env.sh
[ -n "${CCACHE_DIR:-}" ] && ccache -z >/dev/null

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
# built with `go install` on a cold cache (minutes; its module downloads
# overlap the C++ build), then reused from ~/.cache.
minio_log=$(mktemp)
scripts/install-minio.sh >"$minio_log" 2>&1 &
minio_pid=$!
wait_minio() {
  if ! wait "$minio_pid"; then
    cat "$minio_log" >&2
    echo "test: scripts/install-minio.sh failed" >&2
    exit 1
  fi
  IMAGEBANK_MINIO=$(tail -n 1 "$minio_log")
  export IMAGEBANK_MINIO
  rm -f "$minio_log"
  echo "minio: $IMAGEBANK_MINIO"
}

step "format"
scripts/check-format.sh

step "mypy (python/imagebank strict, tests/python)"
"$venv/bin/python" -m mypy

if [ "$quick" = 0 ]; then
  step "the main job (scripts/run.sh: test-only packages hidden, demo venv)"
  mkdir -p build
  # The demo's venv holds only what `install-deps.sh --demo` installs; it is
  # kept across runs (install-deps.sh checks it against the demo's list).
  IMAGEBANK_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/imagebank/demo-venv" IMAGEBANK_DEMO_DIR=build/demo \
    IMAGEBANK_DEMO_BANK=build/demo-bank scripts/run.sh >build/run.log 2>&1 || {
    cat build/run.log >&2
    echo "test: scripts/run.sh failed" >&2
    exit 1
  }
  sed -n '/^== report status/,$p' build/run.log
fi

# The ci preset compiles with the release preset's flags, so the library and
# CLI objects come from ccache (run.sh or the wheel compiled them) and only
# the tests and benchmarks are compiled here. -Werror: the asan build.
step "C++ build and tests (ci: release flags)"
cmake --preset ci >/dev/null
cmake --build --preset ci
wait_minio
if [ "$quick" = 1 ]; then
  ctest --preset ci -L unit
else
  ctest --preset ci
fi

if [ "$quick" = 0 ]; then
  step "C++ tests under ASan + UBSan (asan)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  ctest --preset asan

  step "CMake package consumers"
  tests/cmake/run-consumer.sh build/ci
fi

step "Python wheel and pytest"
if [ "$quick" = 1 ]; then
  "$venv/bin/python" -m pip install -q --no-build-isolation "$repo"
else
  wheel=$(scripts/build-wheel.sh build/dist)
  "$venv/bin/auditwheel" show "$wheel"
  "$venv/bin/python" -m pip install -q --no-deps --force-reinstall "$wheel"
fi
# From outside the source tree, so `import imagebank` can only be the wheel.
(cd "$repo/tests/python" && "$venv/bin/python" -m pytest -q -p no:cacheprovider .)

if [ "$quick" = 0 ]; then
  step "the wheel alone in a fresh venv, LD_LIBRARY_PATH empty"
  smoke=build/wheel-smoke
  rm -rf "$smoke"
  python3 -m venv "$smoke/venv"
  "$smoke/venv/bin/python" -m pip install -q --no-index --no-deps "$wheel"
  (cd "$smoke" && LD_LIBRARY_PATH= venv/bin/python "$repo/tests/wheel/smoke.py" \
    "$repo/tests/data" work)
  echo "wheel: $(basename "$wheel"), $(( $(stat -c %s "$wheel") / 1024 )) KiB"

  step "benchmarks (smoke run)"
  for b in build/ci/benchmarks/*_benchmark; do
    # Without the corpus the whole-corpus benchmarks skip themselves: this is a
    # check that every benchmark still runs, not a measurement.
    env -u IMAGEBANK_CORPUS IMAGEBANK_BENCH_CATALOG_IMAGES=2000 IMAGEBANK_BENCH_INGEST_IMAGES=200 \
      IMAGEBANK_BENCH_CATALOG_PRODUCTS=200 IMAGEBANK_BENCH_SCALE_JOBS=300 IMAGEBANK_BENCH_CHECK_IMAGES=200 \
      "$b" --benchmark_min_time=0.01 >/dev/null
    echo "$(basename "$b"): ran"
  done
fi

[ -n "${CCACHE_DIR:-}" ] && ccache -s | sed -n '/Hits/,/Misses/p'
step "all tests passed"
