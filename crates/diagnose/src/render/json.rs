//! The `m365doctor.diagnose/1` document (see docs/json.md), and what the web
//! page shows beside it.

use crate::case::{Case, Evidence};
use crate::input::Loaded;
use crate::render::{answer_text, dsreg, kind_id, question_text};
use m365doctor_codes::context::HintBasis;
use m365doctor_codes::Lang;
use m365doctor_kb::json::entry_document;
use m365doctor_kb::Kb;
use m365doctor_understand::Reason;
use serde_json::{json, Map, Value};

pub const DIAGNOSE_SCHEMA: &str = "m365doctor.diagnose/1";

fn evidence_json(e: &Evidence) -> Value {
    json!({"source": e.source, "line": e.line, "text": e.text})
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn reason_json(r: &Reason) -> Value {
    match r {
        Reason::Words(words) => json!({"kind": "words", "words": words}),
        Reason::Clue { id, value } => json!({"kind": "clue", "clue": id, "value": value}),
        Reason::Evidence(label) => json!({"kind": "evidence", "label": label}),
        Reason::App(app) => json!({"kind": "app", "app": app}),
    }
}

/// The `m365doctor.diagnose/1` document.
pub(crate) fn document(d: &Case, lang: Lang) -> Value {
    let mut redactor = d.redactor.clone();
    let mut doc = json!({
        "schema": DIAGNOSE_SCHEMA,
        "lang": lang.id(),
        "findings": d.findings.iter().map(|f| {
            let i = &f.interpretation;
            json!({
                "code": i.normalized,
                "kind": i.kind.id(),
                "names": i.names.iter().map(|n| n.name).collect::<Vec<_>>(),
                "layer": i.layer.map(|l| l.id()),
                "entry": f.entry.as_ref().map(|e| e.id()),
                "entry_source": f.entry.as_ref().map(|e| e.source.label()),
                "actions": f.entry.as_ref().map(|e| e.actions()).unwrap_or_default(),
                "confidence": round(f.confidence),
                "explains": f.explains,
                "reason": i.reason.get(lang),
                // A layer read from the code's structure and the program of
                // its line, for a code without one of its own (or whose
                // app-specific meaning does not hold there).
                "layer_context": f.context.as_ref().filter(|h| h.basis != HintBasis::Code).map(|h| json!({
                    "layer": h.layer.id(),
                    "weight": round(f.confidence * h.factor),
                    "basis": h.basis.id(),
                    "source": h.source.map(|s| s.id()),
                    "reason": h.reason.get(lang),
                })),
                "evidence": f.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "symptoms": d.symptoms.iter().map(|s| json!({
            "entry": s.entry.id(),
            "layer": s.layer.map(|l| l.id()),
            "matched": s.matched,
            "unconfirmed": s.unconfirmed,
            "score": round(s.score),
            "evidence": s.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "layers": d.layers.iter().map(|(l, _)| l.id()).collect::<Vec<_>>(),
        "plan": d.plan.iter().map(|p| json!({
            "action": p.action_id(),
            "title": p.title(lang),
            "who": p.step.who,
            "risk": p.step.risk,
            "text": p.text(lang),
            "entry": p.entry.id,
        })).collect::<Vec<_>>(),
        "correlation_ids": d.correlation_ids,
        "request_ids": d.request_ids,
        "trace_ids": d.trace_ids,
        "timestamps": d.timestamps,
        "apps": d.apps,
        "events": d.events.iter().map(|(id, e)| json!({"id": id, "source": e.source, "line": e.line, "text": e.text})).collect::<Vec<_>>(),
        "tried": d.tried,
        "dsreg": dsreg::document(&d.dsreg, lang, redactor.as_mut()).unwrap_or(Value::Null),
    });
    // Added by the text understanding (issue 13); `layers` stays the list of ids.
    let extra = json!({
        "about_sign_in": d.about_sign_in,
        "layer_scores": d.layers.iter().map(|(l, s)| json!({"layer": l.id(), "score": round(*s)})).collect::<Vec<_>>(),
        "best_entries": d.best.iter().map(|m| json!({
            "entry": m.entry.id(),
            "entry_source": m.entry.source.label(),
            "layer": m.layer.id(),
            "title": m.entry.entry.title.get(lang),
            "probability": round(m.probability),
            "reasons": m.reasons.iter().map(reason_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "clues": d.clues.iter().map(|c| json!({
            "id": c.id,
            "kind": kind_id(c.kind),
            "value": c.value,
            "label": crate::understanding::clue_label(c.id, lang),
        })).collect::<Vec<_>>(),
        "questions": d.questions.iter().map(|q| json!({
            "id": q.id,
            "text": question_text(q, lang),
            "answers": q.answers.iter().map(|a| json!({"id": a.id, "text": answer_text(a, lang)})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "answers": d.answers.iter().map(|(q, a)| json!({
            "question": q.id,
            "answer": a.id,
            "question_text": question_text(q, lang),
            "answer_text": answer_text(a, lang),
        })).collect::<Vec<_>>(),
        "notes": d.notes.iter().map(|n| n.get(lang)).collect::<Vec<_>>(),
    });
    if let (Some(doc), Value::Object(extra)) = (doc.as_object_mut(), extra) {
        doc.extend(extra);
    }
    doc
}

/// The diagnose/1 document plus what a web page shows beside it: the
/// inputs read (`sources`) and skipped, each finding's code decoded as
/// explain/1 gives it (`decoded`), every entry the case names in full
/// (`entries`), and the Markdown ticket.
pub(crate) fn page_document(
    d: &Case,
    kb: &Kb,
    loaded: &Loaded,
    apps: &[&str],
    lang: Lang,
) -> Value {
    let mut doc = document(d, lang);
    let mut decoded = Map::new();
    for f in &d.findings {
        let code = &f.interpretation.normalized;
        if decoded.contains_key(code) {
            continue;
        }
        if let Some(first) = m365doctor_codes::explain_in(code, apps)
            .ok()
            .and_then(|r| r.into_iter().next())
        {
            let explained = kb.explain(first, apps);
            decoded.insert(code.clone(), m365doctor_kb::json::decoded(&explained, lang));
        }
    }
    let entries: Map<String, Value> = d
        .entries(kb)
        .iter()
        .map(|f| (f.id().to_string(), entry_document(f.entry, &f.source)))
        .collect();
    let mut names = d.redactor.clone();
    let mut name = |n: &str| {
        names
            .as_mut()
            .map_or_else(|| n.to_string(), |r| r.redact(n))
    };
    doc["sources"] = loaded
        .inputs
        .iter()
        .map(|i| json!({"name": name(&i.source), "encoding": i.encoding, "bytes": i.text.len()}))
        .collect();
    doc["skipped"] = loaded
        .skipped
        .iter()
        .map(|s| json!({"name": name(&s.name), "reason": s.reason.get(lang)}))
        .collect();
    doc["decoded"] = decoded.into();
    doc["entries"] = entries.into();
    doc["ticket_markdown"] = super::markdown::ticket(d, lang).into();
    doc
}
