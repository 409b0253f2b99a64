//! Joins the evidence of one or more texts into one diagnosis: findings
//! ranked by likelihood, the suspected layers, and one merged plan of steps,
//! least invasive first.

use crate::extract::{self, Certainty, IdKind};
use crate::redact::Redactor;
use aho_corasick::{AhoCorasick, MatchKind};
use m365doctor_codes::interpret::{decode, Decoded, Interpretation, Kind};
use m365doctor_codes::{Layer, Message};
use m365doctor_kb::model::{interpretation_key, risk_rank, Bi};
use m365doctor_kb::{action, Kb};
use std::collections::BTreeMap;

/// One text to diagnose.
#[derive(Debug, Clone)]
pub struct Input {
    pub source: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Apps the user says the problem is in.
    pub apps: Vec<String>,
    /// Actions the user already tried; left out of the plan.
    pub tried: Vec<String>,
    /// Redact user names, e-mail addresses, tenant and device ids, IPs.
    pub redact: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub source: String,
    pub line: usize,
    pub text: String,
}

/// One code found, with its best reading and how sure we are.
#[derive(Debug, Clone)]
pub struct Finding {
    pub interpretation: Interpretation,
    /// The whole decoding, with every reading, for display.
    pub decoded: Decoded,
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
    /// For the sub-error of a pair: the phase code it explains.
    pub explains: Option<String>,
}

/// A knowledge-base dialog text recognised in the input.
#[derive(Debug, Clone)]
pub struct Symptom {
    pub entry: String,
    pub layer: Option<Layer>,
    pub matched: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub score: f64,
}

#[derive(Debug, Clone)]
pub struct PlanStep {
    pub action: String,
    pub who: String,
    pub risk: String,
    pub title: Bi,
    pub text: Bi,
    pub entry: String,
}

#[derive(Debug, Clone, Default)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    pub symptoms: Vec<Symptom>,
    pub layers: Vec<(Layer, f64)>,
    pub plan: Vec<PlanStep>,
    pub correlation_ids: Vec<String>,
    pub request_ids: Vec<String>,
    pub trace_ids: Vec<String>,
    pub timestamps: Vec<String>,
    pub apps: Vec<String>,
    pub events: Vec<(u32, Evidence)>,
    pub tried: Vec<String>,
    pub notes: Vec<Message>,
}

/// Layers that explain failures reported by the layers above them: a broker
/// error next to a DNS failure is the DNS failure.
fn explanatory(layer: Layer) -> bool {
    matches!(layer, Layer::Network | Layer::ProxyTls | Layer::Clock)
}

fn line_text(text: &str, line: usize) -> &str {
    text.lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim()
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

/// Matches the knowledge base's dialog texts, case-insensitively for ASCII.
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

    /// (entry id, message, line) for every message found.
    pub fn find(&self, text: &str) -> Vec<(String, String, usize)> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            for m in ac.find_overlapping_iter(line) {
                let (id, message) = &self.targets[m.pattern().as_usize()];
                out.push((id.clone(), message.clone(), n + 1));
            }
        }
        out
    }
}

pub fn diagnose(inputs: &[Input], kb: &Kb, options: &Options) -> Diagnosis {
    diagnose_with(inputs, kb, &MessageMatcher::new(kb), options)
}

