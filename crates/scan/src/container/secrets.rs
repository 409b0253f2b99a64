//! Credentials in any text, and what each becomes: the one set of rules
//! for secrets. The HAR reader applies them to the parts it knows (headers,
//! URL parameters, bodies) as it reads a capture, and every report applies
//! them to every line it quotes (`m365doctor-diagnose`'s `Redactor`, which
//! also replaces names and identifiers), so a secret is blanked the same way
//! wherever it stands, with or without the rest of redaction.
//!
//! A secret is removed whole and replaced by a fixed marker that says only
//! what it was (`<secret:jwt>`): no diagnosis needs any part of it, and a
//! marker cannot be mistaken for a shortened value.
//!
//! Recognised: JSON Web Tokens anywhere (`eyJ…` with two dots), what follows
//! `Bearer` and an `Authorization` header's scheme, `Cookie` and `Set-Cookie`
//! values and Microsoft's sign-in cookies by name, the value of any key that
//! names a password, secret, token, API key, signature, assertion or
//! authorization code (`passwd=`, `"ClientSecret":`, `refresh token:`,
//! `x-api-key:`, `sig=`; as `key=value`, `key: value` and JSON, also behind
//! escaped quotes and percent-encoded `=`), and three shapes that need no
//! label: Entra client secrets (`…8Q~…`), Entra refresh tokens (`0.A…`,
//! `1.A…`) and long base64 blobs.

use std::borrow::Cow;

/// A kind of credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    Jwt,
    Token,
    Password,
    ClientSecret,
    Cookie,
    Signature,
    ApiKey,
    AuthorizationCode,
    /// An `Authorization` header's credential other than a JWT (Basic,
    /// Negotiate), a SAML assertion.
    Credential,
}

impl Secret {
    /// The fixed marker the value is replaced with.
    pub fn marker(self) -> &'static str {
        match self {
            Secret::Jwt => "<secret:jwt>",
            Secret::Token => "<secret:token>",
            Secret::Password => "<secret:password>",
            Secret::ClientSecret => "<secret:client-secret>",
            Secret::Cookie => "<secret:cookie>",
            Secret::Signature => "<secret:signature>",
            Secret::ApiKey => "<secret:api-key>",
            Secret::AuthorizationCode => "<secret:code>",
            Secret::Credential => "<secret:credential>",
        }
    }
}

/// What every marker starts with.
pub const MARKER_PREFIX: &str = "<secret:";

#[derive(Clone, Copy)]
enum Rule {
    Is,
    EndsWith,
    StartsWith,
}

/// Which credential the value of a key holds, by the key's name lowercased
/// without `_`, `-`, `.` and spaces (`client_secret` and `Client Secret`
/// are `clientsecret`); the first rule that matches decides.
const KEY_RULES: &[(Rule, &str, Secret)] = {
    use Rule::*;
    use Secret::*;
    &[
        (Is, "cookie", Cookie),
        (Is, "setcookie", Cookie),
        (EndsWith, "password", Password),
        (EndsWith, "passwd", Password),
        (EndsWith, "pwd", Password),
        (EndsWith, "passphrase", Password),
        (Is, "pass", Password),
        (EndsWith, "パスワード", Password),
        (Is, "kennwort", Password),
        (EndsWith, "secret", ClientSecret),
        (Is, "clientassertion", ClientSecret),
        (EndsWith, "apikey", ApiKey),
        (EndsWith, "accesskey", ApiKey),
        (EndsWith, "accountkey", ApiKey),
        (EndsWith, "subscriptionkey", ApiKey),
        (EndsWith, "secretkey", ApiKey),
        (EndsWith, "signingkey", ApiKey),
        (EndsWith, "privatekey", ApiKey),
        (EndsWith, "masterkey", ApiKey),
        (EndsWith, "functionkey", ApiKey),
        (Is, "sig", Signature),
        (EndsWith, "signature", Signature),
        (EndsWith, "authcode", AuthorizationCode),
        (EndsWith, "authorizationcode", AuthorizationCode),
        (EndsWith, "authorization", Credential),
        (EndsWith, "token", Token),
        (EndsWith, "tokencredential", Token),
        (EndsWith, "devicecredential", Token),
        (Is, "sft", Token),
        (EndsWith, "canary", Token),
        (Is, "assertion", Credential),
        (Is, "samlresponse", Credential),
        (Is, "samlrequest", Credential),
        (Is, "samlassertion", Credential),
        (Is, "wresult", Credential),
        // Microsoft's (and ASP.NET's and SharePoint's) sign-in and session cookies.
        (StartsWith, "estsauth", Cookie),
        (StartsWith, "esctx", Cookie),
        (StartsWith, "msisauth", Cookie),
        (StartsWith, "fedauth", Cookie),
        (StartsWith, "signinstate", Cookie),
        (StartsWith, "stsservice", Cookie),
        (Is, "buid", Cookie),
        (Is, "fpc", Cookie),
        (Is, "ccstate", Cookie),
        (Is, "rtfa", Cookie),
        (Is, "aspxauth", Cookie),
        (Is, "aspnetsessionid", Cookie),
    ]
};

