//! `m365doctor scan`: every code in a log set, counted across threads with a
//! progress line on a terminal. A shell over m365doctor_scan.

use crate::args::ScanArgs;
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use m365doctor_scan::{scan_document, scan_files, walk, write_scan_text, ScanOptions};
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

pub fn run(args: &ScanArgs, kb: &Kb, lang: Lang) -> io::Result<std::process::ExitCode> {
    let forced = match forced_encoding(args.encoding.as_deref(), lang) {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let found = walk(&args.paths);
    // Each entry left out on its own line (loops, pipes, devices, broken
    // links, no permission); the rest is read.
    for s in &found.skipped {
        let m = s.message();
        say(lang, &m.en, &m.ja);
    }
    let total = found.total_bytes();
    let mut options = ScanOptions {
        forced,
        ..ScanOptions::default()
    };
    if let Some(threads) = args.threads {
        options.threads = threads;
    }
    let progress = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let show_progress = !args.json && io::stderr().is_terminal();
    let scanned = std::thread::scope(|scope| {
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
        let scanned = scan_files(&found.files, &options, &progress);
        done.store(true, Ordering::Relaxed);
        scanned
    });
    for s in &scanned.skipped {
        let m = s.message();
        say(lang, &m.en, &m.ja);
    }
    let mut out = io::stdout().lock();
    if args.json {
        m365doctor_text::json::to_writer_pretty(&mut out, &scan_document(&scanned, kb))?;
        writeln!(out)?;
    } else {
        write_scan_text(&mut out, &scanned, lang)?;
    }
    out.flush()?;
    Ok(if !found.has_errors() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}
