//! Outputs of a diagnosis: the `m365doctor.diagnose/1` JSON document, the
//! Markdown support ticket, and readable text, in English or Japanese.

use crate::diagnose::{Diagnosis, Evidence};
use m365doctor_codes::{Lang, Text};
use m365doctor_kb::model::Bi;
use m365doctor_kb::Kb;
use serde_json::{json, Value};
use std::fmt::Write as _;

pub const DIAGNOSE_SCHEMA: &str = "m365doctor.diagnose/1";

fn pick(t: &Bi, lang: Lang) -> &str {
    if lang == Lang::Ja {
        &t.ja
    } else {
        &t.en
    }
}

fn evidence_json(e: &Evidence) -> Value {
    json!({"source": e.source, "line": e.line, "text": e.text})
}

pub fn to_json(d: &Diagnosis, lang: Lang, dsreg: Option<Value>) -> Value {
    json!({
        "schema": DIAGNOSE_SCHEMA,
        "lang": lang.id(),
        "findings": d.findings.iter().map(|f| {
            let i = &f.interpretation;
            json!({
                "code": i.normalized,
                "kind": i.kind.id(),
                "names": i.names.iter().map(|n| n.name).collect::<Vec<_>>(),
                "layer": i.layer.map(|l| l.id()),
                "entry": i.entry,
                "entry_source": i.entry_source,
                "actions": i.actions,
                "confidence": (f.confidence * 100.0).round() / 100.0,
                "explains": f.explains,
                "reason": i.reason.get(lang),
                "evidence": f.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "symptoms": d.symptoms.iter().map(|s| json!({
            "entry": s.entry,
            "layer": s.layer.map(|l| l.id()),
            "matched": s.matched,
            "score": (s.score * 100.0).round() / 100.0,
            "evidence": s.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "layers": d.layers.iter().map(|(l, _)| l.id()).collect::<Vec<_>>(),
        "plan": d.plan.iter().map(|p| json!({
            "action": p.action,
            "title": pick(&p.title, lang),
            "who": p.who,
            "risk": p.risk,
            "text": pick(&p.text, lang),
            "entry": p.entry,
        })).collect::<Vec<_>>(),
        "correlation_ids": d.correlation_ids,
        "request_ids": d.request_ids,
        "trace_ids": d.trace_ids,
        "timestamps": d.timestamps,
        "apps": d.apps,
        "events": d.events.iter().map(|(id, e)| json!({"id": id, "source": e.source, "line": e.line, "text": e.text})).collect::<Vec<_>>(),
        "tried": d.tried,
        "dsreg": dsreg.unwrap_or(Value::Null),
    })
}

struct Labels {
    title: Text,
    summary: Text,
    nothing: Text,
    layer: Text,
    findings: Text,
    symptoms: Text,
    ids: Text,
    correlation: Text,
    request: Text,
    trace: Text,
    timestamp: Text,
    apps: Text,
    events: Text,
    tried: Text,
    plan: Text,
    confidence: Text,
    explains: Text,
    entry: Text,
}

const L: Labels = Labels {
    title: Text::new("Microsoft 365 sign-in problem", "Microsoft 365 のサインインの問題"),
    summary: Text::new("Summary", "概要"),
    nothing: Text::new(
        "No error code, identifier or known dialog text was found. Paste the whole error message, including the details or 'More details' section, or run `m365doctor explain CODE`.",
        "エラー コード、ID、既知のダイアログ文言は見つかりませんでした。[詳細] の内容も含めてエラー メッセージ全体を貼り付けるか、`m365doctor explain コード` を実行してください。",
    ),
    layer: Text::new("Suspected layer", "原因と思われるレイヤー"),
    findings: Text::new("Error codes", "エラー コード"),
    symptoms: Text::new("Recognised dialog texts", "認識したダイアログの文言"),
    ids: Text::new("For the administrator", "管理者向け情報"),
    correlation: Text::new("Correlation ID", "相関 ID"),
    request: Text::new("Request ID", "要求 ID"),
    trace: Text::new("Trace ID", "トレース ID"),
    timestamp: Text::new("Timestamp", "タイムスタンプ"),
    apps: Text::new("Apps", "アプリ"),
    events: Text::new("Event log entries", "イベント ログ"),
    tried: Text::new("Already tried", "実施済みの対処"),
    plan: Text::new("What to do, least invasive first", "対処手順 (影響の小さい順)"),
    confidence: Text::new("confidence", "確度"),
    explains: Text::new("explains", "の原因"),
    entry: Text::new("Knowledge base", "ナレッジ ベース"),
};

/// "user"/"admin" in the output language.
pub fn who(who: &str, lang: Lang) -> &'static str {
    match (who, lang) {
        ("admin", Lang::En) => "admin",
        ("admin", Lang::Ja) => "管理者",
        (_, Lang::En) => "user",
        (_, Lang::Ja) => "ユーザー",
    }
}

/// A risk level in the output language.
pub fn risk(risk: &str, lang: Lang) -> &str {
    match (risk, lang) {
        ("none", Lang::Ja) => "なし",
        ("low", Lang::Ja) => "低",
        ("medium", Lang::Ja) => "中",
        ("high", Lang::Ja) => "高",
        (r, _) => r,
    }
}

fn summary(d: &Diagnosis, kb: &Kb, lang: Lang) -> String {
    let Some((layer, _)) = d.layers.first() else {
        return L.nothing.get(lang).to_string();
    };
    let entry_title = d
        .findings
        .first()
        .and_then(|f| f.interpretation.entry.as_deref())
        .or_else(|| d.symptoms.first().map(|s| s.entry.as_str()))
        .and_then(|id| kb.get(id))
        .map(|(e, _)| pick(&e.title, lang).to_string());
    let layer_name = layer.label().get(lang);
    match (lang, entry_title) {
        (Lang::En, Some(t)) => format!("Most likely cause: {t}. Failing layer: {layer_name}."),
        (Lang::Ja, Some(t)) => format!("最も可能性の高い原因: {t}。問題のレイヤー: {layer_name}。"),
        (Lang::En, None) => format!("Failing layer: {layer_name}."),
        (Lang::Ja, None) => format!("問題のレイヤー: {layer_name}。"),
    }
}

fn bullet_list(out: &mut String, items: &[String]) {
    for i in items {
        let _ = writeln!(out, "- `{i}`");
    }
}

/// The support ticket: everything an admin needs, ready to paste.
pub fn markdown(d: &Diagnosis, kb: &Kb, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", L.title.get(lang));
    let _ = writeln!(
        out,
        "## {}\n\n{}\n",
        L.summary.get(lang),
        summary(d, kb, lang)
    );
    if !d.layers.is_empty() {
        let _ = writeln!(out, "## {}\n", L.layer.get(lang));
        for (l, _) in &d.layers {
            let _ = writeln!(out, "- {} (`{}`)", l.label().get(lang), l.id());
        }
        out.push('\n');
    }
    if !d.findings.is_empty() {
        let _ = writeln!(out, "## {}\n", L.findings.get(lang));
        let _ = writeln!(
            out,
            "| code | {} | layer | {} | {} |",
            if lang == Lang::Ja { "名前" } else { "name" },
            L.confidence.get(lang),
            L.entry.get(lang)
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for f in &d.findings {
            let i = &f.interpretation;
            let names = i
                .names
                .iter()
                .map(|n| n.name)
                .collect::<Vec<_>>()
                .join(", ");
            let entry = i
                .entry
                .as_deref()
                .and_then(|id| kb.get(id))
                .map(|(e, _)| pick(&e.title, lang).to_string())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {:.2} | {} |",
                i.normalized,
                names.replace('|', "\\|"),
                i.layer.map(|l| l.id()).unwrap_or("-"),
                f.confidence,
                entry.replace('|', "\\|")
            );
        }
        out.push('\n');
        for f in &d.findings {
            for e in &f.evidence {
                let _ = writeln!(
                    out,
                    "- `{}` — {}:{}: `{}`",
                    f.interpretation.normalized,
                    e.source,
                    e.line,
                    e.text.replace('`', "'")
                );
            }
        }
        out.push('\n');
    }
    if !d.symptoms.is_empty() {
        let _ = writeln!(out, "## {}\n", L.symptoms.get(lang));
        for s in &d.symptoms {
            let title = kb
                .get(&s.entry)
                .map(|(e, _)| pick(&e.title, lang).to_string())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {title} (`{}`): {}",
                s.entry,
                s.matched
                    .iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## {}\n", L.ids.get(lang));
    for (label, list) in [
        (L.correlation, &d.correlation_ids),
        (L.request, &d.request_ids),
        (L.trace, &d.trace_ids),
        (L.timestamp, &d.timestamps),
    ] {
        let _ = writeln!(out, "**{}**", label.get(lang));
        if list.is_empty() {
            let _ = writeln!(out, "- -");
        } else {
            bullet_list(&mut out, list);
        }
    }
    if !d.apps.is_empty() {
        let _ = writeln!(out, "**{}**: {}", L.apps.get(lang), d.apps.join(", "));
    }
    if !d.events.is_empty() {
        let _ = writeln!(out, "\n**{}**", L.events.get(lang));
        for (id, e) in &d.events {
            let _ = writeln!(
                out,
                "- {id} — {}:{}: `{}`",
                e.source,
                e.line,
                e.text.replace('`', "'")
            );
        }
    }
    out.push('\n');
    if !d.tried.is_empty() {
        let _ = writeln!(out, "## {}\n", L.tried.get(lang));
        for t in &d.tried {
            let title = m365doctor_kb::action(t)
                .map(|a| pick(&a.title, lang).to_string())
                .unwrap_or_else(|| t.clone());
            let _ = writeln!(out, "- {title} (`{t}`)");
        }
        out.push('\n');
    }
    if !d.plan.is_empty() {
        let _ = writeln!(out, "## {}\n", L.plan.get(lang));
        for (n, p) in d.plan.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. **{}** [{} · {}] {}",
                n + 1,
                pick(&p.title, lang),
                who(&p.who, lang),
                risk(&p.risk, lang),
                pick(&p.text, lang)
            );
        }
    }
    out
}

/// Readable text for a terminal.
pub fn text(d: &Diagnosis, kb: &Kb, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(d, kb, lang));
    if !d.layers.is_empty() {
        let layers: Vec<String> = d
            .layers
            .iter()
            .map(|(l, _)| format!("{} ({})", l.label().get(lang), l.id()))
            .collect();
        let _ = writeln!(out, "\n{}: {}", L.layer.get(lang), layers.join(" > "));
    }
    if !d.findings.is_empty() {
        let _ = writeln!(out, "\n{}:", L.findings.get(lang));
        for (n, f) in d.findings.iter().enumerate() {
            let i = &f.interpretation;
            let names = i
                .names
                .iter()
                .map(|n| n.name)
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "  {}. {} · {}{} · {} {:.2}",
                n + 1,
                i.normalized,
                i.kind.label().get(lang),
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" · {names}")
                },
                L.confidence.get(lang),
                f.confidence
            );
            if let Some(layer) = i.layer {
                let _ = writeln!(out, "     {}", layer.label().get(lang));
            }
            if let Some((e, _)) = i.entry.as_deref().and_then(|id| kb.get(id)) {
                let _ = writeln!(
                    out,
                    "     {}: {} [{}]",
                    L.entry.get(lang),
                    pick(&e.title, lang),
                    e.id
                );
            }
            if let Some(phase) = &f.explains {
                let _ = match lang {
                    Lang::En => writeln!(out, "     explains {phase}"),
                    Lang::Ja => writeln!(out, "     {phase} {}", L.explains.get(lang)),
                };
            }
            for e in &f.evidence {
                let _ = writeln!(out, "     {}:{}: {}", e.source, e.line, e.text);
            }
        }
    }
    if !d.symptoms.is_empty() {
        let _ = writeln!(out, "\n{}:", L.symptoms.get(lang));
        for s in &d.symptoms {
            let title = kb
                .get(&s.entry)
                .map(|(e, _)| pick(&e.title, lang).to_string())
                .unwrap_or_default();
            let _ = writeln!(out, "  - {title} [{}]: {}", s.entry, s.matched.join(" / "));
        }
    }
    let ids: Vec<(Text, &Vec<String>)> = vec![
        (L.correlation, &d.correlation_ids),
        (L.request, &d.request_ids),
        (L.trace, &d.trace_ids),
        (L.timestamp, &d.timestamps),
    ];
    if ids.iter().any(|(_, l)| !l.is_empty()) || !d.apps.is_empty() {
        let _ = writeln!(out, "\n{}:", L.ids.get(lang));
        for (label, list) in ids {
            if !list.is_empty() {
                let _ = writeln!(out, "  {}: {}", label.get(lang), list.join(", "));
            }
        }
        if !d.apps.is_empty() {
            let _ = writeln!(out, "  {}: {}", L.apps.get(lang), d.apps.join(", "));
        }
    }
    if !d.plan.is_empty() {
        let _ = writeln!(out, "\n{}:", L.plan.get(lang));
        for (n, p) in d.plan.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. [{} · {}] {}",
                n + 1,
                who(&p.who, lang),
                risk(&p.risk, lang),
                pick(&p.text, lang)
            );
        }
    }
    out
}
