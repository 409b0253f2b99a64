//! Carries out a plan through the host: preconditions, a per-run folder
//! with the backup, an append-only journal (a `begin` record before and a
//! `done` record after every step, each flushed to disk), verification, and
//! undo and resume from the journal alone.

use crate::facts::{self, iso_utc, SHORT};
use crate::host::Host;
use crate::plan::{show, Check, Op, Plan, Precondition, Undo};
use crate::t;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
}

impl RunState {
    /// Neither finished nor rolled back: the process died during the run or its undo.
    pub fn unfinished(&self) -> bool {
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

/// Reads a journal; a cut-off last line is ignored and reported.
pub fn read_journal(host: &dyn Host, dir: &Path) -> io::Result<RunState> {
    let bytes = host.read(&dir.join(JOURNAL))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut state: Option<RunState> = None;
    let mut torn = false;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    for (i, line) in lines.iter().enumerate() {
        let rec: Record = match serde_json::from_str(line) {
            Ok(r) => r,
            // A line cut off by a crash: the process died while writing
            // it, before the effect it announces (begin) or after the one it
            // confirms (done); both are safe to treat as not written, since
            // every operation and its undo check the state they find.
            Err(e) if i > 0 => {
                let _ = e;
                torn = true;
                continue;
            }
            Err(e) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: line {}: {e}", dir.join(JOURNAL).display(), i + 1),
                ))
            }
        };
        match rec {
            Record::Run {
                run,
                action,
                time,
                plan,
                ..
            } => {
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
                })
            }
            other => {
                let Some(s) = state.as_mut() else {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the journal does not start with a run record",
                    ));
                };
                match other {
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
        }
    }
    let mut s =
        state.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "the journal is empty"))?;
    s.torn = torn;
    Ok(s)
}

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

/// A run folder whose journal cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub dir: PathBuf,
    pub error: String,
}

/// The lock file's name, beside the runs folder.
pub const LOCK: &str = "fix.lock";

/// Held while a run, resume or undo changes the machine; removed when
/// dropped (a crash leaves it, and the next command finds its process gone).
pub struct Lock<'a> {
    host: &'a dyn Host,
    path: PathBuf,
}

impl Drop for Lock<'_> {
    fn drop(&mut self) {
        let _ = self.host.remove_own_file(&self.path);
    }
}

/// Who holds the lock: `pid=…`, `run=…` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub run: String,
}

impl Holder {
    fn parse(text: &str) -> Option<Holder> {
        let field = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
                .map(str::trim)
        };
        Some(Holder {
            pid: field("pid")?.parse().ok()?,
            run: field("run").unwrap_or("").to_string(),
        })
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

    /// What stops the plan from running on this machine now.
    pub fn check_preconditions(&self, plan: &Plan) -> Vec<Text> {
        let mut problems = plan.refusals.clone();
        for pre in &plan.preconditions {
            match pre {
                Precondition::Windows => {
                    if self.host.os() != crate::host::Os::Windows {
                        let os = self.host.os().id();
                        problems.push(t!(
                            "`{}` changes Windows settings and runs on Windows only (this is {os}); `m365doctor fix plan {}` shows what it does.",
                            "`{}` は Windows の設定を変更するため Windows でのみ実行できます (この環境は {os} です)。内容は `m365doctor fix plan {}` で確認できます。",
                            plan.action, plan.action
                        ));
                        return problems;
                    }
                }
                Precondition::AppsClosed { images } => match self.host.processes() {
                    Ok(ps) => {
                        let mine = self.host.session();
                        let mut running: Vec<String> = ps
                            .iter()
                            .filter(|p| images.iter().any(|i| i.eq_ignore_ascii_case(&p.image)))
                            // Other users' sessions (a terminal server) are theirs.
                            .filter(|p| mine.is_none() || p.session.is_none() || p.session == mine)
                            .map(|p| p.image.clone())
                            .collect();
                        running.sort();
                        running.dedup();
                        if !running.is_empty() {
                            let list = running.join(", ");
                            problems.push(t!(
                                "Close these apps first (including their icons in the notification area): {list}",
                                "先に次のアプリを終了してください (通知領域のアイコンも含む): {list}"
                            ));
                        }
                    }
                    Err(e) => problems.push(t!(
                        "Cannot list the running apps (tasklist): {e}",
                        "実行中のアプリの一覧を取得できません (tasklist): {e}"
                    )),
                },
                Precondition::SessionUser => {
                    if let Some(problem) = self.not_the_session_user() {
                        problems.push(problem);
                    }
                }
                Precondition::Admin => {
                    if !self.host.is_elevated() {
                        let a = &plan.action;
                        problems.push(t!(
                            "`{a}` needs administrator rights: run m365doctor from an elevated prompt (Run as administrator).",
                            "`{a}` には管理者権限が必要です。管理者として実行したプロンプトから m365doctor を実行してください。"
                        ));
                    }
                }
                Precondition::DiskSpace { bytes, at } => {
                    let mut probe = at.clone();
                    while !self.host.exists(&probe) {
                        match probe.parent() {
                            Some(p) => probe = p.to_path_buf(),
                            None => break,
                        }
                    }
                    if let Some(free) = self.host.free_space(&probe) {
                        if free < *bytes {
                            let (need, have) = (mib(*bytes), mib(free));
                            problems.push(t!(
                                "Not enough free disk space for the backup: {need} needed, {have} free.",
                                "バックアップに必要な空き容量が足りません: 必要 {need}、空き {have}。"
                            ));
                        }
                    }
                }
            }
        }
        problems
    }

