//! m365doctor-understand: what people write about a sign-in problem, in
//! their own words, in English or Japanese.
//!
//! [`Engine::understand`] turns a text (plus the codes and dialog texts the
//! caller already recognised, the app and the platform when known) into an
//! [`Understanding`]: the clues found (apps, platform, situation), the layers
//! ranked with calibrated scores, the best knowledge-base entries with what
//! matched, whether the text is about signing in at all, and the questions
//! that would best separate the candidates when the answer is unsure.
//! [`Understanding::answer`] re-ranks with an answer.
//!
//! Pure: no I/O, no start-up parsing. The bundled entries' index is built
//! when the crate is built (build.rs) and the model's weights are generated
//! by `tools/train-understand` (docs/understand.md).
//!
//! ```
//! use m365doctor_understand::{Engine, Query};
//! let engine = Engine::bundled();
//! let u = engine.understand(&Query::text("Teamsにサインインできません。時刻がずれているようです。"));
//! assert_eq!(u.layers[0].layer.id(), "clock");
//! ```

mod clue_table;
pub mod clues;
pub mod index;
pub mod model;
pub mod questions;
pub mod text;

mod generated;

pub use clues::Found as Clue;
pub use index::Index;
pub use model::Params;
pub use questions::{Answer, Question};

use m365doctor_codes::Layer;
use m365doctor_kb::model::Entry;
use model::{layer_count, layer_index, Features, Layout, Sparse, DENSE, NONE};
use std::borrow::Cow;
use std::sync::OnceLock;

mod bundled {
    use crate::index::Index;
    use std::borrow::Cow;
    include!(concat!(env!("OUT_DIR"), "/index.rs"));
}

/// The index of the bundled knowledge base, built at compile time.
pub use bundled::BUNDLED;

/// Below this calibrated score of the best layer, questions are offered.
pub const ASK_BELOW: f64 = 0.8;

/// How much less a symptom entry's retrieval scores count when a code
/// names an entry with full confidence (see `Engine::rank`).
pub const CODELESS_DAMPING: f32 = 0.8;

/// Evidence the caller found by other means: a code it decoded or a
/// knowledge-base dialog text it recognised.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The code or the dialog text, as shown to the user.
    pub label: String,
    /// The entry it points at, if any.
    pub entry: Option<String>,
    /// The layer it points at, if any (an uncurated code still has one).
    pub layer: Option<Layer>,
    /// How sure the caller is, 0–1.
    pub weight: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    Code,
    Dialog,
}

/// What to understand.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub text: &'a str,
    pub evidence: &'a [Evidence],
    /// Apps the user named (`--app`): clue ids (`teams-new`) or
    /// knowledge-base app ids (`teams`).
    pub apps: &'a [&'a str],
    /// `windows`, `macos`, `ios`, `android` or `linux`, when known.
    pub platform: Option<&'a str>,
}

impl<'a> Query<'a> {
    pub fn text(text: &'a str) -> Query<'a> {
        Query {
            text,
            ..Query::default()
        }
    }
}

/// A layer with its calibrated score (of the texts given 0.8, about 80% are
/// right).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerScore {
    pub layer: Layer,
    pub score: f64,
}

