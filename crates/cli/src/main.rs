//! The `m365doctor` command: a thin shell over the m365doctor libraries.

mod args;
mod locale;
mod render;

use args::{Cli, Command, ExplainArgs};
use clap::{CommandFactory, Parser};
use m365doctor_codes::{json, Lang};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, usage errors with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let lang = cli.lang.map(Lang::from).unwrap_or_else(locale::detect);
    let color = cli.color.enabled(io::stdout().is_terminal());
    let result = match cli.command {
        Command::Explain(args) => explain(&args, lang, color),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "m365doctor", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut io::stdout())
            .map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("m365doctor: {e}");
            ExitCode::from(2)
        }
    }
}

fn explain(args: &ExplainArgs, lang: Lang, color: bool) -> io::Result<ExitCode> {
    let apps: Vec<&str> = args.app.iter().map(|a| a.id()).collect();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in &args.codes {
        match m365doctor_codes::explain_in(input, &apps) {
            Ok(decoded) => results.extend(decoded),
            Err(e) => errors.push((input.clone(), e.message.get(lang).to_string())),
        }
    }
    let mut out = io::stdout().lock();
    if args.json {
        let doc = json::explain_document(&results, &errors, lang);
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        let style = render::Style::new(color);
        for (n, decoded) in results.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            render::decoded(&mut out, decoded, lang, &style)?;
        }
    }
    out.flush()?;
    for (_, message) in &errors {
        let prefix = match lang {
            Lang::En => "error",
            Lang::Ja => "エラー",
        };
        eprintln!("m365doctor: {prefix}: {message}");
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
