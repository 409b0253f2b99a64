//! Any bytes as a text file: detection and decoding must not panic, and a
//! text whose encoding changes part-way must read the same whole or as a
//! stream cut into pieces of any size (what `diagnose` and `scan` each do).
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_text::{decode, detect, TextDecoder};

fuzz_target!(|data: &[u8]| {
    let Some((&step, bytes)) = data.split_first() else {
        return;
    };
    let _ = decode(bytes, None);
    let Some(first) = detect(bytes) else { return };
    let (whole, name) = TextDecoder::new(first).decode_all(bytes);
    let mut decoder = TextDecoder::new(first);
    let mut streamed = String::new();
    for piece in bytes.chunks(usize::from(step).max(1)) {
        decoder.decode(piece, &mut streamed, false);
    }
    decoder.decode(&[], &mut streamed, true);
    assert_eq!(whole, streamed, "pieces of {step} bytes");
    assert_eq!(name, decoder.name());
});