pub fn diagnose_with(
    inputs: &[Input],
    kb: &Kb,
    matcher: &MessageMatcher,
    options: &Options,
) -> Diagnosis {
    let mut d = Diagnosis {
        tried: options.tried.clone(),
        ..Diagnosis::default()
    };
    let mut redactor = Redactor::new();
    let mut redact = |s: &str| {
        if options.redact {
            redactor.redact(s)
        } else {
            s.to_string()
        }
    };
    let mut apps: Vec<String> = options.apps.clone();
    // First pass: apps, so that every code is read in the right context.
    let extracted: Vec<_> = inputs.iter().map(|i| extract::extract(&i.text)).collect();
    for e in &extracted {
        for app in &e.apps {
            if !apps.iter().any(|a| a == app) {
                apps.push(app.to_string());
            }
        }
    }
    let context: Vec<&str> = apps.iter().map(String::as_str).collect();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (input, e) in inputs.iter().zip(&extracted) {
        for found in &e.codes {
            let evidence = Evidence {
                source: input.source.clone(),
                line: found.line,
                text: shorten(&redact(line_text(&input.text, found.line))),
            };
            let decoded = decode(&found.token, &context);
            let base = match found.certainty {
                Certainty::Explicit => 0.9,
                Certainty::Shape => 0.8,
                Certainty::Labelled => 0.6,
            };
            let mut add = |decoded: &Decoded, confidence: f64, explains: Option<String>| {
                let Some(best) = decoded.interpretations.first() else {
                    return;
                };
                let key = interpretation_key(best.kind, &best.normalized);
                match by_key.get(&key) {
                    Some(&i) => {
                        let f: &mut Finding = &mut d.findings[i];
                        f.confidence = (f.confidence.max(confidence) + 0.05).min(0.99);
                        if f.evidence.len() < 5 && !f.evidence.contains(&evidence) {
                            f.evidence.push(evidence.clone());
                        }
                        if f.explains.is_none() {
                            f.explains = explains;
                        }
                    }
                    None => {
                        let mut interpretation = best.clone();
                        let mut entry_context = context.clone();
                        entry_context.extend(interpretation.apps.iter().copied());
                        if let Some((entry, source)) = kb.find(&key, &entry_context) {
                            interpretation.entry = Some(entry.id.to_string());
                            interpretation.entry_source = Some(source.label());
                            interpretation.actions = m365doctor_kb::entry_actions(entry)
                                .iter()
                                .map(|a| a.to_string())
                                .collect();
                            if interpretation.layer.is_none() {
                                interpretation.layer = Layer::from_id(&entry.layer);
                            }
                        }
                        let confidence = if interpretation.entry.is_some() {
                            confidence
                        } else {
                            confidence * 0.85
                        };
                        by_key.insert(key, d.findings.len());
                        d.findings.push(Finding {
                            interpretation,
                            decoded: decoded.clone(),
                            confidence,
                            evidence: vec![evidence.clone()],
                            explains,
                        });
                    }
                }
            };
            add(&decoded, base, None);
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
            let list = match id.kind {
                IdKind::Correlation => &mut d.correlation_ids,
                IdKind::Request => &mut d.request_ids,
                IdKind::Trace => &mut d.trace_ids,
                IdKind::Timestamp => &mut d.timestamps,
            };
            if !list.contains(&id.value) {
                list.push(id.value.clone());
            }
        }
        for &(event, line) in &e.events {
            d.events.push((
                event,
                Evidence {
                    source: input.source.clone(),
                    line,
                    text: shorten(&redact(line_text(&input.text, line))),
                },
            ));
        }
        for (entry, message, line) in matcher.find(&input.text) {
            let evidence = Evidence {
                source: input.source.clone(),
                line,
                text: shorten(&redact(line_text(&input.text, line))),
            };
            match d.symptoms.iter_mut().find(|s| s.entry == entry) {
                Some(s) => {
                    if !s.matched.contains(&message) {
                        s.matched.push(message);
                    }
                    if s.evidence.len() < 3 && !s.evidence.contains(&evidence) {
                        s.evidence.push(evidence);
                    }
                }
                None => {
                    let layer = kb.get(&entry).and_then(|(e, _)| Layer::from_id(&e.layer));
                    d.symptoms.push(Symptom {
                        entry,
                        layer,
                        matched: vec![message],
                        evidence: vec![evidence],
                        score: 0.0,
                    });
                }
            }
        }
    }
    // A symptom whose entry also answers a code adds nothing new.
    let code_entries: Vec<String> = d
        .findings
        .iter()
        .filter_map(|f| f.interpretation.entry.clone())
        .collect();
    for s in &mut d.symptoms {
        let codeless = kb.get(&s.entry).is_some_and(|(e, _)| e.codes.is_empty());
        let per_text = if codeless { 0.35 } else { 0.25 };
        // Longer matched texts are more specific.
        let length_bonus: f64 = s
            .matched
            .iter()
            .map(|m| (m.chars().count() as f64 / 200.0).min(0.15))
            .sum();
        s.score = (per_text * s.matched.len().min(3) as f64 + length_bonus).min(0.95);
        if code_entries.contains(&s.entry) {
            s.score *= 0.5;
        }
    }
    d.symptoms.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entry.cmp(&b.entry))
    });
    rank(&mut d);
    d.plan = plan(&d, kb, &options.tried);
    d.apps = apps;
    d
}

