//! `m365doctor fix`: list, plan, run, undo, resume and history of repairs.
//! A thin shell over m365doctor-fix; dry-run is the default: nothing
//! changes without `--yes` or a "y" typed at a terminal.

use m365doctor_codes::Lang;
use m365doctor_fix::catalog;
use m365doctor_fix::host::{Host, Os, RealHost};
use m365doctor_fix::network;
use m365doctor_fix::plan::{self, show, Plan, Precondition, Undo};
use m365doctor_fix::runner::{Report, RunState, Runner};
use m365doctor_fix::Text;
use m365doctor_kb::Kb;
use serde_json::json;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Subcommand)]
pub enum FixCommand {
    /// List every action: automated or manual, who, risk, undo
    List {
        /// Print JSON (schema m365doctor.fix/1)
        #[arg(long)]
        json: bool,
    },
    /// Show exactly what an action, or the actions for an error code, would do
    Plan {
        /// An action id (`reset-identity-cache`) or a code (`0xCAA70004`, `AADSTS50126`)
        target: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// The app the code comes from (outlook, teams, …), to pick the right entry
        #[arg(long = "app", value_name = "APP")]
        apps: Vec<String>,
        #[command(flatten)]
        choices: Choices,
    },
    /// Carry out an action: checks, confirmation, backup, journal, verification
    Run {
        /// The action id
        action: String,
        /// Do it without asking (otherwise a terminal asks; a script is refused)
        #[arg(long)]
        yes: bool,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        choices: Choices,
        /// Seconds each network probe of check-network may take
        #[arg(long, default_value_t = 5, value_name = "SECONDS")]
        timeout: u64,
    },
    /// Restore what a run changed (the last run by default)
    Undo {
        /// The run id (or its beginning), as `fix history` shows it
        run: Option<String>,
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Finish a run that was interrupted (the last one by default)
    Resume {
        run: Option<String>,
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the runs, oldest first
    History {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct Choices {
    /// dsreg-rejoin: also on a device that is Microsoft Entra joined only
    #[arg(long)]
    force: bool,
    /// dsreg-rejoin: confirm that leaving Microsoft Entra ID cannot be undone
    #[arg(long = "i-understand-rejoin")]
    i_understand_rejoin: bool,
    /// new-outlook-profile: the new profile's name (default: m365doctor)
    #[arg(long, value_name = "NAME")]
    profile_name: Option<String>,
}

impl Choices {
    fn options(&self) -> plan::Options {
        plan::Options {
            force: self.force,
            rejoin_confirmed: self.i_understand_rejoin,
            profile_name: self.profile_name.clone(),
        }
    }
}

fn tr(lang: Lang, en: &str, ja: &str) -> String {
    if lang == Lang::Ja { ja } else { en }.to_string()
}

pub fn run(command: FixCommand, kb: &Kb, lang: Lang, _color: bool) -> io::Result<ExitCode> {
    run_on(&RealHost, &mut Terminal, command, kb, lang)
}

/// Where confirmation comes from: the terminal, or a test.
pub trait Prompt {
    /// Whether someone can answer.
    fn interactive(&self) -> bool;
    fn ask(&mut self, question: &str) -> io::Result<String>;
}

struct Terminal;

impl Prompt for Terminal {
    fn interactive(&self) -> bool {
        io::stdin().is_terminal()
    }

    fn ask(&mut self, question: &str) -> io::Result<String> {
        print!("{question} [y/N] ");
        io::stdout().flush()?;
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        Ok(line)
    }
}

fn run_on(
    host: &dyn Host,
    prompt: &mut dyn Prompt,
    command: FixCommand,
    kb: &Kb,
    lang: Lang,
) -> io::Result<ExitCode> {
    let runner = Runner::new(host);
    let resolving = matches!(command, FixCommand::Undo { .. } | FixCommand::Resume { .. });
    let unfinished = runner.unfinished();
    if !resolving {
        for r in &unfinished {
            warn_unfinished(r, lang);
        }
        // An undo that failed in part left the machine half restored.
        for r in runner
            .history()
            .iter()
            .filter(|r| r.status() == "undo-failed")
        {
            let (id, action) = (&r.id, &r.action);
            crate::say(
                lang,
                &format!("the undo of run {id} ({action}) failed in part: `m365doctor fix undo {id}` tries the rest again"),
                &format!("実行 {id} ({action}) を元に戻す処理が一部失敗しています。`m365doctor fix undo {id}` で残りを再試行できます"),
            );
        }
    }
    for u in runner.unreadable() {
        let (dir, error) = (show(&u.dir), &u.error);
        crate::say(
            lang,
            &format!("the journal of {dir} cannot be read ({error}): that run can be neither resumed nor undone by m365doctor; its backup folder holds what it moved aside"),
            &format!("{dir} のジャーナルを読み取れません ({error})。この実行は m365doctor では再開も元に戻すこともできません。退避したものはバックアップ フォルダーにあります"),
        );
    }
    match command {
        FixCommand::List { json } => list(json, lang),
        FixCommand::Plan {
            target,
            json,
            apps,
            choices,
        } => plan_command(host, &target, json, &apps, &choices, kb, lang),
        FixCommand::Run {
            action,
            yes,
            json,
            choices,
            timeout,
        } => {
            if !unfinished.is_empty() && plan::spec_of(&action).is_some_and(|s| s.changes) {
                crate::say(
                    lang,
                    "finish or undo the unfinished run first (see above)",
                    "先に中断された実行を再開するか元に戻してください (上記参照)",
                );
                return Ok(ExitCode::from(2));
            }
            let opts = RunOptions { yes, json, timeout };
            run_command(host, prompt, &action, &opts, &choices, kb, lang)
        }
        FixCommand::Undo { run, yes, json } => {
            undo_command(&runner, prompt, run.as_deref(), yes, json, lang)
        }
        FixCommand::Resume { run, yes, json } => {
            resume_command(&runner, prompt, run.as_deref(), yes, json, lang)
        }
        FixCommand::History { json } => history(&runner, json, lang),
    }
}

fn warn_unfinished(r: &RunState, lang: Lang) {
    let id = &r.id;
    let action = &r.action;
    crate::say(
        lang,
        &format!("run {id} ({action}) did not finish: `m365doctor fix resume {id}` finishes it, `m365doctor fix undo {id}` rolls it back"),
        &format!("実行 {id} ({action}) は完了していません。`m365doctor fix resume {id}` で再開、`m365doctor fix undo {id}` で元に戻せます"),
    );
}

fn print_json(value: &serde_json::Value) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)
}

fn list(json: bool, lang: Lang) -> io::Result<ExitCode> {
    if json {
        print_json(&catalog::list_json(lang))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = io::stdout().lock();
    let all = catalog::list();
    for automated in [true, false] {
        writeln!(
            out,
            "{}",
            if automated {
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
            }
        )?;
        for a in all.iter().filter(|a| a.automated == automated) {
            let undo = if !a.automated {
                String::new()
            } else {
                match (a.undo, a.undo_kind) {
                    _ if !a.changes => tr(lang, "read-only", "読み取りのみ"),
                    (true, _) => tr(lang, "undo: yes", "元に戻す: 可"),
                    (false, plan::UndoKind::NotNeeded) => {
                        tr(lang, "undo: not needed", "元に戻す: 不要")
                    }
                    _ => tr(lang, "undo: NO", "元に戻す: 不可"),
                }
            };
            writeln!(
                out,
                "  {:<32} {} {} {} {}",
                a.id,
                pad(m365doctor_scan::report::who(&a.who, lang), 8),
                pad(m365doctor_scan::report::risk(&a.risk, lang), 6),
                pad(&undo, 18),
                a.title.get(lang)
            )?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Pads to a width in terminal columns (East Asian characters take two).
fn pad(s: &str, width: usize) -> String {
    let cols: usize = s
        .chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

fn plan_command(
    host: &dyn Host,
    target: &str,
    json: bool,
    apps: &[String],
    choices: &Choices,
    kb: &Kb,
    lang: Lang,
) -> io::Result<ExitCode> {
    let options = choices.options();
    let (actions, code) = if catalog::is_action(target) {
        (vec![target.to_string()], None)
    } else {
        let apps: Vec<&str> = apps.iter().map(String::as_str).collect();
        match catalog::resolve_code(target, kb, &apps) {
            Ok(c) => (c.actions.clone(), Some(c)),
            Err(e) => {
                crate::say(lang, &e.en, &e.ja);
                return Ok(ExitCode::from(2));
            }
        }
    };
    let mut plans: Vec<Plan> = Vec::new();
    let mut manual: Vec<&'static m365doctor_kb::Action> = Vec::new();
    for a in &actions {
        if plan::spec_of(a).is_some() {
            match m365doctor_fix::prepare(host, a, &options) {
                Ok(p) => plans.push(p),
                Err(e) => {
                    crate::say(lang, &e.0.en, &e.0.ja);
                    return Ok(ExitCode::from(2));
                }
            }
        } else if let Some(k) = m365doctor_kb::action(a) {
            manual.push(k);
        } else {
            crate::say(
                lang,
                &format!("unknown action `{a}` (see `m365doctor fix list`)"),
                &format!(
                    "不明なアクション `{a}` です (`m365doctor fix list` で一覧を確認できます)"
                ),
            );
            return Ok(ExitCode::from(2));
        }
    }
    if json {
        let doc = json!({
            "schema": catalog::SCHEMA,
            "input": target,
            "code": code.as_ref().map(|c| json!({
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
        });
        print_json(&doc)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = io::stdout().lock();
    if let Some(c) = &code {
        let entry = c
            .entry
            .as_ref()
            .map(|(id, t)| format!("{} [{id}]", t.get(lang)))
            .unwrap_or_default();
        writeln!(out, "{}: {entry}", c.code)?;
        writeln!(
            out,
            "{}\n",
            tr(
                lang,
                "Its actions, least invasive first:",
                "対処 (影響の小さい順):"
            )
        )?;
    }
    // In the entry's order (least invasive first), automated or not.
    for (n, id) in actions.iter().enumerate() {
        if code.is_some() {
            write!(out, "{}. ", n + 1)?;
        }
        if let Some(p) = plans.iter().find(|p| &p.action == id) {
            write_plan(&mut out, p, lang)?;
        } else if let Some(a) = manual.iter().find(|a| a.id == id.as_str()) {
            let (title, text) = if lang == Lang::Ja {
                (&a.title.ja, &a.text.ja)
            } else {
                (&a.title.en, &a.text.en)
            };
            writeln!(
                out,
                "{} {title} [{}]\n  {text}\n",
                tr(lang, "By hand:", "手動:"),
                a.id
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_plan(out: &mut impl Write, p: &Plan, lang: Lang) -> io::Result<()> {
    let kb = m365doctor_kb::action(&p.action);
    let who = if p.admin() {
        "admin".to_string()
    } else {
        kb.map(|a| a.who.to_string()).unwrap_or_default()
    };
    let risk = kb.map(|a| a.risk.to_string()).unwrap_or_default();
    writeln!(
        out,
        "{} {} [{}]",
        tr(lang, "Plan:", "計画:"),
        p.title.get(lang),
        p.action
    )?;
    writeln!(
        out,
        "  {} {} · {} {} · {} {}",
        tr(lang, "who:", "実施者:"),
        m365doctor_scan::report::who(&who, lang),
        tr(lang, "risk:", "リスク:"),
        m365doctor_scan::report::risk(&risk, lang),
        tr(lang, "undo:", "元に戻す:"),
        p.undo_note.get(lang)
    )?;
    let changes = plan::spec_of(&p.action).is_some_and(|s| s.changes);
    if !p.probed && changes {
        writeln!(
            out,
            "  {}",
            tr(
                lang,
                "(planned without this machine's state: on Windows the plan names exactly what exists)",
                "(このマシンの状態を見ずに作成した計画です。Windows 上では実際に存在するものを具体的に示します)"
            )
        )?;
    }
    if !p.preconditions.is_empty() {
        writeln!(out, "  {}", tr(lang, "Before it starts:", "開始前の確認:"))?;
        for pre in &p.preconditions {
            let line = match pre {
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
            writeln!(out, "    - {line}")?;
        }
    }
    if p.steps.is_empty() {
        if changes {
            writeln!(out, "  {}", tr(lang, "Steps: none", "手順: なし"))?;
        }
    } else {
        writeln!(out, "  {}", tr(lang, "Steps:", "手順:"))?;
    }
    for (i, s) in p.steps.iter().enumerate() {
        writeln!(out, "    {}. {}", i + 1, s.does.get(lang))?;
        writeln!(
            out,
            "       {} {}",
            tr(lang, "runs:", "実行内容:"),
            s.op.describe()
        )?;
        if let Some(b) = &s.backup {
            writeln!(
                out,
                "       {} {}",
                tr(lang, "backup:", "バックアップ:"),
                show(b)
            )?;
        }
        let undo = match (&s.op, &s.undo) {
            // Undo puts back what the step finds when it runs (journaled),
            // which may differ from what was there when planning.
            (plan::Op::RegSetString { name, .. }, Undo::Restore { .. }) => format!(
                "{} {name} {}",
                tr(lang, "puts back the", "実行直前に記録した"),
                tr(
                    lang,
                    "value read just before the step (journaled), or removes it if there was none",
                    "の値に戻す (値がなかった場合は削除)",
                )
            ),
            (_, Undo::Restore { op }) => op.describe(),
            (_, Undo::NotNeeded { why }) => why.get(lang).to_string(),
            (_, Undo::Impossible { why }) => {
                format!("{} {}", tr(lang, "NOT POSSIBLE:", "不可:"), why.get(lang))
            }
        };
        writeln!(out, "       {} {undo}", tr(lang, "undo:", "元に戻す:"))?;
        if let Some(n) = &s.notice {
            writeln!(
                out,
                "       {} {}",
                tr(lang, "you notice:", "影響:"),
                n.get(lang)
            )?;
        }
        if s.admin {
            writeln!(
                out,
                "       {}",
                tr(lang, "needs administrator rights", "管理者権限が必要")
            )?;
        }
    }
    if !p.verify.is_empty() {
        writeln!(out, "  {}", tr(lang, "Then it checks:", "実行後の確認:"))?;
        for c in &p.verify {
            writeln!(out, "    - {}", c.describe().get(lang))?;
        }
    }
    for n in &p.notes {
        writeln!(out, "  * {}", n.get(lang))?;
    }
    if !p.steps.is_empty() {
        writeln!(
            out,
            "  {} {}",
            tr(lang, "Backup and journal:", "バックアップとジャーナル:"),
            show(&p.run_dir)
        )?;
    }
    for r in &p.refusals {
        writeln!(
            out,
            "  {} {}",
            tr(lang, "WILL NOT RUN:", "実行できません:"),
            r.get(lang)
        )?;
    }
    writeln!(out)
}

/// Asks at a terminal; refuses in scripts unless `--yes`.
fn confirmed(
    prompt: &mut dyn Prompt,
    yes: bool,
    json: bool,
    question: &str,
    lang: Lang,
) -> io::Result<bool> {
    if yes {
        return Ok(true);
    }
    if json {
        // The plan is not shown with --json: nobody may confirm it unseen.
        crate::say(
            lang,
            "nothing was changed: with --json the plan is not shown, so add --yes to confirm it (see it with `m365doctor fix plan`)",
            "何も変更していません。--json では計画を表示しないため、確認済みであれば --yes を付けてください (計画は `m365doctor fix plan` で確認できます)",
        );
        return Ok(false);
    }
    if !prompt.interactive() {
        crate::say(
            lang,
            "nothing was changed: add --yes to run without a terminal to confirm at (this is a dry run by default)",
            "何も変更していません。確認に応答できる端末がないため、実行するには --yes を付けてください (既定はドライランです)",
        );
        return Ok(false);
    }
    let answer = prompt.ask(question)?.trim().to_lowercase();
    let yes = matches!(answer.as_str(), "y" | "yes" | "はい");
    if !yes {
        crate::say(lang, "nothing was changed", "何も変更していません");
    }
    Ok(yes)
}

struct RunOptions {
    yes: bool,
    json: bool,
    timeout: u64,
}

fn run_command(
    host: &dyn Host,
    prompt: &mut dyn Prompt,
    action: &str,
    opts: &RunOptions,
    choices: &Choices,
    kb: &Kb,
    lang: Lang,
) -> io::Result<ExitCode> {
    let RunOptions { yes, json, timeout } = *opts;
    if m365doctor_kb::action(action).is_none() {
        crate::say(
            lang,
            &format!("unknown action `{action}` (see `m365doctor fix list`)"),
            &format!(
                "不明なアクション `{action}` です (`m365doctor fix list` で一覧を確認できます)"
            ),
        );
        return Ok(ExitCode::from(2));
    }
    match action {
        "check-network" => return check_network(host, timeout, json, lang),
        "collect-evidence" => {
            let args = crate::collect::CollectArgs {
                json,
                ..Default::default()
            };
            return crate::collect::run(&args, kb, lang);
        }
        "dsreg-status-check" => return dsreg_status(host, kb, json, lang),
        _ => {}
    }
    let plan = match m365doctor_fix::prepare(host, action, &choices.options()) {
        Ok(p) => p,
        Err(e) => {
            crate::say(lang, &e.0.en, &e.0.ja);
            return Ok(ExitCode::from(2));
        }
    };
    let runner = Runner::new(host);
    let problems = runner.check_preconditions(&plan);
    if !problems.is_empty() {
        for p in &problems {
            crate::say(lang, &p.en, &p.ja);
        }
        return Ok(ExitCode::from(2));
    }
    if plan.steps.is_empty() {
        for n in &plan.notes {
            println!("{}", n.get(lang));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !yes && !json {
        write_plan(&mut io::stdout().lock(), &plan, lang)?;
    }
    let question = tr(lang, "Carry out this plan?", "この計画を実行しますか？");
    if !confirmed(prompt, yes, json, &question, lang)? {
        return Ok(ExitCode::from(2));
    }
    match runner.start(&plan) {
        Ok(report) => finish(&report, json, lang, true),
        Err(refused) => {
            for p in &refused.0 {
                crate::say(lang, &p.en, &p.ja);
            }
            Ok(ExitCode::from(2))
        }
    }
}

fn finish(report: &Report, json: bool, lang: Lang, offer_undo: bool) -> io::Result<ExitCode> {
    if json {
        print_json(&json!({
            "schema": catalog::SCHEMA,
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
        }))?;
    } else {
        let mut out = io::stdout().lock();
        writeln!(
            out,
            "{} {}: {}",
            tr(lang, "Run", "実行"),
            report.run,
            status_label(&report.status, lang)
        )?;
        for (t, r) in &report.steps {
            match r {
                Ok(d) => writeln!(out, "  ✓ {} — {}", t.get(lang), d.get(lang))?,
                Err(e) => writeln!(out, "  ✗ {} — {e}", t.get(lang))?,
            }
        }
        if !report.checks.is_empty() {
            writeln!(out, "  {}", tr(lang, "Checks:", "確認:"))?;
            for c in &report.checks {
                let mark = if c.ok { "✓" } else { "✗" };
                if c.detail.is_empty() {
                    writeln!(out, "    {mark} {}", c.check.get(lang))?;
                } else {
                    writeln!(out, "    {mark} {} ({})", c.check.get(lang), c.detail)?;
                }
            }
        }
        for n in &report.notes {
            writeln!(out, "  * {}", n.get(lang))?;
        }
        writeln!(
            out,
            "  {} {}",
            tr(lang, "Backup and journal:", "バックアップとジャーナル:"),
            show(&report.dir)
        )?;
        if offer_undo && report.status.starts_with("done") {
            writeln!(
                out,
                "  {} m365doctor fix undo {}",
                tr(lang, "To undo:", "元に戻すには:"),
                report.run
            )?;
        }
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn status_label(status: &str, lang: Lang) -> String {
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
        "unfinished" => ("unfinished", "未完了"),
        "undo-unfinished" => ("undo unfinished", "元に戻す処理が未完了"),
        other => (other, other),
    };
    tr(lang, en, ja)
}

fn pick(runner: &Runner, run: Option<&str>, lang: Lang) -> Option<RunState> {
    let found = runner.find(run);
    if found.is_none() {
        let matching = run.map(|id| runner.matching(id)).unwrap_or_default();
        match run {
            Some(id) if matching.len() > 1 => {
                let list = matching.join(", ");
                crate::say(
                    lang,
                    &format!("`{id}` matches several runs ({list}): give more of the id"),
                    &format!("`{id}` に一致する実行が複数あります ({list})。ID をもっと長く指定してください"),
                )
            }
            Some(id) => crate::say(
                lang,
                &format!("no run `{id}` (see `m365doctor fix history`)"),
                &format!("実行 `{id}` は見つかりません (`m365doctor fix history` を参照)"),
            ),
            None => crate::say(lang, "there is no run yet", "まだ実行履歴がありません"),
        }
    }
    found
}

fn undo_command(
    runner: &Runner,
    prompt: &mut dyn Prompt,
    run: Option<&str>,
    yes: bool,
    json: bool,
    lang: Lang,
) -> io::Result<ExitCode> {
    let Some(state) = pick(runner, run, lang) else {
        return Ok(ExitCode::from(2));
    };
    if state.undo_finished == Some(true) {
        crate::say(
            lang,
            &format!("run {} was already undone", state.id),
            &format!("実行 {} はすでに元に戻されています", state.id),
        );
        return finish(&runner.undo(&state), json, lang, false);
    }
    if !json {
        println!(
            "{} {} ({}, {})",
            tr(lang, "Undo run", "次の実行を元に戻します:"),
            state.id,
            state.action,
            status_label(state.status(), lang)
        );
        for (i, s) in state.plan.steps.iter().enumerate().rev() {
            if !state.begun.contains(&i) || state.undone.contains(&i) {
                continue;
            }
            let how = match &s.undo {
                Undo::Restore { op } => op.describe(),
                Undo::NotNeeded { why } => why.get(lang).to_string(),
                Undo::Impossible { why } => {
                    format!("{} {}", tr(lang, "NOT POSSIBLE:", "不可:"), why.get(lang))
                }
            };
            println!("  - {} → {how}", s.does.get(lang));
        }
    }
    let problems = runner.check_undo_preconditions(&state);
    if !problems.is_empty() {
        for p in &problems {
            crate::say(lang, &p.en, &p.ja);
        }
        return Ok(ExitCode::from(2));
    }
    let q = tr(lang, "Undo these steps?", "これらの手順を元に戻しますか？");
    if !confirmed(prompt, yes, json, &q, lang)? {
        return Ok(ExitCode::from(2));
    }
    let report = runner.undo(&state);
    finish(&report, json, lang, false)
}

fn resume_command(
    runner: &Runner,
    prompt: &mut dyn Prompt,
    run: Option<&str>,
    yes: bool,
    json: bool,
    lang: Lang,
) -> io::Result<ExitCode> {
    let state = match run {
        Some(_) => pick(runner, run, lang),
        None => {
            let last = runner.unfinished().into_iter().last();
            if last.is_none() {
                crate::say(lang, "no unfinished run", "中断された実行はありません");
            }
            last
        }
    };
    let Some(state) = state else {
        return Ok(ExitCode::from(2));
    };
    if !json {
        println!(
            "{} {} ({}): {}/{} {}",
            tr(lang, "Resume run", "次の実行を再開します:"),
            state.id,
            state.action,
            state.done.len(),
            state.plan.steps.len(),
            tr(lang, "steps done", "件の手順が完了")
        );
    }
    let q = tr(lang, "Finish this run?", "この実行を最後まで進めますか？");
    if !confirmed(prompt, yes, json, &q, lang)? {
        return Ok(ExitCode::from(2));
    }
    match runner.resume(&state) {
        Ok(report) => finish(&report, json, lang, true),
        Err(refused) => {
            for p in &refused.0 {
                crate::say(lang, &p.en, &p.ja);
            }
            Ok(ExitCode::from(2))
        }
    }
}

fn history(runner: &Runner, json: bool, lang: Lang) -> io::Result<ExitCode> {
    let (runs, unreadable) = runner.scan();
    if json {
        print_json(&json!({
            "schema": catalog::SCHEMA,
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
            })).collect::<Vec<_>>(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for u in &unreadable {
        println!(
            "{}  {}",
            show(&u.dir),
            tr(lang, "journal unreadable", "ジャーナル読み取り不可")
        );
    }
    if runs.is_empty() && unreadable.is_empty() {
        println!("{}", tr(lang, "No runs yet.", "実行履歴はまだありません。"));
        return Ok(ExitCode::SUCCESS);
    }
    for r in &runs {
        println!(
            "{}  {:<32} {}/{}  {}",
            r.id,
            r.action,
            r.done.len(),
            r.plan.steps.len(),
            status_label(r.status(), lang)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check_network(host: &dyn Host, timeout: u64, json: bool, lang: Lang) -> io::Result<ExitCode> {
    let report = network::check(host, Duration::from_secs(timeout.clamp(1, 60)));
    if json {
        print_json(&json!({
            "schema": catalog::SCHEMA,
            "action": "check-network",
            "ok": report.ok(),
            "probes": report.probes.iter().map(|p| json!({
                "host": p.host,
                "dns": match &p.dns { Ok(a) => json!({"ok": true, "addresses": a}), Err(e) => json!({"ok": false, "error": e}) },
                "tcp443": p.tcp.as_ref().map(|r| match r { Ok(()) => json!({"ok": true}), Err(e) => json!({"ok": false, "error": e}) }),
                "tls": p.tls.as_ref().map(|r| match r { Ok(s) => json!({"ok": true, "detail": s}), Err(e) => json!({"ok": false, "error": e}) }),
                "issuer": p.issuer,
                "via_proxy": p.via_proxy.as_ref().map(|v| match &v.result {
                    Ok(d) => json!({"proxy": v.proxy, "ok": true, "detail": d}),
                    Err(e) => json!({"proxy": v.proxy, "ok": false, "error": e}),
                }),
                "failure": p.failure().map(|f| f.get(lang).to_string()),
            })).collect::<Vec<_>>(),
            "user_proxy": report.user_proxy.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
            "system_proxy": report.system_proxy,
            "notes": report.proxy_notes().iter().map(|n| n.get(lang)).collect::<Vec<_>>(),
        }))?;
    } else {
        let mut out = io::stdout().lock();
        for p in &report.probes {
            match p.failure() {
                None if !p.direct_ok() => writeln!(
                    out,
                    "  ✓ {:<38} {} {}{}",
                    p.host,
                    tr(lang, "only through the proxy", "プロキシ経由のみ"),
                    p.via_proxy.as_ref().map(|v| v.proxy.as_str()).unwrap_or(""),
                    p.issuer
                        .as_ref()
                        .map(|i| format!(" ({})", i.label()))
                        .unwrap_or_default()
                )?,
                None => writeln!(
                    out,
                    "  ✓ {:<38} DNS, TCP 443, TLS{}",
                    p.host,
                    p.issuer
                        .as_ref()
                        .map(|i| format!(" ({})", i.label()))
                        .unwrap_or_default()
                )?,
                Some(f) => writeln!(out, "  ✗ {:<38} {}", p.host, f.get(lang))?,
            }
        }
        writeln!(
            out,
            "  {}",
            tr(
                lang,
                "(the TLS probe offers TLS 1.2 only and reads who issued each certificate; it does not validate the chain)",
                "(TLS の確認は TLS 1.2 のみで行い、証明書の発行者を読み取りますが、証明書チェーンの検証はしません)"
            )
        )?;
        if host.os() == Os::Windows || !report.user_proxy.is_empty() {
            writeln!(out, "{}", tr(lang, "User proxy:", "ユーザーのプロキシ:"))?;
            if report.user_proxy.is_empty() {
                writeln!(out, "  {}", tr(lang, "none", "なし"))?;
            }
            for (n, v) in &report.user_proxy {
                writeln!(out, "  {n} = {v}")?;
            }
        }
        if let Some(s) = &report.system_proxy {
            writeln!(
                out,
                "{}",
                tr(
                    lang,
                    "System proxy (WinHTTP):",
                    "システムのプロキシ (WinHTTP):"
                )
            )?;
            for l in s.lines().filter(|l| !l.trim().is_empty()) {
                writeln!(out, "  {}", l.trim())?;
            }
        }
        for n in report.proxy_notes() {
            writeln!(out, "* {}", n.get(lang))?;
        }
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn dsreg_status(host: &dyn Host, kb: &Kb, json: bool, lang: Lang) -> io::Result<ExitCode> {
    if host.os() != Os::Windows {
        let t = Text::new(
            "`dsreg-status-check` runs dsregcmd, which exists on Windows only; paste its output into `m365doctor dsreg` instead.",
            "`dsreg-status-check` は Windows にしかない dsregcmd を実行します。代わりに出力を `m365doctor dsreg` に貼り付けてください。",
        );
        crate::say(lang, &t.en, &t.ja);
        return Ok(ExitCode::from(2));
    }
    let out = host.run("dsregcmd", &["/status"], Duration::from_secs(60))?;
    let captures = m365doctor_dsreg::parse(&out.text());
    let Some(capture) = captures.first() else {
        crate::say(
            lang,
            "dsregcmd /status printed nothing readable",
            "dsregcmd /status の出力を読み取れませんでした",
        );
        return Ok(ExitCode::from(1));
    };
    let report = m365doctor_dsreg::diagnose_with(capture, kb);
    if json {
        print_json(&m365doctor_dsreg::to_json(&report, lang))?;
    } else {
        m365doctor_dsreg::render(&mut io::stdout().lock(), &report, lang, false)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    //! The command flow against the recorded Windows machine: dry run by
    //! default, confirmation, undo, unfinished runs.

    use super::*;
    use clap::Parser;
    use m365doctor_testkit::{Crashing, RecordedHost, WinLang};
    use std::path::Path;

    struct Answer(Option<&'static str>);

    impl Prompt for Answer {
        fn interactive(&self) -> bool {
            self.0.is_some()
        }
        fn ask(&mut self, question: &str) -> io::Result<String> {
            ASKED.with(|a| a.borrow_mut().push(question.to_string()));
            Ok(format!("{}\n", self.0.unwrap_or_default()))
        }
    }

    thread_local! {
        static ASKED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    #[derive(Parser)]
    struct Fix {
        #[command(subcommand)]
        command: FixCommand,
    }

    fn host(lang: WinLang) -> RecordedHost {
        let h = RecordedHost::new(
            Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../fix/tests/fixtures"
            )),
            lang,
        )
        .unwrap();
        h.close_office_apps();
        h
    }

    fn fix(h: &RecordedHost, answer: Option<&'static str>, args: &[&str]) -> ExitCode {
        let parsed = Fix::try_parse_from(std::iter::once("fix").chain(args.iter().copied()))
            .expect("valid arguments");
        run_on(
            h,
            &mut Answer(answer),
            parsed.command,
            &Kb::bundled(),
            Lang::Ja,
        )
        .unwrap()
    }

    fn cache(h: &RecordedHost) -> bool {
        h.local_app_data().join("Microsoft/IdentityCache").exists()
    }

    #[test]
    fn nothing_changes_without_yes_or_a_yes_at_the_terminal() {
        let h = host(WinLang::Ja);
        assert_eq!(
            fix(&h, None, &["run", "reset-identity-cache"]),
            ExitCode::from(2)
        );
        assert!(cache(&h));
        assert_eq!(
            fix(&h, Some("n"), &["run", "reset-identity-cache"]),
            ExitCode::from(2)
        );
        assert!(cache(&h));
        assert!(Runner::new(&h).history().is_empty());
        assert_eq!(
            fix(&h, Some("y"), &["run", "reset-identity-cache"]),
            ExitCode::SUCCESS
        );
        assert!(!cache(&h));
    }

    #[test]
    fn json_without_yes_is_refused_even_at_a_terminal() {
        let h = host(WinLang::En);
        // Someone at a terminal would answer "y" to a plan they never saw.
        assert_eq!(
            fix(&h, Some("y"), &["run", "reset-identity-cache", "--json"]),
            ExitCode::from(2)
        );
        assert!(cache(&h));
        assert!(Runner::new(&h).history().is_empty());
        assert_eq!(
            fix(
                &h,
                None,
                &["run", "reset-identity-cache", "--json", "--yes"]
            ),
            ExitCode::SUCCESS
        );
        assert_eq!(fix(&h, Some("y"), &["undo", "--json"]), ExitCode::from(2));
        assert!(!cache(&h));
    }

    #[test]
    fn japanese_questions_end_with_a_full_width_question_mark() {
        let h = host(WinLang::Ja);
        ASKED.with(|a| a.borrow_mut().clear());
        fix(&h, Some("y"), &["run", "reset-identity-cache"]);
        fix(&h, Some("n"), &["undo"]);
        let asked = ASKED.with(|a| a.borrow().clone());
        assert_eq!(
            asked,
            ["この計画を実行しますか？", "これらの手順を元に戻しますか？"]
        );
    }

    #[test]
    fn the_plan_says_undo_restores_the_value_found_when_the_step_runs() {
        let h = host(WinLang::En);
        h.os.set(Os::Linux);
        let plan = m365doctor_fix::prepare(&h, "new-outlook-profile", &Default::default()).unwrap();
        for lang in [Lang::En, Lang::Ja] {
            let mut out = Vec::new();
            write_plan(&mut out, &plan, lang).unwrap();
            let text = String::from_utf8(out).unwrap();
            // Not the plan-time guess (no default known off Windows: "delete it").
            assert!(!text.contains("/v DefaultProfile /f"), "{text}");
            assert!(
                text.contains("DefaultProfile value read just before the step")
                    || text.contains("実行直前に記録した DefaultProfile の値に戻す"),
                "{text}"
            );
        }
    }

    #[test]
    fn run_then_undo_gives_everything_back() {
        let h = host(WinLang::En);
        let before = h.profile_snapshot();
        assert_eq!(
            fix(
                &h,
                None,
                &["run", "reset-office-identity-registry", "--yes"]
            ),
            ExitCode::SUCCESS
        );
        assert_eq!(
            fix(&h, None, &["run", "reset-identity-cache", "--yes"]),
            ExitCode::SUCCESS
        );
        assert_eq!(fix(&h, None, &["history", "--json"]), ExitCode::SUCCESS);
        // Undo asks too.
        assert_eq!(fix(&h, None, &["undo"]), ExitCode::from(2));
        assert!(!cache(&h));
        assert_eq!(fix(&h, None, &["undo", "--yes"]), ExitCode::SUCCESS);
        assert!(cache(&h));
        let first = Runner::new(&h).history()[0].id.clone();
        assert_eq!(fix(&h, Some("y"), &["undo", &first]), ExitCode::SUCCESS);
        assert_eq!(h.profile_snapshot(), before);
        assert!(h
            .machine()
            .registry
            .contains_key(r"hkey_current_user\software\microsoft\office\16.0\common\identity"));
        // Undoing twice does nothing more.
        assert_eq!(fix(&h, None, &["undo", &first, "--yes"]), ExitCode::SUCCESS);
    }

    #[test]
    fn an_unfinished_run_blocks_new_changes_until_resumed() {
        let h = host(WinLang::Ja);
        let plan =
            m365doctor_fix::prepare(&h, "reset-identity-cache", &Default::default()).unwrap();
        let crashing = Crashing::new(&h, 9);
        let _ = Runner::new(&crashing).start(&plan);
        assert_eq!(Runner::new(&h).unfinished().len(), 1);
        assert_eq!(
            fix(&h, None, &["run", "sync-clock", "--yes"]),
            ExitCode::from(2)
        );
        // Reading is still fine.
        assert_eq!(
            fix(&h, None, &["plan", "sync-clock", "--json"]),
            ExitCode::SUCCESS
        );
        assert_eq!(fix(&h, None, &["resume", "--yes"]), ExitCode::SUCCESS);
        assert!(!cache(&h));
        assert!(Runner::new(&h).unfinished().is_empty());
        h.elevated.set(true);
        assert_eq!(
            fix(&h, None, &["run", "sync-clock", "--yes"]),
            ExitCode::SUCCESS
        );
    }

    #[test]
    fn undoing_a_run_with_changes_that_cannot_be_undone_exits_with_1() {
        let h = host(WinLang::Ja);
        assert_eq!(
            fix(&h, None, &["run", "clear-office-credentials", "--yes"]),
            ExitCode::SUCCESS
        );
        assert_eq!(fix(&h, None, &["undo", "--yes"]), ExitCode::from(1));
        assert_eq!(
            Runner::new(&h).find(None).unwrap().status(),
            "undone-partially"
        );
        // Asking again is no success either.
        assert_eq!(fix(&h, None, &["undo", "--yes"]), ExitCode::from(1));
        assert_eq!(fix(&h, None, &["history"]), ExitCode::SUCCESS);
    }

    #[test]
    fn rejoin_needs_admin_and_the_explicit_flag() {
        let h = host(WinLang::En);
        assert_eq!(
            fix(&h, None, &["run", "dsreg-rejoin", "--yes"]),
            ExitCode::from(2)
        );
        h.elevated.set(true);
        assert_eq!(
            fix(&h, None, &["run", "dsreg-rejoin", "--yes"]),
            ExitCode::from(2)
        );
        assert!(!h.calls().iter().any(|c| c == "dsregcmd /leave"));
        assert_eq!(
            fix(
                &h,
                None,
                &["run", "dsreg-rejoin", "--yes", "--i-understand-rejoin"]
            ),
            ExitCode::SUCCESS
        );
        assert!(h.calls().iter().any(|c| c == "dsregcmd /leave"));
    }

    #[test]
    fn read_only_actions_run_without_asking() {
        let h = host(WinLang::En);
        assert_eq!(
            fix(&h, None, &["run", "check-network", "--json"]),
            ExitCode::SUCCESS
        );
        assert_eq!(
            fix(&h, None, &["run", "dsreg-status-check"]),
            ExitCode::SUCCESS
        );
        assert!(Runner::new(&h).history().is_empty());
    }
}
