//! m365doctor-dsreg: reads `dsregcmd /status` output and diagnoses device
//! registration, the Primary Refresh Token (PRT), TPM-held keys, Windows
//! Hello for Business and single sign-on. A pure library: no I/O, no clock
//! of its own (ages are computed on the capture's own `Client Time`).
//!
//! ```
//! let text = "\
//! +----------------------------------------------------------------------+
//! | Device State                                                         |
//! +----------------------------------------------------------------------+
//!
//!              AzureAdJoined : NO
//!           EnterpriseJoined : NO
//!               DomainJoined : YES
//!                 DomainName : CONTOSO
//! ";
//! let captures = m365doctor_dsreg::parse(text);
//! let report = m365doctor_dsreg::diagnose(&captures[0]);
//! assert_eq!(report.facts.join_type.id(), "domain-joined");
//! assert_eq!(report.findings[0].rule, "domain-joined-not-hybrid");
//! let json = m365doctor_dsreg::to_json(&report, m365doctor_dsreg::Lang::En);
//! assert_eq!(json["schema"], "m365doctor.dsreg/1");
//! ```

mod codes;
mod json;
mod model;
mod parse;
mod render;
mod rules;
mod time;

pub use codes::Code;
pub use json::to_json;
pub use m365doctor_codes::{Lang, Layer};
pub use model::{CapturedAs, ClockBasis, Facts, JoinType, Val};
pub use parse::{normalize_key, Capture, Field, Layout, Section, SectionKind};
pub use render::render;
pub use rules::{Finding, Rule, Scope, SecondCapture, Severity, RULES};

use m365doctor_kb::Kb;

/// Every `dsregcmd /status` output in `text`, in order: several captures
/// pasted one after another give several, output embedded in a longer paste
/// (a forum post, a ticket) is found, and text without any gives an empty
/// Vec. Unknown fields and sections are kept.
pub fn parse(text: &str) -> Vec<Capture> {
    parse::parse(text)
}

/// [`parse()`] for a file's bytes in any encoding Windows writes (see
/// [`m365doctor_text::decode`]): UTF-8 with or without BOM, UTF-16 LE or BE
/// with a BOM or recognised by its NUL bytes (what PowerShell 5 writes with
/// `dsregcmd /status > file.txt`), and CP932 (Shift_JIS, what a Japanese
/// console writes with `cmd /c dsregcmd /status > file.txt`).
pub fn parse_bytes(bytes: &[u8]) -> Vec<Capture> {
    parse::parse(&m365doctor_text::decode_lossy(bytes))
}

/// The diagnosis of one capture: what it says, typed, and the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub facts: Facts,
    /// Most severe first; within a severity, root causes first.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn capture(&self) -> &Capture {
        &self.facts.capture
    }

    /// The most severe finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }

    /// The second captures the findings ask for, without repeats.
    pub fn second_captures(&self) -> Vec<SecondCapture> {
        let mut out = Vec::new();
        for s in self.findings.iter().filter_map(|f| f.second_capture) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

/// Every capture in `text`, diagnosed with the bundled knowledge base (what
/// `diagnose` needs for pasted text: empty when there is no dsregcmd output).
pub fn diagnose_text(text: &str) -> Vec<Report> {
    let kb = Kb::bundled();
    parse(text).iter().map(|c| diagnose_with(c, &kb)).collect()
}

/// Diagnoses one capture with the bundled knowledge base.
pub fn diagnose(capture: &Capture) -> Report {
    diagnose_with(capture, &Kb::bundled())
}

/// Diagnoses one capture with a given knowledge base (a company's own
/// entries override bundled ones).
pub fn diagnose_with(capture: &Capture, kb: &Kb) -> Report {
    let facts = Facts::from_capture(capture);
    let findings = rules::run(&facts, kb);
    Report { facts, findings }
}
