//! Invariants over the compiled knowledge base: coverage, vocabulary, both
//! languages, and the codes of the guide this project started from.

use m365doctor_kb::model::{code_key, Bi};
use m365doctor_kb::{action, Kb, ACTIONS, ENTRIES};
use std::collections::BTreeSet;
use std::path::Path;

fn keys() -> BTreeSet<String> {
    ENTRIES
        .iter()
        .flat_map(|e| e.keys.iter().map(|k| k.to_string()))
        .collect()
}

fn both(t: &Bi, what: &str) {
    assert!(!t.en.trim().is_empty() && !t.ja.trim().is_empty(), "{what}");
}

#[test]
fn every_text_exists_in_both_languages() {
    for e in ENTRIES {
        both(&e.title, &e.id);
        both(&e.summary, &e.id);
        for c in e.causes.iter() {
            assert!(!c.en.is_empty() && !c.ja.is_empty(), "{}", e.id);
            both(&c.tell, &e.id);
        }
        for s in e.steps.iter() {
            assert!(!s.en.is_empty() && !s.ja.is_empty(), "{}", e.id);
            both(&s.verify, &e.id);
        }
    }
    for a in ACTIONS {
        both(&a.title, &a.id);
        both(&a.text, &a.id);
    }
}

#[test]
fn every_action_used_exists_and_every_required_action_is_defined() {
    for e in ENTRIES {
        for s in e.steps.iter() {
            assert!(action(&s.action).is_some(), "{}: {}", e.id, s.action);
        }
    }
    let required = "restart-app restart-device sign-out-sign-in update-app update-windows check-network \
        check-proxy sync-clock outlook-safe-mode toggle-work-offline new-outlook-profile repair-office \
        reset-office-activation reset-identity-cache reset-aad-broker reregister-aad-broker \
        clear-office-credentials reset-office-identity-registry reconnect-work-account \
        clear-browser-session reset-password wait-for-unlock register-mfa approve-mfa check-tpm \
        dsreg-status-check refresh-prt dsreg-rejoin disable-app-broker collect-evidence contact-admin \
        admin-unlock-account admin-check-account admin-review-conditional-access make-device-compliant \
        admin-enable-device admin-assign-license admin-grant-consent admin-fix-app-registration \
        admin-check-federation admin-configure-hybrid-join check-service-health";
    for id in required.split_whitespace() {
        assert!(action(id).is_some(), "action {id} is missing");
    }
    assert!(action("dsreg-rejoin").is_some_and(|a| a.who == "admin" && a.risk == "high"));
}

#[test]
fn coverage_meets_the_targets() {
    let keys = keys();
    let count = |pred: &dyn Fn(&str) -> bool| keys.iter().filter(|k| pred(k)).count();
    let hex = |k: &str, prefix: &str| k.starts_with(prefix);
    let families = [
        ("all codes", count(&|_| true), 300),
        ("AADSTS", count(&|k| k.starts_with("AADSTS")), 100),
        ("CAA", count(&|k| hex(k, "0xCAA")), 40),
        (
            "device registration and MDM",
            count(&|k| hex(k, "0x801C") || hex(k, "0x8018")),
            25,
        ),
        (
            "Outlook / Exchange",
            count(&|k| {
                hex(k, "0x8004") && !hex(k, "0x80048") && !hex(k, "0x8004DE") || hex(k, "0x800CCC")
            }),
            20,
        ),
        (
            "TPM / NGC / key storage",
            count(&|k| hex(k, "0x8009") || hex(k, "0x8028") || hex(k, "0x8029")),
            15,
        ),
        (
            "network / TLS / proxy",
            count(&|k| {
                hex(k, "0x80072") || k.parse::<u32>().is_ok_and(|n| (12001..=12192).contains(&n))
            }),
            15,
        ),
        ("IDCRL", count(&|k| hex(k, "0x80048")), 10),
        ("OneDrive", count(&|k| hex(k, "0x8004DE")), 5),
    ];
    let mut short = Vec::new();
    for (name, n, min) in families {
        println!("{name}: {n} (target {min})");
        if n < min {
            short.push(format!("{name}: {n} < {min}"));
        }
    }
    let patterns: usize = ENTRIES
        .iter()
        .map(|e| e.messages.en.len() + e.messages.ja.len())
        .sum();
    let codeless = ENTRIES.iter().filter(|e| e.codes.is_empty()).count();
    println!("message patterns: {patterns}, code-less entries: {codeless}");
    if codeless < 40 {
        short.push(format!("code-less entries: {codeless} < 40"));
    }
    assert!(short.is_empty(), "{short:?}");
}

