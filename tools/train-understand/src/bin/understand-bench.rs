//! Times the text understanding of one text, and shows what it found.
//!
//!     understand-bench [--runs N] [FILE]     # median and quartiles of N calls (in process)
//!     understand-bench --once [FILE]         # one call, as a whole process would make it
//!     understand-bench --explain [FILE]      # the clues, layers, entries and questions
//!
//! `--codes` reads the text as `diagnose` gives it to the understanding
//! (its words and the evidence of codes, dialog texts, device findings and
//! events, through m365doctor-diagnose).
//!
//! The text is read from FILE or standard input. Used by bench/understand.sh.

use m365doctor_understand::{Engine, Query, Reason};
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 200usize;
    let mut once = false;
    let mut explain = false;
    let mut codes = false;
    let mut file: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--runs" => {
                match args.get(i + 1).and_then(|n| n.parse().ok()) {
                    Some(n) => runs = n,
                    None => {
                        eprintln!("understand-bench: --runs needs a number");
                        return ExitCode::from(2);
                    }
                }
                i += 1;
            }
            "--once" => once = true,
            "--explain" => explain = true,
            "--codes" => codes = true,
            "--sizes" => {}
            other if !other.starts_with("--") => file = Some(other.to_string()),
            other => {
                eprintln!("understand-bench: unknown argument `{other}`");
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    if args.iter().any(|a| a == "--sizes") {
        let index = Engine::bundled().index();
        let bytes = index.term_text.len()
            + 4 * (index.term_ends.len() + index.post_ends.len() + index.postings.len())
            + 8 * index.lengths.len();
        println!(
            "index: {} entries, {} terms ({} bytes of text), {} postings; about {} KiB of tables; {} weights ({} KiB)",
            index.docs(),
            index.terms(),
            index.term_text.len(),
            index.postings.len(),
            bytes / 1024,
            Engine::bundled().params().weights.len(),
            Engine::bundled().params().weights.len() * 8 / 1024
        );
        return ExitCode::SUCCESS;
    }
    let text = match &file {
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("understand-bench: {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("understand-bench: standard input: {e}");
                return ExitCode::from(2);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let t0 = Instant::now();
    let engine = Engine::bundled();
    if once {
        eprintln!("engine: {:.3} ms", t0.elapsed().as_secs_f64() * 1000.0);
    }
    // What `diagnose` gives the understanding: the words it reads and the
    // evidence of the codes, dialog texts, device findings and events.
    let input = (codes || explain).then(|| train_understand::CodeReader::new().input(&text));
    let apps: Vec<&str> = input
        .iter()
        .flat_map(|i| i.apps.iter().map(String::as_str))
        .collect();
    let query = Query {
        text: input.as_ref().map_or(&text, |i| &i.text),
        evidence: input.as_ref().map_or(&[], |i| &i.evidence),
        apps: &apps,
        platform: None,
    };
    if once && std::env::var_os("UNDERSTAND_BENCH_PARTS").is_some() {
        let t = Instant::now();
        let c = m365doctor_understand::text::canonical("x");
        eprintln!("synonyms: {:.3} ms", t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let tokens = m365doctor_understand::text::tokenize(&c);
        let _ = m365doctor_understand::clues::detect(&c, &tokens);
        eprintln!(
            "clue patterns: {:.3} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    if once {
        let start = Instant::now();
        let u = engine.understand(&query);
        eprintln!(
            "first call: {:.3} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
        println!(
            "{}",
            u.top_layer()
                .map_or("not about signing in", |l| l.layer.id())
        );
        return ExitCode::SUCCESS;
    }
    if explain {
        let u = engine.understand(&query);
        println!(
            "about signing in: {} ({:.2})",
            u.about_sign_in, u.sign_in_score
        );
        for c in &u.clues {
            println!("clue {} {:+} {:?}", c.id, c.value, c.matched);
        }
        for l in u.layers.iter().take(4) {
            println!("layer {:<20} {:.3}", l.layer.id(), l.score);
        }
        for e in &u.entries {
            println!("entry {:<45} {:.3}", e.id, e.probability);
            for r in &e.reasons {
                match r {
                    Reason::Words(w) => println!("    words {}", w.join(", ")),
                    Reason::Clue { id, value } => println!("    clue {id} {value:+}"),
                    Reason::Evidence(e) => println!("    evidence {e}"),
                    Reason::App(a) => println!("    app {a}"),
                }
            }
        }
        for e in u.entries.iter().take(3) {
            let parts: Vec<String> = engine
                .contributions(&query, &e.id)
                .iter()
                .take(8)
                .map(|(n, v)| format!("{n} {v:+.2}"))
                .collect();
            println!("score {}: {}", e.id, parts.join(", "));
        }
        for q in &u.questions {
            println!("question {}: {}", q.id, q.en);
        }
        return ExitCode::SUCCESS;
    }
    // Warm up: the first call builds the engine (compiled tables, no parsing).
    let _ = engine.understand(&query);
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let u = engine.understand(&query);
            std::hint::black_box(&u);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "understand: {} chars, {runs} runs: median {:.3} ms (p25 {:.3}, p75 {:.3}, max {:.3})",
        text.chars().count(),
        at(0.5),
        at(0.25),
        at(0.75),
        at(1.0)
    );
    ExitCode::SUCCESS
}
