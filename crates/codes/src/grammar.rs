//! The code grammar: every form in which a sign-in error code reaches a user,
//! alone or with the labels that usually surround it.
//!
//! Forms: `0x8004011d`, `8004011D`, `-2147221219`, `2147746077`, `CAA20002`,
//! `AADSTS50126`, `1001`, `0x3e9`, and pairs `A/B` (phase error / sub-error,
//! or one value printed twice as in `0xcaa82ee2/-894947614`). Labels such as
//! `Error Code:`, `エラーコード:`, `HRESULT`, `Status:`, `FAIL` and brackets are
//! skipped; app names (`Outlook`, `Teams`, …) are kept as context.

use crate::text::Message;

/// How a code was written. The form matters for ranking: a bare eight-digit
/// number such as `80090016` is far more likely hex than decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// `0x` followed by hex digits.
    Hex,
    /// Hex digits without `0x`, as Office and the MSAL docs print them.
    HexBare,
    /// Unsigned decimal, as WAM prints HRESULTs (`3399614467`).
    Unsigned,
    /// Negative decimal: a 32-bit value printed as a signed integer.
    Signed,
    /// `AADSTS` followed by digits.
    Aadsts,
}

/// One way to read a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub value: u32,
    pub form: Form,
}

/// A code as found in the input: its readings (most forms have one; a bare
/// eight-digit number has two) and, for pair syntax, the sub-error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeToken {
    pub text: String,
    pub readings: Vec<Reading>,
    pub sub: Option<Box<CodeToken>>,
}

/// What the input said besides the codes, useful for ranking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub codes: Vec<CodeToken>,
    /// App names mentioned next to the code (`outlook`, `teams`, …).
    pub apps: Vec<&'static str>,
}

/// Why an input is not a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrammarError {
    pub input: String,
    pub message: Message,
}

impl std::fmt::Display for GrammarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.en)
    }
}

impl std::error::Error for GrammarError {}

/// Words that label a code rather than being one.
const LABELS: &[&str] = &[
    "error",
    "errors",
    "err",
    "code",
    "codes",
    "errorcode",
    "error_code",
    "hresult",
    "hr",
    "status",
    "statuscode",
    "result",
    "fail",
    "failed",
    "failure",
    "suberror",
    "sub-error",
    "sub",
    "phase",
    "server",
    "client",
    "win32",
    "ntstatus",
    "something",
    "went",
    "wrong",
    "value",
    "exit",
    "returned",
    "number",
    "no",
    "details",
    "tag",
    "reason",
    "attempt",
    "extended",
    "internal",
    "last",
    "the",
    "is",
    "was",
    "with",
    "and",
    "or",
    "of",
    "wam",
    "adal",
    "msal",
    "aad",
    "entra",
    "sign-in",
    "signin",
    "oops",
    "sorry",
    "hex",
    "decimal",
];

/// App names recognised as context, with the id used by the knowledge base.
const APPS: &[(&str, &str)] = &[
    ("outlook", "outlook"),
    ("teams", "teams"),
    ("onedrive", "onedrive"),
    ("word", "word"),
    ("excel", "excel"),
    ("powerpoint", "powerpoint"),
    ("office", "office"),
    ("m365", "office"),
    ("edge", "edge"),
    ("windows", "windows"),
    ("xbox", "xbox"),
    ("dsregcmd", "windows"),
];

/// Japanese labels, longest first so that `エラーコード` wins over `エラー`.
const JA_LABELS: &[&str] = &[
    "問題が発生しました",
    "エラーコード",
    "エラー番号",
    "ステータス",
    "失敗しました",
    "サインイン",
    "エラー",
    "コード",
    "番号",
    "状態",
    "結果",
    "失敗",
    "値",
    "は",
    "が",
    "の",
];

/// Folds the characters that stand for ASCII in pasted text: full-width
/// letters and digits (common in Japanese input), Unicode spaces, dashes and
/// minus signs, a multiplication sign typed for the `x` of `0x` (`0×80070005`);
/// zero-width characters that web pages and chat tools slip into words are
/// dropped. Text without such characters is returned as it is.
pub fn fold_lookalikes(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_lookalike) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_zero_width(c) {
            continue;
        }
        let folded = match c {
            // `×` is an `x` only right after a lone zero (`0×8007…`); `1920×1080` stays.
            '\u{D7}'
                if out.ends_with('0')
                    && !out[..out.len() - 1].ends_with(|p: char| p.is_alphanumeric()) =>
            {
                'x'
            }
            _ => fold(c),
        };
        out.push(folded);
    }
    std::borrow::Cow::Owned(out)
}

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