/// Keys that end like a secret but name something else.
const NOT_SECRETS: &[&str] = &[
    "tokentype",
    "secretname",
    "passwordpolicy",
    "passwordexpired",
    "keycontainerid",
];

/// Which credential the value of a key holds, by its normalised name.
/// Every `:` and `=` of a text asks: a rule is compared only when its
/// first or last byte fits.
fn key_secret(name: &[u8]) -> Option<Secret> {
    let (&first, &last) = (name.first()?, name.last()?);
    if NOT_SECRETS.iter().any(|n| n.as_bytes() == name) {
        return None;
    }
    KEY_RULES
        .iter()
        .find(|(rule, key, _)| {
            let k = key.as_bytes();
            match rule {
                Rule::Is => k[k.len() - 1] == last && k == name,
                Rule::EndsWith => k[k.len() - 1] == last && name.ends_with(k),
                Rule::StartsWith => k[0] == first && name.starts_with(k),
            }
        })
        .map(|r| r.2)
}

/// The credential a URL or form parameter `name=value` holds, if any. `code`
/// does when it is a redirect's authorization code (long), not an error code
/// (`error?code=50076`).
pub fn param_secret(name: &str, value: &str) -> Option<Secret> {
    let key = normalize_key(name.as_bytes())?;
    if key.as_bytes() == b"code" {
        return is_authorization_code(value.as_bytes()).then_some(Secret::AuthorizationCode);
    }
    key_secret(key.as_bytes()).filter(|_| !is_plain_value(value.as_bytes()))
}

fn is_authorization_code(v: &[u8]) -> bool {
    v.len() > 20
        && !v.starts_with(b"0x")
        && v.iter().any(u8::is_ascii_alphabetic)
        && v.iter().any(u8::is_ascii_digit)
}

/// Values that are not credentials even under a credential's key.
fn is_plain_value(v: &[u8]) -> bool {
    v.is_empty()
        || v.starts_with(b"<")
        || v.iter().all(|&c| c == b'*' || c == b'x' || c == b'X')
        || [
            "true",
            "false",
            "null",
            "none",
            "undefined",
            "n/a",
            "[redacted]",
            "redacted",
        ]
        .iter()
        .any(|w| w.as_bytes().eq_ignore_ascii_case(v))
}

/// A key's name lowercased without `_`, `-`, `.` and spaces (kept on the
/// stack: every `:` and `=` of a text has its key read).
#[derive(Clone, Copy)]
struct Key {
    buf: [u8; 64],
    len: usize,
}

