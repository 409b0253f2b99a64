#!/usr/bin/env bash
# Browser end-to-end test of `m365doctor serve`: installs Debian's chromium
# (and Node.js/npm) when missing, installs playwright-core from npm (it never
# downloads a browser of its own), builds the binary, starts the server on a
# free loopback port, runs e2e/test.mjs against it and stops the server.
# Screenshots and the server's log go to target/e2e-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
fi
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e: installing ${missing[*]} from Debian"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
# Japanese glyphs in the screenshots; the test itself does not need them.
if command -v fc-list >/dev/null 2>&1 && ! fc-list :lang=ja | grep -q .; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-ipafont-gothic >/dev/null 2>&1 ||
        echo "e2e: no Japanese font installed; screenshots will show boxes for Japanese text"
fi

node --check crates/serve/src/assets/app.js
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build -q -p m365doctor
BIN="$TARGET_DIR/debug/m365doctor"

SHOTS="$ROOT/target/e2e-screenshots"
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png "$SHOTS"/server.log

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE_URL="http://127.0.0.1:$PORT"
"$BIN" serve --addr "127.0.0.1:$PORT" --lang en >"$SHOTS/server.log" 2>&1 &
SERVER=$!
stop_server() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
}
trap stop_server EXIT

ready=""
for _ in $(seq 1 100); do
    if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$BASE_URL/healthz"; then
        ready=yes
        break
    fi
    if ! kill -0 "$SERVER" 2>/dev/null; then
        break
    fi
    sleep 0.2
done
if [ -z "$ready" ]; then
    echo "e2e: the server did not come up on $BASE_URL" >&2
    cat "$SHOTS/server.log" >&2
    exit 1
fi

BASE_URL="$BASE_URL" \
    EXAMPLE_FILE="$ROOT/crates/diagnose/data/teams-signin-dns.txt" \
    DSREG_FILE="$ROOT/crates/dsreg/tests/data/captures/c03-hybrid-device-disabled.txt" \
    SCREENSHOT_DIR="$SHOTS" \
    node e2e/test.mjs
BIN="$BIN" SCREENSHOT_DIR="$SHOTS" node e2e/signins.mjs
