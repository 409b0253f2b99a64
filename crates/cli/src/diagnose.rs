//! `m365doctor diagnose`: reads files, folders or standard input, and prints
//! the diagnosis as text, a Markdown ticket or JSON. A shell over
//! m365doctor_diagnose: it prints what the loader skipped and the documents.

use crate::args::{DiagnoseArgs, Format};
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_diagnose::{diagnose, Limits, Loader, Options};
use m365doctor_kb::Kb;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// A Teams sign-in failure whose real cause is name resolution: the built-in example.
pub const EXAMPLE: &str = m365doctor_diagnose::EXAMPLE;

pub fn run(args: &DiagnoseArgs, kb: &Kb, lang: Lang, color: bool) -> io::Result<ExitCode> {
    let forced = match forced_encoding(args.encoding.as_deref(), lang) {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    for t in &args.tried {
        if m365doctor_kb::action(t).is_none() {
            say(
                lang,
                &format!("unknown action `{t}` for --tried; `m365doctor kb list --json` lists the action ids"),
                &format!("--tried のアクション `{t}` は不明です。`m365doctor kb list --json` でアクション ID を確認できます"),
            );
            return Ok(ExitCode::from(2));
        }
    }
    let mut loader = Loader::new(Limits::with_max_input(args.max_input), forced);
    if args.example {
        loader.add_bytes("example", EXAMPLE.as_bytes());
    } else if args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-") {
        if io::stdin().is_terminal() {
            say(
                lang,
                "paste the error text, then press Ctrl-D (Ctrl-Z and Enter on Windows)",
                "エラーの文面を貼り付けてから Ctrl-D を押してください (Windows では Ctrl-Z のあと Enter)",
            );
        }
        loader.add_reader("stdin", io::stdin().lock())?;
    }
    for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        loader.add_path(path);
    }
    let loaded = loader.finish();
    for s in &loaded.skipped {
        say(
            lang,
            &format!("{}: {}", s.name, s.reason.en),
            &format!("{}: {}", s.name, s.reason.ja),
        );
    }
    for (path, e) in &loaded.unreadable {
        say(
            lang,
            &format!("cannot read {}: {e}", path.display()),
            &format!("{} を読み込めません: {e}", path.display()),
        );
    }
    let mut apps: Vec<String> = args.app.iter().map(|a| a.id().to_string()).collect();
    apps.dedup();
    let options = Options {
        apps,
        tried: args.tried.clone(),
        redact: !args.no_redact,
        ..Options::default()
    };
    let case = diagnose(&loaded.inputs, kb, &options);
    let format = if args.json { Format::Json } else { args.format };
    let mut out = io::stdout().lock();
    match format {
        Format::Json => {
            m365doctor_text::json::to_writer_pretty(&mut out, &case.to_json(lang))?;
            writeln!(out)?;
        }
        Format::Markdown => out.write_all(case.markdown(lang).as_bytes())?,
        Format::Text => case.write_text(&mut out, lang, color)?,
    }
    out.flush()?;
    Ok(if loaded.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
