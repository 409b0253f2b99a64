//! Nothing from input reaches a terminal raw (issue 16, the reliability
//! review's F3): the review's control sequences in logs, file names,
//! dsregcmd values and arguments come out of every command, in text,
//! Markdown and JSON, as visible escapes; the only escape sequences on
//! standard output are the program's own colours. And a closed pipe or a
//! full disk ends `completions` cleanly (F10.1).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("NO_COLOR")
        .env_remove("M365DOCTOR_KB_DIR")
        .env("HOME", std::env::temp_dir().join("m365doctor-term-home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("m365doctor-term-{}-{name}", std::process::id()));
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

/// The review's payloads, each on a line with a code of its own so that
/// every line is quoted as evidence.
const HOSTILE_LOG: &str = "\
Error 0x80072ee7 \x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\x1b[32mAll checks passed\x1b[0m
Error 0x80072ee2 title \x1b]0;owned\x07 link \x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\
Error 0x80072efd dcs \x1bP+q544e\x1b\\ bell\x07 bs\x08\x08 del\x7f
Error 0x8004011d cr overwrite\rAll checks passed
Error 0xcaa70004 c1 \u{9b}2J and bidi \u{202e}gpj.exe\u{202c} \u{2066}x\u{2069}
";

/// The characters a terminal would act on, after taking away the
/// program's own colours (`ESC [ digits ; … m`) when `colours` is true.
fn raw_controls(text: &str, colours: bool) -> Vec<char> {
    let mut rest = text.to_string();
    if colours {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' && chars.peek() == Some(&'[') {
                let mut seq = String::from("\x1b[");
                chars.next();
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_digit() || d == ';' {
                        seq.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if chars.peek() == Some(&'m') {
                    chars.next();
                    continue; // a colour
                }
                out.push_str(&seq);
            } else {
                out.push(c);
            }
        }
        rest = out;
    }
    rest.chars()
        .filter(|&c| c != '\n' && m365doctor_text::is_hidden_control(c))
        .collect()
}

fn assert_clean(what: &str, o: &Output, colours: bool) {
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        raw_controls(&out, colours).is_empty(),
        "{what}: stdout has {:?}:\n{out}",
        raw_controls(&out, colours)
    );
    assert!(
        raw_controls(&err, false).is_empty(),
        "{what}: stderr has {:?}:\n{err}",
        raw_controls(&err, false)
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
}

#[test]
fn diagnose_shows_the_controls_of_evidence_in_text_and_markdown() {
    let d = TempDir::new("diagnose");
    let log = d.file("a.txt", HOSTILE_LOG.as_bytes());
    for (args, colours) in [
        (vec!["diagnose", &log], false),
        (vec!["diagnose", "--color", "always", &log], true),
        (vec!["diagnose", "--no-redact", &log], false),
        (vec!["diagnose", "--format", "markdown", &log], false),
        (
            vec!["diagnose", "--format", "markdown", "--no-redact", &log],
            false,
        ),
    ] {
        let o = run(&args, b"");
        assert!(o.status.success(), "{args:?}");
        assert_clean(&format!("{args:?}"), &o, colours);
        let out = String::from_utf8_lossy(&o.stdout);
        // Shown, not dropped: the reader sees that something was there.
        for shown in [
            "\\x1b]52;c;ZWNobyBwd25lZA==\\x07",
            "\\x1b]8;;http://evil.example/",
            "\\x1bP+q544e",
            "\\x08\\x08",
            "\\x7f",
            "overwrite\\rAll checks passed",
            "\\u{9b}2J",
            "\\u{202e}gpj.exe",
        ] {
            assert!(out.contains(shown), "{args:?}: {shown} missing:\n{out}");
        }
    }
    // From standard input too.
    let o = run(&["diagnose"], HOSTILE_LOG.as_bytes());
    assert_clean("stdin", &o, false);
}

#[test]
fn json_escapes_del_c1_and_bidi_and_keeps_the_text() {
    let o = run(
        &["diagnose", "--json", "--no-redact"],
        HOSTILE_LOG.as_bytes(),
    );
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(raw_controls(&out, false).is_empty(), "{out}");
    assert!(out.contains("\\u009b") && out.contains("\\u202e") && out.contains("\\u007f"));
    // A JSON reader gets the line back as it was: `jq -r` would print the
    // raw characters only because the user asked for the raw value.
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let texts: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("\u{202e}gpj.exe")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("\x1b]52;c;")), "{texts:?}");
}

