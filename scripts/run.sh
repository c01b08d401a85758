#!/usr/bin/env bash
# run.sh serves Ules: it uses DATABASE_URL when set, otherwise starts a private cluster under .data/,
# migrates, loads the demo data into an empty database, and serves.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ules="$root/bin/ules"

if [ -z "${DATABASE_URL:-}" ]; then
    port=${ULES_PG_PORT:-54329}
    mkdir -p "$root/.data"
    chmod 755 "$root/.data"
    "$here/pg.sh" start "$root/.data/pg" "$port"
    export DATABASE_URL="postgres://postgres@localhost:$port/ules?sslmode=disable"
    if ! psql "postgres://postgres@localhost:$port/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'ules'" | grep -q 1; then
        psql "postgres://postgres@localhost:$port/postgres" -qc "CREATE DATABASE ules" >/dev/null
    fi
    echo "PostgreSQL: $DATABASE_URL (stop it with: scripts/pg.sh stop .data/pg)"
fi

"$ules" migrate
"$ules" demo --if-empty
exec "$ules" serve
