//! Text whose encoding changes part-way. PowerShell 5's `>>` appends
//! UTF-16LE to whatever the file held before, so a UTF-8 log can go on in
//! UTF-16LE (with or without a byte order mark) and back again. Read with
//! one encoding, one part would be lost: NUL bytes made the whole file look
//! binary, and UTF-16 read as UTF-8 splits every word with NULs.
//!
//! [`TextDecoder`] follows the switches as it goes, in one pass, with a
//! bounded look-ahead, and gives the same text however its input is cut into
//! pieces (a whole file at once, or a stream in blocks):
//!
//! - From an 8-bit encoding (UTF-8, Shift_JIS) to UTF-16LE at a NUL byte,
//!   when the code units from just before it read as UTF-16 text (mostly
//!   ASCII characters with a zero high byte, never a zero unit). The
//!   UTF-16 part starts at the beginning of that line when the distance is
//!   even (the appended part starts on a new line), with its byte order mark
//!   if one is there. A NUL that does not start UTF-16 text is kept as a
//!   character: a few stray bytes do not lose a file.
//! - From UTF-16LE back to the 8-bit encoding after a UTF-16 line end, when
//!   the next line has no NUL, is valid UTF-8 without control characters and
//!   its own line end is not followed by a zero byte (in UTF-16 it would be).
//!
//! UTF-16BE, and any encoding the user forces, is read as it is.

use encoding_rs::{Decoder, Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

/// Bytes before a NUL searched for the start of its line.
const LOOK_BACK: usize = 256;
/// Code units from the one before a NUL that must read as UTF-16 text.
const VERIFY_UNITS: usize = 16;
/// Bytes of the next line looked at before going back to 8 bits.
const LOOK_LINE: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Eight,
    Utf16le,
    /// One encoding for the whole input (UTF-16BE).
    Fixed,
}

/// Decodes bytes whose encoding may switch between an 8-bit encoding and
/// UTF-16LE (see the module documentation).
pub struct TextDecoder {
    eight: &'static Encoding,
    mode: Mode,
    decoder: Decoder,
    /// Bytes received but not decoded yet (streaming only).
    pending: Vec<u8>,
    /// Absolute offset of `pending[0]`.
    base: u64,
    /// Absolute offset before which no UTF-16 part may start: the start of
    /// the current part, or just after a NUL already kept as a character.
    floor: u64,
    /// Absolute offset just after the last line feed of the current 8-bit part.
    line_start: Option<u64>,
    /// The encodings met, in order.
    seen: Vec<&'static Encoding>,
    /// In UTF-16: just after a line end whose next line was not looked at yet.
    after_unit_line_end: bool,
}

impl TextDecoder {
    /// A decoder for text detected as `first` (UTF-8, Shift_JIS or another
    /// 8-bit encoding, UTF-16LE, or UTF-16BE which never switches).
    pub fn new(first: &'static Encoding) -> TextDecoder {
        let (mode, eight) = if first == UTF_16LE {
            (Mode::Utf16le, UTF_8)
        } else if first == UTF_16BE {
            (Mode::Fixed, UTF_8)
        } else {
            (Mode::Eight, first)
        };
        TextDecoder {
            eight,
            mode,
            decoder: first.new_decoder_with_bom_removal(),
            pending: Vec::new(),
            base: 0,
            floor: 0,
            line_start: None,
            seen: vec![first],
            after_unit_line_end: false,
        }
    }

    /// Decodes the next piece of a stream into `out`; `last` for the final
    /// piece. Bytes whose reading depends on what follows are held back
    /// (a few hundred at most, past the piece's own incomplete line).
    pub fn decode(&mut self, input: &[u8], out: &mut String, last: bool) {
        if self.pending.is_empty() {
            let used = self.step(input, out, last);
            self.pending.extend_from_slice(&input[used..]);
            self.base += used as u64;
        } else {
            let mut pending = std::mem::take(&mut self.pending);
            pending.extend_from_slice(input);
            let used = self.step(&pending, out, last);
            pending.drain(..used);
            self.base += used as u64;
            self.pending = pending;
        }
    }

