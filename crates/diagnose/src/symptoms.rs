//! Symptoms: what a text says besides its codes. Today these are the
//! knowledge base's dialog texts found word for word; the score of each
//! says how much it tells about the case. Text-based scoring of people's
//! own words belongs here too, as another source of [`Symptom`]s.

use crate::case::{Case, Evidence, Symptom};
use aho_corasick::{AhoCorasick, MatchKind};
use m365doctor_kb::Kb;

/// Matches the knowledge base's dialog texts, case-insensitively for ASCII.
/// Built once per knowledge base (a server keeps one).
pub struct MessageMatcher {
    automaton: Option<AhoCorasick>,
    targets: Vec<(String, String)>, // (entry id, message)
}

impl MessageMatcher {
    pub fn new(kb: &Kb) -> MessageMatcher {
        let mut targets = Vec::new();
        for (entry, _) in kb.entries() {
            for m in entry.messages.en.iter().chain(entry.messages.ja.iter()) {
                let m = m.trim();
                // Very short texts ("Fix me") match too much by chance.
                if m.chars().count() >= 8
                    && !targets
                        .iter()
                        .any(|(id, t): &(String, String)| id == entry.id.as_ref() && t == m)
                {
                    targets.push((entry.id.to_string(), m.to_string()));
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(targets.iter().map(|(_, m)| m.as_str()))
            .ok();
        MessageMatcher { automaton, targets }
    }

    /// (entry id, message, line) for every message found; lines from 1.
    pub fn find(&self, text: &str) -> Vec<(&str, &str, usize)> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            for m in ac.find_overlapping_iter(line) {
                let (id, message) = &self.targets[m.pattern().as_usize()];
                out.push((id.as_str(), message.as_str(), n + 1));
            }
        }
        out
    }
}

/// Adds a dialog text found at `at` (source, line): a new symptom for its
/// entry, or one more wording and place for the symptom already there.
/// `evidence` quotes the line (redacted), only when it is kept.
pub(crate) fn add_dialog_text<'kb>(
    symptoms: &mut Vec<Symptom<'kb>>,
    kb: &'kb Kb,
    entry: &str,
    message: &str,
    at: (&str, usize),
    evidence: impl FnOnce() -> Evidence,
) {
    match symptoms.iter_mut().find(|s| s.entry.id() == entry) {
        Some(s) => {
            if !s.matched.iter().any(|m| m == message) {
                s.matched.push(message.to_string());
            }
            if s.evidence.len() < 3 && !s.evidence.iter().any(|e| e.is_at(at)) {
                s.evidence.push(evidence());
            }
        }
        None => {
            let Some((e, source)) = kb.get(entry) else {
                return;
            };
            let found = m365doctor_kb::Found { entry: e, source };
            symptoms.push(Symptom {
                layer: found.layer(),
                entry: found,
                matched: vec![message.to_string()],
                evidence: vec![evidence()],
                score: 0.0,
            });
        }
    }
}

/// Scores each symptom: how many of its entry's texts were found and how
/// long they are (longer texts are more specific); an entry that a code
/// already answers adds little. Sorted best first.
pub(crate) fn score(case: &mut Case) {
    let code_entries: Vec<&str> = case
        .findings
        .iter()
        .filter_map(|f| f.entry.as_ref().map(|e| e.id()))
        .collect();
    for s in &mut case.symptoms {
        let codeless = s.entry.entry.codes.is_empty();
        let per_text = if codeless { 0.35 } else { 0.25 };
        let length_bonus: f64 = s
            .matched
            .iter()
            .map(|m| (m.chars().count() as f64 / 200.0).min(0.15))
            .sum();
        s.score = (per_text * s.matched.len().min(3) as f64 + length_bonus).min(0.95);
        if code_entries.contains(&s.entry.id()) {
            s.score *= 0.5;
        }
    }
    case.symptoms.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entry.id().cmp(b.entry.id()))
    });
}
