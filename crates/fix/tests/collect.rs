//! `collect` end to end against the recorded Windows machine: every file of
//! the bundle (folder and zip) is redacted, the diagnosis is inside, and
//! nothing partial is ever left.

use m365doctor_codes::Lang;
use m365doctor_fix::collect::{collect, CollectOptions, Outcome};
use m365doctor_fix::Os;
use m365doctor_kb::Kb;
use m365doctor_testkit::{RecordedHost, WinLang};
use std::io::Read;
use std::path::{Path, PathBuf};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

const TENANT: &str = "3c1f9a7e-5b2d-4e8f-a6c0-91d4b7e2f358";
const DEVICE: &str = "5c8e0f4a-3b7d-4d52-9a51-0c2f6b7e8d11";
const SECRETS: &[&str] = &[
    "megan.bowen@contoso.com",
    "megan.bowen",
    TENANT,
    DEVICE,
    // The Credential Manager user names: only target names are collected.
    "02kxqzbpnwtrjvaf",
    // The display name Office keeps beside the account.
    "Megan Bowen",
    // The user's and the domain's security identifiers.
    "S-1-5-21-1004336348",
    // The computer name, the NetBIOS and DNS domain names.
    "PC-0142",
    "contoso",
    // The device key's container, the certificate and the Hello key.
    "7a1d3e5f-9b2c-4e6d-8f0a-1b3c5d7e9f20",
    "3F2A9C4B7D1E6A8F0B5C2D9E4F7A1B3C6D8E0F21",
    "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
];