impl Key {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

fn normalize_key(key: &[u8]) -> Option<Key> {
    let mut k = Key {
        buf: [0; 64],
        len: 0,
    };
    for &c in key {
        if matches!(c, b'_' | b'-' | b'.' | b' ') {
            continue;
        }
        *k.buf.get_mut(k.len)? = c.to_ascii_lowercase();
        k.len += 1;
    }
    (k.len > 0).then_some(k)
}

#[derive(Clone, Copy)]
enum Trigger {
    Separator,
    Jwt,
    Bearer,
    ClientSecretShape,
    RefreshTokenShape,
}

/// The bytes a trigger starts with (`=`, `:`, the full-width colon's first
/// byte, `%3D`, `eyJ`, `Bearer`, `Q~`, `0.A`, `1.A`): the scan stops only there.
static STARTS: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = b"=:\xEF%eBbQ01";
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

/// The trigger at `i` (one of [`STARTS`]), with its end.
fn trigger(b: &[u8], i: usize) -> Option<(usize, Trigger)> {
    let rest = &b[i..];
    let starts_ci = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    match b[i] {
        b'=' | b':' => Some((i + 1, Trigger::Separator)),
        0xEF if rest.starts_with("：".as_bytes()) => Some((i + 3, Trigger::Separator)),
        b'%' if starts_ci(b"%3d") => Some((i + 3, Trigger::Separator)),
        b'%' if starts_ci(b"%253d") => Some((i + 5, Trigger::Separator)),
        b'e' if rest.starts_with(b"eyJ") => Some((i + 3, Trigger::Jwt)),
        b'B' | b'b' if starts_ci(b"bearer") => Some((i + 6, Trigger::Bearer)),
        b'Q' if rest.get(1) == Some(&b'~') => Some((i + 2, Trigger::ClientSecretShape)),
        b'0' | b'1' if rest.get(1) == Some(&b'.') && rest.get(2) == Some(&b'A') => {
            Some((i + 3, Trigger::RefreshTokenShape))
        }
        _ => None,
    }
}

/// `text` with every credential replaced by its kind's marker.
pub fn blank(text: &str) -> Cow<'_, str> {
    let spans = find(text);
    let blanked = if spans.is_empty() {
        Cow::Borrowed(text)
    } else {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (start, end, secret) in spans {
            out.push_str(&text[copied..start]);
            out.push_str(secret.marker());
            copied = end;
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    };
    // Opaque tokens with no label: a line shorter than a blob holds none.
    if blanked.len() < BLOB_MIN {
        return blanked;
    }
    match blobs(&blanked) {
        Some(out) => Cow::Owned(out),
        None => blanked,
    }
}

/// The credentials in `text`: (start, end, kind), in order, not overlapping.
/// One pass: bytes that start no trigger are skipped by a table lookup.
pub fn find(text: &str) -> Vec<(usize, usize, Secret)> {
    let b = text.as_bytes();
    let mut spans: Vec<(usize, usize, Secret)> = Vec::new();
    let mut covered = 0;
    let mut found: Vec<(usize, usize, Secret)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !STARTS[b[i] as usize] {
            i += 1;
            continue;
        }
        let at = i;
        i += 1;
        let Some((end, kind)) = trigger(b, at) else {
            continue;
        };
        if at < covered {
            continue;
        }
        found.clear();
        let mut read_to = 0;
        match kind {
            Trigger::Separator => read_to = separator(b, at, end, &mut found),
            Trigger::Jwt => found.extend(jwt(b, at)),
            Trigger::Bearer => found.extend(bearer(b, at, end)),
            Trigger::ClientSecretShape => found.extend(client_secret_shape(b, at)),
            Trigger::RefreshTokenShape => found.extend(refresh_token_shape(b, at)),
        }
        for &(s, e, kind) in &found {
            if s >= covered && e > s && text.is_char_boundary(s) && text.is_char_boundary(e) {
                spans.push((s, e, kind));
                covered = e;
            }
        }
        // A value read and kept (`code=0x…`) is not read again from inside.
        covered = covered.max(read_to);
    }
    spans
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// Whether the byte before `at` ends a `%XX` escape (`Bearer%20eyJ…`).
fn after_escape(b: &[u8], at: usize) -> bool {
    at >= 3 && b[at - 3] == b'%' && is_hex(b[at - 2]) && is_hex(b[at - 1])
}

fn run(b: &[u8], from: usize, ok: impl Fn(u8) -> bool) -> usize {
    let mut e = from;
    while e < b.len() && ok(b[e]) {
        e += 1;
    }
    e
}

/// A JSON Web Token (or JWE) at `at`: `eyJ` header, payload, signature;
/// also a bare base64 JSON object (`eyJ…`, an MSAL `client_info`) long
/// enough to hold identifiers.
fn jwt(b: &[u8], at: usize) -> Option<(usize, usize, Secret)> {
    if !b[at..].starts_with(b"eyJ") || (at > 0 && is_b64url(b[at - 1]) && !after_escape(b, at)) {
        return None;
    }
    let header = run(b, at, is_b64url);
    if header - at < 10 {
        return None;
    }
    let mut end = header;
    let mut dots = 0;
    while dots < 4 && b.get(end) == Some(&b'.') {
        let next = run(b, end + 1, is_b64url);
        if next == end + 1 && dots >= 1 {
            // An unsigned token ends with its second dot.
            end += 1;
            dots += 1;
            break;
        }
        end = next;
        dots += 1;
    }
    match dots {
        2.. => Some((at, end, Secret::Jwt)),
        1 if end - header > 10 => Some((at, end, Secret::Token)),
        _ if header - at >= 20 => Some((at, header, Secret::Token)),
        _ => None,
    }
}

/// `Bearer <token>`: the token, unless what follows is the scheme's
/// parameters (`Bearer authorization_uri="…", error="…"`).
fn bearer(b: &[u8], at: usize, end: usize) -> Option<(usize, usize, Secret)> {
    if at > 0 && b[at - 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut i = end;
    loop {
        if matches!(b.get(i), Some(b' ' | b'\t' | b'+')) {
            i += 1;
        } else if b.len() >= i + 3 && b[i..i + 3].eq_ignore_ascii_case(b"%20") {
            i += 3;
        } else {
            break;
        }
    }
    if i == end {
        return None;
    }
    credential(b, i)
}

/// The credential token at `from` (after a scheme): up to a space, quote or
/// list separator; at least 16 characters, and not a `name=` parameter.
fn credential(b: &[u8], from: usize) -> Option<(usize, usize, Secret)> {
    let e = run(b, from, |c| {
        c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'%')
    });
    let token = &b[from..e];
    let param = token
        .iter()
        .position(|&c| c == b'=')
        .is_some_and(|p| token[p..].iter().any(|&c| c != b'='))
        || (token.ends_with(b"=") && b.get(e) == Some(&b'"'));
    if token.len() < 16 || param || token.starts_with(MARKER_PREFIX.as_bytes()) {
        return None;
    }
    let kind = if token.starts_with(b"eyJ") {
        Secret::Jwt
    } else {
        Secret::Token
    };
    Some((from, e, kind))
}

/// An Entra application's client secret (`Abc8Q~` and 31 to 34 more).
fn client_secret_shape(b: &[u8], at: usize) -> Option<(usize, usize, Secret)> {
    let ok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.' | b'-');
    if b[at] != b'Q' || at < 4 || !b[at - 1].is_ascii_digit() {
        return None;
    }
    let start = at - 4;
    if !b[start..at].iter().all(|&c| ok(c)) || (start > 0 && ok(b[start - 1])) {
        return None;
    }
    let end = run(b, at + 2, ok);
    (31..=36)
        .contains(&(end - at - 2))
        .then_some((start, end, Secret::ClientSecret))
}

/// An Entra refresh token or session cookie value: `0.A` or `1.A` and a
/// long tail.
fn refresh_token_shape(b: &[u8], at: usize) -> Option<(usize, usize, Secret)> {
    if b[at + 2] != b'A' || (at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'.')) {
        return None;
    }
    let end = run(b, at + 2, |c| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'*' | b'!' | b'~')
    });
    (end - at >= 40).then_some((at, end, Secret::Token))
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.') || c >= 0x80
}

