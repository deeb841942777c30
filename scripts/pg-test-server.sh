#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: Debian's
# postgresql binaries, a cluster in a temp directory, loopback only, on a free
# port. Nothing outside DIR is touched.
#
#   scripts/pg-test-server.sh start DIR     initdb (once) + start; prints the
#                                           server URI (database "postgres")
#   scripts/pg-test-server.sh createdb DIR NAME   prints the new database's URI
#   scripts/pg-test-server.sh restart DIR [SECONDS]   down for SECONDS
#                                           (default 10), up on the same port
#   scripts/pg-test-server.sh stop DIR      stops it and deletes the cluster
#
# PostgreSQL refuses to run as root; as root the server runs as the
# `postgres` user that Debian's package creates, and DIR is handed to it.
set -euo pipefail

die() { echo "pg-test-server: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 start|createdb|restart|stop DIR [NAME|SECONDS]"
cmd=$1
dir=$(realpath -m "$2")

bindir=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/pg_ctl" ] && bindir=$d
done
if [ -z "$bindir" ]; then
  command -v pg_ctl >/dev/null || die "PostgreSQL server binaries not found (install Debian's postgresql package: scripts/install-deps.sh --test)"
  bindir=$(dirname "$(command -v pg_ctl)")
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# As root the cluster lives in a directory of its own under /tmp, owned by
# `postgres`: DIR's parents (a pytest or mktemp directory) are often closed
# to other users. DIR keeps the port and the cluster's location.
if [ "$(id -u)" = 0 ]; then
  base="/tmp/imagebank-pg-$(printf '%s' "$dir" | sha1sum | cut -c1-16)"
else
  base="$dir"
fi
data="$base/data"
sock="$base/sock"

case "$cmd" in
  start)
    mkdir -p "$dir" "$base" "$sock"
    if [ "$(id -u)" = 0 ]; then
      getent passwd postgres >/dev/null || die "user 'postgres' missing (Debian's postgresql package creates it)"
      chown postgres: "$base" "$sock"
      chmod 700 "$base"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$data" -A trust -U imagebank -E UTF8 \
        --locale=C >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; die "initdb failed"; }
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # fsync off: a test cluster is thrown away; durability is SQLite's and
    # the server's business, not what these tests measure.
    as_owner "$bindir/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >/dev/null || { cat "$base/server.log" >&2; die "server did not start"; }
    echo "$port" >"$dir/port"
    echo "postgresql://imagebank@127.0.0.1:$port/postgres"
    ;;
  createdb)
    [ $# -ge 3 ] || die "usage: $0 createdb DIR NAME"
    port=$(cat "$dir/port")
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U imagebank "$3"
    echo "postgresql://imagebank@127.0.0.1:$port/$3"
    ;;
  restart)
    # Stops the server (as a crash would: immediate), keeps it down for
    # SECONDS (default 10), then starts it again on the same port.
    port=$(cat "$dir/port")
    as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null
    sleep "${3:-10}"
    as_owner "$bindir/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >/dev/null || { cat "$base/server.log" >&2; die "server did not start again"; }
    ;;
  stop)
    if [ -f "$data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null
    fi
    [ "$base" = "$dir" ] || rm -rf "$base"
    ;;
  *) die "unknown command '$cmd'" ;;
esac
