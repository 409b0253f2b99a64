//! The action list of `fix list`, and codes resolved to their actions.

use crate::actions;
use crate::plan::UndoKind;
use crate::t;
use crate::text::Text;
use m365doctor_codes::Lang;
use m365doctor_kb::model::interpretation_key;
use m365doctor_kb::{Kb, ACTIONS};
use serde_json::{json, Value};

pub const SCHEMA: &str = "m365doctor.fix/1";

/// One line of `fix list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub automated: bool,
    pub who: String,
    pub risk: String,
    /// `fix undo` restores everything the action changes.
    pub undo: bool,
    pub undo_kind: UndoKind,
    /// Changes the machine (read-only actions do not).
    pub changes: bool,
    pub platforms: Vec<&'static str>,
    pub title: Text,
    pub text: Text,
}

/// Every action of the knowledge base; automated ones are those m365doctor
/// carries out itself (it knows how), whatever the data says.
pub fn list() -> Vec<Listed> {
    ACTIONS
        .iter()
        .map(|a| {
            let automated = actions::find(&a.id);
            Listed {
                id: a.id.to_string(),
                automated: automated.is_some(),
                // What the action needs wins over the vocabulary (w32tm
                // /resync needs elevation though a user may ask for it).
                who: if automated.is_some_and(|x| x.admin) {
                    "admin".to_string()
                } else {
                    a.who.to_string()
                },
                risk: a.risk.to_string(),
                undo: automated.is_some_and(|x| {
                    x.undo == UndoKind::Full || (x.undo == UndoKind::NotNeeded && !x.changes)
                }),
                undo_kind: automated.map(|x| x.undo).unwrap_or(UndoKind::None),
                changes: automated.is_some_and(|x| x.changes),
                platforms: automated
                    .map(|x| x.platforms.iter().map(|o| o.id()).collect())
                    .unwrap_or_default(),
                title: Text::new(a.title.en.to_string(), a.title.ja.to_string()),
                text: Text::new(a.text.en.to_string(), a.text.ja.to_string()),
            }
        })
        .collect()
}

pub fn list_json(lang: Lang) -> Value {
    let actions: Vec<Value> = list()
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "automated": a.automated,
                "who": a.who,
                "risk": a.risk,
                "undo": a.undo,
                "undo_kind": match (a.automated, a.changes) {
                    (false, _) => "manual",
                    (true, false) => "read-only",
                    (true, true) => a.undo_kind.id(),
                },
                "undo_note": actions::find(&a.id).map(|x| (x.undo_note)().get(lang).to_string()),
                "platforms": a.platforms,
                "title": a.title.get(lang),
                "text": a.text.get(lang),
            })
        })
        .collect();
    json!({ "schema": SCHEMA, "actions": actions })
}

/// What a code leads to: its explanation, its knowledge-base entry, and the
/// entry's actions in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeActions {
    pub code: String,
    pub meaning: Text,
    pub entry: Option<(String, Text)>,
    pub actions: Vec<String>,
}

/// Whether the input looks like an action id rather than a code.
pub fn is_action(input: &str) -> bool {
    m365doctor_kb::action(input).is_some()
}

/// Resolves a code (`0xCAA70004`, `AADSTS50126`, `1001`) through the
/// knowledge base.
pub fn resolve_code(input: &str, kb: &Kb, apps: &[&str]) -> Result<CodeActions, Text> {
    let decoded = m365doctor_codes::explain_in(input, apps).map_err(|e| {
        Text::new(
            format!(
                "`{input}` is neither an action nor a code: {}",
                e.message.en
            ),
            format!(
                "`{input}` はアクションでもコードでもありません: {}",
                e.message.ja
            ),
        )
    })?;
    for d in &decoded {
        for i in &d.interpretations {
            let key = interpretation_key(i.kind, &i.normalized);
            if let Some((entry, _)) = kb.find(&key, apps) {
                let meaning = i
                    .names
                    .first()
                    .map(|n| format!("{} ({})", i.normalized, n.name))
                    .unwrap_or_else(|| i.normalized.clone());
                return Ok(CodeActions {
                    code: i.normalized.clone(),
                    meaning: Text::new(meaning.clone(), meaning),
                    entry: Some((
                        entry.id.to_string(),
                        Text::new(entry.title.en.to_string(), entry.title.ja.to_string()),
                    )),
                    actions: m365doctor_kb::entry_actions(entry)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                });
            }
        }
    }
    let first = decoded
        .first()
        .and_then(|d| d.interpretations.first())
        .map(|i| i.normalized.clone())
        .unwrap_or_else(|| input.to_string());
    Err(t!(
        "`{first}` has no knowledge-base entry, so there is no fix to plan; `m365doctor explain {input}` tells what it is.",
        "`{first}` にはナレッジ ベースのエントリがないため、計画できる修復はありません。内容は `m365doctor explain {input}` で確認できます。"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_knowledge_base_marks_automated_exactly_what_fix_carries_out() {
        for a in ACTIONS.iter() {
            assert_eq!(
                a.automated,
                actions::find(&a.id).is_some(),
                "kb/actions.toml `automated` of {} disagrees with m365doctor-fix",
                a.id
            );
        }
        for a in actions::ALL {
            assert!(
                m365doctor_kb::action(a.id).is_some_and(|k| k.automated),
                "{} is registered in crates/fix/src/actions but is not an automated action of kb/actions.toml",
                a.id
            );
        }
        let mut ids: Vec<&str> = actions::ALL.iter().map(|a| a.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), actions::ALL.len(), "an action registered twice");
    }

    #[test]
    fn codes_resolve_to_their_entry_actions_in_order() {
        let kb = Kb::bundled();
        let c = resolve_code("AADSTS50126", &kb, &[]).unwrap();
        assert_eq!(c.code, "AADSTS50126");
        assert!(c.entry.is_some());
        assert!(!c.actions.is_empty());
        let err = resolve_code("not a code at all", &kb, &[]).unwrap_err();
        assert!(
            err.en.contains("neither an action nor a code"),
            "{}",
            err.en
        );
    }
}
