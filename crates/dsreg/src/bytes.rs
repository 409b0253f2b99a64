//! Turning a file's bytes into text: UTF-8 (with or without BOM) and UTF-16
//! (little or big endian, with a BOM or recognised by its NUL bytes, which is
//! what `dsregcmd /status > file.txt` writes from PowerShell 5).

/// The encoding [`decode`] recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8 and not UTF-16: decoded lossily, every invalid byte
    /// becoming U+FFFD. A CP932 (Shift_JIS) capture lands here: its field
    /// names are ASCII and still parse, but Japanese values are lost, so a
    /// caller that knows the code page should decode it first and call
    /// [`crate::parse()`].
    Lossy,
}

/// Decodes bytes to text. Never fails; see [`Encoding::Lossy`].
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (utf16(rest, false), Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (utf16(rest, true), Encoding::Utf16Be);
    }
    match nul_pattern(bytes) {
        Some(false) => (utf16(bytes, false), Encoding::Utf16Le),
        Some(true) => (utf16(bytes, true), Encoding::Utf16Be),
        None => utf8(bytes),
    }
}

fn utf8(bytes: &[u8]) -> (String, Encoding) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), Encoding::Lossy),
    }
}

/// UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte.
/// `Some(false)` for little endian (NULs at odd offsets), `Some(true)` for
/// big endian.
fn nul_pattern(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let mut even = 0usize;
    let mut odd = 0usize;
    for (i, b) in sample.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    if odd * 10 >= pairs * 4 && even * 10 <= pairs {
        Some(false)
    } else if even * 10 >= pairs * 4 && odd * 10 <= pairs {
        Some(true)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|c| {
        let pair = [c[0], c[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
    }

    #[test]
    fn encodings() {
        let text = "AzureAdJoined : YES\r\n";
        assert_eq!(decode(text.as_bytes()), (text.to_string(), Encoding::Utf8));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).0, text);
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend(le(text));
        assert_eq!(decode(&with_bom), (text.to_string(), Encoding::Utf16Le));
        assert_eq!(decode(&le(text)), (text.to_string(), Encoding::Utf16Le));
        assert_eq!(decode(&be(text)), (text.to_string(), Encoding::Utf16Be));
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend(be(text));
        assert_eq!(decode(&be_bom), (text.to_string(), Encoding::Utf16Be));
    }

    #[test]
    fn odd_lengths_and_garbage_do_not_panic() {
        assert_eq!(decode(&[]).1, Encoding::Utf8);
        assert_eq!(decode(&[0xFF, 0xFE, 0x41]).0, "");
        let (s, e) = decode(&[0x82, 0xA0, 0x41, 0x3A, 0x20]);
        assert_eq!(e, Encoding::Lossy);
        assert!(s.ends_with("A: "));
        // Unpaired surrogate.
        assert_eq!(decode(&[0xFF, 0xFE, 0x00, 0xD8]).0, "\u{FFFD}");
    }
}