fn out_dir(h: &RecordedHost) -> PathBuf {
    let d = h.profile().join("Desktop");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn bundle(h: &RecordedHost, redact: bool, lang: Lang) -> m365doctor_fix::collect::Bundle {
    let options = CollectOptions {
        out: out_dir(h),
        redact,
        lang,
    };
    match collect(h, &Kb::bundled(), &options).expect("collects") {
        Outcome::Written(b) => b,
        Outcome::Nothing(t) => panic!("nothing: {}", t.en),
    }
}

/// Every file in the zip, by name.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

#[test]
fn the_bundle_is_complete_diagnosed_and_holds_no_identifier_in_any_file() {
    for (lang, win) in [(Lang::En, WinLang::En), (Lang::Ja, WinLang::Ja)] {
        let h = RecordedHost::new(fixtures(), win).unwrap();
        let b = bundle(&h, true, lang);
        assert!(b.dir.is_dir() && b.zip.is_file());
        let zipped = unzip(&b.zip);
        let names: Vec<String> = std::fs::read_dir(&b.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(zipped.len(), names.len());
        for wanted in [
            "dsregcmd-status-user.txt",
            "credential-targets.txt",
            "office-identity.reg.txt",
            "proxy-user.txt",
            "proxy-system-winhttp.txt",
            "time-status.txt",
            "time-offset.txt",
            "time-zone.txt",
            "windows-version.txt",
            "office-version.txt",
            "teams-version.txt",
            "events-aad-operational.txt",
            "events-user-device-registration.txt",
            "ticket.md",
            "diagnosis.json",
            "manifest.json",
        ] {
            assert!(
                names.iter().any(|n| n == wanted),
                "{wanted} missing: {names:?}"
            );
        }
        // Event log files cannot be redacted, so they stay out.
        assert!(!names.iter().any(|n| n.ends_with(".evtx")));
        for (name, bytes) in &zipped {
            let text = String::from_utf8_lossy(bytes).to_lowercase();
            for s in SECRETS {
                assert!(
                    !text.contains(&s.to_lowercase()),
                    "{name} contains {s}: {text}"
                );
            }
            assert!(!text.contains("password="), "{name}");
        }
        // The same user is the same placeholder across files.
        let dsreg = std::fs::read_to_string(b.dir.join("dsregcmd-status-user.txt")).unwrap();
        let events = std::fs::read_to_string(b.dir.join("events-aad-operational.txt")).unwrap();
        assert!(dsreg.contains("<email-1>"), "{dsreg}");
        assert!(events.contains("<email-1>"));
        assert!(dsreg.contains("<tenant-1>") && events.contains("<tenant-1>"));
        // Correlation ids stay: support needs them.
        assert!(events.contains("7b9e2c41-3d5f-4a68-b0c2-9e1f4d6a8b30"));
        // Japanese console output was decoded from CP932.
        if win == WinLang::Ja {
            let time = std::fs::read_to_string(b.dir.join("time-status.txt")).unwrap();
            assert!(time.contains("ソース: Local CMOS Clock"), "{time}");
        }
        // Where they stood, placeholders stand, the same in every file.
        assert!(dsreg.contains("Device Name : <device-name-1>"), "{dsreg}");
        assert!(dsreg.contains("Thumbprint : <certificate-1>"), "{dsreg}");
        assert!(dsreg.contains("NgcKeyId : {<key-"), "{dsreg}");
        assert!(events.contains("<device-name-1>"), "{events}");
        assert!(dsreg.contains("http://pac.<domain-"), "{dsreg}");
        let identity = std::fs::read_to_string(b.dir.join("office-identity.reg.txt")).unwrap();
        assert!(identity.contains("\"FriendlyName\"=\"<name-"), "{identity}");
        assert!(
            identity.contains("\"TenantId\"=\"<tenant-1>\""),
            "{identity}"
        );
        let credentials = std::fs::read_to_string(b.dir.join("credential-targets.txt")).unwrap();
        assert!(
            credentials.contains("MicrosoftOffice16_Data:SSPI:<email-1>"),
            "{credentials}"
        );

        let diagnosis: serde_json::Value =
            serde_json::from_slice(&std::fs::read(b.dir.join("diagnosis.json")).unwrap()).unwrap();
        let text = diagnosis.to_string();
        assert!(
            text.contains("CAA5001C") || text.contains("caa5001c"),
            "{text}"
        );
        assert!(text.contains("AADSTS50126"));
        let ticket = std::fs::read_to_string(b.dir.join("ticket.md")).unwrap();
        assert!(ticket.contains("dsregcmd /status"));

        let manifest = &b.manifest;
        assert_eq!(manifest["schema"], "m365doctor.collect/1");
        assert_eq!(manifest["redacted"], true);
        let files = manifest["files"].as_array().unwrap();
        assert!(files.iter().all(|f| f["command"].is_string()));
        assert!(manifest["skipped"].as_array().unwrap().len() >= 3);
        // Nothing but the bundle is written beside it, not even for a
        // moment: the temporary exports go to %TEMP%, and are removed.
        let left: Vec<String> = std::fs::read_dir(out_dir(&h))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(b.warnings.is_empty());
        let temp = h.local_app_data().join("Temp");
        assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 0);
        let calls = h.calls();
        let export = calls.iter().find(|c| c.starts_with("reg export")).unwrap();
        assert!(export.contains(&temp.display().to_string()), "{export}");
    }
}

#[test]
fn without_redaction_the_identifiers_and_event_logs_are_kept() {
    let h = RecordedHost::new(fixtures(), WinLang::En).unwrap();
    h.elevated.set(true);
    let b = bundle(&h, false, Lang::En);
    let dsreg = std::fs::read_to_string(b.dir.join("dsregcmd-status-elevated.txt")).unwrap();
    assert!(dsreg.contains(TENANT));
    // The view it could not take is named, with how to add it.
    let skipped = b.manifest["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["what"] == "dsregcmd /status (as the user)"
                && s["why"].as_str().unwrap().contains("non-elevated")),
        "{skipped:?}"
    );
    let evtx = std::fs::read(b.dir.join("events-aad-operational.evtx")).unwrap();
    assert_eq!(&evtx[..8], b"ElfFile\0");
    // Only the named values of the version and proxy keys are read: the
    // product key, owner, installation id and the Office account, which
    // the recorded registry holds in the same keys, never are.
    let windows = std::fs::read_to_string(b.dir.join("windows-version.txt")).unwrap();
    for wanted in ["ProductName", "Windows 10 Pro", "24H2", "26100", "UBR"] {
        assert!(windows.contains(wanted), "{wanted}: {windows}");
    }
    let office = std::fs::read_to_string(b.dir.join("office-version.txt")).unwrap();
    assert!(office.contains("16.0.18227.20162"), "{office}");
    let proxy = std::fs::read_to_string(b.dir.join("proxy-user.txt")).unwrap();
    assert!(proxy.contains("proxy.contoso.com:8080"), "{proxy}");
    let machine = h.machine();
    let current =
        &machine.registry[r"hkey_local_machine\software\microsoft\windows nt\currentversion"];
    for held in ["digitalproductid", "registeredowner", "productid"] {
        assert!(
            current.values.contains_key(held),
            "the fixture holds {held}"
        );
    }
    for file in std::fs::read_dir(&b.dir).unwrap() {
        let path = file.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_lowercase();
        for never in [
            "digitalproductid",
            "registeredowner",
            "00330-80000-00000-aa612",
            "installationid",
            "7f3a9c2e5b1d4e8fa6c091d4b7e2f358",
            ".emailaddress",
        ] {
            assert!(!text.contains(never), "{}: {never}", path.display());
        }
    }
}

