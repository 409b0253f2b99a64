//! Redaction that holds (issue 16, review F2): the redaction corpus read as
//! files and diagnosed as one case; nothing it must hide survives in the
//! JSON document, the text report, the Markdown ticket or the web page's
//! document, and the support data stays. Without redaction, credentials
//! are still removed.

#[path = "redaction_corpus/check.rs"]
mod corpus;

use m365doctor_codes::Lang;
use m365doctor_diagnose::{diagnose, Input, Limits, Loaded, Loader, Options};
use m365doctor_kb::Kb;

fn load() -> Loaded {
    let mut loader = Loader::new(Limits::default(), None);
    loader.add_path(&corpus::dir());
    let mut loaded = loader.finish();
    assert!(loaded.unreadable.is_empty() && loaded.skipped.is_empty());
    // Where Windows keeps a log: the user's profile in the evidence's name.
    loaded.inputs.push(Input::new(
        r"C:\Users\megan.bowen\AppData\Local\Temp\Outlook Logging\megan.bowen@contoso.com-0x80070C01.log",
        "Error 0x80070C01 the name of this file is in every line of the ticket",
    ));
    loaded
}

/// Every document of one case, one after the other.
fn documents(loaded: &Loaded, redact: bool) -> Vec<(&'static str, String)> {
    let kb = Kb::bundled();
    let options = Options {
        redact,
        ..Options::default()
    };
    let case = diagnose(&loaded.inputs, &kb, &options);
    let mut out = Vec::new();
    for lang in [Lang::En, Lang::Ja] {
        let json = serde_json::to_string_pretty(&case.to_json(lang)).unwrap();
        let mut text = Vec::new();
        case.write_text(&mut text, lang, false).unwrap();
        let page = case.page_document(&kb, loaded, &[], lang).to_string();
        out.push(("json", json));
        out.push(("text", String::from_utf8(text).unwrap()));
        out.push(("markdown", case.markdown(lang)));
        out.push(("page", page));
    }
    out
}

#[test]
fn every_expected_value_is_in_its_input() {
    let files = corpus::files();
    for e in corpus::expectations() {
        let (_, bytes) = files
            .iter()
            .find(|(name, _)| *name == e.file)
            .unwrap_or_else(|| panic!("expect.tsv names {}, not in the corpus", e.file));
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        // The evidence's own path is the value of the file's name.
        let named = format!("/{}", e.file.to_lowercase()).contains(&e.value.to_lowercase());
        // In a URL's query a space is `+`.
        let query = text.contains(&e.value.to_lowercase().replace(' ', "+"));
        assert!(
            named || query || text.contains(&e.value.to_lowercase()),
            "{} ({}): {} is not in {}",
            e.kind,
            e.form,
            e.value,
            e.file
        );
    }
    assert!(corpus::line_codes().len() > 100);
}

#[test]
fn nothing_in_the_corpus_survives_in_any_document() {
    let loaded = load();
    for (what, doc) in documents(&loaded, true) {
        corpus::assert_clean(what, &doc);
        let windows = r"c:\users\megan.bowen";
        assert!(!doc.to_lowercase().contains(windows), "{what}");
        assert!(doc.to_lowercase().contains("0x80070c01"), "{what}");
    }
}

#[test]
fn without_redaction_credentials_are_still_removed_and_names_kept() {
    let loaded = load();
    for (what, doc) in documents(&loaded, false) {
        let p = corpus::problems(&doc, true);
        assert!(p.is_empty(), "{what}:\n{}", p.join("\n"));
        // Names and addresses are the user's to keep when asked.
        for kept in ["Megan Bowen", "megan.bowen@contoso.com", "DESKTOP-MEGAN01"] {
            assert!(doc.contains(kept), "{what}: {kept}");
        }
    }
}

#[test]
fn one_value_one_placeholder_across_files_and_forms() {
    let loaded = load();
    let kb = Kb::bundled();
    let case = diagnose(
        &loaded.inputs,
        &kb,
        &Options {
            redact: true,
            ..Options::default()
        },
    );
    let ticket = case.markdown(Lang::En);
    let line = |code: &str| {
        ticket
            .lines()
            .find(|l| l.contains(code) && l.starts_with("- `"))
            .unwrap_or_else(|| panic!("{code} not quoted"))
            .to_string()
    };
    let placeholder = |l: &str, kind: &str| {
        let at = l
            .find(&format!("<{kind}-"))
            .unwrap_or_else(|| panic!("{kind} in {l}"));
        l[at..at + l[at..].find('>').unwrap() + 1].to_string()
    };
    // Megan's address: plain (addresses.log) and in the dsregcmd capture.
    let plain = placeholder(&line("0x80070601"), "email");
    assert!(
        ticket.contains(&format!("User Identity : {plain}")),
        "{plain}"
    );
    // "Megan Bowen" after a greeting, and where no label stands.
    assert_eq!(
        placeholder(&line("0x80070201"), "name"),
        placeholder(&line("0x8007020D"), "name")
    );
    // Two people, two placeholders.
    assert_ne!(
        placeholder(&line("0x80070201"), "name"),
        placeholder(&line("0x80070203"), "name")
    );
    // The same device id in the capture and in the HAR body.
    let har = ticket
        .lines()
        .find(|l| l.contains("Your device <device-"))
        .unwrap();
    let device = placeholder(har, "device");
    assert!(ticket.contains(&format!("DeviceId : {device}")), "{device}");
}
