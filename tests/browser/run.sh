#!/usr/bin/env bash
# Browser journeys in real Chromium against a fresh `diapath demo`.
# Needs node/npm and Chromium (Debian package `chromium`). On a newcomer's machine a
# missing piece skips the tests with a message; under CI=true it is an error.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"

missing=""
command -v node >/dev/null 2>&1 || missing="node"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium" ] || missing="$missing chromium"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "browser tests: missing$missing" >&2
        exit 1
    fi
    echo "browser tests skipped: missing$missing (install them, e.g. apt-get install chromium nodejs npm)"
    exit 0
fi

npm ci --no-audit --no-fund --silent

target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --locked -q -p diapath)
bin="$target/debug/diapath"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18765)"
"$bin" demo --db "$work/demo.db" --port "$port" --patients 40 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        cat "$work/server.log" >&2
        exit 1
    fi
    sleep 0.5
done

DIAPATH_URL="http://127.0.0.1:$port" CHROMIUM="$chromium" npm test
echo "browser tests passed; screenshots in tests/browser/artifacts/"
