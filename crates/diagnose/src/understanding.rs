//! The words of a case: what the texts say in people's own words
//! (crates/understand), combined with everything else the case found —
//! codes, recognised dialog texts, dsregcmd findings and event ids — into
//! ranked layers with calibrated scores, the best knowledge-base entries
//! with why they match, the entries whose steps make the plan, and the
//! questions to ask when the answer is unsure.
//!
//! How words and codes combine: every code, dialog text, device finding and
//! event is evidence for the model, with the confidence the case gives it;
//! the model weighs it against the words (a code decides unless the text
//! speaks clearly against it, because the code weights were trained towards
//! a strong prior). A curated code or a device error makes a case about
//! signing in whatever the words say.

use crate::case::{Case, Finding};
use crate::plan;
use crate::symptoms::MessageMatcher;
use m365doctor_codes::{Layer, Message};
use m365doctor_dsreg::Severity;
use m365doctor_kb::model::Entry;
use m365doctor_kb::{Found, Kb, Source};
use m365doctor_understand::{
    questions, Answer, Engine, Evidence, EvidenceKind, Params, Query, Question, Reason,
    Understanding,
};
use std::borrow::Cow;

pub use m365doctor_understand::questions::QUESTIONS;

/// What a diagnosis reads with, built once per knowledge base (a server
/// keeps one): the dialog-text matcher and the text-understanding engine.
/// Use it with the knowledge base it was built for.
pub struct Diagnoser {
    pub(crate) matcher: MessageMatcher,
    /// `None`: the bundled engine (static index, generated weights).
    engine: Option<Engine<'static>>,
}

impl Diagnoser {
    /// For `kb`: the bundled engine, or one built now over a company's
    /// entries and the bundled ones (a few milliseconds) when `kb` has them.
    pub fn new(kb: &Kb) -> Diagnoser {
        let engine = engine_for(kb);
        Diagnoser {
            matcher: MessageMatcher::new(kb),
            engine,
        }
    }

    /// For `kb` with other weights (training and evaluation).
    pub fn with_params(kb: &Kb, params: Params) -> Diagnoser {
        let engine = if has_org_entries(kb) {
            org_engine(kb, params)
        } else {
            Engine::bundled_with(params)
        };
        Diagnoser {
            matcher: MessageMatcher::new(kb),
            engine: Some(engine),
        }
    }

    pub fn matcher(&self) -> &MessageMatcher {
        &self.matcher
    }

    pub fn engine(&self) -> &Engine<'static> {
        self.engine.as_ref().unwrap_or_else(|| Engine::bundled())
    }
}

/// The engine for a knowledge base with a company's entries, or `None`
/// for the bundled one (use `Engine::bundled()`).
pub(crate) fn engine_for(kb: &Kb) -> Option<Engine<'static>> {
    has_org_entries(kb).then(|| org_engine(kb, Params::bundled()))
}

fn has_org_entries(kb: &Kb) -> bool {
    kb.entries().any(|(_, s)| s != Source::Bundled)
}

/// An engine over a company's entries (cloned, so that it borrows nothing)
/// and the bundled ones; a company's entry replaces a bundled one of the
/// same id, as in `Kb::get`.
fn org_engine(kb: &Kb, params: Params) -> Engine<'static> {
    let mut entries: Vec<Cow<'static, Entry>> = Vec::new();
    for (e, source) in kb.entries() {
        if entries.iter().any(|o| o.id == e.id) {
            continue;
        }
        entries.push(match source {
            Source::Bundled => match m365doctor_kb::ENTRIES.iter().find(|b| b.id == e.id) {
                Some(b) => Cow::Borrowed(b),
                None => Cow::Owned(e.clone()),
            },
            Source::Org(_) => Cow::Owned(e.clone()),
        });
    }
    Engine::over(entries, params)
}

