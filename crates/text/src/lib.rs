//! m365doctor-text: text at the bottom of the crate graph, shared by every
//! other crate.
//!
//! - The two languages m365doctor speaks ([`Lang`]) and the bilingual texts
//!   every user-facing string is made of: [`Text`] for texts compiled into
//!   the binary, [`Message`] for texts built at run time. Each is read with
//!   `.get(lang)`: there is no other way to pick a language.
//! - Bytes to text ([`decode`]): UTF-8 with or without BOM, UTF-16LE/BE with
//!   or without BOM, Shift_JIS (CP932), and binary content recognised rather
//!   than decoded into noise; a file whose encoding changes part-way (UTF-8
//!   then UTF-16LE, from PowerShell 5's `>>`) is read in every part
//!   ([`TextDecoder`], also for streams). `dsreg`, `scan`, `fix` and the front ends all
//!   decode through here, so a capture reads the same everywhere.
//! - Text from input made safe to print ([`visible`], [`json`]): control,
//!   escape and bidirectional characters shown as escapes, so that nothing
//!   a log or a file name holds can steer the terminal it is printed on.
//!
//! ```
//! use m365doctor_text::{decode, Decoded, Lang, Text};
//! const HELLO: Text = Text::new("Hello", "こんにちは");
//! assert_eq!(HELLO.get(Lang::Ja), "こんにちは");
//! let bytes: Vec<u8> = "TenantId : x".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
//! assert!(matches!(decode(&bytes, None), Decoded::Text { encoding: "UTF-16LE", .. }));
//! ```

mod bytes;
pub mod json;
mod lang;
mod mixed;
pub mod tiered;
mod visible;

pub use bytes::{decode, decode_lossy, detect, encoding_for_label, Decoded, Encoding};
pub use lang::{Lang, Message, Text};
pub use mixed::TextDecoder;
pub use visible::{clipped, is_hidden_control, visible, visible_lines};
