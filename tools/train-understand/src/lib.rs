//! Shared by `train-understand` and `eval-corpus`: reading the corpus, what
//! `diagnose` gives the text understanding for a report (its words and its
//! evidence), training with cross-validation, and the figures of the real
//! `diagnose` pipeline.

use m365doctor_codes::Layer;
use m365doctor_diagnose::{Case, Diagnoser, Input, Options, UnderstandingInput};
use m365doctor_kb::model::risk_rank;
use m365doctor_kb::Kb;
use m365doctor_understand::model::{self, Example, Layout, Objective, Params};
use m365doctor_understand::{Engine, Query, Understanding};
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

/// What `diagnose` gives the text understanding for a report: the same
/// function the CLI runs, stopped before the understanding.
pub struct CodeReader {
    kb: Kb,
    diagnoser: Diagnoser,
}

impl Default for CodeReader {
    fn default() -> Self {
        Self::new()
    }
}

impl CodeReader {
    pub fn new() -> CodeReader {
        let kb = Kb::bundled();
        let diagnoser = Diagnoser::new(&kb);
        CodeReader { kb, diagnoser }
    }

    pub fn input(&self, text: &str) -> UnderstandingInput {
        self.diagnoser.understanding_input(
            &[Input::new("report", text)],
            &self.kb,
            &Options::default(),
        )
    }
}

/// A report with everything the model needs, computed once.
pub struct Prepared {
    pub report: Report,
    pub input: UnderstandingInput,
    pub example: Example,
}

impl Prepared {
    pub fn query(&self) -> (Query<'_>, Vec<&str>) {
        let apps: Vec<&str> = self.input.apps.iter().map(String::as_str).collect();
        (
            Query {
                text: &self.input.text,
                evidence: &self.input.evidence,
                ..Query::default()
            },
            apps,
        )
    }
}

pub fn prepare(engine: &Engine, reader: &CodeReader, reports: Vec<Report>) -> Vec<Prepared> {
    reports
        .into_iter()
        .map(|report| {
            let input = reader.input(&report.text);
            let apps: Vec<&str> = input.apps.iter().map(String::as_str).collect();
            let query = Query {
                text: &input.text,
                evidence: &input.evidence,
                apps: &apps,
                platform: None,
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
                input,
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
    let per_fold = fold_weights(prepared, objective, steps);
    (0..prepared.len())
        .map(|i| per_fold[i % FOLDS].clone())
        .collect()
}

/// The weights of each fold, trained without it (report `i` is in fold
/// `i % FOLDS`).
pub fn fold_weights(prepared: &[Prepared], objective: Objective, steps: usize) -> Vec<Vec<f64>> {
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
    per_fold
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

/// The plan entries' steps without repeats, sorted by risk, users' before
/// admins' at the same risk: how `diagnose` ordered the plan before phase 2
/// of issue 13 (the evaluation reports it next to the real plan).
pub fn plan(kb: &Kb, entries: &[&str]) -> Vec<String> {
    let mut steps = plan_in_entry_order(kb, entries);
    steps.sort_by_key(|(risk, admin, _)| (*risk, *admin));
    steps.into_iter().map(|(_, _, a)| a).collect()
}

/// The plan's steps in the entries' own order (each entry lists its steps
/// least invasive first), the best entry's first, without repeats, nothing
/// moved (the real plan moves the hand-over steps; see crates/diagnose/src/plan.rs).
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
    /// fix@3 with the plan's steps in the entries' own order, nothing moved.
    pub fix3_entry_order: Option<bool>,
    /// fix@3 with the plan's steps sorted by risk (the order before phase 2).
    pub fix3_risk_order: Option<bool>,
    pub empty: bool,
}

/// What the real `diagnose` pipeline answered for a report.
pub fn outcome(kb: &Kb, report: &Report, case: &Case) -> Outcome {
    let acceptable = |l: &str| report.layers.iter().any(|x| x == l);
    let sign_in = !report.layers.is_empty();
    let answered = case.about_sign_in && !case.layers.is_empty();
    let predicted = answered.then(|| case.layers[0].0.id().to_string());
    let (layer1, layer2) = if sign_in {
        let top2: Vec<&str> = if answered {
            case.layers.iter().take(2).map(|(l, _)| l.id()).collect()
        } else {
            Vec::new()
        };
        (
            top2.first().is_some_and(|l| acceptable(l)),
            top2.iter().any(|l| acceptable(l)),
        )
    } else {
        (!case.about_sign_in, !case.about_sign_in)
    };
    let entry3 = report
        .entry
        .as_ref()
        .map(|e| answered && case.best.iter().take(3).any(|m| m.entry.id() == e));
    let confirmed = sign_in && report.confirmed_fix;
    let fixed = |steps: &[String]| steps.iter().take(3).any(|a| report.actions.contains(a));
    let fix3 = confirmed.then(|| {
        answered
            && case
                .plan
                .iter()
                .take(3)
                .any(|p| report.actions.iter().any(|a| a == p.action_id()))
    });
    let entries = case.plan_entries();
    let fix3_entry_order = confirmed.then(|| answered && fixed(&plan_entry_order(kb, &entries)));
    let fix3_risk_order = confirmed.then(|| answered && fixed(&plan(kb, &entries)));
    Outcome {
        lang: report.lang.clone(),
        has_code: report.has_code,
        main: report.layers.first().cloned(),
        predicted,
        score: if answered { case.layers[0].1 } else { 0.0 },
        layer1,
        layer2,
        entry3,
        fix3,
        fix3_entry_order,
        fix3_risk_order,
        empty: sign_in && !case.about_sign_in,
    }
}

/// Diagnoses a report with the real pipeline and the given diagnoser
/// (bundled weights, or a fold's).
pub fn diagnose_report<'kb>(diagnoser: &Diagnoser, kb: &'kb Kb, report: &Report) -> Case<'kb> {
    diagnoser.diagnose(
        &[Input::new("report", report.text.as_str())],
        kb,
        &Options::default(),
    )
}

/// Understands a prepared report with the given weights.
pub fn understand_with(engine_params: Params, prepared: &Prepared) -> Understanding {
    let engine = Engine::bundled_with(engine_params);
    let (mut query, apps) = prepared.query();
    query.apps = &apps;
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
    pub fix3_risk_order: f64,
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
        fix3_risk_order: share(
            outcomes
                .iter()
                .filter(|o| o.fix3_risk_order == Some(true))
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
