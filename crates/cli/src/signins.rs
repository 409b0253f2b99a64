//! `m365doctor signins`: a whole tenant's Entra sign-in logs, offline. A
//! thin shell over m365doctor_signins: arguments, progress on a terminal,
//! and where each rendering goes.

use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use m365doctor_signins::{self as signins, lookup, render, Options, Source};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  m365doctor signins --example                          # a synthetic tenant with planted incidents
  m365doctor signins insights-logs-signinlogs/ insights-logs-noninteractiveusersigninlogs/
  m365doctor signins InteractiveSignIns_*.csv NonInteractiveSignIns_*.csv --html report.html
  m365doctor signins graph-pages/ --json > signins.json
  m365doctor signins logs/ --correlation 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f
  m365doctor signins logs/ --user megan@contoso.com --around 2026-03-03T07:05:00Z
  m365doctor signins --kql > signins.kql                # the same analyses for Log Analytics
  m365doctor signins logs/ --threshold spray-min-users=5 --csv out/ --redact";

/// Analyse Microsoft Entra sign-in logs of a whole tenant: which failures hurt the most users, why, and what to change
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct SigninsArgs {
    /// Files or folders of sign-in logs: diagnostic-settings PT1H.json trees, Event Hub captures, Graph
    /// exports, admin center downloads (CSV/JSON), Log Analytics exports; .gz and .zip too; `-` reads standard input
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Analyse a bundled example instead: three days of a synthetic tenant with planted incidents
    #[arg(long, conflicts_with = "paths")]
    pub example: bool,

    /// Print one JSON document (schema m365doctor.signins/1) instead of the summary
    #[arg(long)]
    pub json: bool,

    /// Also write a self-contained HTML report (sortable tables, charts, fixes; English and Japanese)
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Also write one CSV table per analysis into this folder
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,

    /// Print the analyses as KQL queries for Log Analytics / Microsoft Sentinel (no input needed)
    #[arg(long)]
    pub kql: bool,

    /// Replace user names, addresses, IP addresses and device names with placeholders (for sharing outside the organisation)
    #[arg(long)]
    pub redact: bool,

    /// Show the sign-ins with this Correlation ID (or request id) in full, with the fix for their code
    #[arg(long, value_name = "ID")]
    pub correlation: Option<String>,

    /// Show this user's sign-ins in full (with --around: only near that time)
    #[arg(long, value_name = "UPN")]
    pub user: Option<String>,

    /// With --user: a time from the error (ISO 8601 or M/d/yyyy h:mm:ss AM, UTC); sign-ins within 10 minutes
    #[arg(long, value_name = "TIME", requires = "user")]
    pub around: Option<String>,

    /// Change a threshold, e.g. spray-min-users=5 (see --list-thresholds); repeatable
    #[arg(long = "threshold", value_name = "NAME=VALUE")]
    pub thresholds: Vec<String>,

    /// List the thresholds, their defaults and what they mean
    #[arg(long)]
    pub list_thresholds: bool,

    /// Worker threads [default: the number of CPUs]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

fn ja(lang: Lang) -> bool {
    lang == Lang::Ja
}

pub fn run(args: &SigninsArgs, kb: &Kb, lang: Lang) -> io::Result<ExitCode> {
    let ja = ja(lang);
    let mut thresholds = signins::Thresholds::default();
    for t in &args.thresholds {
        if let Err(e) = thresholds.set(t) {
            crate::say(lang, &e.en, &e.ja);
            return Ok(ExitCode::from(2));
        }
    }
    let mut out = io::stdout().lock();
    if args.list_thresholds {
        for (t, v) in thresholds.iter() {
            writeln!(out, "{:<30} {:>6}  {}", t.name, v, t.doc.get(ja))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.kql {
        let lookup = args.correlation.as_deref();
        out.write_all(signins::kql::queries(&thresholds, lookup).as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let sources: Vec<Source> = if args.example {
        signins::example::bundled()
    } else if args.paths.is_empty() {
        crate::say(
            lang,
            "give files or folders of sign-in logs, `-` for standard input, or --example",
            "サインイン ログのファイルかフォルダー、標準入力なら `-`、または --example を指定してください",
        );
        return Ok(ExitCode::from(2));
    } else {
        args.paths
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Source::Stdin
                } else {
                    Source::Path(p.clone())
                }
            })
            .collect()
    };
    for p in &args.paths {
        if p.as_os_str() != "-" && !p.exists() {
            crate::say(
                lang,
                &format!("{} does not exist", p.display()),
                &format!("{} は存在しません", p.display()),
            );
            return Ok(ExitCode::from(2));
        }
    }
    let threads = args.threads.unwrap_or_else(signins::default_threads).max(1);

    if args.correlation.is_some() || args.user.is_some() {
        let around = match args.around.as_deref().map(signins::time::parse) {
            Some(None) => {
                crate::say(
                    lang,
                    "--around needs a time such as 2026-03-03T07:05:00Z",
                    "--around には 2026-03-03T07:05:00Z のような日時を指定してください",
                );
                return Ok(ExitCode::from(2));
            }
            Some(t) => t,
            None => None,
        };
        let query = lookup::Query {
            id: args.correlation.clone(),
            user: args.user.clone(),
            around,
            window: 600,
        };
        return lookup_run(&sources, &query, threads, kb, args, ja, &mut out);
    }

    let opts = Options {
        threads,
        thresholds,
        ..Options::default()
    };
    let progress = signins::Progress::default();
    let show = io::stderr().is_terminal();
    let done = AtomicBool::new(false);
    let report = std::thread::scope(|s| {
        if show {
            s.spawn(|| progress_line(&progress, &done, ja));
        }
        let r = signins::analyze(&sources, &opts, kb, Some(&progress));
        done.store(true, Ordering::Relaxed);
        r
    });
    let report = if args.redact {
        signins::redact::Redactor::new().report(&report)
    } else {
        report
    };
    if report.inputs.iter().all(|i| i.error.is_some()) {
        for i in &report.inputs {
            if let Some(e) = &i.error {
                crate::say(
                    lang,
                    &format!("{}: {}", i.path, e.en),
                    &format!("{}: {}", i.path, e.ja),
                );
            }
        }
        crate::say(lang, "no input could be read", "読み込めた入力がありません");
        return Ok(ExitCode::from(2));
    }
    if let Some(path) = &args.html {
        if let Err(e) = write_atomically(path, render::html::page(&report, ja).as_bytes()) {
            crate::say(
                lang,
                &format!("cannot write {}: {e}", path.display()),
                &format!("{} を書き込めません: {e}", path.display()),
            );
            return Ok(ExitCode::from(2));
        }
    }
    if let Some(dir) = &args.csv {
        if let Err(e) = render::csv::write_dir(dir, &report, ja) {
            crate::say(
                lang,
                &format!("cannot write the CSV tables to {}: {e}", dir.display()),
                &format!("CSV を {} に書き込めません: {e}", dir.display()),
            );
            return Ok(ExitCode::from(2));
        }
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &render::json::document(&report, ja))?;
        writeln!(out)?;
    } else {
        render::text::render(&mut out, &report, ja)?;
        if let Some(path) = &args.html {
            writeln!(
                out,
                "\n{} {}",
                if ja {
                    "HTML レポート:"
                } else {
                    "HTML report:"
                },
                path.display()
            )?;
        }
        if let Some(dir) = &args.csv {
            writeln!(
                out,
                "{} {}",
                if ja { "CSV:" } else { "CSV tables:" },
                dir.display()
            )?;
        }
    }
    out.flush()?;
    for i in &report.inputs {
        if let Some(e) = &i.error {
            crate::say(
                lang,
                &format!("{}: {}", i.path, e.en),
                &format!("{}: {}", i.path, e.ja),
            );
        } else if i.unreadable > 0 {
            crate::say(
                lang,
                &format!(
                    "{}: {} records could not be read (see the inputs section)",
                    i.path, i.unreadable
                ),
                &format!(
                    "{}: {} 件のレコードを読み取れませんでした (入力の一覧を参照してください)",
                    i.path, i.unreadable
                ),
            );
        }
    }
    Ok(if signins::had_problems(&report) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn lookup_run(
    sources: &[Source],
    query: &lookup::Query,
    threads: usize,
    kb: &Kb,
    args: &SigninsArgs,
    ja: bool,
    out: &mut dyn Write,
) -> io::Result<ExitCode> {
    let (found, inputs) = lookup::find(sources, query, threads, kb);
    let found = if args.redact {
        signins::redact::Redactor::new().found(&found)
    } else {
        found
    };
    let label = query
        .id
        .clone()
        .or_else(|| query.user.clone())
        .unwrap_or_default();
    if args.json {
        serde_json::to_writer_pretty(
            &mut *out,
            &render::json::lookup_document(&found, &label, inputs.len(), ja),
        )?;
        writeln!(out)?;
    } else {
        render::text::lookup(out, &found, &label, ja)?;
    }
    Ok(if found.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn progress_line(p: &signins::Progress, done: &AtomicBool, ja: bool) {
    let mut shown = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(250));
        if done.load(Ordering::Relaxed) {
            break;
        }
        let bytes = p.bytes.load(Ordering::Relaxed);
        let total = p.total_bytes.load(Ordering::Relaxed);
        let records = p.records.load(Ordering::Relaxed);
        let share = (bytes.min(total) * 100)
            .checked_div(total)
            .map(|p| format!(" ({p}%)"))
            .unwrap_or_default();
        let line = if ja {
            format!(
                "読み込み中: {} MB{share}、{} 件",
                bytes >> 20,
                render::fmt_n(records)
            )
        } else {
            format!(
                "reading: {} MB{share}, {} sign-ins",
                bytes >> 20,
                render::fmt_n(records)
            )
        };
        eprint!("\r{line}   ");
        shown = true;
    }
    if shown {
        eprint!("\r{}\r", " ".repeat(60));
    }
}

/// Writes to a temporary file next to `path` and renames it, so a failed
/// write never leaves half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report.html");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}
