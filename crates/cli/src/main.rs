//! The `m365doctor` command: a thin shell over the m365doctor libraries.

mod args;
mod collect;
mod diagnose;
mod dsreg;
mod fix;
mod kb;
mod locale;
mod man;
mod render;
mod scan;
mod serve;
mod signins;

use args::{Cli, Command, ExplainArgs};
use clap::{CommandFactory, Parser};
use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use m365doctor_text::visible;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, usage errors with 2.
            // A usage error quotes the argument it refuses: when one holds
            // control characters, the message is printed as plain text with
            // them made visible.
            let hostile = std::env::args_os().any(|a| {
                a.to_string_lossy()
                    .chars()
                    .any(m365doctor_text::is_hidden_control)
            });
            if hostile && e.use_stderr() {
                eprint!(
                    "{}",
                    m365doctor_text::visible_lines(&e.render().to_string())
                );
            } else {
                let _ = e.print();
            }
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let lang = cli.lang.map(Lang::from).unwrap_or_else(locale::detect);
    let color = cli.color.enabled(io::stdout().is_terminal());
    let style = render::Style::new(color);
    let needs_kb = matches!(
        cli.command,
        Command::Explain(_)
            | Command::Kb(_)
            | Command::Diagnose(_)
            | Command::Dsreg(_)
            | Command::Scan(_)
            | Command::Fix(_)
            | Command::Collect(_)
            | Command::Serve(_)
            | Command::Signins(_)
    );
    let kb = match (&cli.kb_dir, needs_kb) {
        (Some(dir), true) if !matches!(cli.command, Command::Kb(args::KbCommand::Lint { .. })) => {
            match Kb::with_org_dir(dir) {
                Ok(kb) => kb,
                Err(problems) => {
                    kb::print_problems(&problems, lang);
                    return ExitCode::from(2);
                }
            }
        }
        _ => Kb::bundled(),
    };
    let result = match cli.command {
        Command::Explain(args) => explain(&args, &kb, lang, &style),
        Command::Diagnose(args) => diagnose::run(&args, &kb, lang, color),
        Command::Dsreg(args) => dsreg::run(&args, &kb, lang, color),
        Command::Scan(args) => scan::run(&args, &kb, lang),
        Command::Fix(command) => fix::run(command, &kb, lang, color),
        Command::Collect(args) => collect::run(&args, &kb, lang),
        Command::Serve(args) => serve::run(args, kb, lang),
        Command::Signins(args) => signins::run(&args, &kb, lang),
        Command::Kb(command) => kb::run(command, &kb, cli.kb_dir.as_deref(), lang, &style),
        Command::Completions { shell } => completions(shell),
        Command::Man => man::write(&mut io::stdout().lock()).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("m365doctor: {}", visible(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// Prints a message to stderr in the output language. Messages quote
/// arguments, file names and values read from input: their control
/// characters are shown, not obeyed (see [`m365doctor_text::visible`]).
pub fn say(lang: Lang, en: &str, ja: &str) {
    eprintln!(
        "m365doctor: {}",
        visible(if lang == Lang::Ja { ja } else { en })
    );
}

/// The completion script of `shell`. clap_complete panics when it cannot
/// write (a closed pipe, a full disk), so the script is made in memory and
/// written here, where those are the usual errors.
fn completions(shell: clap_complete::Shell) -> io::Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "m365doctor", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The encoding a user forced with `--encoding`, or a usage error (exit 2).
pub fn forced_encoding(
    label: Option<&str>,
    lang: Lang,
) -> Result<Option<&'static m365doctor_text::Encoding>, ExitCode> {
    let Some(label) = label else { return Ok(None) };
    match m365doctor_text::encoding_for_label(label) {
        Some(e) => Ok(Some(e)),
        None => {
            say(
                lang,
                &format!("unknown encoding `{label}` (try utf-8, utf-16le, utf-16be, shift_jis)"),
                &format!("エンコーディング `{label}` は不明です (utf-8、utf-16le、utf-16be、shift_jis などを指定してください)"),
            );
            Err(ExitCode::from(2))
        }
    }
}

fn explain(args: &ExplainArgs, kb: &Kb, lang: Lang, style: &render::Style) -> io::Result<ExitCode> {
    let apps: Vec<&str> = args.app.iter().map(|a| a.id()).collect();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in &args.codes {
        match m365doctor_codes::explain_in(input, &apps) {
            Ok(decoded) => results.extend(decoded),
            Err(e) => errors.push((input.clone(), e.message.get(lang).to_string())),
        }
    }
    let results: Vec<_> = results.into_iter().map(|d| kb.explain(d, &apps)).collect();
    let mut out = io::stdout().lock();
    if args.json {
        let doc = m365doctor_kb::json::explain_document(&results, &errors, lang);
        m365doctor_text::json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        for (n, decoded) in results.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            render::decoded(&mut out, &decoded.decoded, lang, style)?;
            render::entries_of(&mut out, decoded, lang, style)?;
        }
    }
    out.flush()?;
    for (_, message) in &errors {
        let prefix = match lang {
            Lang::En => "error",
            Lang::Ja => "エラー",
        };
        eprintln!("m365doctor: {prefix}: {}", visible(message));
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
