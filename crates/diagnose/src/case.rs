//! One case: the evidence of one or more texts joined into one diagnosis.
//! Codes become findings with their knowledge-base entries, dialog texts
//! become symptoms, `dsregcmd /status` captures are diagnosed by their own
//! rules; the words of the texts and all that evidence are read together
//! by the text understanding (`understanding.rs`), which ranks the layers
//! and the entries, and one merged plan of steps is made (`plan.rs`).
//! Evidence is redacted as it is quoted, by the case's one [`Redactor`].

use crate::lines::Lines;
use crate::prepare::{self, Prepared};
use crate::rank;
use crate::redact::Redactor;
use crate::symptoms::{self, MessageMatcher};
use crate::understanding::{self, Diagnoser, Match};
use m365doctor_codes::context::{layer_hint, HintBasis, LayerHint};
use m365doctor_codes::interpret::{decode, Decoded, Interpretation};
use m365doctor_codes::{Lang, Layer, Message};
use m365doctor_dsreg::Report;
use m365doctor_kb::model::{interpretation_key, Step};
use m365doctor_kb::{Action, Entry, Found, Kb};
use m365doctor_scan::{Certainty, IdKind};
use m365doctor_understand::{Answer, Clue, Engine, Question, Understanding};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

/// One text to diagnose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where it comes from: a path, `stdin`, `logs.zip!Teams/logs.txt`.
    pub source: String,
    pub text: String,
    /// The encoding it was decoded from, when it was read from bytes.
    pub encoding: Option<&'static str>,
}

impl Input {
    pub fn new(source: impl Into<String>, text: impl Into<String>) -> Input {
        Input {
            source: source.into(),
            text: text.into(),
            encoding: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Apps the user says the problem is in.
    pub apps: Vec<String>,
    /// Actions the user already tried; left out of the plan.
    pub tried: Vec<String>,
    /// Redact user names, e-mail addresses, tenant and device ids, IPs.
    pub redact: bool,
    /// The redactor to continue when redacting (an evidence bundle's, so
    /// that the report's placeholders are those of its files); a new one
    /// by default.
    pub redactor: Redactor,
    /// Answers to the questions, (question id, answer id), each re-ranking
    /// the case (see [`crate::parse_answer`]; unknown ids are left out, so
    /// front ends check them first).
    pub answers: Vec<(String, String)>,
    /// Ends the diagnosis early when set (a server whose caller gave up).
    pub stop: crate::Stop,
}

/// A line quoted as evidence, redacted when the case is.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub source: String,
    pub line: usize,
    pub text: String,
}

impl Evidence {
    pub(crate) fn is_at(&self, (source, line): (&str, usize)) -> bool {
        self.line == line && self.source == source
    }
}

/// One code found, with its best reading, its knowledge-base entry and how
/// sure we are.
#[derive(Debug, Clone)]
pub struct Finding<'kb> {
    pub interpretation: Interpretation,
    /// The whole decoding, with every reading, for display.
    pub decoded: Decoded,
    pub entry: Option<Found<'kb>>,
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
    /// For the sub-error of a pair: the phase code it explains.
    pub explains: Option<String>,
    /// The layer the code points at where it was printed: its own layer, or
    /// for a code without one the layer its structure and the program of
    /// its line point at, with a share of the confidence and why
    /// (`m365doctor_codes::context`).
    pub context: Option<LayerHint>,
}

impl Finding<'_> {
    /// The layer this finding is evidence for, with its weight (0–1): the
    /// code's own layer at the finding's confidence, or the layer read from
    /// the code's structure and context at a share of it. What the words
    /// engine takes as a code's evidence.
    pub fn layer_evidence(&self) -> Option<(Layer, f64)> {
        match &self.context {
            Some(h) => Some((h.layer, self.confidence * h.factor)),
            None => self.interpretation.layer.map(|l| (l, self.confidence)),
        }
    }
}

/// Something the texts say besides codes (a knowledge-base dialog text),
/// pointing at an entry.
#[derive(Debug, Clone)]
pub struct Symptom<'kb> {
    pub entry: Found<'kb>,
    pub layer: Option<Layer>,
    /// The entry's confirmed dialog texts that were found (whole).
    pub matched: Vec<String>,
    /// The entry's unconfirmed wordings found by their key phrases: a sign
    /// of the dialog, never quoted as the dialog itself.
    pub unconfirmed: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub score: f64,
}

/// One step of the merged plan: a step of an entry, with its action.
#[derive(Debug, Clone, Copy)]
pub struct PlanStep<'kb> {
    pub entry: &'kb Entry,
    pub step: &'kb Step,
    /// The action from the vocabulary (kb/actions.toml).
    pub action: Option<&'static Action>,
}

