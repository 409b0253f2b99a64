//! The answer's language: `?lang=` wins, then `Accept-Language` by q-value,
//! then the server's own language.

use crate::error::ApiError;
use axum::http::{header, HeaderMap, StatusCode};
use m365doctor_codes::Lang;

/// The language for a request, or an error for an unknown `?lang=`.
pub fn negotiate(
    query: Option<&str>,
    headers: &HeaderMap,
    default: Lang,
) -> Result<Lang, ApiError> {
    if let Some(asked) = query_values(query, "lang").into_iter().next_back() {
        return match asked.as_str() {
            "en" => Ok(Lang::En),
            "ja" => Ok(Lang::Ja),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "unsupported-lang",
                format!("`lang={asked}` is not supported; use `lang=en` or `lang=ja`."),
                format!("`lang={asked}` には対応していません。`lang=en` か `lang=ja` を指定してください。"),
            )),
        };
    }
    Ok(headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or(default))
}

/// The supported language the browser prefers most, by q-value, earliest first at equal q.
pub fn from_accept_language(value: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let mut q = 1.0f32;
        for p in parts {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 || tag == "*" {
            continue;
        }
        if let Some(lang) = Lang::from_tag(tag) {
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
    }
    best.map(|(_, l)| l)
}

/// Every value of `key` in a query string, percent-decoded.
pub fn query_values(query: Option<&str>, key: &str) -> Vec<String> {
    let Some(query) = query else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k) == key).then(|| percent_decode(v))
        })
        .collect()
}

/// Decodes `%XX` and `+`; invalid sequences stay as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    bytes.get(i + 1).and_then(|&b| hex(b)),
                    bytes.get(i + 2).and_then(|&b| hex(b)),
                ) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
