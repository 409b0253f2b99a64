#!/usr/bin/env bash
# Load benchmark of `m365doctor serve` on loopback with wrk (Debian package):
#   1. GET  /api/v1/explain/0x8004011d            (keep-alive)
#   2. POST /api/v1/diagnose with a 100 KiB log   (keep-alive, text/plain)
# Each run is bounded in time (DURATION seconds, default 10) and in requests
# (at most 300000 for explain and 3000 for diagnose; each wrk thread stops
# after its share), with 8 connections. Prints requests/s, the median and p99
# latency of each, and the server's peak resident memory (VmHWM).
# Usage: bash bench/serve.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
duration="${1:-10}"
connections=8
threads=2

if ! command -v wrk >/dev/null; then
    SUDO=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 ||
        { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk; }
fi

cargo build --release -q -p m365doctor
bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/m365doctor"

work=$(mktemp -d)
# A realistic 100 KiB log: the scan benchmark's generator (fixed seed),
# cut at a line end.
python3 bench/gen_logs.py "$work/logs" 1 8 >/dev/null
python3 - "$work/logs" "$work/log-100k.txt" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
data = b"".join(open(os.path.join(src, f), "rb").read() for f in sorted(os.listdir(src)))
cut = data[:100 * 1024]
cut = cut[:cut.rfind(b"\n") + 1]
open(dst, "wb").write(cut)
PY
# Each wrk thread stops after MAX_PER_THREAD answers (the request bound).
cat >"$work/limit.lua" <<'EOF'
local answered = 0
local limit = tonumber(os.getenv("MAX_PER_THREAD"))
function response(status, headers, body)
  answered = answered + 1
  if answered >= limit then wrk.thread:stop() end
end
EOF
cp "$work/limit.lua" "$work/post.lua"
cat >>"$work/post.lua" <<EOF
local f = assert(io.open("$work/log-100k.txt", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
EOF

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" serve --addr "127.0.0.1:$port" --lang en >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$port/healthz" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
base="http://127.0.0.1:$port"
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
echo "server: $bin (pid $server), idle RSS $(rss_kib) KiB"
echo "log: $(wc -c <"$work/log-100k.txt") bytes, $(wc -l <"$work/log-100k.txt") lines"
# One answer of each, to check that the load measures real work.
sample=$(python3 - "$base" "$work/log-100k.txt" <<'PY'
import json, sys, urllib.request
base, log = sys.argv[1], sys.argv[2]
e = json.load(urllib.request.urlopen(base + "/api/v1/explain/0x8004011d"))
req = urllib.request.Request(base + "/api/v1/diagnose", data=open(log, "rb").read(), headers={"Content-Type": "text/plain"})
d = json.load(urllib.request.urlopen(req))
print(f"explain -> {e['results'][0]['interpretations'][0]['names'][0]}; diagnose -> {len(d['findings'])} findings, top layer {d['layers'][0] if d['layers'] else None}")
PY
)
echo "$sample"

run() {
    local name=$1 max=$2
    shift 2
    local out
    out=$(MAX_PER_THREAD=$((max / threads)) wrk --latency -t "$threads" -c "$connections" -d "${duration}s" --timeout 10s "$@")
    local rps p50 p99 requests errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
    printf '%-44s %10s req/s   p50 %8s   p99 %8s   (%s requests; bound %s or %ss)\n' "$name" "$rps" "$p50" "$p99" "$requests" "$max" "$duration"
    if [ "${requests:-0}" -ge "$max" ]; then
        # wrk still divides by the whole duration once the threads stopped early.
        echo "  note: the request bound was reached before ${duration}s; req/s above is understated"
    fi
    if [ -n "$errors" ]; then
        echo "  ERRORS: $errors"
        return 1
    fi
}

echo
echo "wrk: $threads threads, $connections connections, ${duration}s each, keep-alive"
run "GET  /api/v1/explain/0x8004011d" 300000 -s "$work/limit.lua" "$base/api/v1/explain/0x8004011d"
run "POST /api/v1/diagnose (100 KiB log)" 3000 -s "$work/post.lua" "$base/api/v1/diagnose"
echo
echo "server peak memory (VmHWM): $(awk '/^VmHWM/ {print $2, $3}' "/proc/$server/status"); RSS now $(rss_kib) KiB"
