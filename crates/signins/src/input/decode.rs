//! Character encodings of exports: UTF-8 with or without BOM, and UTF-16
//! (little or big endian, with a BOM, or without one when the NUL pattern of
//! ASCII text gives it away: PowerShell 5's `Out-File` writes UTF-16LE).
//! UTF-16 is transcoded to UTF-8 while streaming, block by block.

use encoding_rs::{Decoder, Encoding, UTF_16BE, UTF_16LE};
use std::io::{self, BufRead, BufReader, Read};

pub const BLOCK: usize = 256 << 10;

/// What a stream begins with, and how it is turned into UTF-8.
pub struct Decoded<'s> {
    pub reader: Box<dyn BufRead + 's>,
    pub encoding: &'static str,
}

/// Wraps `inner` so that it yields UTF-8 without BOM.
pub fn utf8_reader<'s>(inner: Box<dyn Read + 's>) -> io::Result<Decoded<'s>> {
    let mut r = BufReader::with_capacity(BLOCK, inner);
    let head = fill_at_least(&mut r, 4)?;
    let (encoding, skip): (Option<&'static Encoding>, usize) = match head.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => (None, 3),
        [0xFF, 0xFE, ..] => (Some(UTF_16LE), 2),
        [0xFE, 0xFF, ..] => (Some(UTF_16BE), 2),
        // `{"` / `[{` / `Da` … as UTF-16 without BOM: every other byte is NUL.
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => {
            (Some(UTF_16LE), 0)
        }
        [0, a, 0, b, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => {
            (Some(UTF_16BE), 0)
        }
        _ => (None, 0),
    };
    r.consume(skip);
    Ok(match encoding {
        None => Decoded {
            reader: Box::new(r),
            encoding: if skip == 3 { "UTF-8 (BOM)" } else { "UTF-8" },
        },
        Some(enc) => Decoded {
            reader: Box::new(BufReader::with_capacity(
                BLOCK,
                Transcoder {
                    inner: r,
                    decoder: enc.new_decoder_without_bom_handling(),
                    out: Vec::with_capacity(BLOCK * 3 / 2 + 16),
                    pos: 0,
                    done: false,
                },
            )),
            encoding: enc.name(),
        },
    })
}

/// The first `n` bytes (fewer at the end of the stream), without consuming them.
fn fill_at_least<R: Read>(r: &mut BufReader<R>, n: usize) -> io::Result<Vec<u8>> {
    // BufReader only refills an empty buffer; a short first read is rare
    // (pipes) and then the sniffing works on what arrived.
    let buf = loop {
        match r.fill_buf() {
            Ok(b) => break b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    Ok(buf[..buf.len().min(n)].to_vec())
}

struct Transcoder<R> {
    inner: R,
    decoder: Decoder,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: BufRead> Read for Transcoder<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.out.clear();
            self.pos = 0;
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let cap = self
                .decoder
                .max_utf8_buffer_length(src.len())
                .unwrap_or(BLOCK * 4);
            self.out.resize(cap, 0);
            let (_, read, written, _) = self.decoder.decode_to_utf8(src, &mut self.out, last);
            self.inner.consume(read);
            self.out.truncate(written);
            if last {
                self.done = true;
            }
        }
        let n = dst.len().min(self.out.len() - self.pos);
        dst[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: Vec<u8>) -> (String, &'static str) {
        let d = utf8_reader(Box::new(io::Cursor::new(bytes))).unwrap();
        let mut s = String::new();
        let mut r = d.reader;
        r.read_to_string(&mut s).unwrap();
        (s, d.encoding)
    }

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut v = Vec::new();
        if bom {
            v.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    }

    #[test]
    fn encodings() {
        let text = "[{\"userDisplayName\":\"山田 太郎\"}]\r\n";
        assert_eq!(decode(text.as_bytes().to_vec()), (text.into(), "UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(bom), (text.into(), "UTF-8 (BOM)"));
        assert_eq!(decode(utf16(text, true, true)), (text.into(), "UTF-16LE"));
        assert_eq!(decode(utf16(text, false, true)), (text.into(), "UTF-16BE"));
        assert_eq!(decode(utf16(text, true, false)), (text.into(), "UTF-16LE"));
        assert_eq!(decode(Vec::new()), (String::new(), "UTF-8"));
    }

    #[test]
    fn long_utf16_streams_across_blocks() {
        let text: String = (0..60_000)
            .map(|i| format!("{{\"n\":{i},\"s\":\"日本\"}}\n"))
            .collect();
        let (s, enc) = decode(utf16(&text, true, true));
        assert_eq!(enc, "UTF-16LE");
        assert_eq!(s, text);
    }
}
