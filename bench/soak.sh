#!/usr/bin/env bash
# Soak of `m365doctor serve` under hostile local connections (loopback only,
# bounded: about SECONDS + 5 s). Starts the release build on a free port,
# holds NOREAD connections that pipeline requests and never read the
# answers and SLOW slow-header (slowloris) connections, both reconnecting
# when dropped, while a prober asks GET /healthz and POST /api/v1/diagnose
# (one line) on fresh connections every 250 ms. Prints answered/total,
# how many within 1 s, median and max latency, and the server's peak RSS.
# Usage: bash bench/soak.sh [SECONDS [NOREAD [SLOW]]]   (defaults 30 300 300)
# M365DOCTOR_BIN=/path/to/m365doctor runs another build (e.g. an older one).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
seconds="${1:-30}"
noread="${2:-300}"
slow="${3:-300}"

if [ -n "${M365DOCTOR_BIN:-}" ]; then
    bin="$M365DOCTOR_BIN"
else
    cargo build --release -q -p m365doctor
    bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/m365doctor"
fi
# The client holds NOREAD + SLOW sockets at once.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" serve --addr "127.0.0.1:$port" --lang en >"$work/server.log" 2>&1 &
server=$!
trap 'kill -INT $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$port/healthz" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
echo "server: $bin (pid $server, port $port), $("$bin" --version)"
timeout $((seconds + 60)) python3 bench/soak.py "$port" "$server" "$seconds" "$noread" "$slow"
kill -0 "$server" 2>/dev/null && echo "  server still running after the soak: yes" || echo "  server still running after the soak: NO"