    /// Why this process is not the user whose profile a user-scoped action
    /// changes: it runs as SYSTEM, or as an account other than the one that
    /// owns the desktop (explorer.exe), as with "Run as administrator"
    /// entering another administrator's credentials.
    fn not_the_session_user(&self) -> Option<Text> {
        let who = match self
            .host
            .run("whoami", &["/user", "/fo", "csv", "/nh"], SHORT)
        {
            Ok(o) if o.ok() => o.text(),
            Ok(o) => {
                let e = o.all_text();
                let e = e.trim();
                return Some(t!(
                    "Cannot tell which account this runs as (whoami /user): {e}",
                    "どのアカウントで実行しているか確認できません (whoami /user): {e}"
                ));
            }
            Err(e) => {
                return Some(t!(
                    "Cannot tell which account this runs as (whoami /user): {e}",
                    "どのアカウントで実行しているか確認できません (whoami /user): {e}"
                ))
            }
        };
        let fields = crate::host::csv_fields(who.lines().find(|l| !l.trim().is_empty())?);
        let (me, sid) = (fields.first()?.trim().to_string(), fields.get(1)?.trim());
        if sid == "S-1-5-18" {
            return Some(t!(
                "This runs as SYSTEM ({me}): the action would change SYSTEM's profile, not the user's. Run m365doctor as the signed-in user.",
                "SYSTEM ({me}) として実行されています。このままではユーザーではなく SYSTEM のプロファイルを変更してしまいます。サインインしているユーザーとして m365doctor を実行してください。"
            ));
        }
        let out = self
            .host
            .run(
                "tasklist",
                &[
                    "/v",
                    "/fo",
                    "csv",
                    "/nh",
                    "/fi",
                    "imagename eq explorer.exe",
                ],
                SHORT,
            )
            .ok()?;
        // Image, PID, session, session#, memory, status, user name, …
        let owners: Vec<String> = out
            .text()
            .lines()
            .map(crate::host::csv_fields)
            .filter(|f| f.len() > 6 && f[0].eq_ignore_ascii_case("explorer.exe"))
            .map(|f| f[6].trim().to_string())
            .collect();
        if owners.is_empty() || owners.iter().any(|o| o.eq_ignore_ascii_case(&me)) {
            // No desktop to compare with (a server core), or it is ours.
            return None;
        }
        let owner = owners
            .iter()
            .find(|o| o.contains('\\'))
            .cloned()
            .unwrap_or_else(|| owners[0].clone());
        Some(t!(
            "This runs as {me}, but the desktop belongs to {owner}: the action would change {me}'s profile, not the signed-in user's. Run m365doctor from {owner}'s own prompt (elevated only where an action needs it).",
            "{me} として実行されていますが、デスクトップのユーザーは {owner} です。このままではサインインしているユーザーではなく {me} のプロファイルを変更してしまいます。{owner} 本人のプロンプトから m365doctor を実行してください (管理者権限は必要なアクションの場合のみ)。"
        ))
    }

