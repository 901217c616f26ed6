#!/usr/bin/env bash
# Load benchmark (docs/performance.md): the `diapath demo` data set (200 synthetic
# patients with 90 days of CGM each) served from SQLite and from PostgreSQL, with 50
# concurrent signed-in clinicians alternating between the worklist and patient pages
# (crates/load). Prints median, p90 and p99 latency per page for each backend.
#
#   tools/load/run.sh                 # both backends, 50 users, 30 s each
#   USERS=20 SECONDS_MEASURED=10 tools/load/run.sh
#
# PostgreSQL: a scratch database `diapath_load` is created (and dropped afterwards) on
# the server of DIAPATH_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
# without psql or a reachable server that half is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/../.."

users="${USERS:-50}"
seconds="${SECONDS_MEASURED:-30}"
warmup="${WARMUP:-5}"
patients="${PATIENTS:-200}"
pg_base="${DIAPATH_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

cargo build --release --locked -q -p diapath -p diapath-load
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/diapath"
load="$target/release/diapath-load"

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# run LABEL URL: seed, serve, load, stop.
run() {
    local label="$1" url="$2" port
    port="$(free_port)"
    echo "== $label: seeding $patients patients"
    "$bin" demo --seed-only --patients "$patients" --database-url "$url" 2>"$work/seed.log" \
        || { cat "$work/seed.log" >&2; exit 1; }
    "$bin" serve --database-url "$url" --listen "127.0.0.1:$port" --insecure-cookies \
        >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
        kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
        sleep 0.5
    done
    "$load" --url "http://127.0.0.1:$port" --users "$users" --seconds "$seconds" \
        --warmup "$warmup" --label "$label"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
}

run "SQLite" "sqlite://$work/load.db"

if command -v psql >/dev/null 2>&1 && psql "$pg_base" -qAtc 'SELECT 1' >/dev/null 2>&1; then
    psql "$pg_base" -qc 'DROP DATABASE IF EXISTS diapath_load WITH (FORCE)' >/dev/null
    psql "$pg_base" -qc 'CREATE DATABASE diapath_load' >/dev/null
    run "PostgreSQL" "${pg_base%/*}/diapath_load"
    psql "$pg_base" -qc 'DROP DATABASE diapath_load WITH (FORCE)' >/dev/null
else
    echo "== PostgreSQL skipped: psql or the server at $pg_base is not available"
fi
