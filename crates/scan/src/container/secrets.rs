//! Blanks credentials in text taken from HAR files: passwords and client
//! secrets in URLs and form data, tokens in JSON, and JSON Web Tokens anywhere.
//! (Names, addresses and IDs are the report's redactor's job, not this one's.)

use std::borrow::Cow;

/// What a blanked value becomes.
pub(crate) const REDACTED: &str = "[REDACTED]";
/// What a blanked JSON Web Token becomes.
const REDACTED_TOKEN: &str = "[REDACTED-TOKEN]";

/// Parameter and JSON keys whose values are credentials (lowercase).
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "newpassword",
    "new_password",
    "client_secret",
    "client_assertion",
    "assertion",
    "access_token",
    "refresh_token",
    "id_token",
    "samlresponse",
    "sig",
    "flowtoken",
    "sft",
];

/// Whether a URL or form parameter `name=value` holds a credential. `code` does when
/// it is a redirect's authorization code (hundreds of characters), not an error code
/// (`error?code=50076`).
pub(crate) fn is_secret_param(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    (name == "code" && is_authorization_code(value.as_bytes()))
        || SECRET_KEYS.contains(&name.as_str())
}

fn is_authorization_code(value: &[u8]) -> bool {
    value.len() > 20
}

/// `text` with every credential value replaced by `[REDACTED]` and every JSON Web
/// Token by `[REDACTED-TOKEN]`.
pub(crate) fn redact(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        let span = match b[i] {
            b'=' => param_value(b, i).map(|(s, e)| (s, e, REDACTED)),
            b':' => json_value(b, i).map(|(s, e)| (s, e, REDACTED)),
            b'e' => jwt(b, i).map(|e| (i, e, REDACTED_TOKEN)),
            _ => None,
        };
        match span {
            Some((start, end, with)) => {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..start]);
                o.push_str(with);
                copied = end;
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// The key that ends just before `end`, and where it starts.
fn key_before(b: &[u8], end: usize) -> (usize, &[u8]) {
    let mut start = end;
    while start > 0 && is_key_byte(b[start - 1]) && end - start < 32 {
        start -= 1;
    }
    (start, &b[start..end])
}

fn is_secret_key(key: &[u8]) -> bool {
    SECRET_KEYS
        .iter()
        .any(|k| k.as_bytes().eq_ignore_ascii_case(key))
}

/// `password=value` (and the other keys; `code=` only as a URL parameter): the value.
fn param_value(b: &[u8], eq: usize) -> Option<(usize, usize)> {
    let (start, key) = key_before(b, eq);
    if key.is_empty() || (start > 0 && is_key_byte(b[start - 1])) {
        return None;
    }
    let url_param = start > 0 && matches!(b[start - 1], b'?' | b'&' | b'#');
    let code = url_param && key.eq_ignore_ascii_case(b"code");
    if !(is_secret_key(key) || code) {
        return None;
    }
    let from = eq + 1;
    let mut end = from;
    while end < b.len()
        && !matches!(
            b[end],
            b'&' | b'#' | b'"' | b'\'' | b';' | b',' | b'<' | b'>' | b')' | b'\\'
        )
        && !b[end].is_ascii_whitespace()
    {
        end += 1;
    }
    if code && !is_authorization_code(&b[from..end]) {
        return None;
    }
    (end > from && &b[from..end] != REDACTED.as_bytes()).then_some((from, end))
}

/// `"access_token": "value"` (also inside a JSON string, with escaped quotes): the value.
fn json_value(b: &[u8], colon: usize) -> Option<(usize, usize)> {
    let mut k = colon;
    while k > 0 && b[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    if k == 0 || b[k - 1] != b'"' {
        return None;
    }
    let key_end = if k >= 2 && b[k - 2] == b'\\' {
        k - 2
    } else {
        k - 1
    };
    let (start, key) = key_before(b, key_end);
    if start == 0 || !is_secret_key(key) {
        return None;
    }
    let mut v = colon + 1;
    while v < b.len() && b[v].is_ascii_whitespace() {
        v += 1;
    }
    let escaped = b.get(v) == Some(&b'\\') && b.get(v + 1) == Some(&b'"');
    let from = if escaped {
        v + 2
    } else if b.get(v) == Some(&b'"') {
        v + 1
    } else {
        return None;
    };
    let mut end = from;
    while end < b.len() {
        if escaped {
            if b[end] == b'\\' && b.get(end + 1) == Some(&b'"') {
                break;
            }
        } else if b[end] == b'"' {
            break;
        } else if b[end] == b'\\' {
            end += 1;
        }
        end += 1;
    }
    let end = end.min(b.len());
    (end > from && &b[from..end] != REDACTED.as_bytes()).then_some((from, end))
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// A JSON Web Token starting at `at` (`eyJ…` header, payload and signature): its end.
fn jwt(b: &[u8], at: usize) -> Option<usize> {
    if !b[at..].starts_with(b"eyJ") || (at > 0 && is_b64url(b[at - 1])) {
        return None;
    }
    let run = |from: usize| {
        let mut e = from;
        while e < b.len() && is_b64url(b[e]) {
            e += 1;
        }
        e
    };
    let header = run(at);
    if header - at < 10 || b.get(header) != Some(&b'.') {
        return None;
    }
    let payload = run(header + 1);
    if payload - header - 1 < 10 || b.get(payload) != Some(&b'.') {
        return None;
    }
    Some(run(payload + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_forms() {
        assert_eq!(
            redact("https://x/y?user=a&password=hunter2&x=1"),
            "https://x/y?user=a&password=[REDACTED]&x=1"
        );
        assert_eq!(
            redact("login=taro%40contoso.com&passwd=P%40ss&client_secret=abc~def"),
            "login=taro%40contoso.com&passwd=[REDACTED]&client_secret=[REDACTED]"
        );
        assert_eq!(
            redact("https://app/cb?code=0.AXoA123abcdefghijklmnopqrstu&state=9"),
            "https://app/cb?code=[REDACTED]&state=9"
        );
        assert_eq!(
            redact("https://login.microsoftonline.com/error?code=50076"),
            "https://login.microsoftonline.com/error?code=50076"
        );
        // An error code is not an authorization code.
        assert_eq!(redact("error code=0x80070005"), "error code=0x80070005");
        assert_eq!(redact("mypassword=x"), "mypassword=x");
    }

    #[test]
    fn json_and_tokens() {
        let jwt =
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIwMDAwMDAwMy0wMDAwIn0.c2lnbmF0dXJl";
        assert_eq!(
            redact(&format!(
                r#"{{"token_type":"Bearer","access_token":"{jwt}","refresh_token": "0.AXo\"x"}}"#
            )),
            r#"{"token_type":"Bearer","access_token":"[REDACTED]","refresh_token": "[REDACTED]"}"#
        );
        assert_eq!(
            redact(r#""text": "{\"password\":\"abc\",\"error\":\"invalid_grant\"}""#),
            r#""text": "{\"password\":\"[REDACTED]\",\"error\":\"invalid_grant\"}""#
        );
        assert_eq!(
            redact(&format!("Authorization: Bearer {jwt} end")),
            "Authorization: Bearer [REDACTED-TOKEN] end"
        );
        let untouched = r#"{"error":"invalid_grant","error_codes":[50126],"code":"x"}"#;
        assert!(matches!(redact(untouched), Cow::Borrowed(_)));
    }
}