/// An entry of the ranking, with why it ranks there.
#[derive(Debug, Clone)]
pub struct Match<'kb> {
    pub entry: Found<'kb>,
    pub layer: Layer,
    /// The model's probability of the entry (for ordering; the layers'
    /// scores are the calibrated ones).
    pub probability: f64,
    pub reasons: Vec<Reason>,
}

/// Below this calibrated score a layer is not listed (the best one always is).
const LAYER_FLOOR: f64 = 0.05;
/// At most this many layers are listed.
const LAYERS_SHOWN: usize = 5;

/// The texts the words are read from, and what was left out of them.
pub(crate) struct Words {
    pub text: String,
    pub notes: Vec<Message>,
}

/// At most this much text is read for its words (codes, dialog texts and
/// identifiers are read in all of it). A description is a few kilobytes;
/// what goes beyond this is logs, whose words say little and whose reading
/// would cost seconds.
pub const WORDS_BUDGET: usize = 256 << 10;

/// The text for the words: every input's text, up to [`WORDS_BUDGET`]
/// bytes in all, cut at a line end; a note says what was not read.
pub(crate) fn words_of(texts: &[(&str, &str)]) -> Words {
    let mut text = String::new();
    let mut skipped: Vec<(String, usize)> = Vec::new();
    for (source, t) in texts {
        let room = WORDS_BUDGET.saturating_sub(text.len());
        if t.len() <= room {
            text.push_str(t);
            text.push('\n');
            continue;
        }
        let mut cut = room.min(t.len());
        while !t.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(nl) = t[..cut].rfind('\n') {
            cut = nl + 1;
        }
        text.push_str(&t[..cut]);
        text.push('\n');
        skipped.push((source.to_string(), t.len() - cut));
    }
    let notes = skipped
        .into_iter()
        .map(|(source, bytes)| {
            let kib = bytes.div_ceil(1024);
            Message::new(
                format!("{source}: the last {kib} KiB were not read for their wording (only the first {} KiB of all the text are); codes, dialog texts and identifiers were read in all of it", WORDS_BUDGET >> 10),
                format!("{source}: 末尾の {kib} KiB は文面の解釈には使っていません (文面として読むのは全体の先頭 {} KiB までです)。エラー コード、ダイアログの文言、ID はすべての範囲から読み取っています", WORDS_BUDGET >> 10),
            )
        })
        .collect();
    Words { text, notes }
}

/// The weight of a broker error's evidence beside an operating-system root cause.
const BROKER_BESIDE_ROOT: f64 = 0.6;

/// The evidence a case gives the model besides the words: its codes (with
/// their confidence), its recognised dialog texts (with their score), its
/// dsregcmd findings (errors count more than warnings) and the sign-in
/// event ids of Windows' logs. Training reads the same (tools/train-understand).
pub fn evidence(case: &Case) -> Vec<Evidence> {
    let mut out = Vec::new();
    // A broker error beside the operating system's network, proxy or clock
    // failure is that failure as the broker saw it (0xCAA70004 beside
    // 0x80072EE7): it counts less than the root cause.
    let os_root = case.findings.iter().any(crate::rank::is_os_root);
    for f in &case.findings {
        let explained = os_root && f.interpretation.kind == m365doctor_codes::Kind::Caa;
        // The code's layer, or the one its structure and context point at
        // (at a share of the confidence), else its entry's.
        let (layer, weight) = match f.layer_evidence() {
            Some((layer, weight)) => (Some(layer), weight),
            None => (f.entry.as_ref().and_then(|e| e.layer()), f.confidence),
        };
        out.push(Evidence {
            kind: EvidenceKind::Code,
            label: f.interpretation.normalized.clone(),
            entry: f.entry.as_ref().map(|e| e.id().to_string()),
            layer,
            weight: if explained {
                weight * BROKER_BESIDE_ROOT
            } else {
                weight
            },
        });
    }
    for s in &case.symptoms {
        out.push(Evidence {
            kind: EvidenceKind::Dialog,
            label: s.matched.first().cloned().unwrap_or_default(),
            entry: Some(s.entry.id().to_string()),
            layer: s.layer,
            weight: s.score,
        });
    }
    for r in &case.dsreg {
        for f in &r.findings {
            let weight = match f.severity {
                Severity::Error => 0.6,
                Severity::Warning => 0.2,
                Severity::Info => continue,
            };
            out.push(Evidence {
                kind: EvidenceKind::Code,
                label: format!("dsregcmd: {}", f.rule),
                entry: f.entry.clone(),
                layer: Some(f.layer),
                weight,
            });
        }
    }
    let mut events: Vec<u32> = Vec::new();
    for (id, _) in &case.events {
        if events.contains(id) {
            continue;
        }
        events.push(*id);
        out.push(Evidence {
            kind: EvidenceKind::Code,
            label: format!("event {id}"),
            entry: None,
            layer: Some(event_layer(*id)),
            weight: 0.3,
        });
    }
    out
}

