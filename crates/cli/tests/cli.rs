//! The `m365doctor` binary: exit codes, JSON contract, languages, colours,
//! generated help, and golden output in English and Japanese.

use std::path::PathBuf;
use std::process::{Command, Output};

fn m365doctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("NO_COLOR")
        .output()
        .expect("run m365doctor")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["explain", "--json"];
    all.extend_from_slice(args);
    let o = m365doctor(&all);
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

/// The guide's five codes and others from every layout and layer.
const GOLDEN: &[(&str, &str)] = &[
    ("0x8004011d", "outlook-0x8004011d"),
    ("1001", "office-1001"),
    ("CAA20002", "caa20002"),
    ("CAA50021", "caa50021"),
    ("0x80048823", "idcrl-0x80048823"),
    ("0x80072EE7", "wininet-0x80072ee7"),
    ("0xCAA82EE7", "caa-0xcaa82ee7"),
    ("3399614467", "unsigned-3399614467"),
    ("-2147024891", "signed-2147024891"),
    ("c0000234", "ntstatus-c0000234"),
    ("AADSTS50126", "aadsts50126"),
    ("80090016", "bare-80090016"),
    ("FAIL [0x801c0021/0x80072ee2]", "pair-0x801c0021"),
    ("AADSTS53003", "ca-aadsts53003"),
    ("AADSTS50076", "mfa-aadsts50076"),
    ("0x80180014", "mdm-0x80180014"),
    ("0x80070002", "win32-0x80070002"),
    ("0x00000001", "success-0x00000001"),
];