fn poisoned_capture() -> String {
    let rule = "+----------------------------------------------------------------------+";
    format!(
        "{rule}\n| Device State                                                         |\n{rule}\n\n\
                      AzureAdJoined : YES\n\
                   EnterpriseJoined : NO\n\
                       DomainJoined : NO\n\
                        Device Name : MEGAN\x1b]52;c;cHduZWQ=\x07-PC\n\
         {rule}\n| Tenant Details                                                       |\n{rule}\n\n\
                         TenantName : Contoso\x1b[2J\x1b[32mAll checks passed\x1b[0m\n\
                           TenantId : aaaabbbb-0000-cccc-1111-dddd2222eeee\n\
         {rule}\n"
    )
}

#[test]
fn dsregcmd_values_are_shown_not_obeyed() {
    let d = TempDir::new("dsreg");
    let capture = d.file("dsreg.txt", poisoned_capture().as_bytes());
    for (args, colours) in [
        (vec!["dsreg", "--no-redact", &capture], false),
        (
            vec!["dsreg", "--no-redact", "--color", "always", &capture],
            true,
        ),
        (vec!["dsreg", &capture], false),
        (vec!["dsreg", "--json", "--no-redact", &capture], false),
        (vec!["diagnose", "--no-redact", &capture], false),
        (
            vec!["diagnose", "--color", "always", "--no-redact", &capture],
            true,
        ),
        (vec!["diagnose", "--format", "markdown", &capture], false),
    ] {
        let o = run(&args, b"");
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_clean(&format!("{args:?}"), &o, colours);
    }
    let o = run(&["dsreg", "--no-redact", &capture], b"");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("MEGAN\\x1b]52;c;cHduZWQ=\\x07-PC"), "{out}");
    assert!(out.contains("Contoso\\x1b[2J"), "{out}");
    // Redacted by default in the form it is shown in, too.
    for args in [
        vec!["dsreg", &capture],
        vec!["diagnose", &capture],
        vec!["diagnose", "--format", "markdown", &capture],
    ] {
        let o = run(&args, b"");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains("MEGAN"), "{args:?}:\n{out}");
    }
}

// Windows does not allow control characters in file names.
#[cfg(unix)]
#[test]
fn file_names_are_shown_not_obeyed() {
    let d = TempDir::new("names");
    let name = "log\x1b]0;T\x07\x1b[2J\u{202e}gol.txt";
    d.file(name, b"Error code: 0xCAA70004\n");
    d.file(
        "binary\x1b[2J.bin",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
    );
    let dir = d.0.to_str().unwrap();
    for (args, colours) in [
        (vec!["scan", dir], false),
        (vec!["scan", "--json", dir], false),
        (vec!["diagnose", dir], false),
        (vec!["diagnose", "--color", "always", dir], true),
        (vec!["diagnose", "--format", "markdown", dir], false),
        (vec!["diagnose", "--json", dir], false),
    ] {
        let o = run(&args, b"");
        assert_clean(&format!("{args:?}"), &o, colours);
    }
    let o = run(&["scan", dir], b"");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("log\\x1b]0;T\\x07\\x1b[2J\\u{202e}gol.txt"),
        "{out}"
    );
    let missing = d.0.join("gone\x1b[2J.log");
    let o = run(&["diagnose", missing.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(1));
    assert_clean("missing file", &o, false);
    assert!(String::from_utf8_lossy(&o.stderr).contains("gone\\x1b[2J.log"));
}

