//! m365doctor-diagnose: one sign-in case from everything a user has, and its
//! reports. It sits between the libraries (`codes`, `kb`, `scan`, `dsreg`)
//! and the front ends (`cli`, `serve`, `fix`'s evidence bundle), which only
//! call it:
//!
//! 1. [`Loader`] turns paths, folders, standard input and uploads into
//!    [`Input`]s within one set of [`Limits`], returning what it skipped.
//! 2. [`diagnose`] assembles the [`Case`]: findings for codes, symptoms for
//!    dialog texts, the dsregcmd captures' reports, the ranked layers and one
//!    merged plan, each pointing at its knowledge-base entry.
//! 3. The case's documents: [`Case::to_json`] (`m365doctor.diagnose/1`),
//!    [`Case::write_text`], [`Case::markdown`] (the support ticket), and
//!    [`Case::page_document`] for the web page, all redacted through the
//!    case's one [`Redactor`] unless redaction is off.
//!
//! ```
//! use m365doctor_diagnose::{diagnose, Input, Options};
//! let kb = m365doctor_kb::Kb::bundled();
//! let inputs = [Input::new("pasted", "Teams: Status code: caa70004\nError 0x80072ee7")];
//! let case = diagnose(&inputs, &kb, &Options { redact: true, ..Options::default() });
//! assert_eq!(case.layers[0].0.id(), "network");
//! let doc = case.to_json(m365doctor_codes::Lang::En);
//! assert_eq!(doc["schema"], "m365doctor.diagnose/1");
//! ```

mod case;
mod input;
mod lines;
mod plan;
mod prepare;
mod rank;
mod redact;
mod render;
mod stop;
mod symptoms;
mod understanding;

pub use case::{
    diagnose, diagnose_with, Case, Evidence, Finding, Input, Options, PlanStep, Symptom,
    UnderstandingInput,
};
pub use input::{
    dsreg_reports, read_input, DsregInputError, Limits, Loaded, Loader, ReadInput, Skipped,
    DEFAULT_MAX_INPUT,
};
/// The text understanding's types that a case exposes (questions, answers,
/// clues, reasons).
pub use m365doctor_understand::{Answer, Clue, Question, Reason};
pub use plan::{plan_for, HAND_OVER};
pub use redact::{blank_secrets, Redactor};
pub use render::dsreg::{dsreg_document, dsreg_text};
pub use render::json::DIAGNOSE_SCHEMA;
pub use stop::Stop;
pub use symptoms::DialogMatch;
pub use symptoms::MessageMatcher;
pub use understanding::{
    clue_label, evidence as understanding_evidence, find_answer, parse_answer, AnswerError,
    Diagnoser, Match, QUESTIONS, WORDS_BUDGET,
};

use m365doctor_codes::Lang;
use m365doctor_kb::Kb;

/// A Teams sign-in failure whose real cause is name resolution: the
/// built-in example of `diagnose --example` and the web page.
pub const EXAMPLE: &str = include_str!("../data/teams-signin-dns.txt");
use serde_json::Value;
use std::io::{self, Write};

impl Case<'_> {
    /// The `m365doctor.diagnose/1` document.
    pub fn to_json(&self, lang: Lang) -> Value {
        render::json::document(self, lang)
    }

    /// The Markdown support ticket, with each dsregcmd report appended.
    pub fn markdown(&self, lang: Lang) -> String {
        render::markdown::ticket(self, lang)
    }

    /// The readable report; the dsregcmd reports coloured when `color`.
    pub fn write_text(&self, out: &mut impl Write, lang: Lang, color: bool) -> io::Result<()> {
        render::text::write(self, out, lang, color)
    }

    /// The diagnose/1 document plus what a web page shows beside it: the
    /// inputs read (`sources`) and `skipped`, each finding's code as
    /// explain/1 decodes it in the `apps` context (`decoded`), every entry
    /// the case names in full (`entries`) and the ticket (`ticket_markdown`).
    pub fn page_document(&self, kb: &Kb, loaded: &Loaded, apps: &[&str], lang: Lang) -> Value {
        render::json::page_document(self, kb, loaded, apps, lang)
    }
}