fn is_lookalike(c: char) -> bool {
    is_zero_width(c) || c == '\u{D7}' || fold(c) != c
}

/// One character's ASCII stand-in (see [`fold_lookalikes`]).
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
        '\u{2212}' | '\u{2010}'..='\u{2015}' | '\u{FE63}' => '-',
        _ => c,
    }
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '+' | '_' | '.')
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation() && !is_token_char(c))
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || matches!(c, '・' | '：' | '（' | '）')
}

/// Parses one argument: one or more codes with optional labels around them.
pub fn parse(input: &str) -> Result<Parsed, GrammarError> {
    let folded = fold_lookalikes(input);
    let mut parsed = Parsed::default();
    let mut chars = folded.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if is_separator(c) {
            chars.next();
            continue;
        }
        let ascii = is_token_char(c);
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if is_separator(c) || is_token_char(c) != ascii {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let word = &folded[start..end];
        if ascii {
            ascii_word(input, word, &mut parsed)?;
        } else {
            japanese_word(input, word)?;
        }
    }
    if parsed.codes.is_empty() {
        let message = if input.trim().is_empty() {
            Message::new(
                "empty input: give an error code",
                "入力が空です。エラー コードを指定してください",
            )
        } else {
            Message::new(
                format!("`{}` contains no error code", input.trim()),
                format!("`{}` にエラー コードが含まれていません", input.trim()),
            )
        };
        return Err(GrammarError {
            input: input.into(),
            message,
        });
    }
    Ok(parsed)
}

fn ascii_word(input: &str, word: &str, parsed: &mut Parsed) -> Result<(), GrammarError> {
    // A leading '-' is a sign; trailing punctuation ends a sentence or a label.
    let word = word
        .trim_end_matches(['.', '/', '-', '_'])
        .trim_start_matches(['.', '/', '_']);
    if word.is_empty() {
        return Ok(());
    }
    let lower = word.to_ascii_lowercase();
    if LABELS.contains(&lower.as_str()) {
        return Ok(());
    }
    if let Some(&(_, app)) = APPS.iter().find(|(name, _)| *name == lower) {
        if !parsed.apps.contains(&app) {
            parsed.apps.push(app);
        }
        return Ok(());
    }
    match code_token(word) {
        Some(token) => {
            parsed.codes.push(token);
            Ok(())
        }
        None => Err(not_a_code(input, word)),
    }
}

fn japanese_word(input: &str, word: &str) -> Result<(), GrammarError> {
    let mut rest = word;
    'outer: while !rest.is_empty() {
        for label in JA_LABELS {
            if let Some(after) = rest.strip_prefix(label) {
                rest = after;
                continue 'outer;
            }
        }
        return Err(not_a_code(input, word));
    }
    Ok(())
}

fn not_a_code(input: &str, word: &str) -> GrammarError {
    GrammarError {
        input: input.into(),
        message: Message::new(
            format!("`{word}` is not an error code (expected forms like 0x8004011d, CAA50021, AADSTS50126, 1001, -2147221219)"),
            format!("`{word}` はエラー コードではありません (0x8004011d、CAA50021、AADSTS50126、1001、-2147221219 のような形式で指定してください)"),
        ),
    }
}

/// Parses a single code token, or a pair `A/B`.
pub fn code_token(word: &str) -> Option<CodeToken> {
    if let Some((a, b)) = word.split_once('/') {
        let phase = single(a)?;
        let sub = single(b)?;
        return Some(CodeToken {
            text: word.to_string(),
            readings: phase.readings,
            sub: Some(Box::new(sub)),
        });
    }
    single(word)
}

fn single(word: &str) -> Option<CodeToken> {
    let readings = readings(word);
    if readings.is_empty() {
        return None;
    }
    Some(CodeToken {
        text: word.to_string(),
        readings,
        sub: None,
    })
}

