//! Any bytes: decoding, extraction and redaction must not panic, every code
//! reported must decode, scan's prefilter must pick every line on which the
//! word walk finds something, and scan's reader must give the same answer
//! whether the bytes come at once or a few at a time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_diagnose::Redactor;
use m365doctor_scan::{candidate_lines, extract, hits, scan_reader, Aggregate};
use m365doctor_text as decode;
use std::io::Read;
use std::sync::atomic::AtomicU64;

/// Hands out the bytes a few at a time.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn scan(reader: impl Read) -> (bool, u64, u64, Vec<(String, u64, u64)>) {
    let mut agg = Aggregate::default();
    let text = scan_reader(&mut agg, "f", reader, None, &AtomicU64::new(0)).expect("in memory");
    let codes = agg
        .sorted()
        .iter()
        .map(|s| (s.interpretation.normalized.clone(), s.count, s.first.line))
        .collect();
    (text, agg.lines, agg.bytes, codes)
}

fuzz_target!(|data: &[u8]| {
    let text = decode::decode_lossy(data);
    let found = extract(&text);
    for code in &found.codes {
        assert!(!code.token.readings.is_empty());
    }
    let mut candidates = Vec::new();
    candidate_lines(text.as_bytes(), |start, end| candidates.push((start, end)));
    let mut at = 0;
    for line in text.split('\n') {
        let mut any = false;
        hits(line, |_| any = true);
        if any {
            assert!(
                candidates.contains(&(at, at + line.len())),
                "prefilter missed line {line:?}"
            );
        }
        at += line.len() + 1;
    }
    // The encoding is detected from the first read: compared where both
    // first reads give the same encoding.
    let (first, rest) = data.split_at(data.len().min(1 + data.len() % 4096));
    if decode::detect(first) == decode::detect(data) {
        let whole = scan(data);
        let trickled = scan(first.chain(Trickle(rest, 1 + data.len() % 13)));
        assert_eq!(whole, trickled);
    }
    let mut r = Redactor::new();
    for line in text.lines().take(50) {
        let _ = r.redact(line);
    }
});
