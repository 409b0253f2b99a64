//! `m365doctor fix`: list, plan, run, undo, resume and history of repairs.
//! A thin shell over m365doctor-fix: it parses the arguments, asks for
//! confirmation, calls the library and prints what the library renders.
//! Dry-run is the default: nothing changes without `--yes` or a "y" typed
//! at a terminal.

use m365doctor_codes::Lang;
use m365doctor_fix::host::{Host, RealHost};
use m365doctor_fix::plan::{self, Plan};
use m365doctor_fix::render::{self, tr};
use m365doctor_fix::runner::{Report, Runner};
use m365doctor_fix::{actions, catalog, ReadOnly, Shown, Text};
use m365doctor_kb::Kb;
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
        /// dsreg-status-check, collect-evidence: keep user names, e-mail addresses, tenant and device ids as they are
        #[arg(long)]
        no_redact: bool,
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

pub fn run(command: FixCommand, kb: &Kb, lang: Lang, _color: bool) -> io::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let code = run_on(&RealHost, &mut Terminal, &mut out, command, kb, lang)?;
    out.flush()?;
    Ok(code)
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

fn say(lang: Lang, t: &Text) {
    crate::say(lang, &t.en, &t.ja);
}

/// What a refused `run`, `undo` or `resume` (exit 2, nothing changed)
/// prints: the reasons on standard error and, with `--json`, the refusal
/// document on standard output.
struct Refusal<'a> {
    json: bool,
    action: Option<&'a str>,
    run: Option<&'a str>,
    lang: Lang,
}

impl Refusal<'_> {
    fn refuse(&self, out: &mut dyn Write, reasons: &[Text]) -> io::Result<ExitCode> {
        const REFUSED: u8 = 2;
        for r in reasons {
            say(self.lang, r);
        }
        if self.json {
            let doc = render::refusal_json(self.action, self.run, reasons, REFUSED, self.lang);
            out.write_all(render::json_text(&doc)?.as_bytes())?;
        }
        Ok(ExitCode::from(REFUSED))
    }
}