/// A separator (`=`, `:`, `：`, `%3D`) at `at..end`: when the key before it
/// names a credential, the value after it. Returns how far it read.
fn separator(b: &[u8], at: usize, end: usize, out: &mut Vec<(usize, usize, Secret)>) -> usize {
    let encoded = b[at] == b'%';
    // The key: back over spaces and a closing quote (`"key" :`, `\"key\":`).
    let mut k = at;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    if k > 0 && matches!(b[k - 1], b'"' | b'\'') {
        k -= 1;
        if k > 0 && b[k - 1] == b'\\' {
            k -= 1;
        }
    }
    let key_end = k;
    while k > 0 && is_key_byte(b[k - 1]) && key_end - k <= 40 {
        k -= 1;
    }
    // A key after a percent-escape (`%3Fcode`, `%26password`) starts after it.
    if k > 0 && b[k - 1] == b'%' && key_end - k > 2 && is_hex(b[k]) && is_hex(b[k + 1]) {
        k += 2;
    }
    if key_end - k > 40 && b[..key_end].ends_with("パスワード".as_bytes()) {
        // A label at the end of a Japanese sentence.
        k = key_end - "パスワード".len();
    }
    if k == key_end || key_end - k > 40 || (k > 0 && b[k - 1] == b'<') {
        return 0;
    }
    let one = &b[k..key_end];
    // A key of two words (`refresh token:`, `Client Secret =`).
    let mut two = None;
    if k >= 2 && b[k - 1] == b' ' && b[k - 2].is_ascii_alphabetic() {
        let mut j = k - 1;
        while j > 0 && b[j - 1].is_ascii_alphabetic() && k - j < 16 {
            j -= 1;
        }
        if j == 0 || !b[j - 1].is_ascii_alphanumeric() {
            two = Some(&b[j..key_end]);
        }
    }
    let classify =
        |key: &[u8]| normalize_key(key).and_then(|n| key_secret(n.as_bytes()).map(|s| (n, s)));
    let Some((name, secret)) = two
        .and_then(classify)
        .or_else(|| classify(one))
        .or_else(|| {
            // `code=` only as a parameter (`?code=`, `&code=`, a form's
            // first field): `Error code: 0x…` and `error code=…` are codes.
            let parameter = k == 0
                || matches!(b[k - 1], b'?' | b'&' | b'#' | b'"' | b'\n')
                || (after_escape(b, k)
                    && [b"3f", b"26", b"23"]
                        .iter()
                        .any(|e| b[k - 2..k].eq_ignore_ascii_case(*e)));
            ((b[at] == b'=' || encoded) && parameter)
                .then(|| normalize_key(one))
                .flatten()
                .filter(|n| n.as_bytes() == b"code")
                .map(|n| (n, Secret::AuthorizationCode))
        })
    else {
        return 0;
    };
    let name = name.as_bytes();
    // The value: after spaces, quoted or up to a terminator.
    let mut v = end;
    while v < b.len() && matches!(b[v], b' ' | b'\t') {
        v += 1;
    }
    if b.get(v) == Some(&b'<') {
        return 0;
    }
    let Some((from, to)) = value_span(b, v, encoded) else {
        return 0;
    };
    let value = &b[from..to];
    if is_plain_value(value) || value.starts_with(MARKER_PREFIX.as_bytes()) {
        return to;
    }
    match secret {
        Secret::Cookie if name == b"cookie" || name == b"setcookie" => {
            cookies(b, v, name == b"setcookie", out)
        }
        Secret::AuthorizationCode if name == b"code" => {
            if is_authorization_code(value) {
                out.push((from, to, secret));
            }
        }
        _ if name.ends_with(b"authorization") => {
            // `Authorization: Bearer …`, `Basic …`: the credential after the scheme.
            let scheme = run(b, from, |c| c.is_ascii_alphabetic());
            let after = if scheme > from && scheme - from <= 12 && b.get(scheme) == Some(&b' ') {
                run(b, scheme, |c| c == b' ')
            } else if scheme > from
                && scheme - from <= 12
                && b.len() >= scheme + 3
                && b[scheme..scheme + 3].eq_ignore_ascii_case(b"%20")
            {
                scheme + 3
            } else {
                from
            };
            if let Some((s, e, kind)) = credential(b, after) {
                let kind = if kind == Secret::Jwt {
                    kind
                } else {
                    Secret::Credential
                };
                out.push((s, e, kind));
            }
        }
        _ => {
            let kind = if value.starts_with(b"eyJ") && value.contains(&b'.') {
                Secret::Jwt
            } else {
                secret
            };
            out.push((from, to, kind));
        }
    }
    to
}

