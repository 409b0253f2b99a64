#!/usr/bin/env bash
# The reliability review's reproductions (issue 16, F1/F6/F7/F9) against the
# release binary: time and peak memory of each, side by side with `scan` on
# the same input where it reads it, and with an older binary when OLD_BIN
# names one. Then the server: one diagnosis of the 80,000-line file while
# /healthz is probed, and eight 25 MiB one-line uploads at once (VmHWM).
# Everything runs on loopback, each command under `timeout`.
# Usage: bash bench/hostile.sh            (OLD_BIN=path/to/m365doctor to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
limit="${LIMIT:-60}"
cargo build --release -q -p m365doctor
bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/m365doctor"
old="${OLD_BIN:-}"
work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------- inputs
python3 - "$work" <<'PY'
import os, random, sys
w = sys.argv[1]
open(f"{w}/q80000.txt", "w").write("Error code: 0xCAA70004\n" * 80000)
open(f"{w}/qev40000.txt", "w").write("Event ID: 1098\n" * 40000)
random.seed(1)
words = ["alpha", "beta", "gamma", "token", "request", "session", "user", "cache", "value", "retry"]
parts, n = [], 0
while n < 50_000_000:
    s = random.choice(words) + str(random.randint(0, 99999)) + " "
    parts.append(s); n += len(s)
parts.insert(len(parts) // 2, "Error code: 0xCAA70004 ")
open(f"{w}/longline50m.txt", "w").write("".join(parts))
# 25 MiB on one line, for the server.
open(f"{w}/oneline25m.txt", "w").write(("x" * 1023 + " ") * (25 * 1024 - 1) + "0x80070005")
# A 200 MB log with a code every 50 lines.
with open(f"{w}/log200m.txt", "w") as f:
    line = "2026-11-20 09:00:00.000 INFO  [Auth] request finished in 35 ms; session state refreshed\n"
    block = line * 49 + "2026-11-20 09:00:01.000 ERROR [Auth] Status code: caa70004\n"
    f.write(block * (200_000_000 // len(block)))
# UTF-8 then UTF-16LE (PowerShell 5's `>>`).
with open(f"{w}/mixed.txt", "wb") as f:
    f.write(b"2026-11-20 09:00:01 Error 0x8004011d\n" * 20)
    f.write("2026-11-20 09:00:02 Status code: caa70004\r\n".encode("utf-16-le"))
PY
truncate -s 2G "$work/sparse2g.log"
mkdir -p "$work/loop2" "$work/fifo" "$work/devlink"
echo 'Error code: 0xCAA70004' >"$work/loop2/a.log"; ln -s . "$work/loop2/s1"; ln -s . "$work/loop2/s2"
echo 'Error code: 0xCAA70004' >"$work/fifo/a.log"; mkfifo "$work/fifo/pipe"
echo 'Error code: 0xCAA70004' >"$work/devlink/a.log"; ln -s /dev/zero "$work/devlink/zero.log"
mkdir -p "$work/kbloop"; ln -s . "$work/kbloop/s1"; ln -s . "$work/kbloop/s2"
# explain --json with 8 arguments of 11,900 codes each (1 MB of argv).
python3 - "$work" <<'PY'
import sys
codes = ",".join(f"0x{0x80070000 + i:08X}" for i in range(11900))
open(f"{sys.argv[1]}/codes.arg", "w").write(codes)
PY

# ---------------------------------------------------------------- CLI
# Prints "seconds  peak-MiB" of one command (killed at $limit seconds).
measure() {
    /usr/bin/time -f "%e %M" -o "$work/time" timeout "$limit" "$@" >/dev/null 2>&1 || true
    local secs kib
    read -r secs kib < <(tail -1 "$work/time")
    printf '%6.2f s %7.1f MiB' "$secs" "$(echo "$kib / 1024" | bc -l)"
}
# The exit status (124: killed at the limit), from a second run.
status_of() { timeout "$limit" "$@" >/dev/null 2>&1 && echo 0 || echo $?; }

printf '%-34s | %-22s %-4s | %-22s' "probe" "m365doctor (new)" "exit" "scan, same input"
[ -n "$old" ] && printf ' | %-22s %-4s' "old binary" "exit"
echo
row() {
    local name=$1 scan_input=$2; shift 2
    printf '%-34s | %s %-4s | ' "$name" "$(measure "$bin" "$@")" "$(status_of "$bin" "$@")"
    if [ -n "$scan_input" ]; then printf '%s' "$(measure "$bin" scan --json $scan_input)"; else printf '%-22s' "-"; fi
    if [ -n "$old" ]; then printf ' | %s %-4s' "$(measure "$old" "$@")" "$(status_of "$old" "$@")"; fi
    echo
}
row "F1 diagnose 80,000 code lines" "$work/q80000.txt" diagnose "$work/q80000.txt"
row "F1 diagnose --json 80,000 lines" "$work/q80000.txt" diagnose --json "$work/q80000.txt"
row "F1 diagnose 40,000 event-id lines" "$work/qev40000.txt" diagnose --json "$work/qev40000.txt"
row "F1 diagnose 200 MB log (max-input 256M)" "$work/log200m.txt" diagnose --json --max-input 256M "$work/log200m.txt"
row "F7 diagnose 50 MB one line" "$work/longline50m.txt" diagnose --json "$work/longline50m.txt"
row "F7 dsreg 50 MB one line" "" dsreg --json "$work/longline50m.txt"
row "F7 diagnose 2 GiB sparse file" "$work/sparse2g.log" diagnose "$work/sparse2g.log"
row "F7 dsreg 2 GiB sparse file" "" dsreg "$work/sparse2g.log"
row "F7 diagnose /dev/zero (path)" "" diagnose /dev/zero
row "F7 diagnose /dev/urandom (path)" "" diagnose /dev/urandom
printf '%-34s | %s %-4s |\n' "F7 diagnose < /dev/zero" \
    "$(measure sh -c "\"$bin\" diagnose </dev/zero")" "$(status_of sh -c "\"$bin\" diagnose </dev/zero")"
printf '%-34s | %s %-4s |\n' "F7 explain --json 95,200 codes" \
    "$(measure sh -c "ulimit -s 65536; \"$bin\" explain --json \$(for i in 1 2 3 4 5 6 7 8; do cat $work/codes.arg; echo; done)")" \
    "$(status_of sh -c "ulimit -s 65536; \"$bin\" explain --json \$(for i in 1 2 3 4 5 6 7 8; do cat $work/codes.arg; echo; done)")"
row "F6 diagnose, two links to ." "$work/loop2" diagnose --json "$work/loop2"
row "F6 diagnose, FIFO in folder" "$work/fifo" diagnose --json "$work/fifo"
row "F6 diagnose, link to /dev/zero" "$work/devlink" diagnose --json "$work/devlink"
printf '%-34s | %s %-4s |\n' "F6 M365DOCTOR_KB_DIR with a loop" \
    "$(measure env M365DOCTOR_KB_DIR="$work/kbloop" "$bin" explain 0x8004011d)" \
    "$(status_of env M365DOCTOR_KB_DIR="$work/kbloop" "$bin" explain 0x8004011d)"
row "F9 diagnose UTF-8 + UTF-16LE" "$work/mixed.txt" diagnose --json "$work/mixed.txt"
echo
echo "F9 codes found in the mixed file: diagnose $("$bin" diagnose --json "$work/mixed.txt" | python3 -c 'import json,sys; print(sorted(f["code"] for f in json.load(sys.stdin)["findings"]))'),"\
     "scan $("$bin" scan --json "$work/mixed.txt" | python3 -c 'import json,sys; print([(c["code"], c["count"]) for c in json.load(sys.stdin)["codes"]])')"

# ---------------------------------------------------------------- server
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" serve --addr "127.0.0.1:$port" --lang en >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
echo
echo "server (pid $server): idle VmRSS $(awk '/^VmRSS/ {print $2}' /proc/$server/status) KiB"
python3 - "$port" "$work" "$server" <<'PY'
import json, sys, threading, time, urllib.request, urllib.error
port, work, pid = sys.argv[1], sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}"

