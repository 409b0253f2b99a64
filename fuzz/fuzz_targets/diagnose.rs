//! Any bytes as an upload: loading (containers included), the case and its
//! documents in both languages must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_diagnose::{diagnose_with, Limits, Loader, MessageMatcher, Options};
use m365doctor_kb::Kb;
use std::sync::LazyLock;

static KB: LazyLock<Kb> = LazyLock::new(Kb::bundled);
static MATCHER: LazyLock<MessageMatcher> = LazyLock::new(|| MessageMatcher::new(&KB));

fuzz_target!(|data: &[u8]| {
    let mut loader = Loader::new(Limits::for_request(1 << 20), None);
    loader.add_bytes("upload", data);
    let loaded = loader.finish();
    let options = Options {
        redact: true,
        ..Options::default()
    };
    let case = diagnose_with(&loaded.inputs, &KB, &MATCHER, &options);
    for lang in [m365doctor_codes::Lang::En, m365doctor_codes::Lang::Ja] {
        let _ = case.to_json(lang);
        let _ = case.markdown(lang);
        let mut sink = Vec::new();
        let _ = case.write_text(&mut sink, lang, true);
    }
});
