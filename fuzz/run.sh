#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s in all, shared).
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
mkdir -p corpus/extract
cp corpus/explain/seed-* corpus/extract/ 2>/dev/null || true
printf 'Status code: caa70004\nCorrelation ID: 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\nTimestamp: 2026-11-20T00:41:07Z\nUser: a@b.example 192.0.2.1\n' > corpus/extract/seed-dialog
mkdir -p corpus/dsreg
cp ../crates/dsreg/tests/data/samples/*.txt corpus/dsreg/ 2>/dev/null || true
mkdir -p corpus/diagnose
cp corpus/extract/seed-dialog corpus/diagnose/ 2>/dev/null || true
cp ../crates/diagnose/data/*.txt corpus/diagnose/ 2>/dev/null || true
mkdir -p corpus/signins
cp ../crates/signins/tests/data/graph-v1-page.json ../crates/signins/tests/data/eventhub-capture.json corpus/signins/ 2>/dev/null || true
cp ../crates/signins/tests/data/portal/InteractiveSignIns_*.csv ../crates/signins/tests/data/log-analytics/*.json corpus/signins/ 2>/dev/null || true
head -c 4000 ../crates/signins/tests/data/graph-beta-collector.json > corpus/signins/collector-head 2>/dev/null || true
mkdir -p corpus/redact
cp ../crates/diagnose/tests/redaction_corpus/inputs/*.log corpus/redact/ 2>/dev/null || true
mkdir -p corpus/text_decoder
# A UTF-8 log with UTF-16LE appended (PowerShell 5's `>>`), read in pieces of 7 bytes.
{ printf '\007Error 0x8004011d\n'; printf 'AADSTS50126\r\n' | iconv -f UTF-8 -t UTF-16LE; } > corpus/text_decoder/seed-mixed 2>/dev/null || true
each=$(( seconds / 7 > 0 ? seconds / 7 : 1 ))
for target in explain extract dsreg diagnose signins redact text_decoder; do
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$each" -rss_limit_mb=2048 -max_len=65536
done
