//! Any bytes: the dsregcmd parser, rules, JSON and renderer must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_dsreg::{diagnose, parse, parse_bytes, render, to_json, Lang};

fuzz_target!(|data: &[u8]| {
    let mut captures = parse_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        captures.extend(parse(text));
    }
    for capture in &captures {
        let report = diagnose(capture);
        for lang in [Lang::En, Lang::Ja] {
            let _ = to_json(&report, lang);
            let mut sink = Vec::new();
            let _ = render(&mut sink, &report, lang, true);
        }
    }
});
