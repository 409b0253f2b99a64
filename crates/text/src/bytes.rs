//! Bytes to text: every encoding Windows tools write. UTF-8 with or without
//! BOM, UTF-16LE/BE (PowerShell 5 `>` writes UTF-16LE with a BOM), and
//! Shift_JIS/CP932 (Japanese console output); binary files are recognised and
//! skipped rather than decoded into noise.

use crate::mixed::TextDecoder;
pub use encoding_rs::Encoding;
use encoding_rs::{SHIFT_JIS, UTF_16BE, UTF_16LE};

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

/// Decodes bytes, detecting the encoding unless one is forced. A file whose
/// encoding changes part-way (UTF-8 then UTF-16LE, as PowerShell 5's `>>`
/// makes) is read in all its parts (see [`TextDecoder`]); its `encoding`
/// names them in order (`"UTF-8, then UTF-16LE"`).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Decoded {
    let encoding = match forced {
        Some(e) => e,
        None => match detect(bytes) {
            Some(e) => e,
            None => return Decoded::Binary,
        },
    };
    // Most files: one encoding, no NUL; decoded in place.
    let may_switch =
        forced.is_none() && encoding != UTF_16BE && (encoding == UTF_16LE || bytes.contains(&0));
    if may_switch {
        let (text, encoding) = TextDecoder::new(encoding).decode_all(bytes);
        return Decoded::Text { text, encoding };
    }
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

/// Detects the encoding of a text file (of its first part, when it
/// changes part-way), or `None` for binary content. Looks at the first
/// 64 KiB only.
pub fn detect(bytes: &[u8]) -> Option<&'static Encoding> {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return Some(encoding);
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // A NUL is binary, unless UTF-16 text starts there: at the start, or
    // after a part in another encoding (PowerShell 5's `>>`).
    let text = if sample.contains(&0) {
        match crate::mixed::utf16_part_start(sample) {
            Some(0) => return Some(UTF_16LE),
            Some(start) => &sample[..start],
            None => return utf16_without_bom(sample),
        }
    } else {
        sample
    };
    if looks_binary(text) {
        return None;
    }
    // Mostly text with a few stray bytes: UTF-8 with replacement characters.
    Some(crate::mixed::eight_bit(text))
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
pub(crate) fn valid_utf8_prefix(sample: &[u8]) -> bool {
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
    fn a_utf8_log_with_utf16_appended_is_read_in_both_parts() {
        // What `Get-Content a.log >> b.log` in PowerShell 5 makes of a UTF-8 log.
        let mut bytes = Vec::new();
        for i in 0..20 {
            bytes.extend(format!("09:00:{i:02} Error 0x8004011d\n").as_bytes());
        }
        for bom in [&[][..], &[0xFF, 0xFE]] {
            let mut mixed = bytes.clone();
            mixed.extend(bom);
            for u in "AADSTS50126 エラー\r\n".encode_utf16() {
                mixed.extend(u.to_le_bytes());
            }
            let (t, enc) = text(&mixed);
            assert_eq!(t.matches("0x8004011d").count(), 20);
            assert!(t.ends_with("\nAADSTS50126 エラー\r\n"), "{t:?}");
            assert_eq!(enc, "UTF-8, then UTF-16LE");
            assert_eq!(detect(&mixed), Some(encoding_rs::UTF_8));
        }
        // A short UTF-8 part: more of the sample is UTF-16 than not.
        let mut short = b"Error 0x8004011d\r\n".to_vec();
        short.extend(
            "Status code: caa70004\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(
            text(&short),
            (
                "Error 0x8004011d\r\nStatus code: caa70004\r\n".into(),
                "UTF-8, then UTF-16LE"
            )
        );
        // A NUL that starts no UTF-16 text still makes a file binary.
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";
        assert_eq!(decode(elf, None), Decoded::Binary);
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