impl<'kb> PlanStep<'kb> {
    pub fn action_id(&self) -> &'kb str {
        &self.step.action
    }

    /// The action's title in `lang`; its id when the vocabulary does not know it.
    pub fn title(&self, lang: Lang) -> &'kb str {
        match self.action {
            Some(a) => a.title.get(lang),
            None => &self.step.action,
        }
    }

    /// What to do, in `lang`.
    pub fn text(&self, lang: Lang) -> &'kb str {
        match lang {
            Lang::En => &self.step.en,
            Lang::Ja => &self.step.ja,
        }
    }
}

/// The whole case.
#[derive(Debug, Clone, Default)]
pub struct Case<'kb> {
    /// Most likely first.
    pub findings: Vec<Finding<'kb>>,
    /// Best first.
    pub symptoms: Vec<Symptom<'kb>>,
    /// Whether the texts are about signing in at all; when not, the case
    /// has no layers and no plan ("this does not look like a sign-in problem").
    pub about_sign_in: bool,
    /// The suspected layers with their calibrated scores (0–1: of the
    /// layers given 0.8, about 80% are right), most likely first; those
    /// below 0.05 are left out.
    pub layers: Vec<(Layer, f64)>,
    /// The best knowledge-base entries (up to three), with why they match.
    pub best: Vec<Match<'kb>>,
    /// What the words say: apps, platform, situation.
    pub clues: Vec<Clue>,
    /// Questions that would separate the candidates, the most telling first
    /// (only when the best layer's score is below 0.8).
    pub questions: Vec<&'static Question>,
    /// The answers given, in order.
    pub answers: Vec<(&'static Question, &'static Answer)>,
    pub plan: Vec<PlanStep<'kb>>,
    pub correlation_ids: Vec<String>,
    pub request_ids: Vec<String>,
    pub trace_ids: Vec<String>,
    pub timestamps: Vec<String>,
    pub apps: Vec<String>,
    pub events: Vec<(u32, Evidence)>,
    pub tried: Vec<String>,
    /// One report per dsregcmd capture, in input order.
    pub dsreg: Vec<Report>,
    /// What was done to read the inputs: HTML read as text, an earlier
    /// report recognised, text not read for its wording.
    pub notes: Vec<Message>,
    /// The understanding of the words, kept to re-rank with answers.
    pub(crate) understanding: Option<Understanding>,
    /// The report's redactor, when it redacts: every placeholder given out
    /// so far, the dsregcmd captures' identifiers included. Documents are
    /// rendered with copies of it, so each gives a value the same placeholder.
    pub(crate) redactor: Option<Redactor>,
}

/// Diagnoses `inputs`, dsregcmd captures included.
pub fn diagnose<'kb>(inputs: &[Input], kb: &'kb Kb, options: &Options) -> Case<'kb> {
    Diagnoser::new(kb).diagnose(inputs, kb, options)
}

/// Same as [`diagnose`] with a matcher built once; the text understanding
/// is the bundled one, or built now over a company's entries. A server
/// keeps a [`Diagnoser`] instead, which holds both.
pub fn diagnose_with<'kb>(
    inputs: &[Input],
    kb: &'kb Kb,
    matcher: &MessageMatcher,
    options: &Options,
) -> Case<'kb> {
    let own = understanding::engine_for(kb);
    let engine = own.as_ref().unwrap_or_else(|| Engine::bundled());
    run(inputs, kb, matcher, engine, options)
}

impl Diagnoser {
    /// Diagnoses `inputs` with the knowledge base this diagnoser was built for.
    pub fn diagnose<'kb>(&self, inputs: &[Input], kb: &'kb Kb, options: &Options) -> Case<'kb> {
        run(inputs, kb, &self.matcher, self.engine(), options)
    }
}

/// What the text understanding reads for some inputs: the words, the
/// evidence of the codes, dialog texts, device findings and events, and the
/// apps. `diagnose` passes exactly this; training reads it too
/// (tools/train-understand).
#[derive(Debug, Clone)]
pub struct UnderstandingInput {
    pub text: String,
    pub evidence: Vec<m365doctor_understand::Evidence>,
    pub apps: Vec<String>,
}

impl Diagnoser {
    /// What the text understanding reads for `inputs` (see [`UnderstandingInput`]).
    pub fn understanding_input(
        &self,
        inputs: &[Input],
        kb: &Kb,
        options: &Options,
    ) -> UnderstandingInput {
        let c = collect(inputs, kb, &self.matcher, options);
        UnderstandingInput {
            evidence: understanding::evidence(&c.case),
            apps: c.case.apps.clone(),
            text: c.words,
        }
    }
}

