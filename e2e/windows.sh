#!/usr/bin/env bash
# Runs the Windows build of m365doctor under Wine, with Wine's own reg.exe,
# registry and file system standing in for Windows: the fixes that change the
# machine (run, check and undo, on the registry and on profile folders),
# collect with its redaction, explain and diagnose. The unit tests replay
# recorded Windows output; this is the one place the real Windows code paths
# (raw command lines, Windows paths, the real reg.exe) run.
# Usage: bash e2e/windows.sh. Installs MinGW and Wine (Debian) and the Rust
# standard library for Windows when missing; says so and stops (exit 0) when
# it cannot install them.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
skip() {
  echo "skipped: $*"
  exit 0
}
wine=/usr/lib/wine/wine64
if ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! [ -x "$wine" ]; then
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64-win32 wine64 >/dev/null 2>&1; }
  install || { apt-get update -qq >/dev/null 2>&1 && install; } || skip "MinGW and Wine could not be installed here"
fi
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  timeout 600 rustup target add "$target" || skip "the Rust standard library for Windows could not be installed here"
fi
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
cargo build -q --target "$target" -p m365doctor
bin_dir="${CARGO_TARGET_DIR:-target}/$target/debug"
# Rust's standard library asks bcryptprimitives.dll for random numbers
# (ProcessPrng), which Wine 8 does not have: a test-only stand-in passes the
# call to BCryptGenRandom. It is never shipped.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/prng.c" <<'C'
#include <windows.h>
#include <bcrypt.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
C
x86_64-w64-mingw32-gcc -shared -o "$bin_dir/bcryptprimitives.dll" "$work/prng.c" -lbcrypt
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
timeout 300 "$wine" wineboot --init >/dev/null 2>&1 || true
exe="$bin_dir/m365doctor.exe"
m365() { timeout 300 "$wine" "$exe" "$@" 2>&1 | tr -d '\r'; }
reg() { timeout 120 "$wine" reg "$@" 2>&1 | tr -d '\r'; }
checks=0
ok() {
  checks=$((checks + 1))
  echo "ok - $*"
}
fail() {
  echo "FAIL - $*" >&2
  exit 1
}
expect() { # expect WHAT TEXT NEEDLE
  grep -qF -- "$3" <<<"$2" || fail "$1: no \"$3\" in: $2"
  ok "$1"
}

expect "explain" "$(m365 explain 0x8004011d --json)" "MAPI_E_FAILONEPROVIDER"
expect "diagnose --example" "$(m365 diagnose --example --json)" '"code": "0x80072EE7"'
expect "diagnose --lang ja" "$(m365 diagnose --example --lang ja)" "ネットワーク"

# The Office identity in the registry: exported, deleted, checked, restored.
identity='HKCU\Software\Microsoft\Office\16.0\Common\Identity'
reg add "$identity" /v EnableADAL /t REG_DWORD /d 1 /f >/dev/null
reg add "$identity\\Identities\\abc_ADAL" /v EmailAddress /t REG_SZ /d megan@contoso.com /f >/dev/null
before=$(reg query "$identity" /s)
grep -q EmailAddress <<<"$before" || fail "Wine's reg.exe did not store the test key"
expect "fix run reset-office-identity-registry" "$(m365 fix run reset-office-identity-registry --yes)" "done and verified"
reg query "$identity" >/dev/null && fail "the identity key is still there"
ok "the identity key is gone"
expect "fix undo (registry)" "$(m365 fix undo --yes)" ": undone"
[ "$(reg query "$identity" /s)" = "$before" ] || fail "undo did not restore the key exactly"
ok "the identity key is restored exactly"

# A new Outlook profile: new keys and values, undone to the exact registry
# (Exchange's client options do not exist yet, as on many PCs).
outlook='HKCU\Software\Microsoft\Office\16.0\Outlook'
reg add "$outlook" /v DefaultProfile /t REG_SZ /d Outlook /f >/dev/null
reg add "$outlook\Profiles\Outlook\9375CFF0413111d3B88A00104B2A6676" /v Account /t REG_SZ /d x /f >/dev/null
outlook_state() { reg query "$outlook" /s; reg query 'HKCU\Software\Microsoft\Exchange' /s || true; }
before=$(outlook_state)
expect "fix run new-outlook-profile" "$(m365 fix run new-outlook-profile --yes)" "done and verified"
grep -q 'DefaultProfile.*m365doctor' <<<"$(reg query "$outlook" /v DefaultProfile)" || fail "DefaultProfile was not set"
ok "the new profile is the default"
expect "fix undo (Outlook profile)" "$(m365 fix undo --yes)" ": undone"
[ "$(outlook_state)" = "$before" ] || fail "undo did not restore Outlook's keys exactly: $(outlook_state)"
ok "Outlook's keys are restored exactly"

# Profile folders: moved aside into the run's backup, then put back.
local_app_data="$WINEPREFIX/drive_c/users/$(whoami)/AppData/Local"
mkdir -p "$local_app_data/Microsoft/IdentityCache/v1" "$local_app_data/Microsoft/OneAuth/accounts"
echo '{"t":1}' >"$local_app_data/Microsoft/IdentityCache/v1/a.dat"
echo 'account' >"$local_app_data/Microsoft/OneAuth/accounts/b.json"
cp -r "$local_app_data/Microsoft" "$work/microsoft-before"
expect "fix run reset-identity-cache" "$(m365 fix run reset-identity-cache --yes)" "done and verified"
[ ! -e "$local_app_data/Microsoft/IdentityCache" ] || fail "IdentityCache is still there"
ok "the identity cache is moved aside"
expect "fix undo (folders)" "$(m365 fix undo --yes)" ": undone"
diff -r "$work/microsoft-before" "$local_app_data/Microsoft" >/dev/null || fail "undo did not restore the folders"
ok "the folders are restored exactly"
expect "fix history" "$(m365 fix history)" "undone"

# Dry run is the default: nothing moves without --yes.
out=$(m365 fix run reset-identity-cache </dev/null || true)
[ -e "$local_app_data/Microsoft/IdentityCache/v1/a.dat" ] || fail "a run without --yes changed the machine: $out"
ok "no change without --yes"

# collect: the bundle is written and the e-mail address in the registry is redacted.
expect "collect" "$(m365 collect --out 'C:\evidence')" "Evidence bundle written"
zip=$(ls "$WINEPREFIX"/drive_c/evidence/*.zip)
mkdir "$work/bundle"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$work/bundle"
grep -rq "EnableADAL" "$work/bundle" || fail "the bundle lacks the Office identity settings"
if grep -rq "megan@contoso.com" "$work/bundle"; then fail "the bundle holds the e-mail address"; fi
ok "the bundle is redacted"
echo "$checks checks under Wine, all passed"
