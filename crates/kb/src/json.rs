//! The `m365doctor.kb/1` JSON documents (documented in docs/json.md), shared
//! by `m365doctor kb … --json` and the web server's `/api/v1/kb`, and the
//! `m365doctor.explain/1` document with its knowledge-base entries.

use crate::model::Bi;
use crate::{entry_actions, Entry, Explained, Found, Kb, Source, ACTIONS};
use m365doctor_codes::json as codes_json;
use m365doctor_codes::Lang;
use serde_json::{json, Value};

/// The whole `explain --json` document: each code's readings with their
/// entries, and the inputs that were not codes.
pub fn explain_document(results: &[Explained], errors: &[(String, String)], lang: Lang) -> Value {
    let mut doc = json!({
        "schema": codes_json::EXPLAIN_SCHEMA,
        "lang": lang.id(),
        "results": results.iter().map(|e| decoded(e, lang)).collect::<Vec<_>>(),
    });
    if !errors.is_empty() {
        doc["errors"] = errors
            .iter()
            .map(|(input, message)| json!({"input": input, "error": "not-a-code", "message": message}))
            .collect();
    }
    doc
}

/// One decoded code of explain/1, with its entries.
pub fn decoded(e: &Explained, lang: Lang) -> Value {
    let mut v = json!({
        "input": e.decoded.input,
        "interpretations": e
            .readings()
            .map(|(i, found)| {
                let mut v = codes_json::interpretation(i, lang);
                fill_entry(&mut v, found);
                v
            })
            .collect::<Vec<_>>(),
    });
    if let Some(sub) = &e.sub_error {
        v["sub_error"] = decoded(sub, lang);
    }
    if e.decoded.same_value_pair {
        v["same_value_pair"] = Value::Bool(true);
    }
    v
}

/// The knowledge base's fields of one reading, in the places the codes
/// crate keeps for them (the document's key order stays as it is).
fn fill_entry(v: &mut Value, found: Option<&Found>) {
    if let Some(f) = found {
        v["entry"] = f.id().into();
        v["entry_source"] = f.source.label().into();
        v["actions"] = f.actions().into();
    }
}

pub const KB_SCHEMA: &str = "m365doctor.kb/1";

/// `kb list --json`: every entry's summary plus the action vocabulary.
pub fn list_document(kb: &Kb, lang: Lang) -> Value {
    json!({
        "schema": KB_SCHEMA,
        "entries": kb.entries().map(|(e, s)| summary(e, &s)).collect::<Vec<_>>(),
        "actions": ACTIONS.iter().map(|a| json!({"id": a.id, "who": a.who, "risk": a.risk, "automated": a.automated, "title": pick(&a.title, lang)})).collect::<Vec<_>>(),
    })
}

/// `kb search WORDS --json`: the summaries of the hits of [`Kb::search`], best first.
pub fn search_document(query: &str, hits: &[(&Entry, Source)]) -> Value {
    json!({
        "schema": KB_SCHEMA,
        "query": query,
        "entries": hits.iter().map(|(e, s)| summary(e, s)).collect::<Vec<_>>(),
    })
}

/// `kb show ID --json`: the whole entry in both languages, plus where it
/// comes from and its codes normalized.
pub fn entry_document(entry: &Entry, source: &Source) -> Value {
    let mut v = serde_json::to_value(entry).unwrap_or(Value::Null);
    v["source"] = source.label().into();
    v["normalized_codes"] = normalized(entry).into();
    v
}

/// One entry in a list: what it covers, without its texts.
pub fn summary(e: &Entry, s: &Source) -> Value {
    let mut langs = vec![];
    if !e.title.en.is_empty() {
        langs.push("en");
    }
    if !e.title.ja.is_empty() {
        langs.push("ja");
    }
    json!({
        "id": e.id,
        "codes": normalized(e),
        "apps": e.apps,
        "messages": e.messages.en.len() + e.messages.ja.len(),
        "layer": e.layer,
        "langs": langs,
        "actions": entry_actions(e),
        "references": e.references,
        "checked": e.checked,
        "source": s.label(),
    })
}

/// The entry's codes as `explain` normalizes them (Office dialog codes as plain decimal).
pub fn normalized(e: &Entry) -> Vec<String> {
    e.keys
        .iter()
        .map(|k| k.trim_start_matches("office:").to_string())
        .collect()
}

fn pick(t: &Bi, lang: Lang) -> &str {
    t.get(lang)
}