/// Why an entry was ranked where it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Words of the text that also occur in the entry, most telling first.
    Words(Vec<String>),
    /// A clue that speaks for the entry or its layer.
    Clue { id: &'static str, value: f32 },
    /// A code or dialog text the caller found that points at the entry.
    Evidence(String),
    /// The app the entry is written for.
    App(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntryMatch {
    pub id: String,
    pub layer: Layer,
    /// The model's probability of this entry (not calibrated; for ordering
    /// and for choosing how many entries' steps to merge into the plan).
    pub probability: f64,
    pub reasons: Vec<Reason>,
}

/// The result, and the state needed to re-rank with answers.
#[derive(Debug, Clone)]
pub struct Understanding {
    /// False when the text does not look like a sign-in problem at all.
    pub about_sign_in: bool,
    /// The probability that it is about signing in (calibrated).
    pub sign_in_score: f64,
    pub clues: Vec<Clue>,
    /// Every layer with a score, best first.
    pub layers: Vec<LayerScore>,
    /// The best entries (up to three), best first.
    pub entries: Vec<EntryMatch>,
    /// Up to three questions when the best layer's score is below
    /// [`ASK_BELOW`], the most informative first.
    pub questions: Vec<&'static Question>,
    /// The answers given so far: (question id, answer id).
    pub answers: Vec<(&'static str, &'static str)>,
    base: Vec<f64>,
    base_none: f64,
    matched_words: Vec<Vec<String>>,
    evidence: Vec<Evidence>,
    /// The text's Japanese characters in order (a gap between runs as
    /// `' '`), to show matched bigrams as the phrases they come from.
    japanese: Vec<char>,
}

/// The model with its index and entries.
pub struct Engine<'k> {
    index: std::borrow::Cow<'k, Index>,
    entries: Vec<std::borrow::Cow<'k, Entry>>,
    layers: Vec<usize>,
    params: Params,
}

impl Engine<'static> {
    /// The bundled knowledge base, index and weights (built once).
    pub fn bundled() -> &'static Engine<'static> {
        static ENGINE: OnceLock<Engine<'static>> = OnceLock::new();
        ENGINE.get_or_init(|| {
            let entries = m365doctor_kb::ENTRIES.iter().map(Cow::Borrowed).collect();
            Engine::with_index(Cow::Borrowed(&BUNDLED), entries, Params::bundled())
        })
    }
}

impl Engine<'static> {
    /// The bundled knowledge base and index with other weights (training).
    pub fn bundled_with(params: Params) -> Engine<'static> {
        let entries = m365doctor_kb::ENTRIES.iter().map(Cow::Borrowed).collect();
        Engine::with_index(Cow::Borrowed(&BUNDLED), entries, params)
    }
}

