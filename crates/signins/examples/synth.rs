//! Writes a synthetic tenant's sign-in logs (see `m365doctor_signins::example`)
//! in one of the export shapes, for the benchmark and the KQL differential test.
//!
//!   cargo run --release -p m365doctor-signins --example synth -- \
//!       --shape diagnostic --size 1G --out signins.json
//!   cargo run -p m365doctor-signins --example synth -- \
//!       --shape log-analytics-json --users 40 --days 2 --per-user-day 20 --out la.json
//!
//! `--size` picks the number of users for about that many bytes over `--days`
//! (default 7); otherwise `--users` (default 120) is used.

use m365doctor_signins::example::{write, Config, Shape, Tenant};
use std::io::{BufWriter, Write};

fn size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.chars().last()? {
        'K' | 'k' => (&s[..s.len() - 1], 1u64 << 10),
        'M' | 'm' => (&s[..s.len() - 1], 1 << 20),
        'G' | 'g' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<f64>().ok().map(|n| (n * mult as f64) as u64)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut shape = Shape::Diagnostic;
    let mut cfg = Config::default();
    let mut target: Option<u64> = None;
    let mut out: Option<String> = None;
    let mut days_set = false;
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--shape" => shape = Shape::parse(&val()).expect("shape: diagnostic, event-hub, graph-pages, graph-arrays, portal-csv, log-analytics-json"),
            "--size" => target = Some(size(&val()).expect("size like 512M or 1G")),
            "--users" => cfg.users = val().parse().expect("users"),
            "--days" => {
                cfg.days = val().parse().expect("days");
                days_set = true;
            }
            "--per-user-day" => cfg.per_user_day = val().parse().expect("per-user-day"),
            "--policies" => cfg.policies = val().parse().expect("policies"),
            "--seed" => cfg.seed = val().parse().expect("seed"),
            "--no-incidents" => cfg.incidents = false,
            "--out" => out = Some(val()),
            other => panic!("unknown argument {other}"),
        }
    }
    if let Some(bytes) = target {
        if !days_set {
            cfg.days = 7;
        }
        cfg.per_user_day = 100;
        // Calibrate: bytes per record of this shape, from a small tenant.
        let sample = Config {
            users: 40,
            days: 1,
            ..cfg.clone()
        };
        let (n, b) =
            write(&Tenant::new(sample), shape, &mut std::io::sink(), None).expect("sample");
        let per_record = (b / n.max(1)).max(1);
        let events = bytes / per_record;
        cfg.users = ((events / (cfg.days as u64 * cfg.per_user_day)).max(40)) as usize;
        eprintln!(
            "{per_record} bytes per record, {} users, {} days",
            cfg.users, cfg.days
        );
    }
    let tenant = Tenant::new(cfg);
    let w: Box<dyn Write> = match &out {
        Some(p) => Box::new(std::fs::File::create(p).expect("create the output file")),
        None => Box::new(std::io::stdout()),
    };
    let mut w = BufWriter::with_capacity(1 << 20, w);
    let (events, bytes) = write(&tenant, shape, &mut w, target).expect("write");
    w.flush().expect("flush");
    eprintln!("{events} records, {bytes} bytes");
}
