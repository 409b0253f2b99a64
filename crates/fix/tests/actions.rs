//! Every automated action against the recorded Windows machine: plan, run,
//! verify, undo, preconditions, and a crash injected at every effect.

use m365doctor_fix::host::Host;
use m365doctor_fix::plan::{Op, Options};
use m365doctor_fix::runner::{read_journal, Runner};
use m365doctor_fix::{prepare, Os};
use m365doctor_testkit::{Crashing, Machine, RecordedHost, RunAs, WinLang};
use std::collections::BTreeMap;
use std::path::Path;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn host(lang: WinLang) -> RecordedHost {
    let h = RecordedHost::new(fixtures(), lang).expect("fixtures load");
    h.close_office_apps();
    h
}

fn elevated(lang: WinLang) -> RecordedHost {
    let h = host(lang);
    h.elevated.set(true);
    h
}

fn confirmed() -> Options {
    Options {
        rejoin_confirmed: true,
        ..Options::default()
    }
}

/// The state undo must give back: files of the profile and the registry.
fn state(h: &RecordedHost) -> State {
    let mut m = h.machine();
    // Processes and clock come and go on their own; they are not user data.
    m.processes.clear();
    (h.profile_snapshot(), m)
}

type State = (BTreeMap<String, Vec<u8>>, Machine);

/// Compares two states and names the differences (the whole state is too long to print).
#[track_caller]
fn assert_same(got: &State, want: &State, what: &str) {
    let mut diffs = Vec::new();
    for k in got.0.keys().chain(want.0.keys()) {
        if got.0.get(k) != want.0.get(k) && !diffs.contains(k) {
            diffs.push(k.clone());
        }
    }
    for k in got.1.registry.keys().chain(want.1.registry.keys()) {
        if got.1.registry.get(k) != want.1.registry.get(k) && !diffs.contains(k) {
            diffs.push(k.clone());
        }
    }
    if got.1.credentials != want.1.credentials {
        diffs.push("credentials".into());
    }
    if got.1.dsreg != want.1.dsreg {
        diffs.push("dsreg".into());
    }
    if (got.1.clock_synced, got.1.broker_registered)
        != (want.1.clock_synced, want.1.broker_registered)
    {
        diffs.push("clock or broker".into());
    }
    assert!(diffs.is_empty(), "{what}: differs in {diffs:?}");
}

fn run(h: &RecordedHost, action: &str, options: &Options) -> m365doctor_fix::runner::Report {
    let plan = prepare(h, action, options).expect("plans");
    Runner::new(h).start(&plan).unwrap_or_else(|r| {
        panic!(
            "{action} refused: {:?}",
            r.0.iter().map(|t| t.en.clone()).collect::<Vec<_>>()
        )
    })
}

#[test]
fn reset_identity_cache_moves_folders_aside_and_undo_puts_them_back() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let before = state(&h);
        let local = h.local_app_data();
        let report = run(&h, "reset-identity-cache", &Options::default());
        assert_eq!(report.status, "done", "{report:?}");
        assert!(report.checks.iter().all(|c| c.ok), "{:?}", report.checks);
        assert!(!local.join("Microsoft/IdentityCache").exists());
        assert!(!local.join("Microsoft/OneAuth").exists());
        let backup = report.dir.join("backup");
        assert_eq!(
            std::fs::read(backup.join("1-IdentityCache/V1/IdentityCache.dat")).unwrap(),
            b"\x01\x02cache"
        );
        assert!(backup.join("2-OneAuth/accounts/b2.json").exists());
        // What happened is said in both languages, the checks too.
        let (_, detail) = &report.steps[0];
        let detail = detail.as_ref().unwrap();
        assert!(detail.en.starts_with("moved to "), "{detail:?}");
        assert!(detail.ja.ends_with("へ移動しました"), "{detail:?}");
        assert!(report.checks[0].check.en.ends_with("is in the backup"));
        assert!(report.checks[0]
            .check
            .ja
            .ends_with("がバックアップにあること"));
        let journal = std::fs::read_to_string(report.dir.join("journal.jsonl")).unwrap();
        assert!(journal.contains("へ移動しました"), "the journal keeps both");
        // Outlook's data file is never touched.
        assert!(local
            .join("Microsoft/Outlook/megan.bowen@contoso.com.ost")
            .exists());
        assert_ne!(state(&h).0, before.0);

        let runner = Runner::new(&h);
        let run = runner.find(None).expect("the run is in the history");
        assert_eq!(run.status(), "done");
        // Not under a running Office: the apps would hold or overwrite the files.
        h.spawn("outlook.exe", &["/safe"]).unwrap();
        let refused = runner.check_undo_preconditions(&run);
        assert!(refused[0].en.contains("OUTLOOK.EXE"), "{refused:?}");
        h.close_office_apps();
        assert!(runner.check_undo_preconditions(&run).is_empty());
        let undo = runner.undo(&run);
        assert_eq!(undo.status, "undone", "{undo:?}");
        assert_same(&state(&h), &before, "undo");
        assert_eq!(runner.find(None).unwrap().status(), "undone");
    }
}

#[test]
fn undo_keeps_a_folder_an_app_recreated_meanwhile() {
    let h = host(WinLang::En);
    let report = run(&h, "reset-identity-cache", &Options::default());
    let recreated = h
        .local_app_data()
        .join("Microsoft/IdentityCache/V1/new.dat");
    std::fs::create_dir_all(recreated.parent().unwrap()).unwrap();
    std::fs::write(&recreated, b"new").unwrap();
    let runner = Runner::new(&h);
    let undo = runner.undo(&runner.find(None).unwrap());
    assert_eq!(undo.status, "undone");
    assert!(h
        .local_app_data()
        .join("Microsoft/IdentityCache/V1/IdentityCache.dat")
        .exists());
    assert!(!recreated.exists());
    let kept = report
        .dir
        .join("replaced-by-undo/1-IdentityCache/V1/new.dat");
    assert_eq!(std::fs::read(kept).unwrap(), b"new");
}

#[test]
fn reset_aad_broker_moves_only_the_account_state() {
    let h = host(WinLang::Ja);
    let before = state(&h);
    let report = run(&h, "reset-aad-broker", &Options::default());
    assert_eq!(report.status, "done");
    let pkg = h
        .local_app_data()
        .join("Packages/Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy");
    assert!(!pkg.join("AC/TokenBroker/Accounts").exists());
    assert!(pkg.join("Settings/settings.dat").exists());
    // Only the folders that exist are planned (Cache does not).
    assert_eq!(report.steps.len(), 1);
    let runner = Runner::new(&h);
    runner.undo(&runner.find(None).unwrap());
    assert_same(&state(&h), &before, "undo");
}

