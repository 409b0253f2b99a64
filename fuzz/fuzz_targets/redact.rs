//! Any text through the redactor (learning first, as a report does) and
//! the credential rules alone: no panic, and nothing slower than a pass.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_diagnose::{blank_secrets, Redactor};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut r = Redactor::new();
    r.learn(&text);
    for line in text.split_inclusive('\n') {
        let once = r.redact(line);
        let _ = r.redact(&once);
    }
    let _ = r.redact(&text);
    let _ = blank_secrets(&text);
});
