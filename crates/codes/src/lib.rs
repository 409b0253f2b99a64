//! m365doctor-codes: pure decoding of Microsoft 365 and Windows sign-in error
//! codes. No I/O, no start-up parsing: every table is compiled in.
//!
//! ```
//! let results = m365doctor_codes::explain("3399614467").unwrap();
//! let best = &results[0].interpretations[0];
//! assert_eq!(best.normalized, "0xCAA20003");
//! assert_eq!(best.kind.id(), "caa");
//! ```

pub mod context;
pub mod generated;
pub mod grammar;
pub mod interpret;
pub mod json;
pub mod layer;
mod names;
pub mod structure;
pub mod tables;
pub mod text;

pub use grammar::GrammarError;
pub use interpret::{Decoded, Interpretation, Kind};
pub use layer::Layer;
pub use text::{Lang, Message, Text};

/// Decodes every code in one input string (usually one code, possibly with
/// labels around it, or a pair `A/B`). App names in the input, and `apps`
/// given by the caller, rank app-specific meanings first.
pub fn explain_in(input: &str, apps: &[&str]) -> Result<Vec<Decoded>, GrammarError> {
    let parsed = grammar::parse(input)?;
    let mut context: Vec<&str> = apps.to_vec();
    context.extend(parsed.apps.iter().copied());
    Ok(parsed
        .codes
        .iter()
        .map(|token| interpret::decode(token, &context))
        .collect())
}

/// [`explain_in`] without app context.
pub fn explain(input: &str) -> Result<Vec<Decoded>, GrammarError> {
    explain_in(input, &[])
}
