//! Property tests: rewriting whitespace and the case of field names and
//! section titles changes nothing but the raw names; no input panics.

use m365doctor_dsreg::{
    diagnose, normalize_key, parse, parse_bytes, render, to_json, Capture, Lang,
};
use proptest::prelude::*;
use std::path::PathBuf;

const BASES: &[&str] = &[
    "samples/05-dsregcmd-sso-state-prt-failed-aadsts50126.txt",
    "samples/07-dsregcmd-prejoin-diag-syncjoin-directoryerror.txt",
    "samples/10-hybridjoin-doc-legacy-full-status.txt",
    "samples/13-prt-doc-sso-state-failed-fragment.txt",
    "captures/c03-hybrid-device-disabled.txt",
    "captures/c07-domain-joined-drs-timeout-user.txt",
    "captures/c15-entra-registered-two-tenants.txt",
    "captures/c23-hello-cert-trust-not-ready.txt",
    "captures/c27-join-inconsistent-tenant-broken.txt",
    "captures/c30-system-proxy-tls-clock-back.txt",
];

fn base(i: usize) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(BASES[i % BASES.len()]);
    std::fs::read_to_string(path).unwrap()
}

/// A section: kind, normalized title, (key, value) pairs, number of notes.
type NormalSection = (String, String, Vec<(String, String)>, usize);
/// A finding: rule, severity, codes, (section, field, value) evidence.
type NormalFinding = (
    String,
    &'static str,
    Vec<String>,
    Vec<(String, String, String)>,
);

/// What must not change: structure, keys, values, and the diagnosis.
#[derive(Debug, PartialEq)]
struct Normal {
    layout: &'static str,
    footer: bool,
    sections: Vec<NormalSection>,
    join: &'static str,
    context: &'static str,
    findings: Vec<NormalFinding>,
}

