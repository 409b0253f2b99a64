//! The redaction corpus and the one check every front end's test applies to
//! what it made of it (`diagnose`'s documents, the CLI, the web API, the
//! `collect` bundle). Included by path from each of those tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The corpus folder (every crate that includes this file is a sibling of
/// `diagnose` under `crates/`).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../diagnose/tests/redaction_corpus")
}

/// The folder of the inputs.
pub fn dir() -> PathBuf {
    corpus().join("inputs")
}

/// One line of `expect.tsv`.
#[derive(Debug, Clone)]
pub struct Expect {
    /// Whether the value must be gone from every output (else kept in it).
    pub gone: bool,
    pub file: String,
    pub kind: String,
    pub form: String,
    pub value: String,
}

/// Kinds that are credentials: removed even when redaction is off.
pub const SECRET_KINDS: &[&str] = &[
    "jwt",
    "bearer token",
    "refresh token",
    "password",
    "client secret",
    "cookie",
    "SAS signature",
    "API key",
    "authorization code",
    "credential",
    "token",
];

pub fn expectations() -> Vec<Expect> {
    let text = std::fs::read_to_string(corpus().join("expect.tsv")).expect("expect.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 5, "expect.tsv: {l}");
            assert!(c[0] == "gone" || c[0] == "kept", "expect.tsv: {l}");
            Expect {
                gone: c[0] == "gone",
                file: c[1].to_string(),
                kind: c[2].to_string(),
                form: c[3].to_string(),
                value: c[4].to_string(),
            }
        })
        .collect()
}

/// The corpus's input files, as paths relative to `inputs/` with `/`, and
/// their bytes.
pub fn files() -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(at)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
    let mut out = Vec::new();
    walk(&dir(), &dir(), &mut out);
    out
}

/// The code each line of the corpus's plain-text files carries
/// (`0x8007…`): every one must be quoted in a report, or the check that
/// nothing survives would pass for lines that were never shown.
pub fn line_codes() -> Vec<String> {
    line_codes_of(|_| true)
}

fn line_codes_of(made_from: impl Fn(&str) -> bool) -> Vec<String> {
    let mut codes = Vec::new();
    for (name, bytes) in files() {
        if !(name.ends_with(".log") || name.ends_with(".json")) || !made_from(&name) {
            continue;
        }
        for line in String::from_utf8(bytes).unwrap().lines() {
            let at = line
                .find("0x8007")
                .unwrap_or_else(|| panic!("{name}: a line without its code: {line}"));
            codes.push(line[at..at + 10].to_ascii_lowercase());
        }
    }
    codes
}

/// What is wrong with one output made from the whole corpus: survivors,
/// lost support data, lines never quoted.
pub fn problems(output: &str, secrets_only: bool) -> Vec<String> {
    problems_of(output, secrets_only, |_| true)
}

/// [`problems`] of an output made from only the corpus files `made_from`
/// accepts.
pub fn problems_of(
    output: &str,
    secrets_only: bool,
    made_from: impl Fn(&str) -> bool,
) -> Vec<String> {
    let lower = output.to_lowercase();
    let mut out = Vec::new();
    for e in expectations().into_iter().filter(|e| made_from(&e.file)) {
        let present = lower.contains(&e.value.to_lowercase());
        if e.gone && present && (!secrets_only || SECRET_KINDS.contains(&e.kind.as_str())) {
            out.push(format!(
                "survives: {} ({}) in {}: {}",
                e.kind, e.form, e.file, e.value
            ));
        }
        if !e.gone && !present {
            out.push(format!(
                "lost: {} ({}) from {}: {}",
                e.kind, e.form, e.file, e.value
            ));
        }
    }
    for code in line_codes_of(&made_from) {
        if !lower.contains(&code) {
            out.push(format!("never quoted: the line with {code}"));
        }
    }
    out
}

/// Panics with every problem of `output` (what made it named in `what`).
pub fn assert_clean(what: &str, output: &str) {
    let p = problems(output, false);
    assert!(
        p.is_empty(),
        "{what}: {} problems:\n{}",
        p.len(),
        p.join("\n")
    );
}