impl<'k> Engine<'k> {
    /// An engine over any entries (a company's own plus the bundled ones):
    /// the index is built now, which takes some milliseconds.
    pub fn for_entries(entries: Vec<&'k Entry>, params: Params) -> Engine<'k> {
        Engine::over(entries.into_iter().map(Cow::Borrowed).collect(), params)
    }

    /// [`Engine::for_entries`] over entries it may own (a company's, loaded
    /// at run time) next to borrowed ones (the bundled statics), so that an
    /// engine for a company's knowledge base can live as long as the
    /// process without borrowing from it.
    pub fn over(entries: Vec<Cow<'k, Entry>>, params: Params) -> Engine<'k> {
        let refs: Vec<&Entry> = entries.iter().map(|e| e.as_ref()).collect();
        let index = Index::build(&refs);
        Engine::with_index(Cow::Owned(index), entries, params)
    }

    fn with_index(
        index: std::borrow::Cow<'k, Index>,
        entries: Vec<Cow<'k, Entry>>,
        params: Params,
    ) -> Engine<'k> {
        let layers = entries
            .iter()
            .map(|e| layer_index(Layer::from_id(&e.layer).unwrap_or(Layer::Other)))
            .collect();
        Engine {
            index,
            entries,
            layers,
            params,
        }
    }

    pub fn entries(&self) -> &[Cow<'k, Entry>] {
        &self.entries
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Position of an entry by id.
    pub fn entry_position(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }

    /// The features of a query (for training and for `understand`), the
    /// clues found and the words each entry matched.
    pub fn features(&self, query: &Query) -> (Features, Vec<Clue>, Vec<Vec<String>>) {
        let canonical = text::canonical(query.text);
        let stemmer = text::english();
        let tokens = text::tokenize_canonical(&canonical, &stemmer);
        let mut found = clues::detect(&canonical, &tokens);
        add_given(&mut found, query);
        let terms = self.index.query(&tokens);
        let scores = self.index.score(&terms);
        let mut max = [0f32; index::FIELDS];
        let mut best_total = 0f32;
        for s in &scores {
            for (m, v) in max.iter_mut().zip(s.fields) {
                *m = m.max(v);
            }
            best_total = best_total.max(s.fields.iter().sum());
        }
        // Evidence per entry and per layer.
        let mut code_entry = vec![0f32; self.entries.len()];
        let mut dialog_entry = vec![0f32; self.entries.len()];
        let mut code_layer = vec![0f32; layer_count()];
        let mut dialog_layer = vec![0f32; layer_count()];
        let mut code_entries = 0;
        let mut code_strength: f32 = 0.0;
        for ev in query.evidence {
            let w = ev.weight.clamp(0.0, 1.0) as f32;
            let (per_entry, per_layer) = match ev.kind {
                EvidenceKind::Code => (&mut code_entry, &mut code_layer),
                EvidenceKind::Dialog => (&mut dialog_entry, &mut dialog_layer),
            };
            if let Some(pos) = ev.entry.as_deref().and_then(|id| self.entry_position(id)) {
                per_entry[pos] = per_entry[pos].max(w);
                if ev.kind == EvidenceKind::Code {
                    code_entries += 1;
                    code_strength = code_strength.max(w);
                }
            }
            if let Some(l) = ev.layer {
                let l = layer_index(l);
                per_layer[l] = (per_layer[l] + w).min(1.5);
            }
        }
        let apps = kb_apps(&found);
        let layered: Vec<(usize, f32)> = found
            .iter()
            .filter_map(|f| {
                let c = clues::position(f.id)?;
                model::layered(&clues::CLUES[c]).then_some((c, f.value))
            })
            .collect();
        let mut entries = Vec::with_capacity(self.entries.len());
        let mut words = Vec::with_capacity(self.entries.len());
        for (k, e) in self.entries.iter().enumerate() {
            let s = &scores[k];
            let mut f: Sparse = Vec::with_capacity(24 + layered.len());
            let mut dense = |name: &str, v: f32| {
                if v != 0.0 {
                    let i = DENSE.iter().position(|d| *d == name).unwrap_or(0);
                    f.push(((Layout::dense() + i) as u32, v));
                }
            };
            // A symptom entry (no code of its own) shares many words with
            // the logs of its app; when a code names the cause, those words
            // are no sign that the code is wrong, so they count less, the
            // more the surer the code (corpus: train-split CV entry@3 0.900
            // -> 0.906, fix@3 0.752 -> 0.758, layer@1 unchanged).
            let damp = if e.codes.is_empty() {
                1.0 - CODELESS_DAMPING * code_strength
            } else {
                1.0
            };
            let rel = |x: f32, m: f32| if m > 0.0 { damp * x / m } else { 0.0 };
            let fields = s.fields.map(|x| damp * x);
            dense("symptoms", rel(s.fields[0], max[0]));
            dense("dialog", rel(s.fields[1], max[1]));
            dense("explanation", rel(s.fields[2], max[2]));
            dense("steps", rel(s.fields[3], max[3]));
            dense("symptoms-abs", fields[0].ln_1p());
            dense("dialog-abs", fields[1].ln_1p());
            dense("explanation-abs", fields[2].ln_1p());
            dense("steps-abs", fields[3].ln_1p());
            if code_entries > 0 {
                dense("symptoms-abs+code", fields[0].ln_1p());
                dense("dialog-abs+code", fields[1].ln_1p());
                dense("explanation-abs+code", fields[2].ln_1p());
                dense("steps-abs+code", fields[3].ln_1p());
            }
            dense("code-entry", code_entry[k]);
            dense("code-layer", code_layer[self.layers[k]]);
            dense("dialog-entry", dialog_entry[k]);
            dense("dialog-layer", dialog_layer[self.layers[k]]);
            if !e.apps.is_empty() && !apps.is_empty() {
                if e.apps.iter().any(|a| apps.contains(&a.as_ref())) {
                    dense("app-match", 1.0);
                } else {
                    dense("app-mismatch", 1.0);
                }
            }
            let entry_clues: f32 = e
                .clues
                .iter()
                .filter_map(|(id, w)| {
                    found
                        .iter()
                        .find(|c| c.id == id.as_ref())
                        .map(|c| c.value * *w as f32 / 3.0)
                })
                .sum();
            dense("entry-clues", entry_clues);
            if e.codes.is_empty() {
                dense("codeless-entry", 1.0);
                if code_entries > 0 {
                    dense("codeless-entry+code", 1.0);
                }
            }
            if code_entries > 0 && code_entry[k] == 0.0 {
                dense("code-elsewhere", 1.0);
            }
            f.push(((Layout::bias() + self.layers[k]) as u32, 1.0));
            for &(c, v) in &layered {
                f.push((Layout::clue_layer(c, self.layers[k]) as u32, v));
            }
            entries.push(f);
            words.push(
                s.matched
                    .iter()
                    .map(|&q| terms[q].surface.clone())
                    .collect::<Vec<_>>(),
            );
        }
        let sign_in = found
            .iter()
            .find(|c| c.id == "about-sign-in")
            .map_or(0, |c| c.count);
        let topics = found
            .iter()
            .filter(|c| c.kind == clues::Kind::Topic && c.id != "about-sign-in")
            .count();
        let mut none: Sparse = Vec::new();
        let mut nf = |name: &str, v: f32| {
            let i = NONE.iter().position(|d| *d == name).unwrap_or(0);
            none.push(((Layout::none() + i) as u32, v));
        };
        nf("bias", 1.0);
        nf("sign-in-words", (sign_in as f32).ln_1p());
        nf(
            "evidence",
            if query.evidence.is_empty() { 0.0 } else { 1.0 },
        );
        nf("best-match", best_total.ln_1p());
        nf("length", (tokens.len() as f32).ln_1p() / 5.0);
        nf("topics", topics as f32 / 3.0);
        let apps = found.iter().filter(|c| c.kind == clues::Kind::App).count();
        nf("apps", apps.min(3) as f32 / 3.0);
        nf("symptom-match", max[0].ln_1p());
        (
            Features {
                entries,
                none,
                layers: self.layers.clone(),
            },
            found,
            words,
        )
    }

    pub fn understand(&self, query: &Query) -> Understanding {
        let (features, found, words) = self.features(query);
        let (base, base_none) = features.scores(&self.params.weights);
        let mut u = Understanding {
            about_sign_in: true,
            sign_in_score: 1.0,
            clues: found,
            layers: Vec::new(),
            entries: Vec::new(),
            questions: Vec::new(),
            answers: Vec::new(),
            base,
            base_none,
            matched_words: words,
            evidence: query.evidence.to_vec(),
            japanese: japanese_chars(query.text),
        };
        self.rank(&mut u);
        u
    }

    /// The scores with the answers applied: (entries, none).
    fn answered_scores(&self, u: &Understanding) -> Vec<f64> {
        let mut scores = u.base.clone();
        for (q, a) in &u.answers {
            if let Some(answer) = questions::find(q).and_then(|q| q.answer(a)) {
                for (k, s) in scores.iter_mut().enumerate() {
                    *s += self.answer_effect(answer, k);
                }
            }
        }
        scores
    }

    /// How an answer moves entry `k`'s score: as if the text had said it.
    pub fn answer_effect(&self, answer: &Answer, k: usize) -> f64 {
        let mut d = 0.0;
        for &(clue, value) in answer.sets {
            let Some(c) = clues::position(clue) else {
                continue;
            };
            let w = &self.params.weights;
            d += value * w[Layout::clue_layer(c, self.layers[k])];
            let entry_weight = self.entries[k]
                .clues
                .iter()
                .find(|(id, _)| id == clue)
                .map_or(0.0, |(_, w)| *w as f64 / 3.0);
            let i = DENSE.iter().position(|n| *n == "entry-clues").unwrap_or(0);
            d += value * entry_weight * w[Layout::dense() + i];
        }
        d
    }

    fn rank(&self, u: &mut Understanding) {
        let scores = self.answered_scores(u);
        let (p, p_none) = model::predict(&scores, u.base_none);
        let layer_p = model::layer_probabilities(&p, &self.layers);
        u.sign_in_score = 1.0 - p_none;
        u.about_sign_in = p_none < 0.5;
        let mut layers: Vec<LayerScore> = Layer::ALL
            .iter()
            .enumerate()
            .map(|(i, &layer)| LayerScore {
                layer,
                score: self.params.calibrate(layer_p[i]),
            })
            .collect();
        layers.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.layer.cmp(&b.layer)));
        u.layers = layers;
        let mut order: Vec<usize> = (0..p.len()).collect();
        order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
        u.entries = order
            .iter()
            .take(3)
            .map(|&k| self.explain(u, k, p[k]))
            .collect();
        u.questions = if u.about_sign_in && u.layers[0].score < ASK_BELOW {
            questions::select(self, u, &p, 3)
        } else {
            Vec::new()
        };
    }

