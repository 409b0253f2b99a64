//! The one place this crate reads the knowledge base: an AADSTS code in,
//! the entry's id, layer, title and first fixes out. Everything else in the
//! crate uses [`KbInfo`], so a change of the knowledge base's lookup API is
//! a change of this file only.

use m365doctor_kb::Kb;

/// What a report shows about a code from the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbInfo {
    pub entry: String,
    pub layer: String,
    pub title: (String, String),
    pub summary: (String, String),
    /// The first step, whoever does it (English, Japanese).
    pub first_fix: Option<(String, String)>,
    /// The first step an administrator does: what the tenant's admin changes.
    pub admin_fix: Option<(String, String)>,
    /// Action ids of the steps, in order.
    pub actions: Vec<String>,
    pub reference: Option<String>,
}

/// The knowledge-base entry for `AADSTS<code>`, if there is one: the code
/// is decoded like `explain` decodes it and looked up with the knowledge
/// base's one lookup, so a company's own entries (`--kb-dir`) apply too.
pub fn lookup(kb: &Kb, code: u32) -> Option<KbInfo> {
    let decoded = m365doctor_codes::explain(&format!("AADSTS{code}")).ok()?;
    let reading = decoded.first()?.interpretations.first()?;
    let found = kb.entry_for(reading, &[])?;
    let entry = found.entry;
    let step = |s: &m365doctor_kb::model::Step| (s.en.to_string(), s.ja.to_string());
    Some(KbInfo {
        entry: entry.id.to_string(),
        layer: entry.layer.to_string(),
        title: (entry.title.en.to_string(), entry.title.ja.to_string()),
        summary: (entry.summary.en.to_string(), entry.summary.ja.to_string()),
        first_fix: entry.steps.first().map(step),
        admin_fix: entry.steps.iter().find(|s| s.who == "admin").map(step),
        actions: found.actions().into_iter().map(str::to_string).collect(),
        reference: entry.references.first().map(|r| r.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        let kb = Kb::bundled();
        let locked = lookup(&kb, 50053).expect("AADSTS50053 has an entry");
        assert_eq!(locked.entry, "aadsts-account-locked");
        assert_eq!(locked.layer, "account-state");
        assert!(locked.first_fix.is_some());
        assert!(!locked.actions.is_empty());
        assert_eq!(lookup(&kb, 9_999_999), None);
    }
}
