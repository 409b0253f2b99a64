#!/usr/bin/env bash
# Offline checks of the KQL that `m365doctor signins --kql` emits:
#  1. static: every query analysed by Microsoft's Kusto language service
#     (npm @kusto/language-service-next, pinned in package-lock.json) against
#     the table schemas in schemas.json: zero diagnostics, the output columns
#     of expected.json, and negative tests that prove the check bites;
#  2. differential: the queries executed by duckdb-kql (PyPI, pinned) on a
#     synthetic Log Analytics export must give the numbers of `--json` on the
#     same file, with default and with changed thresholds.
# Installs Node.js/npm and python3-venv from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd ../../.. && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK="$TARGET_DIR/kql-check"
mkdir -p "$WORK"

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
fi
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    echo "kql: installing ${missing[*]} from Debian"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
npm ci --no-audit --no-fund --loglevel=error

VENV="$WORK/venv"
if [ ! -x "$VENV/bin/python" ]; then
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
        python3 -m venv "$VENV"
    fi
fi
"$VENV/bin/pip" install -q --disable-pip-version-check duckdb-kql==1.1.2 duckdb==2.0.1 antlr4-python3-runtime==4.13.2

cargo build -q -p m365doctor
BIN="$TARGET_DIR/debug/m365doctor"

echo "== KQL: static check with the Kusto language service =="
# A lookup with quotes and a backslash in the id: escaping must hold.
"$BIN" signins --kql --correlation "6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f'\"; union *\\" > "$WORK/queries.kql"
node check.mjs "$WORK/queries.kql" expected.json
"$BIN" signins --kql --threshold spray-window-minutes=15 --threshold top=3 --threshold kql-lookback-days=7 > "$WORK/queries-changed.kql"
node check.mjs "$WORK/queries-changed.kql" expected.json

echo "== KQL: differential test with duckdb-kql =="
cargo run -q -p m365doctor-signins --example synth -- \
    --shape log-analytics-json --users 40 --days 2 --per-user-day 20 --out "$WORK/la.json"
"$VENV/bin/python" differential.py "$BIN" "$WORK/la.json"
"$VENV/bin/python" differential.py "$BIN" "$WORK/la.json" \
    --threshold spray-min-users=5 --threshold spray-window-minutes=30 --threshold brute-min-attempts=10 \
    --threshold lockout-min-events=3 --threshold mfa-min-denials=3 --threshold mfa-window-minutes=15 \
    --threshold top=5 --threshold top-values=3 --threshold spike-min-score=4 --threshold spike-bucket-minutes=30
