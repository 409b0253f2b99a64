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
    // Each code is decoded, explained and written before the next, so that
    // thousands of codes take the memory of one (the JSON document too).
    let errors: Vec<(String, String)> = args
        .codes
        .iter()
        .filter_map(|input| {
            m365doctor_codes::grammar::parse(input)
                .err()
                .map(|e| (input.clone(), e.message.get(lang).to_string()))
        })
        .collect();
    let mut out = io::stdout().lock();
    let stream = ExplainStream {
        inputs: &args.codes,
        apps: &apps,
        kb,
        lang,
        errors: &errors,
    };
    if args.json {
        m365doctor_text::json::to_writer_pretty(&mut out, &stream)?;
        writeln!(out)?;
    } else {
        let mut n = 0;
        stream.each(|explained| {
            if n > 0 {
                writeln!(out)?;
            }
            n += 1;
            render::decoded(&mut out, &explained.decoded, lang, style)?;
            render::entries_of(&mut out, &explained, lang, style)
        })?;
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

/// The explain/1 document of some inputs, written as it is made (see
/// `m365doctor_kb::json::explain_document` for the same document in memory).
struct ExplainStream<'a> {
    inputs: &'a [String],
    apps: &'a [&'a str],
    kb: &'a Kb,
    lang: Lang,
    errors: &'a [(String, String)],
}

impl ExplainStream<'_> {
    /// Calls `f` with every code of every input, decoded and explained, in order.
    fn each<E>(
        &self,
        mut f: impl FnMut(m365doctor_kb::Explained) -> Result<(), E>,
    ) -> Result<(), E> {
        for input in self.inputs {
            let Ok(parsed) = m365doctor_codes::grammar::parse(input) else {
                continue;
            };
            let mut context: Vec<&str> = self.apps.to_vec();
            context.extend(parsed.apps.iter().copied());
            for token in &parsed.codes {
                let decoded = m365doctor_codes::interpret::decode(token, &context);
                f(self.kb.explain(decoded, self.apps))?;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for ExplainStream<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Results<'a>(&'a ExplainStream<'a>);
        impl serde::Serialize for Results<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let mut seq = serializer.serialize_seq(None)?;
                self.0.each(|e| {
                    seq.serialize_element(&m365doctor_kb::json::decoded(&e, self.0.lang))
                })?;
                seq.end()
            }
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("schema", m365doctor_codes::json::EXPLAIN_SCHEMA)?;
        map.serialize_entry("lang", self.lang.id())?;
        map.serialize_entry("results", &Results(self))?;
        if !self.errors.is_empty() {
            let errors: Vec<serde_json::Value> = self
                .errors
                .iter()
                .map(|(input, message)| {
                    serde_json::json!({"input": input, "error": "not-a-code", "message": message})
                })
                .collect();
            map.serialize_entry("errors", &errors)?;
        }
        map.end()
    }
}