/// The value at `v`: inside quotes (`"…"`, `\"…\"`, `'…'`), or up to a
/// space, quote, `&`, `;`, `,` or bracket (and `%26` when the separator was
/// percent-encoded).
fn value_span(b: &[u8], v: usize, encoded: bool) -> Option<(usize, usize)> {
    let escaped = b.get(v) == Some(&b'\\') && b.get(v + 1) == Some(&b'"');
    if escaped || matches!(b.get(v), Some(b'"' | b'\'')) {
        let quote = if escaped { b'"' } else { b[v] };
        let from = if escaped { v + 2 } else { v + 1 };
        let mut e = from;
        while e < b.len() {
            if escaped {
                if b[e] == b'\\' && b.get(e + 1) == Some(&b'"') {
                    break;
                }
            } else if b[e] == quote {
                break;
            } else if b[e] == b'\\' {
                e += 1;
            }
            e += 1;
        }
        let e = e.min(b.len());
        return (e > from).then_some((from, e));
    }
    let mut e = v;
    while e < b.len() {
        let c = b[e];
        if c.is_ascii_whitespace()
            || matches!(
                c,
                b'&' | b'"' | b'\'' | b';' | b',' | b'<' | b'>' | b')' | b']' | b'}' | b'\\' | b'|'
            )
            || (encoded && b[e..].len() >= 3 && b[e..e + 3].eq_ignore_ascii_case(b"%26"))
            || (encoded && b[e..].len() >= 5 && b[e..e + 5].eq_ignore_ascii_case(b"%2526"))
        {
            break;
        }
        e += 1;
    }
    (e > v).then_some((v, e))
}

