//! The linter rejects each kind of fault, and the bundled knowledge base passes it.

use m365doctor_kb::lint::{lint_dir, lint_dir_as, Origin, Problem};
use m365doctor_kb::{action_list, ENTRIES};
use std::path::{Path, PathBuf};

const GOOD: &str = r#"
id = "ENTRY_ID"
codes = ["0xCAA20003"]
layer = "clock"
references = ["https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes"]
title.en = "Clock"
title.ja = "時刻"
summary.en = "The clock is wrong."
summary.ja = "時刻がずれています。"

[[causes]]
en = "Wrong clock."
ja = "時刻のずれ。"
tell.en = "Compare with a phone."
tell.ja = "スマートフォンと比べます。"

[[steps]]
action = "sync-clock"
who = "user"
risk = "none"
en = "Sync the clock."
ja = "時刻を同期します。"
verify.en = "The clock is right."
verify.ja = "時刻が正しくなります。"

[[steps]]
action = "reset-identity-cache"
who = "user"
risk = "medium"
en = "Reset the cache."
ja = "キャッシュをリセットします。"
loses.en = "Cached sign-ins."
loses.ja = "キャッシュされたサインイン。"
verify.en = "It works."
verify.ja = "動作します。"
"#;

/// A directory holding the given files, removed when dropped.
struct Fixture(PathBuf);