#[test]
fn office_identity_registry_is_exported_before_it_is_deleted_and_imported_back() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let before = state(&h);
        let report = run(&h, "reset-office-identity-registry", &Options::default());
        assert_eq!(report.status, "done", "{report:?}");
        let m = h.machine();
        assert!(!m
            .registry
            .keys()
            .any(|k| k.contains(r"office\16.0\common\identity")));
        let export = std::fs::read(report.dir.join("backup/office-identity.reg")).unwrap();
        assert_eq!(&export[..2], &[0xFF, 0xFE], "reg export writes UTF-16LE");
        let calls = h.calls();
        let export_at = calls
            .iter()
            .position(|c| c.starts_with("reg export"))
            .unwrap();
        let delete_at = calls
            .iter()
            .position(|c| c.starts_with("reg delete"))
            .unwrap();
        assert!(export_at < delete_at);
        let runner = Runner::new(&h);
        assert_eq!(runner.undo(&runner.find(None).unwrap()).status, "undone");
        assert_same(&state(&h), &before, "undo");
    }
}

/// Exchange's client options may not exist yet: setting PickLogonProfile
/// creates the keys on the way, and undo removes them again (found under
/// Wine, where undo used to leave the empty keys behind).
#[test]
fn undo_removes_the_keys_a_new_profile_setting_created() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        h.with_machine(|m| {
            m.registry
                .retain(|k, _| !k.starts_with(r"hkey_current_user\software\microsoft\exchange"))
        });
        let before = state(&h);
        let plan = prepare(&h, "new-outlook-profile", &Options::default()).unwrap();
        assert!(
            plan.steps.iter().any(|s| matches!(&s.op,
                Op::RegCreateKey { key } if key.ends_with(r"Software\Microsoft\Exchange"))),
            "{:?}",
            plan.steps
        );
        let report = run(&h, "new-outlook-profile", &Options::default());
        assert_eq!(report.status, "done", "{report:?}");
        assert!(h
            .machine()
            .registry
            .contains_key(r"hkey_current_user\software\microsoft\exchange\client\options"));
        let runner = Runner::new(&h);
        assert_eq!(runner.undo(&runner.find(None).unwrap()).status, "undone");
        assert_same(&state(&h), &before, "undo");
    }
}

/// On a Windows in another display language (and under Wine) `reg` says a
/// key is missing in words this program does not know: the runs, their
/// checks and their undo still tell a missing key from an unreadable one.
#[test]
fn registry_actions_work_whatever_language_reg_speaks() {
    for message in [
        "FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\n",
        "reg: Unable to find the specified registry key\n",
    ] {
        for action in [
            "reset-office-identity-registry",
            "new-outlook-profile",
            "reset-office-activation",
        ] {
            let h = host(WinLang::En);
            h.with_machine(|m| m.reg_missing_message = Some(message.into()));
            let before = state(&h);
            let report = run(&h, action, &Options::default());
            assert_eq!(report.status, "done", "{action}: {report:?}");
            let runner = Runner::new(&h);
            assert_eq!(
                runner.undo(&runner.find(None).unwrap()).status,
                "undone",
                "{action}"
            );
            assert_same(&state(&h), &before, action);
        }
        // An unreadable key is still not taken for a missing one.
        let h = host(WinLang::En);
        h.with_machine(|m| {
            m.reg_missing_message = Some(message.into());
            m.denied
                .push(r"hkey_current_user\software\microsoft\office\16.0\common\identity".into());
        });
        let plan = prepare(&h, "reset-office-identity-registry", &Options::default()).unwrap();
        assert!(!plan.refusals.is_empty(), "{message}");
    }
}

#[test]
fn office_activation_reset_moves_licences_and_registry_and_undo_restores() {
    let h = host(WinLang::En);
    let before = state(&h);
    let report = run(&h, "reset-office-activation", &Options::default());
    assert_eq!(report.status, "done");
    assert!(!h
        .local_app_data()
        .join("Microsoft/Office/Licenses")
        .exists());
    assert!(!h
        .machine()
        .registry
        .keys()
        .any(|k| k.ends_with(r"common\licensing")));
    let runner = Runner::new(&h);
    runner.undo(&runner.find(None).unwrap());
    assert_same(&state(&h), &before, "undo");
}

#[test]
fn office_credentials_are_removed_by_name_and_others_kept() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let plan = prepare(&h, "clear-office-credentials", &Options::default()).unwrap();
        let targets: Vec<String> = plan
            .steps
            .iter()
            .map(|s| match &s.op {
                Op::CmdkeyDelete { target } => target.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            targets,
            [
                "LegacyGeneric:target=MicrosoftOffice16_Data:SSPI:megan.bowen@contoso.com",
                "LegacyGeneric:target=MicrosoftOffice16_Data:orgid:megan.bowen@contoso.com",
                "LegacyGeneric:target=OneDrive Cached Credential Business - Business1",
                "LegacyGeneric:target=msteams_adalsso/adal_context_segments",
            ]
        );
        assert_eq!(plan.undo, m365doctor_fix::plan::UndoKind::None);
        // The command line cmdkey receives for a name with spaces.
        let line =
            m365doctor_fix::host::windows_command_line(&[&format!("/delete:{}", targets[2])]);
        assert_eq!(
            line,
            r#"/delete:"LegacyGeneric:target=OneDrive Cached Credential Business - Business1""#
        );
        let report = Runner::new(&h).start(&plan).unwrap();
        assert_eq!(report.status, "done", "{report:?}");
        let left: Vec<String> = h
            .machine()
            .credentials
            .iter()
            .map(|b| b.lines().next().unwrap().to_string())
            .collect();
        // Windows' own entries, domain credentials and other programs'
        // entries stay, also where an Office word appears inside the name.
        for kept in [
            "MicrosoftAccount:target=SSO_POP_Device",
            "WindowsLive:target=virtualapp/didlogical",
            "Domain:target=fileserver.contoso.com",
            "git:https://github.com",
            "Domain:target=onedrive.contoso.com",
            "Domain:target=MicrosoftOffice16_Data:SSPI:megan.bowen@contoso.com",
            "LegacyGeneric:target=adalbert-nas.contoso.local",
            "LegacyGeneric:target=TERMSRV/msoffice-rds.contoso.com",
            "LegacyGeneric:target=Backup-MicrosoftOffice16_Data:orgid",
        ] {
            assert!(left.iter().any(|l| l.ends_with(kept)), "{kept}: {left:?}");
        }
        assert_eq!(left.len(), 9, "{left:?}");
        // The journal keeps the names, so the user knows where to sign in again.
        let journal = std::fs::read_to_string(report.dir.join("journal.jsonl")).unwrap();
        for t in &targets {
            assert!(journal.contains(t.as_str()), "{t}");
        }
        let runner = Runner::new(&h);
        let undo = runner.undo(&runner.find(None).unwrap());
        // Not "undone": the credentials are gone for good, and undo names them.
        assert_eq!(undo.status, "undone-partially", "{undo:?}");
        assert!(!undo.ok());
        assert_eq!(undo.notes.len(), targets.len(), "{:?}", undo.notes);
        let names = [
            "SSPI:megan",
            "orgid:megan",
            "Business1",
            "adal_context_segments",
        ];
        for name in names {
            assert!(undo
                .notes
                .iter()
                .any(|n| n.en.starts_with("Not undone:") && n.en.contains(name)));
            assert!(undo
                .notes
                .iter()
                .any(|n| n.ja.starts_with("元に戻せない変更:") && n.ja.contains(name)));
        }
        assert_eq!(runner.find(None).unwrap().status(), "undone-partially");
        // Asking again says the same, not "undone".
        let again = runner.undo(&runner.find(None).unwrap());
        assert_eq!(again.status, "undone-partially");
        assert_eq!(again.notes.len(), 1 + targets.len());
    }
}