/// The layer an event id of the sign-in logs speaks for: User Device
/// Registration's events (2xx, 3xx) for device registration,
/// Microsoft-Windows-AAD's (1xxx) for the broker that logs them.
fn event_layer(id: u32) -> Layer {
    if id < 1000 {
        Layer::DeviceRegistration
    } else {
        Layer::WamBroker
    }
}

/// The query for a case: its words, its evidence, the apps.
pub(crate) fn understand(engine: &Engine, case: &Case, words: &str) -> Understanding {
    let evidence = evidence(case);
    let apps: Vec<&str> = case.apps.iter().map(String::as_str).collect();
    engine.understand(&Query {
        text: words,
        evidence: &evidence,
        apps: &apps,
        platform: None,
    })
}

/// Whether some evidence of the case is about signing in whatever the
/// words say: a code with a knowledge-base entry, a recognised dialog
/// text, or a device error.
fn signed_in_evidence(case: &Case) -> bool {
    case.findings
        .iter()
        .any(|f: &Finding| f.entry.is_some() && f.confidence >= 0.5)
        || !case.symptoms.is_empty()
        || case
            .dsreg
            .iter()
            .flat_map(|r| r.findings.iter())
            .any(|f| f.severity == Severity::Error)
}

/// Fills the case's ranking, questions and plan from its understanding.
/// A reason as the reports may show it: the words of the input go
/// through the case's redactor (or lose their secrets when it does not
/// redact), like every other text from the input.
fn redacted(case: &mut Case, r: &Reason) -> Reason {
    match r {
        Reason::Words(words) => Reason::Words(
            words
                .iter()
                .map(|w| match &mut case.redactor {
                    Some(red) => red.redact(w),
                    None => crate::blank_secrets(w),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

pub(crate) fn apply<'kb>(case: &mut Case<'kb>, kb: &'kb Kb, u: Understanding) {
    case.about_sign_in = u.about_sign_in || signed_in_evidence(case);
    case.clues = u.clues.clone();
    case.answers = u
        .answers
        .iter()
        .filter_map(|(q, a)| {
            let q = questions::find(q)?;
            Some((q, q.answer(a)?))
        })
        .collect();
    if case.about_sign_in {
        let mut layers: Vec<(Layer, f64)> = u
            .layers
            .iter()
            .take(LAYERS_SHOWN)
            .enumerate()
            .filter(|(i, l)| *i == 0 || l.score >= LAYER_FLOOR)
            .map(|(_, l)| (l.layer, l.score))
            .collect();
        layers.sort_by(|a, b| b.1.total_cmp(&a.1));
        case.layers = layers;
        let best = u
            .entries
            .iter()
            .filter_map(|m| {
                let (entry, source) = kb.get(&m.id)?;
                Some(Match {
                    entry: Found { entry, source },
                    layer: m.layer,
                    probability: m.probability,
                    reasons: m.reasons.iter().map(|r| redacted(case, r)).collect(),
                })
            })
            .collect();
        case.best = best;
        case.questions = u.questions.clone();
        let entries: Vec<&'kb Entry> = u
            .plan_entries()
            .iter()
            .filter_map(|id| kb.get(id).map(|(e, _)| e))
            .collect();
        case.plan = plan::plan(&entries, &case.tried);
    } else {
        case.layers.clear();
        case.best.clear();
        case.questions.clear();
        case.plan.clear();
    }
    case.understanding = Some(u);
}

impl Diagnoser {
    /// Re-ranks a case with one more answer (to one of its questions, or
    /// any question of [`QUESTIONS`]): the layers, the best entries, the
    /// questions left and the plan change as if the text had said it.
    pub fn answer<'kb>(
        &self,
        case: &mut Case<'kb>,
        kb: &'kb Kb,
        question: &str,
        answer: &str,
    ) -> Result<(), AnswerError> {
        let (q, a) = find_answer(question, answer)?;
        let Some(mut u) = case.understanding.take() else {
            return Ok(());
        };
        let result = self.engine().answer(&mut u, q.id, a.id);
        apply(case, kb, u);
        result.map_err(|_| AnswerError::unknown(question, answer))
    }
}

/// An answer that names no question or no answer of its question, or an
/// argument that is not `ID=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub message: Message,
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.en)
    }
}

