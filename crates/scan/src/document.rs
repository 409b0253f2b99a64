//! The outputs of a scan: the `m365doctor.scan/1` document (see
//! docs/json.md) and the readable summary, in English or Japanese.

use crate::aggregate::Seen;
use crate::files::Scanned;
use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use m365doctor_text::visible;
use serde_json::{json, Value};
use std::io::{self, Write};

pub const SCAN_SCHEMA: &str = "m365doctor.scan/1";

fn seen_json(s: &Seen) -> Value {
    json!({"file": s.file, "line": s.line, "timestamp": s.timestamp})
}

/// The `m365doctor.scan/1` document: totals, every code by count with its
/// knowledge-base entry and first and last place, and the inputs skipped.
pub fn scan_document(scanned: &Scanned, kb: &Kb) -> Value {
    let agg = &scanned.aggregate;
    json!({
        "schema": SCAN_SCHEMA,
        "files": agg.files,
        "bytes": agg.bytes,
        "lines": agg.lines,
        "codes": agg.sorted().iter().map(|s| {
            let i = &s.interpretation;
            let entry = kb.entry_for(i, &[]).map(|f| f.id());
            json!({
                "code": i.normalized,
                "kind": i.kind.id(),
                "names": i.names.iter().map(|n| n.name).collect::<Vec<_>>(),
                "layer": i.layer.map(|l| l.id()),
                "entry": entry,
                "count": s.count,
                "first": seen_json(&s.first),
                "last": seen_json(&s.last),
            })
        }).collect::<Vec<_>>(),
        "skipped": scanned.skipped.iter().map(|s| json!({"file": s.file, "reason": s.reason_id()})).collect::<Vec<_>>(),
    })
}

/// The readable summary: totals, then each code with its count, names,
/// layer, and where it was first and last seen.
pub fn write_scan_text(out: &mut impl Write, scanned: &Scanned, lang: Lang) -> io::Result<()> {
    let agg = &scanned.aggregate;
    let list = agg.sorted();
    let (files_l, codes_l, first, last) = match lang {
        Lang::Ja => ("ファイル", "種類のコード", "初回", "最終"),
        Lang::En => ("files", "distinct codes", "first", "last"),
    };
    writeln!(
        out,
        "{} {files_l}, {:.1} MiB, {} {codes_l}",
        agg.files,
        agg.bytes as f64 / 1048576.0,
        list.len()
    )?;
    // The file name and the time stamp come from the input.
    let place = |s: &Seen| {
        format!(
            "{}{}:{}",
            s.timestamp
                .as_deref()
                .map(|t| format!("{}  ", visible(t)))
                .unwrap_or_default(),
            visible(&s.file),
            s.line
        )
    };
    for s in &list {
        let i = &s.interpretation;
        let names = i
            .names
            .iter()
            .map(|n| n.name)
            .collect::<Vec<_>>()
            .join(", ");
        let layer = i.layer.map(|l| l.label().get(lang)).unwrap_or_default();
        writeln!(
            out,
            "{:>9}  {:<12} {}  {}",
            s.count, i.normalized, names, layer
        )?;
        writeln!(out, "{:>9}  {first}: {}", "", place(&s.first))?;
        if s.count > 1 {
            writeln!(out, "{:>9}  {last}: {}", "", place(&s.last))?;
        }
    }
    Ok(())
}
