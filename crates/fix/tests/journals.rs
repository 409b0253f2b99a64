//! Journals and run folders that are damaged, forged or not what they seem
//! (reliability review F6 and F8): undo and resume act only on a journal
//! that names nothing outside its run and its action, only where the
//! action runs, and nothing standing in for a journal or the lock is ever
//! opened for reading.

use m365doctor_fix::plan::Options;
use m365doctor_fix::runner::{read_journal, Runner};
use m365doctor_fix::{prepare, Os};
use m365doctor_testkit::{Crashing, RecordedHost, WinLang};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn host(lang: WinLang) -> RecordedHost {
    let h = RecordedHost::new(fixtures(), lang).expect("fixtures load");
    h.close_office_apps();
    h
}

/// A finished run of `action` on `h`; its folder.
fn done(h: &RecordedHost, action: &str) -> PathBuf {
    let plan = prepare(h, action, &Options::default()).unwrap();
    let report = Runner::new(h).start(&plan).unwrap();
    assert_eq!(report.status, "done", "{report:?}");
    report.dir
}

fn journal(dir: &Path) -> PathBuf {
    dir.join("journal.jsonl")
}

/// Rewrites the plan in the journal's first record.
fn forge(dir: &Path, change: impl FnOnce(&mut Value)) {
    let text = std::fs::read_to_string(journal(dir)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut first: Value = serde_json::from_str(&lines[0]).unwrap();
    change(&mut first["plan"]);
    lines[0] = first.to_string();
    std::fs::write(journal(dir), lines.join("\n") + "\n").unwrap();
}

/// Inserts a line after line `after` (1-based) of the journal.
fn insert_line(dir: &Path, after: usize, line: &str) {
    let text = std::fs::read_to_string(journal(dir)).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(after, line);
    std::fs::write(journal(dir), lines.join("\n") + "\n").unwrap();
}

/// Runs `f` on a thread of its own and fails if it has not returned after
/// `secs` (a read of a pipe would block for ever).
#[cfg(unix)]
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("did not return within {secs} s (blocked on a read?)"))
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

