#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for the tests: its own data directory under a
# temporary directory, listening on loopback only, with its socket in that directory.
#
#   eval "$(.ci/postgres.sh start)"   # prints `export REACTIVE_POSTGRES_URL=…` and PG_TEST_DIR
#   cargo test -p reactive-sourcing --features postgres
#   .ci/postgres.sh stop "$PG_TEST_DIR"
#
# `start` also exports REACTIVE_POSTGRES_RESTART, the command the restart tests run
# (`.ci/postgres.sh restart DIR`: an immediate shutdown, like a crash, then a start on the same
# data directory, which recovers from the WAL).
#
# Installs Debian's `postgresql` package only when `initdb`/`pg_ctl` cannot be found. PostgreSQL
# refuses to run as root, so as root the server runs as the `postgres` user the package creates.
# The port is REACTIVE_POSTGRES_PORT (default 54329).
set -euo pipefail

find_bin() {
    local name=$1 candidate
    if candidate=$(command -v "$name" 2>/dev/null); then echo "$candidate"; return 0; fi
    for candidate in /usr/lib/postgresql/*/bin/"$name"; do
        if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
    done
    return 1
}

as_server_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    if ! find_bin initdb >/dev/null || ! find_bin pg_ctl >/dev/null; then
        echo "postgres.sh: installing PostgreSQL from Debian's packages" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    local initdb pg_ctl port dir
    initdb=$(find_bin initdb)
    pg_ctl=$(find_bin pg_ctl)
    port=${REACTIVE_POSTGRES_PORT:-54329}
    dir=$(mktemp -d /tmp/reactive-postgres.XXXXXX)
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    as_server_user "$initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # Tests run in parallel, each in its own schema: allow more connections than the default.
    as_server_user "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=on" start >&2 \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "export PG_TEST_DIR=$dir"
    echo "export REACTIVE_POSTGRES_RESTART='$(cd "$(dirname "$0")" && pwd)/postgres.sh restart $dir'"
    echo "export REACTIVE_POSTGRES_URL='host=127.0.0.1 port=$port user=postgres dbname=postgres'"
}

stop() {
    local dir=${1:-${PG_TEST_DIR:-}}
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "postgres.sh stop: no server directory given" >&2; exit 1; }
    as_server_user "$(find_bin pg_ctl)" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
}

restart() {
    local dir=${1:-}
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "postgres.sh restart: no server directory given" >&2; exit 1; }
    # Immediate mode: the server stops at once, without a shutdown checkpoint, as in a crash or
    # a power cut, and replays its WAL when it starts again; so the restart tests also prove
    # that acknowledged appends survive recovery. (A clean shutdown's checkpoint took up to
    # half a minute on a busy disk.) pg_ctl restart keeps the server's options (postmaster.opts).
    as_server_user "$(find_bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -m immediate -w -t 60 restart >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    restart) restart "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR | restart DIR" >&2; exit 2 ;;
esac
