//! One merged plan: the steps of the most likely findings' entries and of
//! the recognised dialogs, without repeats or what was already tried, least
//! invasive first (users' steps before admins' at the same risk).

use crate::case::{Case, PlanStep};
use m365doctor_kb::model::risk_rank;
use m365doctor_kb::Entry;

pub(crate) fn plan<'kb>(d: &Case<'kb>, tried: &[String]) -> Vec<PlanStep<'kb>> {
    let mut entries: Vec<&'kb Entry> = Vec::new();
    let add = |e: &'kb Entry, entries: &mut Vec<&'kb Entry>| {
        if !entries.iter().any(|o| o.id == e.id) {
            entries.push(e);
        }
    };
    for f in d.findings.iter().filter(|f| f.confidence >= 0.5).take(3) {
        if let Some(found) = &f.entry {
            add(found.entry, &mut entries);
        }
    }
    // Dialog texts are generic; they shape the plan only when no code does.
    if entries.is_empty() {
        for s in d.symptoms.iter().take(2) {
            if entries.is_empty() || s.score >= 0.35 {
                add(s.entry.entry, &mut entries);
            }
        }
    }
    let mut steps: Vec<PlanStep<'kb>> = Vec::new();
    for entry in entries {
        for step in entry.steps.iter() {
            if tried.iter().any(|t| t == step.action.as_ref())
                || steps.iter().any(|p| p.action_id() == step.action.as_ref())
            {
                continue;
            }
            steps.push(PlanStep {
                entry,
                step,
                action: m365doctor_kb::action(&step.action),
            });
        }
    }
    steps.sort_by_key(|s| (risk_rank(&s.step.risk), s.step.who == "admin"));
    steps
}