#[test]
fn a_line_that_cannot_be_read_in_the_middle_makes_the_run_damaged_not_done() {
    for (what, line) in [
        ("garbage", "this is not a record"),
        ("zeros", "\u{0}\u{0}\u{0}\u{0}"),
        ("an unknown record", r#"{"rec":"bogus","step":0}"#),
        (
            "a step the plan does not have",
            r#"{"rec":"begin","step":99,"time":"2026-11-27T07:20:09Z"}"#,
        ),
        (
            "a second run record",
            r#"{"rec":"run","schema":"m365doctor.journal/1","run":"x","action":"sync-clock","time":"t","plan":null}"#,
        ),
    ] {
        let h = host(WinLang::En);
        let dir = done(&h, "reset-identity-cache");
        insert_line(&dir, 2, line);
        let run = read_journal(&h, &dir).unwrap();
        assert_eq!(run.status(), "damaged", "{what}");
        assert!(
            run.damage.iter().any(|d| d.en.contains("line 3")),
            "{what}: {:?}",
            run.damage
        );
        assert!(!run.unfinished(), "{what}: a damaged run blocks nothing");
        let runner = Runner::new(&h);
        assert_eq!(runner.history()[0].status(), "damaged", "{what}");
        // Nothing is undone from it.
        let before = std::fs::read(journal(&dir)).unwrap();
        let undo = runner.undo(&run);
        assert_eq!(undo.status, "refused", "{what}: {undo:?}");
        assert!(undo.notes[0].en.contains("is damaged"), "{:?}", undo.notes);
        assert!(undo.notes[0].ja.contains("破損"), "{:?}", undo.notes);
        assert!(!h.local_app_data().join("Microsoft/IdentityCache").exists());
        assert_eq!(std::fs::read(journal(&dir)).unwrap(), before, "{what}");
    }
}

#[test]
fn a_record_cut_short_by_a_crash_is_torn_wherever_later_records_follow_it() {
    let h = host(WinLang::Ja);
    let dir = done(&h, "reset-identity-cache");
    // A crash cut this record; the next process went on on a line of its own.
    insert_line(&dir, 2, r#"{"rec":"done","step":0,"time":"2026-11-2"#);
    let run = read_journal(&h, &dir).unwrap();
    assert!(run.torn);
    assert!(run.damage.is_empty(), "{:?}", run.damage);
    assert_eq!(run.status(), "done");
    // Zeros where the rest of the record was to be written.
    insert_line(&dir, 4, "{\"rec\":\"begin\",\"st\u{0}\u{0}\u{0}");
    let run = read_journal(&h, &dir).unwrap();
    assert_eq!(run.status(), "done", "{:?}", run.damage);
    // A last line that cannot be read at all is torn too.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(journal(&dir))
        .unwrap();
    std::io::Write::write_all(&mut f, b"\x00garbage").unwrap();
    assert_eq!(read_journal(&h, &dir).unwrap().status(), "done");
}

#[test]
fn undo_and_resume_refuse_where_the_action_does_not_run_and_change_nothing() {
    let h = host(WinLang::En);
    let dir = done(&h, "reset-identity-cache");
    h.os.set(Os::Linux);
    let runner = Runner::new(&h);
    let run = runner.find(None).unwrap();
    assert!(run.damage.is_empty(), "{:?}", run.damage);
    let calls = h.calls().len();
    let before = std::fs::read(journal(&dir)).unwrap();
    let why = runner.check_undo_preconditions(&run);
    assert!(
        why[0].en.contains("on Windows only (this is linux)"),
        "{why:?}"
    );
    assert!(why[0].ja.contains("Windows でのみ"), "{why:?}");
    let undo = runner.undo(&run);
    assert_eq!(undo.status, "refused", "{undo:?}");
    // Nothing moved back, nothing run (no `whoami /user` on Linux), nothing journaled.
    assert!(!h.local_app_data().join("Microsoft/IdentityCache").exists());
    assert_eq!(h.calls().len(), calls, "{:?}", &h.calls()[calls..]);
    assert_eq!(std::fs::read(journal(&dir)).unwrap(), before);

    // An unfinished run, even one whose journal no longer says it needs Windows.
    let h = host(WinLang::En);
    let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
    let _ = Runner::new(&Crashing::new(&h, 9)).start(&plan);
    forge(&plan.run_dir, |plan| plan["preconditions"] = json!([]));
    h.os.set(Os::Linux);
    let runner = Runner::new(&h);
    let run = runner.find(None).unwrap();
    assert!(run.unfinished());
    let calls = h.calls().len();
    let refused = runner.resume(&run).unwrap_err();
    assert!(
        refused.0[0].en.contains("on Windows only"),
        "{:?}",
        refused.0
    );
    assert_eq!(h.calls().len(), calls);
    assert!(h.local_app_data().join("Microsoft/OneAuth").exists());
}

#[test]
fn a_journal_naming_anything_outside_its_run_and_its_action_is_damaged_and_nothing_moves() {
    type Forgery = fn(&mut Value, &Path, &Path);
    let forgeries: Vec<(&str, &str, Forgery)> = vec![
        // The review's reproduction: a move-back from and to somewhere else.
        ("reset-identity-cache", "lies outside", |plan, _, victim| {
            let op = &mut plan["steps"][0]["undo"]["op"];
            op["from"] = json!(victim.join("backup/1-IdentityCache"));
            op["to"] = json!(victim.join("restored"));
        }),
        ("reset-identity-cache", "lies outside", |plan, _, victim| {
            plan["steps"][1]["undo"]["op"]["to"] = json!(victim.join("restored"));
        }),
        ("reset-identity-cache", "lies outside", |plan, dir, _| {
            let climbing = dir.join("backup/../../../../../../victim/backup/1-IdentityCache");
            plan["steps"][0]["undo"]["op"]["from"] = json!(climbing);
        }),
        ("reset-identity-cache", "lies outside", |plan, _, victim| {
            plan["steps"][0]["op"]["from"] = json!(victim);
        }),
        ("reset-identity-cache", "not a command", |plan, _, _| {
            plan["steps"][0]["op"] = json!({"op": "command", "program": "cmd", "args": ["/c", "whoami"], "timeout_secs": 5});
        }),
        (
            "reset-identity-cache",
            "not the folder",
            |plan, _, victim| {
                plan["run_dir"] = json!(victim);
            },
        ),
        (
            "reset-office-identity-registry",
            "registry key",
            |plan, _, _| {
                plan["steps"][1]["undo"]["op"]["key"] =
                    json!(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Run");
            },
        ),
        (
            "reset-office-identity-registry",
            "lies outside",
            |plan, _, victim| {
                plan["steps"][1]["undo"]["op"]["file"] = json!(victim.join("evil.reg"));
            },
        ),
        ("clear-office-credentials", "not one", |plan, _, _| {
            plan["steps"][0]["op"]["target"] = json!("Domain:target=fileserver.contoso.local");
        }),
    ];
    for (action, says, forgery) in forgeries {
        let h = host(WinLang::En);
        let dir = done(&h, action);
        let victim = h.profile().parent().unwrap().join("victim");
        std::fs::create_dir_all(victim.join("backup/1-IdentityCache")).unwrap();
        std::fs::write(victim.join("backup/1-IdentityCache/secret.dat"), b"x").unwrap();
        forge(&dir, |plan| forgery(plan, &dir, &victim));
        let runner = Runner::new(&h);
        let run = runner.find(None).unwrap();
        assert_eq!(run.status(), "damaged", "{action} {says}");
        assert!(
            run.damage.iter().any(|d| d.en.contains(says)),
            "{action}: {says} not in {:?}",
            run.damage
        );
        let (machine, calls) = (h.machine(), h.calls().len());
        let before = std::fs::read(journal(&dir)).unwrap();
        assert_eq!(runner.undo(&run).status, "refused", "{action} {says}");
        assert!(runner.resume(&run).is_err());
        assert!(victim.join("backup/1-IdentityCache/secret.dat").exists());
        assert!(!victim.join("restored").exists());
        assert_eq!(
            h.machine(),
            machine,
            "{action} {says}: the registry changed"
        );
        assert_eq!(h.calls().len(), calls, "{action} {says}: {:?}", h.calls());
        assert_eq!(std::fs::read(journal(&dir)).unwrap(), before);
    }
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_run_folder_makes_it_damaged() {
    let h = host(WinLang::En);
    let dir = done(&h, "reset-identity-cache");
    let victim = h.profile().parent().unwrap().join("victim");
    std::fs::create_dir_all(victim.join("1-IdentityCache")).unwrap();
    std::fs::write(victim.join("1-IdentityCache/secret.dat"), b"x").unwrap();
    std::fs::rename(dir.join("backup"), dir.join("moved-backup")).unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("backup")).unwrap();
    let runner = Runner::new(&h);
    let run = runner.find(None).unwrap();
    assert_eq!(run.status(), "damaged");
    assert!(
        run.damage
            .iter()
            .any(|d| d.en.contains("leads through a link")),
        "{:?}",
        run.damage
    );
    assert_eq!(runner.undo(&run).status, "refused");
    assert!(victim.join("1-IdentityCache/secret.dat").exists());
    assert!(!h.local_app_data().join("Microsoft/IdentityCache").exists());
}

#[cfg(unix)]
#[test]
fn a_pipe_or_a_link_standing_in_for_a_journal_is_named_and_never_opened() {
    let (runs, unreadable, names) = within(20, || {
        let h = host(WinLang::En);
        let dir = done(&h, "reset-identity-cache");
        let runner = Runner::new(&h);
        let parent = runner.runs.clone();
        // A pipe in place of a journal.
        let pipe = parent.join("20261127T080000Z-reset-aad-broker");
        std::fs::create_dir(&pipe).unwrap();
        mkfifo(&journal(&pipe));
        // A journal that is a link to a good journal elsewhere.
        let linked = parent.join("20261127T080001Z-sync-clock");
        std::fs::create_dir(&linked).unwrap();
        std::os::unix::fs::symlink(journal(&dir), journal(&linked)).unwrap();
        // A run folder that is a link, and one that loops back to the runs folder.
        std::os::unix::fs::symlink(&dir, parent.join("20261127T080002Z-linked")).unwrap();
        std::os::unix::fs::symlink(&parent, parent.join("20261127T080003Z-loop")).unwrap();
        let (runs, unreadable) = runner.scan();
        // Every fix command looks at the runs first: none of them blocks.
        let _ = runner.unfinished();
        let _ = runner.find(None);
        let names: Vec<String> = unreadable
            .iter()
            .map(|u| {
                let n = u.dir.file_name().unwrap().to_string_lossy();
                format!("{n}: {}", u.error)
            })
            .collect();
        (runs.len(), unreadable.len(), names)
    });
    // The good run is read; each of the others is named with what it is.
    assert_eq!(runs, 1, "{names:?}");
    assert_eq!(unreadable, 4, "{names:?}");
    assert!(
        names[0].contains("journal.jsonl is a pipe, socket or device"),
        "{names:?}"
    );
    assert!(names[1].contains("journal.jsonl is a link"), "{names:?}");
    assert!(names[2].contains("a link, not a run folder"), "{names:?}");
    assert!(names[3].contains("a link, not a run folder"), "{names:?}");
}

#[cfg(unix)]
#[test]
fn a_pipe_standing_in_for_the_lock_is_neither_read_nor_removed() {
    use m365doctor_fix::host::Host;
    let (busy, refused, still_there) = within(20, || {
        let h = host(WinLang::En);
        let runner = Runner::new(&h);
        std::fs::create_dir_all(runner.lock_path().parent().unwrap()).unwrap();
        mkfifo(&runner.lock_path());
        let busy = runner.busy();
        let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
        let refused = runner.start(&plan).unwrap_err();
        let kind = h.kind(&runner.lock_path());
        (
            busy.is_some(),
            refused.0[0].en.clone(),
            kind == Some(m365doctor_fix::host::Kind::Special),
        )
    });
    assert!(!busy);
    assert!(
        refused.contains("is not a lock file m365doctor wrote"),
        "{refused}"
    );
    assert!(still_there);
}

#[test]
fn a_journal_larger_than_any_real_one_is_not_read() {
    let h = host(WinLang::En);
    let dir = done(&h, "reset-identity-cache");
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(journal(&dir))
        .unwrap();
    // Sparse: no disk space used.
    f.set_len(m365doctor_fix::runner::MAX_JOURNAL + 1).unwrap();
    let (_, unreadable) = Runner::new(&h).scan();
    assert_eq!(unreadable.len(), 1);
    assert!(unreadable[0].error.contains("not read"), "{unreadable:?}");
}

#[test]
fn a_backup_export_naming_keys_outside_the_action_is_not_imported() {
    let h = host(WinLang::En);
    let dir = done(&h, "reset-office-identity-registry");
    let export = dir.join("backup/office-identity.reg");
    let mut text = m365doctor_fix::host::decode_text(&std::fs::read(&export).unwrap());
    text.push_str(
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run]\r\n\"x\"=\"C:\\\\evil.exe\"\r\n",
    );
    std::fs::write(&export, text).unwrap();
    let runner = Runner::new(&h);
    let before = h.machine().registry;
    let undo = runner.undo(&runner.find(None).unwrap());
    assert_eq!(undo.status, "undo-failed", "{undo:?}");
    let (_, error) = &undo.steps[0];
    assert!(
        error
            .as_ref()
            .unwrap_err()
            .contains("does not change; not imported"),
        "{error:?}"
    );
    // Nothing of it reached the registry.
    assert_eq!(h.machine().registry, before);
}