impl Diagnosis {
    /// Adds evidence for a layer from another analysis (the dsregcmd rules)
    /// and ranks the layers again.
    pub fn add_layer_evidence(&mut self, layer: Layer, weight: f64) {
        match self.layers.iter_mut().find(|(l, _)| *l == layer) {
            Some((_, score)) => *score += weight,
            None => self.layers.push((layer, weight)),
        }
        self.layers.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
}

/// An AADSTS code is the server's own reason for the OAuth error that the
/// broker reports as a 0xCAA2xxxx protocol code; the broker code only
/// repeats it.
fn aadsts_explains_protocol_errors(d: &mut Diagnosis) {
    let Some(aadsts) = d
        .findings
        .iter()
        .position(|f| f.interpretation.kind == Kind::Aadsts)
    else {
        return;
    };
    let mut explained = None;
    for f in &mut d.findings {
        let protocol =
            f.interpretation.kind == Kind::Caa && (f.interpretation.value >> 16) & 0xFFF == 0xAA2;
        if protocol {
            f.confidence *= 0.6;
            explained.get_or_insert_with(|| f.interpretation.normalized.clone());
        }
    }
    if let Some(code) = explained {
        let f = &mut d.findings[aadsts];
        f.explains.get_or_insert(code);
    }
}

fn rank(d: &mut Diagnosis) {
    aadsts_explains_protocol_errors(d);
    // A network, proxy or clock failure reported by the operating system
    // explains the broker or library error next to it (0xCAA70004 beside
    // 0x80072EE7 is a name-resolution failure).
    let has_upper = d.findings.iter().any(|f| {
        f.interpretation.kind == Kind::Caa
            || f.interpretation.layer.is_some_and(|l| !explanatory(l))
    });
    let is_root = |f: &Finding| {
        f.interpretation.kind != Kind::Caa && f.interpretation.layer.is_some_and(explanatory)
    };
    for f in &mut d.findings {
        if has_upper && is_root(f) {
            f.confidence = (f.confidence + 0.08).min(0.99);
        }
        if f.explains.is_some() {
            f.confidence = (f.confidence + 0.04).min(0.99);
        }
    }
    // Root causes first, then by confidence.
    let key = |f: &Finding| f.confidence + if has_upper && is_root(f) { 0.15 } else { 0.0 };
    d.findings.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let mut scores: BTreeMap<Layer, f64> = BTreeMap::new();
    for f in &d.findings {
        if let Some(layer) = f.interpretation.layer {
            let weight = if has_upper && is_root(f) { 1.4 } else { 1.0 };
            *scores.entry(layer).or_insert(0.0) += f.confidence * weight;
        }
    }
    // Dialog texts are generic ("Something went wrong"); next to a code they
    // only break ties.
    let coded = d.findings.iter().any(|f| f.confidence >= 0.6);
    for s in &d.symptoms {
        if let Some(layer) = s.layer {
            *scores.entry(layer).or_insert(0.0) += if coded { s.score * 0.3 } else { s.score };
        }
    }
    let mut layers: Vec<(Layer, f64)> = scores.into_iter().filter(|(_, s)| *s > 0.0).collect();
    layers.sort_by(|a, b| b.1.total_cmp(&a.1));
    d.layers = layers;
}

/// One merged plan: the steps of the most likely findings' entries and of the
/// recognised dialogs, without repeats or what was already tried, least
/// invasive first (users' steps before admins' at the same risk).
fn plan(d: &Diagnosis, kb: &Kb, tried: &[String]) -> Vec<PlanStep> {
    let mut entries: Vec<String> = Vec::new();
    let strong: Vec<&Finding> = d
        .findings
        .iter()
        .filter(|f| f.confidence >= 0.5)
        .take(3)
        .collect();
    for f in strong {
        if let Some(e) = &f.interpretation.entry {
            if !entries.contains(e) {
                entries.push(e.clone());
            }
        }
    }
    // Dialog texts are generic; they shape the plan only when no code does.
    if entries.is_empty() {
        for s in d.symptoms.iter().take(2) {
            if !entries.contains(&s.entry) && (entries.is_empty() || s.score >= 0.35) {
                entries.push(s.entry.clone());
            }
        }
    }
    let mut steps: Vec<PlanStep> = Vec::new();
    for id in &entries {
        let Some((entry, _)) = kb.get(id) else {
            continue;
        };
        for s in entry.steps.iter() {
            if tried.iter().any(|t| t == s.action.as_ref())
                || steps.iter().any(|p| p.action == s.action.as_ref())
            {
                continue;
            }
            let title = action(&s.action)
                .map(|a| a.title.clone())
                .unwrap_or_else(|| Bi {
                    en: s.action.clone(),
                    ja: s.action.clone(),
                });
            steps.push(PlanStep {
                action: s.action.to_string(),
                who: s.who.to_string(),
                risk: s.risk.to_string(),
                title,
                text: Bi {
                    en: s.en.clone(),
                    ja: s.ja.clone(),
                },
                entry: id.clone(),
            });
        }
    }
    steps.sort_by_key(|s| (risk_rank(&s.risk), s.who == "admin"));
    steps
}
