//! Any input: the grammar and the decoder must return a result or a clear
//! error, never panic; every interpretation must serialize.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_codes::{json, Lang};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    match m365doctor_codes::explain(&input) {
        Ok(results) => {
            assert!(!results.is_empty());
            for d in &results {
                assert!(!d.interpretations.is_empty());
            }
            let _ = json::explain_document(&results, &[], Lang::Ja).to_string();
        }
        Err(e) => assert!(!e.message.en.is_empty() && !e.message.ja.is_empty()),
    }
});
