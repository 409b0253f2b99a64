//! An inverted index over the knowledge base's texts, and BM25 over it.
//!
//! Each entry is one document with four fields, scored apart so that the
//! model can weigh them: what people say (`symptoms`), what the dialog says
//! (title and messages), what the entry explains (summary, causes and how
//! to tell them apart) and what it tells people to do (steps).
//!
//! The bundled index is built by build.rs from the compiled entries and
//! included as static tables; [`Index::build`] builds the same structure at
//! run time for a company's own entries. This file is compiled into build.rs
//! too, so it uses only `std`, `m365doctor_kb::model` and `crate::text`.

use crate::text::{self, Script};
use m365doctor_kb::model::Entry;
use std::borrow::Cow;
use std::collections::BTreeMap;

pub const FIELDS: usize = 4;
pub const FIELD_NAMES: [&str; FIELDS] = ["symptoms", "dialog", "explanation", "steps"];

/// BM25 parameters (the usual ones; the entries' fields are short).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Postings are packed in a `u32`: document (16 bits), field (4 bits) and
/// term frequency (12 bits, saturated).
const TF_BITS: u32 = 12;
const FIELD_BITS: u32 = 4;

#[derive(Debug, Clone)]
pub struct Index {
    /// Entry ids, in document order.
    pub ids: Cow<'static, [Cow<'static, str>]>,
    /// Tokens per document and field (non-stop tokens only).
    pub lengths: Cow<'static, [[u16; FIELDS]]>,
    pub average: [f32; FIELDS],
    /// All terms, sorted, concatenated; `term_ends[i]` is where term `i` ends.
    pub term_text: Cow<'static, str>,
    pub term_ends: Cow<'static, [u32]>,
    /// `post_ends[i]` is where the postings of term `i` end.
    pub post_ends: Cow<'static, [u32]>,
    pub postings: Cow<'static, [u32]>,
}

/// The four fields of an entry, as texts.
pub fn fields(e: &Entry) -> [Vec<&str>; FIELDS] {
    let mut symptoms: Vec<&str> = Vec::new();
    symptoms.extend(e.symptoms.en.iter().map(|s| s.as_ref()));
    symptoms.extend(e.symptoms.ja.iter().map(|s| s.as_ref()));
    let mut dialog: Vec<&str> = vec![&e.title.en, &e.title.ja];
    dialog.extend(e.messages.en.iter().map(|s| s.as_ref()));
    dialog.extend(e.messages.ja.iter().map(|s| s.as_ref()));
    dialog.extend(e.messages.unconfirmed.en.iter().map(|s| s.as_ref()));
    dialog.extend(e.messages.unconfirmed.ja.iter().map(|s| s.as_ref()));
    let mut explanation: Vec<&str> = vec![&e.summary.en, &e.summary.ja];
    for c in e.causes.iter() {
        explanation.extend([
            c.en.as_ref(),
            c.ja.as_ref(),
            c.tell.en.as_ref(),
            c.tell.ja.as_ref(),
        ]);
    }
    let mut steps: Vec<&str> = Vec::new();
    for s in e.steps.iter() {
        steps.extend([s.en.as_ref(), s.ja.as_ref()]);
    }
    [symptoms, dialog, explanation, steps]
}

/// A term of a query with its weight (how often the query says it, damped).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub term: String,
    pub surface: String,
    pub script: Script,
    pub weight: f32,
    /// The index term it was matched to, when it is a near-miss spelling.
    pub corrected: Option<String>,
}

/// BM25 of one document, per field, with the query terms that matched it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocScore {
    pub fields: [f32; FIELDS],
    /// Indexes into the query's terms.
    pub matched: Vec<usize>,
}