    fn explain(&self, u: &Understanding, k: usize, probability: f64) -> EntryMatch {
        let e = &self.entries[k];
        let mut reasons = Vec::new();
        for ev in &u.evidence {
            if ev.entry.as_deref() == Some(e.id.as_ref()) {
                reasons.push(Reason::Evidence(ev.label.clone()));
            }
        }
        let mut words: Vec<String> = u.matched_words[k].clone();
        // Japanese bigrams ("サイ", "イン", "ンで") are shown as the phrases
        // of the text they cover ("サインインで"), longest first.
        let (bigrams, latin): (Vec<String>, Vec<String>) = words
            .into_iter()
            .partition(|w| w.chars().count() == 2 && w.chars().all(is_japanese));
        words = latin;
        words.sort_by_key(|w| {
            let term = text::tokenize(w)
                .first()
                .map(|t| t.term.clone())
                .unwrap_or_default();
            let idf = self.index.find(&term).map_or(0.0, |i| self.index.idf(i));
            std::cmp::Reverse((idf * 1000.0) as i64)
        });
        words.dedup();
        let mut phrases = japanese_phrases(&u.japanese, &bigrams);
        phrases.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
        phrases.truncate(4);
        words.truncate(8 - phrases.len());
        words.extend(phrases);
        if !words.is_empty() {
            reasons.push(Reason::Words(words));
        }
        let apps = kb_apps(&u.clues);
        for a in e.apps.iter().filter(|a| apps.contains(&a.as_ref())) {
            reasons.push(Reason::App(a.to_string()));
        }
        for c in &u.clues {
            let Some(pos) = clues::position(c.id) else {
                continue;
            };
            if !model::layered(&clues::CLUES[pos]) {
                continue;
            }
            let w = self.params.weights[Layout::clue_layer(pos, self.layers[k])] * c.value as f64;
            let own = e
                .clues
                .iter()
                .any(|(id, w)| id == c.id && (*w as f32) * c.value > 0.0);
            if w > 0.3 || own {
                reasons.push(Reason::Clue {
                    id: c.id,
                    value: c.value,
                });
            }
        }
        EntryMatch {
            id: e.id.to_string(),
            layer: Layer::ALL[self.layers[k]],
            probability,
            reasons,
        }
    }