fn normal(c: &Capture) -> Normal {
    let r = diagnose(c);
    Normal {
        layout: c.layout.id(),
        footer: c.footer,
        sections: c
            .sections
            .iter()
            .map(|s| {
                (
                    format!("{:?}", s.kind),
                    normalize_key(&s.name),
                    s.fields
                        .iter()
                        .map(|f| (f.key.clone(), f.value.clone()))
                        .collect(),
                    s.notes.len(),
                )
            })
            .collect(),
        join: r.facts.join_type.id(),
        context: r.facts.captured_as.id(),
        findings: r
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.to_string(),
                    f.severity.id(),
                    f.normalized_codes(),
                    f.evidence
                        .iter()
                        .map(|v| {
                            (
                                normalize_key(&v.section),
                                normalize_key(&v.field),
                                v.raw.clone(),
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
    }
}

/// Random choices for one line.
#[derive(Debug, Clone)]
struct Knobs {
    indent: usize,
    sep: usize,
    trail: usize,
    flips: u64,
    space_at: Option<usize>,
    blank_after: bool,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        0usize..8,
        0usize..6,
        0usize..4,
        any::<u64>(),
        proptest::option::of(0usize..40),
        proptest::bool::weighted(0.15),
    )
        .prop_map(|(indent, sep, trail, flips, space_at, blank_after)| Knobs {
            indent,
            sep,
            trail,
            flips,
            space_at,
            blank_after,
        })
}

const INDENTS: &[&str] = &[
    "",
    " ",
    "    ",
    "\t",
    "  \t ",
    "            ",
    "                          ",
    "\u{a0}",
];
const SEPS: &[&str] = &[" : ", ": ", "  :  ", "\t:\t", " :\t", ":   "];
const TRAILS: &[&str] = &["", " ", "\t", "    "];

fn flip_case(s: &str, flips: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if flips >> (i % 64) & 1 == 1 {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

/// Rewrites every field and title line of `text` with the knobs.
fn permute(text: &str, knobs: &[Knobs], crlf: bool) -> String {
    let fields: Vec<usize> = parse(text)
        .iter()
        .flat_map(|c| {
            c.sections
                .iter()
                .flat_map(|s| s.fields.iter().map(|f| f.line))
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        let k = &knobs[i % knobs.len()];
        let trimmed = line.trim();
        let rewritten = if fields.contains(&(i + 1)) {
            let (quote, body) = match line.trim_start().strip_prefix('>') {
                Some(rest) if line.trim_start().starts_with('>') => ("> ", rest),
                _ => ("", line),
            };
            let at = body
                .char_indices()
                .zip(body.chars().skip(1).chain(std::iter::once('\n')))
                .find(|((_, c), next)| *c == ':' && next.is_whitespace())
                .map(|((i, _), _)| i);
            match at {
                Some(at) => {
                    let name = body[..at].trim();
                    let mut value = body[at + 1..].trim();
                    if let Some(v) = value.strip_prefix(':') {
                        value = v.trim();
                    }
                    let mut name = flip_case(name, k.flips);
                    if let Some(p) = k.space_at {
                        let p = p % name.len().max(1);
                        if name.is_char_boundary(p) && p > 0 {
                            name.insert(p, ' ');
                        }
                    }
                    format!(
                        "{quote}{}{name}{}{value}{}",
                        INDENTS[k.indent], SEPS[k.sep], TRAILS[k.trail]
                    )
                }
                None => line.to_string(),
            }
        } else if trimmed.starts_with('|') && trimmed.ends_with('|') && trimmed.len() > 2 {
            let title = trimmed.trim_matches('|').trim();
            format!(
                "{}| {} |{}",
                INDENTS[k.indent % 3],
                flip_case(title, k.flips),
                TRAILS[k.trail]
            )
        } else {
            line.to_string()
        };
        out.push(rewritten);
        if k.blank_after && !trimmed.is_empty() && fields.contains(&(i + 1)) {
            out.push(TRAILS[k.trail].to_string());
        }
    }
    out.join(if crlf { "\r\n" } else { "\n" })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn whitespace_and_case_do_not_change_the_result(
        which in 0usize..BASES.len(),
        knobs in proptest::collection::vec(knobs(), 1..40),
        crlf in any::<bool>(),
    ) {
        let text = base(which);
        let original: Vec<Normal> = parse(&text).iter().map(normal).collect();
        prop_assert!(!original.is_empty());
        let permuted = permute(&text, &knobs, crlf);
        let after: Vec<Normal> = parse(&permuted).iter().map(normal).collect();
        prop_assert_eq!(original, after, "permuted text:\n{}", permuted);
    }

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        exercise(&parse(&text));
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&parse_bytes(&bytes));
    }

    #[test]
    fn never_panics_on_dsregcmd_like_noise(
        lines in proptest::collection::vec(prop_oneof![
            Just("+----------------------------------------------------------------------+".to_string()),
            "\\| (Device State|Device Details|Tenant Details|User State|SSO State|Diagnostic Data|Work Account [0-9]{1,5}|Ngc Prerequisite Check|WinHttp Default Proxy Config|IE Proxy Config for Current User|[A-Za-z ]{0,12}) *\\|",
            "[ \t]{0,30}(AzureAdJoined|DomainJoined|EnterpriseJoined|AzureAdPrt|AzureAdPrtUpdateTime|AzureAdPrtExpiryTime|DeviceCertificateValidity|Client Time|Previous Prt Attempt|Previous Registration|Attempt Status|HTTP Error|HTTP status|Server Error Description|DRS Discovery Test|KeySignTest|User Context|WamDefaultSet|NgcPreReq|Client ErrorCode|Https Status|WorkplaceTenantId|TenantId|KeyProvider|TpmProtected|PreReqResult|PolicyEnabled|Access Type|Auto-Configuration URL|[A-Za-z]{1,10}) ?: ?(YES|NO|PASS|FAIL \\[0x[0-9a-f]{1,8}/0x[0-9a-f]{1,8}\\]|ERROR \\(0x[0-9a-f]{1,9}\\)|AADSTS[0-9]{1,12}: x|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.000 UTC|\\[ [0-9 :.-]{0,30}UTC -- [0-9 :.-]{0,30}UTC \\]|-?[0-9]{1,12}|[^\n]{0,40})",
            "[^\n]{0,60}",
            Just(String::new()),
            Just("For more information, please visit https://www.microsoft.com/aadjerrors".to_string()),
        ], 0..80),
        crlf in any::<bool>(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        exercise(&parse(&text));
    }
}

fn exercise(captures: &[Capture]) {
    for c in captures {
        let r = diagnose(c);
        for lang in [Lang::En, Lang::Ja] {
            let _ = to_json(&r, lang);
            let mut sink = Vec::new();
            render(&mut sink, &r, lang, true).unwrap();
        }
    }
}

#[test]
fn permutation_really_rewrites_lines() {
    let k = Knobs {
        indent: 3,
        sep: 3,
        trail: 2,
        flips: u64::MAX,
        space_at: Some(3),
        blank_after: true,
    };
    for (i, name) in BASES.iter().enumerate() {
        let text = base(i);
        let permuted = permute(&text, std::slice::from_ref(&k), true);
        assert_ne!(text, permuted);
        assert!(permuted.contains("\t:\t"), "{name}");
        let a: Vec<Normal> = parse(&text).iter().map(normal).collect();
        let b: Vec<Normal> = parse(&permuted).iter().map(normal).collect();
        assert_eq!(a, b, "{name}");
        // A changed value is noticed.
        let changed = text
            .replacen(": YES", ": NO", 1)
            .replacen(": NO\n", ": YES\n", 1);
        if changed != text {
            let c: Vec<Normal> = parse(&changed).iter().map(normal).collect();
            assert_ne!(a, c, "{name}");
        }
    }
}
