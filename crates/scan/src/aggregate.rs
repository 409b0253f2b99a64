//! `scan`: counts every code in large log sets, streaming, with bounded
//! memory whatever the file size. Each code is decoded once; per code the
//! count and the first and last place (file, line, the line's own time stamp)
//! are kept.

use crate::extract::{hits, pieces, Hit};
use crate::prefilter::candidate_lines;
use encoding_rs::Encoding;
use m365doctor_codes::grammar;
use m365doctor_codes::interpret::{decode as decode_token, Interpretation};
use m365doctor_text as decode;
use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub file: String,
    pub line: u64,
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CodeStats {
    pub interpretation: Interpretation,
    pub count: u64,
    pub first: Seen,
    pub last: Seen,
}

/// Counts per normalized code, plus totals.
#[derive(Debug, Default)]
pub struct Aggregate {
    pub codes: HashMap<String, CodeStats>,
    pub files: u64,
    pub bytes: u64,
    pub lines: u64,
    /// Token text → normalized key, so each spelling is decoded once.
    cache: HashMap<String, Option<String>>,
}

/// A time stamp at the start of a log line (`2026-11-20T09:12:33`,
/// `2026-11-20 09:12:33.123`, `2026/11/20 9:12:33`).
fn line_timestamp(line: &str) -> Option<&str> {
    let head = line.trim_start_matches(['[', ' ', '"']);
    let b = head.as_bytes();
    if b.len() < 16 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'-' | b'/') {
        return None;
    }
    let end = head
        .char_indices()
        .take(32)
        .take_while(|(_, c)| {
            c.is_ascii_digit() || matches!(c, '-' | '/' | ':' | '.' | 'T' | 'Z' | ' ' | '+')
        })
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let ts = head[..end].trim_end();
    ts.contains(':').then_some(ts)
}

impl Aggregate {
    /// Adds one line. `file` is shared by all lines of a file.
    pub fn add_line(&mut self, file: &str, number: u64, line: &str) {
        self.lines += 1;
        self.add_codes_of_line(file, number, line);
    }

    /// Adds the lines of `text` (complete lines, except that the last one may
    /// be the piece of a longer line when `partial_tail` is set), the first of
    /// which has number `first`. Returns the number of lines completed. Only
    /// the lines that the prefilter picks get the word walk.
    pub fn add_text(&mut self, file: &str, first: u64, text: &str, partial_tail: bool) -> u64 {
        let bytes = text.as_bytes();
        let mut counted = 0usize;
        let mut number = first;
        candidate_lines(bytes, |start, end| {
            number += count_newlines(&bytes[counted..start]);
            counted = start;
            self.add_codes_of_line(file, number, text[start..end].trim_end_matches('\r'));
        });
        let mut completed = number - first + count_newlines(&bytes[counted..]);
        if !partial_tail && !bytes.is_empty() && !text.ends_with('\n') {
            completed += 1;
        }
        self.lines += completed;
        completed
    }

    fn add_codes_of_line(&mut self, file: &str, number: u64, line: &str) {
        for piece in pieces(line) {
            // Look-alike characters read as what they stand for, as in `extract`.
            let piece = grammar::fold_lookalikes(piece);
            let mut found: Vec<std::borrow::Cow<'_, str>> = Vec::new();
            hits(&piece, |hit| match hit {
                Hit::Code(word, _) => found.push(word.into()),
                Hit::EntraNumber(word, _) => found.push(format!("AADSTS{word}").into()),
                Hit::Event(_) => {}
            });
            for word in found {
                self.count(&word, file, number, line);
            }
        }
    }

