//! The corpus of realistic pasted texts (tests/corpus/NN-name.txt with
//! NN-name.toml expectations): codes found, non-codes not found, the top
//! layer, the first actions, apps and identifiers.

use m365doctor_diagnose::{diagnose, Input, Options};
use m365doctor_kb::Kb;
use m365doctor_scan::extract;
use std::path::Path;

fn strings(t: &toml::Table, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "the corpus has {} cases; at least 40 are required",
        cases.len()
    );
    let kb = Kb::bundled();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(case).unwrap();
        let expect: toml::Table = std::fs::read_to_string(case.with_extension("toml"))
            .unwrap_or_else(|_| panic!("{name}: missing .toml"))
            .parse()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let d = diagnose(
            &[Input::new(name.clone(), text.clone())],
            &kb,
            &Options::default(),
        );
        let found: Vec<String> = d
            .findings
            .iter()
            .map(|f| f.interpretation.normalized.clone())
            .collect();
        let mut problems = Vec::new();
        for code in strings(&expect, "codes") {
            if !found.contains(&code) {
                problems.push(format!("missed {code} (found {found:?})"));
            }
        }
        let raw: Vec<String> = extract(&text)
            .codes
            .iter()
            .map(|c| c.token.text.clone())
            .collect();
        for not in strings(&expect, "not_codes") {
            if raw
                .iter()
                .any(|r| r == &not || not.contains(r.as_str()) && r.len() >= 3)
                || found.contains(&not)
            {
                problems.push(format!("reported non-code {not} (raw {raw:?})"));
            }
        }
        if let Some(layer) = expect.get("layer").and_then(|v| v.as_str()) {
            let mut ok = strings(&expect, "layers_also");
            ok.push(layer.to_string());
            let top = d
                .layers
                .first()
                .map(|(l, _)| l.id().to_string())
                .unwrap_or_default();
            if !ok.contains(&top) {
                problems.push(format!(
                    "top layer {top:?}, expected {ok:?} (layers {:?})",
                    d.layers
                        .iter()
                        .map(|(l, s)| format!("{}:{s:.2}", l.id()))
                        .collect::<Vec<_>>()
                ));
            }
        }
        let actions = strings(&expect, "actions");
        if !actions.is_empty() {
            let first: Vec<&str> = d.plan.iter().take(3).map(|p| p.action_id()).collect();
            if !actions.iter().any(|a| first.contains(&a.as_str())) {
                problems.push(format!(
                    "first actions {first:?}, expected one of {actions:?}"
                ));
            }
        }
        for app in strings(&expect, "apps") {
            if !d.apps.contains(&app) {
                problems.push(format!("missed app {app} (found {:?})", d.apps));
            }
        }
        for (key, got) in [
            ("correlation_ids", &d.correlation_ids),
            ("request_ids", &d.request_ids),
            ("timestamps", &d.timestamps),
        ] {
            for id in strings(&expect, key) {
                if !got.contains(&id) {
                    problems.push(format!("missed {key} {id} (found {got:?})"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}:\n    {}", problems.join("\n    ")));
        }
    }
    println!("{} corpus cases, {} failing", cases.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