    /// Decodes a whole input at once.
    pub fn decode_all(mut self, bytes: &[u8]) -> (String, &'static str) {
        let mut out = String::with_capacity(bytes.len());
        self.decode(bytes, &mut out, true);
        (out, self.name())
    }

    /// The encoding's name (`"UTF-8"`), or the encodings in the order met
    /// when it changed (`"UTF-8, then UTF-16LE"`).
    pub fn name(&self) -> &'static str {
        match self.seen.as_slice() {
            [one] => one.name(),
            [a, b] => match (a.name(), b.name()) {
                ("UTF-8", "UTF-16LE") => "UTF-8, then UTF-16LE",
                ("Shift_JIS", "UTF-16LE") => "Shift_JIS, then UTF-16LE",
                ("UTF-16LE", "UTF-8") => "UTF-16LE, then UTF-8",
                ("UTF-16LE", "Shift_JIS") => "UTF-16LE, then Shift_JIS",
                _ => "mixed",
            },
            _ => "mixed",
        }
    }

    /// Whether the encoding changed somewhere in the input so far.
    pub fn switched(&self) -> bool {
        self.seen.len() > 1
    }

    fn emit(&mut self, bytes: &[u8], out: &mut String, last: bool) {
        if bytes.is_empty() && !last {
            return;
        }
        let need = self
            .decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3);
        out.reserve(need);
        let _ = self.decoder.decode_to_string(bytes, out, last);
    }

    fn switch(&mut self, to: Mode, out: &mut String) {
        self.emit(&[], out, true);
        let encoding = match to {
            Mode::Utf16le => UTF_16LE,
            _ => self.eight,
        };
        self.decoder = encoding.new_decoder_with_bom_removal();
        self.mode = to;
        if self.seen.last() != Some(&encoding) {
            self.seen.push(encoding);
        }
    }

    /// Decodes what can be decided of `buf` (whose first byte is at
    /// `self.base`); returns how many bytes were used.
    fn step(&mut self, buf: &[u8], out: &mut String, last: bool) -> usize {
        let mut at = 0usize;
        loop {
            match self.mode {
                Mode::Fixed => {
                    self.emit(&buf[at..], out, last);
                    return buf.len();
                }
                Mode::Eight => match buf[at..].iter().position(|&b| b == 0) {
                    None => {
                        let keep = if last { 0 } else { self.hold_back(buf, at) };
                        let end = buf.len() - keep;
                        self.note_lines(&buf[at..end], at);
                        self.emit(&buf[at..end], out, last);
                        return end;
                    }
                    Some(i) => {
                        let p = at + i;
                        if !last && buf.len() < p + 1 + 2 * VERIFY_UNITS {
                            return at; // wait for the units after the NUL
                        }
                        self.note_lines(&buf[at..p], at);
                        match self.utf16_start(buf, p) {
                            Some(s) => {
                                self.emit(&buf[at..s], out, false);
                                self.switch(Mode::Utf16le, out);
                                self.after_unit_line_end = false;
                                at = s;
                            }
                            None => {
                                self.emit(&buf[at..=p], out, false);
                                at = p + 1;
                                self.floor = self.base + at as u64;
                            }
                        }
                    }
                },
                Mode::Utf16le => {
                    if self.after_unit_line_end {
                        match eight_bit_line_at(&buf[at..], last) {
                            None => return at, // wait for the rest of the line
                            Some(true) => {
                                self.switch(Mode::Eight, out);
                                self.floor = self.base + at as u64;
                                self.line_start = None;
                                self.after_unit_line_end = false;
                                continue;
                            }
                            Some(false) => self.after_unit_line_end = false,
                        }
                    }
                    match unit_line_end(&buf[at..]) {
                        None => {
                            // Whole code units only, so that `at` stays on one.
                            let n = if last {
                                buf.len()
                            } else {
                                at + ((buf.len() - at) & !1)
                            };
                            self.emit(&buf[at..n], out, last);
                            return n;
                        }
                        Some(end) => {
                            self.emit(&buf[at..at + end], out, false);
                            at += end;
                            self.after_unit_line_end = true;
                        }
                    }
                }
            }
        }
    }

    /// Remembers where the last line of `bytes` (at `at` in the buffer) starts.
    fn note_lines(&mut self, bytes: &[u8], at: usize) {
        if let Some(i) = bytes.iter().rposition(|&b| b == b'\n') {
            self.line_start = Some(self.base + (at + i + 1) as u64);
        }
    }

    /// Bytes at the end of `buf[at..]` (which holds no NUL) kept for a NUL
    /// that may follow: those of its last line back to [`LOOK_BACK`], or
    /// the three a byte order mark and one code unit need.
    fn hold_back(&self, buf: &[u8], at: usize) -> usize {
        let rest = buf.len() - at;
        let end = self.base + buf.len() as u64;
        let start = match buf[at..].iter().rposition(|&b| b == b'\n') {
            Some(i) => self.base + (at + i + 1) as u64,
            None => self.line_start.unwrap_or(self.floor),
        };
        let since = (end - start.max(self.floor)) as usize;
        // Never fewer than three: the byte before a NUL is the first code
        // unit's, even when it is this line's line feed.
        let keep = if since <= LOOK_BACK + 1 {
            since.max(3)
        } else {
            3
        };
        keep.min(rest)
    }

    /// Where a UTF-16LE part starts, when the NUL at `p` begins one.
    fn utf16_start(&self, buf: &[u8], p: usize) -> Option<usize> {
        let p_abs = self.base + p as u64;
        if p == 0 || p_abs <= self.floor {
            return None; // no code unit before the NUL in this part
        }
        let lo = p - 1;
        let (mut units, mut text) = (0, 0);
        for pair in buf[lo..].chunks_exact(2).take(VERIFY_UNITS) {
            match (pair[0], pair[1]) {
                (0, 0) => return None,
                (b'\t' | b'\n' | b'\r' | 0x20..=0x7E, 0) => text += 1,
                _ => {}
            }
            units += 1;
        }
        if units == 0 || text * 10 < units * 6 {
            return None;
        }
        // The start of the NUL's line, when it is near and the distance even.
        let lo_abs = p_abs - 1;
        let line = self.line_start.unwrap_or(self.floor).max(self.floor);
        if let Some(distance) = lo_abs.checked_sub(line) {
            if distance <= LOOK_BACK as u64 && distance.is_multiple_of(2) {
                return Some((line - self.base) as usize);
            }
        }
        // A byte order mark just before the first unit.
        if lo >= 2 && lo_abs >= self.floor + 2 && buf[lo - 2..lo] == [0xFF, 0xFE] {
            return Some(lo - 2);
        }
        Some(lo)
    }
}