/// A `Cookie:` header's values (`a=1; b=2`), or a `Set-Cookie:` header's
/// one value (its attributes stay).
fn cookies(b: &[u8], from: usize, set: bool, out: &mut Vec<(usize, usize, Secret)>) {
    // A header's line, at most 8 KiB of it: many headers on one line cost no more than the line.
    let near = &b[from..b.len().min(from + 8192)];
    let mut line_end = from + memchr::memchr2(b'\n', b'\r', near).unwrap_or(near.len());
    while line_end < b.len() && b[line_end] & 0xC0 == 0x80 {
        line_end -= 1;
    }
    let mut i = from;
    while i < line_end {
        let pair_end = i + memchr::memchr(b';', &b[i..line_end]).unwrap_or(line_end - i);
        if let Some(eq) = memchr::memchr(b'=', &b[i..pair_end]) {
            let name = String::from_utf8_lossy(&b[i..i + eq])
                .trim()
                .to_ascii_lowercase();
            let attribute = matches!(
                name.as_str(),
                "path"
                    | "domain"
                    | "expires"
                    | "max-age"
                    | "samesite"
                    | "version"
                    | "comment"
                    | "priority"
            );
            let mut s = i + eq + 1;
            let mut e = pair_end;
            while s < e && b[s] == b' ' {
                s += 1;
            }
            // A JSON or quoted header value ends at its quote.
            if let Some(q) = memchr::memchr(b'"', &b[s..e]) {
                e = s + q;
            }
            while e > s && b[e - 1] == b' ' {
                e -= 1;
            }
            if !attribute && e > s && !b[s..e].starts_with(MARKER_PREFIX.as_bytes()) {
                out.push((s, e, Secret::Cookie));
            }
            if set {
                return;
            }
        }
        i = pair_end + 1;
    }
}

/// The shortest opaque token blanked with no label around it.
const BLOB_MIN: usize = 100;

