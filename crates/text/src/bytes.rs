//! Bytes to text: every encoding Windows tools write. UTF-8 with or without
//! BOM, UTF-16LE/BE (PowerShell 5 `>` writes UTF-16LE with a BOM), and
//! Shift_JIS/CP932 (Japanese console output); binary files are recognised and
//! skipped rather than decoded into noise.

pub use encoding_rs::Encoding;
use encoding_rs::{SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

/// The outcome of looking at a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    Text {
        text: String,
        /// The encoding's name: `"UTF-8"`, `"UTF-16LE"`, `"UTF-16BE"`, `"Shift_JIS"`, …
        encoding: &'static str,
    },
    Binary,
}

/// Looks up an encoding by a user's label (`utf-8`, `utf-16le`, `shift_jis`, `cp932`, …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().to_ascii_lowercase();
    match label.as_str() {
        "cp932" | "ms932" | "windows-31j" | "sjis" | "shift-jis" => Some(SHIFT_JIS),
        "utf16" | "utf-16" => Some(UTF_16LE),
        _ => Encoding::for_label(label.as_bytes()),
    }
}

/// Decodes bytes, detecting the encoding unless one is forced.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Decoded {
    let encoding = match forced {
        Some(e) => e,
        None => match detect(bytes) {
            Some(e) => e,
            None => return Decoded::Binary,
        },
    };
    let (text, _, _) = encoding.decode(bytes);
    Decoded::Text {
        text: text.into_owned(),
        encoding: encoding.name(),
    }
}

/// The text of bytes that should be text (a tool's output, a capture):
/// decoded as [`decode`] detects, and read as UTF-8 with replacement
/// characters when they look binary. Never fails.
pub fn decode_lossy(bytes: &[u8]) -> String {
    match decode(bytes, None) {
        Decoded::Text { text, .. } => text,
        Decoded::Binary => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Detects the encoding of a text file, or `None` for binary content.
pub fn detect(bytes: &[u8]) -> Option<&'static Encoding> {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return Some(encoding);
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if let Some(e) = utf16_without_bom(sample) {
        return Some(e);
    }
    if sample.contains(&0) {
        return None;
    }
    if looks_binary(sample) {
        return None;
    }
    if valid_utf8_prefix(sample) {
        return Some(UTF_8);
    }
    let (_, _, had_errors) = SHIFT_JIS.decode(sample);
    if !had_errors {
        return Some(SHIFT_JIS);
    }
    // Mostly text with a few stray bytes: UTF-8 with replacement characters.
    Some(UTF_8)
}

/// UTF-16 text of mostly ASCII has a NUL in every other byte.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample
        .chunks_exact(2)
        .filter(|p| p[0] == 0 && p[1] != 0)
        .count();
    let odd = sample
        .chunks_exact(2)
        .filter(|p| p[1] == 0 && p[0] != 0)
        .count();
    if odd * 10 >= pairs * 6 {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 6 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Control characters other than whitespace are rare in text.
fn looks_binary(sample: &[u8]) -> bool {
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    control * 100 > sample.len().max(1) * 2
}

/// Valid UTF-8, allowing the sample to end in the middle of a character.
fn valid_utf8_prefix(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && sample.len() - e.valid_up_to() < 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> (String, &'static str) {
        match decode(bytes, None) {
            Decoded::Text { text, encoding } => (text, encoding),
            Decoded::Binary => panic!("binary"),
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            text(b"Error 0x8004011d"),
            ("Error 0x8004011d".into(), "UTF-8")
        );
        assert_eq!(
            text("\u{FEFF}エラー CAA50021".as_bytes()).0,
            "エラー CAA50021"
        );
    }

    #[test]
    fn utf16le_from_powershell() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "AzureAdJoined : YES\r\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(text(&bytes), ("AzureAdJoined : YES\r\n".into(), "UTF-16LE"));
        // Without the BOM too.
        assert_eq!(text(&bytes[2..]).1, "UTF-16LE");
    }

    #[test]
    fn utf16be() {
        let bytes: Vec<u8> = "Error 1001"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(text(&bytes), ("Error 1001".into(), "UTF-16BE"));
    }

    #[test]
    fn shift_jis_console_output() {
        let (bytes, _, _) =
            SHIFT_JIS.encode("エラー コード: 0x80048823 アカウントがロックされています");
        let (t, enc) = text(&bytes);
        assert_eq!(enc, "Shift_JIS");
        assert!(t.contains("アカウントがロックされています"));
    }

    #[test]
    fn binary_is_skipped() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
            1, 2, 3, 0,
        ];
        assert_eq!(decode(&png, None), Decoded::Binary);
        assert!(encoding_for_label("cp932").is_some());
        assert!(encoding_for_label("utf-16le").is_some());
        assert!(encoding_for_label("klingon").is_none());
    }
}