impl Index {
    pub fn build(entries: &[&Entry]) -> Index {
        let stemmer = text::english();
        let mut lengths: Vec<[u16; FIELDS]> = Vec::new();
        // term -> (doc, field) -> tf
        let mut terms: BTreeMap<String, BTreeMap<(u16, u8), u32>> = BTreeMap::new();
        for (doc, e) in entries.iter().enumerate() {
            let mut len = [0u16; FIELDS];
            for (field, texts) in fields(e).iter().enumerate() {
                for t in texts {
                    for token in text::tokenize_canonical(&text::canonical(t), &stemmer) {
                        if token.stop {
                            continue;
                        }
                        len[field] = len[field].saturating_add(1);
                        *terms
                            .entry(token.term)
                            .or_default()
                            .entry((doc as u16, field as u8))
                            .or_default() += 1;
                    }
                }
            }
            lengths.push(len);
        }
        let mut average = [0f32; FIELDS];
        for (f, avg) in average.iter_mut().enumerate() {
            let total: f32 = lengths.iter().map(|l| l[f] as f32).sum();
            *avg = (total / lengths.len().max(1) as f32).max(1.0);
        }
        let mut term_text = String::new();
        let mut term_ends = Vec::new();
        let mut post_ends = Vec::new();
        let mut postings = Vec::new();
        for (term, posts) in terms {
            term_text.push_str(&term);
            term_ends.push(term_text.len() as u32);
            for ((doc, field), tf) in posts {
                postings.push(pack(doc, field, tf));
            }
            post_ends.push(postings.len() as u32);
        }
        let ids: Vec<Cow<'static, str>> = entries.iter().map(|e| e.id.to_string().into()).collect();
        Index {
            ids: ids.into(),
            lengths: lengths.into(),
            average,
            term_text: term_text.into(),
            term_ends: term_ends.into(),
            post_ends: post_ends.into(),
            postings: postings.into(),
        }
    }

    pub fn docs(&self) -> usize {
        self.ids.len()
    }

    pub fn terms(&self) -> usize {
        self.term_ends.len()
    }

