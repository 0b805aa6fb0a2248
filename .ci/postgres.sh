#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: loopback only, trust auth, data in /tmp.
#
# Sourced (what .ci/run does):
#     source .ci/postgres.sh
#     trap pg_stop EXIT
#     pg_start          # exports SMARTCITY_TEST_POSTGRES_URL (and SMARTCITY_PG_DIR)
# Run by hand:
#     eval "$(bash .ci/postgres.sh start)"    # prints the export lines, leaves it running
#     bash .ci/postgres.sh stop               # stops the server named by $SMARTCITY_PG_DIR
#
# Installs Debian's postgresql-15 when initdb is missing (root only), creates the `postgres`
# user when missing (the server refuses to run as root), and never touches the system cluster:
# its own data directory, port and socket directory.

PG_VERSION="${PG_VERSION:-15}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}"
PG_TEST_DB="${PG_TEST_DB:-smartcity_test}"

_pg_log() { echo "postgres.sh: $*" >&2; }

# Run a command as the server's owner: `postgres` when we are root, else ourselves.
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c '"$0" "$@"' -- "$@"
        fi
    else
        "$@"
    fi
}

_pg_install() {
    [ -x "$PG_BIN/initdb" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        _pg_log "$PG_BIN/initdb is missing and we are not root: apt-get install postgresql-$PG_VERSION"
        return 1
    fi
    _pg_log "installing postgresql-$PG_VERSION"
    # No system cluster ("15 main" on port 5432): the tests start their own server.
    local conf=/etc/postgresql-common/createcluster.conf
    mkdir -p "$(dirname "$conf")"
    grep -qs '^create_main_cluster' "$conf" \
        || echo "create_main_cluster = false" >> "$conf"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "postgresql-$PG_VERSION" >&2
}

_pg_user() {
    [ "$(id -u)" -ne 0 ] && return 0
    id -u postgres >/dev/null 2>&1 && return 0
    _pg_log "creating user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
}

_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start the server; exports SMARTCITY_TEST_POSTGRES_URL and SMARTCITY_PG_DIR.
pg_start() {
    local started dir port try
    started=$(date +%s.%N)
    _pg_install || return 1
    _pg_user || return 1
    dir=$(mktemp -d /tmp/smartcity-pg.XXXXXX) || return 1
    SMARTCITY_PG_DIR="$dir"
    export SMARTCITY_PG_DIR
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if ! _pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
            --encoding=UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
        _pg_log "initdb failed:"; cat "$dir/initdb.log" >&2; return 1
    fi
    for try in 1 2 3 4 5; do
        port=$(_pg_free_port) || return 1
        # fsync off: a throwaway server whose data dies with the run.
        if _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
                -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir \
                    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                    -c max_connections=200" start >/dev/null; then
            break
        fi
        _pg_log "start on port $port failed (try $try):"; tail -5 "$dir/server.log" >&2
        port=""
    done
    [ -n "$port" ] || return 1
    for try in $(seq 1 60); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
        sleep 0.5
    done
    if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
        _pg_log "server not ready on port $port:"; tail -20 "$dir/server.log" >&2; return 1
    fi
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$PG_TEST_DB" || return 1
    SMARTCITY_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/$PG_TEST_DB"
    export SMARTCITY_TEST_POSTGRES_URL
    _pg_log "PostgreSQL $PG_VERSION ready on 127.0.0.1:$port in" \
        "$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
           "$started" "$(date +%s.%N)") s (data $dir)"
    echo "export SMARTCITY_PG_DIR=$dir"
    echo "export SMARTCITY_TEST_POSTGRES_URL=$SMARTCITY_TEST_POSTGRES_URL"
}

# Stop the server started by pg_start and remove its data; safe to call when none runs.
pg_stop() {
    local dir="${1:-${SMARTCITY_PG_DIR:-}}"
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    case "$dir" in /tmp/smartcity-pg.*) ;; *) _pg_log "refusing to remove $dir"; return 1 ;; esac
    if [ -f "$dir/data/postmaster.pid" ]; then
        _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || _pg_log "pg_ctl stop failed: see $dir/server.log"
    fi
    rm -rf "$dir"
    unset SMARTCITY_PG_DIR
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-start}" in
        start) pg_start ;;
        stop) pg_stop "${2:-}" ;;
        *) echo "usage: $0 [start|stop [DIR]]" >&2; exit 2 ;;
    esac
fi
