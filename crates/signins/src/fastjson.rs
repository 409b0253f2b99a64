//! A small JSON reader for sign-in records, the hot path of every analysis.
//!
//! It fills the same [`crate::record`] types as their `serde` implementations
//! and gives the same values for valid JSON (the fuzz target and the tests
//! compare the two), but goes straight from bytes to fields: unwanted values
//! are skipped without building anything, wanted strings are borrowed from
//! the record. Anything it does not accept (invalid JSON, an unusual shape)
//! makes it give up, and the `serde` path decides — so error messages and
//! the treatment of odd input stay `serde_json`'s.

use crate::record::{Code, Flag, FromText, List, Obj, Place, Str, WrapperMark};
use std::borrow::Cow;

/// The fast path gave up; the `serde` path decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bad;

pub type R<T> = Result<T, Bad>;

pub struct Parser<'a> {
    text: &'a str,
    i: usize,
    depth: u32,
}

/// Deeper nesting gives up (`serde_json` refuses beyond 128 levels).
const MAX_DEPTH: u32 = 100;

const HI: u64 = 0x8080_8080_8080_8080;
const LO: u64 = 0x0101_0101_0101_0101;

/// The index of the first `"`, `\` or control character (invalid raw in a
/// JSON string), eight bytes at a time.
fn special(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= b.len() {
        let v = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        let quote = v ^ (LO * u64::from(b'"'));
        let slash = v ^ (LO * u64::from(b'\\'));
        let hit = ((quote.wrapping_sub(LO) & !quote)
            | (slash.wrapping_sub(LO) & !slash)
            | (v.wrapping_sub(LO * 0x20) & !v))
            & HI;
        if hit != 0 {
            // The lowest flagged byte is exact (borrows only flag bytes above
            // a real match).
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|p| i + p)
}

impl<'a> Parser<'a> {
    pub fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            i: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn ws(&mut self) {
        let b = self.bytes();
        while self.i < b.len() && matches!(b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// The next byte after white space.
    pub fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes().get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> R<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Bad)
        }
    }

    /// Only white space may follow the value.
    pub fn end(&mut self) -> R<()> {
        self.ws();
        if self.i == self.bytes().len() {
            Ok(())
        } else {
            Err(Bad)
        }
    }

    /// A string at the cursor, borrowed unless it has escapes.
    pub fn string(&mut self) -> R<Cow<'a, str>> {
        self.eat(b'"')?;
        let b = self.bytes();
        let start = self.i;
        let n = special(&b[start..]).ok_or(Bad)?;
        let at = start + n;
        match b[at] {
            b'"' => {
                self.i = at + 1;
                Ok(Cow::Borrowed(self.text.get(start..at).ok_or(Bad)?))
            }
            b'\\' => {
                let mut out = String::with_capacity(n + 16);
                out.push_str(self.text.get(start..at).ok_or(Bad)?);
                self.i = at;
                self.escaped(&mut out)?;
                Ok(Cow::Owned(out))
            }
            _ => Err(Bad),
        }
    }

    /// The rest of a string with escapes, from a backslash at the cursor.
    fn escaped(&mut self, out: &mut String) -> R<()> {
        let b = self.bytes();
        loop {
            match b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let e = *b.get(self.i + 1).ok_or(Bad)?;
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair: the low half must follow.
                                if b.get(self.i) != Some(&b'\\') || b.get(self.i + 1) != Some(&b'u')
                                {
                                    return Err(Bad);
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(Bad);
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.ok_or(Bad)?);
                        }
                        _ => return Err(Bad),
                    }
                }
                Some(_) => {
                    let start = self.i;
                    let n = special(&b[start..]).ok_or(Bad)?;
                    if b[start + n] < 0x20 {
                        return Err(Bad);
                    }
                    out.push_str(self.text.get(start..start + n).ok_or(Bad)?);
                    self.i = start + n;
                }
                None => return Err(Bad),
            }
        }
    }

    fn hex4(&mut self) -> R<u32> {
        let h = self.bytes().get(self.i..self.i + 4).ok_or(Bad)?;
        let mut v = 0u32;
        for &c in h {
            v = v * 16 + (c as char).to_digit(16).ok_or(Bad)?;
        }
        self.i += 4;
        Ok(v)
    }

    /// Past a string without keeping it.
    fn skip_string(&mut self) -> R<()> {
        self.i += 1;
        let b = self.bytes();
        let n = special(&b[self.i..]).ok_or(Bad)?;
        self.i += n;
        match b[self.i] {
            b'"' => {
                self.i += 1;
                Ok(())
            }
            // Checked like a kept string: a bad escape is bad JSON.
            b'\\' => self.escaped(&mut String::new()),
            _ => Err(Bad),
        }
    }

    /// A number's text, checked against JSON's grammar.
    fn number(&mut self) -> R<&'a str> {
        let b = self.bytes();
        let start = self.i;
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(Bad),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let d = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == d {
                return Err(Bad);
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let d = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == d {
                return Err(Bad);
            }
        }
        self.i = i;
        self.text.get(start..i).ok_or(Bad)
    }

    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.bytes()[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bad)
        }
    }

    /// Past any value.
    pub fn skip(&mut self) -> R<()> {
        match self.peek().ok_or(Bad)? {
            b'"' => self.skip_string(),
            b'{' => self.object(|p, _| p.skip()),
            b'[' => self.array(|p| p.skip()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    /// An object at the cursor: `f` reads each value (and must consume it).
    pub fn object(&mut self, f: impl FnMut(&mut Self, Cow<'a, str>) -> R<()>) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bad);
        }
        let r = self.object_inner(f);
        self.depth -= 1;
        r
    }

    fn object_inner(&mut self, mut f: impl FnMut(&mut Self, Cow<'a, str>) -> R<()>) -> R<()> {
        self.eat(b'{')?;
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(Bad);
            }
            let key = self.string()?;
            self.eat(b':')?;
            f(self, key)?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(Bad),
            }
        }
    }

    /// An array at the cursor: `f` reads each element.
    pub fn array(&mut self, f: impl FnMut(&mut Self) -> R<()>) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bad);
        }
        let r = self.array_inner(f);
        self.depth -= 1;
        r
    }

    fn array_inner(&mut self, mut f: impl FnMut(&mut Self) -> R<()>) -> R<()> {
        self.eat(b'[')?;
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            f(self)?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(Bad),
            }
        }
    }

    pub fn null(&mut self) -> R<()> {
        self.literal(b"null")
    }
}