#[test]
fn a_failure_at_any_effect_leaves_a_complete_bundle_or_nothing() {
    let h = RecordedHost::new(fixtures(), WinLang::En).unwrap();
    let out = out_dir(&h);
    let options = CollectOptions {
        out: out.clone(),
        redact: true,
        lang: Lang::En,
    };
    let mut n = 0;
    loop {
        let failing = m365doctor_testkit::Crashing::failing_once(&h, n);
        let result = collect(&failing, &Kb::bundled(), &options);
        let effects = failing.effects();
        let left: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let temp = h.local_app_data().join("Temp");
        let scratch_left: Vec<String> = std::fs::read_dir(&temp)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        match result {
            Ok(Outcome::Written(b)) => {
                // A temporary folder that could not be removed is named, in
                // the manifest too; otherwise nothing of it is left.
                assert_eq!(
                    b.warnings.is_empty(),
                    scratch_left.is_empty(),
                    "{n}: {scratch_left:?} {:?}",
                    b.warnings
                );
                assert_eq!(
                    b.manifest["warnings"].as_array().unwrap().len(),
                    b.warnings.len()
                );
                if let Some(w) = b.warnings.first() {
                    assert!(w.en.contains(&temp.display().to_string()), "{}", w.en);
                    assert!(w.ja.contains("手動で削除"));
                    std::fs::remove_dir_all(&temp).unwrap();
                }
                // A failed command is a skipped file, never a broken bundle.
                let manifest: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(b.dir.join("manifest.json")).unwrap())
                        .unwrap();
                for f in manifest["files"].as_array().unwrap() {
                    assert!(b.dir.join(f["file"].as_str().unwrap()).is_file());
                }
                assert_eq!(unzip(&b.zip).len(), b.files.len());
                assert_eq!(left.len(), 2, "{n}: {left:?}");
                std::fs::remove_dir_all(&b.dir).unwrap();
                std::fs::remove_file(&b.zip).unwrap();
            }
            Ok(Outcome::Nothing(_)) => panic!("the recorded machine has evidence"),
            Err(_) => assert!(left.is_empty(), "failure at effect {n} left {left:?}"),
        }
        if n > effects {
            break;
        }
        n += 1;
    }
    assert!(n > 20, "only {n} effects");
}

#[test]
fn other_systems_say_when_there_is_nothing_to_gather() {
    let mut h = RecordedHost::new(fixtures(), WinLang::En).unwrap();
    h.os.set(Os::Linux);
    let home = h.profile();
    h.set_env("HOME", Some(home.to_str().unwrap()));
    let options = CollectOptions {
        out: out_dir(&h),
        redact: true,
        lang: Lang::En,
    };
    match collect(&h, &Kb::bundled(), &options).unwrap() {
        Outcome::Nothing(t) => assert!(t.ja.contains("収集できるもの")),
        Outcome::Written(b) => panic!("wrote {:?}", b.files),
    }
    // With the identity broker's state present, its listing is gathered.
    let broker = home.join(".config/microsoft-identity-broker/account-data");
    std::fs::create_dir_all(&broker).unwrap();
    std::fs::write(broker.join("megan.bowen@contoso.com.json"), b"{}").unwrap();
    match collect(&h, &Kb::bundled(), &options).unwrap() {
        Outcome::Written(b) => {
            let listing = std::fs::read_to_string(b.dir.join("identity-broker-user.txt")).unwrap();
            assert!(listing.contains("account-data/<email-1>"), "{listing}");
            assert!(!listing.contains("megan.bowen"), "{listing}");
        }
        Outcome::Nothing(t) => panic!("{}", t.en),
    }
}

#[test]
fn without_out_the_bundle_goes_to_local_app_data_not_the_current_folder() {
    let h = RecordedHost::new(fixtures(), WinLang::En).unwrap();
    let out = m365doctor_fix::collect::default_out(&h);
    assert_eq!(out, h.local_app_data().join("m365doctor").join("evidence"));
}
