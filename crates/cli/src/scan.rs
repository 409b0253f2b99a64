//! `m365doctor scan`: every code in a log set, counted across threads with a
//! progress line on a terminal.

use crate::args::ScanArgs;
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_kb::model::interpretation_key;
use m365doctor_kb::Kb;
use m365doctor_scan::aggregate::{scan_reader, Aggregate, Seen};
use serde_json::json;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

fn collect(path: &Path, files: &mut Vec<(PathBuf, u64)>, errors: &mut Vec<(PathBuf, io::Error)>) {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut list: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                list.sort();
                for p in list {
                    collect(&p, files, errors);
                }
            }
            Err(e) => errors.push((path.to_path_buf(), e)),
        },
        Ok(m) => files.push((path.to_path_buf(), m.len())),
        Err(e) => errors.push((path.to_path_buf(), e)),
    }
}

fn seen_json(s: &Seen) -> serde_json::Value {
    json!({"file": s.file, "line": s.line, "timestamp": s.timestamp})
}

pub fn run(args: &ScanArgs, kb: &Kb, lang: Lang) -> io::Result<std::process::ExitCode> {
    let forced = match forced_encoding(args.encoding.as_deref(), lang) {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in &args.paths {
        collect(p, &mut files, &mut errors);
    }
    for (p, e) in &errors {
        say(
            lang,
            &format!("cannot read {}: {e}", p.display()),
            &format!("{} を読み込めません: {e}", p.display()),
        );
    }
    let total: u64 = files.iter().map(|(_, len)| len).sum();
    // Big files first, so that no thread is left with the largest one at the end.
    files.sort_by_key(|f| std::cmp::Reverse(f.1));
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let next = AtomicUsize::new(0);
    let progress = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let skipped = Mutex::new(Vec::new());
    let show_progress = !args.json && io::stderr().is_terminal();
    let mut merged = Aggregate::default();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(files.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut agg = Aggregate::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((path, _)) = files.get(i) else { break };
                        let name = path.display().to_string();
                        let result = std::fs::File::open(path).and_then(|f| {
                            scan_reader(
                                &mut agg,
                                &name,
                                io::BufReader::with_capacity(1 << 16, f),
                                forced,
                                &progress,
                            )
                        });
                        match result {
                            Ok(true) => {}
                            Ok(false) => skipped
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push((name, "binary".to_string())),
                            Err(e) => skipped
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push((name, e.to_string())),
                        }
                    }
                    agg
                })
            })
            .collect();
        if show_progress {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let now = progress.load(Ordering::Relaxed);
                    eprint!(
                        "\r{:>8.1} / {:.1} MiB",
                        now as f64 / 1048576.0,
                        total as f64 / 1048576.0
                    );
                    std::thread::sleep(Duration::from_millis(200));
                }
                eprint!("\r{:40}\r", "");
            });
        }
        for w in workers {
            if let Ok(agg) = w.join() {
                merged.merge(agg);
            }
        }
        done.store(true, Ordering::Relaxed);
    });
    let skipped = skipped.into_inner().unwrap_or_default();
    for (name, why) in &skipped {
        if why == "binary" {
            say(
                lang,
                &format!("{name}: binary file, skipped"),
                &format!("{name}: バイナリ ファイルのためスキップしました"),
            );
        } else {
            say(
                lang,
                &format!("cannot read {name}: {why}"),
                &format!("{name} を読み込めません: {why}"),
            );
        }
    }
    let list = merged.sorted();
    let mut out = io::stdout().lock();
    if args.json {
        let doc = json!({
            "schema": "m365doctor.scan/1",
            "files": merged.files,
            "bytes": merged.bytes,
            "lines": merged.lines,
            "codes": list.iter().map(|s| {
                let i = &s.interpretation;
                let entry = kb.find(&interpretation_key(i.kind, &i.normalized), &i.apps).map(|(e, _)| e.id.to_string());
                json!({
                    "code": i.normalized,
                    "kind": i.kind.id(),
                    "names": i.names.iter().map(|n| n.name).collect::<Vec<_>>(),
                    "layer": i.layer.map(|l| l.id()),
                    "entry": entry,
                    "count": s.count,
                    "first": seen_json(&s.first),
                    "last": seen_json(&s.last),
                })
            }).collect::<Vec<_>>(),
            "skipped": skipped.iter().map(|(f, why)| json!({"file": f, "reason": why})).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        let (files_l, codes_l) = if lang == Lang::Ja {
            ("ファイル", "種類のコード")
        } else {
            ("files", "distinct codes")
        };
        writeln!(
            out,
            "{} {files_l}, {:.1} MiB, {} {codes_l}",
            merged.files,
            merged.bytes as f64 / 1048576.0,
            list.len()
        )?;
        for s in &list {
            let i = &s.interpretation;
            let names = i
                .names
                .iter()
                .map(|n| n.name)
                .collect::<Vec<_>>()
                .join(", ");
            let layer = i
                .layer
                .map(|l| l.label().get(lang).to_string())
                .unwrap_or_default();
            writeln!(
                out,
                "{:>9}  {:<12} {}  {}",
                s.count, i.normalized, names, layer
            )?;
            let place = |s: &Seen| {
                format!(
                    "{}{}:{}",
                    s.timestamp
                        .as_deref()
                        .map(|t| format!("{t}  "))
                        .unwrap_or_default(),
                    s.file,
                    s.line
                )
            };
            let (first, last) = if lang == Lang::Ja {
                ("初回", "最終")
            } else {
                ("first", "last")
            };
            writeln!(out, "{:>9}  {first}: {}", "", place(&s.first))?;
            if s.count > 1 {
                writeln!(out, "{:>9}  {last}: {}", "", place(&s.last))?;
            }
        }
    }
    out.flush()?;
    Ok(if errors.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}