    fn count(&mut self, word: &str, file: &str, number: u64, line: &str) {
        let key = match self.cache.get(word) {
            Some(k) => k.clone(),
            None => {
                let key = grammar::code_token(word).and_then(|token| {
                    let decoded = decode_token(&token, &[]);
                    let best = decoded.interpretations.into_iter().next()?;
                    let key = best.normalized.clone();
                    if !self.codes.contains_key(&key) {
                        let here = Seen {
                            file: file.to_string(),
                            line: number,
                            timestamp: None,
                        };
                        self.codes.insert(
                            key.clone(),
                            CodeStats {
                                interpretation: best,
                                count: 0,
                                first: here.clone(),
                                last: here,
                            },
                        );
                    }
                    Some(key)
                });
                // Bound the cache: distinct spellings of codes are few in practice.
                if self.cache.len() < 100_000 {
                    self.cache.insert(word.to_string(), key.clone());
                }
                key
            }
        };
        let Some(key) = key else { return };
        let ts = line_timestamp(line).map(str::to_string);
        let here = Seen {
            file: file.to_string(),
            line: number,
            timestamp: ts,
        };
        if let Some(stats) = self.codes.get_mut(&key) {
            // Earliest and latest by time stamp (lines of one file need not
            // be in time order), so that threads can merge in any order.
            if stats.count == 0 {
                stats.first = here.clone();
                stats.last = here;
            } else if earlier(&here, &stats.first) {
                stats.first = here;
            } else if earlier(&stats.last, &here) {
                stats.last = here;
            }
            stats.count += 1;
        }
    }

    /// Merges another aggregate (from another thread): counts add up, the
    /// earliest first and latest last are kept by time stamp where both have one.
    pub fn merge(&mut self, other: Aggregate) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.lines += other.lines;
        for (key, theirs) in other.codes {
            if theirs.count == 0 {
                continue;
            }
            match self.codes.get_mut(&key) {
                None => {
                    self.codes.insert(key, theirs);
                }
                Some(ours) if ours.count == 0 => *ours = theirs,
                Some(ours) => {
                    ours.count += theirs.count;
                    if earlier(&theirs.first, &ours.first) {
                        ours.first = theirs.first;
                    }
                    if earlier(&ours.last, &theirs.last) {
                        ours.last = theirs.last;
                    }
                }
            }
        }
    }

    /// Codes by count, most frequent first.
    pub fn sorted(&self) -> Vec<&CodeStats> {
        let mut list: Vec<&CodeStats> = self.codes.values().filter(|s| s.count > 0).collect();
        list.sort_by(|a, b| {
            b.count.cmp(&a.count).then_with(|| {
                a.interpretation
                    .normalized
                    .cmp(&b.interpretation.normalized)
            })
        });
        list
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    // Byte-wide counters over at most 255 bytes let the compiler vectorise this.
    bytes
        .chunks(255)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add((b == b'\n') as u8)) as u64
        })
        .sum()
}

/// Time stamp first, then file and line: a total order where both have a
/// time stamp, so the result does not depend on which thread read what.
fn earlier(a: &Seen, b: &Seen) -> bool {
    match (&a.timestamp, &b.timestamp) {
        (Some(x), Some(y)) => (x, a.file.as_str(), a.line) < (y, b.file.as_str(), b.line),
        _ => (a.file.as_str(), a.line) < (b.file.as_str(), b.line),
    }
}

/// Bytes read at a time; also the longest piece a line is cut into.
const BLOCK: usize = 1 << 20;

/// The next piece of `text` (what is left after the previous piece) to add:
/// its complete lines, or at the end everything; a line longer than a block
/// goes in pieces of at most a block, cut between words where it can be.
/// Returns the piece's length and whether it ends inside a line.
fn next_piece(text: &[u8], last: bool) -> Option<(usize, bool)> {
    if text.is_empty() {
        return None;
    }
    if last {
        return Some((text.len(), false));
    }
    if let Some(i) = memchr::memrchr(b'\n', text) {
        return Some((i + 1, false));
    }
    if text.len() <= BLOCK {
        return None;
    }
    // A character boundary at most three bytes back (bytes that are not
    // UTF-8 are cut anywhere: they become U+FFFD either way).
    let mut c = BLOCK;
    while c > BLOCK - 3 && text[c] & 0xC0 == 0x80 {
        c -= 1;
    }
    if text[c] & 0xC0 == 0x80 {
        c = BLOCK;
    }
    let head = match std::str::from_utf8(&text[..c]) {
        Ok(head) => head,
        Err(e) => std::str::from_utf8(&text[..e.valid_up_to()]).unwrap_or_default(),
    };
    let gap = head
        .char_indices()
        .rev()
        .find(|&(_, ch)| ch.is_whitespace() || ch == ',' || ch == ';');
    Some(match gap {
        Some((i, ch)) if i > BLOCK / 2 => (i + ch.len_utf8(), true),
        _ => (c, true),
    })
}