    /// Re-ranks with one more answer. Unknown ids are an error (the caller
    /// shows the valid ones).
    pub fn answer(
        &self,
        u: &mut Understanding,
        question: &str,
        answer: &str,
    ) -> Result<(), questions::UnknownAnswer> {
        let q = questions::find(question).ok_or_else(|| questions::UnknownAnswer {
            question: question.to_string(),
            answer: answer.to_string(),
        })?;
        let a = q.answer(answer).ok_or_else(|| questions::UnknownAnswer {
            question: question.to_string(),
            answer: answer.to_string(),
        })?;
        u.answers.retain(|(id, _)| *id != q.id);
        u.answers.push((q.id, a.id));
        self.rank(u);
        Ok(())
    }

    /// What each weight contributes to an entry's score for a query, largest
    /// first: (feature name, contribution). For debugging and tuning.
    pub fn contributions(&self, query: &Query, entry: &str) -> Vec<(String, f64)> {
        let Some(k) = self.entry_position(entry) else {
            return Vec::new();
        };
        let (features, _, _) = self.features(query);
        let mut out: Vec<(String, f64)> = features.entries[k]
            .iter()
            .map(|&(i, v)| {
                (
                    model::weight_name(i as usize),
                    self.params.weights[i as usize] * v as f64,
                )
            })
            .collect();
        out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        out
    }

    pub(crate) fn layer_of(&self, k: usize) -> usize {
        self.layers[k]
    }
}

impl Understanding {
    /// The entries whose steps make the plan: the best one, and the next
    /// ones while they are nearly as likely.
    pub fn plan_entries(&self) -> Vec<&str> {
        self.plan_entries_with(PLAN_RATIO)
    }

    /// [`Understanding::plan_entries`] with another ratio (for tuning).
    pub fn plan_entries_with(&self, ratio: f64) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let Some(first) = self.entries.first() else {
            return out;
        };
        out.push(&first.id);
        for e in &self.entries[1..] {
            if e.probability >= ratio * first.probability {
                out.push(&e.id);
            }
        }
        out
    }

    pub fn top_layer(&self) -> Option<LayerScore> {
        self.about_sign_in.then(|| self.layers[0])
    }
}