impl std::error::Error for AnswerError {}

impl AnswerError {
    fn unknown(question: &str, answer: &str) -> AnswerError {
        let message = match questions::find(question) {
            None => {
                let ids = QUESTIONS
                    .iter()
                    .map(|q| q.id)
                    .collect::<Vec<_>>()
                    .join(", ");
                Message::new(
                    format!("unknown question `{question}`; the questions are: {ids}"),
                    format!("質問 `{question}` はありません。質問の ID: {ids}"),
                )
            }
            Some(q) => {
                let ids = q
                    .answers
                    .iter()
                    .map(|a| a.id)
                    .collect::<Vec<_>>()
                    .join(", ");
                Message::new(
                    format!(
                        "question `{}` has no answer `{answer}`; its answers are: {ids}",
                        q.id
                    ),
                    format!(
                        "質問 `{}` に回答 `{answer}` はありません。回答の ID: {ids}",
                        q.id
                    ),
                )
            }
        };
        AnswerError { message }
    }
}

/// The question and answer named by their ids.
pub fn find_answer(
    question: &str,
    answer: &str,
) -> Result<(&'static Question, &'static Answer), AnswerError> {
    let q = questions::find(question).ok_or_else(|| AnswerError::unknown(question, answer))?;
    let a = q
        .answer(answer)
        .ok_or_else(|| AnswerError::unknown(question, answer))?;
    Ok((q, a))
}

/// Reads `ID=VALUE` (as `--answer` and the web API take it).
pub fn parse_answer(arg: &str) -> Result<(&'static Question, &'static Answer), AnswerError> {
    let Some((q, a)) = arg.split_once(['=', ':']) else {
        let ids = QUESTIONS
            .iter()
            .map(|q| q.id)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(AnswerError {
            message: Message::new(
                format!("`{arg}` is not an answer; write QUESTION=ANSWER, for example clock=no (the questions are: {ids})"),
                format!("`{arg}` は回答の形式ではありません。QUESTION=ANSWER の形で指定してください (例: clock=no。質問の ID: {ids})"),
            ),
        });
    };
    find_answer(q.trim(), a.trim())
}

/// A clue's label in the language.
pub fn clue_label(id: &str, lang: m365doctor_codes::Lang) -> &'static str {
    match m365doctor_understand::clues::def(id) {
        Some(d) => match lang {
            m365doctor_codes::Lang::En => d.label_en,
            m365doctor_codes::Lang::Ja => d.label_ja,
        },
        None => "",
    }
}

impl Case<'_> {
    /// The ids of the entries whose steps make the plan, best first.
    pub fn plan_entries(&self) -> Vec<&str> {
        self.understanding
            .as_ref()
            .filter(|_| self.about_sign_in)
            .map(|u| u.plan_entries())
            .unwrap_or_default()
    }
}
