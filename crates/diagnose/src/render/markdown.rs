//! The Markdown support ticket: everything an admin needs, ready to paste.

use crate::case::Case;
use crate::render::{answer_text, dsreg, question_text, reason, summary, L};
use m365doctor_codes::Lang;
use m365doctor_kb::{risk_label, who_label};
use m365doctor_text::visible;
use std::fmt::Write as _;

fn bullet_list(out: &mut String, items: &[String]) {
    for i in items {
        let _ = writeln!(out, "- `{}`", visible(i));
    }
}

/// The ticket, with each dsregcmd report appended.
pub(crate) fn ticket(d: &Case, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", L.title.get(lang));
    let _ = writeln!(out, "## {}\n\n{}\n", L.summary.get(lang), summary(d, lang));
    if !d.layers.is_empty() {
        let _ = writeln!(out, "## {}\n", L.layer.get(lang));
        for (l, score) in &d.layers {
            let _ = writeln!(out, "- {} (`{}`) {score:.2}", l.label().get(lang), l.id());
        }
        out.push('\n');
    }
    if !d.best.is_empty() {
        let _ = writeln!(out, "## {}\n", L.best.get(lang));
        for (n, m) in d.best.iter().enumerate() {
            let why: Vec<String> = m.reasons.iter().map(|r| reason(d, r, lang)).collect();
            let _ = writeln!(
                out,
                "{}. **{}** (`{}`) — {}{}",
                n + 1,
                m.entry.entry.title.get(lang),
                m.entry.id(),
                m.layer.label().get(lang),
                if why.is_empty() {
                    String::new()
                } else {
                    format!(": {}", why.join(" · ").replace('`', "'"))
                }
            );
        }
        out.push('\n');
    }
    if !d.answers.is_empty() {
        let _ = writeln!(out, "## {}\n", L.answers.get(lang));
        for (q, a) in &d.answers {
            let _ = writeln!(
                out,
                "- {} — **{}** (`{}={}`)",
                question_text(q, lang),
                answer_text(a, lang),
                q.id,
                a.id
            );
        }
        out.push('\n');
    }
    if !d.questions.is_empty() {
        let _ = writeln!(out, "## {}\n", L.questions.get(lang));
        for q in &d.questions {
            let answers: Vec<String> = q
                .answers
                .iter()
                .map(|a| format!("{} (`{}={}`)", answer_text(a, lang), q.id, a.id))
                .collect();
            let _ = writeln!(out, "- {} {}", question_text(q, lang), answers.join(" / "));
        }
        out.push('\n');
    }
    if !d.findings.is_empty() {
        let _ = writeln!(out, "## {}\n", L.findings.get(lang));
        let _ = writeln!(
            out,
            "| code | {} | layer | {} | {} |",
            L.name.get(lang),
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
            let entry = f
                .entry
                .as_ref()
                .map(|e| e.entry.title.get(lang))
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
                    visible(&e.source),
                    e.line,
                    visible(&e.text.replace('`', "'"))
                );
            }
        }
        out.push('\n');
    }
    if !d.symptoms.is_empty() {
        let _ = writeln!(out, "## {}\n", L.symptoms.get(lang));
        for s in &d.symptoms {
            let mut texts: Vec<String> = s
                .matched
                .iter()
                .map(|m| format!("\"{}\"", visible(m)))
                .collect();
            // An unconfirmed wording is not the dialog: the line that
            // matched it is quoted instead.
            for e in s
                .evidence
                .iter()
                .take(if s.matched.is_empty() { 1 } else { 0 })
            {
                texts.push(format!(
                    "{} {}:{}: `{}`",
                    L.dialog_like.get(lang),
                    visible(&e.source),
                    e.line,
                    visible(&e.text).replace('`', "'")
                ));
            }
            let _ = writeln!(
                out,
                "- {} (`{}`): {}",
                s.entry.entry.title.get(lang),
                s.entry.id(),
                texts.join(", ")
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
        let _ = writeln!(
            out,
            "**{}**: {}",
            L.apps.get(lang),
            visible(&d.apps.join(", "))
        );
    }
    if !d.events.is_empty() {
        let _ = writeln!(out, "\n**{}**", L.events.get(lang));
        for (id, e) in &d.events {
            let _ = writeln!(
                out,
                "- {id} — {}:{}: `{}`",
                visible(&e.source),
                e.line,
                visible(&e.text.replace('`', "'"))
            );
        }
    }
    out.push('\n');
    if !d.tried.is_empty() {
        let _ = writeln!(out, "## {}\n", L.tried.get(lang));
        for t in &d.tried {
            let title = m365doctor_kb::action(t).map_or(t.as_str(), |a| a.title.get(lang));
            let _ = writeln!(out, "- {} (`{}`)", visible(title), visible(t));
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
                p.title(lang),
                who_label(&p.step.who, lang),
                risk_label(&p.step.risk, lang),
                p.text(lang)
            );
        }
    }
    if !d.notes.is_empty() {
        let _ = writeln!(out, "\n## {}\n", L.notes.get(lang));
        for n in &d.notes {
            let _ = writeln!(out, "- {}", n.get(lang));
        }
    }
    let mut redactor = d.redactor.clone();
    for r in &d.dsreg {
        out.push_str("\n## dsregcmd /status\n\n```text\n");
        out.push_str(&dsreg::text(r, lang, false, redactor.as_mut()));
        out.push_str("```\n");
    }
    out
}
