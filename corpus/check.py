#!/usr/bin/env python3
"""Checks corpus/reports.jsonl against the knowledge base and the corpus rules.

Python 3.11+, standard library only. Run from anywhere:

    python3 corpus/check.py                 # check and print the counts
    python3 corpus/check.py --quiet         # errors only
    python3 corpus/check.py --next-id ja clock   # the id (and split) a new case gets

Exit status 0 when every rule holds, 1 when one does not (each broken rule is
printed with the line number of the report), 2 when a file cannot be read.
See corpus/README.md for the fields and the rules.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FIELDS = {
    "id": str,
    "lang": str,
    "text": str,
    "layers": list,
    "entry": (str, type(None)),
    "actions": list,
    "source_url": str,
    "split": str,
    "apps": list,
    "platform": (str, type(None)),
    "has_code": bool,
    "confirmed_fix": bool,
    "tags": list,
}
LANGS = ("en", "ja")
SPLITS = ("train", "test")
PLATFORMS = ("windows", "macos", "ios", "android", "linux")
# App and product names a report is about (what the user was using when it failed).
APPS = {
    "teams", "teams-new", "teams-classic",
    "outlook", "outlook-new", "outlook-classic", "outlook-mobile",
    "office", "word", "excel", "powerpoint", "onenote",
    "onedrive", "sharepoint", "edge", "browser",
    "azure-cli", "azure-powershell", "graph-powershell", "vscode", "visual-studio",
    "git-credential-manager", "company-portal", "intune-portal", "authenticator",
    "windows", "other",
}
# Every one of these must appear in at least one report (issue 13, item 5).
REQUIRED_APPS = (
    "teams-new", "teams-classic", "outlook-new", "outlook-classic", "office", "word",
    "excel", "onedrive", "azure-cli", "vscode", "git-credential-manager",
    "company-portal", "authenticator", "edge",
)
TAG_RE = re.compile(r"^[a-z0-9-]+(:[a-z0-9-]+)?$")
ID_RE = re.compile(r"^(en|ja)-([a-z-]+)-(\d{3,})$")
NOT_SIGN_IN = "none"  # the stratum name in ids of reports that are not about signing in

# The split rule: within a stratum (language x main layer at the time the case was
# added), cases are numbered 1, 2, 3, ... in the order they were added; numbers whose
# last digit is 1, 4 or 7 are test. Every prefix 1..n of a stratum is then at least
# 30% test, and adding cases never moves an existing case between splits.
TEST_DIGITS = (1, 4, 7)

MIN_REPORTS = 450
MIN_JA_SHARE = 0.30
MIN_NO_CODE_SHARE = 0.40
MIN_PER_LAYER = 15
MIN_OTHER = 5
MIN_NOT_SIGN_IN = 10
MIN_TEST_SHARE = 0.30

# What counts as an error code when deciding has_code: anything m365doctor's code
# grammar could decode (HRESULTs and NTSTATUS in hex or decimal, AADSTS and CAA
# codes, Office's bracketed codes, symbolic names, AD FS event codes, HTTP statuses).
CODE_PATTERNS = [
    r"AADSTS\d{2,}",
    r"\b0x[0-9A-Fa-f]{4,8}\b",
    r"\bCAA[0-9A-Fa-f]{5}\b",
    r"(?<![-\w])[89ACDacd][0-9A-Fa-f]{7}(?![-\w])",
    r"(?<![\w.])-\d{9,10}\b",
    r"\b2147\d{6}\b",
    r"(?<!\w)\[\s*-?\d{3,10}\s*\]",
    r"(?i:error|failure|status|code|エラー|コード|ｺｰﾄﾞ)[ \t]*(?i:code|state|コード|番号|状態)?[ \t]*(?:[:：=#]|is|は)?[ \t]*-?\d{3,}",
    r"\bTag[ \t]*[:=][ \t]*(?:0x)?[0-9A-Za-z]{5,}\b",
    r"\bMSIS\d{4}\b",
    r"\bID\d{4}\b",
    r"\b(?:STATUS|ERROR|SEC_E|NTE|TPM_E|E|ERROR_INTERNET|AAD_CLOUDAP_E)_[A-Z][A-Z_]{2,}\b",
    r"\b(?i:HTTP)(?:/\d(?:\.\d)?)?[ \t]*\d{3}\b",
    r"\b\d{3} (?:Proxy Authentication Required|Unauthorized|Forbidden|Bad Request|Service Unavailable|Bad Gateway)\b",
]
CODE_RE = re.compile("|".join(f"(?:{p})" for p in CODE_PATTERNS))
JA_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
EMOJI_RE = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
LOOKALIKE_RE = re.compile("[\u00d7\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# What each hard-case tag promises about the text (tags without a probe are not checked).
HARD_TAG_PROBES = {
    "very-short": lambda t: len(t) <= 80,
    "emoji": lambda t: EMOJI_RE.search(t) is not None,
    "lookalike": lambda t: LOOKALIKE_RE.search(t) is not None,
    "url": lambda t: re.search(r"https?://\S+[?#]\S*error", t) is not None,
    "html": lambda t: re.search(r"<[a-zA-Z][^>]*>", t) is not None,
    "pasted-ticket": lambda t: "#" in t,
    "mixed-language": lambda t: JA_RE.search(t) is not None and len(re.findall(r"[A-Za-z]{3,}", t)) >= 3,
}


def has_code(text: str) -> bool:
    # Pasted text carries look-alike characters: full-width letters and digits
    # (NFKC folds them) and the multiplication sign for the x of 0x.
    folded = unicodedata.normalize("NFKC", text).replace("\u00d7", "x")
    return CODE_RE.search(folded) is not None


def split_for(number: int) -> str:
    return "test" if number % 10 in TEST_DIGITS else "train"


def load_kb(kb: Path):
    readme = (kb / "README.md").read_text(encoding="utf-8")
    row = next((l for l in readme.splitlines() if l.startswith("| `layer` |")), None)
    if row is None:
        raise SystemExit(f"error: cannot find the layer row in {kb / 'README.md'}")
    layers = re.findall(r"`([a-z-]+)`", row.split("|")[-2])
    entries: dict[str, str] = {}
    steps: dict[str, list[str]] = {}
    for path in sorted(kb.rglob("*.toml")):
        if path.name in ("actions.toml", "EXAMPLE.toml"):
            continue
        with path.open("rb") as f:
            data = tomllib.load(f)
        entries[path.stem] = data.get("layer", "")
        steps[path.stem] = [s.get("action", "") for s in data.get("steps", [])]
    with (kb / "actions.toml").open("rb") as f:
        actions = {a["id"] for a in tomllib.load(f)["actions"]}
    return layers, entries, actions, steps


def read_reports(path: Path):
    reports = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                reports.append((n, json.loads(line)))
            except json.JSONDecodeError as e:
                reports.append((n, e))
    return reports


def check(reports, layers, entries, actions, steps=None):
    errors: list[str] = []
    warnings: list[str] = []
    layer_set = set(layers)
    seen_ids: dict[str, int] = {}
    seen_texts: dict[str, int] = {}
    strata: dict[tuple[str, str], list[int]] = defaultdict(list)
    good = []

    for n, r in reports:
        where = f"line {n}"
        if isinstance(r, Exception):
            errors.append(f"{where}: not JSON: {r}")
            continue
        if not isinstance(r, dict):
            errors.append(f"{where}: not a JSON object")
            continue
        rid = r.get("id")
        if isinstance(rid, str):
            where = f"line {n} ({rid})"
        missing = [k for k in FIELDS if k not in r]
        unknown = [k for k in r if k not in FIELDS]
        if missing:
            errors.append(f"{where}: missing fields {missing}")
        if unknown:
            errors.append(f"{where}: unknown fields {unknown} (document a new field in README.md and here)")
        bad_type = [k for k, t in FIELDS.items() if k in r and not isinstance(r[k], t)]
        if bad_type:
            errors.append(f"{where}: wrong type for {bad_type}")
        if missing or bad_type:
            continue

        if r["lang"] not in LANGS:
            errors.append(f"{where}: lang must be one of {LANGS}")
        text = r["text"]
        if not text.strip():
            errors.append(f"{where}: empty text")
        if r["lang"] == "ja" and not JA_RE.search(text):
            errors.append(f"{where}: lang is ja but the text has no Japanese")
        key = " ".join(text.split()).lower()
        if key in seen_texts:
            errors.append(f"{where}: same text as line {seen_texts[key]}")
        seen_texts.setdefault(key, n)

        ls = r["layers"]
        if len(set(ls)) != len(ls):
            errors.append(f"{where}: a layer is listed twice")
        for layer in ls:
            if layer not in layer_set:
                errors.append(f"{where}: unknown layer {layer!r}")
        entry = r["entry"]
        if entry is not None:
            if entry not in entries:
                errors.append(f"{where}: unknown entry {entry!r}")
            elif entries[entry] not in ls:
                errors.append(f"{where}: entry {entry!r} is in layer {entries[entry]!r}, which is not among its layers {ls}")
        for a in r["actions"]:
            if a not in actions:
                errors.append(f"{where}: unknown action {a!r}")
        if len(set(r["actions"])) != len(r["actions"]):
            errors.append(f"{where}: an action is listed twice")
        tag_kinds = {t.split(":", 1)[0] for t in r["tags"] if isinstance(t, str)}
        # Without a confirmed fix the actions are the entry's standard fix, so they must
        # be among the entry's steps (unless the entry is a poor fit: kb-gap).
        if (steps is not None and entry in steps and not r["confirmed_fix"]
                and "kb-gap" not in tag_kinds):
            off = [a for a in r["actions"] if a not in steps[entry]]
            if off:
                errors.append(f"{where}: confirmed_fix is false, so actions must be the entry's standard steps; {off} are not steps of {entry!r}")
        # fix-gap: the text says what fixed it, but no action id names that fix.
        if "fix-gap" in tag_kinds and r["confirmed_fix"]:
            errors.append(f"{where}: a fix-gap report has confirmed_fix false (no action id names the fix that worked)")
        if "kb-gap" in tag_kinds and not ls:
            errors.append(f"{where}: a kb-gap tag needs a sign-in report (layers not empty)")
        # A hard-case tag must describe the text it is on.
        for t in r["tags"]:
            if isinstance(t, str) and t.startswith("hard:"):
                probe = HARD_TAG_PROBES.get(t[5:])
                if probe is not None and not probe(text):
                    errors.append(f"{where}: tag {t!r} does not fit the text")
        if entry is None and ls and "kb-gap" not in tag_kinds:
            errors.append(f"{where}: a sign-in report without an entry needs a kb-gap:<suggested-entry-id> tag")
        if not ls:
            if entry is not None or r["actions"]:
                errors.append(f"{where}: a report with no layer (not about signing in) has no entry and no actions")
        elif not r["actions"]:
            errors.append(f"{where}: a sign-in report needs at least one action")

        if not re.match(r"^https?://\S+$", r["source_url"]):
            errors.append(f"{where}: source_url is not a URL")
        for app in r["apps"]:
            if app not in APPS:
                errors.append(f"{where}: unknown app {app!r}")
        if r["platform"] is not None and r["platform"] not in PLATFORMS:
            errors.append(f"{where}: platform must be one of {PLATFORMS} or null")
        for t in r["tags"]:
            if not isinstance(t, str) or not TAG_RE.match(t):
                errors.append(f"{where}: bad tag {t!r}")
        if r["has_code"] != has_code(text):
            errors.append(f"{where}: has_code is {r['has_code']} but the text {'has' if has_code(text) else 'has no'} code")
        if not ls and r["confirmed_fix"]:
            errors.append(f"{where}: confirmed_fix must be false for a report that is not about signing in")

        m = ID_RE.match(rid)
        if not m:
            errors.append(f"{where}: id must look like <lang>-<layer>-<number>, e.g. ja-clock-007")
        else:
            lang, stratum, num = m.group(1), m.group(2), int(m.group(3))
            if lang != r["lang"]:
                errors.append(f"{where}: id language differs from lang")
            if stratum != NOT_SIGN_IN and stratum not in layer_set:
                errors.append(f"{where}: id names an unknown layer {stratum!r}")
            current = ls[0] if ls else NOT_SIGN_IN
            if stratum != current:
                warnings.append(f"{where}: main layer is now {current!r}; the id keeps its original stratum {stratum!r}")
            if r["split"] != split_for(num):
                errors.append(f"{where}: split must be {split_for(num)!r} by the split rule (number {num})")
            strata[(lang, stratum)].append(num)
        if rid in seen_ids:
            errors.append(f"{where}: id also used on line {seen_ids[rid]}")
        seen_ids.setdefault(rid, n)
        if r["split"] not in SPLITS:
            errors.append(f"{where}: split must be train or test")
        good.append(r)

    by_entry: dict[str, set[str]] = defaultdict(set)
    for r in good:
        if r["entry"] and r["layers"]:
            by_entry[r["entry"]].add(r["layers"][0])
    for e, mains in sorted(by_entry.items()):
        if len(mains) > 1:
            warnings.append(f"entry {e}: reports give it different main layers {sorted(mains)} (the same situation should get the same label)")

    for (lang, stratum), nums in sorted(strata.items()):
        nums.sort()
        if nums != list(range(1, len(nums) + 1)):
            warnings.append(f"stratum {lang}-{stratum}: numbers are not 1..{len(nums)} (a case was removed?); new cases take {max(nums) + 1}")
        share = sum(split_for(x) == "test" for x in nums) / len(nums)
        if share < MIN_TEST_SHARE - 1e-9:
            errors.append(f"stratum {lang}-{stratum}: test share {share:.2f} is below {MIN_TEST_SHARE}")

    # Quotas.
    total = len(good)
    if total < MIN_REPORTS:
        errors.append(f"quota: {total} reports, at least {MIN_REPORTS} needed")
    if total:
        ja = sum(r["lang"] == "ja" for r in good) / total
        if ja < MIN_JA_SHARE:
            errors.append(f"quota: Japanese share {ja:.2f} is below {MIN_JA_SHARE}")
        no_code = sum(not r["has_code"] for r in good) / total
        if no_code < MIN_NO_CODE_SHARE:
            errors.append(f"quota: share without a code {no_code:.2f} is below {MIN_NO_CODE_SHARE}")
        test = sum(r["split"] == "test" for r in good) / total
        if test < MIN_TEST_SHARE:
            errors.append(f"quota: test share {test:.2f} is below {MIN_TEST_SHARE}")
    main = Counter(r["layers"][0] for r in good if r["layers"])
    for layer in layers:
        need = MIN_OTHER if layer == "other" else MIN_PER_LAYER
        if main[layer] < need:
            errors.append(f"quota: layer {layer} is the main layer of {main[layer]} reports, at least {need} needed")
    not_sign_in = sum(not r["layers"] for r in good)
    if not_sign_in < MIN_NOT_SIGN_IN:
        errors.append(f"quota: {not_sign_in} reports not about signing in, at least {MIN_NOT_SIGN_IN} needed")
    apps = Counter(a for r in good for a in r["apps"])
    for app in REQUIRED_APPS:
        if not apps[app]:
            errors.append(f"quota: no report about {app}")
    platforms = Counter(r["platform"] for r in good)
    for p in PLATFORMS:
        if not platforms[p]:
            errors.append(f"quota: no report on {p}")
    return errors, warnings, good


def table(good, layers):
    rows = []
    cells = defaultdict(Counter)
    for r in good:
        layer = r["layers"][0] if r["layers"] else "(not sign-in)"
        c = cells[layer]
        c["all"] += 1
        c[r["lang"]] += 1
        c[f"{r['lang']}-{r['split']}"] += 1
        c["code"] += r["has_code"]
        c["test"] += r["split"] == "test"
        c["confirmed"] += r["confirmed_fix"]
    order = [l for l in layers if l in cells] + sorted(k for k in cells if k not in layers)
    head = f"{'main layer':<20}{'all':>5}{'en':>5}{'ja':>5}{'en tr/te':>10}{'ja tr/te':>10}{'code':>6}{'test':>6}{'fixed':>7}"
    rows.append(head)
    rows.append("-" * len(head))
    tot = Counter()
    for k in order:
        c = cells[k]
        tot.update(c)
        rows.append(
            f"{k:<20}{c['all']:>5}{c['en']:>5}{c['ja']:>5}"
            f"{c['en-train']:>5}/{c['en-test']:<4}{c['ja-train']:>5}/{c['ja-test']:<4}"
            f"{c['code']:>6}{c['test']:>6}{c['confirmed']:>7}"
        )
    rows.append("-" * len(head))
    rows.append(
        f"{'total':<20}{tot['all']:>5}{tot['en']:>5}{tot['ja']:>5}"
        f"{tot['en-train']:>5}/{tot['en-test']:<4}{tot['ja-train']:>5}/{tot['ja-test']:<4}"
        f"{tot['code']:>6}{tot['test']:>6}{tot['confirmed']:>7}"
    )
    n = tot["all"] or 1
    rows.append(
        f"shares: ja {tot['ja'] / n:.2f}, without code {1 - tot['code'] / n:.2f}, "
        f"test {tot['test'] / n:.2f}, confirmed fix {tot['confirmed'] / n:.2f}"
    )
    apps = Counter(a for r in good for a in r["apps"])
    rows.append("apps: " + ", ".join(f"{a} {c}" for a, c in sorted(apps.items())))
    plats = Counter(r["platform"] or "unknown" for r in good)
    rows.append("platforms: " + ", ".join(f"{p} {c}" for p, c in sorted(plats.items())))
    tags = Counter(t.split(":")[0] + ":" + t.split(":")[1] for r in good for t in r["tags"] if t.startswith("hard:"))
    if tags:
        rows.append("hard cases: " + ", ".join(f"{t[5:]} {c}" for t, c in sorted(tags.items())))
    return "\n".join(rows)


def next_id(reports, lang, stratum):
    nums = [int(m.group(3)) for _, r in reports if isinstance(r, dict)
            for m in [ID_RE.match(str(r.get("id", "")))] if m and m.group(1) == lang and m.group(2) == stratum]
    num = max(nums, default=0) + 1
    return f"{lang}-{stratum}-{num:03d}", split_for(num)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=Path, default=HERE / "reports.jsonl")
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--quiet", action="store_true", help="print errors only")
    ap.add_argument("--warnings", action="store_true", help="also print warnings")
    ap.add_argument("--next-id", nargs=2, metavar=("LANG", "LAYER"),
                    help="print the id and split the next case of this stratum gets (LAYER 'none' for reports not about signing in)")
    args = ap.parse_args(argv)
    try:
        layers, entries, actions, steps = load_kb(args.kb)
        reports = read_reports(args.reports)
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.next_id:
        lang, stratum = args.next_id
        if lang not in LANGS or (stratum != NOT_SIGN_IN and stratum not in layers):
            print(f"error: LANG must be en or ja, LAYER a layer id or {NOT_SIGN_IN}", file=sys.stderr)
            return 2
        rid, split = next_id(reports, lang, stratum)
        print(f"{rid} {split}")
        return 0
    errors, warnings, good = check(reports, layers, entries, actions, steps)
    if not args.quiet:
        print(table(good, layers))
    if args.warnings:
        for w in warnings:
            print(f"warning: {w}")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s) in {args.reports}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"ok: {len(good)} reports, {len(warnings)} warning(s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head and the like
        sys.exit(0)