impl Fixture {
    fn new(name: &str, files: &[(&str, String)]) -> Fixture {
        let dir =
            std::env::temp_dir().join(format!("m365doctor-lint-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Fixture(dir)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn good(id: &str) -> String {
    GOOD.replace("ENTRY_ID", id)
}

fn problems(name: &str, files: &[(&str, String)]) -> Vec<Problem> {
    let fixture = Fixture::new(name, files);
    lint_dir(&fixture.0, &action_list()).unwrap().1
}

fn assert_rejects(name: &str, files: &[(&str, String)], needle: &str) {
    let found = problems(name, files);
    assert!(
        found
            .iter()
            .any(|p| p.en.contains(needle) && !p.ja.is_empty()),
        "{name}: expected a problem containing {needle:?}, got {found:#?}"
    );
}

#[test]
fn a_good_entry_passes() {
    assert_eq!(problems("good", &[("a/clock.toml", good("clock"))]), vec![]);
}

#[test]
fn rejects_unknown_keys() {
    let text = good("x").replace(
        "layer = \"clock\"",
        "layer = \"clock\"\nseverity = \"high\"",
    );
    assert_rejects(
        "unknown-key",
        &[("x.toml", text)],
        "unknown field `severity`",
    );
}

#[test]
fn rejects_a_missing_language() {
    let text = good("x").replace("title.ja = \"時刻\"\n", "");
    assert_rejects("missing-ja", &[("x.toml", text)], "missing field `ja`");
    let text = good("x").replace("verify.ja = \"時刻が正しくなります。\"", "verify.ja = \"\"");
    assert_rejects("empty-ja", &[("x.toml", text)], "Japanese text is missing");
}

#[test]
fn rejects_a_code_the_grammar_cannot_parse() {
    let text = good("x").replace("0xCAA20003", "not-a-code");
    assert_rejects("bad-code", &[("x.toml", text)], "cannot be parsed");
}

#[test]
fn rejects_unknown_layer_and_action() {
    let text = good("x").replace("layer = \"clock\"", "layer = \"credential-manager\"");
    assert_rejects(
        "bad-layer",
        &[("x.toml", text)],
        "unknown layer `credential-manager`",
    );
    let text = good("x").replace("action = \"sync-clock\"", "action = \"reboot-everything\"");
    assert_rejects(
        "bad-action",
        &[("x.toml", text)],
        "unknown action `reboot-everything`",
    );
}

#[test]
fn rejects_duplicate_ids() {
    let other = good("x").replace("0xCAA20003", "0xCAA20004");
    assert_rejects(
        "dup-id",
        &[("a/x.toml", good("x")), ("b/x.toml", other)],
        "duplicate id `x`",
    );
}

#[test]
fn rejects_two_entries_claiming_one_code_without_app_context() {
    assert_rejects(
        "same-code",
        &[
            ("x.toml", good("x")),
            ("y.toml", good("y").replace("0xCAA20003", "3399614467")),
        ],
        "no app context",
    );
    // A general entry and an app-specific one may share a code.
    let teams = good("y").replace("layer = \"clock\"", "layer = \"clock\"\napps = [\"teams\"]");
    assert_eq!(
        problems(
            "same-code-apps",
            &[("x.toml", good("x")), ("y.toml", teams)]
        ),
        vec![]
    );
}

#[test]
fn rejects_steps_out_of_risk_order_without_a_reason() {
    // Swap the steps: medium before none.
    let text = good("x");
    let (head, steps) = text.split_at(text.find("[[steps]]").unwrap());
    let mut parts: Vec<&str> = steps
        .split("[[steps]]")
        .filter(|s| !s.trim().is_empty())
        .collect();
    parts.reverse();
    let swapped = format!("{head}[[steps]]{}[[steps]]{}", parts[0], parts[1]);
    assert_rejects(
        "order",
        &[("x.toml", swapped.clone())],
        "comes after a riskier step",
    );
    let reasoned = swapped.replace(
        "action = \"sync-clock\"",
        "action = \"sync-clock\"\norder_reason.en = \"Only after the reset.\"\norder_reason.ja = \"リセット後に行います。\"",
    );
    assert_eq!(problems("order-reason", &[("x.toml", reasoned)]), vec![]);
    // Admins have their own list, and handing over may come anywhere.
    let admin = swapped.replacen("who = \"user\"", "who = \"admin\"", 2);
    let admin_after_user = format!(
        "{text}\n[[steps]]\naction = \"admin-check-account\"\nwho = \"admin\"\nrisk = \"none\"\nen = \"Check.\"\nja = \"確認します。\"\nverify.en = \"Done.\"\nverify.ja = \"完了です。\"\n"
    );
    let handover = admin_after_user
        .replace("admin-check-account", "contact-admin")
        .replace("who = \"admin\"", "who = \"user\"");
    assert_rejects(
        "admin-order",
        &[("x.toml", admin)],
        "comes after a riskier step",
    );
    assert_eq!(
        problems("admin-track", &[("x.toml", admin_after_user)]),
        vec![]
    );
    assert_eq!(problems("handover", &[("x.toml", handover)]), vec![]);
}

#[test]
fn rejects_references_that_are_not_https() {
    let text = good("x").replace("https://learn.microsoft.com", "http://learn.microsoft.com");
    assert_rejects("http", &[("x.toml", text)], "is not an https URL");
}

#[test]
fn rejects_other_faults() {
    assert_rejects(
        "stem",
        &[("y.toml", good("x"))],
        "differs from the file name",
    );
    let text = good("x").replace(
        "loses.en = \"Cached sign-ins.\"\nloses.ja = \"キャッシュされたサインイン。\"\n",
        "",
    );
    assert_rejects("loses", &[("x.toml", text)], "needs `loses`");
    let text = good("x").replace("codes = [\"0xCAA20003\"]", "codes = []");
    assert_rejects(
        "nothing",
        &[("x.toml", text)],
        "covers no code and no message",
    );
    let text = good("x").replace("who = \"user\"", "who = \"everyone\"");
    assert_rejects("who", &[("x.toml", text)], "who must be user or admin");
    let text = good("x").replace(
        "layer = \"clock\"",
        "layer = \"clock\"\napps = [\"notepad\"]",
    );
    assert_rejects("app", &[("x.toml", text)], "unknown app `notepad`");
    assert_rejects("broken", &[("x.toml", "id = ".into())], "not a valid entry");
}

fn bundled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb")
}

#[test]
fn the_bundled_knowledge_base_passes_the_linter() {
    let (loaded, problems) = lint_dir_as(&bundled_dir(), &action_list(), Origin::Bundled).unwrap();
    // Every bundled entry records what it was checked against; nothing is
    // left as a warning either.
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert!(loaded.entries.iter().all(|(_, e)| !e.checked.is_empty()));
    let report: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.file, p.en))
        .collect();
    assert!(
        report.is_empty(),
        "{} problems:\n{}",
        report.len(),
        report.join("\n")
    );
    // Every file build.rs saw was compiled (none skipped), EXAMPLE.toml aside.
    let real = loaded
        .entries
        .iter()
        .filter(|(f, _)| !f.ends_with("EXAMPLE.toml"))
        .count();
    assert_eq!(real, ENTRIES.len());
}

