//! Shared by `train-understand` and `eval-corpus`: reading the corpus, the
//! code evidence `diagnose` finds today, training with cross-validation,
//! and the figures.

use m365doctor_codes::Layer;
use m365doctor_diagnose::{Input, MessageMatcher, Options};
use m365doctor_kb::model::risk_rank;
use m365doctor_kb::Kb;
use m365doctor_understand::model::{self, Example, Layout, Objective, Params};
use m365doctor_understand::{Engine, Evidence, EvidenceKind, Query, Understanding};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub id: String,
    pub lang: String,
    pub text: String,
    pub layers: Vec<String>,
    pub entry: Option<String>,
    pub actions: Vec<String>,
    pub split: String,
    #[serde(default)]
    pub confirmed_fix: bool,
    #[serde(default)]
    pub apps: Vec<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub has_code: bool,
}

/// The reports of one split (`train` or `test`), in file order.
pub fn load(path: &Path, split: &str) -> Result<Vec<Report>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Report =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        if r.split == split {
            out.push(r);
        }
    }
    Ok(out)
}

/// What the code grammar and the dialog matcher of `diagnose` find in a
/// text today, as evidence for the model.
pub struct CodeReader {
    kb: Kb,
    matcher: MessageMatcher,
}

impl Default for CodeReader {
    fn default() -> Self {
        Self::new()
    }
}

impl CodeReader {
    pub fn new() -> CodeReader {
        let kb = Kb::bundled();
        let matcher = MessageMatcher::new(&kb);
        CodeReader { kb, matcher }
    }

    pub fn evidence(&self, text: &str) -> Vec<Evidence> {
        let inputs = [Input::new("report", text)];
        let case = m365doctor_diagnose::diagnose_with(
            &inputs,
            &self.kb,
            &self.matcher,
            &Options::default(),
        );
        let mut out = Vec::new();
        for f in &case.findings {
            // The code's own layer at its confidence, or the layer its
            // structure and its line's program point at, with less weight.
            let (layer, weight) = match f.layer_evidence() {
                Some((layer, weight)) => (Some(layer), weight),
                None => (f.entry.as_ref().and_then(|e| e.layer()), f.confidence),
            };
            out.push(Evidence {
                kind: EvidenceKind::Code,
                label: f.interpretation.normalized.clone(),
                entry: f.entry.as_ref().map(|e| e.id().to_string()),
                layer,
                weight,
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
                    m365doctor_dsreg::Severity::Error => 0.6,
                    m365doctor_dsreg::Severity::Warning => 0.2,
                    m365doctor_dsreg::Severity::Info => continue,
                };
                out.push(Evidence {
                    kind: EvidenceKind::Code,
                    label: "dsregcmd".into(),
                    entry: None,
                    layer: Some(f.layer),
                    weight,
                });
            }
        }
        out
    }
}

/// A report with everything the model needs, computed once.
pub struct Prepared {
    pub report: Report,
    pub evidence: Vec<Evidence>,
    pub example: Example,
}

pub fn prepare(engine: &Engine, reader: &CodeReader, reports: Vec<Report>) -> Vec<Prepared> {
    reports
        .into_iter()
        .map(|report| {
            let evidence = reader.evidence(&report.text);
            let query = Query {
                text: &report.text,
                evidence: &evidence,
                ..Query::default()
            };
            let (features, _, _) = engine.features(&query);
            let layers = report
                .layers
                .iter()
                .filter_map(|l| Layer::from_id(l))
                .map(model::layer_index)
                .collect();
            let entry = report
                .entry
                .as_deref()
                .and_then(|id| engine.entry_position(id));
            Prepared {
                example: Example {
                    features,
                    layers,
                    entry,
                },
                evidence,
                report,
            }
        })
        .collect()
}

/// The training settings (chosen by cross-validation on the training
/// split with `train-understand --search`).
pub const OBJECTIVE: Objective = Objective {
    entry: 0.5,
    l2_clue: 0.3,
    l2: 0.01,
    l2_gate: 0.1,
};
pub const STEPS: usize = 600;
pub const FOLDS: usize = 5;

