//! What must hold before anything changes: the system, closed apps,
//! administrator rights, the signed-in user, disk space; and, for undo and
//! resume, a journal that can be trusted on a system where its action runs.

use super::{RunState, Runner};
use crate::facts::SHORT;
use crate::plan::{Plan, Precondition, Undo};
use crate::t;
use crate::text::Text;

impl Runner<'_> {
    /// Why a run can be neither undone nor resumed here, whatever the
    /// state of the machine: its action does not run on this system (where
    /// `fix run` refuses, `undo` and `resume` refuse too), or its journal is
    /// damaged.
    pub fn cannot_resolve(&self, state: &RunState) -> Vec<Text> {
        let mut why = Vec::new();
        let os = self.host.os();
        if crate::actions::find(&state.action).is_some_and(|a| !a.runs_on(os)) {
            let (id, action, os) = (&state.id, &state.action, os.id());
            why.push(t!(
                "Run {id} ({action}) changed Windows settings: it can be undone or resumed on Windows only (this is {os}). Nothing was changed.",
                "実行 {id} ({action}) は Windows の設定を変更したものです。元に戻す操作や再開は Windows でのみ行えます (この環境は {os} です)。何も変更していません。"
            ));
        }
        if !state.damage.is_empty() {
            let id = &state.id;
            let en: Vec<&str> = state.damage.iter().map(|d| d.en.as_str()).collect();
            let ja: Vec<&str> = state.damage.iter().map(|d| d.ja.as_str()).collect();
            let (en, ja) = (en.join("; "), ja.join("、"));
            why.push(t!(
                "The journal of run {id} is damaged ({en}), so m365doctor neither undoes nor resumes it, and nothing was changed. The run's backup folder holds what it moved aside.",
                "実行 {id} のジャーナルが破損しているため ({ja})、m365doctor は元に戻す操作も再開も行わず、何も変更していません。退避したものは実行のバックアップ フォルダーにあります。"
            ));
        }
        why
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
        let why = self.cannot_resolve(state);
        if !why.is_empty() {
            return why;
        }
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
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