    pub fn term(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.term_ends[i - 1] as usize
        };
        &self.term_text[start..self.term_ends[i] as usize]
    }

    pub fn find(&self, term: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.terms());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.term(mid).cmp(term) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn postings_of(&self, i: usize) -> &[u32] {
        let start = if i == 0 {
            0
        } else {
            self.post_ends[i - 1] as usize
        };
        &self.postings[start..self.post_ends[i] as usize]
    }

    /// How many documents contain term `i` in any field.
    pub fn document_frequency(&self, i: usize) -> usize {
        let mut last = u32::MAX;
        let mut n = 0;
        for &p in self.postings_of(i) {
            let doc = p >> (TF_BITS + FIELD_BITS);
            if doc != last {
                n += 1;
                last = doc;
            }
        }
        n
    }

    pub fn idf(&self, i: usize) -> f32 {
        let n = self.docs() as f32;
        let df = self.document_frequency(i) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// A near-miss of an unknown English word: the index term at one edit
    /// (two for long words) with the same first letter, the most frequent
    /// one on ties. Short words and codes are never corrected.
    pub fn correct(&self, term: &str) -> Option<usize> {
        if term.len() < 5 || !term.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let max = if term.len() >= 9 { 2 } else { 1 };
        let first = &term[..1];
        // Terms are sorted: those starting with `first` are one range.
        let start = self.lower_bound(first);
        let mut best: Option<(usize, usize, usize)> = None; // (distance, -df, index)
        for i in start..self.terms() {
            let candidate = self.term(i);
            if !candidate.starts_with(first) {
                break;
            }
            if candidate.len().abs_diff(term.len()) > max || !candidate.is_ascii() {
                continue;
            }
            if let Some(d) = text::within_edits(term, candidate, max) {
                let df = self.document_frequency(i);
                let better = best.is_none_or(|(bd, bdf, _)| d < bd || (d == bd && df > bdf));
                if better {
                    best = Some((d, df, i));
                }
            }
        }
        best.map(|(_, _, i)| i)
    }

    fn lower_bound(&self, prefix: &str) -> usize {
        let (mut lo, mut hi) = (0, self.terms());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.term(mid) < prefix {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The query's terms: each distinct term once, weighted by how often the
    /// text says it (1, 1.5, 1.8, … — a word repeated in a pasted log should
    /// not drown the rest), near-miss spellings corrected.
    pub fn query(&self, tokens: &[text::Token]) -> Vec<QueryTerm> {
        let mut counts: BTreeMap<&str, (usize, &text::Token)> = BTreeMap::new();
        for t in tokens.iter().filter(|t| !t.stop) {
            counts.entry(t.term.as_str()).or_insert((0, t)).0 += 1;
        }
        let mut out = Vec::new();
        for (term, (n, token)) in counts {
            let weight = 1.0 + (n as f32).ln() * 0.7;
            let mut corrected = None;
            if self.find(term).is_none() && token.script == Script::Latin {
                if let Some(i) = self.correct(term) {
                    corrected = Some(self.term(i).to_string());
                }
            }
            out.push(QueryTerm {
                term: term.to_string(),
                surface: token.surface.clone(),
                script: token.script,
                weight,
                corrected,
            });
        }
        out
    }

    /// BM25 of every document for `query`, per field.
    pub fn score(&self, query: &[QueryTerm]) -> Vec<DocScore> {
        let mut scores = vec![DocScore::default(); self.docs()];
        for (q, term) in query.iter().enumerate() {
            let (i, discount) = match &term.corrected {
                Some(c) => match self.find(c) {
                    Some(i) => (i, 0.7),
                    None => continue,
                },
                None => match self.find(&term.term) {
                    Some(i) => (i, 1.0),
                    None => continue,
                },
            };
            let idf = self.idf(i) * term.weight * discount;
            for &p in self.postings_of(i) {
                let (doc, field, tf) = unpack(p);
                let len = self.lengths[doc][field] as f32;
                let norm = K1 * (1.0 - B + B * len / self.average[field]);
                let tf = tf as f32;
                let s = &mut scores[doc];
                s.fields[field] += idf * tf * (K1 + 1.0) / (tf + norm);
                if s.matched.last() != Some(&q) {
                    s.matched.push(q);
                }
            }
        }
        scores
    }

    /// The Rust source of this index as statics (for build.rs).
    pub fn to_rust(&self, name: &str) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "pub static {name}: Index = Index {{");
        out.push_str("    ids: Cow::Borrowed(&[");
        for id in self.ids.iter() {
            let _ = write!(out, "Cow::Borrowed({id:?}),");
        }
        out.push_str("]),\n");
        out.push_str("    lengths: Cow::Borrowed(&[");
        for l in self.lengths.iter() {
            let _ = write!(out, "{l:?},");
        }
        out.push_str("]),\n");
        let _ = writeln!(out, "    average: {:?},", self.average);
        let _ = writeln!(out, "    term_text: Cow::Borrowed({:?}),", &self.term_text);
        let _ = writeln!(
            out,
            "    term_ends: Cow::Borrowed(&{:?}),",
            &self.term_ends[..]
        );
        let _ = writeln!(
            out,
            "    post_ends: Cow::Borrowed(&{:?}),",
            &self.post_ends[..]
        );
        let _ = writeln!(
            out,
            "    postings: Cow::Borrowed(&{:?}),",
            &self.postings[..]
        );
        out.push_str("};\n");
        out
    }
}

fn pack(doc: u16, field: u8, tf: u32) -> u32 {
    ((doc as u32) << (TF_BITS + FIELD_BITS))
        | ((field as u32) << TF_BITS)
        | tf.min((1 << TF_BITS) - 1)
}

fn unpack(p: u32) -> (usize, usize, u32) {
    (
        (p >> (TF_BITS + FIELD_BITS)) as usize,
        ((p >> TF_BITS) & ((1 << FIELD_BITS) - 1)) as usize,
        p & ((1 << TF_BITS) - 1),
    )
}
