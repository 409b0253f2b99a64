//! Carries out a plan through the host: preconditions, a per-run folder
//! with the backup, an append-only journal (a `begin` record before and a
//! `done` record after every step, each flushed to disk), verification, and
//! undo and resume from the journal alone.
//!
//! `journal` reads and writes the journal (and tells a damaged one), `trust`
//! says what a journal may name, `lock` keeps two m365doctors apart,
//! `preconditions` checks the machine before anything changes, `apply` and
//! `verify` carry out the operations and checks, `undo` reverses a run and
//! `history` finds the runs.

mod apply;
mod history;
mod journal;
mod lock;
mod preconditions;
mod trust;
mod undo;
mod verify;

pub use history::Unreadable;
pub use journal::{
    read_journal, CheckResult, Record, RunState, JOURNAL, JOURNAL_SCHEMA, MAX_JOURNAL,
};
pub use lock::{Holder, Lock, LOCK};

use crate::facts::{self, iso_utc};
use crate::host::Host;
use crate::plan::{show, Op, Plan};
use crate::t;
use crate::text::Text;
use std::io;
use std::path::PathBuf;

/// What a run, a resume or an undo did.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub run: String,
    pub dir: PathBuf,
    pub status: String,
    /// Step description and what happened.
    pub steps: Vec<(Text, Result<Text, String>)>,
    pub checks: Vec<CheckResult>,
    pub notes: Vec<Text>,
}

impl Report {
    pub fn ok(&self) -> bool {
        matches!(self.status.as_str(), "done" | "undone")
    }
}

/// Why a run does not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub Vec<Text>);

pub struct Runner<'a> {
    pub host: &'a dyn Host,
    pub runs: PathBuf,
}

impl<'a> Runner<'a> {
    pub fn new(host: &'a dyn Host) -> Runner<'a> {
        Runner {
            host,
            runs: facts::runs_dir(host),
        }
    }

    /// A fresh run folder for `action` (ids sort by time; a suffix keeps
    /// two runs in the same second apart).
    pub fn new_run_dir(&self, action: &str) -> PathBuf {
        let id = facts::run_id(self.host.now(), action);
        let mut dir = self.runs.join(&id);
        let mut n = 2;
        while self.host.exists(&dir) {
            dir = self.runs.join(format!("{id}-{n}"));
            n += 1;
        }
        dir
    }

    fn now(&self) -> String {
        iso_utc(self.host.now())
    }

    /// Runs a plan after its preconditions pass.
    pub fn start(&self, plan: &Plan) -> Result<Report, Refused> {
        let problems = self.check_preconditions(plan);
        if !problems.is_empty() {
            return Err(Refused(problems));
        }
        // What undo will accept from the journal, checked before the first
        // record: a plan naming anything else never runs.
        let untrusted = trust::check_plan(self.host, &plan.action, plan, &plan.run_dir);
        if !untrusted.is_empty() {
            return Err(Refused(untrusted));
        }
        let dir = plan.run_dir.clone();
        let id = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _lock = self.lock(&id)?;
        let begin = || -> io::Result<()> {
            // Claimed, not checked: of two processes only one creates it.
            self.host.create_dir_all(&self.runs)?;
            self.host.create_dir(&dir)?;
            self.host.create_dir_all(&plan.backup_dir())?;
            self.journal(
                &dir,
                &Record::Run {
                    schema: JOURNAL_SCHEMA.into(),
                    run: id.clone(),
                    action: plan.action.clone(),
                    time: self.now(),
                    plan: Box::new(plan.clone()),
                },
            )
        };
        if let Err(e) = begin() {
            let d = show(&dir);
            return Err(Refused(vec![t!(
                "Cannot create the run folder {d}: {e}",
                "実行フォルダー {d} を作成できません: {e}"
            )]));
        }
        let state = read_journal(self.host, &dir).map_err(|e| {
            Refused(vec![t!(
                "Cannot read back the journal: {e}",
                "ジャーナルを読み取れません: {e}"
            )])
        })?;
        Ok(self.proceed(&state))
    }

    /// Finishes an unfinished run: the steps not done yet, then verification.
    pub fn resume(&self, state: &RunState) -> Result<Report, Refused> {
        let why = self.cannot_resolve(state);
        if !why.is_empty() {
            return Err(Refused(why));
        }
        if !state.unfinished() || state.undo_started {
            return Err(Refused(vec![t!(
                "Run {} is not an unfinished run (status: {}); nothing to resume.",
                "実行 {} は中断された実行ではありません (状態: {})。再開するものはありません。",
                state.id,
                state.status()
            )]));
        }
        let mut problems = self.check_preconditions(&state.plan);
        // The journal already exists; only the disk check of a new run would differ.
        problems.retain(|p| !p.en.starts_with("Not enough free disk space"));
        let left_needs_closed_apps = state
            .plan
            .steps
            .iter()
            .enumerate()
            .any(|(i, s)| !state.done.contains(&i) && !matches!(s.op, Op::Launch { .. }));
        if !left_needs_closed_apps {
            // Only starting an app (idempotent) or verification is left: the
            // app this run started may be running.
            problems.retain(|p| !p.en.starts_with("Close these apps"));
        }
        if !problems.is_empty() {
            return Err(Refused(problems));
        }
        let _lock = self.lock(&state.id)?;
        // What the journal says now, under the lock.
        let state = read_journal(self.host, &state.dir).map_err(|e| {
            Refused(vec![t!(
                "The journal of run {} cannot be read now ({e}); nothing was changed.",
                "実行 {} のジャーナルを現在読み取れません ({e})。何も変更していません。",
                state.id
            )])
        })?;
        let why = self.cannot_resolve(&state);
        if !why.is_empty() {
            return Err(Refused(why));
        }
        if !state.unfinished() || state.undo_started {
            return Err(Refused(vec![t!(
                "Run {} is not an unfinished run (status: {}); nothing to resume.",
                "実行 {} は中断された実行ではありません (状態: {})。再開するものはありません。",
                state.id,
                state.status()
            )]));
        }
        let _ = self.journal(&state.dir, &Record::Resumed { time: self.now() });
        Ok(self.proceed(&state))
    }

    fn proceed(&self, state: &RunState) -> Report {
        let plan = &state.plan;
        let mut report = Report {
            run: state.id.clone(),
            dir: state.dir.clone(),
            status: "unfinished".into(),
            steps: Vec::new(),
            checks: Vec::new(),
            notes: Vec::new(),
        };
        for (i, step) in plan.steps.iter().enumerate() {
            if state.done.contains(&i) {
                report
                    .steps
                    .push((step.does.clone(), Ok(t!("done before", "実行済み"))));
                continue;
            }
            if self
                .journal(
                    &state.dir,
                    &Record::Begin {
                        step: i,
                        time: self.now(),
                    },
                )
                .is_err()
            {
                report.steps.push((
                    step.does.clone(),
                    Err("cannot write the journal; stopped before this step".into()),
                ));
                return report;
            }
            if let Op::RegSetString { key, name, .. } = &step.op {
                if !state.previous.contains_key(&i) {
                    let value = match facts::reg_value_state(self.host, key, name) {
                        Ok(v) => v,
                        Err(e) => {
                            return self.fail_step(state, report, i, e);
                        }
                    };
                    if self
                        .journal(&state.dir, &Record::Previous { step: i, value })
                        .is_err()
                    {
                        report.steps.push((
                            step.does.clone(),
                            Err("cannot write the journal; stopped before this step".into()),
                        ));
                        return report;
                    }
                }
            }
            let mut absent_before = state.previous.contains_key(&i);
            if let (Op::RegCreateKey { key }, false) = (&step.op, absent_before) {
                // Journaled before the key is created: undo removes only a
                // key this record says was not there.
                match self.key_exists(key) {
                    Ok(false) => {
                        if self
                            .journal(
                                &state.dir,
                                &Record::Previous {
                                    step: i,
                                    value: None,
                                },
                            )
                            .is_err()
                        {
                            report.steps.push((
                                step.does.clone(),
                                Err("cannot write the journal; stopped before this step".into()),
                            ));
                            return report;
                        }
                        absent_before = true;
                    }
                    Ok(true) => {
                        let e = io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!("{key} already exists; it is left as it is"),
                        );
                        return self.fail_step(state, report, i, e);
                    }
                    Err(e) => return self.fail_step(state, report, i, e),
                }
            }
            match self.apply_step(&step.op, absent_before) {
                Ok(detail) => {
                    report.steps.push((step.does.clone(), Ok(detail.clone())));
                    if self
                        .journal(
                            &state.dir,
                            &Record::Done {
                                step: i,
                                time: self.now(),
                                detail,
                            },
                        )
                        .is_err()
                    {
                        return report;
                    }
                }
                Err(e) => return self.fail_step(state, report, i, e),
            }
        }
        report.checks = plan.verify.iter().map(|c| self.verify(c)).collect();
        let ok = report.checks.iter().all(|c| c.ok);
        let _ = self.journal(
            &state.dir,
            &Record::Verified {
                time: self.now(),
                ok,
                checks: report.checks.clone(),
            },
        );
        let status = if ok { "done" } else { "done-unverified" };
        if self
            .journal(
                &state.dir,
                &Record::Finished {
                    time: self.now(),
                    status: status.into(),
                },
            )
            .is_ok()
        {
            report.status = status.into();
        }
        report
    }

