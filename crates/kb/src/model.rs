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

/// Lists of texts in English and Japanese (either may be empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    #[serde(default)]
    pub en: List<Str>,
    #[serde(default)]
    pub ja: List<Str>,
}

impl Texts {
    pub fn is_empty(&self) -> bool {
        self.en.is_empty() && self.ja.is_empty()
    }
}

/// Dialog and log texts. `en`/`ja` are confirmed literal texts, shown as the
/// exact dialog; `unconfirmed` ones (a wording seen in secondary sources or
/// translated, not read on a real build) are matched by their key phrases
/// only (see `text::loosely_contains`) and never quoted as the dialog.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    #[serde(default)]
    pub en: List<Str>,
    #[serde(default)]
    pub ja: List<Str>,
    #[serde(default)]
    pub unconfirmed: Texts,
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
    /// The shell `windows` is written for: one of [`WINDOWS_SHELLS`];
    /// required when `windows` is set.
    #[serde(default)]
    pub windows_shell: Option<Str>,
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
    /// Whose process must carry out the step: one of [`RUN_AS`]; required
    /// when the step has a Windows command.
    #[serde(default)]
    pub run_as: Option<Str>,
    #[serde(default)]
    pub order_reason: Option<Bi>,
}

/// What was read, and when, to check an entry against one of its references.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Checked {
    /// One of the entry's `references`.
    pub url: Str,
    /// The page's source file, `owner/repo:path` (for example
    /// `MicrosoftDocs/entra-docs:docs/identity-platform/reference-error-codes.md`).
    #[serde(default)]
    pub source: Option<Str>,
    /// The 40-hex commit of `source` that was read.
    #[serde(default)]
    pub commit: Option<Str>,
    /// The page's `ms.date` (`MM/DD/YYYY`), when no commit was read.
    #[serde(default)]
    pub ms_date: Option<Str>,
    /// When the check was made, `YYYY-MM-DD`.
    pub date: Str,
    /// What else to know about this check (a page with neither source nor date).
    #[serde(default)]
    pub note: Option<Str>,
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
    /// How people describe this problem in their own words (both languages
    /// when present).
    #[serde(default)]
    pub symptoms: Texts,
    /// Situations characteristic of this problem (ids from [`CLUES`]), each
    /// with a weight from -3 (speaks against it) to 3 (strongly for it); the
    /// text understanding reads them (`[clues]` table, e.g. `new-phone = 2`).
    #[serde(
        default,
        deserialize_with = "clue_table",
        serialize_with = "clue_table_out",
        skip_serializing_if = "<[_]>::is_empty"
    )]
    pub clues: List<(Str, i8)>,
    /// One record per reference: what was read to check the entry.
    #[serde(default)]
    pub checked: List<Checked>,
}

fn clue_table<'de, D: serde::Deserializer<'de>>(d: D) -> Result<List<(Str, i8)>, D::Error> {
    let table: std::collections::BTreeMap<String, i8> = Deserialize::deserialize(d)?;
    Ok(table
        .into_iter()
        .map(|(id, weight)| (Cow::Owned(id), weight))
        .collect::<Vec<_>>()
        .into())
}

fn clue_table_out<S: serde::Serializer>(clues: &List<(Str, i8)>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(clues.len()))?;
    for (id, weight) in clues.iter() {
        map.serialize_entry(id.as_ref(), weight)?;
    }
    map.end()
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
/// `cmd`: Command Prompt only; `powershell`: PowerShell only (5.1 and 7);
/// `either`: a plain program call that both shells read the same way.
pub const WINDOWS_SHELLS: &[&str] = &["cmd", "powershell", "either"];
/// `elevated`: an administrator's elevated prompt; `signed-in-user`: the
/// affected user's own, non-elevated session (per-user state such as the
/// broker plug-in or the PRT); `any`: either works.
pub const RUN_AS: &[&str] = &["elevated", "signed-in-user", "any"];
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

/// The situations an entry's `[clues]` may name; the text understanding
/// (crates/understand) recognises each in English and Japanese.
pub const CLUES: &[&str] = &[
    "new-phone",
    "password-changed",
    "password-expired",
    "after-update",
    "vpn",
    "home-network",
    "office-network",
    "proxy",
    "tls-inspection",
    "clock",
    "shared-pc",
    "vdi",
    "personal-account",
    "personal-device",
    "work-account",
    "reimaged",
    "hardware-replaced",
    "other-devices-work",
    "browser-works",
    "many-users",
    "prompt-loop",
    "hangs",
    "platform-windows",
    "platform-macos",
    "platform-ios",
    "platform-android",
    "platform-linux",
];

pub fn risk_rank(risk: &str) -> usize {
    RISKS.iter().position(|r| *r == risk).unwrap_or(usize::MAX)
}
