//! One whole case: the diagnosis of the texts plus the dsregcmd captures
//! found anywhere in them, whose device findings join the layer ranking.
//! The CLI, `collect` and the web server all report through this.

use crate::diagnose::{diagnose_with, Diagnosis, Input, MessageMatcher, Options};
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
    Case { diagnosis, dsreg }
}

impl Case {
    /// The `m365doctor.diagnose/1` document.
    pub fn to_json(&self, lang: Lang) -> Value {
        let dsreg = self
            .dsreg
            .first()
            .map(|r| m365doctor_dsreg::to_json(r, lang));
        report::to_json(&self.diagnosis, lang, dsreg)
    }

    /// The Markdown support ticket, with each dsregcmd report appended.
    pub fn markdown(&self, kb: &Kb, lang: Lang) -> String {
        let mut out = report::markdown(&self.diagnosis, kb, lang).into_bytes();
        for r in &self.dsreg {
            let _ = writeln!(out, "\n## dsregcmd /status\n\n```text");
            let _ = m365doctor_dsreg::render(&mut out, r, lang, false);
            let _ = writeln!(out, "```");
        }
        String::from_utf8_lossy(&out).into_owned()
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
            m365doctor_dsreg::render(out, r, lang, color)?;
        }
        Ok(())
    }
}