fn run_on(
    host: &dyn Host,
    prompt: &mut dyn Prompt,
    out: &mut dyn Write,
    command: FixCommand,
    kb: &Kb,
    lang: Lang,
) -> io::Result<ExitCode> {
    let runner = Runner::new(host);
    let resolving = matches!(command, FixCommand::Undo { .. } | FixCommand::Resume { .. });
    for w in render::warnings(&runner, resolving) {
        say(lang, &w);
    }
    match command {
        FixCommand::List { json } => {
            if json {
                out.write_all(render::json_text(&catalog::list_json(lang))?.as_bytes())?;
            } else {
                out.write_all(render::list_text(lang).as_bytes())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        FixCommand::Plan {
            target,
            json,
            apps,
            choices,
        } => plan_command(host, out, &target, json, &apps, &choices, kb, lang),
        FixCommand::Run {
            action,
            yes,
            json,
            choices,
            timeout,
            no_redact,
        } => {
            let changes = actions::find(&action).is_some_and(|a| a.changes);
            if changes && !runner.unfinished().is_empty() {
                let refusal = Refusal {
                    json,
                    action: Some(&action),
                    run: None,
                    lang,
                };
                return refusal.refuse(
                    out,
                    &[Text::new(
                        "finish or undo the unfinished run first (see above)",
                        "先に中断された実行を再開するか元に戻してください (上記参照)",
                    )],
                );
            }
            let opts = RunOptions {
                yes,
                json,
                timeout,
                no_redact,
            };
            run_command(host, prompt, out, &action, &opts, &choices, kb, lang)
        }
        FixCommand::Undo { run, yes, json } => {
            undo_command(&runner, prompt, out, run.as_deref(), yes, json, lang)
        }
        FixCommand::Resume { run, yes, json } => {
            resume_command(&runner, prompt, out, run.as_deref(), yes, json, lang)
        }
        FixCommand::History { json } => {
            let (runs, unreadable) = runner.scan();
            if json {
                let doc = render::history_json(&runs, &unreadable, lang);
                out.write_all(render::json_text(&doc)?.as_bytes())?;
            } else {
                out.write_all(render::history_text(&runs, &unreadable, lang).as_bytes())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_command(
    host: &dyn Host,
    out: &mut dyn Write,
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
                say(lang, &e);
                return Ok(ExitCode::from(2));
            }
        }
    };
    let mut plans: Vec<Plan> = Vec::new();
    let mut manual: Vec<&'static m365doctor_kb::Action> = Vec::new();
    for a in &actions {
        if actions::find(a).is_some() {
            match m365doctor_fix::prepare(host, a, &options) {
                Ok(p) => plans.push(p),
                Err(e) => {
                    say(lang, &e.0);
                    return Ok(ExitCode::from(2));
                }
            }
        } else if let Some(k) = m365doctor_kb::action(a) {
            manual.push(k);
        } else {
            say(lang, &plan::unknown_action(a));
            return Ok(ExitCode::from(2));
        }
    }
    let text = if json {
        render::json_text(&render::plans_json(
            target,
            code.as_ref(),
            &plans,
            &manual,
            lang,
        ))?
    } else {
        render::plans_text(&actions, code.as_ref(), &plans, &manual, lang)
    };
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Asks at a terminal; refuses in scripts unless `--yes`. `Some(why)`
/// when it is not confirmed.
fn confirmed(
    prompt: &mut dyn Prompt,
    yes: bool,
    json: bool,
    question: &str,
) -> io::Result<Option<Text>> {
    if yes {
        return Ok(None);
    }
    if json {
        // The plan is not shown with --json: nobody may confirm it unseen.
        return Ok(Some(Text::new(
            "nothing was changed: with --json the plan is not shown, so add --yes to confirm it (see it with `m365doctor fix plan`)",
            "何も変更していません。--json では計画を表示しないため、確認済みであれば --yes を付けてください (計画は `m365doctor fix plan` で確認できます)",
        )));
    }
    if !prompt.interactive() {
        return Ok(Some(Text::new(
            "nothing was changed: add --yes to run without a terminal to confirm at (this is a dry run by default)",
            "何も変更していません。確認に応答できる端末がないため、実行するには --yes を付けてください (既定はドライランです)",
        )));
    }
    let answer = prompt.ask(question)?.trim().to_lowercase();
    if matches!(answer.as_str(), "y" | "yes" | "はい") {
        Ok(None)
    } else {
        Ok(Some(Text::new(
            "nothing was changed",
            "何も変更していません",
        )))
    }
}

struct RunOptions {
    yes: bool,
    json: bool,
    timeout: u64,
    no_redact: bool,
}

#[allow(clippy::too_many_arguments)]
fn run_command(
    host: &dyn Host,
    prompt: &mut dyn Prompt,
    out: &mut dyn Write,
    action: &str,
    opts: &RunOptions,
    choices: &Choices,
    kb: &Kb,
    lang: Lang,
) -> io::Result<ExitCode> {
    let RunOptions {
        yes,
        json,
        timeout,
        no_redact,
    } = *opts;
    let refusal = Refusal {
        json,
        action: Some(action),
        run: None,
        lang,
    };
    let read_only = ReadOnly {
        host,
        kb,
        lang,
        json,
        redact: !no_redact,
        timeout: Duration::from_secs(timeout),
    };
    if let Some(shown) = m365doctor_fix::read_only(action, &read_only) {
        return match shown? {
            Shown::Output { text, ok } => {
                out.write_all(text.as_bytes())?;
                Ok(if ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                })
            }
            Shown::Refused(why) => refusal.refuse(out, &[why]),
            Shown::Failed(why) => {
                say(lang, &why);
                Ok(ExitCode::from(1))
            }
            Shown::Collect => {
                let args = crate::collect::CollectArgs {
                    json,
                    no_redact,
                    ..Default::default()
                };
                crate::collect::run(&args, kb, lang)
            }
        };
    }
    let plan = match m365doctor_fix::prepare(host, action, &choices.options()) {
        Ok(p) => p,
        Err(e) => return refusal.refuse(out, &[e.0]),
    };
    let runner = Runner::new(host);
    let problems = runner.check_preconditions(&plan);
    if !problems.is_empty() {
        return refusal.refuse(out, &problems);
    }
    if plan.steps.is_empty() {
        for n in &plan.notes {
            writeln!(out, "{}", n.get(lang))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !yes && !json {
        out.write_all(render::plan_text(&plan, lang).as_bytes())?;
        out.flush()?;
    }
    let question = tr(lang, "Carry out this plan?", "この計画を実行しますか？");
    if let Some(why) = confirmed(prompt, yes, json, &question)? {
        return refusal.refuse(out, &[why]);
    }
    match runner.start(&plan) {
        Ok(report) => finish(out, &report, json, lang, true),
        Err(refused) => refusal.refuse(out, &refused.0),
    }
}

fn finish(
    out: &mut dyn Write,
    report: &Report,
    json: bool,
    lang: Lang,
    offer_undo: bool,
) -> io::Result<ExitCode> {
    let text = if json {
        render::json_text(&render::report_json(report, lang))?
    } else {
        render::report_text(report, lang, offer_undo)
    };
    out.write_all(text.as_bytes())?;
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn undo_command(
    runner: &Runner,
    prompt: &mut dyn Prompt,
    out: &mut dyn Write,
    run: Option<&str>,
    yes: bool,
    json: bool,
    lang: Lang,
) -> io::Result<ExitCode> {
    let mut refusal = Refusal {
        json,
        action: None,
        run,
        lang,
    };
    let state = match runner.pick(run) {
        Ok(s) => s,
        Err(why) => return refusal.refuse(out, &[why]),
    };
    refusal.action = Some(&state.action);
    refusal.run = Some(&state.id);
    // Where its action does not run, or from a damaged journal, nothing is
    // undone (not even shown as about to be).
    let why = runner.cannot_resolve(&state);
    if !why.is_empty() {
        return refusal.refuse(out, &why);
    }
    if state.undo_finished == Some(true) {
        crate::say(
            lang,
            &format!("run {} was already undone", state.id),
            &format!("実行 {} はすでに元に戻されています", state.id),
        );
        return finish(out, &runner.undo(&state), json, lang, false);
    }
    if !json {
        out.write_all(render::undo_preview(&state, lang).as_bytes())?;
        out.flush()?;
    }
    let problems = runner.check_undo_preconditions(&state);
    if !problems.is_empty() {
        return refusal.refuse(out, &problems);
    }
    let q = tr(lang, "Undo these steps?", "これらの手順を元に戻しますか？");
    if let Some(why) = confirmed(prompt, yes, json, &q)? {
        return refusal.refuse(out, &[why]);
    }
    let report = runner.undo(&state);
    finish(out, &report, json, lang, false)
}

fn resume_command(
    runner: &Runner,
    prompt: &mut dyn Prompt,
    out: &mut dyn Write,
    run: Option<&str>,
    yes: bool,
    json: bool,
    lang: Lang,
) -> io::Result<ExitCode> {
    let state = match run {
        Some(_) => runner.pick(run),
        None => runner
            .unfinished()
            .into_iter()
            .last()
            .ok_or_else(|| Text::new("no unfinished run", "中断された実行はありません")),
    };
    let mut refusal = Refusal {
        json,
        action: None,
        run,
        lang,
    };
    let state = match state {
        Ok(s) => s,
        Err(why) => return refusal.refuse(out, &[why]),
    };
    refusal.action = Some(&state.action);
    refusal.run = Some(&state.id);
    let why = runner.cannot_resolve(&state);
    if !why.is_empty() {
        return refusal.refuse(out, &why);
    }
    if !json {
        out.write_all(render::resume_preview(&state, lang).as_bytes())?;
        out.flush()?;
    }
    let q = tr(lang, "Finish this run?", "この実行を最後まで進めますか？");
    if let Some(why) = confirmed(prompt, yes, json, &q)? {
        return refusal.refuse(out, &[why]);
    }
    match runner.resume(&state) {
        Ok(report) => finish(out, &report, json, lang, true),
        Err(refused) => refusal.refuse(out, &refused.0),
    }
}

#[cfg(test)]
mod tests {
    //! The command flow against the recorded Windows machine: dry run by
    //! default, confirmation, undo, unfinished runs.

    use super::*;
    use clap::Parser;
    use m365doctor_fix::Os;
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
        fix_out(h, answer, args).0
    }

    /// The exit code and what was printed on standard output.
    fn fix_out(
        h: &RecordedHost,
        answer: Option<&'static str>,
        args: &[&str],
    ) -> (ExitCode, String) {
        let parsed = Fix::try_parse_from(std::iter::once("fix").chain(args.iter().copied()))
            .expect("valid arguments");
        let mut out = Vec::new();
        let code = run_on(
            h,
            &mut Answer(answer),
            &mut out,
            parsed.command,
            &Kb::bundled(),
            Lang::Ja,
        )
        .unwrap();
        (code, String::from_utf8(out).unwrap())
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
            let text = render::plan_text(&plan, lang);
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

    #[test]
    fn dsreg_status_check_is_redacted_unless_asked_not_to() {
        let identifiers = [
            "megan.bowen@contoso.com",
            "3c1f9a7e-5b2d-4e8f-a6c0-91d4b7e2f358",
            "5c8e0f4a-3b7d-4d52-9a51-0c2f6b7e8d11",
        ];
        for lang in [WinLang::En, WinLang::Ja] {
            let h = host(lang);
            for json in [false, true] {
                let mut args = vec!["run", "dsreg-status-check"];
                if json {
                    args.push("--json");
                }
                let (code, out) = fix_out(&h, None, &args);
                assert_eq!(code, ExitCode::SUCCESS);
                for id in identifiers {
                    assert!(!out.contains(id), "{id} in {out}");
                }
                // What `m365doctor dsreg` shows for the same capture, redacted the same way.
                let text = m365doctor_fix::host::decode_text(
                    &std::fs::read(h.fixture("dsregcmd-status.txt")).unwrap(),
                );
                let capture = m365doctor_dsreg::parse(&text).remove(0);
                let report = m365doctor_dsreg::diagnose_with(&capture, &Kb::bundled());
                let reports = std::slice::from_ref(&report);
                let dsreg = if json {
                    let doc = m365doctor_diagnose::dsreg_document(reports, Lang::Ja, true).unwrap();
                    render::json_text(&doc).unwrap()
                } else {
                    m365doctor_diagnose::dsreg_text(reports, Lang::Ja, false, true)
                };
                assert_eq!(out, dsreg);
                args.push("--no-redact");
                let (_, out) = fix_out(&h, None, &args);
                for id in identifiers {
                    assert!(out.contains(id), "{id} not in {out}");
                }
            }
        }
    }
}
