//! One merged plan from the entries the ranking chose (the best entry, and
//! the next ones while they are nearly as likely): what to do, in order.
//!
//! **The order.** Each entry lists its steps least invasive first, and that
//! order is reviewed with the entry (a riskier step placed early says why in
//! `order_reason`). The plan keeps it:
//!
//! 1. the best entry's steps in the entry's own order, then each further
//!    entry's steps that are not in the plan yet, in that entry's order;
//! 2. except the steps that hand the case on rather than fix anything
//!    ([`HAND_OVER`]: asking the admin, collecting evidence for support).
//!    They come after the most likely cause's safe steps (risk `none` or
//!    `low`: the user's own, and the admin's that the hand-over is for) and
//!    before its first riskier step or the first step of a less likely
//!    cause, or last.
//!
//! So the fix for the most likely cause comes first, nothing riskier than
//! `low` is asked for before the case has been handed on, and every entry's
//! reviewed order holds within the plan. A global sort by risk put generic
//! no-risk steps (asking the admin, collecting evidence) before every real
//! fix; on the corpus's training split (cross-validated) the fix that
//! worked was among the first three steps for 0.69 of the reports with a
//! confirmed fix that way, 0.71 with the entries' order alone and 0.76 with
//! this rule (docs/understand.md). Actions already tried are left out.

use crate::case::PlanStep;
use m365doctor_kb::model::risk_rank;
use m365doctor_kb::Entry;

/// Actions that hand the case on rather than fix it.
pub const HAND_OVER: &[&str] = &["contact-admin", "collect-evidence"];

/// Steps riskier than this come after the hand-over.
const SAFE_RISK: &str = "low";

pub(crate) fn plan<'kb>(entries: &[&'kb Entry], tried: &[String]) -> Vec<PlanStep<'kb>> {
    let mut steps: Vec<PlanStep<'kb>> = Vec::new();
    for &entry in entries {
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
    let Some(first) = entries.first() else {
        return steps;
    };
    let (hand_over, rest): (Vec<PlanStep>, Vec<PlanStep>) = steps
        .into_iter()
        .partition(|s| HAND_OVER.contains(&s.action_id()));
    let safe = risk_rank(SAFE_RISK);
    let at = rest
        .iter()
        .position(|s| risk_rank(&s.step.risk) > safe || !std::ptr::eq(s.entry, *first))
        .unwrap_or(rest.len());
    let mut out = rest;
    let tail = out.split_off(at);
    out.extend(hand_over);
    out.extend(tail);
    out
}

/// The plan of some entries (by id) as `diagnose` merges and orders it,
/// leaving out what was tried: what the evaluation and training tools
/// measure when they choose among rankings.
pub fn plan_for<'kb>(
    kb: &'kb m365doctor_kb::Kb,
    entries: &[&str],
    tried: &[String],
) -> Vec<PlanStep<'kb>> {
    let entries: Vec<&'kb Entry> = entries
        .iter()
        .filter_map(|id| kb.get(id).map(|(e, _)| e))
        .collect();
    plan(&entries, tried)
}
