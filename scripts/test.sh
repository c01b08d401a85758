#!/usr/bin/env bash
# test.sh runs the Go tests against a real PostgreSQL: TEST_DATABASE_URL when set, otherwise a throwaway
# cluster tuned for speed (no fsync) that is removed afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${TEST_DATABASE_URL:-}" ]; then
    dir=$(mktemp -d /tmp/ules-test-pg.XXXXXX)
    port=$((20000 + RANDOM % 20000))
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    cleanup() {
        "$here/pg.sh" stop "$dir/data" || true
        rm -rf "$dir"
    }
    trap cleanup EXIT
    chmod 755 "$dir"
    "$here/pg.sh" start "$dir/data" "$port" fsync=off synchronous_commit=off full_page_writes=off \
        max_connections=200 shared_buffers=256MB
    export TEST_DATABASE_URL="postgres://postgres@localhost:$port/postgres?sslmode=disable"
fi

go test "$@"
