//! `m365doctor fix` and `collect` on a system that is not Windows (the CI's):
//! list and plan work, changes are refused with a clear message, bad input
//! fails cleanly, and nothing is written outside the given folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A home of its own, so runs and bundles never touch the real one.
fn home(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("m365doctor-fixcli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn m365doctor(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LOCALAPPDATA")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", home)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run m365doctor")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&o.stdout));
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn list_json_follows_the_contract() {
    let h = home("list");
    let o = m365doctor(&h, &["fix", "list", "--json"]);
    assert!(o.status.success());
    let doc = json(&o);
    assert_eq!(doc["schema"], "m365doctor.fix/1");
    let actions = doc["actions"].as_array().unwrap();
    assert_eq!(actions.len(), m365doctor_kb::ACTIONS.len());
    for a in actions {
        assert!(a["automated"].is_boolean() && a["undo"].is_boolean());
        assert!(["user", "admin"].contains(&a["who"].as_str().unwrap()));
        assert!(["none", "low", "medium", "high"].contains(&a["risk"].as_str().unwrap()));
        let platforms = a["platforms"].as_array().unwrap();
        assert_eq!(
            a["automated"].as_bool().unwrap(),
            !platforms.is_empty(),
            "{a}"
        );
    }
    let by_id = |id: &str| actions.iter().find(|a| a["id"] == id).unwrap().clone();
    assert_eq!(by_id("reset-identity-cache")["undo"], true);
    assert_eq!(by_id("clear-office-credentials")["undo"], false);
    assert_eq!(by_id("dsreg-rejoin")["who"], "admin");
    assert_eq!(by_id("restart-device")["automated"], false);
    let ja = json(&m365doctor(&h, &["--lang", "ja", "fix", "list", "--json"]));
    assert_eq!(ja["actions"][0]["title"], "アプリを再起動する");
}

