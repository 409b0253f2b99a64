//! `m365doctor diagnose`: reads files, folders or standard input, and prints
//! the diagnosis as text, a Markdown ticket or JSON.

use crate::args::{DiagnoseArgs, Format};
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use m365doctor_scan::case::diagnose_case;
use m365doctor_scan::container;
use m365doctor_text as decode;
use m365doctor_scan::diagnose::{Input, Options};
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// A Teams sign-in failure whose real cause is name resolution: the built-in example.
pub const EXAMPLE: &str = include_str!("../examples/teams-signin-dns.txt");

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
    let mut inputs = Vec::new();
    let mut failed = false;
    if args.example {
        inputs.push(Input {
            source: "example".into(),
            text: EXAMPLE.into(),
        });
    } else if args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-") {
        if io::stdin().is_terminal() {
            say(
                lang,
                "paste the error text, then press Ctrl-D (Ctrl-Z and Enter on Windows)",
                "エラーの文面を貼り付けてから Ctrl-D を押してください (Windows では Ctrl-Z のあと Enter)",
            );
        }
        let mut bytes = Vec::new();
        io::stdin().read_to_end(&mut bytes)?;
        push_bytes("stdin", &bytes, forced, &mut inputs, lang);
    }
    for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        if let Err(e) = read_path(path, forced, &mut inputs, lang) {
            failed = true;
            say(
                lang,
                &format!("cannot read {}: {e}", path.display()),
                &format!("{} を読み込めません: {e}", path.display()),
            );
        }
    }
    let mut apps: Vec<String> = args.app.iter().map(|a| a.id().to_string()).collect();
    apps.dedup();
    let options = Options {
        apps,
        tried: args.tried.clone(),
        redact: !args.no_redact,
    };
    let case = diagnose_case(&inputs, kb, &options);
    let format = if args.json { Format::Json } else { args.format };
    let mut out = io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &case.to_json(lang))?;
            writeln!(out)?;
        }
        Format::Markdown => out.write_all(case.markdown(kb, lang).as_bytes())?,
        Format::Text => case.write_text(&mut out, kb, lang, color)?,
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn push_bytes(
    source: &str,
    bytes: &[u8],
    forced: Option<&'static decode::Encoding>,
    inputs: &mut Vec<Input>,
    lang: Lang,
) {
    // Archives, event logs and HAR files become several texts.
    for doc in container::expand(source, bytes, forced) {
        match doc.skipped {
            Some(why) => say(
                lang,
                &format!("{}: {}", doc.name, why.en),
                &format!("{}: {}", doc.name, why.ja),
            ),
            None => inputs.push(Input {
                source: doc.name,
                text: doc.text,
            }),
        }
    }
}

fn read_path(
    path: &Path,
    forced: Option<&'static decode::Encoding>,
    inputs: &mut Vec<Input>,
    lang: Lang,
) -> io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            read_path(&entry.path(), forced, inputs, lang)?;
        }
        return Ok(());
    }
    let bytes = std::fs::read(path)?;
    push_bytes(&path.display().to_string(), &bytes, forced, inputs, lang);
    Ok(())
}