fn readings(word: &str) -> Vec<Reading> {
    let lower = word.to_ascii_lowercase();
    let one = |value, form| vec![Reading { value, form }];
    if let Some(digits) = lower.strip_prefix("aadsts") {
        return match digits.parse::<u32>() {
            Ok(n)
                if !digits.is_empty()
                    && digits.len() <= 9
                    && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                one(n, Form::Aadsts)
            }
            _ => Vec::new(),
        };
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        return match hex_value(hex)
            .or_else(|| sign_extended(hex))
            .or_else(|| hex_value(&o_for_zero(hex)?))
        {
            Some(v) => one(v, Form::Hex),
            None => Vec::new(),
        };
    }
    if let Some(digits) = lower.strip_prefix('-') {
        if !digits.is_empty() && digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = digits.parse::<i64>() {
                if n <= 1 << 31 {
                    return one((-n) as i32 as u32, Form::Signed);
                }
            }
        }
        return Vec::new();
    }
    let digits = lower.strip_prefix('+').unwrap_or(&lower);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let mut out = Vec::new();
        if digits.len() == 8 {
            // HRESULTs are printed as eight hex digits without 0x (80090016).
            if let Some(v) = hex_value(digits) {
                out.push(Reading {
                    value: v,
                    form: Form::HexBare,
                });
            }
        }
        if digits.len() <= 10 {
            if let Ok(n) = digits.parse::<u64>() {
                if let Ok(v) = u32::try_from(n) {
                    out.push(Reading {
                        value: v,
                        form: Form::Unsigned,
                    });
                }
            }
        }
        return out;
    }
    let has_letter = lower.bytes().any(|b| (b'a'..=b'f').contains(&b));
    let has_digit = lower.bytes().any(|b| b.is_ascii_digit());
    // Eight hex digits are a 32-bit code whatever they spell; shorter runs need
    // a digit too, so that words like "dead" or "face" stay words.
    if lower.len() == 8 || ((3..8).contains(&lower.len()) && has_letter && has_digit) {
        if let Some(v) = hex_value(&lower) {
            return one(v, Form::HexBare);
        }
    }
    Vec::new()
}

/// A 32-bit code that a 64-bit program printed sign-extended, as the MSAL
/// runtime does (`0xffffffff80070520`): sixteen digits, the upper eight all
/// `f` and the lower eight with the sign bit set.
fn sign_extended(hex: &str) -> Option<u32> {
    let (high, low) = (hex.get(..8)?, hex.get(8..)?);
    if hex.len() != 16 || high != "ffffffff" {
        return None;
    }
    hex_value(low).filter(|v| v >> 31 == 1)
}

/// Eight hex digits in which someone typed the letter O for a zero
/// (`0x8OO4O11D`); only when every other character is a hex digit and at
/// least one is a digit, so that words stay words.
fn o_for_zero(hex: &str) -> Option<String> {
    let b = hex.as_bytes();
    let ok = b.len() == 8
        && b.iter().any(|c| matches!(c, b'o'))
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().all(|c| c.is_ascii_hexdigit() || *c == b'o');
    ok.then(|| hex.replace('o', "0"))
}

