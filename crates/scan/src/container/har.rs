//! HAR files (HTTP Archive, saved from a browser's developer tools): one line
//! per request, `HAR <status> <method> <url> | x-ms-request-id: … | Date: …`
//! (also `request-id`, `client-request-id`, `x-ms-ests-server`, an error's
//! `WWW-Authenticate` and a `Location` that carries an error),
//! with the query decoded, followed by the response body, indented, when it is
//! a sign-in response or carries an Entra error. Request bodies are never
//! read (they carry passwords), and credentials in URLs, headers and bodies are
//! blanked. Entries are rendered one at a time as the JSON is parsed, so memory
//! stays bounded by one entry's excerpts, not by the file.

use std::fmt;

use m365doctor_codes::Message;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::secrets::{self, param_secret};
use super::{one_line, short_error, Context, Document};

/// The most response body text kept for one entry.
const BODY_LIMIT: usize = 64 * 1024;
/// The most body text kept for the whole file.
const BODIES_LIMIT: usize = 32 << 20;
/// Around each marker in a body longer than [`BODY_LIMIT`], this much is kept either side.
const WINDOW: usize = 1024;
/// The most kept of a URL or a header value.
const VALUE_LIMIT: usize = 32 * 1024;
/// The most kept of one decoded query parameter's value.
const PARAM_LIMIT: usize = 4 * 1024;

/// Sign-in hosts whose response bodies are always kept (their subdomains too).
const LOGIN_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.live.com",
    "login.windows.net",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.chinacloudapi.cn",
    "autologon.microsoftazuread-sso.com",
];

/// Texts that make a response body worth keeping, and the places kept of a long one.
const MARKERS: &[&str] = &[
    "AADSTS",
    "error_codes",
    "correlation_id",
    "correlationId",
    "Correlation ID",
];
/// More places kept of a long body (the sign-in page's `$Config` names its error so).
const EXCERPT_MARKERS: &[&str] = &[
    "error_description",
    "sErrorCode",
    "strServiceExceptionMessage",
    "trace_id",
];

/// Whether `bytes` look like a HAR file: a JSON object whose first key is `log`.
pub(super) fn looks_like_har(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return false };
    if bytes[start] != b'{' {
        return false;
    }
    let head = &bytes[start..bytes.len().min(start + 4096)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    has(b"\"log\"") && (has(b"\"entries\"") || has(b"\"creator\"") || has(b"\"version\""))
}

/// Renders a HAR file. Returns false when it is not one (not JSON, or no `log.entries`),
/// having added nothing.
pub(super) fn expand(ctx: &mut Context, name: &str, bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = Out::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = Root(&mut out).deserialize(&mut de);
    let error = match result {
        Ok(true) => None,
        Ok(false) => return false,
        Err(error) => Some(error),
    };
    if out.entries == 0 {
        if error.is_some() || !out.saw_entries {
            return false;
        }
        ctx.out.push(Document::skipped(
            name,
            Message::new(
                "HAR file without any request",
                "要求が 1 件も記録されていない HAR ファイルです",
            ),
        ));
        return true;
    }
    let entries = out.entries;
    ctx.out.push(Document::text(name, out.text, Some("UTF-8")));
    if let Some(error) = error {
        let e = short_error(&error);
        ctx.out.push(Document::skipped(
            name,
            Message::new(
                format!("HAR file cut short or damaged ({e}): read its first {entries} request(s) only"),
                format!("HAR ファイルが途中で切れているか壊れています ({e})。最初の {entries} 件の要求だけを読み取りました"),
            ),
        ));
    }
    if out.bodies_dropped > 0 {
        let n = out.bodies_dropped;
        let limit = BODIES_LIMIT >> 20;
        ctx.out.push(Document::skipped(
            name,
            Message::new(
                format!("{n} response bod(ies) left out: more than {limit} MiB of bodies in one HAR file"),
                format!("1 つの HAR ファイルの応答本文が {limit} MiB を超えたため、{n} 件の応答本文を省きました"),
            ),
        ));
    }
    true
}

/// The rendered text and what it took.
#[derive(Default)]
struct Out {
    text: String,
    entries: usize,
    saw_entries: bool,
    bodies: usize,
    bodies_dropped: usize,
}

// The file is walked with seeds, so that each entry is rendered and dropped
// before the next is parsed: {"log": {"entries": [entry, …], …}, …}.

struct Root<'o>(&'o mut Out);