    /// Journals a failed step and rolls the run back from its journal.
    fn fail_step(&self, state: &RunState, mut report: Report, i: usize, e: io::Error) -> Report {
        let error = e.to_string();
        report
            .steps
            .push((state.plan.steps[i].does.clone(), Err(error.clone())));
        let _ = self.journal(
            &state.dir,
            &Record::Failed {
                step: i,
                time: self.now(),
                error,
            },
        );
        // Roll back what this run changed, from the journal.
        let Ok(now) = read_journal(self.host, &state.dir) else {
            return report;
        };
        let undo = self.undo_steps(&now);
        report.steps.extend(undo.steps);
        if undo.status == "undone" || undo.status == "undone-partially" {
            let _ = self.journal(
                &state.dir,
                &Record::Finished {
                    time: self.now(),
                    status: "failed".into(),
                },
            );
            report.status = match read_journal(self.host, &state.dir) {
                Ok(after) => after.status().to_string(),
                Err(_) => "undo-unfinished".into(),
            };
        } else {
            report.status = undo.status;
        }
        report.notes.push(match report.status.as_str() {
            "rolled-back" => t!(
                "The step failed; the changes made so far were rolled back.",
                "手順が失敗したため、それまでの変更を元に戻しました。"
            ),
            "partly-rolled-back" => t!(
                "The step failed; the changes made so far were rolled back, except those that cannot be undone (below).",
                "手順が失敗したため、それまでの変更を元に戻しました。ただし、元に戻せない変更があります (下記)。"
            ),
            _ => t!(
                "The step failed, and rolling back the changes made so far failed too: `m365doctor fix undo` tries again.",
                "手順が失敗し、それまでの変更を元に戻す処理も失敗しました。`m365doctor fix undo` で再試行できます。"
            ),
        });
        report.notes.extend(undo.notes);
        report
    }
}