#[test]
fn a_failure_after_credentials_were_removed_is_not_called_rolled_back() {
    let mut n = 0;
    loop {
        let h = host(WinLang::En);
        let plan = prepare(&h, "clear-office-credentials", &Options::default()).unwrap();
        let failing = Crashing::failing_once(&h, n);
        let report = Runner::new(&failing).start(&plan);
        let removed = 13 - h.machine().credentials.len();
        if let Ok(r) = &report {
            if r.status != "done"
                && removed > 0
                && !Runner::new(&h).find(None).unwrap().unfinished()
            {
                assert_eq!(r.status, "partly-rolled-back", "{r:?}");
                assert!(!r.ok());
                assert!(
                    r.notes[0].en.contains("except those that cannot be undone"),
                    "{:?}",
                    r.notes
                );
                assert!(r.notes[0].ja.contains("元に戻せない変更があります"));
                let named = r
                    .notes
                    .iter()
                    .filter(|t| t.en.starts_with("Not undone:"))
                    .count();
                assert_eq!(named, removed, "{:?}", r.notes);
                assert_eq!(
                    Runner::new(&h).find(None).unwrap().status(),
                    "partly-rolled-back"
                );
                return;
            }
        }
        assert!(n < 200, "no failure after a removal found");
        n += 1;
    }
}

#[test]
fn new_outlook_profile_adds_a_profile_and_undo_restores_the_default() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let before = state(&h);
        let report = run(&h, "new-outlook-profile", &Options::default());
        assert_eq!(report.status, "done", "{report:?}");
        let m = h.machine();
        let outlook = &m.registry[r"hkey_current_user\software\microsoft\office\16.0\outlook"];
        assert_eq!(outlook.values["defaultprofile"].1, "\"m365doctor\"");
        assert!(m.registry.contains_key(
            r"hkey_current_user\software\microsoft\office\16.0\outlook\profiles\outlook"
        ));
        assert!(m.registry.contains_key(
            r"hkey_current_user\software\microsoft\office\16.0\outlook\profiles\m365doctor"
        ));
        assert_eq!(
            m.registry[r"hkey_current_user\software\microsoft\exchange\client\options"].values
                ["picklogonprofile"]
                .1,
            "\"1\""
        );
        // A second profile, while the first exists, gets another name.
        let again = prepare(&h, "new-outlook-profile", &Options::default()).unwrap();
        assert!(again.refusals.is_empty(), "{:?}", again.refusals);
        match &again.steps[0].op {
            Op::RegCreateKey { key } => assert!(key.ends_with(r"\Profiles\m365doctor-2"), "{key}"),
            other => panic!("{other:?}"),
        }
        // The name of an existing profile is refused.
        let taken = Options {
            profile_name: Some("Outlook".into()),
            ..Options::default()
        };
        let plan = prepare(&h, "new-outlook-profile", &taken).unwrap();
        assert!(
            plan.refusals[0].en.contains("already exists"),
            "{:?}",
            plan.refusals
        );
        let runner = Runner::new(&h);
        assert_eq!(runner.undo(&runner.find(None).unwrap()).status, "undone");
        assert_same(&state(&h), &before, "undo");
    }
}

#[test]
fn an_outlook_profile_key_that_appeared_after_planning_is_never_taken_over() {
    let h = host(WinLang::En);
    let plan = prepare(&h, "new-outlook-profile", &Options::default()).unwrap();
    let key = r"hkey_current_user\software\microsoft\office\16.0\outlook\profiles\m365doctor";
    // Someone (an admin's script, Outlook itself) makes the profile meanwhile.
    h.with_machine(|m| {
        let mut k = m365doctor_testkit::RegKey {
            name: r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Outlook\Profiles\m365doctor"
                .into(),
            ..Default::default()
        };
        k.values
            .insert("owner".into(), ("Owner".into(), "\"someone else\"".into()));
        m.registry.insert(key.into(), k);
    });
    let before = state(&h);
    let report = Runner::new(&h).start(&plan).unwrap();
    assert_eq!(report.status, "rolled-back", "{report:?}");
    let err = report.steps[0].1.as_ref().unwrap_err();
    assert!(err.contains("already exists"), "{err}");
    // Its key and value are still there: the rollback did not remove it.
    assert_same(&state(&h), &before, "rollback");
    assert_eq!(
        h.machine().registry[key].values["owner"].1,
        "\"someone else\""
    );
}

