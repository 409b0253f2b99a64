#!/usr/bin/env bash
# Runs the grammar fuzz target for a bounded time (default 60 s).
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 enables them on stable.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
mkdir -p corpus/explain
# Seed with every form the grammar knows, so the fuzzer starts from real codes.
i=0
for seed in 0x8004011d 8004011D 80090016 -2147221219 2147746077 3399614467 CAA20002 caa2000c \
  '0xcaa82ee2/-894947614' 'FAIL [0x801c0021/0x80072ee2]' AADSTS50126 'Error code 1001' '[1001]' \
  0x3e9 c0000234 12002 'エラーコード: CAA50021' '０ｘ８００４０１１Ｄ' 'ERROR (0xd0020017)'; do
  printf '%s' "$seed" > "corpus/explain/seed-$i"; i=$((i + 1))
done
RUSTC_BOOTSTRAP=1 cargo fuzz run explain corpus/explain -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=4096