#[test]
fn plan_shows_steps_backups_and_undo_for_an_action_and_for_a_code() {
    let h = home("plan");
    let o = m365doctor(
        &h,
        &["fix", "plan", "reset-office-identity-registry", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    let plan = &doc["plans"][0];
    assert_eq!(plan["action"], "reset-office-identity-registry");
    let steps = plan["steps"].as_array().unwrap();
    assert_eq!(steps[0]["op"]["op"], "reg-export");
    assert_eq!(steps[1]["op"]["op"], "reg-delete");
    assert_eq!(steps[1]["undo"]["undo"], "restore");
    assert_eq!(steps[1]["undo"]["op"]["op"], "reg-import");
    assert!(plan["run_dir"]
        .as_str()
        .unwrap()
        .starts_with(r"%LOCALAPPDATA%\m365doctor\runs\"));

    let o = m365doctor(
        &h,
        &["--lang", "ja", "fix", "plan", "clear-office-credentials"],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("元に戻せません"), "{text}");

    let o = m365doctor(&h, &["fix", "plan", "0xCAA70004", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    assert!(doc["code"]["entry"].is_string(), "{doc}");
    let planned: Vec<&str> = doc["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["action"].as_str().unwrap())
        .collect();
    let listed: Vec<&str> = doc["code"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    // Automated actions are planned in the entry's order.
    let automated: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|a| m365doctor_fix::actions::find(a).is_some())
        .collect();
    assert_eq!(planned, automated);
    assert!(!planned.is_empty());
}

#[test]
fn bad_input_fails_cleanly() {
    let h = home("bad");
    for args in [
        &["fix", "plan", "no-such-thing"][..],
        &["fix", "run", "no-such-action"],
        &["fix", "run", "restart-device"],
        &["fix", "undo"],
        &["fix", "undo", "20990101T000000Z-none"],
        &["fix", "resume"],
    ] {
        let o = m365doctor(&h, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("m365doctor: "),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"));
    }
}

#[test]
fn changes_are_refused_off_windows_in_both_languages() {
    let h = home("refuse");
    let o = m365doctor(&h, &["fix", "run", "reset-identity-cache", "--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("runs on Windows only"),
        "{}",
        stderr(&o)
    );
    let o = m365doctor(&h, &["--lang", "ja", "fix", "run", "dsreg-status-check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Windows"), "{}", stderr(&o));
    // Nothing was written: no run folder anywhere under the home.
    let o = m365doctor(&h, &["fix", "history", "--json"]);
    assert_eq!(json(&o)["runs"].as_array().unwrap().len(), 0);
    assert!(!h.join(".local/share/m365doctor").exists());
}

#[test]
fn a_refusal_with_json_is_a_json_document_for_scripts() {
    let h = home("refuse-json");
    let cases: [&[&str]; 5] = [
        // Not Windows; not confirmed (--json shows no plan); unknown action;
        // a manual action; undo with no run.
        &["fix", "run", "reset-identity-cache", "--yes", "--json"],
        &["fix", "run", "reset-identity-cache", "--json"],
        &["fix", "run", "no-such-action", "--yes", "--json"],
        &["fix", "run", "restart-app", "--yes", "--json"],
        &["fix", "undo", "--yes", "--json"],
    ];
    for args in cases {
        let o = m365doctor(&h, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let doc = json(&o);
        assert_eq!(doc["schema"], "m365doctor.fix/1", "{args:?}");
        assert_eq!(doc["status"], "refused", "{args:?}");
        assert_eq!(doc["exit_code"], 2, "{args:?}");
        let notes = doc["notes"].as_array().unwrap();
        assert!(!notes.is_empty(), "{args:?}");
        // The same reasons are still said on standard error for people.
        let first = notes[0].as_str().unwrap();
        assert!(stderr(&o).contains(first), "{args:?}: {}", stderr(&o));
    }
    let o = m365doctor(
        &h,
        &["fix", "run", "reset-identity-cache", "--yes", "--json"],
    );
    assert_eq!(json(&o)["action"], "reset-identity-cache");
    assert!(json(&o)["notes"][0]
        .as_str()
        .unwrap()
        .contains("runs on Windows only"));
    // Without --json standard output stays empty.
    let o = m365doctor(&h, &["fix", "run", "reset-identity-cache", "--yes"]);
    assert!(o.stdout.is_empty());
    assert!(!h.join(".local/share/m365doctor").exists());
}

#[test]
fn collect_on_a_system_without_microsoft_sign_in_components_says_so() {
    let h = home("collect");
    let out = h.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let o = m365doctor(&h, &["collect", "--out", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["schema"], "m365doctor.collect/1");
    if doc["written"] == false {
        assert!(doc["why"].as_str().unwrap().contains("Nothing to gather"));
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    } else {
        // This machine has some (a Microsoft package is installed): a whole bundle.
        assert!(Path::new(doc["zip"].as_str().unwrap()).is_file());
    }
    // Without --out: the user's data folder, never the current folder.
    let cwd = h.join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(["collect", "--json"])
        .current_dir(&cwd)
        .env_remove("LOCALAPPDATA")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", &h)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&cwd).unwrap().count(), 0);
    // A folder that does not exist yet is made only for a bundle: with
    // nothing to gather nothing is written, not even an empty folder.
    let written = json(&o)["written"] == true;
    assert_eq!(h.join(".local/share/m365doctor/evidence").is_dir(), written);
    assert_eq!(h.join(".local/share/m365doctor").exists(), written);
    let missing = h.join("missing").join("deeper");
    let o = m365doctor(
        &h,
        &["collect", "--out", missing.to_str().unwrap(), "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let written = json(&o)["written"] == true;
    assert_eq!(missing.is_dir(), written);
    assert_eq!(h.join("missing").exists(), written);
    // A file is refused.
    let file = h.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = m365doctor(&h, &["collect", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a folder"));
}

#[test]
fn a_run_whose_journal_cannot_be_read_is_listed_and_warned_about() {
    let h = home("unreadable");
    let run = h.join(".local/share/m365doctor/runs/20261127T072000Z-reset-identity-cache");
    std::fs::create_dir_all(run.join("backup/1-IdentityCache")).unwrap();
    std::fs::write(
        run.join("journal.jsonl"),
        b"\x00\x00garbage after a disk error\n",
    )
    .unwrap();
    let o = m365doctor(&h, &["fix", "history", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["runs"].as_array().unwrap().len(), 0);
    let bad = doc["unreadable"].as_array().unwrap();
    assert_eq!(bad.len(), 1, "{doc}");
    assert!(bad[0]["dir"]
        .as_str()
        .unwrap()
        .ends_with("reset-identity-cache"));
    assert!(
        bad[0]["error"].as_str().unwrap().contains("line 1"),
        "{doc}"
    );
    // Every fix command says so, in the user's language.
    let o = m365doctor(&h, &["fix", "plan", "sync-clock", "--lang", "ja"]);
    let err = stderr(&o);
    assert!(err.contains("ジャーナルを読み取れません"), "{err}");
    assert!(
        err.contains("20261127T072000Z-reset-identity-cache"),
        "{err}"
    );
    let o = m365doctor(&h, &["fix", "history"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("journal unreadable"), "{out}");
}

#[test]
fn a_run_whose_undo_failed_in_part_is_pointed_out_by_every_command() {
    let h = home("undofailed");
    let plan = json(&m365doctor(
        &h,
        &["fix", "plan", "reset-identity-cache", "--json"],
    ))["plans"][0]
        .clone();
    let id = "20261127T072000Z-reset-identity-cache";
    let run = h.join(".local/share/m365doctor/runs").join(id);
    std::fs::create_dir_all(&run).unwrap();
    let t = "2026-11-27T07:20:00Z";
    let lines = [
        serde_json::json!({"rec": "run", "schema": "m365doctor.journal/1", "run": id, "action": "reset-identity-cache", "time": t, "plan": plan}),
        serde_json::json!({"rec": "begin", "step": 0, "time": t}),
        serde_json::json!({"rec": "done", "step": 0, "time": t, "detail": {"en": "moved", "ja": "移動しました"}}),
        serde_json::json!({"rec": "finished", "time": t, "status": "done"}),
        serde_json::json!({"rec": "undo-begin", "step": 0, "time": t}),
        serde_json::json!({"rec": "undo-failed", "step": 0, "time": t, "error": "access denied"}),
        serde_json::json!({"rec": "undo-finished", "time": t, "ok": false}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(run.join("journal.jsonl"), text).unwrap();
    let o = m365doctor(&h, &["fix", "history"]);
    let err = stderr(&o);
    assert!(err.contains(&format!("the undo of run {id}")), "{err}");
    assert!(err.contains(&format!("m365doctor fix undo {id}")), "{err}");
    let o = m365doctor(&h, &["--lang", "ja", "fix", "list"]);
    assert!(
        stderr(&o).contains("元に戻す処理が一部失敗"),
        "{}",
        stderr(&o)
    );
}

/// m365doctor with `args`, failing the test if it has not ended after 20 s.
#[cfg(unix)]
fn m365doctor_ending(home: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_m365doctor"))
        .args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LOCALAPPDATA")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", home)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run m365doctor");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`m365doctor {}` hangs", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// Writes a journal for run `id`: the plan `fix plan ACTION --json` shows
/// (changed by `forge`), then `records`.
fn plant(
    h: &Path,
    id: &str,
    forge: impl FnOnce(&mut serde_json::Value),
    records: &[&str],
) -> PathBuf {
    let action = "reset-identity-cache";
    let mut plan = json(&m365doctor(h, &["fix", "plan", action, "--json"]))["plans"][0].clone();
    forge(&mut plan);
    let run = h.join(".local/share/m365doctor/runs").join(id);
    std::fs::create_dir_all(&run).unwrap();
    let t = "2026-11-27T07:20:00Z";
    let first = serde_json::json!({"rec": "run", "schema": "m365doctor.journal/1", "run": id, "action": action, "time": t, "plan": plan});
    let mut text = format!("{first}\n");
    for r in records {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(run.join("journal.jsonl"), text).unwrap();
    run
}

const BEGUN: &str = r#"{"rec":"begin","step":0,"time":"2026-11-27T07:20:01Z"}"#;
const DONE: &str = r#"{"rec":"done","step":0,"time":"2026-11-27T07:20:02Z","detail":"moved"}"#;
const FINISHED: &str = r#"{"rec":"finished","time":"2026-11-27T07:20:03Z","status":"done"}"#;

#[test]
fn undo_and_resume_are_refused_where_fix_run_is() {
    let h = home("undo-off-windows");
    let id = "20260101T000002Z-reset-identity-cache";
    let run = plant(&h, id, |_| {}, &[BEGUN]);
    let journal = std::fs::read(run.join("journal.jsonl")).unwrap();
    for args in [
        &["fix", "undo", "--yes"][..],
        &["fix", "undo", id, "--yes", "--json"],
        &["fix", "resume", "--yes"],
        &["fix", "resume", id, "--yes"],
    ] {
        let o = m365doctor(&h, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("can be undone or resumed on Windows only (this is linux)"),
            "{args:?}: {}",
            stderr(&o)
        );
        // Not `whoami /user` run on Linux, nothing journaled.
        assert!(!stderr(&o).contains("whoami"), "{}", stderr(&o));
        assert_eq!(std::fs::read(run.join("journal.jsonl")).unwrap(), journal);
    }
    let o = m365doctor(&h, &["--lang", "ja", "fix", "undo", "--yes"]);
    assert!(stderr(&o).contains("Windows でのみ"), "{}", stderr(&o));
    // The run itself is sound: unfinished, not damaged.
    let doc = json(&m365doctor(&h, &["fix", "history", "--json"]));
    assert_eq!(doc["runs"][0]["status"], "unfinished", "{doc}");
}

/// The reliability review's reproduction (F8): a journal planted in the
/// runs folder that moves a folder from one place outside to another.
#[test]
fn a_forged_journal_is_damaged_and_moves_nothing() {
    let h = home("forged");
    let victim = h.join("victim");
    std::fs::create_dir_all(victim.join("backup/1-IdentityCache")).unwrap();
    std::fs::write(victim.join("backup/1-IdentityCache/secret.dat"), "x").unwrap();
    let id = "20260101T000009Z-reset-identity-cache";
    let (from, to) = (
        victim.join("backup/1-IdentityCache"),
        victim.join("restored"),
    );
    let run = plant(
        &h,
        id,
        |plan| {
            let op = &mut plan["steps"][0]["undo"]["op"];
            op["from"] = serde_json::json!(from);
            op["to"] = serde_json::json!(to);
            // Nothing to check first (no apps, no account): straight to the move.
            plan["preconditions"] = serde_json::json!([]);
        },
        &[BEGUN, DONE, FINISHED],
    );
    let journal = std::fs::read(run.join("journal.jsonl")).unwrap();
    let o = m365doctor(&h, &["fix", "undo", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is damaged"), "{}", stderr(&o));
    assert!(victim.join("backup/1-IdentityCache/secret.dat").exists());
    assert!(!victim.join("restored").exists());
    assert_eq!(std::fs::read(run.join("journal.jsonl")).unwrap(), journal);
    let doc = json(&m365doctor(&h, &["fix", "history", "--json"]));
    assert_eq!(doc["runs"][0]["status"], "damaged", "{doc}");
    let damage = doc["runs"][0]["damage"].to_string();
    assert!(
        damage.contains("restored") && damage.contains("lies outside"),
        "{doc}"
    );
}

#[test]
fn a_journal_with_a_line_damaged_in_the_middle_is_never_done_and_verified() {
    let h = home("damaged-middle");
    plant(
        &h,
        "20260101T000003Z-reset-identity-cache",
        |_| {},
        &[
            BEGUN,
            "\u{1}\u{2}garbage after a disk error",
            DONE,
            FINISHED,
        ],
    );
    let o = m365doctor(&h, &["fix", "history", "--json"]);
    let doc = json(&o);
    assert_eq!(doc["runs"][0]["status"], "damaged", "{doc}");
    assert!(
        doc["runs"][0]["damage"][0]
            .as_str()
            .unwrap()
            .contains("line 3"),
        "{doc}"
    );
    let o = m365doctor(&h, &["fix", "history"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("journal damaged"), "{out}");
    assert!(!out.contains("done and verified"), "{out}");
    // Every fix command says so, in the user's language.
    let o = m365doctor(&h, &["--lang", "ja", "fix", "list"]);
    assert!(
        stderr(&o).contains("ジャーナルが破損しています"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn a_pipe_in_place_of_a_journal_or_the_lock_hangs_no_fix_command() {
    let h = home("fifo");
    let run = h.join(".local/share/m365doctor/runs/20260101T000004Z-reset-identity-cache");
    std::fs::create_dir_all(&run).unwrap();
    for fifo in [
        run.join("journal.jsonl"),
        h.join(".local/share/m365doctor/fix.lock"),
    ] {
        let made = Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
    }
    for args in [
        &["fix", "history"][..],
        &["fix", "list"],
        &["fix", "plan", "reset-identity-cache"],
        &["fix", "undo", "--yes"],
        &["fix", "resume", "--yes"],
        &["fix", "run", "check-network", "--timeout", "1"],
    ] {
        let o = m365doctor_ending(&h, args);
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
    let doc = json(&m365doctor_ending(&h, &["fix", "history", "--json"]));
    let error = doc["unreadable"][0]["error"].as_str().unwrap();
    assert!(error.contains("pipe, socket or device"), "{doc}");
}
