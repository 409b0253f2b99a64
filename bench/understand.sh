#!/usr/bin/env bash
# The text understanding (crates/understand) on one paragraph, English and
# Japanese: in process (median of many calls) and as a whole process next to
# /bin/true, plus what linking it adds to a release binary.
# Targets (issue 13): far below 10 ms per paragraph; binary growth at most 3 MB.
# Usage: bash bench/understand.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-200}"
if ! command -v hyperfine >/dev/null; then
  apt-get install -y -qq hyperfine >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq hyperfine; }
fi
cargo build --release -q -p train-understand --bin understand-bench --bin size-probe --bin size-probe-understand
bin=target/release/understand-bench
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/en.txt" <<'TXT'
Since I changed my password on Monday, Outlook on my work laptop keeps asking for it again and again.
I type it, the box closes and comes back a few minutes later. Teams says "We couldn't sign you in"
now and then. Outlook on the web works fine in Edge, and my phone gets mail without any problem.
We are on the office network, no VPN. Windows 11, Microsoft 365 Apps, new Teams.
TXT
cat > "$dir/ja.txt" <<'TXT'
月曜日にパスワードを変更してから、会社のノート PC の Outlook が何度もパスワードを聞いてきます。
入力すると画面が閉じますが、数分後にまた表示されます。Teams でも時々「サインインできませんでした」と出ます。
Edge で Outlook on the web を開くと問題なく使えますし、スマホのメールも普通に届きます。
社内ネットワークで、VPN は使っていません。Windows 11、Microsoft 365 Apps、新しい Teams です。
TXT
echo "== in process (median of $runs calls; the engine is built once, from compiled tables)"
for lang in en ja; do
  printf '%s: ' "$lang"; "$bin" --runs "$runs" "$dir/$lang.txt"
  printf '%s with the code evidence of diagnose: ' "$lang"; "$bin" --codes --runs "$runs" "$dir/$lang.txt"
done
echo
echo "== whole process (hyperfine, median)"
cargo build --release -q -p m365doctor
out="$dir/h.json"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$out" \
  "/bin/true" \
  "target/release/size-probe $dir/en.txt" \
  "target/release/size-probe-understand $dir/en.txt" \
  "$bin --once $dir/en.txt" \
  "$bin --once $dir/ja.txt" \
  "target/release/m365doctor diagnose $dir/en.txt" >/dev/null
python3 - "$out" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
base = res[0]["median"]
names = ["/bin/true", "kb only (size-probe)", "kb + understanding of the paragraph", "understanding, English paragraph",
         "understanding, Japanese paragraph", "m365doctor diagnose today (no understanding)"]
print(f"{'process':48} {'median':>10} {'ratio':>7}")
for n, r in zip(names, res):
    print(f"{n:48} {r['median']*1e3:8.3f}ms {r['median']/base:6.2f}x")
added = res[2]["median"] - res[1]["median"]
worst = max(res[3]["median"], res[4]["median"])
print(f"\nwhat understanding adds to a process that has the knowledge base: {added*1e3:.3f} ms")
print(f"slowest paragraph, understanding alone as a whole process: {worst*1e3:.3f} ms -> {'within' if worst < 0.010 else 'OVER'} target (< 10 ms)")
PY
echo
echo "== size"
base=$(stat -c %s target/release/size-probe)
with=$(stat -c %s target/release/size-probe-understand)
echo "release binary with the knowledge base:              $base bytes"
echo "the same with m365doctor-understand linked and used: $with bytes"
python3 -c "import sys; d=$with-$base; print(f'growth: {d} bytes ({d/1048576:.2f} MiB) ->', 'within' if d <= 3*1048576 else 'OVER', 'target (<= 3 MiB)')"