pub fn train(examples: &[Example], objective: Objective, steps: usize) -> Vec<f64> {
    model::fit(examples, &Params::prior().weights, objective, steps)
}

/// Out-of-fold weights: for each report, the weights trained without its
/// fold (report `i` is in fold `i % FOLDS`).
pub fn cross_validate(prepared: &[Prepared], objective: Objective, steps: usize) -> Vec<Vec<f64>> {
    let mut per_fold = Vec::new();
    for fold in 0..FOLDS {
        let examples: Vec<Example> = prepared
            .iter()
            .enumerate()
            .filter(|(i, _)| i % FOLDS != fold)
            .map(|(_, p)| p.example.clone())
            .collect();
        per_fold.push(train(&examples, objective, steps));
    }
    (0..prepared.len())
        .map(|i| per_fold[i % FOLDS].clone())
        .collect()
}

/// The calibration (Platt) from out-of-fold predictions: the best layer's
/// uncalibrated share and whether it was acceptable.
/// The points the calibration is fitted on, from out-of-fold predictions:
/// every layer's uncalibrated probability (above 1%) and whether that layer
/// is an acceptable answer for the report. Fitting on every layer, not only
/// the best one, keeps the other layers' scores honest too.
pub fn calibration_points(prepared: &[Prepared], weights: &[Vec<f64>]) -> Vec<(f64, bool)> {
    let mut points = Vec::new();
    for (p, w) in prepared.iter().zip(weights) {
        if p.report.layers.is_empty() {
            continue;
        }
        let (scores, none) = p.example.features.scores(w);
        let (pe, _) = model::predict(&scores, none);
        let lp = model::layer_probabilities(&pe, &p.example.features.layers);
        for (i, &share) in lp.iter().enumerate() {
            if share < 0.01 {
                continue;
            }
            let right = p.report.layers.iter().any(|l| *l == Layer::ALL[i].id());
            points.push((share, right));
        }
    }
    points
}

/// The steps of the plan: the plan entries' steps without repeats, least
/// invasive first, users' before admins' at the same risk (as `diagnose`
/// merges them).
pub fn plan(kb: &Kb, entries: &[&str]) -> Vec<String> {
    let mut steps = plan_in_entry_order(kb, entries);
    steps.sort_by_key(|(risk, admin, _)| (*risk, *admin));
    steps.into_iter().map(|(_, _, a)| a).collect()
}

/// The plan's steps in the entries' own order (each entry lists its steps
/// least invasive first), the best entry's first, without repeats: the
/// alternative to `diagnose`'s global sort that the evaluation also reports.
pub fn plan_entry_order(kb: &Kb, entries: &[&str]) -> Vec<String> {
    plan_in_entry_order(kb, entries)
        .into_iter()
        .map(|(_, _, a)| a)
        .collect()
}

fn plan_in_entry_order(kb: &Kb, entries: &[&str]) -> Vec<(usize, bool, String)> {
    let mut steps: Vec<(usize, bool, String)> = Vec::new();
    for id in entries {
        let Some((entry, _)) = kb.get(id) else {
            continue;
        };
        for s in entry.steps.iter() {
            if steps.iter().any(|(_, _, a)| a == s.action.as_ref()) {
                continue;
            }
            steps.push((risk_rank(&s.risk), s.who == "admin", s.action.to_string()));
        }
    }
    steps
}

/// One report's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub lang: String,
    pub has_code: bool,
    pub main: Option<String>,
    pub predicted: Option<String>,
    pub score: f64,
    pub layer1: bool,
    pub layer2: bool,
    pub entry3: Option<bool>,
    pub fix3: Option<bool>,
    /// The same with the plan in the entries' own order.
    pub fix3_entry_order: Option<bool>,
    pub empty: bool,
}

