//! Trains the text-understanding model on the TRAINING split of
//! corpus/reports.jsonl and writes crates/understand/src/generated.rs.
//!
//!     cargo run -p train-understand              # train, write, print the CV figures
//!     cargo run -p train-understand -- --check   # exit 1 when the checked-in file differs
//!     cargo run -p train-understand -- --search  # cross-validate a grid of settings
//!
//! The test split is never read here. Everything is deterministic: the
//! folds are fixed by position, the optimiser runs a fixed number of steps.

use m365doctor_understand::model::{Objective, Params};
use m365doctor_understand::Engine;
use std::path::PathBuf;
use std::process::ExitCode;
use train_understand::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let search = args.iter().any(|a| a == "--search");
    if let Some(bad) = args
        .iter()
        .find(|a| !["--check", "--search"].contains(&a.as_str()))
    {
        eprintln!("train-understand: unknown argument `{bad}` (use --check or --search)");
        return ExitCode::from(2);
    }
    let corpus = root().join("corpus/reports.jsonl");
    let reports = match load(&corpus, "train") {
        Ok(r) => r,
        Err(e) => {
            eprintln!("train-understand: {e}");
            return ExitCode::from(2);
        }
    };
    let engine = Engine::bundled_with(Params::prior());
    let reader = CodeReader::new();
    let prepared = prepare(&engine, &reader, reports);
    if search {
        run_search(&prepared);
        return ExitCode::SUCCESS;
    }
    let oof = cross_validate(&prepared, OBJECTIVE, STEPS);
    let points = calibration_points(&prepared, &oof);
    let calibration = m365doctor_understand::model::fit_platt(&points);
    let examples: Vec<_> = prepared.iter().map(|p| p.example.clone()).collect();
    let weights = train(&examples, OBJECTIVE, STEPS);
    let source = render(&weights, calibration, prepared.len());
    let path = root().join("crates/understand/src/generated.rs");
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if let Err(why) = check_generated(&current, &source) {
            eprintln!("train-understand: {}: {why}", path.display());
            return ExitCode::from(1);
        }
        println!("train-understand: {} is up to date", path.display());
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&path, &source) {
        eprintln!("train-understand: cannot write {}: {e}", path.display());
        return ExitCode::from(2);
    }
    println!(
        "wrote {} ({} weights, calibration a={:.4} b={:.4}, {} training reports)",
        path.display(),
        weights.len(),
        calibration.0,
        calibration.1,
        prepared.len()
    );
    ExitCode::SUCCESS
}

fn run_search(prepared: &[Prepared]) {
    let kb = m365doctor_kb::Kb::bundled();
    // How many entries' steps make the plan (the plan as `diagnose` orders it).
    let oof = cross_validate(prepared, OBJECTIVE, STEPS);
    for ratio in [0.2, 0.35, 0.5, 0.7, 0.9, 1.01] {
        let mut hits = 0;
        let mut n = 0;
        for (p, w) in prepared.iter().zip(&oof) {
            if p.report.layers.is_empty() || !p.report.confirmed_fix {
                continue;
            }
            let params = Params {
                weights: w.clone(),
                calibration: (1.0, 0.0),
            };
            let u = understand_with(params, p);
            let steps = m365doctor_diagnose::plan_for(&kb, &u.plan_entries_with(ratio), &[]);
            n += 1;
            if steps
                .iter()
                .take(3)
                .any(|s| p.report.actions.iter().any(|a| a == s.action_id()))
            {
                hits += 1;
            }
        }
        println!(
            "plan ratio {ratio:<5} fix@3 {:.3} ({n})",
            hits as f64 / n as f64
        );
    }
    let grid_entry = [0.3, 0.5, 1.0];
    let grid_clue = [0.1, 0.3, 1.0];
    let grid_l2 = [0.003, 0.01, 0.03];
    let calibration = Params::bundled().calibration;
    for &entry in &grid_entry {
        for &l2_clue in &grid_clue {
            for &l2 in &grid_l2 {
                let objective = Objective {
                    entry,
                    l2_clue,
                    l2,
                    ..OBJECTIVE
                };
                let diagnosers: Vec<m365doctor_diagnose::Diagnoser> =
                    fold_weights(prepared, objective, STEPS)
                        .into_iter()
                        .map(|weights| {
                            m365doctor_diagnose::Diagnoser::with_params(
                                &kb,
                                Params {
                                    weights,
                                    calibration,
                                },
                            )
                        })
                        .collect();
                let outcomes: Vec<Outcome> = prepared
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let case = diagnose_report(&diagnosers[i % FOLDS], &kb, &p.report);
                        outcome(&kb, &p.report, &case)
                    })
                    .collect();
                let f = figures(&outcomes.iter().collect::<Vec<_>>());
                println!(
                    "entry {entry:<5} l2_clue {l2_clue:<5} l2 {l2:<6} layer@1 {:.3} layer@2 {:.3} entry@3 {:.3} fix@3 {:.3} empty {:.3}",
                    f.layer1, f.layer2, f.entry3, f.fix3, f.empty
                );
            }
        }
    }
}
