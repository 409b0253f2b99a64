#!/usr/bin/env bash
# The text understanding (crates/understand) on one paragraph, English and
# Japanese: in process (median of many calls), as a whole process next to
# /bin/true, and `m365doctor diagnose` of the paragraph as a whole process
# (the real pipeline: loading, codes, dialog texts, understanding, plan,
# text report); plus what it adds to the release binary, against the
# m365doctor of BASE (default: main, whose diagnose does not read words yet;
# built from `git archive` under target/bench-base, nothing else touched).
# Targets (issue 13): a one-paragraph report diagnosed in < 10 ms as a whole
# process; the binary grows by at most 3 MB.
# Usage: bash bench/understand.sh [RUNS]    (BASE=REV to compare with another revision)
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
# The base binary first (it shares target/ and would overwrite ours), then ours.
base_rev="${BASE:-main}"
base_dir=target/bench-base
base_bin="$base_dir/m365doctor-$(git rev-parse --short "$base_rev")"
if [ ! -x "$base_bin" ]; then
  rm -rf "$base_dir/src" && mkdir -p "$base_dir/src"
  git archive "$base_rev" | tar -x -C "$base_dir/src"
  cargo build --release -q -p m365doctor --manifest-path "$base_dir/src/Cargo.toml" --target-dir target
  cp target/release/m365doctor "$base_bin"
  rm -rf "$base_dir/src"
fi
cargo build --release -q -p m365doctor
out="$dir/h.json"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$out" \
  "/bin/true" \
  "target/release/size-probe $dir/en.txt" \
  "target/release/size-probe-understand $dir/en.txt" \
  "$bin --once $dir/en.txt" \
  "$bin --once $dir/ja.txt" \
  "$base_bin diagnose $dir/en.txt" \
  "target/release/m365doctor diagnose $dir/en.txt" \
  "target/release/m365doctor --lang ja diagnose $dir/ja.txt" >/dev/null
python3 - "$out" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
base = res[0]["median"]
names = ["/bin/true", "kb only (size-probe)", "kb + understanding of the paragraph", "understanding, English paragraph",
         "understanding, Japanese paragraph", "m365doctor diagnose of BASE (no words read), English",
         "m365doctor diagnose, English paragraph", "m365doctor diagnose, Japanese paragraph"]
print(f"{'process':52} {'median':>10} {'ratio':>7}")
for n, r in zip(names, res):
    print(f"{n:52} {r['median']*1e3:8.3f}ms {r['median']/base:6.2f}x")
added = res[2]["median"] - res[1]["median"]
print(f"\nwhat understanding adds to a process that has the knowledge base: {added*1e3:.3f} ms")
worst = max(res[6]["median"], res[7]["median"])
print(f"slowest one-paragraph report, m365doctor diagnose as a whole process: {worst*1e3:.3f} ms -> {'within' if worst < 0.010 else 'OVER'} target (< 10 ms)")
print(f"diagnose against BASE's diagnose (English): {res[6]['median']/res[5]['median']:.2f}x")
PY
echo
echo "== size"
before=$(stat -c %s "$base_bin")
after=$(stat -c %s target/release/m365doctor)
echo "m365doctor of BASE ($base_rev, diagnose without the understanding): $before bytes"
echo "m365doctor of this tree:                                        $after bytes"
python3 -c "import sys; d=$after-$before; print(f'growth: {d} bytes ({d/1048576:.2f} MiB) ->', 'within' if d <= 3*1048576 else 'OVER', 'target (<= 3 MiB; includes whatever else differs from BASE)')"
base=$(stat -c %s target/release/size-probe)
with=$(stat -c %s target/release/size-probe-understand)
echo "release binary with the knowledge base:              $base bytes"
echo "the same with m365doctor-understand linked and used: $with bytes"
python3 -c "import sys; d=$with-$base; print(f'growth: {d} bytes ({d/1048576:.2f} MiB) ->', 'within' if d <= 3*1048576 else 'OVER', 'target (<= 3 MiB)')"
