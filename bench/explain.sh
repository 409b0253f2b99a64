#!/usr/bin/env bash
# Times `m365doctor explain 0x8004011d --json` as a whole process against a
# trivial process (/bin/true), side by side, and prints medians and the ratio.
# Target: under 5 ms median and under 5x the trivial process.
# Usage: bash bench/explain.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-300}"
if ! command -v hyperfine >/dev/null; then
  apt-get install -y -qq hyperfine >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq hyperfine; }
fi
cargo build --release -q -p m365doctor
bin=target/release/m365doctor
out=$(mktemp)
hyperfine -N --warmup 30 --runs "$runs" --export-json "$out" \
  "/bin/true" \
  "$bin explain 0x8004011d --json" \
  "$bin explain 0x8004011d 1001 CAA20002 CAA50021 0x80048823 --json" >/dev/null
python3 - "$out" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
base = res[0]["median"]
print(f"{'command':64} {'median':>10} {'mean':>10} {'ratio':>7}")
for r in res:
    print(f"{r['command'][-64:]:64} {r['median']*1e3:8.3f}ms {r['mean']*1e3:8.3f}ms {r['median']/base:6.2f}x")
one = res[1]["median"]
ok = one < 0.005 and one / base < 5
print(f"\nexplain 0x8004011d --json: {one*1e3:.3f} ms median, {one/base:.2f}x /bin/true -> {'within' if ok else 'OVER'} target (< 5 ms, < 5x)")
PY
ls -l "$bin" | awk '{print "binary size:", $5, "bytes"}'
rm -f "$out"