def post(path, body, out, key):
    start = time.monotonic()
    req = urllib.request.Request(base + path, data=body, headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read(); out[key] = (r.status, time.monotonic() - start)
    except urllib.error.HTTPError as e:
        out[key] = (e.code, time.monotonic() - start)
    except (urllib.error.URLError, ConnectionError) as e:
        # Over the server's upload budget: it answers 503 and closes while
        # the body is still being sent, which the client sees as a reset.
        out[key] = ("closed", time.monotonic() - start)

def probe(stop, latencies):
    while not stop.is_set():
        start = time.monotonic()
        try:
            urllib.request.urlopen(base + "/healthz", timeout=10).read()
            latencies.append(time.monotonic() - start)
        except Exception:
            latencies.append(float("inf"))
        time.sleep(0.1)

def hwm():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024

def scenario(name, bodies, paste_after=0.3):
    out, latencies, stop = {}, [], threading.Event()
    prober = threading.Thread(target=probe, args=(stop, latencies)); prober.start()
    threads = [threading.Thread(target=post, args=("/api/v1/diagnose", b, out, i)) for i, b in enumerate(bodies)]
    for t in threads: t.start()
    time.sleep(paste_after)
    post("/api/v1/diagnose", b"Error code: 0xCAA70004", out, "paste")
    for t in threads: t.join()
    stop.set(); prober.join()
    big = [out[i] for i in range(len(bodies))]
    print(f"{name}: uploads {[(s, round(t, 2)) for s, t in big]}; one-line paste {out['paste'][0]} in {out['paste'][1]:.2f} s; "
          f"/healthz max {max(latencies):.3f} s over {len(latencies)} probes (target < 1 s); VmHWM {hwm():.0f} MiB")

q = open(f"{work}/q80000.txt", "rb").read()
scenario("POST 80,000 code lines (1.8 MB)", [q])
one = open(f"{work}/oneline25m.txt", "rb").read()
scenario("8 x 25 MiB one-line uploads at once", [one] * 8)
PY
echo "server VmRSS after: $(awk '/^VmRSS/ {print $2}' /proc/$server/status) KiB; VmHWM $(awk '/^VmHWM/ {print $2}' /proc/$server/status) KiB"
