//! Any bytes: decoding, extraction and redaction must not panic, and every
//! code reported must decode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_scan::{decode, extract, redact::Redactor};

fuzz_target!(|data: &[u8]| {
    let text = match decode::decode(data, None) {
        decode::Text::Text { text, .. } => text,
        decode::Text::Binary => String::from_utf8_lossy(data).into_owned(),
    };
    let found = extract::extract(&text);
    for code in &found.codes {
        assert!(!code.token.readings.is_empty());
    }
    let mut r = Redactor::new();
    for line in text.lines().take(50) {
        let _ = r.redact(line);
    }
});
