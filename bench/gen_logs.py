#!/usr/bin/env python3
"""Generates a realistic log set for the scan benchmark: Office/Teams/WAM-style
log lines with time stamps, GUIDs, versions, ports, sizes, PIDs and, in about
one line in 40, a sign-in error code in one of its real forms. With `ja` the
messages are Japanese, as on a Japanese Windows PC (labels `エラー コード:`, `相関 ID:`).
Usage: gen_logs.py DIR TOTAL_MIB [FILES] [ja]. Deterministic (fixed seed)."""
import os, random, sys

out, total_mib = sys.argv[1], int(sys.argv[2])
files = int(sys.argv[3]) if len(sys.argv) > 3 else 64
japanese = len(sys.argv) > 4 and sys.argv[4] == "ja"
rng = random.Random(20261127)
os.makedirs(out, exist_ok=True)

codes = ["0x80072EE7", "0x80072ee2", "caa70004", "CAA50021", "0xCAA20003", "3399614467",
         "-2147221219", "0x8004011D", "AADSTS50126", "AADSTS50076", "0xC000006D",
         "0x801c0021/0x80072ee2", "80090016", "0x80048823", "AADSTS700082"]
templates = [
    "{ts} [{pid}:{tid}] INFO  WAM: Acquiring token for resource https://outlook.office365.com client {guid}",
    "{ts} [{pid}:{tid}] DEBUG Http request to login.microsoftonline.com:443 took {ms} ms, {size} bytes",
    "{ts} [{pid}:{tid}] INFO  Office version 16.0.{build}.{rev}, build {build}",
    "{ts} [{pid}:{tid}] VERBOSE Telemetry event {guid} queued (line {line})",
    "{ts} [{pid}:{tid}] INFO  Connecting to 192.0.2.{ip}:{port}",
    "{ts} [{pid}:{tid}] WARN  Retrying request {guid} after {ms} ms",
]
error_templates = [
    "{ts} [{pid}:{tid}] ERROR Token acquisition failed: Error code: {code} CorrelationId: {guid}",
    "{ts} [{pid}:{tid}] ERROR hr={code} while calling broker",
    "{ts} [{pid}:{tid}] ERROR Status code: {code}",
]

if japanese:
    templates = [
        "{ts} [{pid}:{tid}] 情報 WAM: リソース https://outlook.office365.com のトークンを取得しています (クライアント {guid})",
        "{ts} [{pid}:{tid}] 詳細 login.microsoftonline.com:443 への要求に {ms} ms かかりました ({size} バイト)",
        "{ts} [{pid}:{tid}] 情報 Office バージョン 16.0.{build}.{rev}、ビルド {build}",
        "{ts} [{pid}:{tid}] 詳細 テレメトリ イベント {guid} をキューに追加しました (行 {line})",
        "{ts} [{pid}:{tid}] 情報 192.0.2.{ip}:{port} に接続しています",
        "{ts} [{pid}:{tid}] 警告 要求 {guid} を {ms} ms 後に再試行します",
    ]
    error_templates = [
        "{ts} [{pid}:{tid}] エラー トークンを取得できませんでした。エラー コード: {code} 相関 ID: {guid}",
        "{ts} [{pid}:{tid}] エラー ブローカーの呼び出し中に hr={code}",
        "{ts} [{pid}:{tid}] エラー 状態コード: {code}",
    ]

def line():
    d = dict(ts="2026-11-%02d %02d:%02d:%02d.%03d" % (rng.randint(1, 27), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999)),
             pid=rng.randint(1000, 40000), tid=rng.randint(1000, 40000),
             guid="%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(48)),
             ms=rng.randint(1, 5000), size=rng.randint(100, 10_000_000), build=rng.randint(15000, 18200), rev=rng.randint(20000, 20300),
             line=rng.randint(1, 5000), ip=rng.randint(1, 254), port=rng.choice([443, 80, 8080, 3128]), code=rng.choice(codes))
    t = rng.choice(error_templates) if rng.random() < 0.025 else rng.choice(templates)
    return t.format(**d) + "\n"

pool = [line() for _ in range(200_000)]
per_file = total_mib * 1024 * 1024 // files
for f in range(files):
    with open(os.path.join(out, "office-%03d.log" % f), "w", encoding="utf-8") as fh:
        written = 0
        while written < per_file:
            chunk = "".join(rng.choices(pool, k=2000))
            fh.write(chunk)
            written += len(chunk.encode())