#[test]
fn rejects_faulty_symptoms_and_clues() {
    let with = |extra: &str| format!("{}\n{extra}", good("x"));
    assert_eq!(
        problems(
            "symptoms-good",
            &[(
                "x.toml",
                with("[symptoms]\nen = [\"the clock is off\"]\nja = [\"時刻がずれている\"]\n\n[clues]\nclock = 3\nother-devices-work = -1\n")
            )]
        ),
        vec![]
    );
    assert_rejects(
        "symptoms-one-language",
        &[("x.toml", with("[symptoms]\nen = [\"the clock is off\"]\n"))],
        "both English and Japanese",
    );
    assert_rejects(
        "symptoms-short",
        &[(
            "x.toml",
            with("[symptoms]\nen = [\"off\"]\nja = [\"時刻がずれている\"]\n"),
        )],
        "is too short",
    );
    // The same wording in two entries, even written differently.
    let a = with("[symptoms]\nen = [\"The Clock is off\"]\nja = [\"時刻がずれている\"]\n");
    let b = good("y").replace("0xCAA20003", "0x80070005")
        + "\n[symptoms]\nen = [\"the clock is  off\"]\nja = [\"時計が遅れている\"]\n";
    assert_rejects(
        "symptoms-shared",
        &[("x.toml", a), ("y.toml", b)],
        "is also a symptom of",
    );
    assert_rejects(
        "clue-unknown",
        &[("x.toml", with("[clues]\nmoon-phase = 2\n"))],
        "clue `moon-phase` is not one of",
    );
    assert_rejects(
        "clue-zero",
        &[("x.toml", with("[clues]\nclock = 0\n"))],
        "has weight 0",
    );
    assert_rejects(
        "clue-large",
        &[("x.toml", with("[clues]\nclock = 5\n"))],
        "has weight 5",
    );
}

#[test]
fn every_bundled_entry_says_how_people_describe_it() {
    for e in ENTRIES.iter() {
        assert!(
            e.symptoms.en.len() >= 4 && e.symptoms.ja.len() >= 4,
            "{}: {} English and {} Japanese symptoms; give at least four of each",
            e.id,
            e.symptoms.en.len(),
            e.symptoms.ja.len()
        );
    }
}

const CHECKED: &str = r#"
[[checked]]
url = "https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes"
source = "MicrosoftDocs/entra-docs:docs/identity-platform/reference-error-codes.md"
commit = "3164b3b5d031edef0ad334ba09d3ea6dcb619c1a"
date = "2026-12-07"
"#;

fn linted(name: &str, origin: Origin, text: String) -> (Vec<Problem>, Vec<Problem>) {
    let fixture = Fixture::new(name, &[("x.toml", text)]);
    let (loaded, errors) = lint_dir_as(&fixture.0, &action_list(), origin).unwrap();
    (errors, loaded.warnings)
}

fn has(problems: &[Problem], needle: &str) -> bool {
    problems
        .iter()
        .any(|p| p.en.contains(needle) && !p.ja.is_empty())
}

#[test]
fn a_checked_record_is_required_for_bundled_entries_and_warned_for_org_ones() {
    let (errors, warnings) = linted("checked-ok", Origin::Bundled, good("x") + CHECKED);
    assert_eq!((errors, warnings), (vec![], vec![]));
    let (errors, warnings) = linted("checked-org", Origin::Org, good("x"));
    assert!(errors.is_empty(), "{errors:?}");
    assert!(has(&warnings, "no `checked` record"), "{warnings:?}");
    let (errors, warnings) = linted("checked-bundled", Origin::Bundled, good("x"));
    assert!(has(&errors, "no `checked` record"), "{errors:?}");
    assert!(!has(&warnings, "no `checked` record"));
}

#[test]
fn malformed_checked_records_are_errors_for_everyone() {
    let cases = [
        (CHECKED.replace("3164b3b5", "zzzz"), "not 40 hex digits"),
        (CHECKED.replace("2026-12-07", "07/12/2026"), "not YYYY-MM-DD"),
        (CHECKED.replace("reference-error-codes\"\nsource", "other-page\"\nsource"), "is not one of the references"),
        (CHECKED.replace("source = \"MicrosoftDocs/entra-docs:", "source = \"entra-docs "), "owner/repo:path"),
        (
            CHECKED
                .replace("source = \"MicrosoftDocs/entra-docs:docs/identity-platform/reference-error-codes.md\"\n", "")
                .replace("commit = \"3164b3b5d031edef0ad334ba09d3ea6dcb619c1a\"\n", ""),
            "neither which commit nor which ms.date",
        ),
        (
            CHECKED.replace("commit = \"3164b3b5d031edef0ad334ba09d3ea6dcb619c1a\"", "ms_date = \"2024-03-12\""),
            "not MM/DD/YYYY",
        ),
        (format!("{CHECKED}{CHECKED}"), "recorded twice"),
    ];
    for (n, (checked, needle)) in cases.into_iter().enumerate() {
        let (errors, _) = linted(
            &format!("bad-checked-{n}"),
            Origin::Org,
            good("x") + &checked,
        );
        assert!(has(&errors, needle), "{needle}: {errors:#?}");
    }
}

