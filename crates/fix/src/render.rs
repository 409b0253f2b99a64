//! What `fix` shows: plans, reports of runs, undos and resumes, the action
//! list and the history, as text (English or Japanese) and as JSON
//! (`m365doctor.fix/1`), and the warnings every `fix` command gives first.
//! The command line only prints these.

use crate::catalog::{self, CodeActions, SCHEMA};
use crate::plan::{show, Op, Plan, Precondition, Undo, UndoKind};
use crate::runner::{Report, RunState, Runner, Unreadable};
use crate::t;
use crate::text::Text;
use m365doctor_codes::Lang;
use m365doctor_text::visible;
use serde_json::{json, Value};
use std::io;

/// `en` or `ja`.
pub fn tr(lang: Lang, en: &str, ja: &str) -> String {
    if lang == Lang::Ja { ja } else { en }.to_string()
}

/// A JSON document as printed: indented, with a final newline, and no
/// character a terminal would act on (see [`m365doctor_text::json`]).
pub fn json_text(value: &Value) -> io::Result<String> {
    let mut s = m365doctor_text::json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

/// Adds one line to a text output. Plans, journals, run folders and the
/// machine's own file and key names are input: a control character in
/// them is shown, never obeyed, and a newline in them cannot start a line
/// of its own.
fn push_line(out: &mut String, line: &str) {
    out.push_str(&visible(line));
    out.push('\n');
}

/// Pads to a width in terminal columns (East Asian characters take two).
fn pad(s: &str, width: usize) -> String {
    let cols: usize = s
        .chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

/// `fix list`: the automated actions, then the manual ones.
pub fn list_text(lang: Lang) -> String {
    let mut out = String::new();
    let all = catalog::list();
    for automated in [true, false] {
        out.push_str(&if automated {
            tr(
                lang,
                "Automated (m365doctor fix run ACTION):",
                "自動 (m365doctor fix run ACTION):",
            )
        } else {
            tr(
                lang,
                "Manual (done by you or an administrator):",
                "手動 (ユーザーまたは管理者が実施):",
            )
        });
        out.push('\n');
        for a in all.iter().filter(|a| a.automated == automated) {
            let undo = if !a.automated {
                String::new()
            } else {
                match (a.undo, a.undo_kind) {
                    _ if !a.changes => tr(lang, "read-only", "読み取りのみ"),
                    (true, _) => tr(lang, "undo: yes", "元に戻す: 可"),
                    (false, UndoKind::NotNeeded) => tr(lang, "undo: not needed", "元に戻す: 不要"),
                    _ => tr(lang, "undo: NO", "元に戻す: 不可"),
                }
            };
            push_line(
                &mut out,
                &format!(
                    "  {:<32} {} {} {} {}",
                    a.id,
                    pad(m365doctor_kb::who_label(&a.who, lang), 8),
                    pad(m365doctor_kb::risk_label(&a.risk, lang), 6),
                    pad(&undo, 18),
                    a.title.get(lang)
                ),
            );
        }
        out.push('\n');
    }
    out
}

/// `fix plan X --json`.
pub fn plans_json(
    input: &str,
    code: Option<&CodeActions>,
    plans: &[Plan],
    manual: &[&m365doctor_kb::Action],
    lang: Lang,
) -> Value {
    json!({
        "schema": SCHEMA,
        "input": input,
        "code": code.map(|c| json!({
            "code": c.code,
            "entry": c.entry.as_ref().map(|(id, _)| id),
            "title": c.entry.as_ref().map(|(_, t)| t.get(lang).to_string()),
            "actions": c.actions,
        })),
        "plans": plans,
        "manual": manual.iter().map(|a| json!({
            "id": a.id, "who": a.who, "risk": a.risk,
            "title": if lang == Lang::Ja { &a.title.ja } else { &a.title.en },
            "text": if lang == Lang::Ja { &a.text.ja } else { &a.text.en },
        })).collect::<Vec<_>>(),
    })
}

/// `fix plan X`: for a code, its entry and its actions in the entry's order
/// (least invasive first), each planned or described as done by hand.
pub fn plans_text(
    actions: &[String],
    code: Option<&CodeActions>,
    plans: &[Plan],
    manual: &[&m365doctor_kb::Action],
    lang: Lang,
) -> String {
    let mut out = String::new();
    if let Some(c) = code {
        let entry = c
            .entry
            .as_ref()
            .map(|(id, t)| format!("{} [{id}]", t.get(lang)))
            .unwrap_or_default();
        push_line(&mut out, &format!("{}: {entry}", c.code));
        out.push_str(&format!(
            "{}\n\n",
            tr(
                lang,
                "Its actions, least invasive first:",
                "対処 (影響の小さい順):"
            )
        ));
    }
    for (n, id) in actions.iter().enumerate() {
        if code.is_some() {
            out.push_str(&format!("{}. ", n + 1));
        }
        if let Some(p) = plans.iter().find(|p| &p.action == id) {
            out.push_str(&plan_text(p, lang));
        } else if let Some(a) = manual.iter().find(|a| a.id == id.as_str()) {
            let (title, text) = if lang == Lang::Ja {
                (&a.title.ja, &a.text.ja)
            } else {
                (&a.title.en, &a.text.en)
            };
            push_line(
                &mut out,
                &format!("{} {title} [{}]", tr(lang, "By hand:", "手動:"), a.id),
            );
            push_line(&mut out, &format!("  {text}"));
            out.push('\n');
        }
    }
    out
}

/// One plan, as shown before it is confirmed.
pub fn plan_text(p: &Plan, lang: Lang) -> String {
    let mut out = String::new();
    let mut line = |s: String| push_line(&mut out, &s);
    let kb = m365doctor_kb::action(&p.action);
    let who = if p.admin() {
        "admin".to_string()
    } else {
        kb.map(|a| a.who.to_string()).unwrap_or_default()
    };
    let risk = kb.map(|a| a.risk.to_string()).unwrap_or_default();
    line(format!(
        "{} {} [{}]",
        tr(lang, "Plan:", "計画:"),
        p.title.get(lang),
        p.action
    ));
    line(format!(
        "  {} {} · {} {} · {} {}",
        tr(lang, "who:", "実施者:"),
        m365doctor_kb::who_label(&who, lang),
        tr(lang, "risk:", "リスク:"),
        m365doctor_kb::risk_label(&risk, lang),
        tr(lang, "undo:", "元に戻す:"),
        p.undo_note.get(lang)
    ));
    let changes = crate::actions::find(&p.action).is_some_and(|a| a.changes);
    if !p.probed && changes {
        line(format!(
            "  {}",
            tr(
                lang,
                "(planned without this machine's state: on Windows the plan names exactly what exists)",
                "(このマシンの状態を見ずに作成した計画です。Windows 上では実際に存在するものを具体的に示します)"
            )
        ));
    }
    if !p.preconditions.is_empty() {
        line(format!(
            "  {}",
            tr(lang, "Before it starts:", "開始前の確認:")
        ));
        for pre in &p.preconditions {
            let what = match pre {
                Precondition::Windows => tr(lang, "runs on Windows only", "Windows でのみ実行"),
                Precondition::SessionUser => tr(
                    lang,
                    "run as the user signed in at this PC (not as SYSTEM or another administrator account)",
                    "この PC にサインインしているユーザー本人として実行 (SYSTEM や別の管理者アカウントでは不可)",
                ),
                Precondition::Admin => tr(
                    lang,
                    "administrator rights (an elevated prompt)",
                    "管理者権限 (管理者として実行したプロンプト)",
                ),
                Precondition::AppsClosed { images } => format!(
                    "{} {}",
                    tr(
                        lang,
                        "these apps are closed:",
                        "次のアプリが終了していること:"
                    ),
                    images.join(", ")
                ),
                Precondition::DiskSpace { bytes, at } => format!(
                    "{} {:.1} MiB ({})",
                    tr(
                        lang,
                        "free disk space for the backup:",
                        "バックアップ用の空き容量:"
                    ),
                    *bytes as f64 / 1048576.0,
                    show(at)
                ),
            };
            line(format!("    - {what}"));
        }
    }
    if p.steps.is_empty() {
        if changes {
            line(format!("  {}", tr(lang, "Steps: none", "手順: なし")));
        }
    } else {
        line(format!("  {}", tr(lang, "Steps:", "手順:")));
    }
    for (i, s) in p.steps.iter().enumerate() {
        line(format!("    {}. {}", i + 1, s.does.get(lang)));
        line(format!(
            "       {} {}",
            tr(lang, "runs:", "実行内容:"),
            s.op.describe()
        ));
        if let Some(b) = &s.backup {
            line(format!(
                "       {} {}",
                tr(lang, "backup:", "バックアップ:"),
                show(b)
            ));
        }
        let undo = match (&s.op, &s.undo) {
            // Undo puts back what the step finds when it runs (journaled),
            // which may differ from what was there when planning.
            (Op::RegSetString { name, .. }, Undo::Restore { .. }) => format!(
                "{} {name} {}",
                tr(lang, "puts back the", "実行直前に記録した"),
                tr(
                    lang,
                    "value read just before the step (journaled), or removes it if there was none",
                    "の値に戻す (値がなかった場合は削除)",
                )
            ),
            (_, undo) => undo_text(undo, lang),
        };
        line(format!("       {} {undo}", tr(lang, "undo:", "元に戻す:")));
        if let Some(n) = &s.notice {
            line(format!(
                "       {} {}",
                tr(lang, "you notice:", "影響:"),
                n.get(lang)
            ));
        }
        if s.admin {
            line(format!(
                "       {}",
                tr(lang, "needs administrator rights", "管理者権限が必要")
            ));
        }
    }
    if !p.verify.is_empty() {
        line(format!(
            "  {}",
            tr(lang, "Then it checks:", "実行後の確認:")
        ));
        for c in &p.verify {
            line(format!("    - {}", c.describe().get(lang)));
        }
    }
    for n in &p.notes {
        line(format!("  * {}", n.get(lang)));
    }
    if !p.steps.is_empty() {
        line(format!(
            "  {} {}",
            tr(lang, "Backup and journal:", "バックアップとジャーナル:"),
            show(&p.run_dir)
        ));
    }
    for r in &p.refusals {
        line(format!(
            "  {} {}",
            tr(lang, "WILL NOT RUN:", "実行できません:"),
            r.get(lang)
        ));
    }
    out.push('\n');
    out
}

/// How a step is undone, in words.
fn undo_text(undo: &Undo, lang: Lang) -> String {
    match undo {
        Undo::Restore { op } => op.describe(),
        Undo::NotNeeded { why } => why.get(lang).to_string(),
        Undo::Impossible { why } => {
            format!("{} {}", tr(lang, "NOT POSSIBLE:", "不可:"), why.get(lang))
        }
    }
}

/// What a run, resume or undo did, as JSON.
pub fn report_json(report: &Report, lang: Lang) -> Value {
    json!({
        "schema": SCHEMA,
        "run": report.run,
        "dir": report.dir,
        "status": report.status,
        "steps": report.steps.iter().map(|(t, r)| json!({
            "step": t.get(lang),
            "ok": r.is_ok(),
            "detail": match r { Ok(d) => d.get(lang), Err(e) => e.as_str() },
        })).collect::<Vec<_>>(),
        "checks": report.checks.iter().map(|c| json!({
            "check": c.check.get(lang),
            "ok": c.ok,
            "detail": c.detail,
        })).collect::<Vec<_>>(),
        "notes": report.notes.iter().map(|n| n.get(lang)).collect::<Vec<_>>(),
    })
}

/// A `fix run|undo|resume --json` that refused before anything changed,
/// in the shape of a report (`status: refused`, the reasons in `notes`),
/// with the exit code the command ends with, so that a script reads why
/// from standard output as it reads any other outcome.
pub fn refusal_json(
    action: Option<&str>,
    run: Option<&str>,
    reasons: &[Text],
    exit_code: u8,
    lang: Lang,
) -> Value {
    json!({
        "schema": SCHEMA,
        "action": action,
        "run": run,
        "dir": null,
        "status": "refused",
        "exit_code": exit_code,
        "steps": [],
        "checks": [],
        "notes": reasons.iter().map(|r| r.get(lang)).collect::<Vec<_>>(),
    })
}

/// What a run, resume or undo did; `offer_undo` adds how to undo a run
/// that is done.
pub fn report_text(report: &Report, lang: Lang, offer_undo: bool) -> String {
    let mut out = String::new();
    let mut line = |s: String| push_line(&mut out, &s);
    line(format!(
        "{} {}: {}",
        tr(lang, "Run", "実行"),
        report.run,
        status_label(&report.status, lang)
    ));
    for (t, r) in &report.steps {
        match r {
            Ok(d) => line(format!("  ✓ {} — {}", t.get(lang), d.get(lang))),
            Err(e) => line(format!("  ✗ {} — {e}", t.get(lang))),
        }
    }
    if !report.checks.is_empty() {
        line(format!("  {}", tr(lang, "Checks:", "確認:")));
        for c in &report.checks {
            let mark = if c.ok { "✓" } else { "✗" };
            if c.detail.is_empty() {
                line(format!("    {mark} {}", c.check.get(lang)));
            } else {
                line(format!("    {mark} {} ({})", c.check.get(lang), c.detail));
            }
        }
    }
    for n in &report.notes {
        line(format!("  * {}", n.get(lang)));
    }
    line(format!(
        "  {} {}",
        tr(lang, "Backup and journal:", "バックアップとジャーナル:"),
        show(&report.dir)
    ));
    if offer_undo && report.status.starts_with("done") {
        line(format!(
            "  {} m365doctor fix undo {}",
            tr(lang, "To undo:", "元に戻すには:"),
            report.run
        ));
    }
    out
}

/// A run's status in words.
pub fn status_label(status: &str, lang: Lang) -> String {
    let (en, ja) = match status {
        "done" => ("done and verified", "完了 (確認済み)"),
        "done-unverified" => ("done, but a check failed", "完了 (ただし確認に失敗)"),
        "rolled-back" => ("failed; changes rolled back", "失敗 (変更は元に戻しました)"),
        "partly-rolled-back" => (
            "failed; rolled back except the changes that cannot be undone",
            "失敗 (元に戻せない変更を除き、元に戻しました)",
        ),
        "undone" => ("undone", "元に戻しました"),
        "undone-partially" => (
            "undone except the changes that cannot be undone",
            "元に戻しました (元に戻せない変更を除く)",
        ),
        "undo-failed" => ("undo failed in part", "元に戻す処理が一部失敗"),
        "busy" => (
            "not started: another m365doctor is changing this machine",
            "未実行 (別の m365doctor がこのマシンを変更中)",
        ),
        "refused" => (
            "refused; nothing was changed",
            "実行せず (何も変更していません)",
        ),
        "damaged" => (
            "journal damaged: neither undone nor resumed",
            "ジャーナル破損 (元に戻す操作も再開も不可)",
        ),
        "unfinished" => ("unfinished", "未完了"),
        "undo-unfinished" => ("undo unfinished", "元に戻す処理が未完了"),
        other => (other, other),
    };
    tr(lang, en, ja)
}

/// `fix history --json`.
pub fn history_json(runs: &[RunState], unreadable: &[Unreadable], lang: Lang) -> Value {
    json!({
        "schema": SCHEMA,
        "unreadable": unreadable.iter().map(|u| json!({
            "dir": u.dir,
            "error": u.error,
        })).collect::<Vec<_>>(),
        "runs": runs.iter().map(|r| json!({
            "run": r.id,
            "action": r.action,
            "time": r.time,
            "status": r.status(),
            "unfinished": r.unfinished(),
            "steps": r.plan.steps.len(),
            "steps_done": r.done.len(),
            "dir": r.dir,
            "damage": r.damage.iter().map(|d| d.get(lang)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// `fix history`: the runs, oldest first.
pub fn history_text(runs: &[RunState], unreadable: &[Unreadable], lang: Lang) -> String {
    let mut out = String::new();
    for u in unreadable {
        push_line(
            &mut out,
            &format!(
                "{}  {}",
                show(&u.dir),
                tr(lang, "journal unreadable", "ジャーナル読み取り不可")
            ),
        );
    }
    if runs.is_empty() && unreadable.is_empty() {
        out.push_str(&format!(
            "{}\n",
            tr(lang, "No runs yet.", "実行履歴はまだありません。")
        ));
        return out;
    }
    for r in runs {
        push_line(
            &mut out,
            &format!(
                "{}  {:<32} {}/{}  {}",
                r.id,
                r.action,
                r.done.len(),
                r.plan.steps.len(),
                status_label(r.status(), lang)
            ),
        );
    }
    out
}

/// What `fix undo` is about to do.
pub fn undo_preview(state: &RunState, lang: Lang) -> String {
    let mut out = String::new();
    push_line(
        &mut out,
        &format!(
            "{} {} ({}, {})",
            tr(lang, "Undo run", "次の実行を元に戻します:"),
            state.id,
            state.action,
            status_label(state.status(), lang)
        ),
    );
    for (i, s) in state.plan.steps.iter().enumerate().rev() {
        if !state.begun.contains(&i) || state.undone.contains(&i) {
            continue;
        }
        push_line(
            &mut out,
            &format!("  - {} → {}", s.does.get(lang), undo_text(&s.undo, lang)),
        );
    }
    out
}

/// What `fix resume` is about to finish.
pub fn resume_preview(state: &RunState, lang: Lang) -> String {
    let mut out = String::new();
    push_line(
        &mut out,
        &format!(
            "{} {} ({}): {}/{} {}",
            tr(lang, "Resume run", "次の実行を再開します:"),
            state.id,
            state.action,
            state.done.len(),
            state.plan.steps.len(),
            tr(lang, "steps done", "件の手順が完了")
        ),
    );
    out
}

/// What every `fix` command says first: runs that did not finish (not
/// while undoing or resuming, which is the answer), undos that failed in
/// part, damaged journals and run folders that cannot be read.
pub fn warnings(runner: &Runner, resolving: bool) -> Vec<Text> {
    let (runs, unreadable) = runner.scan();
    let mut out = Vec::new();
    if !resolving {
        for r in runner.unfinished() {
            let (id, action) = (&r.id, &r.action);
            out.push(t!(
                "run {id} ({action}) did not finish: `m365doctor fix resume {id}` finishes it, `m365doctor fix undo {id}` rolls it back",
                "実行 {id} ({action}) は完了していません。`m365doctor fix resume {id}` で再開、`m365doctor fix undo {id}` で元に戻せます"
            ));
        }
        // An undo that failed in part left the machine half restored.
        for r in runs.iter().filter(|r| r.status() == "undo-failed") {
            let (id, action) = (&r.id, &r.action);
            out.push(t!(
                "the undo of run {id} ({action}) failed in part: `m365doctor fix undo {id}` tries the rest again",
                "実行 {id} ({action}) を元に戻す処理が一部失敗しています。`m365doctor fix undo {id}` で残りを再試行できます"
            ));
        }
    }
    for r in runs.iter().filter(|r| !r.damage.is_empty()) {
        let (id, action) = (&r.id, &r.action);
        let en: Vec<&str> = r.damage.iter().map(|d| d.en.as_str()).collect();
        let ja: Vec<&str> = r.damage.iter().map(|d| d.ja.as_str()).collect();
        let (en, ja) = (en.join("; "), ja.join("、"));
        out.push(t!(
            "the journal of run {id} ({action}) is damaged ({en}): m365doctor neither resumes nor undoes it; its backup folder holds what it moved aside",
            "実行 {id} ({action}) のジャーナルが破損しています ({ja})。m365doctor では再開も元に戻すこともできません。退避したものはバックアップ フォルダーにあります"
        ));
    }
    for u in unreadable {
        let (dir, error) = (show(&u.dir), &u.error);
        out.push(if u.dir == runner.runs {
            t!(
                "{dir} cannot be read ({error}): runs in it are neither listed nor resumed nor undone",
                "{dir} を読み取れません ({error})。その中の実行は一覧表示も再開も元に戻すこともできません"
            )
        } else {
            t!(
                "the journal of {dir} cannot be read ({error}): that run can be neither resumed nor undone by m365doctor; its backup folder holds what it moved aside",
                "{dir} のジャーナルを読み取れません ({error})。この実行は m365doctor では再開も元に戻すこともできません。退避したものはバックアップ フォルダーにあります"
            )
        });
    }
    out
}