/// Reads one stream in blocks and adds its lines, never holding more than
/// two blocks. `progress` counts bytes. A text whose encoding changes
/// part-way (UTF-8 then UTF-16LE) is read in every part.
pub fn scan_reader(
    agg: &mut Aggregate,
    file: &str,
    mut reader: impl Read,
    forced: Option<&'static Encoding>,
    progress: &AtomicU64,
) -> io::Result<bool> {
    let mut block = vec![0u8; BLOCK];
    let n = reader.read(&mut block)?;
    let Some(encoding) = forced.or_else(|| decode::detect(&block[..n])) else {
        return Ok(false); // binary
    };
    agg.files += 1;
    let mut number = 0u64;
    // Bytes read (and counted) but not added yet, and how to decode them.
    let (mut decoder, mut carry_bytes) = if encoding == encoding_rs::UTF_8 {
        let strip_bom = forced.is_none();
        match scan_utf8(
            agg,
            file,
            &mut reader,
            block,
            n,
            strip_bom,
            progress,
            &mut number,
        )? {
            None => return Ok(true),
            // A NUL: UTF-16 may start here; the decoder follows the switch.
            Some(rest) => (Decoder::Auto(decode::TextDecoder::new(encoding)), rest),
        }
    } else {
        progress.fetch_add(n as u64, Ordering::Relaxed);
        agg.bytes += n as u64;
        block.truncate(n);
        let decoder = match forced {
            Some(_) => Decoder::Forced(encoding.new_decoder_without_bom_handling()),
            None => Decoder::Auto(decode::TextDecoder::new(encoding)),
        };
        (decoder, block)
    };
    let mut block = vec![0u8; BLOCK];
    let mut carry = String::new();
    loop {
        let n = reader.read(&mut block)?;
        let last = n == 0;
        progress.fetch_add(n as u64, Ordering::Relaxed);
        agg.bytes += n as u64;
        // Decoded straight after the unfinished line of the previous block.
        if !carry_bytes.is_empty() {
            decoder.decode(&carry_bytes, &mut carry, false);
            carry_bytes.clear();
        }
        decoder.decode(&block[..n], &mut carry, last);
        while let Some((cut, partial)) = next_piece(carry.as_bytes(), last) {
            number += agg.add_text(file, number + 1, &carry[..cut], partial);
            carry.drain(..cut);
        }
        if last {
            return Ok(true);
        }
    }
}

/// A forced encoding's decoder, or one that follows a change of encoding.
enum Decoder {
    Forced(encoding_rs::Decoder),
    Auto(decode::TextDecoder),
}

impl Decoder {
    fn decode(&mut self, bytes: &[u8], out: &mut String, last: bool) {
        match self {
            Decoder::Forced(d) => {
                out.reserve(
                    d.max_utf8_buffer_length(bytes.len())
                        .unwrap_or(bytes.len() * 3),
                );
                let _ = d.decode_to_string(bytes, out, last);
            }
            Decoder::Auto(d) => d.decode(bytes, out, last),
        }
    }
}

