//! `m365doctor diagnose` end to end: inputs in every encoding, the JSON
//! contract, the ticket, redaction, and errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("M365DOCTOR_KB_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The command may exit before reading (a usage error): a closed pipe is fine.
    let _ = input.write_all(stdin.unwrap_or_default());
    drop(input);
    child.wait_with_output().unwrap()
}

fn json(args: &[&str], stdin: Option<&[u8]>) -> serde_json::Value {
    let mut all = vec!["diagnose", "--json"];
    all.extend_from_slice(args);
    let o = run(&all, stdin);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("m365doctor-diag-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn codes(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_built_in_example_is_a_name_resolution_failure() {
    let doc = json(&["--example"], None);
    assert_eq!(doc["schema"], "m365doctor.diagnose/1");
    assert_eq!(doc["layers"][0], "network");
    assert_eq!(doc["findings"][0]["code"], "0x80072EE7");
    assert!(codes(&doc).contains(&"0xCAA70004".to_string()));
    assert_eq!(
        doc["correlation_ids"][0],
        "6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f"
    );
    assert_eq!(doc["timestamps"][0], "2026-11-20T00:41:07.337Z");
    assert_eq!(doc["apps"][0], "teams");
    assert!(doc["dsreg"].is_null());
    for f in doc["findings"].as_array().unwrap() {
        for key in [
            "code",
            "kind",
            "names",
            "layer",
            "entry",
            "actions",
            "confidence",
            "evidence",
        ] {
            assert!(f.get(key).is_some(), "{key}");
        }
        let c = f["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
    }
    for p in doc["plan"].as_array().unwrap() {
        assert!(p["who"] == "user" || p["who"] == "admin");
        assert!(p["title"].is_string() && p["risk"].is_string());
    }
}

#[test]
fn reads_stdin_utf16le_and_shift_jis() {
    let doc = json(
        &[],
        Some(b"Something went wrong [1001]\nError code: 0x80048823"),
    );
    let mut found = codes(&doc);
    found.sort();
    assert_eq!(found, ["0x80048823", "1001"]);

    let dir = TempDir::new("enc");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "Attempt Status : 0xc000006d\r\nServer Error Description : AADSTS50126: Error validating credentials\r\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let f = dir.file("dsreg.txt", &utf16);
    let doc = json(&[&f], None);
    assert!(codes(&doc).contains(&"AADSTS50126".to_string()), "{doc}");
    assert!(codes(&doc).contains(&"0xC000006D".to_string()));

    let (sjis, _, _) = encoding_rs::SHIFT_JIS
        .encode("エラー コード: CAA50021\r\nアカウントがロックされています\r\n");
    let f = dir.file("console.txt", &sjis);
    let doc = json(&[&f], None);
    assert_eq!(codes(&doc), ["0xCAA50021"]);
    // Forcing the encoding is honoured: read as UTF-16 the bytes are not this text.
    let forced = json(&["--encoding", "utf-16le", &f], None);
    assert!(codes(&forced).is_empty());
}

#[test]
fn binary_files_are_skipped_and_folders_walked() {
    let dir = TempDir::new("walk");
    dir.file(
        "a.log",
        b"2026-11-20 09:12:33 ERROR hr=0x80072EE2 while contacting login.microsoftonline.com",
    );
    dir.file(
        "b.png",
        &[
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 1, 2, 3, 4,
        ],
    );
    let o = run(&["diagnose", "--json", dir.0.to_str().unwrap()], None);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("b.png"));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(codes(&doc), ["0x80072EE2"]);
}

#[test]
fn redaction_by_default_and_not_when_asked() {
    let text = b"User: taro.yamada@contoso.co.jp\nTenantId : 72f988bf-86f1-41af-91ab-2d7cd011db47\nError: AADSTS50126 for taro.yamada@contoso.co.jp from 192.0.2.15\nCorrelation ID: 5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09";
    let o = run(&["diagnose", "--format", "markdown"], Some(text));
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(
        !md.contains("taro.yamada") && !md.contains("192.0.2.15"),
        "{md}"
    );
    assert!(md.contains("<email-1>") && md.contains("<ip-1>"));
    assert!(
        md.contains("5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09"),
        "correlation ids stay"
    );
    let o = run(
        &["diagnose", "--format", "markdown", "--no-redact"],
        Some(text),
    );
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains("taro.yamada@contoso.co.jp"));
}