pub fn outcome(kb: &Kb, report: &Report, u: &Understanding) -> Outcome {
    let acceptable = |l: &str| report.layers.iter().any(|x| x == l);
    let sign_in = !report.layers.is_empty();
    let predicted = u.top_layer().map(|l| l.layer.id().to_string());
    let (layer1, layer2) = if sign_in {
        let top2: Vec<&str> = if u.about_sign_in {
            u.layers.iter().take(2).map(|l| l.layer.id()).collect()
        } else {
            Vec::new()
        };
        (
            top2.first().is_some_and(|l| acceptable(l)),
            top2.iter().any(|l| acceptable(l)),
        )
    } else {
        (!u.about_sign_in, !u.about_sign_in)
    };
    let entry3 = report
        .entry
        .as_ref()
        .map(|e| u.about_sign_in && u.entries.iter().take(3).any(|m| &m.id == e));
    let fix3 = (sign_in && report.confirmed_fix).then(|| {
        if !u.about_sign_in {
            return false;
        }
        let steps = plan(kb, &u.plan_entries());
        steps.iter().take(3).any(|a| report.actions.contains(a))
    });
    let fix3_entry_order = (sign_in && report.confirmed_fix).then(|| {
        u.about_sign_in
            && plan_entry_order(kb, &u.plan_entries())
                .iter()
                .take(3)
                .any(|a| report.actions.contains(a))
    });
    Outcome {
        lang: report.lang.clone(),
        has_code: report.has_code,
        main: report.layers.first().cloned(),
        predicted,
        score: u.top_layer().map_or(0.0, |l| l.score),
        layer1,
        layer2,
        entry3,
        fix3,
        fix3_entry_order,
        empty: sign_in && !u.about_sign_in,
    }
}

/// Understands a prepared report with the given weights.
pub fn understand_with(engine_params: Params, prepared: &Prepared) -> Understanding {
    let engine = Engine::bundled_with(engine_params);
    let query = Query {
        text: &prepared.report.text,
        evidence: &prepared.evidence,
        ..Query::default()
    };
    engine.understand(&query)
}

/// Figures over a set of outcomes.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub n: usize,
    pub layer1: f64,
    pub layer2: f64,
    pub entry3: f64,
    pub entry_n: usize,
    pub fix3: f64,
    pub fix3_entry_order: f64,
    pub fix_n: usize,
    pub empty: f64,
}

pub fn figures(outcomes: &[&Outcome]) -> Figures {
    let n = outcomes.len();
    let share = |k: usize, of: usize| if of == 0 { 0.0 } else { k as f64 / of as f64 };
    let sign_in: Vec<&&Outcome> = outcomes.iter().filter(|o| o.main.is_some()).collect();
    let e: Vec<bool> = outcomes.iter().filter_map(|o| o.entry3).collect();
    let f: Vec<bool> = outcomes.iter().filter_map(|o| o.fix3).collect();
    Figures {
        n,
        layer1: share(outcomes.iter().filter(|o| o.layer1).count(), n),
        layer2: share(outcomes.iter().filter(|o| o.layer2).count(), n),
        entry3: share(e.iter().filter(|x| **x).count(), e.len()),
        entry_n: e.len(),
        fix3: share(f.iter().filter(|x| **x).count(), f.len()),
        fix3_entry_order: share(
            outcomes
                .iter()
                .filter(|o| o.fix3_entry_order == Some(true))
                .count(),
            f.len(),
        ),
        fix_n: f.len(),
        empty: share(sign_in.iter().filter(|o| o.empty).count(), sign_in.len()),
    }
}

