//! The journal: one JSON record a line, appended and flushed before and
//! after every effect, and the run it tells.

use super::Runner;
use crate::host::{read_file, Host};
use crate::plan::{Plan, Undo};
use crate::t;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

pub const JOURNAL: &str = "journal.jsonl";
pub const JOURNAL_SCHEMA: &str = "m365doctor.journal/1";

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rec", rename_all = "kebab-case")]
pub enum Record {
    Run {
        schema: String,
        run: String,
        action: String,
        time: String,
        plan: Box<Plan>,
    },
    Begin {
        step: usize,
        time: String,
    },
    /// The value a step is about to replace, read just before it does
    /// (`None`: there was none); its undo puts this back.
    Previous {
        step: usize,
        value: Option<String>,
    },
    Done {
        step: usize,
        time: String,
        #[serde(deserialize_with = "text_or_string")]
        detail: Text,
    },
    Failed {
        step: usize,
        time: String,
        error: String,
    },
    Verified {
        time: String,
        ok: bool,
        checks: Vec<CheckResult>,
    },
    Finished {
        time: String,
        status: String,
    },
    Resumed {
        time: String,
    },
    UndoBegin {
        step: usize,
        time: String,
    },
    UndoDone {
        step: usize,
        time: String,
        #[serde(deserialize_with = "text_or_string")]
        detail: Text,
    },
    UndoFailed {
        step: usize,
        time: String,
        error: String,
    },
    UndoSkipped {
        step: usize,
        why: Text,
    },
    UndoFinished {
        time: String,
        ok: bool,
    },
}

/// A detail as journals of the first version wrote it (English only), or
/// in both languages: older journals stay readable.
fn text_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(Text),
        Plain(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::Text(t) => t,
        Either::Plain(s) => Text::new(s.clone(), s),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    #[serde(deserialize_with = "text_or_string")]
    pub check: Text,
    pub ok: bool,
    pub detail: String,
}

/// A run as its journal tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunState {
    pub id: String,
    pub dir: PathBuf,
    pub action: String,
    pub time: String,
    pub plan: Plan,
    pub begun: BTreeSet<usize>,
    pub done: BTreeSet<usize>,
    pub failed: Option<(usize, String)>,
    /// Values read just before a step replaced them.
    pub previous: std::collections::BTreeMap<usize, Option<String>>,
    /// Every step that failed (its effect did not happen).
    pub failed_steps: BTreeSet<usize>,
    pub finished: Option<String>,
    pub verified: Option<bool>,
    pub undo_started: bool,
    pub undone: BTreeSet<usize>,
    pub undo_finished: Option<bool>,
    /// The last line was cut off (the process died while writing it).
    pub torn: bool,
    /// Why the journal cannot be trusted (lines that cannot be read, paths
    /// outside what the action changes): such a run is shown, never undone
    /// or resumed.
    pub damage: Vec<Text>,
}

impl RunState {
    /// Neither finished nor rolled back: the process died during the run or its undo.
    /// A damaged run is not: nothing can be done with it, and it must not
    /// keep other runs from starting.
    pub fn unfinished(&self) -> bool {
        if !self.damage.is_empty() {
            return false;
        }
        if self.undo_started {
            self.undo_finished.is_none()
        } else {
            self.finished.is_none()
        }
    }