fn run<'kb>(
    inputs: &[Input],
    kb: &'kb Kb,
    matcher: &MessageMatcher,
    engine: &Engine,
    options: &Options,
) -> Case<'kb> {
    let Collected {
        mut case,
        words,
        recorded,
    } = collect(inputs, kb, matcher, options);
    let mut u = understanding::understand(engine, &case, &words);
    // The answers given now, then those an earlier report recorded.
    let mut answers: Vec<(&str, &str)> = options
        .answers
        .iter()
        .map(|(q, a)| (q.as_str(), a.as_str()))
        .collect();
    for (q, a) in &recorded {
        if !answers.iter().any(|(given, _)| given == q) {
            answers.push((q, a));
        }
    }
    for (q, a) in answers {
        // Unknown ids are the front end's to report.
        let _ = engine.answer(&mut u, q, a);
    }
    understanding::apply(&mut case, kb, u);
    case
}

/// A case before the understanding: its evidence, the words to read and
/// the answers an earlier report recorded.
struct Collected<'kb> {
    case: Case<'kb>,
    words: String,
    recorded: Vec<(String, String)>,
}

fn collect<'kb>(
    inputs: &[Input],
    kb: &'kb Kb,
    matcher: &MessageMatcher,
    options: &Options,
) -> Collected<'kb> {
    // HTML read as text, an earlier report's own lines left out.
    let prepared: Vec<Prepared> = {
        let texts: Vec<&str> = inputs.iter().map(|i| i.text.as_str()).collect();
        prepare::prepare_all(&texts)
    };
    let texts: Vec<&str> = prepared.iter().map(|p| p.text.as_str()).collect();
    let mut redactor = options.redact.then(|| options.redactor.clone());
    // The rules read the capture as it is (a `.local` UPN suffix, equal
    // tenant ids); its identifiers are known to the redactor before any
    // evidence is quoted, so they have one placeholder everywhere.
    let stop = &options.stop;
    let dsreg: Vec<Report> = texts
        .iter()
        .take_while(|_| !stop.is_stopped())
        .flat_map(|t| m365doctor_dsreg::parse(t))
        .map(|c| m365doctor_dsreg::diagnose_with(&c, kb))
        .collect();
    if let Some(r) = &mut redactor {
        for report in &dsreg {
            r.learn_capture(report.capture());
        }
        texts.iter().for_each(|t| r.learn(t));
    }
    // Evidence names its file as the report shows it (`/home/<user-1>/…`).
    let sources: Vec<String> = inputs
        .iter()
        .map(|i| {
            redactor
                .as_mut()
                .map_or_else(|| i.source.clone(), |r| r.redact(&i.source))
        })
        .collect();
    let mut case = Case {
        tried: options.tried.clone(),
        ..Case::default()
    };
    let mut quote = |source: &str, line: usize, text: &str| Evidence {
        source: source.to_string(),
        line,
        text: shorten(&match &mut redactor {
            Some(r) => r.redact(quotable(text)),
            None => crate::blank_secrets(quotable(text)),
        }),
    };
    let mut apps: Vec<String> = options.apps.clone();
    // First pass: apps, so that every code is read in the right context.
    let extracted: Vec<_> = texts
        .iter()
        .map(|t| m365doctor_scan::extract_until(t, &|| stop.is_stopped()))
        .collect();
    for e in &extracted {
        for app in &e.apps {
            if !apps.iter().any(|a| a == app) {
                apps.push(app.to_string());
            }
        }
    }
    let context: Vec<&str> = apps.iter().map(String::as_str).collect();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids_seen: HashSet<(IdKind, String)> = HashSet::new();
    let mut decodings: HashMap<String, Rc<Decoded>> = HashMap::new();
    for ((e, source), text) in extracted.iter().zip(&sources).zip(&texts) {
        let lines = Lines::new(text);
        let source = source.as_str();
        for (n, found) in e.codes.iter().enumerate() {
            if n % 1024 == 1023 && stop.is_stopped() {
                break;
            }
            let decoded = decoded_once(&mut decodings, found, &context);
            let decoded = decoded.as_ref();
            let base = match found.certainty {
                Certainty::Explicit => 0.9,
                Certainty::Shape => 0.8,
                Certainty::Labelled => 0.6,
            };
            let at = (source, found.line);
            let text_sources = e.sources;
            let mut add = |decoded: &Decoded, confidence: f64, explains: Option<String>| {
                let Some(best) = decoded.interpretations.first() else {
                    return;
                };
                let key = interpretation_key(best.kind, &best.normalized);
                match by_key.get(&key) {
                    Some(&i) => {
                        let f = &mut case.findings[i];
                        f.confidence = (f.confidence.max(confidence) + 0.05).min(0.99);
                        if f.evidence.len() < 5 && !f.evidence.iter().any(|e| e.is_at(at)) {
                            f.evidence
                                .push(quote(source, found.line, lines.get(found.line)));
                        }
                        if f.explains.is_none() {
                            f.explains = explains;
                        }
                        // Another line may say more about where it came from.
                        let hint =
                            layer_hint(&f.interpretation, found.sources, text_sources, &context);
                        if hint.as_ref().map(|h| h.factor) > f.context.as_ref().map(|h| h.factor) {
                            f.context = hint;
                        }
                    }
                    None => {
                        let mut interpretation = best.clone();
                        let mut entry = kb.entry_for(&interpretation, &context);
                        if let Some(found) = &entry {
                            if interpretation.layer.is_none() {
                                interpretation.layer = found.layer();
                            }
                        }
                        let hint =
                            layer_hint(&interpretation, found.sources, text_sources, &context);
                        // The code's meaning in its program replaced an
                        // app-specific one: that app's entry does not apply.
                        if hint.as_ref().is_some_and(|h| {
                            h.basis == HintBasis::Meaning && Some(h.layer) != interpretation.layer
                        }) {
                            entry = None;
                        }
                        let confidence = if entry.is_some() {
                            confidence
                        } else {
                            confidence * 0.85
                        };
                        by_key.insert(key, case.findings.len());
                        case.findings.push(Finding {
                            interpretation,
                            decoded: decoded.clone(),
                            entry,
                            confidence,
                            evidence: vec![quote(source, found.line, lines.get(found.line))],
                            explains,
                            context: hint,
                        });
                    }
                }
            };
            add(decoded, base, None);
            if let Some(sub) = &decoded.sub_error {
                // The sub-error says why the phase failed.
                let phase = decoded
                    .interpretations
                    .first()
                    .map(|i| i.normalized.clone());
                add(sub, (base + 0.05).min(0.99), phase);
            }
        }
        for id in &e.ids {
            if ids_seen.insert((id.kind, id.value.clone())) {
                let list = match id.kind {
                    IdKind::Correlation => &mut case.correlation_ids,
                    IdKind::Request => &mut case.request_ids,
                    IdKind::Trace => &mut case.trace_ids,
                    IdKind::Timestamp => &mut case.timestamps,
                };
                list.push(id.value.clone());
            }
        }
        for &(event, line) in &e.events {
            let evidence = quote(source, line, lines.get(line));
            case.events.push((event, evidence));
        }
        if stop.is_stopped() {
            break;
        }
        for found in matcher.find(text) {
            let line = found.line;
            symptoms::add_dialog_text(&mut case.symptoms, kb, found, (source, line), || {
                quote(source, line, lines.get(line))
            });
        }
    }
    symptoms::score(&mut case);
    rank::rank(&mut case);
    case.apps = apps;
    case.dsreg = dsreg;
    // Notes name the inputs as the report shows them (redacted).
    for (source, p) in sources.iter().zip(&prepared) {
        case.notes.extend(prepare::notes(source, p));
    }
    let words = understanding::words_of(
        &sources
            .iter()
            .zip(&texts)
            .map(|(s, t)| (s.as_str(), *t))
            .collect::<Vec<_>>(),
    );
    case.notes.extend(words.notes);
    case.redactor = redactor;
    Collected {
        case,
        words: words.text,
        recorded: prepared.into_iter().flat_map(|p| p.answers).collect(),
    }
}