#[test]
fn a_registry_key_that_cannot_be_read_is_not_taken_for_absent() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let identity = r"hkey_current_user\software\microsoft\office\16.0\common\identity";
        h.with_machine(|m| m.denied.push(identity.into()));
        let plan = prepare(&h, "reset-office-identity-registry", &Options::default()).unwrap();
        assert!(
            plan.refusals
                .iter()
                .any(|r| r.en.contains("could not be read")
                    && (r.en.contains("Access is denied") || r.en.contains("アクセスが拒否"))),
            "{:?}",
            plan.refusals
        );
        assert!(Runner::new(&h).start(&plan).is_err());
        // Outlook's settings likewise: no profile is made on a guess.
        let h2 = host(lang);
        let outlook = r"hkey_current_user\software\microsoft\office\16.0\outlook";
        h2.with_machine(|m| m.denied.push(outlook.into()));
        let plan2 = prepare(&h2, "new-outlook-profile", &Options::default()).unwrap();
        assert!(
            plan2
                .refusals
                .iter()
                .any(|r| r.en.contains("DefaultProfile could not be read")),
            "{:?}",
            plan2.refusals
        );
        // A check that cannot read the key does not pass either.
        let check = m365doctor_fix::plan::Check::RegKeyAbsent {
            key: m365doctor_fix::plan::OFFICE_IDENTITY.into(),
        };
        let result = Runner::new(&h).verify(&check);
        assert!(!result.ok, "{result:?}");
    }
}

#[test]
fn undo_restores_the_value_found_when_the_step_ran_not_when_it_was_planned() {
    let h = host(WinLang::Ja);
    let plan = prepare(&h, "new-outlook-profile", &Options::default()).unwrap();
    let outlook = r"hkey_current_user\software\microsoft\office\16.0\outlook";
    // The user switched the default profile after looking at the plan.
    h.with_machine(|m| {
        m.registry.get_mut(outlook).unwrap().values.insert(
            "defaultprofile".into(),
            ("DefaultProfile".into(), "\"Work\"".into()),
        );
    });
    let before = state(&h);
    let report = Runner::new(&h).start(&plan).unwrap();
    assert_eq!(report.status, "done", "{report:?}");
    let journal = std::fs::read_to_string(report.dir.join("journal.jsonl")).unwrap();
    assert!(
        journal.contains(r#""rec":"previous","step":1,"value":"Work""#),
        "{journal}"
    );
    assert!(
        journal.contains(r#""rec":"previous","step":2,"value":null"#),
        "{journal}"
    );
    // Before the profile key is created, the journal says it was not there:
    // only then does undo remove it.
    let absent = journal
        .find(r#""rec":"previous","step":0,"value":null"#)
        .unwrap();
    let created = journal.find(r#""rec":"done","step":0"#).unwrap();
    assert!(absent < created);
    let runner = Runner::new(&h);
    assert_eq!(runner.undo(&runner.find(None).unwrap()).status, "undone");
    assert_eq!(
        h.machine().registry[outlook].values["defaultprofile"].1,
        "\"Work\""
    );
    assert_same(&state(&h), &before, "undo");
}

#[test]
fn undo_of_a_deleted_key_that_office_recreated_restores_exactly_the_export() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let before = state(&h);
        let report = run(&h, "reset-office-identity-registry", &Options::default());
        assert_eq!(report.status, "done");
        // Office started again and wrote a new identity meanwhile.
        let identity = r"hkey_current_user\software\microsoft\office\16.0\common\identity";
        h.with_machine(|m| {
            let text = "Windows Registry Editor Version 5.00\r\n\r\n\
                [HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Common\\Identity]\r\n\
                \"Version\"=dword:00000002\r\n\"NewSignIn\"=\"1\"\r\n\r\n\
                [HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Common\\Identity\\Identities\\99_ADAL]\r\n\
                \"EmailAddress\"=\"other@contoso.com\"\r\n";
            m365doctor_testkit::import_reg(&mut m.registry, text);
        });
        assert!(h.machine().registry.contains_key(identity));
        let runner = Runner::new(&h);
        let undo = runner.undo(&runner.find(None).unwrap());
        assert_eq!(undo.status, "undone", "{undo:?}");
        // Exactly what was exported: no value or subkey of the new one mixed in.
        assert_same(&state(&h), &before, "undo");
        // The recreated key is kept in a file, not lost.
        let kept = std::fs::read(report.dir.join("replaced-by-undo/office-identity.reg")).unwrap();
        let kept = m365doctor_fix::host::decode_text(&kept);
        assert!(
            kept.contains("other@contoso.com") && kept.contains("NewSignIn"),
            "{kept}"
        );
    }
}

#[test]
fn sync_clock_resyncs_and_verifies_and_fails_cleanly_without_the_time_service() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let plan = prepare(&h, "sync-clock", &Options::default()).unwrap();
        let refused = Runner::new(&h).start(&plan).unwrap_err();
        assert!(refused.0[0].en.contains("administrator"));
        assert!(plan.notes[0].ja.contains("今すぐ同期"));

        let h = elevated(lang);
        let report = run(&h, "sync-clock", &Options::default());
        assert_eq!(report.status, "done", "{report:?}");
        assert!(report.checks[0].detail.contains("time.windows.com"));

        let h = elevated(lang);
        h.with_machine(|m| m.time_service_running = false);
        let report = run(&h, "sync-clock", &Options::default());
        assert_eq!(report.status, "rolled-back");
        let err = report.steps[0].1.as_ref().unwrap_err();
        assert!(err.contains("0x80070426"), "{err}");
    }
}

#[test]
fn a_clock_that_was_synchronised_before_is_verified_only_by_a_new_sync_time() {
    for lang in [WinLang::En, WinLang::Ja] {
        // Synchronised earlier; `w32tm /resync` answers success but does not sync.
        let h = elevated(lang);
        h.with_machine(|m| {
            m.clock_synced = true;
            m.resync_stalls = true;
        });
        let report = run(&h, "sync-clock", &Options::default());
        assert_eq!(report.status, "done-unverified", "{report:?}");
        assert!(!report.checks[0].ok);
        // A resync that works shows a new time, and passes.
        let h = elevated(lang);
        h.with_machine(|m| m.clock_synced = true);
        let report = run(&h, "sync-clock", &Options::default());
        assert_eq!(report.status, "done", "{report:?}");
        assert!(
            report.checks[0].detail.contains("2026-11-27"),
            "{:?}",
            report.checks
        );
    }
}