#[test]
fn the_ticket_lists_what_was_tried_and_leaves_it_out_of_the_plan() {
    let doc = json(
        &["--tried", "restart-app", "sign-out-sign-in"],
        Some(b"Teams: Status code: caa20003"),
    );
    assert!(doc["plan"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["action"] != "restart-app" && p["action"] != "sign-out-sign-in"));
    assert_eq!(
        doc["tried"],
        serde_json::json!(["restart-app", "sign-out-sign-in"])
    );
    let o = run(
        &[
            "--lang",
            "ja",
            "diagnose",
            "--format",
            "markdown",
            "--tried",
            "restart-app",
        ],
        Some(b"Teams: Status code: caa20003"),
    );
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(
        md.contains("## 実施済みの対処") && md.contains("アプリを再起動する"),
        "{md}"
    );
    assert!(md.contains("## 対処手順 (影響の小さい順)"));
}

#[test]
fn a_dialog_without_a_code_is_still_recognised() {
    let doc = json(&[], Some("You can't get there from here\nThis application contains sensitive information and can only be accessed from devices or client applications that meet your management compliance policy.".as_bytes()));
    assert!(codes(&doc).is_empty());
    assert_eq!(doc["layers"][0], "conditional-access", "{doc}");
    assert!(!doc["plan"].as_array().unwrap().is_empty());
}

#[test]
fn nothing_found_is_said_plainly() {
    let o = run(
        &["diagnose"],
        Some(b"Version 16.0.17928.20156, build 2026-11-20, port 443"),
    );
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("This does not look like a sign-in problem"),
        "{out}"
    );
    let o = run(
        &["--lang", "ja", "diagnose"],
        Some("来週の会議室の予約を変更したいです。".as_bytes()),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("サインインの問題ではないようです"), "{out}");
}

#[test]
fn bad_arguments() {
    assert_eq!(
        run(&["diagnose", "--encoding", "klingon"], Some(b"x"))
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["diagnose", "--tried", "reboot-the-cloud"], Some(b"x"))
            .status
            .code(),
        Some(2)
    );
    let o = run(&["diagnose", "/no/such/file.log"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/file.log"));
}

#[test]
fn scan_counts_codes_across_a_folder() {
    let dir = TempDir::new("scan");
    dir.file("a.log", b"2026-11-20 09:00:01 ERROR hr=0x80072EE2\n2026-11-20 09:00:05 Status code: caa70004\nbuild 16.0.17928.20156 port 443\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "2026-11-21 10:00:00 Error Code: 0x80072ee2\r\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    dir.file("b.log", &utf16);
    let o = run(&["scan", "--json", dir.0.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["schema"], "m365doctor.scan/1");
    assert_eq!(doc["files"], 2);
    let codes = doc["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 2, "{doc}");
    assert_eq!(codes[0]["code"], "0x80072EE2");
    assert_eq!(codes[0]["count"], 2);
    assert_eq!(codes[0]["first"]["timestamp"], "2026-11-20 09:00:01");
    assert_eq!(codes[0]["last"]["timestamp"], "2026-11-21 10:00:00");
    assert_eq!(codes[1]["code"], "0xCAA70004");
    assert_eq!(run(&["scan", "/no/such/dir"], None).status.code(), Some(1));
}

#[test]
fn device_reports_in_a_redacted_ticket_hide_the_capture_identifiers() {
    let capture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../dsreg/tests/data/captures/c03-hybrid-device-disabled.txt"
    );
    let secrets = [
        "5c8e0f4a-3b7d-4d52-9a51-0c2f6b7e8d11", // DeviceId
        "aaaabbbb-0000-cccc-1111-dddd2222eeee", // TenantId
        "megan.bowen@contoso.com",
        "PC-0142.contoso.com",
        "7a1d3e5f-9b2c-4e6d-8f0a-1b3c5d7e9f20", // KeyContainerId
        "3F2A9C4B7D1E6A8F0B5C2D9E4F7A1B3C6D8E0F21", // Thumbprint
    ];
    for format in ["markdown", "json", "text"] {
        let o = run(&["diagnose", capture, "--format", format], None);
        assert!(o.status.success());
        let out = String::from_utf8_lossy(&o.stdout);
        // The device findings are still there, read from the unredacted capture.
        assert!(out.contains("device-disabled-or-deleted") || out.contains("disabled"));
        for secret in secrets {
            assert!(
                !out.contains(secret),
                "{format}: {secret} left in the report"
            );
        }
        // Support still needs the correlation id.
        assert!(
            out.contains("4c7e2a91-6b3d-4f08-9e15-2d8a7c6b5e43"),
            "{format}"
        );
        let o = run(
            &["diagnose", capture, "--format", format, "--no-redact"],
            None,
        );
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains(secrets[0]) && out.contains(secrets[1]),
            "{format}"
        );
    }
}

const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../dsreg/tests/data/captures/");

/// Every `<kind-N>` placeholder in a text, in order.
fn placeholders(text: &str, kind: &str) -> Vec<String> {
    let open = format!("<{kind}-");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        out.push(rest[i..end].to_string());
        rest = &rest[end..];
    }
    out
}

#[test]
fn json_keeps_every_dsregcmd_capture() {
    // The user's capture and an elevated one, pasted one after the other.
    let capture = format!("{CAPTURES}c18-two-captures-user-then-elevated.txt");
    let doc = json(&[&capture], None);
    assert_eq!(doc["dsreg"]["captured_as"], "user", "{}", doc["dsreg"]);
    let more = doc["dsreg"]["more_captures"]
        .as_array()
        .expect("more_captures");
    assert_eq!(more.len(), 1);
    assert_eq!(more[0]["schema"], "m365doctor.dsreg/1");
    assert_eq!(more[0]["captured_as"], "elevated");
    // The same document as `m365doctor dsreg --json` gives.
    let o = run(&["dsreg", "--json", &capture], None);
    let dsreg: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["dsreg"], dsreg);
}