impl<'kb> Case<'kb> {
    /// Adds evidence for a layer from another analysis (the dsregcmd rules)
    /// and ranks the layers again.
    pub fn add_layer_evidence(&mut self, layer: Layer, weight: f64) {
        match self.layers.iter_mut().find(|(l, _)| *l == layer) {
            Some((_, score)) => *score += weight,
            None => self.layers.push((layer, weight)),
        }
        self.layers.sort_by(|a, b| b.1.total_cmp(&a.1));
    }

    /// Whether the case's reports redact names and identifiers.
    pub fn redacts(&self) -> bool {
        self.redactor.is_some()
    }

    /// The case's redactor (when it redacts), with every placeholder given
    /// out so far: a bundle continues it for the files beside the report.
    pub fn redactor(&self) -> Option<&Redactor> {
        self.redactor.as_ref()
    }

    /// Every knowledge-base entry the case names, in the order a reader
    /// meets them: the findings', the symptoms', the plan's, then the
    /// device reports'.
    pub fn entries(&self, kb: &'kb Kb) -> Vec<Found<'kb>> {
        let mut out: Vec<Found<'kb>> = Vec::new();
        let mut add = |f: Found<'kb>| {
            if !out.iter().any(|o| o.id() == f.id()) {
                out.push(f);
            }
        };
        for f in &self.findings {
            if let Some(e) = &f.entry {
                add(e.clone());
            }
        }
        for s in &self.symptoms {
            add(s.entry.clone());
        }
        for p in &self.plan {
            if let Some(f) = self.found(p.entry) {
                add(f);
            }
        }
        // The device reports name their entries by id (the dsreg crate
        // keeps no references into the knowledge base).
        for f in self.dsreg.iter().flat_map(|r| r.findings.iter()) {
            if let Some((entry, source)) = f.entry.as_deref().and_then(|id| kb.get(id)) {
                add(Found { entry, source });
            }
        }
        out
    }

