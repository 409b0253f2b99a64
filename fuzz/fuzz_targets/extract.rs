//! Any bytes: decoding, extraction and redaction must not panic, every code
//! reported must decode, and scan's prefilter must pick every line on which
//! the word walk finds something.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_scan::{decode, extract, prefilter, redact::Redactor};

fuzz_target!(|data: &[u8]| {
    let text = match decode::decode(data, None) {
        decode::Text::Text { text, .. } => text,
        decode::Text::Binary => String::from_utf8_lossy(data).into_owned(),
    };
    let found = extract::extract(&text);
    for code in &found.codes {
        assert!(!code.token.readings.is_empty());
    }
    let mut candidates = Vec::new();
    prefilter::candidate_lines(text.as_bytes(), |start, end| candidates.push((start, end)));
    let mut at = 0;
    for line in text.split('\n') {
        let mut any = false;
        extract::hits(line, |_| any = true);
        if any {
            assert!(
                candidates.contains(&(at, at + line.len())),
                "prefilter missed line {line:?}"
            );
        }
        at += line.len() + 1;
    }
    let mut r = Redactor::new();
    for line in text.lines().take(50) {
        let _ = r.redact(line);
    }
});
