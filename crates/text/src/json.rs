//! JSON documents that are safe to print and to pipe through `jq -r`.
//!
//! JSON escapes the C0 controls but lets DEL, the C1 controls (U+009B is a
//! CSI on many terminals) and the bidirectional controls through as they
//! are, so a field printed raw (`jq -r .evidence[0].text`) could still steer
//! the terminal. Every document m365doctor prints is written through here:
//! those characters become `\u` escapes, which any JSON reader turns back
//! into the same string.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};
use std::io::{self, Write};

/// Pretty-printed JSON (two spaces, like `serde_json::to_writer_pretty`)
/// with every [`crate::is_hidden_control`] character written as `\uXXXX`.
pub fn to_writer_pretty<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(writer, Escaping(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// [`to_writer_pretty`] into a string.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    let mut out = Vec::new();
    to_writer_pretty(&mut out, value)?;
    // The serializer writes UTF-8 only.
    String::from_utf8(out).map_err(io::Error::other)
}

/// A formatter that adds the escapes and leaves the layout to `F`.
struct Escaping<F>(F);

macro_rules! delegate {
    ($($name:ident),*) => {$(
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.0.$name(w)
        }
    )*};
}

macro_rules! delegate_first {
    ($($name:ident),*) => {$(
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
            self.0.$name(w, first)
        }
    )*};
}

impl<F: Formatter> Formatter for Escaping<F> {
    delegate!(
        begin_array,
        end_array,
        end_array_value,
        begin_object,
        end_object,
        end_object_key,
        begin_object_value,
        end_object_value
    );
    delegate_first!(begin_array_value, begin_object_key);

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            // The C0 controls never reach a fragment: serde_json escapes them.
            if crate::is_hidden_control(c) {
                w.write_all(&fragment.as_bytes()[start..at])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = at + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn del_c1_and_bidi_are_escaped_and_read_back_the_same() {
        let value = json!({
            "text": "a\x1b[2Jb\x7fc\u{9b}31md\u{202e}e\u{2066}f\u{2028}",
            "list": ["\u{200f}", 1, null, true],
            "\u{202e}key": {}
        });
        let out = to_string_pretty(&value).unwrap();
        assert!(
            !out.chars()
                .any(|c| crate::is_hidden_control(c) && c != '\n'),
            "{out}"
        );
        assert!(out.contains(r"a\u001b[2Jb\u007fc\u009b31md\u202ee\u2066f\u2028"));
        assert!(out.contains(r#""\u202ekey": {}"#));
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn layout_is_serde_jsons_pretty_layout() {
        let value = json!({"schema": "x/1", "a": [1, {"b": "日本語"}], "e": [], "o": {}});
        assert_eq!(
            to_string_pretty(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