    /// What stops an undo now: the apps the run needed closed must be
    /// closed again before anything is put back under them.
    pub fn check_undo_preconditions(&self, state: &RunState) -> Vec<Text> {
        let restores = state.plan.steps.iter().enumerate().any(|(i, s)| {
            state.begun.contains(&i)
                && !state.undone.contains(&i)
                && matches!(s.undo, Undo::Restore { .. })
        });
        if !restores {
            return Vec::new();
        }
        let apps: Vec<Precondition> = state
            .plan
            .preconditions
            .iter()
            .filter(|p| {
                matches!(
                    p,
                    Precondition::AppsClosed { .. } | Precondition::SessionUser
                )
            })
            .cloned()
            .collect();
        let only_apps = Plan {
            preconditions: apps,
            refusals: Vec::new(),
            ..state.plan.clone()
        };
        self.check_preconditions(&only_apps)
    }

    fn journal(&self, dir: &Path, rec: &Record) -> io::Result<()> {
        let path = dir.join(JOURNAL);
        let mut line = serde_json::to_string(rec).map_err(io::Error::other)?;
        line.push('\n');
        // After a line cut off by a crash, start on a line of our own.
        if self
            .host
            .read(&path)
            .is_ok_and(|b| b.last().is_some_and(|&c| c != b'\n'))
        {
            line.insert(0, '\n');
        }
        self.host.append_durable(&path, line.as_bytes())
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
        let state = read_journal(self.host, &state.dir).unwrap_or_else(|_| state.clone());
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

    /// Reverses every step the run began, last first, and journals it.
    pub fn undo(&self, state: &RunState) -> Report {
        let _lock = match self.lock(&state.id) {
            Ok(l) => l,
            Err(Refused(why)) => {
                return Report {
                    run: state.id.clone(),
                    dir: state.dir.clone(),
                    status: "busy".into(),
                    steps: Vec::new(),
                    checks: Vec::new(),
                    notes: why,
                }
            }
        };
        let state = read_journal(self.host, &state.dir).unwrap_or_else(|_| state.clone());
        self.undo_steps(&state)
    }

    /// Where the lock is: beside the runs folder.
    pub fn lock_path(&self) -> PathBuf {
        self.runs.parent().unwrap_or(&self.runs).join(LOCK)
    }

    /// Whether the lock's holder still runs: `None` when that cannot be told.
    fn alive(&self, holder: &Holder) -> Option<bool> {
        let ps = self.host.processes().ok()?;
        Some(
            ps.iter().any(|p| {
                p.pid == holder.pid && p.image.to_ascii_lowercase().contains("m365doctor")
            }),
        )
    }

    /// Another m365doctor that is changing the machine now, with its run.
    pub fn busy(&self) -> Option<Holder> {
        let bytes = self.host.read(&self.lock_path()).ok()?;
        let holder = Holder::parse(&String::from_utf8_lossy(&bytes))?;
        (self.alive(&holder) != Some(false)).then_some(holder)
    }

    /// Takes the lock that keeps two runs, resumes or undos from working on
    /// the machine at once. A lock whose process is gone (it crashed) is
    /// taken over.
    pub fn lock(&self, run: &str) -> Result<Lock<'a>, Refused> {
        let path = self.lock_path();
        let p = show(&path);
        let content = format!("pid={}\nrun={run}\ntime={}\n", self.host.pid(), self.now());
        if let Some(parent) = path.parent() {
            let _ = self.host.create_dir_all(parent);
        }
        for attempt in 0..2 {
            match self.host.create_new(&path, content.as_bytes()) {
                Ok(()) => {
                    return Ok(Lock {
                        host: self.host,
                        path,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt == 0 => {
                    let holder = self
                        .host
                        .read(&path)
                        .ok()
                        .and_then(|b| Holder::parse(&String::from_utf8_lossy(&b)));
                    if let Some(h) = &holder {
                        match self.alive(h) {
                            Some(true) => {
                                let (pid, other) = (h.pid, &h.run);
                                return Err(Refused(vec![t!(
                                    "Another m365doctor (process {pid}) is changing this machine (run {other}); wait until it has finished.",
                                    "別の m365doctor (プロセス {pid}) がこのマシンを変更中です (実行 {other})。終了するまでお待ちください。"
                                )]));
                            }
                            None => {
                                let pid = h.pid;
                                return Err(Refused(vec![t!(
                                    "Cannot tell whether process {pid}, which holds {p}, still runs (the process list cannot be read); if no other m365doctor runs, delete that file.",
                                    "{p} を保持しているプロセス {pid} が動作中か確認できません (プロセス一覧を読み取れません)。ほかに m365doctor が動いていなければ、このファイルを削除してください。"
                                )]));
                            }
                            Some(false) => {}
                        }
                    }
                    // Its process is gone (or it never got written): stale.
                    if let Err(e) = self.host.remove_own_file(&path) {
                        return Err(Refused(vec![t!(
                            "Cannot remove the stale lock {p}: {e}",
                            "古いロック ファイル {p} を削除できません: {e}"
                        )]));
                    }
                }
                Err(e) => {
                    return Err(Refused(vec![t!(
                        "Cannot take the lock {p}: {e}",
                        "ロック ファイル {p} を作成できません: {e}"
                    )]))
                }
            }
        }
        Err(Refused(vec![t!(
            "Another m365doctor took the lock {p} at the same moment; try again.",
            "別の m365doctor が同時にロック {p} を取得しました。もう一度実行してください。"
        )]))
    }

    fn undo_steps(&self, state: &RunState) -> Report {
        let mut report = Report {
            run: state.id.clone(),
            dir: state.dir.clone(),
            status: "undo-unfinished".into(),
            steps: Vec::new(),
            checks: Vec::new(),
            notes: Vec::new(),
        };
        if state.undo_finished == Some(true) {
            report.status = state.status().into();
            report.notes.push(t!(
                "This run was already undone.",
                "この実行はすでに元に戻されています。"
            ));
            report.notes.extend(
                state
                    .irreversible()
                    .into_iter()
                    .map(|i| not_undone(state, i)),
            );
            return report;
        }
        let mut ok = true;
        for (i, step) in state.plan.steps.iter().enumerate().rev() {
            if !state.begun.contains(&i) || state.undone.contains(&i) {
                continue;
            }
            if let Some(why) = self.not_created_here(state, i, &step.op) {
                report.notes.push(why.clone());
                if self
                    .journal(&state.dir, &Record::UndoSkipped { step: i, why })
                    .is_err()
                {
                    return report;
                }
                continue;
            }
            let restore = match (&step.op, &step.undo) {
                (Op::RegSetString { key, name, .. }, Undo::Restore { .. }) => {
                    match state.previous.get(&i) {
                        Some(Some(data)) => Some(Op::RegSetString {
                            key: key.clone(),
                            name: name.clone(),
                            data: data.clone(),
                        }),
                        Some(None) => Some(Op::RegDeleteValue {
                            key: key.clone(),
                            name: name.clone(),
                        }),
                        // The value is read and journaled before it is
                        // set: without that record nothing was set.
                        None => None,
                    }
                }
                (_, Undo::Restore { op }) => Some(op.clone()),
                _ => None,
            };
            let undo = match (&step.undo, restore) {
                (Undo::Restore { .. }, None) => Undo::NotNeeded {
                    why: t!(
                        "The step had not changed anything yet.",
                        "この手順はまだ何も変更していませんでした。"
                    ),
                },
                (Undo::Restore { .. }, Some(op)) => Undo::Restore { op },
                (other, _) => other.clone(),
            };
            match &undo {
                Undo::Restore { op } => {
                    if self
                        .journal(
                            &state.dir,
                            &Record::UndoBegin {
                                step: i,
                                time: self.now(),
                            },
                        )
                        .is_err()
                    {
                        return report;
                    }
                    match self.apply(op) {
                        Ok(detail) => {
                            let label = undo_label(&step.does);
                            report.steps.push((label, Ok(detail.clone())));
                            if self
                                .journal(
                                    &state.dir,
                                    &Record::UndoDone {
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
                        Err(e) => {
                            ok = false;
                            let label = undo_label(&step.does);
                            report.steps.push((label, Err(e.to_string())));
                            let _ = self.journal(
                                &state.dir,
                                &Record::UndoFailed {
                                    step: i,
                                    time: self.now(),
                                    error: e.to_string(),
                                },
                            );
                        }
                    }
                }
                Undo::NotNeeded { why } | Undo::Impossible { why } => {
                    if state.irreversible().contains(&i) {
                        report.notes.push(not_undone(state, i));
                    }
                    if self
                        .journal(
                            &state.dir,
                            &Record::UndoSkipped {
                                step: i,
                                why: why.clone(),
                            },
                        )
                        .is_err()
                    {
                        return report;
                    }
                }
            }
        }
        if self
            .journal(
                &state.dir,
                &Record::UndoFinished {
                    time: self.now(),
                    ok,
                },
            )
            .is_ok()
        {
            report.status = if !ok {
                "undo-failed"
            } else if state.irreversible().is_empty() {
                "undone"
            } else {
                "undone-partially"
            }
            .into();
        }
        report
    }

    /// Why the undo of a creating step must not run: the run did not
    /// create the key (the step failed, or the key it found was not empty).
    fn not_created_here(&self, state: &RunState, i: usize, op: &Op) -> Option<Text> {
        let Op::RegCreateKey { key } = op else {
            return None;
        };
        // Ours: the journal says the key was absent just before this step
        // (journals of the first version: the step is done).
        let ours = (state.previous.contains_key(&i) && !state.failed_steps.contains(&i))
            || state.done.contains(&i);
        if !ours && self.key_exists(key).ok() == Some(false) {
            return None;
        }
        (!ours).then(|| {
            t!(
                "Kept {key}: this run did not create it.",
                "{key} はこの実行で作成したものではないため、そのまま残しました。"
            )
        })
    }

    /// Every run, oldest first (see `unreadable` for the others).
    pub fn history(&self) -> Vec<RunState> {
        self.scan().0
    }

    /// Run folders whose journal cannot be read (deleted, damaged, or a
    /// run that died before its first record): nothing can be resumed or
    /// undone from them, so they are named rather than left out silently.
    pub fn unreadable(&self) -> Vec<Unreadable> {
        self.scan().1
    }

    pub fn scan(&self) -> (Vec<RunState>, Vec<Unreadable>) {
        let (mut runs, mut bad) = (Vec::new(), Vec::new());
        for n in self.host.list(&self.runs).unwrap_or_default() {
            let dir = self.runs.join(&n);
            if !self.host.is_dir(&dir) {
                continue;
            }
            match read_journal(self.host, &dir) {
                Ok(r) => runs.push(r),
                Err(e) => bad.push(Unreadable {
                    dir,
                    error: e.to_string(),
                }),
            }
        }
        (runs, bad)
    }

    /// The last run, or the run with this id or the only one whose id
    /// begins with it (an ambiguous beginning finds none: see `matching`).
    pub fn find(&self, id: Option<&str>) -> Option<RunState> {
        let runs = self.history();
        let Some(id) = id else {
            return runs.into_iter().last();
        };
        if let Some(i) = runs.iter().position(|r| r.id == id) {
            return runs.into_iter().nth(i);
        }
        let mut found = runs.into_iter().filter(|r| r.id.starts_with(id));
        match (found.next(), found.next()) {
            (Some(r), None) => Some(r),
            _ => None,
        }
    }

    /// The ids of the runs whose id begins with `prefix`.
    pub fn matching(&self, prefix: &str) -> Vec<String> {
        self.history()
            .into_iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with(prefix))
            .collect()
    }

    /// Runs that stopped halfway; the one another m365doctor is carrying
    /// out right now is in progress, not unfinished.
    pub fn unfinished(&self) -> Vec<RunState> {
        let runs: Vec<RunState> = self
            .history()
            .into_iter()
            .filter(|r| r.unfinished())
            .collect();
        if runs.is_empty() {
            return runs;
        }
        let busy = self.busy().map(|h| h.run);
        runs.into_iter()
            .filter(|r| Some(&r.id) != busy.as_ref())
            .collect()
    }

    fn run_ok(&self, program: &str, args: &[&str], timeout: Duration) -> io::Result<String> {
        let out = self.host.run(program, args, timeout)?;
        if out.ok() {
            Ok(out.all_text().trim().to_string())
        } else {
            let code = out
                .code
                .map(|c| c.to_string())
                .unwrap_or_else(|| "timeout".into());
            Err(io::Error::other(format!(
                "`{program} {}` failed ({code}): {}",
                args.join(" "),
                out.all_text().trim()
            )))
        }
    }

    fn key_exists(&self, key: &str) -> io::Result<bool> {
        facts::reg_key_state(self.host, key)
    }

    /// Exports `key` to `file` (or `file` numbered `.2.reg`, `.3.reg`, … when
    /// it is taken: nothing kept earlier is overwritten), then deletes the
    /// key. Returns where the export went.
    fn export_and_delete(&self, key: &str, file: &Path) -> io::Result<PathBuf> {
        let h = self.host;
        if let Some(parent) = file.parent() {
            h.create_dir_all(parent)?;
        }
        let mut target = file.to_path_buf();
        let mut n = 2;
        while h.exists(&target) {
            target = file.with_extension(format!("{n}.reg"));
            n += 1;
        }
        let t = target.to_string_lossy().into_owned();
        self.run_ok("reg", &["export", key, &t, "/y"], SHORT)?;
        self.run_ok("reg", &["delete", key, "/f"], SHORT)?;
        Ok(target)
    }

    /// Carries out one operation; every one checks the state it finds, so
    /// running it again after a crash is safe.
    pub fn apply(&self, op: &Op) -> io::Result<Text> {
        self.apply_step(op, false)
    }

    /// `absent_before`: the journal says the key a `RegCreateKey` creates
    /// was not there before this step (so what is there now is its own).
    fn apply_step(&self, op: &Op, absent_before: bool) -> io::Result<Text> {
        let h = self.host;
        match op {
            Op::MoveAside { from, to } => {
                if h.exists(from) {
                    if h.exists(to) {
                        return Err(io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!("the backup {} already exists", to.display()),
                        ));
                    }
                    if let Some(parent) = to.parent() {
                        h.create_dir_all(parent)?;
                    }
                    h.rename(from, to)?;
                    {
                        let to = show(to);
                        Ok(t!("moved to {to}", "{to} へ移動しました"))
                    }
                } else if h.exists(to) {
                    Ok(t!("already in the backup", "すでにバックアップにあります"))
                } else {
                    Ok(t!(
                        "not present; nothing to move",
                        "存在しないため、移動するものはありません"
                    ))
                }
            }
            Op::MoveBack {
                from,
                to,
                displaced,
            } => {
                if !h.exists(from) {
                    return Ok(t!(
                        "nothing in the backup to restore",
                        "バックアップに復元するものはありません"
                    ));
                }
                let mut note = Text::default();
                if h.exists(to) {
                    // Recreated since the run (an app started): kept, not deleted.
                    let mut target = displaced.clone();
                    let mut n = 2;
                    while h.exists(&target) {
                        target = displaced.with_extension(n.to_string());
                        n += 1;
                    }
                    if let Some(parent) = target.parent() {
                        h.create_dir_all(parent)?;
                    }
                    h.rename(to, &target)?;
                    let kept = show(&target);
                    note = t!(
                        " (the folder recreated meanwhile is kept at {kept})",
                        " (その間に作り直されたフォルダーは {kept} に保管しました)"
                    );
                }
                if let Some(parent) = to.parent() {
                    h.create_dir_all(parent)?;
                }
                h.rename(from, to)?;
                let to = show(to);
                Ok(Text::new(
                    format!("restored {to}{}", note.en),
                    format!("{to} を復元しました{}", note.ja),
                ))
            }
            Op::RegExport { key, file } => {
                if let Some(parent) = file.parent() {
                    h.create_dir_all(parent)?;
                }
                let f = file.to_string_lossy().into_owned();
                self.run_ok("reg", &["export", key, &f, "/y"], SHORT)?;
                let size = h.read(file).map(|b| b.len()).unwrap_or(0);
                if size == 0 {
                    return Err(io::Error::other(format!(
                        "the export {} is missing or empty",
                        file.display()
                    )));
                }
                let file = show(file);
                Ok(t!(
                    "exported to {file} ({size} bytes)",
                    "{file} へエクスポートしました ({size} バイト)"
                ))
            }
            Op::RegDelete { key } => {
                if !self.key_exists(key)? {
                    return Ok(t!("already absent", "すでに存在しません"));
                }
                self.run_ok("reg", &["delete", key, "/f"], SHORT)?;
                Ok(t!("deleted", "削除しました"))
            }
            Op::RegImport {
                file,
                key,
                displaced,
            } => {
                if !h.exists(file) {
                    return Ok(t!(
                        "no export to import (the key was never deleted)",
                        "インポートするエクスポートがありません (キーは削除されていません)"
                    ));
                }
                let mut note = Text::default();
                if let (Some(key), Some(displaced)) = (key, displaced) {
                    if self.key_exists(key)? {
                        // Recreated since the run: kept in a file, then
                        // replaced, so nothing of it mixes into the restore.
                        let kept = show(&self.export_and_delete(key, displaced)?);
                        note = t!(
                            " (the key as it was before the undo is kept in {kept})",
                            " (元に戻す直前のキーは {kept} に保管しました)"
                        );
                    }
                }
                let f = file.to_string_lossy().into_owned();
                self.run_ok("reg", &["import", &f], SHORT)?;
                let file = show(file);
                Ok(Text::new(
                    format!("imported {file}{}", note.en),
                    format!("{file} をインポートしました{}", note.ja),
                ))
            }
            Op::RegCreateKey { key } => {
                if self.key_exists(key)? {
                    // Only what an interrupted attempt of this very step
                    // created is its own; anything else belongs to someone.
                    if absent_before {
                        return Ok(t!(
                            "created (by the interrupted attempt)",
                            "作成済み (中断された前回の試行で作成)"
                        ));
                    }
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!("{key} already exists; it is left as it is"),
                    ));
                }
                self.run_ok("reg", &["add", key, "/f"], SHORT)?;
                Ok(t!("created", "作成しました"))
            }
            Op::RegRemoveCreated { key, file } => {
                if !self.key_exists(key)? {
                    return Ok(t!("already absent", "すでに存在しません"));
                }
                let kept = show(&self.export_and_delete(key, file)?);
                Ok(t!(
                    "removed; its content is kept in {kept}",
                    "削除しました。内容は {kept} に保管しました"
                ))
            }
            Op::RegSetString { key, name, data } => {
                self.run_ok(
                    "reg",
                    &["add", key, "/v", name, "/t", "REG_SZ", "/d", data, "/f"],
                    SHORT,
                )?;
                Ok(t!("{name} = {data}", "{name} = {data} に設定しました"))
            }
            Op::RegDeleteValue { key, name } => {
                if facts::reg_value(h, key, name).is_none() {
                    return Ok(t!("already absent", "すでに存在しません"));
                }
                self.run_ok("reg", &["delete", key, "/v", name, "/f"], SHORT)?;
                Ok(t!("{name} removed", "{name} を削除しました"))
            }
            Op::CmdkeyDelete { target } => {
                let arg = format!("/delete:{target}");
                match self.run_ok("cmdkey", &[&arg], SHORT) {
                    Ok(_) => Ok(t!("removed", "削除しました")),
                    Err(e) => {
                        let list = h.run("cmdkey", &["/list"], SHORT)?;
                        let still = facts::parse_cmdkey_list(&list.text())
                            .iter()
                            .any(|t| t.eq_ignore_ascii_case(target));
                        if still {
                            Err(e)
                        } else {
                            Ok(t!("already absent", "すでに存在しません"))
                        }
                    }
                }
            }
            Op::Command {
                program,
                args,
                timeout_secs,
            } => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = self.run_ok(program, &args, Duration::from_secs(*timeout_secs))?;
                // The tool's own words, in the language Windows printed them.
                Ok(Text::new(out.clone(), out))
            }
            Op::Launch { program, args } => {
                if h.processes()?
                    .iter()
                    .any(|p| p.image.eq_ignore_ascii_case(program))
                {
                    return Ok(t!("already running", "すでに起動しています"));
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                h.spawn(program, &args)?;
                Ok(t!("started", "起動しました"))
            }
        }
    }

    /// Checks one outcome after the steps.
    pub fn verify(&self, check: &Check) -> CheckResult {
        let h = self.host;
        let result: Result<(bool, String), io::Error> = match check {
            Check::MovedAside { to, .. } => {
                Ok((h.exists(to), show(to)))
            }
            Check::RegKeyAbsent { key } => {
                self.key_exists(key).map(|e| (!e, String::new()))
            }
            Check::RegKeyPresent { key } => {
                self.key_exists(key).map(|e| (e, String::new()))
            }
            Check::RegValueIs { key, name, data } => {
                facts::reg_value_state(h, key, name)
                    .map(|v| (v.as_deref() == Some(data.as_str()), v.unwrap_or_default()))
            }
            Check::CredentialsAbsent { targets } => {
                h.run("cmdkey", &["/list"], SHORT).map(|o| {
                    let left: Vec<String> = facts::parse_cmdkey_list(&o.text())
                        .into_iter()
                        .filter(|t| {
                            targets
                                .iter()
                                .any(|x| t.eq_ignore_ascii_case(x))
                        })
                        .collect();
                    (left.is_empty(), left.join(", "))
                })
            }
            Check::ClockSynced { before } => {
                h.run("w32tm", &["/query", "/status"], SHORT).map(|o| {
                    let s = facts::parse_w32tm_status(&o.text());
                    // A sync time from before the run proves nothing about it.
                    let new = before.is_none() || s.last_sync != *before;
                    (
                        s.synced() && new,
                        format!(
                            "{} / {}",
                            s.source.unwrap_or_default(),
                            s.last_sync.unwrap_or_default()
                        ),
                    )
                })
            }
            Check::PrtRefreshed { before } => {
                Ok(match facts::dsreg_prt(h) {
                    Some((present, updated)) => {
                        let renewed = before.is_none() || updated != *before;
                        (
                            present && renewed,
                            format!(
                                "AzureAdPrt : {}, AzureAdPrtUpdateTime : {}",
                                if present { "YES" } else { "NO" },
                                updated.unwrap_or_default()
                            ),
                        )
                    }
                    None => (false, "no SSO State in dsregcmd /status".into()),
                })
            }
            Check::BrokerRegistered => {
                h.run(
                    "powershell",
                    &[
                        "-NoProfile",
                        "-NonInteractive",
                        "-Command",
                        "Get-AppxPackage Microsoft.AAD.BrokerPlugin | Format-List Name, Version, Status",
                    ],
                    SHORT,
                )
                .map(|o| {
                    let text = o.text();
                    let ok = text.lines().any(|l| {
                        l.split_once(':').is_some_and(|(k, v)| {
                            k.trim() == "Status" && v.trim().eq_ignore_ascii_case("ok")
                        })
                    });
                    (ok, text.trim().lines().last().unwrap_or("").to_string())
                })
            }
            Check::ProcessRunning { image } => {
                h.processes().map(|ps| {
                    (
                        ps.iter().any(|p| p.image.eq_ignore_ascii_case(image)),
                        String::new(),
                    )
                })
            }
            Check::DeviceLeft => {
                Ok(match facts::dsreg_join(h) {
                    Some(j) => (!j.azure_ad_joined, String::new()),
                    None => (false, "dsregcmd /status unreadable".into()),
                })
            }
        };
        let name = check.describe();
        match result {
            Ok((ok, detail)) => CheckResult {
                check: name,
                ok,
                detail,
            },
            Err(e) => CheckResult {
                check: name,
                ok: false,
                detail: e.to_string(),
            },
        }
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Names a change no undo gives back, and why.
fn not_undone(state: &RunState, step: usize) -> Text {
    let s = &state.plan.steps[step];
    let why = match &s.undo {
        Undo::Impossible { why } | Undo::NotNeeded { why } => why.clone(),
        Undo::Restore { .. } => Text::default(),
    };
    Text::new(
        format!("Not undone: {} — {}", s.does.en, why.en),
        format!("元に戻せない変更: {} — {}", s.does.ja, why.ja),
    )
}

fn undo_label(does: &Text) -> Text {
    Text::new(
        format!("Undo: {}", does.en),
        format!("元に戻す: {}", does.ja),
    )
}