/// Every research code of the families the knowledge base covers has an
/// entry, or kb/uncovered.toml says why not.
#[test]
fn every_research_code_resolves_or_is_explained() {
    let uncovered_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb/uncovered.toml");
    let uncovered: toml::Table = std::fs::read_to_string(&uncovered_path)
        .map(|t| t.parse().expect("kb/uncovered.toml parses"))
        .unwrap_or_default();
    let mut explained = BTreeSet::new();
    for item in uncovered
        .get("codes")
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
    {
        let code = item["code"].as_str().unwrap();
        let reason = item["reason"].as_table().expect("a reason with en and ja");
        assert!(
            !reason["en"].as_str().unwrap().is_empty()
                && !reason["ja"].as_str().unwrap().is_empty()
        );
        explained.insert(code_key(code).unwrap());
    }
    let keys = keys();
    let data = include_str!("data/codes-facts-codes.tsv");
    let mut missing = Vec::new();
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let code = line.split('\t').next().unwrap();
        let key = code_key(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        if !keys.contains(&key) && !explained.contains(&key) {
            missing.push(format!("{code} ({key})"));
        }
    }
    assert!(
        missing.is_empty(),
        "{} research codes have no entry and no reason: {missing:?}",
        missing.len()
    );
}

#[test]
fn the_guides_five_codes_have_entries() {
    let kb = Kb::bundled();
    for (code, app) in [
        ("0x8004011d", "outlook"),
        ("1001", "office"),
        ("CAA20002", "office"),
        ("CAA50021", "office"),
        ("0x80048823", "office"),
    ] {
        let key = code_key(code).unwrap();
        let (entry, _) = kb
            .find(&key, &[app])
            .unwrap_or_else(|| panic!("{code} has no entry"));
        assert!(!entry.steps.is_empty());
    }
}

#[test]
fn search_finds_lockout_entries_in_both_languages() {
    let kb = Kb::bundled();
    let en: BTreeSet<String> = kb
        .search("locked")
        .iter()
        .map(|(e, _)| e.id.to_string())
        .collect();
    let ja: BTreeSet<String> = kb
        .search("ロック")
        .iter()
        .map(|(e, _)| e.id.to_string())
        .collect();
    assert!(!en.is_empty() && !ja.is_empty());
    assert!(en.intersection(&ja).count() > 0, "en {en:?} / ja {ja:?}");
}

#[test]
fn entries_are_attached_once_with_their_source() {
    let kb = Kb::bundled();
    // The app context decides between entries for the same code.
    let decoded = m365doctor_codes::explain_in("0x8004011d", &["outlook"]).unwrap();
    let explained = kb.explain(decoded[0].clone(), &["outlook"]);
    assert_eq!(
        explained.entries.len(),
        explained.decoded.interpretations.len()
    );
    let found = explained.entries[0]
        .as_ref()
        .expect("Outlook's 0x8004011D has an entry");
    assert_eq!(found.source, m365doctor_kb::Source::Bundled);
    assert!(
        found.entry.apps.iter().any(|a| a == "outlook"),
        "{}",
        found.id()
    );
    assert_eq!(
        kb.entry_for(&explained.decoded.interpretations[0], &["outlook"])
            .map(|f| f.id()),
        Some(found.id())
    );
    assert!(!found.actions().is_empty());
    // A pair: the sub-error gets its own entries.
    let pair = m365doctor_codes::explain("0x801c0021/0x80072ee2").unwrap();
    let explained = kb.explain(pair[0].clone(), &[]);
    let sub = explained.sub_error.as_ref().expect("sub-error");
    assert_eq!(sub.decoded.input, pair[0].sub_error.as_ref().unwrap().input);
    assert_eq!(sub.entries.len(), sub.decoded.interpretations.len());
    // The explain/1 document names the entry where the codes crate leaves a slot.
    let doc = m365doctor_kb::json::explain_document(&[explained], &[], m365doctor_codes::Lang::En);
    let first = &doc["results"][0]["interpretations"][0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let at = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(
        at("apps") < at("entry")
            && at("entry") < at("entry_source")
            && at("actions") < at("reason")
    );
}

/// The app a report names decides between entries of one code before the
/// app a curated meaning was written for: the curated 0x80070005 row is
/// Office activation's, but in a OneDrive report the OneDrive entry fits.
#[test]
fn the_reports_app_comes_before_the_curated_rows_app() {
    let kb = Kb::bundled();
    let id = |apps: &[&str]| {
        let decoded = m365doctor_codes::explain_in("0x80070005", apps).unwrap();
        kb.entry_for(&decoded[0].interpretations[0], apps)
            .map(|f| f.id().to_string())
    };
    assert_eq!(
        id(&["onedrive"]).as_deref(),
        Some("onedrive-install-access-denied")
    );
    assert_eq!(id(&[]).as_deref(), Some("office-activation-access-denied"));
    assert_eq!(
        id(&["word"]).as_deref(),
        Some("office-activation-access-denied")
    );
}