/// A number as `serde_json` hands it to a visitor.
enum Num {
    U(u64),
    I(i64),
    F(f64),
}

fn num(text: &str) -> R<Num> {
    if !text.contains(['.', 'e', 'E']) {
        if let Some(rest) = text.strip_prefix('-') {
            // serde_json: negative integers that fit are i64, others f64.
            return Ok(match text.parse::<i64>() {
                Ok(v) => Num::I(v),
                Err(_) => Num::F(-rest.parse::<f64>().map_err(|_| Bad)?),
            });
        }
        return Ok(match text.parse::<u64>() {
            Ok(v) => Num::U(v),
            Err(_) => Num::F(text.parse::<f64>().map_err(|_| Bad)?),
        });
    }
    let v = text.parse::<f64>().map_err(|_| Bad)?;
    if v.is_finite() {
        Ok(Num::F(v))
    } else {
        Err(Bad)
    }
}

/// Reading one field's value.
pub trait Fast<'a>: Sized {
    fn fast(p: &mut Parser<'a>) -> R<Self>;
}

/// Records whose fields the fast path fills (implemented by `record!`).
pub trait FastFill<'a>: Default {
    fn fast_fill(&mut self, p: &mut Parser<'a>) -> R<()>;
}

/// How a list element of this type is read, as `record`'s `Lenient` does:
/// objects for records, strings for strings; the rest is dropped.
pub trait Element<'a>: Sized {
    fn from_object(p: &mut Parser<'a>) -> R<Option<Self>>;
    fn from_string(s: Cow<'a, str>) -> Option<Self>;
}

impl<'a> Fast<'a> for Str<'a> {
    fn fast(p: &mut Parser<'a>) -> R<Self> {
        Ok(match p.peek().ok_or(Bad)? {
            b'"' => Str(p.string()?),
            b'{' | b'[' => {
                p.skip()?;
                Str::default()
            }
            b'n' => {
                p.null()?;
                Str::default()
            }
            b't' => {
                p.literal(b"true")?;
                Str(Cow::Borrowed("true"))
            }
            b'f' => {
                p.literal(b"false")?;
                Str(Cow::Borrowed("false"))
            }
            _ => Str(Cow::Owned(match num(p.number()?)? {
                Num::U(v) => v.to_string(),
                Num::I(v) => v.to_string(),
                Num::F(v) => v.to_string(),
            })),
        })
    }
}

