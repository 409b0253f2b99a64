//! The knowledge-base schema (documented in kb/README.md). Shared by the
//! runtime loader and by build.rs, which compiles the bundled entries into
//! statics; `Cow` lets one type hold both borrowed statics and loaded data.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub type Str = Cow<'static, str>;
pub type List<T> = Cow<'static, [T]>;

/// A text in English and Japanese.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bi {
    pub en: Str,
    pub ja: Str,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    #[serde(default)]
    pub en: List<Str>,
    #[serde(default)]
    pub ja: List<Str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    pub en: Str,
    pub ja: Str,
    pub tell: Bi,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    #[serde(default)]
    pub windows: Option<Str>,
    #[serde(default)]
    pub macos: Option<Str>,
    #[serde(default)]
    pub linux: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub action: Str,
    pub who: Str,
    pub risk: Str,
    pub en: Str,
    pub ja: Str,
    #[serde(default)]
    pub loses: Option<Bi>,
    pub verify: Bi,
    #[serde(default)]
    pub commands: Commands,
    #[serde(default)]
    pub order_reason: Option<Bi>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: Str,
    #[serde(default)]
    pub codes: List<Str>,
    /// The codes' lookup keys, filled by the loader (see `code_key`).
    #[serde(skip)]
    pub keys: List<Str>,
    #[serde(default)]
    pub apps: List<Str>,
    pub layer: Str,
    pub title: Bi,
    pub summary: Bi,
    #[serde(default)]
    pub messages: Messages,
    #[serde(default)]
    pub causes: List<Cause>,
    #[serde(default)]
    pub steps: List<Step>,
    #[serde(default)]
    pub references: List<Str>,
    #[serde(default)]
    pub departs_from_guide: Option<Bi>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: Str,
    pub who: Str,
    pub risk: Str,
    pub automated: bool,
    pub title: Bi,
    pub text: Bi,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActionFile {
    pub actions: Vec<Action>,
}

/// The lookup key of a code as an entry lists it: the normalized form of its
/// most likely reading, with Office dialog numbers kept apart from Win32
/// errors of the same number (`office:1001` vs `1001`).
pub fn code_key(code: &str) -> Result<String, String> {
    let decoded = m365doctor_codes::explain(code).map_err(|e| e.message.en)?;
    if decoded.len() != 1 || decoded[0].sub_error.is_some() {
        return Err(format!("`{code}` is not a single code"));
    }
    let best = &decoded[0].interpretations[0];
    Ok(interpretation_key(best.kind, &best.normalized))
}

pub fn interpretation_key(kind: m365doctor_codes::Kind, normalized: &str) -> String {
    match kind {
        m365doctor_codes::Kind::Office => format!("office:{normalized}"),
        _ => normalized.to_string(),
    }
}

pub const RISKS: &[&str] = &["none", "low", "medium", "high"];
pub const WHO: &[&str] = &["user", "admin"];
pub const APPS: &[&str] = &[
    "outlook",
    "teams",
    "onedrive",
    "word",
    "excel",
    "powerpoint",
    "office",
    "edge",
    "company-portal",
    "azure-cli",
    "windows",
    "xbox",
    "git-credential-manager",
];

pub fn risk_rank(risk: &str) -> usize {
    RISKS.iter().position(|r| *r == risk).unwrap_or(usize::MAX)
}
