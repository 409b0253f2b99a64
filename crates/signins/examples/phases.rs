//! Where the time of a JSON-lines read goes, on one thread, phase by phase:
//! the UTF-8 check, the grammar check alone (every value skipped), parsing
//! the fields the analyses read, normalising to events, aggregating. Each
//! phase includes the ones before it. A profiling aid behind
//! `bench/signins.sh`'s figures (which time the whole command), not a
//! benchmark of its own.
//!
//! Usage: cargo run --release -p m365doctor-signins --example phases -- FILE [MiB] [PHASE]
//! reads the first MiB mebibytes of FILE (256 by default) into memory; with
//! PHASE (utf8, skip, parse, event, aggregate) only that phase runs, for
//! `perf record` or `perf stat`.

use m365doctor_signins::aggregate::{Agg, Params};
use m365doctor_signins::event::{self, Hint};
use m365doctor_signins::fastjson::Parser;
use m365doctor_signins::{record, Thresholds};
use std::io::Read;
use std::time::Instant;

const PHASES: [&str; 5] = ["utf8", "skip", "parse", "event", "aggregate"];

fn run(phase: &str, lines: &[&[u8]]) -> usize {
    let params = Params::new(&Thresholds::default());
    let mut agg = Agg::new();
    let mut n = 0;
    for line in lines {
        let ok = match phase {
            "utf8" => std::str::from_utf8(line).is_ok(),
            "skip" => std::str::from_utf8(line).is_ok_and(|text| {
                let mut p = Parser::new(text);
                p.skip().and_then(|()| p.end()).is_ok()
            }),
            "parse" => record::parse(line).is_ok(),
            "event" => record::parse(line)
                .ok()
                .and_then(|r| event::from_raw(r, Hint::default()).ok())
                .is_some(),
            _ => match record::parse(line)
                .ok()
                .and_then(|r| event::from_raw(r, Hint::default()).ok())
            {
                Some(e) => {
                    agg.add(&e, &params);
                    true
                }
                None => false,
            },
        };
        n += usize::from(ok);
    }
    std::hint::black_box(&agg);
    n
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: phases FILE [MiB] [{}]", PHASES.join("|"));
        std::process::exit(2);
    };
    let mib: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(256);
    let only = args.get(3).map(String::as_str);
    if let Some(p) = only.filter(|p| !PHASES.contains(p)) {
        eprintln!("unknown phase {p}: one of {}", PHASES.join(", "));
        std::process::exit(2);
    }
    let mut data = Vec::new();
    if let Err(e) = std::fs::File::open(path).and_then(|f| f.take(mib << 20).read_to_end(&mut data))
    {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    }
    // Whole lines only.
    let cut = memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1);
    data.truncate(cut);
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    println!("{} MiB, {} records", data.len() >> 20, lines.len());
    for phase in PHASES {
        if only.is_some_and(|p| p != phase) {
            continue;
        }
        let t = Instant::now();
        let n = run(phase, &lines);
        let s = t.elapsed().as_secs_f64();
        println!(
            "{phase:10} {s:7.3} s  {:6.0} MiB/s  {n} records",
            data.len() as f64 / s / f64::from(1 << 20)
        );
    }
}