fn with_command(command: &str, shell: Option<&str>, run_as: Option<&str>) -> String {
    let mut extra = format!("commands.windows = {command:?}\n");
    if let Some(shell) = shell {
        extra.push_str(&format!("commands.windows_shell = \"{shell}\"\n"));
    }
    if let Some(r) = run_as {
        extra.push_str(&format!("run_as = \"{r}\"\n"));
    }
    good("x").replacen(
        "verify.ja = \"時刻が正しくなります。\"\n",
        &format!("verify.ja = \"時刻が正しくなります。\"\n{extra}"),
        1,
    ) + CHECKED
}

#[test]
fn windows_commands_say_their_shell_and_parse_in_it() {
    let ok = with_command("w32tm /resync", Some("either"), Some("elevated"));
    assert_eq!(linted("cmd-ok", Origin::Bundled, ok), (vec![], vec![]));
    // Missing shell or run_as: an error in the bundled base, a warning for a company.
    let bare = with_command("w32tm /resync", None, None);
    let (errors, _) = linted("cmd-bare-bundled", Origin::Bundled, bare.clone());
    assert!(has(&errors, "needs commands.windows_shell") && has(&errors, "needs run_as"));
    let (errors, warnings) = linted("cmd-bare-org", Origin::Org, bare);
    assert!(errors.is_empty() && has(&warnings, "needs commands.windows_shell"));
    // Wrong values and commands that do not parse in their shell are errors.
    let (errors, _) = linted(
        "cmd-shell",
        Origin::Org,
        with_command("w32tm /resync", Some("bash"), Some("any")),
    );
    assert!(has(&errors, "windows_shell must be one of"), "{errors:?}");
    let (errors, _) = linted(
        "cmd-runas",
        Origin::Org,
        with_command("w32tm /resync", Some("either"), Some("root")),
    );
    assert!(has(&errors, "run_as must be one of"), "{errors:?}");
    let get_tpm = with_command("Get-Tpm", Some("cmd"), Some("elevated"));
    let (errors, _) = linted("cmd-grammar", Origin::Bundled, get_tpm.clone());
    assert!(has(&errors, "PowerShell cmdlet"), "{errors:?}");
    // For a company's entry the checker's doubt is a warning.
    let (errors, warnings) = linted("cmd-grammar-org", Origin::Org, get_tpm);
    assert!(
        errors.is_empty() && has(&warnings, "PowerShell cmdlet"),
        "{errors:?}"
    );
}

fn with_messages(block: &str) -> String {
    good("x").replacen("\n[[causes]]", &format!("\n{block}\n[[causes]]"), 1) + CHECKED
}

#[test]
fn unconfirmed_dialog_texts_must_be_matchable() {
    let ok = with_messages("[messages]\nunconfirmed.ja = [\"サーバーへの接続に失敗しました\"]\n");
    assert_eq!(
        linted("unconfirmed-ok", Origin::Bundled, ok),
        (vec![], vec![])
    );
    let (errors, _) = linted(
        "unconfirmed-short",
        Origin::Org,
        with_messages("[messages]\nunconfirmed.ja = [\"接続しています\"]\n"),
    );
    assert!(has(&errors, "too few key phrases"), "{errors:?}");
    let (errors, _) = linted(
        "unconfirmed-twice",
        Origin::Org,
        with_messages("[messages]\nja = [\"現在接続できません\"]\nunconfirmed.ja = [\"現在 接続できません\"]\n"),
    );
    assert!(has(&errors, "both confirmed and unconfirmed"), "{errors:?}");
}