impl<'a> Fast<'a> for Code {
    fn fast(p: &mut Parser<'a>) -> R<Self> {
        Ok(match p.peek().ok_or(Bad)? {
            b'"' => Code(crate::record::parse_code(&p.string()?)),
            b'{' | b'[' | b't' | b'f' | b'n' => {
                p.skip()?;
                Code(None)
            }
            _ => Code(match num(p.number()?)? {
                Num::U(v) => u32::try_from(v).ok(),
                Num::I(v) => u32::try_from(v).ok(),
                Num::F(v) => {
                    (v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
                }
            }),
        })
    }
}

impl<'a> Fast<'a> for Flag {
    fn fast(p: &mut Parser<'a>) -> R<Self> {
        Ok(match p.peek().ok_or(Bad)? {
            b'"' => Flag(crate::record::parse_flag(&p.string()?)),
            b't' => {
                p.literal(b"true")?;
                Flag(Some(true))
            }
            b'f' => {
                p.literal(b"false")?;
                Flag(Some(false))
            }
            b'{' | b'[' | b'n' => {
                p.skip()?;
                Flag(None)
            }
            _ => Flag(match num(p.number()?)? {
                Num::U(v) => Some(v != 0),
                Num::I(v) => Some(v != 0),
                Num::F(_) => None,
            }),
        })
    }
}

impl<'a> Fast<'a> for WrapperMark {
    fn fast(p: &mut Parser<'a>) -> R<Self> {
        let array = p.peek() == Some(b'[');
        p.skip()?;
        Ok(WrapperMark(array))
    }
}

impl<'a, T: FastFill<'a> + FromText<'a>> Fast<'a> for Obj<T> {
    fn fast(p: &mut Parser<'a>) -> R<Self> {
        Ok(match p.peek().ok_or(Bad)? {
            b'{' => {
                let mut t = T::default();
                t.fast_fill(p)?;
                Obj(Some(t))
            }
            b'"' => Obj(T::from_text(&p.string()?)),
            _ => {
                p.skip()?;
                Obj(None)
            }
        })
    }
}

impl<'a, T: Element<'a> + FromText<'a>> Fast<'a> for List<T> {
    fn fast(p: &mut Parser<'a>) -> R<Self> {
        Ok(match p.peek().ok_or(Bad)? {
            b'[' => {
                let mut v = Vec::new();
                p.array(|p| {
                    match p.peek().ok_or(Bad)? {
                        b'{' => {
                            if let Some(t) = T::from_object(p)? {
                                v.push(t);
                            }
                        }
                        b'"' => {
                            if let Some(t) = T::from_string(p.string()?) {
                                v.push(t);
                            }
                        }
                        _ => p.skip()?,
                    }
                    Ok(())
                })?;
                List(v)
            }
            b'"' => {
                let text = p.string()?;
                if text.trim_start().starts_with('[') {
                    List(T::list_from_text(&text))
                } else {
                    List(Vec::new())
                }
            }
            _ => {
                p.skip()?;
                List(Vec::new())
            }
        })
    }
}

impl<'a> Element<'a> for Str<'a> {
    fn from_object(p: &mut Parser<'a>) -> R<Option<Self>> {
        p.skip()?;
        Ok(Some(Str::default()))
    }
    fn from_string(s: Cow<'a, str>) -> Option<Self> {
        Some(Str(s))
    }
}

impl<'a> Fast<'a> for Place<'a> {
    fn fast(p: &mut Parser<'a>) -> R<Self> {
        Ok(match p.peek().ok_or(Bad)? {
            b'{' => {
                let mut l = crate::record::Location::default();
                l.fast_fill(p)?;
                Place {
                    details: Some(l),
                    country_code: None,
                }
            }
            b'"' => {
                let s = p.string()?;
                if s.trim_start().starts_with('{') {
                    Place {
                        details: crate::record::Location::from_text(&s),
                        country_code: None,
                    }
                } else {
                    Place {
                        details: None,
                        country_code: Some(Str(s)),
                    }
                }
            }
            _ => {
                p.skip()?;
                Place::default()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_bytes_are_found_anywhere_in_a_block() {
        for n in 0..20 {
            for c in [b'"', b'\\', b'\n', 0u8] {
                let mut v = vec![b'a'; 20];
                v[n] = c;
                assert_eq!(special(&v), Some(n), "{c} at {n}");
            }
        }
        assert_eq!(special(b"plain text without end"), None);
        assert_eq!(special("日本語\"".as_bytes()), Some(9));
    }

    #[test]
    fn strings_and_escapes() {
        let mut p = Parser::new(r#""a\"b\\c\u00e9\ud83d\ude00\n" "plain""#);
        assert_eq!(p.string().unwrap(), "a\"b\\cé😀\n");
        assert!(matches!(p.string().unwrap(), Cow::Borrowed("plain")));
        for bad in [
            r#""\x""#,
            r#""\ud83d""#,
            "\"a\u{1}b\"",
            r#""unterminated"#,
            r#""\u12""#,
        ] {
            assert_eq!(Parser::new(bad).string(), Err(Bad), "{bad}");
        }
    }

    #[test]
    fn skipping_checks_the_grammar() {
        for good in [
            r#"{"a":[1,-2.5e3,true,false,null,"x\"y",{"b":{}}]}"#,
            "[]",
            "0",
            "-0.0",
        ] {
            let mut p = Parser::new(good);
            assert_eq!(p.skip().and_then(|()| p.end()), Ok(()), "{good}");
        }
        let deep = "[".repeat(100_000);
        for bad in [
            "{\"a\" 1}",
            "[1,]",
            "[1 2]",
            "01",
            "1.",
            "-",
            "tru",
            "{\"a\":1,}",
            "[1]]",
            deep.as_str(),
        ] {
            let mut p = Parser::new(bad);
            assert!(p.skip().and_then(|()| p.end()).is_err(), "{bad}");
        }
    }
}
