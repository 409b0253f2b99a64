//! Symptoms: the knowledge base's dialog texts found in what was pasted;
//! the score of each says how much it tells about the case. (People's own
//! words are read by the text understanding, `understanding.rs`, which
//! takes these symptoms as evidence.)

use crate::case::{Case, Evidence, Symptom};
use crate::lines::Lines;
use aho_corasick::{AhoCorasick, MatchKind};
use m365doctor_kb::text::{
    key_phrases, loosely_contains, normalize_for_match, normalize_with_offsets,
};
use m365doctor_kb::Kb;
use std::collections::HashSet;

/// Matches the knowledge base's dialog texts in pasted text. Both sides are
/// compared in their matching form (`m365doctor_kb::text::normalize_for_match`:
/// full- and half-width forms, spaces around ASCII words, line breaks where
/// a dialog wrapped, Japanese and ASCII punctuation, case), so a confirmed
/// text is found whole however it was pasted. An unconfirmed text (a
/// wording from a secondary source, never quoted as the dialog) is found by
/// its key phrases in order and close together (`loosely_contains`), and
/// counts for less. One automaton finds both: the confirmed texts whole,
/// and the longest key phrase of each unconfirmed text as the place to
/// check it. Built once per knowledge base (a server keeps one).
pub struct MessageMatcher {
    automaton: Option<AhoCorasick>,
    targets: Vec<Target>,
}

struct Target {
    entry: String,
    /// The text as the knowledge base has it.
    message: String,
    /// Its matching form's length in bytes (the window an unconfirmed
    /// text's key phrases must lie in depends on it).
    normalized_len: usize,
    confirmed: bool,
}

/// A dialog text found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialogMatch<'m> {
    pub entry: &'m str,
    pub message: &'m str,
    /// The line it starts on, from 1.
    pub line: usize,
    /// Whether it is a confirmed text found whole (rather than an
    /// unconfirmed one found by its key phrases).
    pub confirmed: bool,
}

/// Texts are read in pieces of about this size, cut at a line end, so that
/// the matching form of a large log need not be held at once.
const PIECE: usize = 64 << 10;

impl MessageMatcher {
    pub fn new(kb: &Kb) -> MessageMatcher {
        let mut targets: Vec<Target> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut add = |entry: &str, message: &str, confirmed: bool, pattern: String, len: usize| {
            if targets
                .iter()
                .any(|t| t.entry == entry && t.message == message)
            {
                return;
            }
            targets.push(Target {
                entry: entry.to_string(),
                message: message.to_string(),
                normalized_len: len,
                confirmed,
            });
            patterns.push(pattern);
        };
        for (entry, _) in kb.entries() {
            for m in entry.messages.en.iter().chain(entry.messages.ja.iter()) {
                let key = normalize_for_match(m.trim());
                // Very short texts ("Fix me") match too much by chance.
                if key.chars().count() >= 8 {
                    let len = key.len();
                    add(&entry.id, m.trim(), true, key, len);
                }
            }
            let unconfirmed = &entry.messages.unconfirmed;
            for m in unconfirmed.en.iter().chain(unconfirmed.ja.iter()) {
                let phrases = key_phrases(m);
                let weight: usize = phrases.iter().map(|p| p.chars().count()).sum();
                // As `loosely_contains` requires: two phrases, or one of six
                // characters or more.
                if phrases.is_empty() || (phrases.len() < 2 && weight < 6) {
                    continue;
                }
                let Some(anchor) = phrases.iter().max_by_key(|p| p.chars().count()) else {
                    continue;
                };
                let len = normalize_for_match(m).len();
                add(&entry.id, m.trim(), false, anchor.clone(), len);
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        MessageMatcher { automaton, targets }
    }

    /// Every dialog text found, in the order of the text; each text once
    /// per line.
    pub fn find(&self, text: &str) -> Vec<DialogMatch<'_>> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let lines = Lines::new(text);
        let mut out: Vec<DialogMatch> = Vec::new();
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + PIECE).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            if end < text.len() {
                if let Some(nl) = text[start..end].rfind('\n') {
                    end = start + nl + 1;
                }
            }
            let piece = &text[start..end];
            let (normalized, offsets) = normalize_with_offsets(piece);
            // The original byte offset of each byte of the matching form.
            let mut by_byte: Vec<usize> = Vec::with_capacity(normalized.len());
            for (c, &o) in normalized.chars().zip(&offsets) {
                by_byte.extend(std::iter::repeat_n(o, c.len_utf8()));
            }
            for m in ac.find_overlapping_iter(&normalized) {
                let t = &self.targets[m.pattern().as_usize()];
                let from = if t.confirmed {
                    m.start()
                } else {
                    // The key phrases lie within twice the text's length
                    // around the place of the longest one.
                    let limit = 2 * t.normalized_len + 8;
                    let lo = floor_boundary(&normalized, m.start().saturating_sub(limit));
                    let hi = ceil_boundary(&normalized, (m.end() + limit).min(normalized.len()));
                    let window = &normalized[lo..hi];
                    if !loosely_contains(window, &t.message) {
                        continue;
                    }
                    m.start()
                };
                let line = lines.line_of(start + by_byte.get(from).copied().unwrap_or(0));
                if seen.insert((m.pattern().as_usize(), line)) {
                    out.push(DialogMatch {
                        entry: &t.entry,
                        message: &t.message,
                        line,
                        confirmed: t.confirmed,
                    });
                }
            }
            start = end;
        }
        out.sort_by_key(|m| m.line);
        out
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Adds a dialog text found at `at` (source, line): a new symptom for its
/// entry, or one more wording and place for the symptom already there.
/// `evidence` quotes the line (redacted), only when it is kept.
/// An unconfirmed text (`confirmed` false) is kept apart: it is never
/// shown as the dialog.
pub(crate) fn add_dialog_text<'kb>(
    symptoms: &mut Vec<Symptom<'kb>>,
    kb: &'kb Kb,
    found: DialogMatch,
    at: (&str, usize),
    evidence: impl FnOnce() -> Evidence,
) {
    let (entry, message) = (found.entry, found.message);
    match symptoms.iter_mut().find(|s| s.entry.id() == entry) {
        Some(s) => {
            let list = if found.confirmed {
                &mut s.matched
            } else {
                &mut s.unconfirmed
            };
            if !list.iter().any(|m| m == message) {
                list.push(message.to_string());
            }
            if s.evidence.len() < 3 && !s.evidence.iter().any(|e| e.is_at(at)) {
                s.evidence.push(evidence());
            }
        }
        None => {
            let Some((e, source)) = kb.get(entry) else {
                return;
            };
            let (matched, unconfirmed) = if found.confirmed {
                (vec![message.to_string()], Vec::new())
            } else {
                (Vec::new(), vec![message.to_string()])
            };
            let entry = m365doctor_kb::Found { entry: e, source };
            symptoms.push(Symptom {
                layer: entry.layer(),
                entry,
                matched,
                unconfirmed,
                evidence: vec![evidence()],
                score: 0.0,
            });
        }
    }
}

/// Scores each symptom: how many of its entry's texts were found and how
/// long they are (longer texts are more specific; an unconfirmed text,
/// found by its key phrases, counts half); an entry that a code already
/// answers adds little. Sorted best first.
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
        let texts = s.matched.len() as f64 + 0.5 * s.unconfirmed.len() as f64;
        s.score = (per_text * texts.min(3.0) + length_bonus).min(0.95);
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
