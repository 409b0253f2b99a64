//! Bilingual text, from `m365doctor-text` (the crate below every other one).

pub use m365doctor_text::{Lang, Message, Text};