/// Rounded so that the file does not change with the last bits of floating
/// point arithmetic.
pub fn round(x: f64) -> f64 {
    let r = (x * 1e4).round() / 1e4;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

pub fn render(weights: &[f64], calibration: (f64, f64), reports: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    out.push_str(
        "// Generated by `cargo run -p train-understand` (tools/train-understand) from the\n",
    );
    let _ = writeln!(
        out,
        "// training split of corpus/reports.jsonl ({reports} reports) and the bundled knowledge base. Do not edit;"
    );
    out.push_str(
        "// `cargo run --release -p train-understand -- --check` fails when it is out of date (tolerance in tools/train-understand).\n",
    );
    let _ = writeln!(
        out,
        "// Layout (crates/understand/src/model.rs): {} dense, {} layer biases, {} clue x layer, {} none.\n",
        Layout::bias(),
        Layout::clue() - Layout::bias(),
        Layout::none() - Layout::clue(),
        Layout::size() - Layout::none()
    );
    out.push_str("#[rustfmt::skip]\npub static WEIGHTS: &[f64] = &[\n");
    for chunk in weights.chunks(10) {
        out.push_str("   ");
        for w in chunk {
            let _ = write!(out, " {:?},", round(*w));
        }
        out.push('\n');
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "pub const CALIBRATION: (f64, f64) = ({:?}, {:?});",
        round(calibration.0),
        round(calibration.1)
    );
    out
}

/// How far a checked-in weight may be from a fresh training run before the
/// file counts as out of date. Rewording a knowledge-base text moves the
/// retrieval scores a little and the weights in their third decimal; that
/// does not change what the model says. A new clue, feature or corpus
/// report does, and moves weights further or changes their number.
pub const DRIFT_TOLERANCE: f64 = 0.05;

fn numbers_after(file: &str, marker: &str, end: &str) -> Option<Vec<f64>> {
    let start = file.find(marker)? + marker.len();
    let stop = start + file[start..].find(end)?;
    file[start..stop]
        .split(|c: char| c == ',' || c.is_whitespace() || c == '(' || c == ')')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<f64>().ok())
        .collect()
}

/// Whether the checked-in generated file still fits what training produces
/// now: the same header (number of training reports, layout), the same
/// number of weights, and every weight and the calibration within
/// [`DRIFT_TOLERANCE`]. The error says what differs.
pub fn check_generated(current: &str, fresh: &str) -> Result<(), String> {
    let rerun = "run `cargo run --release -p train-understand` and commit the result";
    let header = |f: &str| -> Vec<String> {
        f.lines()
            .take_while(|l| l.starts_with("//"))
            .map(str::to_string)
            .collect()
    };
    if header(current) != header(fresh) {
        return Err(format!(
            "out of date: its header (training reports or model layout) differs from a fresh run; {rerun}"
        ));
    }
    let weights = |f: &str| numbers_after(f, "WEIGHTS: &[f64] = &[", "];");
    let calibration = |f: &str| numbers_after(f, "CALIBRATION: (f64, f64) = (", ";");
    let (Some(old), Some(new)) = (weights(current), weights(fresh)) else {
        return Err(format!("cannot read its weights; {rerun}"));
    };
    if old.len() != new.len() {
        return Err(format!(
            "out of date: {} weights, a fresh run gives {}; {rerun}",
            old.len(),
            new.len()
        ));
    }
    let (worst, at) = old
        .iter()
        .zip(&new)
        .enumerate()
        .map(|(i, (a, b))| ((a - b).abs(), i))
        .fold((0.0, 0), |m, x| if x.0 > m.0 { x } else { m });
    if worst > DRIFT_TOLERANCE {
        return Err(format!(
            "out of date: weight {} ({}) is {:.4}, a fresh run gives {:.4}; {rerun}",
            at,
            model::weight_name(at),
            old[at],
            new[at]
        ));
    }
    let (Some(c_old), Some(c_new)) = (calibration(current), calibration(fresh)) else {
        return Err(format!("cannot read its calibration; {rerun}"));
    };
    if c_old
        .iter()
        .zip(&c_new)
        .any(|(a, b)| (a - b).abs() > DRIFT_TOLERANCE)
    {
        return Err(format!(
            "out of date: calibration {c_old:?}, a fresh run gives {c_new:?}; {rerun}"
        ));
    }
    Ok(())
}