/// UTF-8 (most logs): the bytes are checked where they lie instead of being
/// copied by a decoder. Pieces that are not valid UTF-8 get U+FFFD, as the
/// decoder would give them. Unless the encoding was forced, a NUL byte ends
/// this: the bytes not added yet are returned, to be decoded by a decoder
/// that follows a change to UTF-16.
#[allow(clippy::too_many_arguments)]
fn scan_utf8(
    agg: &mut Aggregate,
    file: &str,
    mut reader: impl Read,
    mut buf: Vec<u8>,
    n: usize,
    detected: bool,
    progress: &AtomicU64,
    number: &mut u64,
) -> io::Result<Option<Vec<u8>>> {
    let mut filled = n;
    let mut n = n;
    if detected && buf[..filled].starts_with(b"\xEF\xBB\xBF") {
        buf.copy_within(3..filled, 0);
        filled -= 3;
    }
    loop {
        let last = n == 0;
        progress.fetch_add(n as u64, Ordering::Relaxed);
        agg.bytes += n as u64;
        if detected && memchr::memchr(0, &buf[..filled]).is_some() {
            buf.truncate(filled);
            return Ok(Some(buf));
        }
        while let Some((cut, partial)) = next_piece(&buf[..filled], last) {
            let piece = &buf[..cut];
            *number += match simdutf8::basic::from_utf8(piece) {
                Ok(text) => agg.add_text(file, *number + 1, text, partial),
                Err(_) => agg.add_text(file, *number + 1, &String::from_utf8_lossy(piece), partial),
            };
            buf.copy_within(cut..filled, 0);
            filled -= cut;
        }
        if last {
            return Ok(None);
        }
        // What is left holds no line end and is at most a block: the buffer
        // grows to two blocks at most (only when a read needs the room).
        if buf.len() < filled + BLOCK {
            buf.resize(filled + BLOCK, 0);
        }
        n = reader.read(&mut buf[filled..filled + BLOCK])?;
        filled += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &[u8]) -> Aggregate {
        let mut agg = Aggregate::default();
        assert!(scan_reader(&mut agg, "t.log", text, None, &AtomicU64::new(0)).unwrap());
        agg
    }

    #[test]
    fn counts_first_and_last() {
        let agg = scan(b"2026-11-20 09:00:01 start\n2026-11-20 09:00:02 hr=0x80072EE2\n2026-11-20 09:00:03 Status code: caa70004, 0x80072ee2\n");
        let list = agg.sorted();
        assert_eq!(list[0].interpretation.normalized, "0x80072EE2");
        assert_eq!(list[0].count, 2);
        assert_eq!(list[0].first.line, 2);
        assert_eq!(
            list[0].first.timestamp.as_deref(),
            Some("2026-11-20 09:00:02")
        );
        assert_eq!(list[0].last.line, 3);
        assert_eq!(list[1].interpretation.normalized, "0xCAA70004");
        assert_eq!(agg.lines, 3);
    }

    #[test]
    fn first_and_last_go_by_time_stamp_whatever_the_order() {
        let text = b"2026-11-20 09:00:05 hr=0x80072EE2\n2026-11-20 09:00:01 hr=0x80072EE2\n2026-11-20 09:00:09 hr=0x80072EE2\n2026-11-20 09:00:03 hr=0x80072EE2\n";
        let agg = scan(text);
        let s = agg.sorted()[0];
        assert_eq!((s.first.line, s.last.line), (2, 3));
        // Split across two aggregates, merged either way: the same answer.
        let (a, b) = (scan(&text[..68]), scan(&text[68..]));
        let (mut ab, mut ba) = (Aggregate::default(), Aggregate::default());
        ab.merge(scan(&text[..68]));
        ab.merge(b);
        ba.merge(scan(&text[68..]));
        ba.merge(a);
        let (x, y) = (ab.sorted()[0], ba.sorted()[0]);
        assert_eq!((&x.first, &x.last, x.count), (&y.first, &y.last, y.count));
        assert_eq!(x.first.timestamp.as_deref(), Some("2026-11-20 09:00:01"));
    }

    #[test]
    fn utf16_and_long_lines_and_merge() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Error Code: 0x8004011D\r\n".repeat(3).encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let agg = scan(&bytes);
        assert_eq!(agg.sorted()[0].count, 3);
        let long = format!("{}AADSTS50126{}\n", "x ".repeat(1_500_000), " y".repeat(10));
        let mut other = scan(long.as_bytes());
        assert_eq!(other.sorted()[0].count, 1);
        assert_eq!(other.lines, 1, "one line, however long");
        other.merge(agg);
        assert_eq!(other.sorted().len(), 2);
        assert_eq!(other.files, 2);
    }

    /// Hands out a stream a few bytes at a time, as pipes and slow disks do.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn summary(agg: &Aggregate) -> Vec<(String, u64, u64, u64)> {
        agg.sorted()
            .iter()
            .map(|s| {
                (
                    s.interpretation.normalized.clone(),
                    s.count,
                    s.first.line,
                    s.last.line,
                )
            })
            .collect()
    }

    #[test]
    fn utf8_bytes_are_read_in_place_with_the_decoders_answers() {
        let mut text = b"\xEF\xBB\xBFhr=0x80072EE2\r\n".to_vec();
        text.extend(b"\xFF\xFE broken bytes, then 0xCAA20003\n");
        text.extend("エラー コード: 1001\n".as_bytes());
        text.extend(b"cut in the middle of a character \xE3\x80");
        let agg = scan(&text);
        let codes = summary(&agg);
        assert_eq!(agg.lines, 4);
        assert_eq!(
            codes
                .iter()
                .map(|c| (c.0.as_str(), c.2))
                .collect::<Vec<_>>(),
            [("0x80072EE2", 1), ("0xCAA20003", 2), ("1001", 3)]
        );
        // The same stream in small reads gives the same answer.
        for step in [1, 2, 3, 7, 64] {
            let mut agg = Aggregate::default();
            scan_reader(
                &mut agg,
                "t.log",
                Trickle(&text, step),
                None,
                &AtomicU64::new(0),
            )
            .unwrap();
            assert_eq!(summary(&agg), codes, "reads of {step} bytes");
            assert_eq!(agg.lines, 4);
            assert_eq!(agg.bytes, text.len() as u64);
        }
    }

    #[test]
    fn long_lines_are_cut_between_characters() {
        // A wide space just before the cut: the piece ends after all three
        // of its bytes (slicing inside it would panic).
        let mut line = String::from("0x80072EE2 ");
        line.push_str(&"a".repeat(BLOCK - 20));
        line.push('\u{3000}');
        line.push_str(&"日本".repeat(BLOCK / 3));
        line.push_str(" 0xCAA20003\nError code: 0x8004011D\n");
        let agg = scan(line.as_bytes());
        assert_eq!(summary(&agg).len(), 3);
        assert_eq!(agg.lines, 2);
        // Megabytes of bytes that are no UTF-8 at all still end.
        let mut junk = vec![0x80u8; 2 * BLOCK + 5];
        junk.extend(b" 0xCAA20003\n0x80070005");
        let agg = scan(&junk);
        assert_eq!(agg.lines, 2);
        assert_eq!(summary(&agg).len(), 2);
    }

    #[test]
    fn a_utf8_log_with_utf16_appended_is_counted_in_both_parts() {
        // PowerShell 5's `>>` appends UTF-16LE to a UTF-8 log, with or
        // without a byte order mark; before, the file was "binary".
        // Padding pushes the UTF-16 part past the first block (1 MiB), which
        // alone decides the encoding, or keeps it inside.
        for (bom, padding) in [(&[][..], 0), (&[0xFF, 0xFE][..], 0), (&[][..], 1100)] {
            let mut text = Vec::new();
            for _ in 0..padding {
                text.extend("x".repeat(999).as_bytes());
                text.push(b'\n');
            }
            for i in 0..20 {
                text.extend(format!("09:00:{i:02} Error 0x8004011d\n").as_bytes());
            }
            text.extend(bom);
            for u in "Status code: caa70004\r\nエラー 0x8004011D\r\n".encode_utf16() {
                text.extend(u.to_le_bytes());
            }
            let steps: &[usize] = if padding > 0 {
                &[usize::MAX, 65536]
            } else {
                &[usize::MAX, 4096, 7]
            };
            for &step in steps {
                let mut agg = Aggregate::default();
                let read = Trickle(&text, step.min(text.len()));
                assert!(scan_reader(&mut agg, "t.log", read, None, &AtomicU64::new(0)).unwrap());
                let first = padding + 1;
                assert_eq!(
                    summary(&agg),
                    [
                        ("0x8004011D".to_string(), 21, first, first + 21),
                        ("0xCAA70004".to_string(), 1, first + 20, first + 20),
                    ],
                    "reads of {step} bytes"
                );
                assert_eq!(agg.lines, padding + 22);
                assert_eq!(agg.bytes, text.len() as u64);
            }
        }
    }

    #[test]
    fn binary_is_not_scanned() {
        let mut agg = Aggregate::default();
        let png = [0x89u8, b'P', b'N', b'G', 0, 0, 0, 0x0D, 1, 2, 3, 0, 0, 0, 0];
        assert!(!scan_reader(&mut agg, "x.png", &png[..], None, &AtomicU64::new(0)).unwrap());
    }
}