#[test]
fn golden_output_in_both_languages() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for lang in ["en", "ja"] {
        for (code, file) in GOLDEN {
            // The readable text and the explain/1 document, byte for byte.
            for (extra, ext) in [(None, "txt"), (Some("--json"), "json")] {
                let mut args = vec!["--lang", lang, "--color", "never", "explain", code];
                args.extend(extra);
                let o = m365doctor(&args);
                assert!(o.status.success(), "{code}");
                let actual = stdout(&o);
                let path = dir.join(lang).join(format!("{file}.{ext}"));
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
    assert!(
        mismatches.is_empty(),
        "golden output differs (rerun with UPDATE_GOLDEN=1 after checking):\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn exit_codes() {
    assert_eq!(
        m365doctor(&["explain", "0x8004011d"]).status.code(),
        Some(0)
    );
    let o = m365doctor(&["explain", "0x8004011d", "hello"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`hello` is not an error code"));
    // The code that did decode is still shown.
    assert!(stdout(&o).contains("0x8004011D"));
    assert_eq!(m365doctor(&["explain"]).status.code(), Some(2));
    assert_eq!(
        m365doctor(&["explain", "--bogus", "1"]).status.code(),
        Some(2)
    );
    assert_eq!(m365doctor(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(m365doctor(&["--help"]).status.code(), Some(0));
}

#[test]
fn japanese_errors() {
    let o = m365doctor(&["--lang", "ja", "explain", "こんにちは"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("エラー コードではありません"));
}

#[test]
fn json_contract() {
    let doc = json(&[
        "3399614467",
        "1001",
        "0xcaa82ee2/-894947614",
        "FAIL [0x801c0021/0x80072ee2]",
    ]);
    assert_eq!(doc["schema"], "m365doctor.explain/1");
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let first = &results[0]["interpretations"][0];
    assert_eq!(results[0]["input"], "3399614467");
    assert_eq!(first["normalized"], "0xCAA20003");
    assert_eq!(first["kind"], "caa");
    for key in ["names", "structure", "layer", "entry", "actions", "reason"] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["structure"]["facility"], 0xAA2);
    assert_eq!(results[1]["interpretations"][0]["kind"], "office");
    assert_eq!(results[1]["interpretations"][1]["kind"], "win32");
    assert_eq!(results[2]["same_value_pair"], true);
    assert_eq!(
        results[3]["sub_error"]["interpretations"][0]["normalized"],
        "0x80072EE2"
    );
    let bad = json(&["nonsense"]);
    assert_eq!(bad["results"].as_array().unwrap().len(), 0);
    assert_eq!(bad["errors"][0]["error"], "not-a-code");
}

#[test]
fn json_text_follows_the_language() {
    let doc = json(&["--lang", "ja", "CAA20002"]);
    let reason = doc["results"][0]["interpretations"][0]["reason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("認証ライブラリ"), "{reason}");
}

#[test]
fn language_from_the_locale() {
    let o = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(["explain", "CAA20002"])
        .env("LANG", "ja_JP.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert!(stdout(&o).contains("レイヤー"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = stdout(&m365doctor(&["explain", "CAA20002"]));
    assert!(!plain.contains('\x1b'), "no colour when piped");
    let coloured = stdout(&m365doctor(&["--color", "always", "explain", "CAA20002"]));
    assert!(coloured.contains("\x1b["));
}

#[test]
fn completions_and_man_page_come_from_the_definitions() {
    let bash = stdout(&m365doctor(&["completions", "bash"]));
    assert!(bash.contains("explain") && bash.contains("--lang"));
    let man = stdout(&m365doctor(&["man"]));
    assert!(man.contains(".TH m365doctor") && man.contains("explain"));
}

/// The commands `--help` lists for `path` (`help` left out).
fn commands(path: &[&str]) -> Vec<String> {
    let mut args = path.to_vec();
    args.push("--help");
    let help = stdout(&m365doctor(&args));
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The long options `--help` shows for `path`.
fn options(path: &[&str]) -> Vec<String> {
    let mut args = path.to_vec();
    args.push("--help");
    let help = stdout(&m365doctor(&args));
    help.lines()
        .skip_while(|l| *l != "Options:")
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix("-")
                .and_then(|r| r.split_once(", "))
                .map_or(l, |(_, r)| r);
            l.strip_prefix("--")
                .map(|r| r.split([' ', '=', '<']).next().unwrap_or("").to_string())
        })
        .filter(|o| !o.is_empty())
        .collect()
}

#[test]
fn the_man_page_documents_every_command_and_option() {
    let man = stdout(&m365doctor(&["man"]));
    // No page of its own is promised for a command: everything is on this one.
    assert!(
        !man.contains("m365doctor\\-explain(1)") && !man.contains("(1)\n"),
        "{man}"
    );
    let global = options(&[]);
    assert!(global.contains(&"kb-dir".to_string()), "{global:?}");
    let mut queue: Vec<Vec<String>> = commands(&[]).into_iter().map(|c| vec![c]).collect();
    let mut seen = 0;
    while let Some(path) = queue.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        let heading = format!(".SS \"m365doctor {}\"", args.join(" "));
        let start = man
            .find(&heading)
            .unwrap_or_else(|| panic!("no section for `{}` in the man page", args.join(" ")));
        let end = man[start + 1..]
            .find(".SS ")
            .or_else(|| man[start + 1..].find(".SH "))
            .map_or(man.len(), |e| start + 1 + e);
        let section = &man[start..end];
        for option in options(&args) {
            if global.contains(&option) {
                continue;
            }
            let roff = format!("\\-\\-{}", option.replace('-', "\\-"));
            assert!(
                section.contains(&roff),
                "`m365doctor {} --{option}` is not documented in the man page:\n{section}",
                args.join(" ")
            );
        }
        for sub in commands(&args) {
            let mut p = path.clone();
            p.push(sub);
            queue.push(p);
        }
        seen += 1;
    }
    assert!(seen >= 20, "{seen} commands");
}

#[test]
fn explain_fills_entry_and_actions_from_the_knowledge_base() {
    let doc = json(&["AADSTS50126", "CAA50021"]);
    for r in doc["results"].as_array().unwrap() {
        let best = &r["interpretations"][0];
        assert!(best["entry"].is_string(), "{}: no entry", r["input"]);
        assert_eq!(best["entry_source"], "bundled");
        assert!(!best["actions"].as_array().unwrap().is_empty());
    }
    let text = stdout(&m365doctor(&["--lang", "ja", "explain", "AADSTS50126"]));
    assert!(text.contains("対処手順 (影響の小さい順)"), "{text}");
}

#[test]
fn kb_list_json_contract() {
    let o = m365doctor(&["kb", "list", "--json"]);
    assert!(o.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["schema"], "m365doctor.kb/1");
    let entries = doc["entries"].as_array().unwrap();
    assert!(entries.len() > 100);
    for e in entries {
        for key in [
            "id",
            "codes",
            "messages",
            "layer",
            "langs",
            "actions",
            "references",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {}", e["id"]);
        }
        assert_eq!(e["langs"], serde_json::json!(["en", "ja"]));
    }
    assert!(doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "dsreg-rejoin" && a["who"] == "admin"));
}

#[test]
fn kb_search_show_and_errors() {
    let o = m365doctor(&["kb", "search", "ロック"]);
    assert!(o.status.success());
    let first = stdout(&o).split_whitespace().next().unwrap().to_string();
    let shown = m365doctor(&["--lang", "ja", "kb", "show", &first]);
    assert!(shown.status.success());
    assert!(stdout(&shown).contains("原因"));
    let missing = m365doctor(&["kb", "show", "no-such-entry"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-entry"));
    assert_eq!(
        m365doctor(&["kb", "search", "zzzqqqxxy"]).status.code(),
        Some(1)
    );
}

#[test]
fn kb_lint_of_the_bundled_data_passes() {
    let o = m365doctor(&["kb", "lint"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Linted as the bundled base: style rules are errors there, so nothing
    // may be left over as a warning either.
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A company's folder is linted with warnings for style, which are shown
/// but do not fail the lint.
#[test]
fn kb_lint_shows_warnings_for_an_organisation_folder() {
    let dir = std::env::temp_dir().join(format!("m365doctor-lintwarn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../kb/EXAMPLE.toml"),
    )
    .unwrap();
    let styled = example.replace("拒否しました。アカウント", "拒否しました。 アカウント");
    assert_ne!(styled, example);
    std::fs::write(dir.join("example-entry.toml"), styled).unwrap();
    let o = m365doctor(&["--lang", "en", "kb", "lint", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning:") && err.contains("no space after"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A company's runbook overrides the bundled entry for the same code, and
/// explain says which source answered; a broken runbook is refused.
#[test]
fn organisation_runbooks() {
    let dir = std::env::temp_dir().join(format!("m365doctor-org-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../kb/EXAMPLE.toml"),
    )
    .unwrap();
    let ours = example
        .replace("id = \"example-entry\"", "id = \"contoso-aadsts50126\"")
        .replace("codes = [\"0xCAA20003\"]", "codes = [\"AADSTS50126\"]")
        .replace("apps = [\"teams\"]\n", "");
    std::fs::write(dir.join("contoso-aadsts50126.toml"), ours).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(["explain", "--json", "AADSTS50126"])
        .env("M365DOCTOR_KB_DIR", &dir)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let best = &doc["results"][0]["interpretations"][0];
    assert_eq!(best["entry"], "contoso-aadsts50126");
    assert!(best["entry_source"].as_str().unwrap().starts_with("org:"));

    std::fs::write(
        dir.join("broken.toml"),
        "id = \"broken\"\nlayer = \"nowhere\"\n",
    )
    .unwrap();
    let o = m365doctor(&["--kb-dir", dir.to_str().unwrap(), "explain", "AADSTS50126"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("broken.toml"));
    let _ = std::fs::remove_dir_all(&dir);
}
