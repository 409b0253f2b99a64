//! The `collect` bundle on the redaction corpus (issue 16, review F2): the
//! corpus's texts stand in the recorded machine's event log output, and no
//! file of the bundle (the gathered outputs, the ticket, the diagnosis,
//! the manifest) holds anything they must hide; the support data stays.

#[path = "../../diagnose/tests/redaction_corpus/check.rs"]
mod corpus;

use m365doctor_codes::Lang;
use m365doctor_fix::collect::{collect, CollectOptions, Outcome};
use m365doctor_kb::Kb;
use m365doctor_testkit::{RecordedHost, WinLang};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The corpus's texts that a machine's tools could print (not the HAR or
/// the event log file, and not the file whose path is the point).
fn gathered(name: &str) -> bool {
    (name.ends_with(".log") || name.ends_with(".json") || name.ends_with(".txt"))
        && !name.starts_with("home/")
}

/// The recorded English Windows, with the corpus appended to what
/// `wevtutil qe Microsoft-Windows-AAD/Operational` prints.
fn machine() -> (PathBuf, RecordedHost) {
    let fixtures = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/windows-en"
    ));
    let root = std::env::temp_dir().join(format!("m365doctor-redaction-{}", std::process::id()));
    let dir = root.join("windows-en");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let mut events = std::fs::read(dir.join("wevtutil-aad.txt")).unwrap();
    for (name, bytes) in corpus::files() {
        if gathered(&name) {
            events.extend_from_slice(b"\r\n");
            events.extend_from_slice(&bytes);
        }
    }
    std::fs::write(dir.join("wevtutil-aad.txt"), events).unwrap();
    let host = RecordedHost::new(&root, WinLang::En).unwrap();
    (root, host)
}

#[test]
fn no_file_of_the_bundle_holds_anything_the_corpus_must_hide() {
    let (root, h) = machine();
    let out = h.profile().join("Desktop");
    std::fs::create_dir_all(&out).unwrap();
    let options = CollectOptions {
        out,
        redact: true,
        lang: Lang::En,
    };
    let bundle = match collect(&h, &Kb::bundled(), &options).expect("collects") {
        Outcome::Written(b) => b,
        Outcome::Nothing(t) => panic!("nothing: {}", t.en),
    };
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&bundle.zip).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let survivors: Vec<String> = corpus::problems_of(&text, false, gathered)
            .into_iter()
            .filter(|p| p.starts_with("survives"))
            .collect();
        assert!(
            survivors.is_empty(),
            "{}:\n{}",
            file.name().unwrap(),
            survivors.join("\n")
        );
        all.push_str(&text);
    }
    // The events file holds every line; the ticket and diagnosis quote them.
    let p = corpus::problems_of(&all, false, gathered);
    assert!(p.is_empty(), "{}", p.join("\n"));
    let ticket = std::fs::read_to_string(bundle.dir.join("ticket.md")).unwrap();
    assert!(ticket.contains("0x80070101") && ticket.contains("0x80070215"));
    let _ = std::fs::remove_dir_all(root);
}