/// Long base64 runs (MSA tickets, Kerberos blobs, SAML) in `text`, blanked;
/// `None` when there are none.
fn blobs(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let is_b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-');
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_b64(b[i]) {
            i += 1;
            continue;
        }
        let e = run(b, i, is_b64);
        let t = &b[i..e];
        if t.len() >= BLOB_MIN
            && t.iter().any(u8::is_ascii_uppercase)
            && t.iter().any(u8::is_ascii_lowercase)
            && t.iter().any(u8::is_ascii_digit)
            && t.iter().filter(|&&c| c == b'/' || c == b'-').count() * 10 <= t.len()
        {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..i]);
            o.push_str(Secret::Token.marker());
            copied = e;
        }
        i = e;
    }
    out.map(|mut o| {
        o.push_str(&text[copied..]);
        o
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str =
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIwMDAwMDAwMy0wMDAwIn0.c2lnbmF0dXJl";

    #[test]
    fn urls_and_forms() {
        assert_eq!(
            blank("https://x/y?user=a&password=hunter2&x=1"),
            "https://x/y?user=a&password=<secret:password>&x=1"
        );
        assert_eq!(
            blank("login=taro%40contoso.com&passwd=P%40ss&client_secret=abc~def"),
            "login=taro%40contoso.com&passwd=<secret:password>&client_secret=<secret:client-secret>"
        );
        assert_eq!(
            blank("https://app/cb?code=0.AXoA123abcdefghijklmnopqrstu&state=9"),
            "https://app/cb?code=<secret:code>&state=9"
        );
        // An error code is not an authorization code.
        for kept in [
            "https://login.microsoftonline.com/error?code=50076",
            "error code=0x80070005",
            "Error code: 0xCAA70004",
            "ErrorCode: AADSTS50126_InvalidUserNameOrPassword",
            "token_type=Bearer",
            "Password expired: yes",
            "PasswordLastSet: 2026-11-20",
            "KeyContainerId : 7a1d3e5f-9b2c-4e6d-8f0a-1b3c5d7e9f20",
            "Correlation ID: 5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09",
            "Timestamp: 2026-11-20T09:12:33Z",
            "hasPassword=true",
        ] {
            assert_eq!(blank(kept), kept);
        }
    }

    #[test]
    fn json_and_tokens() {
        assert_eq!(
            blank(&format!(
                r#"{{"token_type":"Bearer","access_token":"{JWT}","refresh_token": "0.AXo\"x"}}"#
            )),
            r#"{"token_type":"Bearer","access_token":"<secret:jwt>","refresh_token": "<secret:token>"}"#
        );
        assert_eq!(
            blank(r#""text": "{\"password\":\"abc\",\"error\":\"invalid_grant\"}""#),
            r#""text": "{\"password\":\"<secret:password>\",\"error\":\"invalid_grant\"}""#
        );
        assert_eq!(
            blank(&format!("Authorization: Bearer {JWT} end")),
            "Authorization: Bearer <secret:jwt> end"
        );
        let untouched = r#"{"error":"invalid_grant","error_codes":[50126],"code":"x"}"#;
        assert!(matches!(blank(untouched), Cow::Borrowed(_)));
    }

    #[test]
    fn labels_headers_and_shapes() {
        for (input, want) in [
            ("Password: Summer2024! next", "Password: <secret:password> next"),
            ("pwd=Winter2025!&x=1", "pwd=<secret:password>&x=1"),
            ("パスワード：himitsu123", "パスワード：<secret:password>"),
            ("refresh token: 0.AXEAabc", "refresh token: <secret:token>"),
            ("x-api-key: 9f8e7d6c5b4a", "x-api-key: <secret:api-key>"),
            ("?sv=2022&sig=AbCd%2Bef%3D&se=1", "?sv=2022&sig=<secret:signature>&se=1"),
            ("Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==", "Authorization: Basic <secret:credential>"),
            (
                "Cookie: ESTSAUTH=1.AXEAb; ESTSAUTHPERSISTENT=0.persist; x-ms-gateway-slice=estsfd",
                "Cookie: ESTSAUTH=<secret:cookie>; ESTSAUTHPERSISTENT=<secret:cookie>; x-ms-gateway-slice=<secret:cookie>",
            ),
            (
                "Set-Cookie: esctx=PAQABBwEAAAEsession; domain=.login.microsoftonline.com; path=/",
                "Set-Cookie: esctx=<secret:cookie>; domain=.login.microsoftonline.com; path=/",
            ),
            ("token eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. ok", "token <secret:jwt> ok"),
            ("Bearer%20EwBwA8l6BAAURSN%2FFHDfl2aL ok", "Bearer%20<secret:token> ok"),
            ("secret Abc8Q~xYz0123456789abcdefghijklmnopqrs end", "secret <secret:client-secret> end"),
            (
                "rt 0.AXEA1234567890abcdefghijklmnopqrstuvwxyzABCDEF end",
                "rt <secret:token> end",
            ),
            ("redirect%3Fcode%3D0.AXEAabcdefghijklmnop1234%26state%3D1", "redirect%3Fcode%3D<secret:code>%26state%3D1"),
        ] {
            assert_eq!(blank(input), want, "{input}");
        }
        // The scheme's parameters are not a token.
        let challenge = r#"WWW-Authenticate: Bearer authorization_uri="https://login.microsoftonline.com/x/oauth2/authorize", error="invalid_token""#;
        assert_eq!(blank(challenge), challenge);
        // A marker is never blanked again.
        assert_eq!(
            blank("Password: <secret:password>"),
            "Password: <secret:password>"
        );
        let blob = format!("ticket {}x9Z end", "AbCdEf0123".repeat(12));
        assert_eq!(blank(&blob), "ticket <secret:token> end");
    }
}