impl<'de> DeserializeSeed<'de> for Root<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            if key.0 == "log" {
                map.next_value_seed(Log(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(self.0.saw_entries)
    }
}

struct Log<'o>(&'o mut Out);

impl<'de> DeserializeSeed<'de> for Log<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Log<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR log object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            if key.0 == "entries" {
                self.0.saw_entries = true;
                map.next_value_seed(Entries(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Entries<'o>(&'o mut Out);

impl<'de> DeserializeSeed<'de> for Entries<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of HAR entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<Entry>()? {
            render(&entry, self.0);
        }
        Ok(())
    }
}

/// A map key, borrowed when it can be.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        Ok(Key(Bounded::deserialize(d)?.0))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    request: Request,
    response: Response,
}

// `postData` (the request body) is not a field: serde skips it unread.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Request {
    method: Option<Bounded>,
    url: Option<Bounded>,
    headers: Option<Vec<Header>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Response {
    status: Option<serde_json::Value>,
    headers: Option<Vec<Header>>,
    content: Option<Content>,
    #[serde(rename = "redirectURL")]
    redirect_url: Option<Bounded>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Content {
    #[serde(rename = "mimeType")]
    mime_type: Option<Bounded>,
    text: Option<Body>,
    encoding: Option<Bounded>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Header {
    name: Option<Bounded>,
    value: Option<Bounded>,
}

/// A string cut to [`VALUE_LIMIT`] bytes as it is read.
#[derive(Default)]
struct Bounded(String);

impl<'de> Deserialize<'de> for Bounded {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bounded, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Bounded;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Bounded, E> {
                Ok(Bounded(prefix(s, VALUE_LIMIT).to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Bounded, E> {
                Ok(Bounded(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Bounded, E> {
                Ok(Bounded(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Bounded, E> {
                Ok(Bounded(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Bounded, E> {
                Ok(Bounded(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Bounded, E> {
                Ok(Bounded::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A response body as read: whole when short, else excerpts around its markers.
#[derive(Default)]
struct Body {
    /// The text as stored (base64 when the HAR says so), or its excerpts.
    text: String,
    /// Whether the whole text holds a marker.
    marked: bool,
    /// For a long text of base64 characters only: its decoded excerpts and markers,
    /// made while the whole text was at hand.
    decoded: Option<(String, bool)>,
}

impl Body {
    fn new(s: &str) -> Body {
        if s.len() <= BODY_LIMIT {
            return Body {
                text: s.to_string(),
                marked: has_marker(s),
                decoded: None,
            };
        }
        let decoded = if s.bytes().all(is_base64_byte) {
            let bytes = base64(s);
            let text = String::from_utf8_lossy(&bytes);
            Some((excerpt(&text), has_marker(&text)))
        } else {
            None
        };
        Body {
            text: excerpt(s),
            marked: has_marker(s),
            decoded,
        }
    }

    /// The body's text and whether it has a marker, decoding base64 when `encoding` says so.
    fn resolve(&self, encoding: &str) -> (String, bool) {
        if !encoding.eq_ignore_ascii_case("base64") {
            return (self.text.clone(), self.marked);
        }
        if let Some((text, marked)) = &self.decoded {
            return (text.clone(), *marked);
        }
        let bytes = base64(&self.text);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let marked = has_marker(&text);
        (excerpt(&text), marked)
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Body, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Body;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Body, E> {
                Ok(Body::new(s))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Body, E> {
                Ok(Body::default())
            }
        }
        d.deserialize_any(V)
    }
}

fn has_marker(text: &str) -> bool {
    MARKERS.iter().any(|m| text.contains(m))
}

/// A long text's parts around its markers (at most [`BODY_LIMIT`] bytes in all),
/// or its beginning when it has none.
fn excerpt(text: &str) -> String {
    if text.len() <= BODY_LIMIT {
        return text.to_string();
    }
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for marker in MARKERS.iter().chain(EXCERPT_MARKERS) {
        let mut from = 0;
        while let Some(at) = text[from..].find(marker) {
            let at = from + at;
            spans.push((at.saturating_sub(WINDOW), (at + WINDOW).min(text.len())));
            from = at + marker.len();
            if spans.len() > 4096 {
                break;
            }
        }
    }
    if spans.is_empty() {
        return prefix(text, BODY_LIMIT).to_string();
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::new();
    for (s, e) in merged {
        let (s, e) = (floor_char(text, s), floor_char(text, e));
        if out.len() + (e - s) > BODY_LIMIT {
            break;
        }
        if !out.is_empty() {
            out.push_str("\n…\n");
        }
        out.push_str(&text[s..e]);
    }
    out
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The first `limit` bytes of `s`, cut at a character boundary.
fn prefix(s: &str, limit: usize) -> &str {
    if s.len() <= limit {
        s
    } else {
        &s[..floor_char(s, limit)]
    }
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'\r' | b'\n')
}

/// Decodes base64 (standard or URL alphabet, padding and line breaks ignored); stops at
/// the first byte outside the alphabet.
fn base64(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\r' | b'\n' => continue,
            _ => break,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn render(entry: &Entry, out: &mut Out) {
    let url = entry.request.url.as_ref().map_or("", |u| u.0.as_str());
    if url.starts_with("data:") || url.starts_with("blob:") {
        return;
    }
    out.entries += 1;
    let text = &mut out.text;
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str("HAR ");
    match &entry.response.status {
        Some(serde_json::Value::Number(n)) => text.push_str(&n.to_string()),
        Some(serde_json::Value::String(s)) => one_line(prefix(s, 16), text),
        _ => text.push('-'),
    }
    text.push(' ');
    let method = entry.request.method.as_ref().map_or("-", |m| m.0.as_str());
    one_line(&prefix(method, 16).to_ascii_uppercase(), text);
    text.push(' ');
    text.push_str(&render_url(url));

    let response = entry.response.headers.as_deref().unwrap_or_default();
    let request = entry.request.headers.as_deref().unwrap_or_default();
    let find = |name: &str| {
        response
            .iter()
            .chain(request)
            .find(|h| {
                h.name
                    .as_ref()
                    .is_some_and(|n| n.0.eq_ignore_ascii_case(name))
            })
            .and_then(|h| h.value.as_ref())
            .map(|v| v.0.as_str())
            .filter(|v| !v.trim().is_empty())
    };
    for name in [
        "x-ms-request-id",
        "request-id",
        "client-request-id",
        "x-ms-ests-server",
        "Date",
    ] {
        if let Some(value) = find(name) {
            header(text, name, &secrets::blank(value));
        }
    }
    if let Some(value) = find("WWW-Authenticate").filter(|v| v.contains("error")) {
        header(text, "WWW-Authenticate", &secrets::blank(value));
    }
    let location = find("Location")
        .or(entry.response.redirect_url.as_ref().map(|r| r.0.as_str()))
        .filter(|l| has_error_param(l));
    if let Some(location) = location {
        header(text, "Location", &render_url(location));
    }

    let Some(content) = &entry.response.content else {
        return;
    };
    let Some(body) = &content.text else { return };
    let mime = content.mime_type.as_ref().map_or("", |m| m.0.as_str());
    let mime = mime.to_ascii_lowercase();
    let textual = mime.is_empty()
        || mime.starts_with("text/")
        || ["json", "html", "xml", "javascript", "x-www-form-urlencoded"]
            .iter()
            .any(|t| mime.contains(t));
    if !textual {
        return;
    }
    let encoding = content.encoding.as_ref().map_or("", |e| e.0.as_str());
    let (body_text, marked) = body.resolve(encoding);
    if !(is_login_host(url) || marked) || body_text.trim().is_empty() {
        return;
    }
    if out.bodies + body_text.len() > BODIES_LIMIT {
        out.bodies_dropped += 1;
        return;
    }
    out.bodies += body_text.len();
    let body_text = secrets::blank(&body_text);
    for line in body_text.lines().filter(|l| !l.trim().is_empty()) {
        text.push_str("\n  ");
        one_line(line.trim_end(), text);
    }
}

fn header(text: &mut String, name: &str, value: &str) {
    text.push_str(" | ");
    text.push_str(name);
    text.push_str(": ");
    one_line(value.trim(), text);
}

/// Whether a URL's host is one of [`LOGIN_HOSTS`] or their subdomains.
fn is_login_host(url: &str) -> bool {
    let host = host(url);
    LOGIN_HOSTS.iter().any(|h| {
        host.eq_ignore_ascii_case(h)
            || (host.len() > h.len()
                && host[host.len() - h.len()..].eq_ignore_ascii_case(h)
                && host.as_bytes()[host.len() - h.len() - 1] == b'.')
    })
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    authority.split(':').next().unwrap_or("")
}

fn has_error_param(url: &str) -> bool {
    params(url).any(|(k, _)| k.eq_ignore_ascii_case("error") || k.starts_with("error_"))
}

/// The `name=value` pairs of a URL's query and fragment, raw.
fn params(url: &str) -> impl Iterator<Item = (&str, &str)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let (query, fragment) = query.split_once('#').unwrap_or((query, ""));
    let fragment = if url.contains('?') {
        fragment
    } else {
        url.split_once('#').map_or("", |(_, f)| f)
    };
    query
        .split('&')
        .chain(fragment.split('&'))
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// A URL for display: scheme, host and path as they are, query and fragment
/// parameters decoded (`error_description=AADSTS50076: …`), credentials blanked.
fn render_url(url: &str) -> String {
    let url = prefix(url, VALUE_LIMIT);
    let mut out = String::new();
    let (base, rest, sep) = match url.find(['?', '#']) {
        Some(at) => (&url[..at], &url[at + 1..], &url[at..at + 1]),
        None => (url, "", ""),
    };
    one_line(&secrets::blank(base), &mut out);
    if sep.is_empty() {
        return out;
    }
    let (query, fragment) = if sep == "?" {
        match rest.split_once('#') {
            Some((q, f)) => (Some(q), Some(f)),
            None => (Some(rest), None),
        }
    } else {
        (None, Some(rest))
    };
    for (mark, part) in [("?", query), ("#", fragment)] {
        let Some(part) = part else { continue };
        out.push_str(mark);
        if !part.contains('=') {
            one_line(&secrets::blank(part), &mut out);
            continue;
        }
        for (i, pair) in part.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(k);
            one_line(&key, &mut out);
            if !pair.contains('=') {
                continue;
            }
            out.push('=');
            if let Some(secret) = param_secret(&key, v) {
                out.push_str(secret.marker());
                continue;
            }
            let value = percent_decode(v);
            let value = secrets::blank(&value);
            let cut = prefix(&value, PARAM_LIMIT);
            one_line(cut, &mut out);
            if cut.len() < value.len() {
                out.push('…');
            }
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (a space in a query).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_decoded_and_blanked() {
        assert_eq!(
            render_url("https://app.contoso.com/cb?error=interaction_required&error_description=AADSTS50076%3a+Due+to+a+configuration+change%0d%0aTrace+ID%3a+1f0c&state=12"),
            "https://app.contoso.com/cb?error=interaction_required&error_description=AADSTS50076: Due to a configuration change Trace ID: 1f0c&state=12"
        );
        assert_eq!(
            render_url("https://x/token?client_id=1&client_secret=s%3Dcr3t&password=p#access_token=abc&x=1"),
            "https://x/token?client_id=1&client_secret=<secret:client-secret>&password=<secret:password>#access_token=<secret:token>&x=1"
        );
        assert_eq!(render_url("https://x/a%20b#top"), "https://x/a%20b#top");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("a%zz%41"), "a%zzA");
    }

    #[test]
    fn hosts() {
        assert!(is_login_host(
            "https://login.microsoftonline.com/common/oauth2/v2.0/token"
        ));
        assert!(is_login_host("https://device.login.microsoftonline.com/x"));
        assert!(is_login_host("https://LOGIN.LIVE.COM:443/ppsecure"));
        assert!(!is_login_host(
            "https://evil-login.microsoftonline.com.example/x"
        ));
        assert!(!is_login_host("https://notlogin.microsoft.com/x"));
        assert!(!is_login_host("https://graph.microsoft.com/v1.0/me"));
    }

    #[test]
    fn long_bodies_keep_their_markers() {
        let page = format!(
            "{}$Config={{\"sErrorCode\":\"50126\",\"strServiceExceptionMessage\":\"AADSTS50126: Error validating credentials\"}}{}",
            "x".repeat(200_000),
            "y".repeat(200_000)
        );
        let body = Body::new(&page);
        assert!(body.marked);
        assert!(body.text.len() <= BODY_LIMIT);
        assert!(body.text.contains("AADSTS50126"), "{}", &body.text[..100]);
        let plain = Body::new(&"z".repeat(100_000));
        assert!(!plain.marked);
        assert_eq!(plain.text.len(), BODY_LIMIT);
    }

    #[test]
    fn base64_bodies() {
        assert_eq!(base64("QUFEU1RTNTAxMjY="), b"AADSTS50126");
        let body = Body::new("eyJlcnJvcl9jb2RlcyI6WzUwMTI2XX0=");
        assert_eq!(
            body.resolve("base64"),
            ("{\"error_codes\":[50126]}".into(), true)
        );
        assert!(!body.resolve("").1);
    }
}
