//! The `m365doctor.explain/1` JSON contract (documented in docs/json.md).
//! Text fields are in the requested language; ids and names are not translated.

use crate::interpret::{Decoded, Interpretation, Name, Origin, Structure, Wrapped};
use crate::tables::NameKind;
use crate::text::Lang;
use serde_json::{json, Map, Value};

pub const EXPLAIN_SCHEMA: &str = "m365doctor.explain/1";

/// The whole `explain --json` document, without knowledge-base entries
/// (`m365doctor_kb::json::explain_document` gives it with them).
pub fn explain_document(results: &[Decoded], errors: &[(String, String)], lang: Lang) -> Value {
    let mut doc = json!({
        "schema": EXPLAIN_SCHEMA,
        "lang": lang.id(),
        "results": results.iter().map(|d| decoded(d, lang)).collect::<Vec<_>>(),
    });
    if !errors.is_empty() {
        doc["errors"] = errors
            .iter()
            .map(|(input, message)| json!({"input": input, "error": "not-a-code", "message": message}))
            .collect();
    }
    doc
}

pub fn decoded(d: &Decoded, lang: Lang) -> Value {
    let mut v = json!({
        "input": d.input,
        "interpretations": d.interpretations.iter().map(|i| interpretation(i, lang)).collect::<Vec<_>>(),
    });
    if let Some(sub) = &d.sub_error {
        v["sub_error"] = decoded(sub, lang);
    }
    if d.same_value_pair {
        v["same_value_pair"] = Value::Bool(true);
    }
    v
}

pub fn interpretation(i: &Interpretation, lang: Lang) -> Value {
    json!({
        "normalized": i.normalized,
        "kind": i.kind.id(),
        "names": i.names.iter().map(|n| n.name).collect::<Vec<_>>(),
        "name_sources": i.names.iter().map(name_source).collect::<Vec<_>>(),
        "structure": structure(&i.structure, lang),
        "layer": i.layer.map(|l| l.id()),
        "layer_basis": i.layer_basis.map(|b| format!("{b:?}").to_ascii_lowercase()),
        "family": i.family,
        "apps": i.apps,
        // The knowledge base's part: this crate stays independent of it, and
        // `m365doctor_kb::json::explain_document` fills these in place.
        "entry": Value::Null,
        "entry_source": Value::Null,
        "actions": [],
        "reason": i.reason.get(lang),
        "notes": i.notes.iter().map(|n| n.get(lang)).collect::<Vec<_>>(),
        "references": i.sources,
    })
}

fn kind_id(kind: NameKind) -> &'static str {
    match kind {
        NameKind::Win32 => "win32",
        NameKind::HResult => "hresult",
        NameKind::NtStatus => "ntstatus",
        NameKind::WinInet => "wininet",
        NameKind::WinHttp => "winhttp",
    }
}

fn name_source(n: &Name) -> Value {
    match n.origin {
        Origin::Header { kind, area } => {
            json!({"name": n.name, "from": "windows-sys", "kind": kind_id(kind), "area": area})
        }
        Origin::Curated { family, source } => {
            json!({"name": n.name, "from": "curated", "family": family, "reference": source})
        }
        Origin::Wrapped { kind, value, area } => {
            json!({"name": n.name, "from": "windows-sys", "kind": kind.id(), "area": area, "wrapped_value": value})
        }
    }
}

fn wrapped(w: &Wrapped) -> Value {
    json!({
        "kind": w.kind.id(),
        "value": w.value,
        "normalized": w.normalized,
        "names": w.names.iter().map(|n| n.name).collect::<Vec<_>>(),
    })
}

fn structure(s: &Structure, lang: Lang) -> Value {
    let mut m = Map::new();
    match s {
        Structure::HResult {
            fields,
            facility_names,
            facility_note,
            wraps,
        } => {
            m.insert("layout".into(), "hresult".into());
            m.insert("severity".into(), fields.severity.into());
            m.insert("reserved".into(), fields.reserved.into());
            m.insert("customer".into(), fields.customer.into());
            m.insert("nt_mapped".into(), fields.nt_mapped.into());
            m.insert("x".into(), fields.x.into());
            m.insert("facility".into(), fields.facility.into());
            m.insert("facility_names".into(), json!(facility_names));
            if let Some(note) = facility_note {
                m.insert("facility_note".into(), note.get(lang).into());
            }
            m.insert("code".into(), fields.code.into());
            m.insert("wraps".into(), wraps.iter().map(wrapped).collect());
        }
        Structure::NtStatus {
            fields,
            facility_names,
        } => {
            m.insert("layout".into(), "ntstatus".into());
            m.insert("severity".into(), fields.severity.into());
            m.insert("severity_name".into(), fields.severity_name().en.into());
            m.insert("customer".into(), fields.customer.into());
            m.insert("reserved".into(), fields.reserved.into());
            m.insert("facility".into(), fields.facility.into());
            m.insert("facility_names".into(), json!(facility_names));
            m.insert("code".into(), fields.code.into());
        }
        Structure::Caa {
            fields,
            facility,
            http_status,
            wraps,
        } => {
            m.insert("layout".into(), "caa".into());
            m.insert("severity".into(), fields.severity.into());
            m.insert("severity_name".into(), fields.severity_name().en.into());
            m.insert("customer".into(), fields.customer.into());
            m.insert("reserved".into(), fields.reserved.into());
            m.insert("facility".into(), fields.facility.into());
            m.insert(
                "facility_hex".into(),
                format!("0x{:03X}", fields.facility).into(),
            );
            m.insert(
                "facility_description".into(),
                facility.map(|f| f.get(lang)).into(),
            );
            m.insert("code".into(), fields.code.into());
            if let Some(status) = http_status {
                m.insert("http_status".into(), (*status).into());
            }
            m.insert("wraps".into(), wraps.iter().map(wrapped).collect());
        }
        Structure::Small { code, as_hresult } => {
            m.insert("layout".into(), "small".into());
            m.insert("code".into(), (*code).into());
            m.insert("hex".into(), format!("0x{code:X}").into());
            m.insert(
                "as_hresult".into(),
                as_hresult.map(|h| format!("0x{h:08X}")).into(),
            );
        }
        Structure::Aadsts {
            number,
            range,
            family,
        } => {
            m.insert("layout".into(), "aadsts".into());
            m.insert("number".into(), (*number).into());
            m.insert("range".into(), (*range).into());
            m.insert("range_description".into(), family.get(lang).into());
        }
    }
    Value::Object(m)
}