#[test]
fn refresh_prt_verifies_with_dsregcmd_status() {
    let h = host(WinLang::Ja);
    let report = run(&h, "refresh-prt", &Options::default());
    assert_eq!(report.status, "done", "{report:?}");
    assert!(h.calls().contains(&"dsregcmd /refreshprt".to_string()));
    assert!(
        report.checks[0]
            .detail
            .contains("AzureAdPrtUpdateTime : 2026-11-27"),
        "{:?}",
        report.checks
    );
    // A PRT that was present but did not change is not a refresh.
    let h = host(WinLang::En);
    h.with_machine(|m| m.dsreg = m.dsreg.replace("AzureAdPrt : NO", "AzureAdPrt : YES"));
    let plan = prepare(&h, "refresh-prt", &Options::default()).unwrap();
    let stale = Runner::new(&h).verify(&plan.verify[0]);
    assert!(!stale.ok, "{stale:?}");
}

#[test]
fn reregister_broker_runs_as_the_user_with_the_documented_command() {
    // A per-user registration: the signed-in user's own prompt, no elevation.
    let h = host(WinLang::En);
    let plan = prepare(&h, "reregister-aad-broker", &Options::default()).unwrap();
    assert!(!plan.admin());
    // The exact command line Windows' PowerShell receives.
    match &plan.steps[0].op {
        Op::Command { program, args, .. } => {
            assert_eq!(program, "powershell");
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            assert_eq!(
                m365doctor_fix::host::windows_command_line(&args),
                r#"-NoProfile -NonInteractive -Command "Add-AppxPackage -Register \"$env:windir\SystemApps\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\Appxmanifest.xml\" -DisableDevelopmentMode -ForceApplicationShutdown""#
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(plan
        .preconditions
        .contains(&m365doctor_fix::plan::Precondition::SessionUser));
    let report = run(&h, "reregister-aad-broker", &Options::default());
    assert_eq!(report.status, "done", "{report:?}");
    let call = h
        .calls()
        .into_iter()
        .find(|c| c.contains("Add-AppxPackage"))
        .unwrap();
    assert!(call
        .starts_with("powershell -NoProfile -NonInteractive -Command Add-AppxPackage -Register"));
    assert!(
        call.contains(
            r#""$env:windir\SystemApps\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\Appxmanifest.xml""#
        ),
        "{call}"
    );
    assert!(call.ends_with("-DisableDevelopmentMode -ForceApplicationShutdown"));
    // The CloudExperienceHost package the knowledge base names, too.
    assert!(h.calls().iter().any(|c| c.contains(
        r#""$env:windir\SystemApps\Microsoft.Windows.CloudExperienceHost_cw5n1h2txyewy\Appxmanifest.xml""#
    )));
    // It closes the broker's apps by force: not while Office or Teams runs.
    let h = RecordedHost::new(fixtures(), WinLang::En).unwrap();
    let plan = prepare(&h, "reregister-aad-broker", &Options::default()).unwrap();
    let refused = Runner::new(&h).start(&plan).unwrap_err();
    assert!(refused.0[0].en.contains("OUTLOOK.EXE"), "{refused:?}");
    assert!(!h.calls().iter().any(|c| c.contains("Add-AppxPackage")));
    // As another administrator it would register it for that account.
    let h = elevated(WinLang::En);
    h.run_as.set(RunAs::OtherAdmin);
    let plan = prepare(&h, "reregister-aad-broker", &Options::default()).unwrap();
    assert!(Runner::new(&h).start(&plan).is_err());
    assert!(!h.calls().iter().any(|c| c.contains("Add-AppxPackage")));
}

#[test]
fn user_actions_refuse_to_run_as_system_or_as_another_account() {
    let user_actions = [
        "reset-identity-cache",
        "reset-aad-broker",
        "reregister-aad-broker",
        "clear-office-credentials",
        "reset-office-identity-registry",
        "reset-office-activation",
        "new-outlook-profile",
        "outlook-safe-mode",
        "refresh-prt",
    ];
    for lang in [WinLang::En, WinLang::Ja] {
        for (run_as, en, ja) in [
            (
                RunAs::System,
                "runs as SYSTEM",
                "SYSTEM (nt authority\\system) として実行",
            ),
            (
                RunAs::OtherAdmin,
                "runs as contoso\\adm-megan, but the desktop belongs to CONTOSO\\megan.bowen",
                "デスクトップのユーザーは CONTOSO\\megan.bowen",
            ),
        ] {
            for action in user_actions {
                let h = elevated(lang);
                h.run_as.set(run_as);
                let before = state(&h);
                let plan = prepare(&h, action, &Options::default()).unwrap();
                let refused = Runner::new(&h).start(&plan).unwrap_err();
                assert!(
                    refused
                        .0
                        .iter()
                        .any(|r| r.en.contains(en) && r.ja.contains(ja)),
                    "{action} {run_as:?}: {refused:?}"
                );
                assert_same(&state(&h), &before, action);
                assert!(Runner::new(&h).history().is_empty());
            }
        }
    }
    // Machine-wide actions are for administrators, whoever they are.
    let h = elevated(WinLang::En);
    h.run_as.set(RunAs::OtherAdmin);
    assert_eq!(run(&h, "sync-clock", &Options::default()).status, "done");
    // Undo puts things back only into the user's own profile, too.
    let h = host(WinLang::En);
    run(&h, "reset-identity-cache", &Options::default());
    let runner = Runner::new(&h);
    let done = runner.find(None).unwrap();
    h.run_as.set(RunAs::System);
    let refused = runner.check_undo_preconditions(&done);
    assert!(refused[0].en.contains("SYSTEM"), "{refused:?}");
}

#[test]
fn outlook_safe_mode_starts_outlook_and_refuses_while_it_runs() {
    let h = host(WinLang::En);
    let report = run(&h, "outlook-safe-mode", &Options::default());
    assert_eq!(report.status, "done");
    assert!(h.calls().contains(&"start outlook.exe /safe".to_string()));
    let plan = prepare(&h, "outlook-safe-mode", &Options::default()).unwrap();
    let refused = Runner::new(&h).start(&plan).unwrap_err();
    assert!(refused.0[0].en.contains("OUTLOOK.EXE"));
}

#[test]
fn office_apps_running_are_named_and_nothing_changes() {
    let h = RecordedHost::new(fixtures(), WinLang::Ja).unwrap();
    let before = state(&h);
    let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
    let refused = Runner::new(&h).start(&plan).unwrap_err();
    let text = &refused.0[0];
    assert!(
        text.ja.contains("OUTLOOK.EXE, OneDrive.exe, ms-teams.exe"),
        "{}",
        text.ja
    );
    assert_same(&state(&h), &before, "undo");
    assert!(Runner::new(&h).history().is_empty());
}

#[test]
fn office_helpers_in_this_session_block_and_other_users_apps_do_not() {
    use m365doctor_fix::host::Process;
    let h = host(WinLang::En);
    // Another user's Outlook on the same terminal server, and this user's
    // Office helpers that hold the sign-in state too.
    h.with_machine(|m| {
        m.processes.push(Process {
            image: "OUTLOOK.EXE".into(),
            pid: 12040,
            session: Some(3),
        });
        for (image, pid) in [("SDXHelper.exe", 7310), ("Microsoft.SharePoint.exe", 7320)] {
            m.processes.push(Process {
                image: image.into(),
                pid,
                session: Some(1),
            });
        }
    });
    let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
    let refused = Runner::new(&h).start(&plan).unwrap_err();
    assert_eq!(refused.0.len(), 1, "{refused:?}");
    let text = &refused.0[0].en;
    assert!(
        text.ends_with("Microsoft.SharePoint.exe, SDXHelper.exe"),
        "{text}"
    );
    assert!(!text.contains("OUTLOOK.EXE"), "{text}");
    h.with_machine(|m| m.processes.retain(|p| p.session != Some(1)));
    assert_eq!(
        run(&h, "reset-identity-cache", &Options::default()).status,
        "done"
    );
}

#[test]
fn a_large_cache_needs_no_free_space_of_its_size() {
    // Moving a folder on its volume takes no room: 2 MiB free is enough for
    // a 6 MiB cache (the journal and exports need 1 MiB).
    let h = host(WinLang::En);
    let big = h
        .local_app_data()
        .join("Microsoft/IdentityCache/V1/big.dat");
    std::fs::write(&big, vec![7u8; 6 << 20]).unwrap();
    h.free_bytes.set(2 << 20);
    let report = run(&h, "reset-identity-cache", &Options::default());
    assert_eq!(report.status, "done", "{report:?}");
}

#[test]
fn low_disk_and_other_systems_refuse() {
    let h = host(WinLang::En);
    h.free_bytes.set(1000);
    let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
    let refused = Runner::new(&h).start(&plan).unwrap_err();
    assert!(refused.0[0].en.contains("disk space"), "{refused:?}");

    let h = host(WinLang::En);
    h.os.set(Os::Linux);
    let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
    // A plan made elsewhere shows the Windows paths.
    assert!(!plan.probed);
    let refused = Runner::new(&h).start(&plan).unwrap_err();
    assert!(refused.0[0].en.contains("Windows only"), "{refused:?}");
    assert!(refused.0[0].ja.contains("Windows でのみ"));
}

#[test]
fn rejoin_only_on_hybrid_devices_with_confirmation() {
    let h = elevated(WinLang::En);
    let plan = prepare(&h, "dsreg-rejoin", &Options::default()).unwrap();
    assert!(plan.refusals[0].en.contains("--i-understand-rejoin"));
    // What leaving costs is said first, the device's TPM key included.
    assert!(plan.notes.iter().any(|n| n.en.contains("key in the TPM")
        && n.en.contains("TPM itself is not cleared")
        && n.ja.contains("TPM 自体はクリアしません")));
    assert!(Runner::new(&h).start(&plan).is_err());

    let report = run(&h, "dsreg-rejoin", &confirmed());
    assert_eq!(report.status, "done", "{report:?}");
    let calls = h.calls();
    let leave = calls.iter().position(|c| c == "dsregcmd /leave").unwrap();
    let task = calls
        .iter()
        .position(|c| c.starts_with("schtasks /run"))
        .unwrap();
    assert!(leave < task);

    // Entra joined only: refused unless forced, and then no join task.
    let h = elevated(WinLang::En);
    h.with_machine(|m| m.dsreg = m.dsreg.replace("DomainJoined : YES", "DomainJoined : NO"));
    let plan = prepare(&h, "dsreg-rejoin", &confirmed()).unwrap();
    assert!(
        plan.refusals[0].en.contains("--force"),
        "{:?}",
        plan.refusals
    );
    let forced = Options {
        force: true,
        ..confirmed()
    };
    let plan = prepare(&h, "dsreg-rejoin", &forced).unwrap();
    assert!(plan.refusals.is_empty());
    assert_eq!(plan.steps.len(), 1);
    let report = Runner::new(&h).start(&plan).unwrap();
    assert_eq!(report.status, "done", "{report:?}");
    assert!(report.checks[0].check.en.contains("AzureAdJoined : NO"));
    assert!(report.checks[0]
        .check
        .ja
        .contains("AzureAdJoined : NO と表示されること"));
    assert!(!h.calls().iter().any(|c| c.starts_with("schtasks")));
    let h = elevated(WinLang::En);
    h.with_machine(|m| m.dsreg = m.dsreg.replace("DomainJoined : YES", "DomainJoined : NO"));

    // Not joined: nothing to rejoin.
    h.with_machine(|m| m.dsreg = m.dsreg.replace("AzureAdJoined : YES", "AzureAdJoined : NO"));
    let plan = prepare(&h, "dsreg-rejoin", &forced).unwrap();
    assert!(!plan.refusals.is_empty());
}

/// The actions that change the machine (every one registered), with
/// whether they need elevation and their options.
fn changing_actions() -> Vec<(&'static str, bool, Options)> {
    m365doctor_fix::actions::ALL
        .iter()
        .filter(|a| a.changes)
        .map(|a| {
            let admin = a.admin || m365doctor_kb::action(a.id).is_some_and(|k| k.who == "admin");
            (a.id, admin, confirmed())
        })
        .collect()
}

/// What undo must give back for each action: the profile and the registry
/// always; credentials, device join and clock only where the action can.
fn undoable(action: &str, (files, m): State) -> State {
    let mut m = m;
    match action {
        "clear-office-credentials" => m.credentials.clear(),
        "sync-clock" => m.clock_synced = false,
        "refresh-prt" | "dsreg-rejoin" => m.dsreg.clear(),
        "reregister-aad-broker" => m.broker_registered = false,
        _ => {}
    }
    (files, m)
}

#[test]
fn a_crash_at_every_effect_of_every_action_is_undone_completely() {
    for (action, admin, options) in changing_actions() {
        let mut n = 0;
        loop {
            let h = if admin {
                elevated(WinLang::En)
            } else {
                host(WinLang::En)
            };
            let before = undoable(action, state(&h));
            let plan = prepare(&h, action, &options).unwrap();
            let crashing = Crashing::new(&h, n);
            let finished = match Runner::new(&crashing).start(&plan) {
                Ok(r) => r.status == "done",
                Err(_) => false,
            };
            let runner = Runner::new(&h);
            match runner.find(None) {
                Some(run) => {
                    assert_eq!(run.unfinished(), !finished, "{action} crash at {n}");
                    if !finished {
                        // Every fix command would report it.
                        assert_eq!(runner.unfinished().len(), 1);
                    }
                    let undo = runner.undo(&run);
                    let want = if run.irreversible().is_empty() {
                        "undone"
                    } else {
                        "undone-partially"
                    };
                    assert_eq!(undo.status, want, "{action} crash at {n}: {undo:?}");
                }
                None => assert!(!finished),
            }
            assert_same(
                &undoable(action, state(&h)),
                &before,
                &format!("{action}: undo after a crash at effect {n}"),
            );
            if finished {
                assert!(n > 3, "{action} ran only {n} effects");
                break;
            }
            n += 1;
        }
    }
}

#[test]
fn an_interrupted_run_resumes_to_the_same_end_as_an_uninterrupted_one() {
    for (action, admin, options) in changing_actions() {
        let reference = if admin {
            elevated(WinLang::Ja)
        } else {
            host(WinLang::Ja)
        };
        let report = run(&reference, action, &options);
        assert_eq!(report.status, "done", "{action}");
        let expected = state(&reference);
        let mut n = 0;
        loop {
            let h = if admin {
                elevated(WinLang::Ja)
            } else {
                host(WinLang::Ja)
            };
            let plan = prepare(&h, action, &options).unwrap();
            let crashing = Crashing::new(&h, n);
            let done = Runner::new(&crashing)
                .start(&plan)
                .is_ok_and(|r| r.status == "done");
            if done {
                break;
            }
            let runner = Runner::new(&h);
            if let Some(run) = runner.find(None) {
                let report = runner
                    .resume(&run)
                    .unwrap_or_else(|r| panic!("{action} {n}: {r:?}"));
                assert_eq!(
                    report.status, "done",
                    "{action} resumed after {n}: {report:?}"
                );
                let mut got = state(&h);
                let mut want = expected.clone();
                // When the PRT was renewed differs between the two machines.
                for s in [&mut got, &mut want] {
                    s.1.dsreg =
                        s.1.dsreg
                            .lines()
                            .filter(|l| !l.contains("AzureAdPrtUpdateTime"))
                            .collect::<Vec<_>>()
                            .join("\n");
                }
                assert_same(
                    &got,
                    &want,
                    &format!("{action} resumed after a crash at {n}"),
                );
                assert_eq!(read_journal(&h, &run.dir).unwrap().status(), "done");
            }
            n += 1;
        }
    }
}

#[test]
fn a_journal_cut_off_mid_line_is_read_up_to_the_cut() {
    // The first crash that leaves a journal (after the run record).
    let (h, plan) = (0..50)
        .find_map(|n| {
            let h = host(WinLang::En);
            let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
            let _ = Runner::new(&Crashing::new(&h, n)).start(&plan);
            plan.run_dir
                .join("journal.jsonl")
                .exists()
                .then_some((h, plan))
        })
        .expect("a crash after the journal was begun");
    let journal = plan.run_dir.join("journal.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    std::io::Write::write_all(&mut f, b"{\"rec\":\"done\",\"st").unwrap();
    let run = read_journal(&h, &plan.run_dir).unwrap();
    assert!(run.torn);
    assert!(run.unfinished());
    let undo = Runner::new(&h).undo(&run);
    assert_eq!(undo.status, "undone");
    // The records after the cut are on lines of their own and read back.
    let after = read_journal(&h, &plan.run_dir).unwrap();
    assert_eq!(after.status(), "undone");
    assert!(!after.unfinished());
}

#[test]
fn history_lists_runs_oldest_first() {
    let h = elevated(WinLang::En);
    run(&h, "sync-clock", &Options::default());
    run(&h, "refresh-prt", &Options::default());
    let runs = Runner::new(&h).history();
    let actions: Vec<&str> = runs.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["sync-clock", "refresh-prt"]);
    assert!(runs[0].id < runs[1].id);
}

#[test]
fn a_single_failing_effect_is_rolled_back_by_the_run_itself() {
    for (action, admin, options) in changing_actions() {
        let mut n = 0;
        loop {
            let h = if admin {
                elevated(WinLang::Ja)
            } else {
                host(WinLang::Ja)
            };
            let before = undoable(action, state(&h));
            let plan = prepare(&h, action, &options).unwrap();
            let failing = Crashing::failing_once(&h, n);
            let result = Runner::new(&failing).start(&plan);
            let effects = failing.effects();
            match result {
                Ok(r) if r.status == "done" => {
                    if n >= effects {
                        break;
                    }
                    // A failed read (a check of state) may not change the outcome.
                }
                Ok(r) => {
                    let runner = Runner::new(&h);
                    let run = runner.find(None).unwrap();
                    if run.unfinished() {
                        // The failure hit the journal itself: the next command offers undo.
                        let undo = runner.undo(&run);
                        assert!(undo.status.starts_with("undone"), "{action} {n}: {undo:?}");
                    } else {
                        assert!(
                            ["rolled-back", "partly-rolled-back", "done-unverified"]
                                .contains(&r.status.as_str()),
                            "{action} {n}: {r:?}"
                        );
                        if r.status == "done-unverified" {
                            // Only a check failed: the change stands, and undo works.
                            runner.undo(&run);
                        }
                    }
                    assert_same(
                        &undoable(action, state(&h)),
                        &before,
                        &format!("{action}: one failure at effect {n}"),
                    );
                }
                Err(_) => assert_same(
                    &undoable(action, state(&h)),
                    &before,
                    &format!("{action}: refused at effect {n}"),
                ),
            }
            n += 1;
        }
    }
}

#[test]
fn a_second_m365doctor_waits_and_its_run_in_progress_is_not_called_unfinished() {
    let h = host(WinLang::En);
    // A run that stopped halfway (the process died) ...
    let plan = prepare(&h, "reset-identity-cache", &Options::default()).unwrap();
    let _ = Runner::new(&Crashing::new(&h, 9)).start(&plan);
    let runner = Runner::new(&h);
    let run = runner.find(None).unwrap();
    assert!(run.unfinished());
    // ... is being finished right now by another m365doctor, which holds the lock.
    h.with_machine(|m| {
        m.processes.push(m365doctor_fix::host::Process {
            image: "m365doctor.exe".into(),
            pid: 4711,
            session: Some(1),
        })
    });
    std::fs::write(
        runner.lock_path(),
        format!("pid=4711\nrun={}\ntime=2026-11-27T07:20:00Z\n", run.id),
    )
    .unwrap();
    assert!(
        runner.unfinished().is_empty(),
        "in progress, not unfinished"
    );
    let before = state(&h);
    let other = prepare(&h, "reset-office-identity-registry", &Options::default()).unwrap();
    let refused = Runner::new(&h).start(&other).unwrap_err();
    assert!(refused.0[0].en.contains("process 4711"), "{refused:?}");
    assert!(refused.0[0].ja.contains("プロセス 4711"));
    assert_eq!(runner.undo(&run).status, "busy");
    assert!(runner.resume(&run).is_err());
    assert_same(&state(&h), &before, "nothing changed while locked");
    assert_eq!(runner.history().len(), 1);

    // The other process is gone: its lock is stale and the run unfinished.
    h.with_machine(|m| m.processes.retain(|p| p.pid != 4711));
    assert_eq!(runner.unfinished().len(), 1);
    assert_eq!(runner.undo(&run).status, "undone");
    let report = Runner::new(&h).start(&other).unwrap();
    assert_eq!(report.status, "done", "{report:?}");
    // A finished run leaves no lock behind.
    assert!(!runner.lock_path().exists());
}

#[test]
fn a_journal_of_the_first_version_with_english_only_details_is_still_read() {
    let h = host(WinLang::En);
    let report = run(&h, "reset-identity-cache", &Options::default());
    let path = report.dir.join("journal.jsonl");
    let first = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let old = format!(
        "{first}\n\
         {{\"rec\":\"begin\",\"step\":0,\"time\":\"2026-11-27T07:20:01Z\"}}\n\
         {{\"rec\":\"done\",\"step\":0,\"time\":\"2026-11-27T07:20:02Z\",\"detail\":\"moved to X\"}}\n\
         {{\"rec\":\"verified\",\"time\":\"2026-11-27T07:20:03Z\",\"ok\":true,\"checks\":[{{\"check\":\"X is in the backup\",\"ok\":true,\"detail\":\"\"}}]}}\n\
         {{\"rec\":\"finished\",\"time\":\"2026-11-27T07:20:04Z\",\"status\":\"done\"}}\n"
    );
    std::fs::write(&path, old).unwrap();
    let run = read_journal(&h, &report.dir).unwrap();
    assert_eq!(run.status(), "done");
    assert!(run.done.contains(&0));
    assert!(Runner::new(&h).unreadable().is_empty());
}

#[test]
fn a_run_id_beginning_that_fits_several_runs_finds_none() {
    let h = elevated(WinLang::En);
    let first = run(&h, "sync-clock", &Options::default()).run;
    let second = run(&h, "refresh-prt", &Options::default()).run;
    let runner = Runner::new(&h);
    let common = &first[..first.len().min(second.len())];
    let common: String = common
        .chars()
        .zip(second.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    assert!(common.len() >= 8, "{first} {second}");
    assert!(runner.find(Some(&common)).is_none());
    assert_eq!(runner.matching(&common).len(), 2);
    assert_eq!(runner.find(Some(&first)).unwrap().id, first);
    let unique = &second[..common.len() + 1];
    assert_eq!(runner.find(Some(unique)).unwrap().id, second);
}

#[test]
fn a_rejoin_that_failed_after_leaving_says_the_device_left() {
    for n in 0..200 {
        let h = elevated(WinLang::Ja);
        let plan = prepare(&h, "dsreg-rejoin", &confirmed()).unwrap();
        let failing = Crashing::failing_once(&h, n);
        let Ok(r) = Runner::new(&failing).start(&plan) else {
            continue;
        };
        let left = h.machine().dsreg.contains("AzureAdJoined : NO");
        if r.status == "done" {
            panic!("no failure after leaving found before the run completed ({n})");
        }
        if left && !Runner::new(&h).find(None).unwrap().unfinished() {
            // The join task failed to start after /leave: not "rolled back".
            assert_eq!(r.status, "partly-rolled-back", "{r:?}");
            assert!(
                r.notes
                    .iter()
                    .any(|t| t.ja.starts_with("元に戻せない変更:")
                        && t.ja.contains("dsregcmd /leave")),
                "{:?}",
                r.notes
            );
            return;
        }
    }
    panic!("no failure after leaving found");
}

/// A knowledge-base step that names an automated action which needs
/// administrator rights says so in its `run_as`: the CLI and the page print
/// "(as administrator)" from it, and `fix` refuses the action in a
/// non-elevated prompt, so the two must not tell the user different things.
#[test]
fn steps_of_actions_that_need_elevation_say_elevated() {
    let kb = m365doctor_kb::Kb::bundled();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for (entry, _) in kb.entries() {
        for step in entry.steps.iter() {
            let Some(action) = m365doctor_fix::actions::find(&step.action) else {
                continue;
            };
            if step.commands.windows.is_none() || !needs_elevation(action) {
                continue;
            }
            seen += 1;
            if step.run_as.as_deref() != Some("elevated") {
                wrong.push(format!(
                    "{}: step `{}` runs as {:?}",
                    entry.id, step.action, step.run_as
                ));
            }
        }
    }
    assert!(seen >= 10, "only {seen} steps name an elevated action");
    // And the other way round: a step that says "as administrator" for an
    // action that `fix` runs without elevation is checked by hand only
    // (the step may name another package or a device-wide variant).
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Whether `fix` needs an elevated prompt for this action: the action as a
/// whole or any step of its plan on a machine where it applies.
fn needs_elevation(action: &m365doctor_fix::action::Action) -> bool {
    action.admin
        || prepare(&elevated(WinLang::En), action.id, &confirmed())
            .is_ok_and(|plan| plan.steps.iter().any(|s| s.admin))
}