#[test]
fn symptoms_come_in_both_languages_and_belong_to_one_entry() {
    // symptoms is a top-level key, so it goes before the first table.
    let one = good("x").replacen(
        "layer = \"clock\"",
        "layer = \"clock\"\nsymptoms.en = [\"Outlook keeps asking for my password\"]",
        1,
    ) + CHECKED;
    let (errors, _) = linted("symptoms-en-only", Origin::Org, one);
    assert!(has(&errors, "both English and Japanese"), "{errors:?}");
    let both = |id: &str| {
        good(id).replacen(
            "layer = \"clock\"",
            "layer = \"clock\"\nsymptoms.en = [\"Outlook keeps asking for my password\"]\nsymptoms.ja = [\"Outlook で何度もパスワードを聞かれる\"]",
            1,
        ) + CHECKED
    };
    let fixture = Fixture::new(
        "symptoms-dup",
        &[
            ("x.toml", both("x")),
            ("y.toml", both("y").replace("0xCAA20003", "0xCAA20004")),
        ],
    );
    let (_, errors) = lint_dir_as(&fixture.0, &action_list(), Origin::Org).unwrap();
    assert!(has(&errors, "is also a symptom of `x`"), "{errors:?}");
    assert_eq!(
        linted("symptoms-ok", Origin::Bundled, both("x")),
        (vec![], vec![])
    );
}

#[test]
fn japanese_typography_and_wording_are_checked() {
    let cases = [
        (
            "時刻を同期します。",
            "時刻と日付・タイム ゾーンを同期します。",
            "中黒",
        ),
        (
            "時刻を同期します。",
            "時刻を同期します。 その後確認します。",
            "no space after",
        ),
        (
            "時刻を同期します。",
            "Windowsの時刻を同期します。",
            "half-width space",
        ),
        (
            "時刻を同期します。",
            "時刻を同期します, 必ず。",
            "ASCII comma",
        ),
        (
            "時刻を同期します。",
            "通信を横取りする製品を止めます。",
            "glossary",
        ),
    ];
    for (n, (from, to, needle)) in cases.into_iter().enumerate() {
        let text = good("x").replacen(from, to, 1) + CHECKED;
        let (errors, _) = linted(&format!("ja-{n}"), Origin::Bundled, text.clone());
        assert!(has(&errors, needle), "{to}: {errors:?}");
        // A company's Japanese gets the same advice, as warnings.
        let (errors, warnings) = linted(&format!("ja-org-{n}"), Origin::Org, text);
        assert!(
            errors.is_empty() && has(&warnings, needle),
            "{to}: {errors:?}"
        );
    }
    // A prohibition in English is one in Japanese.
    let text = good("x")
        .replacen(
            "en = \"Sync the clock.\"",
            "en = \"Sync the clock. Do not change the time zone.\"",
            1,
        )
        .replacen(
            "ja = \"時刻を同期します。\"",
            "ja = \"時刻を同期します。タイム ゾーンは変更しません。\"",
            1,
        )
        + CHECKED;
    let (errors, _) = linted("ja-prohibition", Origin::Bundled, text.clone());
    assert!(has(&errors, "しないでください"), "{errors:?}");
    let fixed = text.replace(
        "タイム ゾーンは変更しません。",
        "タイム ゾーンは変更しないでください。",
    );
    assert_eq!(
        linted("ja-prohibition-ok", Origin::Bundled, fixed),
        (vec![], vec![])
    );
}

#[cfg(unix)]
#[test]
fn a_folder_with_loops_pipes_and_broken_links_is_linted_to_the_end() {
    // Before: two links to `.` walked for ever (every command hung with the
    // folder in M365DOCTOR_KB_DIR), a FIFO named *.toml blocked, and one self
    // link counted the same entry 41 times.
    let fixture = Fixture::new("hostile", &[("a/one.toml", good("one"))]);
    let dir = &fixture.0;
    std::os::unix::fs::symlink(".", dir.join("a/self")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("a/up")).unwrap();
    std::os::unix::fs::symlink("gone.toml", dir.join("broken.toml")).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.toml"))
        .status()
        .unwrap()
        .success());
    let (loaded, problems) = lint_dir(dir, &action_list()).unwrap();
    assert_eq!(loaded.entries.len(), 1, "one entry, read once");
    let named = |list: &[Problem], file: &str, needle: &str| {
        list.iter()
            .any(|p| p.file.ends_with(file) && p.en.contains(needle) && !p.ja.is_empty())
    };
    assert!(
        named(&problems, "broken.toml", "does not exist"),
        "{problems:?}"
    );
    assert!(
        named(&loaded.warnings, "pipe.toml", "FIFO"),
        "{:?}",
        loaded.warnings
    );
    assert!(named(&loaded.warnings, "a/self", "loop"));
    assert!(named(&loaded.warnings, "a/up", "loop"));
}

#[test]
fn a_huge_entry_file_is_named_not_parsed() {
    let huge = format!("id = \"{}\"\n", "x".repeat(2 << 20));
    let problems = problems("huge", &[("huge.toml", huge)]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].en.contains("larger than 1024 KiB"));
    assert!(problems[0].en.len() < 200);
}