/// The offset just after the first UTF-16LE line feed unit (`0A 00` at an
/// even offset) of `units`.
fn unit_line_end(units: &[u8]) -> Option<usize> {
    units
        .chunks_exact(2)
        .position(|u| u == [b'\n', 0])
        .map(|i| 2 * i + 2)
}

/// Whether `rest` (just after a UTF-16 line end) starts a line of 8-bit
/// text; `None` when more bytes are needed to tell.
fn eight_bit_line_at(rest: &[u8], last: bool) -> Option<bool> {
    let window = &rest[..rest.len().min(LOOK_LINE)];
    let (line, next) = match window.iter().position(|&b| b == b'\n') {
        Some(i) => (&window[..i], rest.get(i + 1).copied()),
        None if window.len() == LOOK_LINE || last => (window, None),
        None => return None,
    };
    if line.is_empty() || line.contains(&0) {
        return Some(false);
    }
    // Its line end must be a byte of its own, not half of a UTF-16 unit.
    let ends_own_line = line.len() < window.len() || window.len() == LOOK_LINE || last;
    if !ends_own_line {
        return None;
    }
    if line.len() < window.len() && next.is_none() && !last {
        return None; // the byte after its line feed has not arrived
    }
    if next == Some(0) {
        return Some(false);
    }
    let text = match std::str::from_utf8(line) {
        Ok(text) => text,
        // Cut inside a character at the look-ahead's end.
        Err(e) if e.error_len().is_none() && line.len() == LOOK_LINE => {
            std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return Some(false),
    };
    Some(
        !text.is_empty()
            && text
                .chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\r')),
    )
}

/// The 8-bit encoding of a text part without NULs, as [`crate::detect`] reads it.
pub(crate) fn eight_bit(sample: &[u8]) -> &'static Encoding {
    if crate::bytes::valid_utf8_prefix(sample) {
        return UTF_8;
    }
    let (_, _, had_errors) = SHIFT_JIS.decode(sample);
    if had_errors {
        UTF_8
    } else {
        SHIFT_JIS
    }
}