#[test]
fn one_redactor_for_the_whole_report() {
    // A log whose tenant differs from the capture's, and the capture's user
    // in a log line and (percent-encoded) in a sign-in URL, after another
    // person's address.
    let capture =
        std::fs::read_to_string(format!("{CAPTURES}c03-hybrid-device-disabled.txt")).unwrap();
    let text = format!(
        "2026-11-20 09:12:33 ERROR hanako.sato@contoso.com reports: sign-in failed for megan.bowen@contoso.com TenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47 AADSTS50126\n\
         2026-11-20 09:12:34 GET https://login.microsoftonline.com/common/oauth2/authorize?login_hint=megan.bowen%40contoso.com&error=0xCAA20003\n\
         {capture}"
    );
    let doc = json(&[], Some(text.as_bytes()));
    let evidence = |code: &str| -> String {
        let f = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {doc}"));
        f["evidence"][0]["text"].as_str().unwrap().to_string()
    };
    let log_line = evidence("AADSTS50126");
    let url_line = evidence("0xCAA20003");
    let dsreg = doc["dsreg"].to_string();
    // Two tenants, two placeholders.
    let log_tenant = placeholders(&log_line, "tenant");
    let capture_tenant = doc["dsreg"]["tenant"]["id"].as_str().unwrap();
    assert_eq!(log_tenant.len(), 1, "{log_line}");
    assert!(capture_tenant.starts_with("<tenant-"), "{capture_tenant}");
    assert_ne!(
        log_tenant[0], capture_tenant,
        "{log_line} / {capture_tenant}"
    );
    // One address, one placeholder: the log line, the URL and the capture.
    let megan = placeholders(&url_line, "email");
    assert_eq!(megan.len(), 1, "{url_line}");
    assert!(log_line.contains(&megan[0]), "{log_line} / {url_line}");
    assert_eq!(placeholders(&log_line, "email").len(), 2, "{log_line}");
    assert!(dsreg.contains(&megan[0]), "{megan:?} not in {dsreg}");
    for other in placeholders(&dsreg, "email") {
        assert_eq!(other, megan[0], "the capture names only megan");
    }
    // The ticket and the text report give the same placeholders.
    for format in ["markdown", "text"] {
        let o = run(&["diagnose", "--format", format], Some(text.as_bytes()));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains(&log_tenant[0]) && out.contains(capture_tenant),
            "{format}"
        );
        assert!(
            !out.contains("megan.bowen@") && !out.contains("72f988bf"),
            "{format}"
        );
    }
}

#[test]
fn dsreg_gives_two_accounts_two_placeholders() {
    // The user's capture runs as megan, the elevated one as an admin account.
    let capture = format!("{CAPTURES}c18-two-captures-user-then-elevated.txt");
    let o = run(&["dsreg", "--json", &capture], None);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &doc["sections"]["Diagnostic Data"]["Executing Account Name"];
    let second = &doc["more_captures"][0]["sections"]["Diagnostic Data"]["Executing Account Name"];
    assert!(first.as_str().unwrap().starts_with("<user-"), "{first}");
    assert_ne!(first, second);
}