#[test]
fn arguments_echoed_in_errors_are_shown_not_obeyed() {
    let esc = "\x1b]52;c;cHduZWQ=\x07\x1b[2Jx";
    for args in [
        vec!["explain", esc],
        vec!["explain", "0x8004011d\x1b[2J"],
        vec!["explain", "--json", esc],
        vec!["kb", "show", esc],
        vec!["fix", "plan", esc],
        vec!["fix", "run", esc, "--yes"],
        vec!["fix", "run", esc, "--yes", "--json"],
        vec!["diagnose", "--example", "--tried", esc],
        vec!["diagnose", "--encoding", esc, "--example"],
    ] {
        let o = run(&args, b"");
        assert!(!o.status.success(), "{args:?}");
        assert_clean(&format!("{args:?}"), &o, false);
        // Shown (explain quotes the first word that is not a code).
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("\\x1b"), "{args:?}: {err}");
    }
    // Refused by the argument parser itself, which drops escape sequences
    // from what it quotes; the other controls are shown.
    for args in [
        vec!["diagnose", "--app", "x\x07\u{202e}\x1b]52;c;cHduZWQ=\x07"],
        vec!["x\x1b[2J\x07\u{9b}"],
    ] {
        let o = run(&args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_clean(&format!("{args:?}"), &o, false);
    }
    let o = run(&["diagnose", "--app", "x\u{202e}y"], b"");
    assert!(String::from_utf8_lossy(&o.stderr).contains("x\\u{202e}y"));
}

// Windows does not allow control characters in file names.
#[cfg(unix)]
#[test]
fn a_company_folder_with_control_characters_is_refused_and_named_safely() {
    let d = TempDir::new("kbdir");
    let sub = d.0.join("org\x1b[2J");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(
        sub.join("x\x1b]0;t\x07.toml"),
        "id = \"x\"\ncodes = [\"0x80070005\"]\nlayer = \"other\"\n\
         references = [\"https://learn.microsoft.com/x\"]\n\
         [title]\nen = \"\\u001b[2JAll checks passed\"\nja = \"t\"\n\
         [summary]\nen = \"s\"\nja = \"s\"\n",
    )
    .unwrap();
    let dir = d.0.to_str().unwrap();
    let o = run(&["kb", "lint", dir], b"");
    assert_eq!(o.status.code(), Some(1));
    assert_clean("kb lint", &o, false);
    assert!(String::from_utf8_lossy(&o.stderr).contains("U+001B"));
    let o = run(&["--kb-dir", dir, "explain", "0x80070005"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert_clean("--kb-dir", &o, false);
}

#[test]
fn colours_are_the_only_escapes_and_none_without_colour() {
    let d = TempDir::new("colour");
    let log = d.file("a.txt", HOSTILE_LOG.as_bytes());
    let capture = d.file("dsreg.txt", poisoned_capture().as_bytes());
    for args in [
        vec!["diagnose", "--color", "never", &log],
        vec!["dsreg", "--color", "never", "--no-redact", &capture],
        vec!["explain", "--color", "never", "0x8004011d"],
    ] {
        let o = run(&args, b"");
        assert!(!o.stdout.contains(&0x1b), "{args:?}");
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_m365doctor"));
    let o = cmd
        .args(["dsreg", "--color", "always", "--no-redact", &capture])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // --color always wins over NO_COLOR, as with other tools; the colours
    // are still the only escapes.
    assert_clean("NO_COLOR with --color always", &o, true);
    let o = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(["dsreg", "--no-redact", &capture])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!o.stdout.contains(&0x1b));
}

/// `completions` writes its script through the same checked path as every
/// other command: a closed pipe ends it quietly, a full disk with a message,
/// never with clap_complete's panic.
#[test]
fn completions_end_cleanly_on_a_closed_pipe_and_a_full_disk() {
    for shell in ["bash", "fish", "zsh", "powershell", "elvish"] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
            .args(["completions", shell])
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{shell}: {err}");
        assert!(!err.contains("panicked"), "{shell}: {err}");
        if Path::new("/dev/full").exists() {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let o = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
                .args(["completions", shell])
                .stdout(full)
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{shell}: {err}");
            assert!(err.contains("No space left"), "{shell}: {err}");
        }
    }
}
