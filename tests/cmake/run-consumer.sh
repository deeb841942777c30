#!/usr/bin/env bash
# Builds tests/cmake/consumer against (1) an install tree made from BUILD_DIR
# and (2) the source tree with add_subdirectory, runs it on test images and
# checks what it prints. Usage: tests/cmake/run-consumer.sh BUILD_DIR
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:?usage: run-consumer.sh BUILD_DIR}" && pwd)
work="$build/consumer-test"
rm -rf "$work"
mkdir -p "$work"

cmake --install "$build" --prefix "$work/install" >/dev/null
# Public headers must not pull in third-party headers.
if grep -rEn '#include <(jpeglib|spng|png|webp/|avif/|lcms2|boost/|soci/|openssl/|CLI/)' \
    "$work/install/include/imagebank"; then
  echo "run-consumer: an installed public header includes a third-party header" >&2
  exit 1
fi

version=$(sed -n 's/^#define IMAGEBANK_VERSION_STRING "\(.*\)"$/\1/p' \
  "$work/install/include/imagebank/version.hpp")
[ -n "$version" ] || { echo "run-consumer: no version in version.hpp" >&2; exit 1; }

check() {  # check BIN
  local out
  out=$("$1" "$repo/tests/data/orient6.jpg" "$repo/tests/data/animated.webp")
  local want="imagebank $version"$'\njpeg 64x48 orientation=6\nwebp 64x48 orientation=1'
  if [ "$out" != "$want" ]; then
    printf 'run-consumer: unexpected output from %s:\n%s\n' "$1" "$out" >&2
    exit 1
  fi
  if "$1" /nonexistent.jpg >/dev/null; then
    echo "run-consumer: a missing file did not fail" >&2
    exit 1
  fi
}

cmake -S "$repo/tests/cmake/consumer" -B "$work/find_package" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/install" >/dev/null
cmake --build "$work/find_package" >/dev/null
check "$work/find_package/consumer"
echo "consumer (find_package from an install tree): ok"

# A Release build two levels below the clone (build/consumer-subdir), as the
# release preset's: with ccache (scripts/build-env.sh) the library's objects
# are the ones the other Release builds compiled, so this costs a link.
subdir="$repo/build/consumer-subdir"
rm -rf "$subdir"
cmake -S "$repo/tests/cmake/consumer" -B "$subdir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DIMAGEBANK_SOURCE_DIR="$repo" >/dev/null
cmake --build "$subdir" >/dev/null
check "$subdir/consumer"
echo "consumer (add_subdirectory): ok"

cmake -S "$repo/tests/cmake/find_soci" -B "$work/find_soci" -G Ninja >/dev/null
cmake --build "$work/find_soci" >/dev/null
[ "$("$work/find_soci/find_soci")" = "ABC123" ] || {
  echo "run-consumer: the SOCI round trip failed" >&2; exit 1; }
echo "FindSOCI (SOCI::sqlite3, SOCI::postgresql): ok"
