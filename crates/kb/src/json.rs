//! The `m365doctor.kb/1` JSON documents (documented in docs/json.md), shared
//! by `m365doctor kb … --json` and the web server's `/api/v1/kb`.

use crate::model::Bi;
use crate::{entry_actions, Entry, Kb, Source, ACTIONS};
use m365doctor_codes::Lang;
use serde_json::{json, Value};

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

pub fn pick(t: &Bi, lang: Lang) -> &str {
    if lang == Lang::Ja {
        &t.ja
    } else {
        &t.en
    }
}
