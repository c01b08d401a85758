#!/usr/bin/env bash
# pg.sh manages a private PostgreSQL cluster for development and tests.
#   scripts/pg.sh start DIR PORT [extra postgres -c options...]   initialise DIR if needed and start it
#   scripts/pg.sh stop DIR
# initdb refuses to run as root, so as root the cluster belongs to the postgres user.
set -euo pipefail

find_bin() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

bin=$(find_bin)
if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "pg.sh: PostgreSQL is not installed; install it (apt-get install postgresql) or set DATABASE_URL" >&2
        exit 1
    fi
    echo "pg.sh: PostgreSQL not found, installing the Debian package..." >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
    bin=$(find_bin)
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:?usage: pg.sh start DIR PORT | stop DIR}
dir=${2:?missing DIR}
case "$cmd" in
start)
    port=${3:?missing PORT}
    shift 3
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            echo "pg.sh: the postgres user cannot reach $dir (a parent folder is private); set DATABASE_URL instead" >&2
            exit 1
        fi
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 || {
            cat "$dir.initdb.log" >&2
            exit 1
        }
    fi
    if as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        exit 0
    fi
    opts="-p $port -c listen_addresses=localhost -c unix_socket_directories=$dir"
    for o in "$@"; do opts="$opts -c $o"; done
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null || {
        tail -n 20 "$dir/server.log" >&2
        exit 1
    }
    ;;
stop)
    if [ -f "$dir/PG_VERSION" ]; then
        as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "pg.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
