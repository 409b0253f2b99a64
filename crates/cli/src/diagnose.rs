//! `m365doctor diagnose`: reads files, folders or standard input, and prints
//! the diagnosis as text, a Markdown ticket or JSON.

use crate::args::{DiagnoseArgs, Format};
use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use m365doctor_scan::decode::{self, Text};
use m365doctor_scan::diagnose::{diagnose, Input, Options};
use m365doctor_scan::report;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// A Teams sign-in failure whose real cause is name resolution: the built-in example.
pub const EXAMPLE: &str = include_str!("../examples/teams-signin-dns.txt");

fn say(lang: Lang, en: &str, ja: &str) {
    eprintln!("m365doctor: {}", if lang == Lang::Ja { ja } else { en });
}

pub fn run(args: &DiagnoseArgs, kb: &Kb, lang: Lang) -> io::Result<ExitCode> {
    let forced = match &args.encoding {
        Some(label) => match decode::encoding_for_label(label) {
            Some(e) => Some(e),
            None => {
                say(
                    lang,
                    &format!("unknown encoding `{label}` (try utf-8, utf-16le, utf-16be, shift_jis)"),
                    &format!("エンコーディング `{label}` は不明です (utf-8、utf-16le、utf-16be、shift_jis などを指定してください)"),
                );
                return Ok(ExitCode::from(2));
            }
        },
        None => None,
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
    let d = diagnose(&inputs, kb, &options);
    let format = if args.json { Format::Json } else { args.format };
    let mut out = io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report::to_json(&d, lang, None))?;
            writeln!(out)?;
        }
        Format::Markdown => out.write_all(report::markdown(&d, kb, lang).as_bytes())?,
        Format::Text => out.write_all(report::text(&d, kb, lang).as_bytes())?,
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
    match decode::decode(bytes, forced) {
        Text::Text { text, .. } => inputs.push(Input {
            source: source.into(),
            text,
        }),
        Text::Binary => say(
            lang,
            &format!("{source}: binary file, skipped"),
            &format!("{source}: バイナリ ファイルのためスキップしました"),
        ),
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
