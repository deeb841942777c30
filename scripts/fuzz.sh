#!/usr/bin/env bash
# Runs one libFuzzer target of tests/fuzz for a while: builds what it needs
# in build/fuzz (the fuzz preset: clang-16, ASan + UBSan, installed with
# apt-get when missing), fuzzes from its committed seeds
# (tests/fuzz/corpus/<target>) and regressions with its dictionary, writes
# new inputs into a work folder (never into the committed corpus) and ends
# with executions, coverage (cov/ft) and findings.
#
# Usage: scripts/fuzz.sh TARGET [SECONDS]   (default 300 seconds)
#        scripts/fuzz.sh --list             the targets
#        scripts/fuzz.sh --merge TARGET     fold the work folder's inputs that
#                                           add coverage into the corpus
# Environment: IMAGEBANK_FUZZ_WORK (default build/fuzz-work/<target>) is the
# work folder (corpus/ grows there; crash-*, leak-*, timeout-*, oom-* land in
# findings/); IMAGEBANK_FUZZ_JOBS (default 1) runs that many fuzzing
# processes; IMAGEBANK_FUZZ_NO_BUILD=1 runs the binary as built (while
# another build of build/fuzz runs); IMAGEBANK_FUZZ_CPU=1 counts SECONDS as
# CPU seconds of the fuzzing process (a campaign's budget: the run is
# interrupted once it has used them, however busy or niced the machine;
# single process only); extra libFuzzer flags go after `--`.
# A finding is fixed in the library and its input added under
# tests/fuzz/regressions/<target>/, which ctest's fuzz_replay.<target>
# replays in every build (ci, asan).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
fuzz_dir=tests/fuzz

targets() {
  for f in "$fuzz_dir"/*.cpp; do
    name=$(basename "$f" .cpp)
    [ "$name" = replay_main ] || echo "$name"
  done
}

# The dictionaries of a target (concatenated when several).
dicts_of() {
  case "$1" in
    image_jpeg) echo jpeg ;;
    image_png) echo png ;;
    image_webp) echo webp ;;
    image_avif) echo isobmff ;;
    variants) echo jpeg png webp isobmff ;;
    carteira_xlsx | carteira_ods) echo zip_xml ;;
    carteira_csv) echo csv ;;
    carteira_xls_wire) echo xls_wire ;;
    sku) echo sku ;;
    hash_index) echo hash_index ;;
    s3_xml) echo xml ;;
    vision_*) echo json ;;
    server_http | server_multipart) echo http ;;
    server_tus) echo tus ;;
    *) echo "fuzz: no dictionary listed for $1 in scripts/fuzz.sh" >&2; exit 2 ;;
  esac
}

merge=0
case "${1:-}" in
  --list) targets; exit 0 ;;
  --merge) merge=1; shift ;;
  "" | -h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
target=${1:?}
shift
seconds=300
if [ $# -gt 0 ] && [ "$1" != -- ]; then seconds=$1; shift; fi
[ "${1:-}" = -- ] && shift
if ! targets | grep -x "$target" >/dev/null; then
  echo "fuzz: unknown target '$target' (scripts/fuzz.sh --list)" >&2
  exit 2
fi

# clang-16 and its sanitizer runtimes (libFuzzer is in libclang-rt-16-dev).
missing=()
for p in clang-16 libclang-rt-16-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "fuzz: installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi

. scripts/build-env.sh
if [ "${IMAGEBANK_FUZZ_NO_BUILD:-0}" != 1 ]; then
  [ -f build/fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
  cmake --build build/fuzz --target "fuzz_$target" -- -j"${IMAGEBANK_BUILD_JOBS:-2}" >&2
fi
binary=build/fuzz/tests/fuzz/fuzz_$target

work=${IMAGEBANK_FUZZ_WORK:-build/fuzz-work/$target}
mkdir -p "$work/corpus" "$work/findings"
dict="$work/$target.dict"
: >"$dict"
for d in $(dicts_of "$target"); do cat "$fuzz_dir/dict/$d.dict" >>"$dict"; done

seeds=("$fuzz_dir/corpus/$target")
[ -d "$fuzz_dir/regressions/$target" ] && seeds+=("$fuzz_dir/regressions/$target")

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [ "$merge" = 1 ]; then
  # Inputs of the work folder that reach new coverage join the committed
  # corpus (review their sizes before committing).
  "$binary" -merge=1 "-dict=$dict" "$fuzz_dir/corpus/$target" "$work/corpus"
  exit 0
fi

log="$work/fuzz.log"
jobs=${IMAGEBANK_FUZZ_JOBS:-1}
flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
  -max_len=262144 "-dict=$dict" "-artifact_prefix=$work/findings/"
  -print_final_stats=1)
[ "$jobs" -gt 1 ] && flags+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
echo "fuzz: $target for ${seconds}s (log: $log)" >&2
started="$work/.started"
touch "$started"
status=0
cpu_budget=${IMAGEBANK_FUZZ_CPU:-0}
if [ "$cpu_budget" = 1 ]; then
  if [ "$jobs" -gt 1 ]; then
    echo "fuzz: IMAGEBANK_FUZZ_CPU=1 runs one process (unset IMAGEBANK_FUZZ_JOBS)" >&2
    exit 2
  fi
  # No wall-clock end: the watcher below interrupts the fuzzer (SIGINT, after
  # which libFuzzer prints its final stats) once its CPU time reaches the
  # budget.
  flags[0]=-max_total_time=0
fi
cpu_seconds() {  # utime + stime of process $1, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) / hz) }' \
    "/proc/$1/stat" 2>/dev/null || echo 0
}
"$binary" "${flags[@]}" "$@" "$work/corpus" "${seeds[@]}" >"$log" 2>&1 &
fuzzer=$!
used=0
if [ "$cpu_budget" = 1 ]; then
  while kill -0 "$fuzzer" 2>/dev/null; do
    used=$(cpu_seconds "$fuzzer")
    if [ "$used" -ge "$seconds" ]; then
      kill -INT "$fuzzer" 2>/dev/null || true
      break
    fi
    sleep 5
  done
fi
wait "$fuzzer" || status=$?
# libFuzzer's exit on an interrupt is not a finding.
if [ "$cpu_budget" = 1 ] && [ "$used" -ge "$seconds" ] && grep -q 'run interrupted' "$log"; then
  status=0
fi

# The summary: the last status line, libFuzzer's final stats, findings.
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
# This run's findings (earlier runs' stay in the folder until removed).
findings=$(find "$work/findings" -type f -newer "$started" | wc -l)
[ "$cpu_budget" = 1 ] && seconds="${used}cpu"
echo "target=$target seconds=$seconds execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} corpus=${corpus:-?} findings=$findings exit=$status"
if [ "$findings" -gt 0 ] || [ "$status" -ne 0 ]; then
  grep -E 'ERROR: |SUMMARY: |Test unit written' "$log" | head -n 20 || true
  find "$work/findings" -type f -newer "$started" | head -n 20
fi
exit "$status"
