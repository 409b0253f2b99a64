//! One whole case: the diagnosis of the texts plus the dsregcmd captures
//! found anywhere in them, whose device findings join the layer ranking.
//! The CLI, `collect` and the web server all report through this.

use crate::diagnose::{diagnose_with, Diagnosis, Input, MessageMatcher, Options};
use crate::redact::Redactor;
use crate::report;
use m365doctor_codes::Lang;
use m365doctor_dsreg::{Report, Severity};
use m365doctor_kb::Kb;
use serde_json::Value;
use std::io::{self, Write};

#[derive(Debug, Clone)]
pub struct Case {
    pub diagnosis: Diagnosis,
    /// One report per dsregcmd capture, in input order.
    pub dsreg: Vec<Report>,
    /// Whether reports redact names and ids (the device reports quote their
    /// capture: device and tenant ids, the user's address).
    pub redact: bool,
}

/// Diagnoses `inputs`, dsregcmd captures included.
pub fn diagnose_case(inputs: &[Input], kb: &Kb, options: &Options) -> Case {
    diagnose_case_with(inputs, kb, &MessageMatcher::new(kb), options)
}

/// Same as [`diagnose_case`] with a matcher built once (servers reuse it).
pub fn diagnose_case_with(
    inputs: &[Input],
    kb: &Kb,
    matcher: &MessageMatcher,
    options: &Options,
) -> Case {
    let mut diagnosis = diagnose_with(inputs, kb, matcher, options);
    // The rules read the capture as it is (a `.local` UPN suffix, equal
    // tenant ids); the reports are redacted on the way out.
    let dsreg: Vec<Report> = inputs
        .iter()
        .flat_map(|i| m365doctor_dsreg::parse(&i.text))
        .map(|c| m365doctor_dsreg::diagnose_with(&c, kb))
        .collect();
    for f in dsreg.iter().flat_map(|r| r.findings.iter()) {
        // A device error is strong evidence for its layer; a warning is a hint.
        let weight = match f.severity {
            Severity::Error => 0.6,
            Severity::Warning => 0.2,
            Severity::Info => 0.0,
        };
        if weight > 0.0 {
            diagnosis.add_layer_evidence(f.layer, weight);
        }
    }
    Case {
        diagnosis,
        dsreg,
        redact: options.redact,
    }
}

impl Case {
    /// The `m365doctor.diagnose/1` document.
    pub fn to_json(&self, lang: Lang) -> Value {
        let dsreg = self.dsreg.first().map(|r| dsreg_json(r, lang, self.redact));
        report::to_json(&self.diagnosis, lang, dsreg)
    }

    fn dsreg_text(&self, report: &Report, lang: Lang, color: bool) -> String {
        dsreg_text(report, lang, color, self.redact)
    }

    /// The Markdown support ticket, with each dsregcmd report appended.
    pub fn markdown(&self, kb: &Kb, lang: Lang) -> String {
        let mut out = report::markdown(&self.diagnosis, kb, lang);
        for r in &self.dsreg {
            out.push_str("\n## dsregcmd /status\n\n```text\n");
            out.push_str(&self.dsreg_text(r, lang, false));
            out.push_str("```\n");
        }
        out
    }

    /// The readable report.
    pub fn write_text(
        &self,
        out: &mut impl Write,
        kb: &Kb,
        lang: Lang,
        color: bool,
    ) -> io::Result<()> {
        out.write_all(report::text(&self.diagnosis, kb, lang).as_bytes())?;
        for r in &self.dsreg {
            writeln!(out)?;
            out.write_all(self.dsreg_text(r, lang, color).as_bytes())?;
        }
        Ok(())
    }
}

/// A dsregcmd report's `m365doctor.dsreg/1` document; with `redact`, the
/// capture's identifiers (device and tenant ids and names, the user's
/// address, key ids, the thumbprint) are replaced by stable placeholders.
pub fn dsreg_json(report: &Report, lang: Lang, redact: bool) -> Value {
    let mut doc = m365doctor_dsreg::to_json(report, lang);
    if redact {
        let mut redactor = Redactor::new();
        let known = known_identifiers(report, &mut redactor);
        redact_json_values(&mut doc, &known, &mut redactor);
    }
    doc
}

/// A dsregcmd report as readable text, redacted as [`dsreg_json`] is.
pub fn dsreg_text(report: &Report, lang: Lang, color: bool, redact: bool) -> String {
    let mut out = Vec::new();
    let _ = m365doctor_dsreg::render(&mut out, report, lang, color);
    let text = String::from_utf8_lossy(&out).into_owned();
    if !redact {
        return text;
    }
    let mut redactor = Redactor::new();
    let known = known_identifiers(report, &mut redactor);
    text.split_inclusive('\n')
        .map(|l| redactor.redact(&replace_known(l, &known)))
        .collect()
}

/// The identifying values of a capture (device and tenant ids, names, the
/// user's address, key ids, the certificate thumbprint), each with its
/// placeholder, longest first. The report quotes them in sentences and
/// summaries where no label says what they are, so they are replaced by value.
fn known_identifiers(report: &Report, redactor: &mut Redactor) -> Vec<(String, String)> {
    let mut known: Vec<(String, String)> = Vec::new();
    for field in report
        .capture()
        .sections
        .iter()
        .flat_map(|s| s.fields.iter())
    {
        let value = field.value.trim();
        // Short values (YES, NO, 0x0) identify nothing and would match everywhere.
        if value.chars().count() < 4 || known.iter().any(|(v, _)| v == value) {
            continue;
        }
        let line = format!("{} : {value}", field.name);
        let redacted = redactor.redact(&line);
        if redacted == line {
            continue;
        }
        if let Some(replacement) = redacted.strip_prefix(&format!("{} : ", field.name)) {
            known.push((value.to_string(), replacement.to_string()));
        }
    }
    known.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    known
}

fn replace_known(text: &str, known: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (value, replacement) in known {
        if out.contains(value.as_str()) {
            out = out.replace(value.as_str(), replacement);
        }
    }
    out
}

fn redact_json_values(value: &mut Value, known: &[(String, String)], redactor: &mut Redactor) {
    match value {
        Value::String(s) => *s = replace_known(s, known),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| redact_json_values(v, known, redactor)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| redact_json_values(v, known, redactor)),
        _ => {}
    }
    if matches!(value, Value::Object(_)) {
        redactor.redact_json(value);
    }
}