    /// The entry of a plan step, with its source.
    fn found(&self, entry: &'kb Entry) -> Option<Found<'kb>> {
        self.findings
            .iter()
            .filter_map(|f| f.entry.as_ref())
            .chain(self.symptoms.iter().map(|s| &s.entry))
            .find(|f| std::ptr::eq(f.entry, entry))
            .cloned()
    }
}

/// The decoding of a code's spelling, decoded once per case: a log that
/// repeats one code on every line must not decode it on every line. The
/// memo is bounded; spellings past it are decoded each time.
fn decoded_once(
    memo: &mut HashMap<String, Rc<Decoded>>,
    found: &m365doctor_scan::FoundCode,
    context: &[&str],
) -> Rc<Decoded> {
    const MEMO: usize = 4096;
    if let Some(d) = memo.get(&found.token.text) {
        return Rc::clone(d);
    }
    let d = Rc::new(decode(&found.token, context));
    if memo.len() < MEMO {
        memo.insert(found.token.text.clone(), Rc::clone(&d));
    }
    d
}

/// The start of a line that evidence can show ([`shorten`] keeps 300
/// characters): a line of megabytes (minified JSON, a log without line
/// ends) is cut a few KiB in, at a separator so that no token or address is
/// split, before it is redacted; redacting it whole made a copy of the
/// line per pattern.
fn quotable(line: &str) -> &str {
    const KEEP: usize = 4096;
    const SEARCH: usize = 64 * 1024;
    if line.len() <= KEEP + SEARCH {
        return line;
    }
    let mut cut = KEEP;
    while !line.is_char_boundary(cut) {
        cut += 1;
    }
    let mut end = cut + SEARCH;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    match line[cut..end].find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"')) {
        Some(i) => &line[..cut + i],
        None => &line[..end],
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 300;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_line_is_cut_at_a_separator_before_it_is_quoted() {
        let token = "eyJ".to_string() + &"a".repeat(5000);
        let line = format!("{} {token} {}", "w ".repeat(2000), "x".repeat(1 << 20));
        let cut = quotable(&line);
        assert!(cut.len() < 16 * 1024, "{}", cut.len());
        assert!(cut.ends_with(&token), "the token is kept whole");
        assert_eq!(quotable("short line"), "short line");
        // Redacted and shortened as before.
        let kb = Kb::bundled();
        let text = format!("Error code: 0xCAA70004 user megan@contoso.com {line}");
        let case = diagnose(
            &[Input::new("t.log", text)],
            &kb,
            &Options {
                redact: true,
                ..Options::default()
            },
        );
        let quoted = &case.findings[0].evidence[0].text;
        assert!(quoted.starts_with("Error code: 0xCAA70004"));
        assert!(!quoted.contains("megan"), "{quoted}");
        assert_eq!(quoted.chars().count(), 301);
    }

    #[test]
    fn a_stopped_diagnosis_ends_without_reading_on() {
        let kb = Kb::bundled();
        let text = "Error code: 0xCAA70004\n".repeat(5_000);
        let inputs = [Input::new("a.log", text.clone()), Input::new("b.log", text)];
        let stop = crate::Stop::new();
        let options = Options {
            stop: stop.clone(),
            ..Options::default()
        };
        assert_eq!(
            diagnose(&inputs, &kb, &options).findings[0].evidence.len(),
            5
        );
        stop.stop();
        let case = diagnose(&inputs, &kb, &options);
        assert!(case.findings.is_empty(), "{:?}", case.findings.len());
    }
}