/// Up to eight significant hex digits (leading zeros allowed).
fn hex_value(hex: &str) -> Option<u32> {
    let significant = hex.trim_start_matches('0');
    if hex.is_empty() || significant.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if significant.is_empty() {
        return Some(0);
    }
    u32::from_str_radix(significant, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(input: &str) -> Vec<(u32, Form)> {
        let parsed = parse(input).unwrap();
        assert_eq!(parsed.codes.len(), 1, "{input}");
        parsed.codes[0]
            .readings
            .iter()
            .map(|r| (r.value, r.form))
            .collect()
    }

    #[test]
    fn every_form_of_the_issue() {
        assert_eq!(values("0x8004011d"), [(0x8004011D, Form::Hex)]);
        assert_eq!(values("8004011D"), [(0x8004011D, Form::HexBare)]);
        assert_eq!(
            values("80090016"),
            [(0x80090016, Form::HexBare), (80090016, Form::Unsigned)]
        );
        assert_eq!(values("-2147221219"), [(0x8004011D, Form::Signed)]);
        assert_eq!(values("2147746077"), [(0x8004011D, Form::Unsigned)]);
        assert_eq!(values("3399614467"), [(0xCAA20003, Form::Unsigned)]);
        assert_eq!(values("CAA20002"), [(0xCAA20002, Form::HexBare)]);
        assert_eq!(values("caa2000c"), [(0xCAA2000C, Form::HexBare)]);
        assert_eq!(values("AADSTS50126"), [(50126, Form::Aadsts)]);
        assert_eq!(values("Error code 1001"), [(1001, Form::Unsigned)]);
        assert_eq!(values("[1001]"), [(1001, Form::Unsigned)]);
        assert_eq!(values("0x3e9"), [(1001, Form::Hex)]);
        assert_eq!(values("c0000234"), [(0xC0000234, Form::HexBare)]);
        assert_eq!(values("deadbeef"), [(0xDEADBEEF, Form::HexBare)]);
        assert_eq!(values("12002"), [(12002, Form::Unsigned)]);
    }

    #[test]
    fn pairs_keep_both_halves() {
        let p = parse("FAIL [0x801c0021/0x80072ee2]").unwrap();
        let token = &p.codes[0];
        assert_eq!(token.readings[0].value, 0x801C0021);
        assert_eq!(token.sub.as_ref().unwrap().readings[0].value, 0x80072EE2);
        let p = parse("0xcaa82ee2/-894947614").unwrap();
        let token = &p.codes[0];
        assert_eq!(
            token.readings[0].value,
            token.sub.as_ref().unwrap().readings[0].value
        );
    }

    #[test]
    fn labels_and_context() {
        assert_eq!(values("Error Code: 0x8004011d"), [(0x8004011D, Form::Hex)]);
        assert_eq!(
            values("エラーコード: CAA50021"),
            [(0xCAA50021, Form::HexBare)]
        );
        assert_eq!(
            values("エラー コード：０ｘ８００４０１１Ｄ"),
            [(0x8004011D, Form::Hex)]
        );
        assert_eq!(values("HRESULT 0x80070005"), [(0x80070005, Form::Hex)]);
        assert_eq!(values("Status: 0xC000006D."), [(0xC000006D, Form::Hex)]);
        assert_eq!(values("ERROR (0xd0020017)"), [(0xD0020017, Form::Hex)]);
        assert_eq!(values("AADSTS50126:"), [(50126, Form::Aadsts)]);
        assert_eq!(
            values("Something went wrong [1001]"),
            [(1001, Form::Unsigned)]
        );
        assert_eq!(
            values("問題が発生しました [1001]"),
            [(1001, Form::Unsigned)]
        );
        let p = parse("Outlook 0x80048823").unwrap();
        assert_eq!(p.apps, ["outlook"]);
        assert_eq!(parse("CAA20002, CAA50021").unwrap().codes.len(), 2);
    }

    #[test]
    fn not_codes() {
        for input in [
            "",
            "   ",
            "hello",
            "password",
            "dead",
            "0x",
            "0x123456789",
            "4294967296",
            "-2147483649",
            "AADSTS",
            "1.2.3",
            "こんにちは",
            "0xZZ",
            "1001 apples",
            "12/abc",
        ] {
            assert!(parse(input).is_err(), "{input:?} should not parse");
        }
        assert!(parse("hello")
            .unwrap_err()
            .message
            .ja
            .contains("エラー コードではありません"));
    }

    #[test]
    fn look_alikes_read_as_what_they_stand_for() {
        assert_eq!(values("0×80070005"), [(0x80070005, Form::Hex)]);
        assert_eq!(values("０ｘ８００７０００５"), [(0x80070005, Form::Hex)]);
        assert_eq!(values("0x8OO4O11D"), [(0x8004011D, Form::Hex)]);
        assert_eq!(values("0x8oo4o11d"), [(0x8004011D, Form::Hex)]);
        assert_eq!(values("0xＣＡＡ２０００３"), [(0xCAA20003, Form::Hex)]);
        // En dash, em dash and the minus sign for a signed decimal.
        for minus in ['\u{2013}', '\u{2014}', '\u{2212}'] {
            assert_eq!(
                values(&format!("{minus}2147024891")),
                [(0x80070005, Form::Signed)],
                "{minus}"
            );
        }
        // Zero-width characters inside a code, no-break spaces around it.
        assert_eq!(values("0x8007\u{200B}0005"), [(0x80070005, Form::Hex)]);
        assert_eq!(values("AADSTS\u{200C}50126"), [(50126, Form::Aadsts)]);
        assert_eq!(
            values("Error\u{A0}code:\u{A0}1001"),
            [(1001, Form::Unsigned)]
        );
        // A multiplication sign elsewhere is no `x`; a word with O stays a word.
        assert_eq!(fold_lookalikes("1920×1080"), "1920×1080");
        assert!(parse("0xfoodbabe").is_err());
        assert!(parse("0xOOOOOOOO").is_err());
    }

    #[test]
    fn sign_extended_64_bit_hex() {
        // The MSAL runtime prints HRESULTs as 64-bit values (`Error: 0xffffffff80070520`).
        assert_eq!(values("0xffffffff80070520"), [(0x80070520, Form::Hex)]);
        assert_eq!(values("0xFFFFFFFFCAA70004"), [(0xCAA70004, Form::Hex)]);
        // Without the sign bit the upper half is not a sign extension.
        assert!(parse("0xffffffff00000005").is_err());
        assert!(parse("0xfffffffe80070520").is_err());
    }

    #[test]
    fn extremes() {
        assert_eq!(values("-2147483648"), [(0x80000000, Form::Signed)]);
        assert_eq!(values("4294967295"), [(0xFFFFFFFF, Form::Unsigned)]);
        assert_eq!(values("0x00000000CAA20003"), [(0xCAA20003, Form::Hex)]);
    }
}
