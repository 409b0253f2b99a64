//! `m365doctor diagnose` on the redaction corpus (issue 16, review F2):
//! nothing it must hide survives in `--json`, `--format markdown` or the
//! text report, in English or Japanese, and the support data stays.

#[path = "../../diagnose/tests/redaction_corpus/check.rs"]
mod corpus;

use std::process::Command;

fn diagnose(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .arg("diagnose")
        .args(args)
        .arg(corpus::dir())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("M365DOCTOR_KB_DIR")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn nothing_in_the_corpus_survives_in_any_format_or_language() {
    for lang in ["en", "ja"] {
        for format in [
            &["--json"][..],
            &["--format", "markdown"],
            &["--format", "text"],
        ] {
            let mut args = vec!["--lang", lang];
            args.extend_from_slice(format);
            corpus::assert_clean(&args.join(" "), &diagnose(&args));
        }
    }
}

#[test]
fn no_redact_keeps_names_but_never_credentials() {
    let out = diagnose(&["--json", "--no-redact"]);
    let p = corpus::problems(&out, true);
    assert!(p.is_empty(), "{}", p.join("\n"));
    assert!(out.contains("megan.bowen@contoso.com"));
}