    /// Steps that changed the machine in a way no undo gives back
    /// (credentials removed, the device left Entra ID), in plan order.
    pub fn irreversible(&self) -> Vec<usize> {
        self.plan
            .steps
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                matches!(s.undo, Undo::Impossible { .. })
                    && self.begun.contains(i)
                    && !self.failed_steps.contains(i)
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn status(&self) -> &str {
        if !self.damage.is_empty() {
            return "damaged";
        }
        let partly = !self.irreversible().is_empty();
        match (
            self.undo_started,
            self.undo_finished,
            self.finished.as_deref(),
        ) {
            (true, None, _) => "undo-unfinished",
            (true, Some(true), Some("failed")) if partly => "partly-rolled-back",
            (true, Some(true), Some("failed")) => "rolled-back",
            (true, Some(true), _) if partly => "undone-partially",
            (true, Some(true), _) => "undone",
            (true, Some(false), _) => "undo-failed",
            (false, _, None) => "unfinished",
            (false, _, Some(s)) => s,
        }
    }
}

/// The most a journal may hold (a real one holds a few kilobytes): a file
/// standing in for it is not read whole.
pub const MAX_JOURNAL: u64 = 16 << 20;

/// Reads a journal. A line cut off by a crash is skipped and reported as
/// torn; any other line that cannot be read, or a journal naming what its
/// action never touches (see `trust`), makes the run damaged: it is shown,
/// never undone or resumed. Only a plain file is read: a link, pipe, socket
/// or device standing in for the journal is named, not opened.
pub fn read_journal(host: &dyn Host, dir: &Path) -> io::Result<RunState> {
    let path = dir.join(JOURNAL);
    let bytes = read_file(host, &path, MAX_JOURNAL)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut state: Option<RunState> = None;
    let mut torn = false;
    let mut damage = Vec::new();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect();
    for (k, &(n, line)) in lines.iter().enumerate() {
        let rec: Record = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) if k == 0 => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: line {n}: {e}", path.display()),
                ))
            }
            // A line cut off by a crash: the process died while writing
            // it, before the effect it announces (begin) or after the one it
            // confirms (done); both are safe to treat as not written, since
            // every operation and its undo check the state they find. The
            // next record starts on a line of its own, so a cut line may be
            // followed by more; anywhere but at the end, only a record cut
            // short is one.
            Err(_) if k + 1 == lines.len() || cut_short(line) => {
                torn = true;
                continue;
            }
            Err(e) => {
                damage.push(t!(
                    "line {n} cannot be read ({e})",
                    "{n} 行目を読み取れません ({e})"
                ));
                continue;
            }
        };
        if let Record::Run {
            run,
            action,
            time,
            plan,
            ..
        } = rec
        {
            if state.is_some() {
                damage.push(t!(
                    "line {n} is a second run record",
                    "{n} 行目に 2 つ目の run レコードがあります"
                ));
                continue;
            }
            state = Some(RunState {
                id: run,
                dir: dir.to_path_buf(),
                action,
                time,
                plan: *plan,
                begun: BTreeSet::new(),
                done: BTreeSet::new(),
                failed: None,
                failed_steps: BTreeSet::new(),
                previous: Default::default(),
                finished: None,
                verified: None,
                undo_started: false,
                undone: BTreeSet::new(),
                undo_finished: None,
                torn: false,
                damage: Vec::new(),
            });
            continue;
        }
        let Some(s) = state.as_mut() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the journal does not start with a run record",
            ));
        };
        if let Some(step) = rec.step() {
            if step >= s.plan.steps.len() {
                damage.push(t!(
                    "line {n} names step {step}, which the plan does not have",
                    "{n} 行目が計画にない手順 {step} を指しています"
                ));
                continue;
            }
        }
        match rec {
            Record::Run { .. } => {}
            Record::Begin { step, .. } => {
                s.begun.insert(step);
            }
            Record::Previous { step, value } => {
                // The first reading is the one before any attempt.
                s.previous.entry(step).or_insert(value);
            }
            Record::Done { step, .. } => {
                s.done.insert(step);
            }
            Record::Failed { step, error, .. } => {
                s.failed_steps.insert(step);
                s.failed = Some((step, error));
            }
            Record::Verified { ok, .. } => s.verified = Some(ok),
            Record::Finished { status, .. } => s.finished = Some(status),
            Record::Resumed { .. } => s.failed = None,
            Record::UndoBegin { .. } | Record::UndoSkipped { .. } => {
                s.undo_started = true;
            }
            Record::UndoDone { step, .. } => {
                s.undo_started = true;
                s.undone.insert(step);
            }
            Record::UndoFailed { .. } => s.undo_started = true,
            Record::UndoFinished { ok, .. } => {
                s.undo_started = true;
                s.undo_finished = Some(ok);
            }
        }
    }
    let mut s =
        state.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "the journal is empty"))?;
    s.torn = torn;
    damage.extend(super::trust::check_plan(host, &s.action, &s.plan, dir));
    s.damage = damage;
    Ok(s)
}

/// A record cut short: what is there is the beginning of a JSON object (a
/// crash may also leave zeros where the rest was to be written).
fn cut_short(line: &str) -> bool {
    let line = line.trim_end_matches(['\0', '\u{FFFD}']);
    line.starts_with('{')
        && serde_json::from_str::<serde_json::Value>(line).is_err_and(|e| e.is_eof())
}

impl Record {
    /// The step a record is about.
    fn step(&self) -> Option<usize> {
        match self {
            Record::Begin { step, .. }
            | Record::Previous { step, .. }
            | Record::Done { step, .. }
            | Record::Failed { step, .. }
            | Record::UndoBegin { step, .. }
            | Record::UndoDone { step, .. }
            | Record::UndoFailed { step, .. }
            | Record::UndoSkipped { step, .. } => Some(*step),
            _ => None,
        }
    }
}

impl Runner<'_> {
    pub(super) fn journal(&self, dir: &Path, rec: &Record) -> io::Result<()> {
        let path = dir.join(JOURNAL);
        let mut line = serde_json::to_string(rec).map_err(io::Error::other)?;
        line.push('\n');
        // Only a plain file is appended to: a pipe standing in for the
        // journal would block the write.
        let before = match self.host.kind(&path) {
            None => Vec::new(),
            Some(_) => read_file(self.host, &path, MAX_JOURNAL)?,
        };
        // After a line cut off by a crash, start on a line of our own.
        if before.last().is_some_and(|&c| c != b'\n') {
            line.insert(0, '\n');
        }
        self.host.append_durable(&path, line.as_bytes())
    }
}