/// An entry joins the plan when its probability is at least this share of
/// the best entry's.
pub const PLAN_RATIO: f64 = 0.9;

/// Apps and platform the caller gave, as clues.
fn add_given(found: &mut Vec<Clue>, query: &Query) {
    let platform = query.platform.map(|p| format!("platform-{p}"));
    let given = query.apps.iter().copied().chain(platform.as_deref());
    for id in given {
        if found.iter().any(|c| c.id == id) {
            continue;
        }
        if let Some(d) = clues::def(id) {
            found.push(Clue {
                id: d.id,
                kind: d.kind,
                value: 1.0,
                count: 1,
                matched: Vec::new(),
            });
        }
    }
}

/// The knowledge base's app ids among the clues.
fn kb_apps(found: &[Clue]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in found
        .iter()
        .filter(|c| c.kind == clues::Kind::App && c.value > 0.0)
    {
        let app = match c.id {
            "teams" | "teams-new" | "teams-classic" => "teams",
            "outlook" | "outlook-new" | "outlook-classic" | "outlook-mobile" => "outlook",
            "onenote" => "office",
            "word"
            | "excel"
            | "powerpoint"
            | "office"
            | "onedrive"
            | "edge"
            | "company-portal"
            | "azure-cli"
            | "windows"
            | "git-credential-manager" => c.id,
            _ => continue,
        };
        if !out.contains(&app) {
            out.push(app);
        }
    }
    out
}

impl Params {
    /// The generated weights, or the priors when they do not fit this
    /// build's layout (run `cargo run -p train-understand`).
    pub fn bundled() -> Params {
        if generated::WEIGHTS.len() == Layout::size() {
            Params {
                weights: generated::WEIGHTS.to_vec(),
                calibration: generated::CALIBRATION,
            }
        } else {
            Params::prior()
        }
    }

    /// Whether the generated weights fit this build.
    pub fn generated_fit() -> bool {
        generated::WEIGHTS.len() == Layout::size()
    }
}

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}')
}

/// The Japanese characters of a text in their matching form, a `' '`
/// between runs.
fn japanese_chars(text: &str) -> Vec<char> {
    let canonical = text::canonical(text);
    let mut out = Vec::new();
    for c in canonical.chars() {
        if is_japanese(c) {
            out.push(c);
        } else if out.last().is_some_and(|&l| l != ' ') {
            out.push(' ');
        }
    }
    out
}

/// The stretches of `japanese` covered by the matched `bigrams`, each once.
fn japanese_phrases(japanese: &[char], bigrams: &[String]) -> Vec<String> {
    if bigrams.is_empty() {
        return Vec::new();
    }
    let pairs: std::collections::HashSet<(char, char)> = bigrams
        .iter()
        .filter_map(|b| {
            let mut c = b.chars();
            Some((c.next()?, c.next()?))
        })
        .collect();
    let mut covered = vec![false; japanese.len()];
    for (i, w) in japanese.windows(2).enumerate() {
        if pairs.contains(&(w[0], w[1])) {
            covered[i] = true;
            covered[i + 1] = true;
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |run: &mut Vec<char>| {
        let phrase: String = trim_particles(run).iter().collect();
        if !phrase.is_empty() && !out.contains(&phrase) {
            out.push(phrase);
        }
        run.clear();
    };
    let mut current: Vec<char> = Vec::new();
    for (c, on) in japanese.iter().zip(&covered) {
        if *on && *c != ' ' {
            current.push(*c);
        } else if !current.is_empty() {
            push(&mut current);
        }
    }
    if !current.is_empty() {
        push(&mut current);
    }
    out
}

/// A phrase without the particle a bigram took along at either end
/// ("にサインインで" -> "サインイン"): one hiragana next to kanji or katakana.
fn trim_particles(run: &[char]) -> &[char] {
    let hiragana = |c: char| ('\u{3041}'..='\u{309F}').contains(&c);
    let mut run = run;
    if run.len() >= 3 && hiragana(run[0]) && !hiragana(run[1]) {
        run = &run[1..];
    }
    let n = run.len();
    if n >= 3 && hiragana(run[n - 1]) && !hiragana(run[n - 2]) {
        run = &run[..n - 1];
    }
    run
}
