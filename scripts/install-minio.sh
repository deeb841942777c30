#!/usr/bin/env bash
# Installs MinIO, the S3-compatible server that the S3 adapter's integration
# tests start on loopback, and prints the path of its binary on the last
# line. Idempotent: a binary of the pinned version already in the cache is
# reused without touching the network.
#
# MinIO is built from source with `go install` (its release tags are not
# semantic versions, so the pin is the Go pseudo-version of one commit).
# A cold build (empty Go module and build caches) takes about 4-5 minutes on
# a 2-core machine; CI should cache ${XDG_CACHE_HOME:-$HOME/.cache}.
#
# Usage: scripts/install-minio.sh
# Environment: IMAGEBANK_MINIO_CACHE overrides the cache directory
# (default ${XDG_CACHE_HOME:-$HOME/.cache}/imagebank/minio); GO overrides
# the go command. The tests find the binary through IMAGEBANK_MINIO or at
# <cache>/bin/minio.
set -euo pipefail

version="v0.0.0-20260212201848-7aac2a2c5b7c"
module="github.com/minio/minio"

cache="${IMAGEBANK_MINIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/imagebank/minio}"
bin="$cache/bin/minio"
stamp="$cache/bin/minio.version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$version" ]; then
  echo "$bin"
  exit 0
fi

go="${GO:-}"
if [ -z "$go" ]; then
  if command -v go >/dev/null 2>&1; then
    go=$(command -v go)
  elif [ -x /usr/local/go/bin/go ]; then
    go=/usr/local/go/bin/go
  fi
fi
if [ -z "$go" ] || ! "$go" version >/dev/null 2>&1; then
  echo "install-minio: no Go toolchain found (not on PATH, not at" \
    "/usr/local/go/bin/go); install Go 1.24 or newer, or set GO=/path/to/go" >&2
  exit 1
fi

echo "install-minio: building $module@$version with $("$go" version)" \
  "(several minutes on a cold cache)" >&2
mkdir -p "$cache/bin"
tmp=$(mktemp -d "$cache/bin/.install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# GOTOOLCHAIN=local: use the Go that is installed, never fetch another one.
# CGO_ENABLED=0: a static binary, as MinIO's own releases are.
if ! GOBIN="$tmp" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod \
  "$go" install "$module@$version" >&2; then
  echo "install-minio: 'go install $module@$version' failed (see above)" >&2
  exit 1
fi
"$tmp/minio" --version >/dev/null
mv -f "$tmp/minio" "$bin"
echo "$version" >"$stamp"
echo "$bin"
