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

# The browser test drives Chromium; a clean machine gets Debian's, as it gets PostgreSQL.
if [ -z "${ULES_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: Chromium is not installed; install it (apt-get install chromium) or set ULES_CHROMIUM" >&2
        exit 1
    fi
    echo "test.sh: Chromium not found, installing the Debian package..." >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

# The report tests read the PDFs back with pdftotext and leave their first pages as PNG (pdftoppm);
# both come with Debian's poppler-utils.
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: pdftotext is not installed; install it (apt-get install poppler-utils)" >&2
        exit 1
    fi
    echo "test.sh: pdftotext not found, installing the Debian package..." >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi

go test "$@"
