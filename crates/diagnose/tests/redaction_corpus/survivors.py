#!/usr/bin/env python3
"""Counts what survives redaction in a built m365doctor's reports of this corpus.

    python3 survivors.py target/release/m365doctor

Runs `diagnose` on the corpus folder as JSON, Markdown and text, and prints
every value of expect.tsv that must be gone but appears in any of them, then
the counts by kind (and the kept values that were lost). Exit status 1 when
anything survives.
"""
import collections
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
binary = os.path.abspath(sys.argv[1])
outputs = {}
for name, args in [("json", ["--json"]), ("markdown", ["--format", "markdown"]), ("text", [])]:
    run = subprocess.run([binary, "diagnose", *args, "."], cwd=os.path.join(here, "inputs"), capture_output=True, timeout=120)
    outputs[name] = run.stdout.decode("utf-8", "replace").lower()

survivors = collections.Counter()
total = collections.Counter()
lost = []
for line in open(os.path.join(here, "expect.tsv"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    expect, file, kind, form, value = line.rstrip("\n").split("\t")
    found = [n for n, o in outputs.items() if value.lower() in o]
    if expect == "gone":
        total[kind] += 1
        if found:
            survivors[kind] += 1
            print(f"survives in {','.join(found)}: {kind} ({form}) {file}: {value}")
    elif len(found) < len(outputs):
        lost.append(f"lost from {','.join(sorted(set(outputs) - set(found)))}: {kind} ({form}) {file}: {value}")

print()
for line in lost:
    print(line)
print(f"\n{'kind':22} survivors / cases")
for kind in sorted(total):
    print(f"{kind:22} {survivors[kind]:3} / {total[kind]}")
print(f"{'all':22} {sum(survivors.values()):3} / {sum(total.values())}")
sys.exit(1 if survivors else 0)
