//! The readable report for a terminal.

use crate::case::Case;
use crate::render::{answer_text, dsreg, question_text, reason, summary, L};
use m365doctor_codes::{Lang, Text};
use m365doctor_kb::{risk_label, who_label};
use m365doctor_text::visible;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The report, with each dsregcmd report after it (coloured when `color`).
pub(crate) fn write(d: &Case, out: &mut impl Write, lang: Lang, color: bool) -> io::Result<()> {
    out.write_all(body(d, lang).as_bytes())?;
    let mut redactor = d.redactor.clone();
    for r in &d.dsreg {
        writeln!(out)?;
        out.write_all(dsreg::text(r, lang, color, redactor.as_mut()).as_bytes())?;
    }
    Ok(())
}

fn body(d: &Case, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(d, lang));
    if !d.layers.is_empty() {
        let layers: Vec<String> = d
            .layers
            .iter()
            .map(|(l, score)| format!("{} ({}) {score:.2}", l.label().get(lang), l.id()))
            .collect();
        let _ = writeln!(out, "\n{}: {}", L.layer.get(lang), layers.join(" > "));
    }
    if !d.best.is_empty() {
        let _ = writeln!(out, "\n{}:", L.best.get(lang));
        for (n, m) in d.best.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} [{}] · {}",
                n + 1,
                m.entry.entry.title.get(lang),
                m.entry.id(),
                m.layer.label().get(lang)
            );
            let why: Vec<String> = m.reasons.iter().map(|r| reason(d, r, lang)).collect();
            if !why.is_empty() {
                let _ = writeln!(out, "     {}", why.join(" · "));
            }
        }
    }
    if !d.answers.is_empty() {
        let _ = writeln!(out, "\n{}:", L.answers.get(lang));
        for (q, a) in &d.answers {
            let _ = writeln!(
                out,
                "  - {} — {} ({}={})",
                question_text(q, lang),
                answer_text(a, lang),
                q.id,
                a.id
            );
        }
    }
    if !d.questions.is_empty() {
        let _ = writeln!(out, "\n{}:", L.questions.get(lang));
        for q in &d.questions {
            let answers: Vec<String> = q
                .answers
                .iter()
                .map(|a| format!("{}={} ({})", q.id, a.id, answer_text(a, lang)))
                .collect();
            let _ = writeln!(out, "  - {}", question_text(q, lang));
            let _ = writeln!(
                out,
                "    {}: {}",
                L.answer_with.get(lang),
                answers.join(" | ")
            );
        }
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
            if let Some(e) = &f.entry {
                let _ = writeln!(
                    out,
                    "     {}: {} [{}]",
                    L.entry.get(lang),
                    e.entry.title.get(lang),
                    e.id()
                );
            }
            if let Some(phase) = &f.explains {
                let _ = match lang {
                    Lang::En => writeln!(out, "     explains {phase}"),
                    Lang::Ja => writeln!(out, "     {phase} {}", L.explains.get(lang)),
                };
            }
            for e in &f.evidence {
                let _ = writeln!(
                    out,
                    "     {}:{}: {}",
                    visible(&e.source),
                    e.line,
                    visible(&e.text)
                );
            }
        }
    }
    if !d.symptoms.is_empty() {
        let _ = writeln!(out, "\n{}:", L.symptoms.get(lang));
        for s in &d.symptoms {
            let mut texts: Vec<String> = s.matched.clone();
            // An unconfirmed wording is not the dialog: the line that
            // matched it is shown instead.
            for e in s
                .evidence
                .iter()
                .take(if s.matched.is_empty() { 1 } else { 0 })
            {
                texts.push(format!(
                    "{} {}:{}: {}",
                    L.dialog_like.get(lang),
                    e.source,
                    e.line,
                    e.text
                ));
            }
            let _ = writeln!(
                out,
                "  - {} [{}]: {}",
                s.entry.entry.title.get(lang),
                s.entry.id(),
                visible(&texts.join(" / "))
            );
        }
    }
    let ids: [(Text, &Vec<String>); 4] = [
        (L.correlation, &d.correlation_ids),
        (L.request, &d.request_ids),
        (L.trace, &d.trace_ids),
        (L.timestamp, &d.timestamps),
    ];
    if ids.iter().any(|(_, l)| !l.is_empty()) || !d.apps.is_empty() {
        let _ = writeln!(out, "\n{}:", L.ids.get(lang));
        for (label, list) in ids {
            if !list.is_empty() {
                let _ = writeln!(out, "  {}: {}", label.get(lang), visible(&list.join(", ")));
            }
        }
        if !d.apps.is_empty() {
            let _ = writeln!(
                out,
                "  {}: {}",
                L.apps.get(lang),
                visible(&d.apps.join(", "))
            );
        }
    }
    if !d.plan.is_empty() {
        let _ = writeln!(out, "\n{}:", L.plan.get(lang));
        for (n, p) in d.plan.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. [{} · {}] {}",
                n + 1,
                who_label(&p.step.who, lang),
                risk_label(&p.step.risk, lang),
                p.text(lang)
            );
        }
    }
    if !d.notes.is_empty() {
        let _ = writeln!(out, "\n{}:", L.notes.get(lang));
        for n in &d.notes {
            let _ = writeln!(out, "  - {}", n.get(lang));
        }
    }
    out
}