#[test]
fn scan_and_diagnose_read_the_same_zip() {
    use std::io::Write as _;
    let dir = TempDir::new("zip");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("Teams/logs.txt", options).unwrap();
    zip.write_all(b"2026-11-20 09:00:01 ERROR hr=0x80072EE7 while resolving login.microsoftonline.com\n2026-11-20 09:00:02 Status code: caa70004\n").unwrap();
    zip.start_file("Outlook/outlook.log", options).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "2026-11-21 10:00:00 Error Code: AADSTS50126\r\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    zip.write_all(&utf16).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let path = dir.file("logs.zip", &bytes);

    let diagnosed: std::collections::BTreeSet<String> =
        codes(&json(&[&path], None)).into_iter().collect();
    let o = run(&["scan", "--json", &path], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let scanned: std::collections::BTreeSet<String> = scan["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(diagnosed.len(), 3, "{diagnosed:?}");
    assert_eq!(scanned, diagnosed);
    assert_eq!(scan["files"], 2, "both members are read");
    let first = &scan["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "AADSTS50126")
        .unwrap()["first"];
    assert_eq!(first["file"], format!("{path}!Outlook/outlook.log"));
    assert!(scan["skipped"].as_array().unwrap().is_empty(), "{scan}");
}

/// A report without a code, in Japanese, about signing in to Teams: the
/// words alone leave the layer open, so the case asks.
const UNSURE_JA: &str = "Teamsにサインインできません。";

#[test]
fn questions_are_listed_and_answers_taken_from_the_command_line() {
    // Standard input is a pipe here: nothing is asked, the questions are listed.
    let doc = json(&["--lang", "ja"], Some(UNSURE_JA.as_bytes()));
    let questions = doc["questions"].as_array().unwrap();
    assert!(!questions.is_empty() && questions.len() <= 3, "{doc}");
    for q in questions {
        assert!(!q["id"].as_str().unwrap().is_empty());
        assert!(!q["text"].as_str().unwrap().is_empty());
        let answers = q["answers"].as_array().unwrap();
        assert!(answers.len() >= 2);
        assert!(answers
            .iter()
            .all(|a| a["id"].is_string() && a["text"].is_string()));
    }
    // `layers` stays the ranked ids; `layer_scores` gives the same order with scores.
    let layers: Vec<&str> = doc["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let scored: Vec<&str> = doc["layer_scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, scored);
    let top = doc["layer_scores"][0]["score"].as_f64().unwrap();
    assert!(top < 0.8, "asks only below the threshold: {top}");
    assert!(doc["answers"].as_array().unwrap().is_empty());

    // The clock is wrong: the clock layer comes first and no longer asks about it.
    let answered = json(
        &["--lang", "ja", "--answer", "clock=no"],
        Some(UNSURE_JA.as_bytes()),
    );
    assert_eq!(answered["layers"][0], "clock", "{answered}");
    assert_eq!(answered["answers"][0]["question"], "clock");
    assert_eq!(answered["answers"][0]["answer"], "no");
    assert!(answered["questions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["id"] != "clock"));
    // The web page works: the clock is not the first suspect any more.
    let browser = json(
        &["--answer", "browser=yes", "--answer", "clock=yes"],
        Some(UNSURE_JA.as_bytes()),
    );
    assert_ne!(browser["layers"][0], "clock", "{browser}");
    assert_eq!(browser["answers"].as_array().unwrap().len(), 2);

    // The text and the ticket record the answers, in the chosen language.
    for (lang, format, said) in [
        ("ja", "text", "いいえ"),
        ("ja", "markdown", "## 回答"),
        ("en", "text", "clock=no"),
        ("en", "markdown", "**No** (`clock=no`)"),
    ] {
        let o = run(
            &[
                "--lang", lang, "diagnose", "--format", format, "--answer", "clock=no",
            ],
            Some(UNSURE_JA.as_bytes()),
        );
        assert!(o.status.success());
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(out.contains(said), "{lang} {format}: {out}");
    }
}

#[test]
fn bad_answers_are_refused_before_anything_is_read() {
    for (arg, says) in [
        ("bogus=yes", "unknown question `bogus`"),
        ("clock=maybe", "question `clock` has no answer `maybe`"),
        ("clock", "`clock` is not an answer"),
    ] {
        let o = run(&["diagnose", "--answer", arg], Some(UNSURE_JA.as_bytes()));
        assert_eq!(o.status.code(), Some(2), "{arg}");
        assert!(o.stdout.is_empty(), "no partial report for {arg}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(says), "{arg}");
    }
    let o = run(
        &["--lang", "ja", "diagnose", "--answer", "bogus=yes"],
        Some(b"x"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("質問 `bogus` はありません"));
}

/// Golden text and Markdown outputs of code-less reports in both languages,
/// with the questions listed and with answers given (`UPDATE_GOLDEN=1`
/// rewrites them; check the difference before committing).
#[test]
fn golden_questions_and_answers_in_both_languages() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/diagnose");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let reports = [
        ("teams-ja", "Teamsにサインインできません。"),
        ("teams-en", "Teams won't let me sign in since this morning."),
    ];
    let answers: [(&str, &[&str]); 2] = [
        ("asked", &[]),
        (
            "answered",
            &["--answer", "clock=no", "--answer", "other-devices=yes"],
        ),
    ];
    let mut mismatches = Vec::new();
    for lang in ["en", "ja"] {
        for (name, report) in reports {
            for (state, given) in answers {
                for (format, ext) in [("text", "txt"), ("markdown", "md")] {
                    let mut args = vec![
                        "--lang", lang, "--color", "never", "diagnose", "--format", format,
                    ];
                    args.extend_from_slice(given);
                    let o = run(&args, Some(report.as_bytes()));
                    assert!(o.status.success(), "{name} {state} {format}");
                    let actual = String::from_utf8(o.stdout).unwrap();
                    let path = dir.join(lang).join(format!("{name}-{state}.{ext}"));
                    if update {
                        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                        std::fs::write(&path, &actual).unwrap();
                        continue;
                    }
                    let expected = std::fs::read_to_string(&path).unwrap_or_default();
                    if expected != actual {
                        mismatches.push(format!("--- {}\n+++ actual\n{actual}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden output differs (rerun with UPDATE_GOLDEN=1 after checking):\n{}",
        mismatches.join("\n")
    );
}

/// The reliability review's F5: Entra's "Troubleshooting details" (once or
/// pasted twice) and plain log lines are not a dsregcmd capture, so a wrong
/// password stays an account problem; a real capture is still read.
#[test]
fn an_entra_error_page_is_not_a_dsregcmd_capture() {
    let entra = "Sign in\n\
        AADSTS50126: Error validating credentials due to invalid username or password.\n\
        Troubleshooting details\n\
        If you contact your administrator, send this info to them.\n\
        Request Id: 0c5e2f4a-1b3d-4e6f-8a9b-1c2d3e4f5a6b\n\
        Correlation Id: 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\n\
        Timestamp: 2026-12-01T08:15:42.000Z\n\
        Message: AADSTS50126: Error validating credentials due to invalid username or password.\n\
        App name: Microsoft Office\n\
        Device identifier: Not available\n\
        Device state: Unregistered\n";
    let corr = "Correlation ID: 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\n\
                Correlation ID: 7a1c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\n";
    let layers = |doc: &serde_json::Value| -> Vec<String> {
        doc["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    for text in [entra.to_string(), format!("{entra}\n{entra}")] {
        let doc = json(&[], Some(text.as_bytes()));
        assert!(doc["dsreg"].is_null(), "{}", doc["dsreg"]);
        let layers = layers(&doc);
        assert_eq!(layers[0], "account-state", "{layers:?}");
        assert!(
            !layers.iter().any(|l| l == "device-registration"),
            "{layers:?}"
        );
    }
    let doc = json(&[], Some(corr.as_bytes()));
    assert!(doc["dsreg"].is_null());
    assert!(!layers(&doc).iter().any(|l| l == "device-registration"));
    let o = run(&["diagnose"], Some(corr.as_bytes()));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("Device registration"));
    // Microsoft's SSO State fragment (no frame) is still a capture.
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../dsreg/tests/data/samples/13-prt-doc-sso-state-failed-fragment.txt");
    let doc = json(&[sample.to_str().unwrap()], None);
    assert_eq!(doc["dsreg"]["schema"], "m365doctor.dsreg/1");
}
