//! How fast the report's redactor is, per line and per megabyte, on the
//! lines it meets: ordinary log lines with nothing to hide, lines full of
//! identifiers and secrets (the redaction corpus), and one long line.
//! `cargo bench -p m365doctor-diagnose --bench redact` prints medians of
//! several runs (no timing assertions: the machine is shared and noisy).

use m365doctor_diagnose::Redactor;
use std::hint::black_box;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

/// Redacts every line of `text` with one redactor (as `collect` does a
/// gathered file); the median time.
fn per_line(text: &str) -> Duration {
    median(
        (0..RUNS)
            .map(|_| {
                let mut r = Redactor::new();
                let start = Instant::now();
                for line in text.split_inclusive('\n') {
                    black_box(r.redact(line));
                }
                start.elapsed()
            })
            .collect(),
    )
}

fn report(name: &str, text: &str, took: Duration) {
    let lines = text.lines().count().max(1);
    let mb = text.len() as f64 / 1e6;
    println!(
        "{name:34} {mb:7.2} MB {lines:8} lines {:9.1} ms {:8.1} MB/s {:7.0} ns/line",
        took.as_secs_f64() * 1e3,
        mb / took.as_secs_f64(),
        took.as_nanos() as f64 / lines as f64
    );
}

fn main() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/redaction_corpus/inputs");
    let mut sensitive = String::new();
    for name in [
        "credentials.log",
        "people.log",
        "people-ja.log",
        "ids.log",
        "tenants-hosts.log",
        "addresses.log",
        "paths.log",
        "signins.json",
        "kept.log",
    ] {
        sensitive.push_str(&std::fs::read_to_string(format!("{corpus}/{name}")).unwrap());
    }
    let inputs = [
        ("plain (80,000 x 'Error code: 0x…')", "Error code: 0xCAA70004\n".repeat(80_000)),
        (
            "ordinary log (ids and times stay)",
            "2026-11-20T09:12:33.123Z INFO [AuthController] Acquiring token silently, Correlation ID: 5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09, hr=0x80070005, version 16.0.17928.20156\n"
                .repeat(20_000),
        ),
        ("corpus (every kind, every form)", sensitive.repeat(200)),
        ("one 4 MB line of key=value pairs", "user=x&code=0x1&password=y&tid=z ".repeat(125_000)),
    ];
    println!("redact, one redactor per input, median of {RUNS} runs");
    for (name, text) in &inputs {
        report(name, text, per_line(text));
    }
    println!("redact, each input in one call");
    for (name, text) in &inputs {
        let took = median(
            (0..RUNS)
                .map(|_| {
                    let mut r = Redactor::new();
                    let start = Instant::now();
                    black_box(r.redact(text));
                    start.elapsed()
                })
                .collect(),
        );
        report(name, text, took);
    }
    println!("credentials alone (m365doctor_diagnose::blank_secrets), each input in one call");
    for (name, text) in &inputs {
        let took = median(
            (0..RUNS)
                .map(|_| {
                    let start = Instant::now();
                    black_box(m365doctor_diagnose::blank_secrets(text));
                    start.elapsed()
                })
                .collect(),
        );
        report(name, text, took);
    }
    // Learning (the pass over every input before evidence is quoted).
    println!("learn, each input in one call");
    for (name, text) in &inputs {
        let took = median(
            (0..RUNS)
                .map(|_| {
                    let mut r = Redactor::new();
                    let start = Instant::now();
                    r.learn(text);
                    black_box(&r);
                    start.elapsed()
                })
                .collect(),
        );
        report(name, text, took);
    }
}