/// Where the UTF-16LE part of a sample that holds a NUL starts, when that
/// NUL begins one (see [`TextDecoder`]); `None` for binary content.
pub(crate) fn utf16_part_start(sample: &[u8]) -> Option<usize> {
    let p = sample.iter().position(|&b| b == 0)?;
    let mut probe = TextDecoder::new(UTF_8);
    probe.note_lines(&sample[..p], 0);
    probe.utf16_start(sample, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// The text of `bytes` decoded at once, and in pieces of every size
    /// from 1 to 40 bytes (all must agree).
    fn decoded(bytes: &[u8], first: &'static Encoding) -> (String, &'static str) {
        let (whole, name) = TextDecoder::new(first).decode_all(bytes);
        for step in 1..=40 {
            let mut d = TextDecoder::new(first);
            let mut out = String::new();
            for piece in bytes.chunks(step) {
                d.decode(piece, &mut out, false);
            }
            d.decode(&[], &mut out, true);
            assert_eq!(out, whole, "pieces of {step} bytes");
            assert_eq!(d.name(), name);
        }
        (whole, name)
    }

    #[test]
    fn utf8_then_utf16le_with_and_without_bom() {
        for bom in [&[][..], &[0xFF, 0xFE][..]] {
            let mut bytes = b"2026-11-20 Error 0x8004011d\r\n".to_vec();
            bytes.extend(bom);
            bytes.extend(utf16le("Status code: caa70004\r\nエラー 1001\r\n"));
            let (text, name) = decoded(&bytes, UTF_8);
            assert_eq!(
                text,
                "2026-11-20 Error 0x8004011d\r\nStatus code: caa70004\r\nエラー 1001\r\n"
            );
            assert_eq!(name, "UTF-8, then UTF-16LE");
        }
    }

    #[test]
    fn the_utf16_part_may_start_with_japanese() {
        let mut bytes = "ログ開始\n".as_bytes().to_vec();
        bytes.extend(utf16le("エラー: 0x80048823\n"));
        assert_eq!(decoded(&bytes, UTF_8).0, "ログ開始\nエラー: 0x80048823\n");
    }

    #[test]
    fn utf16le_then_utf8_and_back() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(utf16le("AzureAdJoined : YES\r\nエラー\r\n"));
        bytes.extend(b"appended by PowerShell 7: 0xCAA20003\n");
        bytes.extend(utf16le("and PowerShell 5 again\r\n"));
        let (text, name) = decoded(&bytes, UTF_16LE);
        assert_eq!(
            text,
            "AzureAdJoined : YES\r\nエラー\r\nappended by PowerShell 7: 0xCAA20003\nand PowerShell 5 again\r\n"
        );
        assert_eq!(name, "mixed");
    }

    #[test]
    fn plain_texts_are_read_as_before() {
        let text = "Error 0x8004011d\nエラー\n";
        assert_eq!(decoded(text.as_bytes(), UTF_8), (text.into(), "UTF-8"));
        // UTF-16 lines that hold no NUL (Japanese only) stay UTF-16.
        let bytes = utf16le("エラーが発生しました\nサインイン\n");
        assert_eq!(
            decoded(&bytes, UTF_16LE),
            ("エラーが発生しました\nサインイン\n".into(), "UTF-16LE")
        );
        // Found by the fuzzer: the unit before the NUL is the line feed.
        decoded(b"ZEZEvror 0x8\t004011d\n\0A\0D\0\0", UTF_8);
        // A stray NUL in a UTF-8 log is a character, not the end of the log.
        let (text, name) = decoded(b"abc\0def 0x80070005\n", UTF_8);
        assert_eq!(text, "abc\0def 0x80070005\n");
        assert_eq!(name, "UTF-8");
    }
}
