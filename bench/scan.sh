#!/usr/bin/env bash
# Times `m365doctor scan` on a generated, realistic log set against ripgrep 15
# counting the same code shapes, side by side in one run, and prints medians,
# the ratio and m365doctor's peak memory.
# Usage: bash bench/scan.sh [SIZE_MIB] [RUNS]   (default 1024 MiB, 5 runs; JA_MIB=64)
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1024}"
runs="${2:-5}"
dir="${BENCH_DIR:-/tmp/m365doctor-bench-logs-$size}"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
if ! rg --version 2>/dev/null | grep -q '^ripgrep 15'; then
  cargo install ripgrep --locked --version '^15' -q
fi
[ -d "$dir" ] || python3 bench/gen_logs.py "$dir" "$size" 64
cargo build --release -q -p m365doctor
bin="${CARGO_TARGET_DIR:-target}/release/m365doctor"
# The shapes scan recognises on their own: 0x + 8 hex, CAA + 5 hex, AADSTS + digits,
# signed and unsigned 10-digit decimals, bare 8-hex words.
pattern='\b(0[xX][0-9a-fA-F]{8}|[cC][aA][aA][0-9a-fA-F]{5}|AADSTS[0-9]+|-?[0-9]{10}|[0-9a-fA-F]{8})\b'
out=$(mktemp)
# hyperfine -N splits its command like a shell would: unquoted, `\b` would reach
# rg as a plain `b` (a different, much cheaper pattern). The single quotes keep
# it whole; the counts printed below show what each tool really matched.
hyperfine -N --warmup 1 --runs "$runs" --export-json "$out" \
  "rg -c -e '$pattern' $dir" \
  "$bin scan --json $dir" >/dev/null
rg -c -e "$pattern" "$dir" | awk -F: '{n += $NF} END {print "rg: lines matching the code shapes:", n}'
"$bin" scan --json "$dir" | python3 -c '
import json, sys
codes = json.load(sys.stdin)["codes"]
print("m365doctor scan: codes", len(codes), "occurrences", sum(c["count"] for c in codes))'
python3 - "$out" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
rg, scan = res[0]["median"], res[1]["median"]
for r in res:
    print(f"{r['command'][:70]:70} median {r['median']:.3f} s  (min {r['min']:.3f}, max {r['max']:.3f})")
print(f"scan / rg = {scan / rg:.2f}x  (target: <= 1.00x)")
PY
# A smaller Japanese log set (JA_MIB, default 64; 0 skips it): lines with
# non-ASCII text take other paths in both tools.
ja_size="${JA_MIB:-64}"
if [ "$ja_size" -gt 0 ]; then
  ja_dir="${BENCH_DIR_JA:-/tmp/m365doctor-bench-logs-ja-$ja_size}"
  [ -d "$ja_dir" ] || python3 bench/gen_logs.py "$ja_dir" "$ja_size" 16 ja
  hyperfine -N --warmup 1 --runs 3 --export-json "$out.ja" \
    "rg -c -e '$pattern' $ja_dir" \
    "$bin scan --json $ja_dir" >/dev/null
  python3 - "$out.ja" "$ja_size" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
print(f"Japanese log set ({sys.argv[2]} MiB): rg median {res[0]['median']:.3f} s, "
      f"scan median {res[1]['median']:.3f} s, scan / rg = {res[1]['median'] / res[0]['median']:.2f}x")
PY
  rm -f "$out.ja"
fi
/usr/bin/time -v "$bin" scan --json "$dir" 2>"$out.time" >/dev/null
awk -F': ' '/Maximum resident set size/ {printf "m365doctor scan peak memory: %.1f MiB (target < 100 MiB)\n", $2/1024}' "$out.time"
du -sh "$dir" | awk '{print "log set:", $1}'
rm -f "$out" "$out.time"
