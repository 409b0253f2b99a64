//! The identifiers that a literal points at: one automaton over every
//! label, greeting, host name, path marker and at-sign spelling finds where
//! to look, and each trigger's reader decides what stands there. One pass
//! over a line, whatever its length; nothing is looked at twice.

use super::names;
use aho_corasick::{AhoCorasickBuilder, MatchKind};
use m365doctor_text::tiered::Tiered;
use std::sync::LazyLock;

pub(super) const EMAIL: &str = "email";
pub(super) const USER: &str = "user";
pub(super) const NAME: &str = "name";
pub(super) const TENANT: &str = "tenant";
pub(super) const DEVICE: &str = "device";
pub(super) const OBJECT: &str = "object";
pub(super) const KEY: &str = "key";
pub(super) const TENANT_NAME: &str = "tenant-name";
pub(super) const DEVICE_NAME: &str = "device-name";
pub(super) const DOMAIN: &str = "domain";
pub(super) const CERTIFICATE: &str = "certificate";
pub(super) const SID: &str = "sid";
pub(super) const PHONE: &str = "phone";
pub(super) const SERIAL: &str = "serial";

/// What replaces a hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum With {
    /// The placeholder of this kind for this (normalised) value.
    Placeholder(&'static str, String),
    /// A fixed text (a capture's value, redacted as its labelled line was).
    Text(String),
}

/// A span of a text to replace, and the values it teaches (byte ranges of
/// the text, each with its kind) to replace wherever else they stand.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub start: usize,
    pub end: usize,
    pub with: With,
    pub learn: Vec<(usize, usize, &'static str)>,
}

impl Hit {
    pub fn new(start: usize, end: usize, with: With) -> Hit {
        Hit {
            start,
            end,
            with,
            learn: Vec::new(),
        }
    }

    fn of(start: usize, end: usize, kind: &'static str, key: String) -> Hit {
        Hit::new(start, end, With::Placeholder(kind, key))
    }

    /// A hit whose whole value is also learnt.
    fn learnt(text: &str, start: usize, end: usize, kind: &'static str) -> Hit {
        let mut hit = Hit::of(start, end, kind, text[start..end].to_lowercase());
        hit.learn.push((start, end, kind));
        hit
    }
}

/// How the value after a label is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    /// A GUID (`{…}` too); the label may stand without a separator.
    Guid,
    /// The rest of the field: to the end of the line, a closing quote, a
    /// field separator or the next `Label:`.
    Field,
    /// A host name: the name, and its short name and domain, are learnt.
    Host,
    /// A domain name, learnt.
    Domain,
    /// One token (a serial number).
    Token,
    /// A person's name.
    Person,
    /// A person's name, only when the whole quoted value is one (`"name":`).
    PersonStrict,
    /// A phone number.
    Phone,
}

#[derive(Debug, Clone, Copy)]
enum Trigger {
    At,
    /// A label; `inside` when it may end a longer key (`IntuneDeviceId`).
    Label {
        kind: &'static str,
        value: Value,
        inside: bool,
    },
    Greeting,
    Honorific,
    LoginHost,
    OnMicrosoft,
    SharePoint,
    Profile,
    Sid {
        numbers: usize,
    },
    HostShape,
    OneDrive,
}

const fn label(kind: &'static str, value: Value) -> Trigger {
    Trigger::Label {
        kind,
        value,
        inside: false,
    }
}

const fn label_inside(kind: &'static str, value: Value) -> Trigger {
    Trigger::Label {
        kind,
        value,
        inside: true,
    }
}

/// Every literal that points at an identifier (matched ignoring ASCII case).
fn triggers() -> Vec<(&'static str, Trigger)> {
    use Value::*;
    let mut t: Vec<(&'static str, Trigger)> = Vec::new();
    for at in [
        "@", "＠", "%40", "%2540", "%252540", "\\u0040", "\\x40", "&#64;", "&#x40;", "=40",
    ] {
        t.push((at, Trigger::At));
    }
    // Ids, by label. Correlation, request, trace, session and client ids
    // have no label here: they stay.
    for l in ["deviceid", "device_id", "device-id"] {
        t.push((l, label_inside(DEVICE, Guid)));
    }
    for l in [
        "device id",
        "device",
        "given id",
        "デバイス id",
        "デバイスid",
        "デバイス",
    ] {
        t.push((l, label(DEVICE, Guid)));
    }
    for l in ["tenantid", "tenant_id", "tenant-id"] {
        t.push((l, label_inside(TENANT, Guid)));
    }
    for l in [
        "tenant id",
        "tenant",
        "tid",
        "directoryid",
        "directory id",
        "テナント id",
        "テナントid",
        "テナント",
    ] {
        t.push((l, label(TENANT, Guid)));
    }
    for l in [
        "objectid",
        "object_id",
        "userid",
        "user_id",
        "accountid",
        "account_id",
    ] {
        t.push((l, label_inside(OBJECT, Guid)));
    }
    for l in [
        "object id",
        "oid",
        "user id",
        "home account id",
        "account id",
    ] {
        t.push((l, label(OBJECT, Guid)));
    }
    for l in [
        "keycontainerid",
        "key_container_id",
        "key container id",
        "ngckeyid",
    ] {
        t.push((l, label(KEY, Guid)));
    }
    // Account and organisation names: the rest of the field.
    for l in [
        "executing account name",
        "user name",
        "username",
        "user account",
        "account name",
        "logged on user",
        "logon user",
        "samaccountname",
        "ユーザー名",
    ] {
        t.push((l, label(USER, Field)));
    }
    t.push(("tenantname", label_inside(TENANT_NAME, Field)));
    for l in [
        "tenant name",
        "テナント名",
        "organization name",
        "organizationname",
        "organisation name",
        "company name",
        "companyname",
        "組織名",
        "会社名",
    ] {
        t.push((l, label(TENANT_NAME, Field)));
    }
    t.push(("thumbprint", label(CERTIFICATE, Field)));
    // Machines and domains.
    for l in [
        "device name",
        "device_name",
        "devicename",
        "computer name",
        "computername",
        "computer",
        "コンピューター名",
        "コンピュータ名",
        "コンピューター",
        "host name",
        "hostname",
        "machine name",
        "machinename",
        "workstation name",
        "workstationname",
        "workstation",
        "client name",
        "デバイス名",
        "ホスト名",
        "logonserver",
    ] {
        t.push((l, label(DEVICE_NAME, Host)));
    }
    for l in [
        "domainname",
        "domain name",
        "domain_name",
        "userdomain",
        "userdnsdomain",
        "dns domain",
        "ドメイン名",
        "ドメイン",
    ] {
        t.push((l, label(DOMAIN, Domain)));
    }
    for l in [
        "serial number",
        "serialnumber",
        "serial_number",
        "serial no",
        "serial",
        "s/n",
        "service tag",
        "servicetag",
        "シリアル番号",
        "製造番号",
    ] {
        t.push((l, label(SERIAL, Token)));
    }
    // People.
    for l in [
        "displayname",
        "display name",
        "display_name",
        "userdisplayname",
        "friendlyname",
        "friendly name",
        "fullname",
        "full name",
        "givenname",
        "given name",
        "given_name",
        "firstname",
        "first name",
        "first_name",
        "lastname",
        "last name",
        "last_name",
        "surname",
        "familyname",
        "family_name",
        "表示名",
        "氏名",
        "名前",
        "担当者",
    ] {
        t.push((l, label(NAME, Person)));
    }
    for l in ["\"name\"", "\\\"name\\\"", "'name'"] {
        t.push((l, label(NAME, PersonStrict)));
    }
    for l in [
        "phone",
        "phone number",
        "phonenumber",
        "phone_number",
        "mobile",
        "mobilephone",
        "mobile phone",
        "telephone",
        "telephonenumber",
        "tel",
        "fax",
        "businessphones",
        "電話番号",
        "電話",
        "携帯",
        "携帯電話",
    ] {
        t.push((l, label(PHONE, Phone)));
    }
    for g in [
        "hello",
        "hi",
        "hey",
        "dear",
        "welcome",
        "welcome back",
        "signed in as",
        "signed-in as",
        "logged in as",
        "sign in as",
        "good morning",
        "good afternoon",
        "good evening",
        "thanks",
        "thank you",
    ] {
        t.push((g, Trigger::Greeting));
    }
    for h in ["さん", "様", "さま", "殿", "氏"] {
        t.push((h, Trigger::Honorific));
    }
    for host in [
        "login.microsoftonline.com",
        "login.windows.net",
        "sts.windows.net",
        "login.microsoft.com",
        "login.microsoftonline.us",
        "login.partner.microsoftonline.cn",
        "login.chinacloudapi.cn",
        "enterpriseregistration.windows.net",
    ] {
        t.push((host, Trigger::LoginHost));
    }
    t.push((".onmicrosoft.com", Trigger::OnMicrosoft));
    t.push((".sharepoint.com", Trigger::SharePoint));
    // A OneDrive for Business site is named after its owner's address
    // (`/personal/megan_bowen_contoso_com/`).
    t.push(("/personal/", Trigger::Profile));
    for marker in [
        "\\users\\",
        "/users/",
        "/home/",
        "\\\\users\\\\",
        "%5cusers%5c",
        "%2fusers%2f",
        "%2fhome%2f",
        "\\/users\\/",
        "\\/home\\/",
        "\\documents and settings\\",
    ] {
        t.push((marker, Trigger::Profile));
    }
    t.push(("s-1-5-21-", Trigger::Sid { numbers: 3 }));
    t.push(("s-1-12-1-", Trigger::Sid { numbers: 4 }));
    for shape in ["desktop-", "laptop-", "win-", "cpc-"] {
        t.push((shape, Trigger::HostShape));
    }
    t.push(("onedrive - ", Trigger::OneDrive));
    t
}

static TRIGGERS: LazyLock<(Tiered, Vec<Trigger>)> = LazyLock::new(|| {
    let t = triggers();
    let mut builder = AhoCorasickBuilder::new();
    builder
        .ascii_case_insensitive(true)
        // The longest literal at the first place: `device name` over
        // `device`, `welcome back` over `welcome`; no literal of interest
        // starts inside another, so one non-overlapping pass finds them all.
        .match_kind(MatchKind::LeftmostLongest)
        .prefilter(false);
    let automaton = Tiered::new(builder, t.iter().map(|(l, _)| *l));
    (automaton, t.into_iter().map(|(_, t)| t).collect())
});

/// Every identifier a trigger points at in `text`, in the order found
/// (their values may overlap: the longest first one wins when applied).
pub(super) fn triggered(text: &str) -> Vec<Hit> {
    let (automaton, triggers) = &*TRIGGERS;
    let mut hits = Vec::new();
    for m in automaton.get(text.len()).find_iter(text) {
        let (s, e) = (m.start(), m.end());
        match triggers[m.pattern().as_usize()] {
            Trigger::At => email(text, s, e, &mut hits),
            Trigger::Label {
                kind,
                value,
                inside,
            } => {
                if (inside || starts_word(text, s)) && ends_word(text, e) {
                    labelled(text, e, kind, value, &mut hits);
                }
            }
            Trigger::Greeting => greeting(text, s, e, &mut hits),
            Trigger::Honorific => honorific(text, s, e, &mut hits),
            Trigger::LoginHost => login_host(text, s, e, &mut hits),
            Trigger::OnMicrosoft => tenant_suffix(text, s, e, false, &mut hits),
            Trigger::SharePoint => tenant_suffix(text, s, e, true, &mut hits),
            Trigger::Profile => profile(text, e, &mut hits),
            Trigger::Sid { numbers } => sid(text, s, e, numbers, &mut hits),
            Trigger::HostShape => host_shape(text, s, e, &mut hits),
            Trigger::OneDrive => onedrive(text, e, &mut hits),
        }
    }
    hits
}

fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn next_char(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// A label starts a word: nothing alphanumeric before it (Japanese labels
/// follow other Japanese text directly).
fn starts_word(text: &str, at: usize) -> bool {
    let first = next_char(text, at);
    first.is_some_and(names::is_cjk)
        || !prev_char(text, at).is_some_and(|c| c.is_alphanumeric() || c == '_')
}

fn ends_word(text: &str, at: usize) -> bool {
    let last = prev_char(text, at);
    last.is_some_and(names::is_cjk)
        || !next_char(text, at).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What closes a quoted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Close {
    None,
    Quote(char),
    EscapedQuote,
}

/// After a label ending at `e`: its closing quote, a separator (`:`, `=`,
/// `：`; optional when `need_sep` is false), and an opening quote or
/// bracket. The value's start and what closes it.
fn after_label(text: &str, e: usize, need_sep: bool) -> Option<(usize, Close)> {
    let b = text.as_bytes();
    let mut i = e;
    if b[i..].starts_with(b"\\\"") {
        i += 2;
    } else if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if matches!(b.get(i), Some(b':' | b'=')) {
        i += 1;
        if matches!(b.get(i), Some(b'>' | b'=')) {
            i += 1;
        }
    } else if text[i..].starts_with('：') {
        i += '：'.len_utf8();
    } else if need_sep {
        return None;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let mut close = Close::None;
    for _ in 0..3 {
        if b[i..].starts_with(b"\\\"") {
            close = Close::EscapedQuote;
            i += 2;
        } else if let Some(q @ (b'"' | b'\'')) = b.get(i) {
            close = Close::Quote(*q as char);
            i += 1;
        } else if text[i..].starts_with('「') {
            close = Close::Quote('」');
            i += '「'.len_utf8();
        } else if matches!(b.get(i), Some(b'{' | b'(' | b'[')) {
            i += 1;
        } else {
            break;
        }
    }
    (i < text.len()).then_some((i, close))
}

/// The longest value read after a label: every reader looks only this far,
/// so many labels on one long line cost no more than the line.
const VALUE_LIMIT: usize = 512;

/// `text[v..]`, at most [`VALUE_LIMIT`] bytes of it (on a character boundary).
fn window(text: &str, v: usize) -> &str {
    let mut end = (v + VALUE_LIMIT).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[v..end]
}

/// The end of a quoted value starting at `v`, on the same line.
fn closing(text: &str, v: usize, close: Close) -> Option<usize> {
    let near = window(text, v);
    let line = &near[..near.find(['\n', '\r']).unwrap_or(near.len())];
    let at = match close {
        Close::None => return None,
        Close::Quote(q) => line.find(q)?,
        Close::EscapedQuote => line.find("\\\"")?,
    };
    Some(v + at)
}

/// A value that is already a placeholder or says there is none.
fn is_empty_value(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v.starts_with('<')
        || ["n/a", "-", "none", "null", "(null)", "unknown", "undefined"]
            .iter()
            .any(|w| v.eq_ignore_ascii_case(w))
}

fn labelled(text: &str, e: usize, kind: &'static str, value: Value, hits: &mut Vec<Hit>) {
    let Some((v, close)) = after_label(text, e, value != Value::Guid) else {
        return;
    };
    if text[v..].starts_with('<') {
        return;
    }
    match value {
        Value::Guid => {
            if let Some(end) = guid_at(text.as_bytes(), v) {
                hits.push(Hit::learnt(text, v, end, kind));
                // MSAL's `home_account_id`: `<object id>.<tenant id>`.
                if text[end..].starts_with('.') {
                    if let Some(tenant) = guid_at(text.as_bytes(), end + 1) {
                        hits.push(Hit::learnt(text, end + 1, tenant, TENANT));
                    }
                }
            }
        }
        Value::Field => {
            let end = match closing(text, v, close) {
                Some(end) => end,
                None => field_end(text, v),
            };
            let value = text[v..end].trim_end();
            if !is_empty_value(value) {
                hits.push(Hit::learnt(text, v, v + value.len(), kind));
            }
        }
        Value::Host | Value::Domain | Value::Token => {
            let end = token_end(text, v, value == Value::Token);
            let token = &text[v..end];
            if is_empty_value(token) || (value == Value::Token && !is_serial(token)) {
                return;
            }
            if value == Value::Token {
                hits.push(Hit::of(v, end, kind, token.to_lowercase()));
            } else if value == Value::Domain {
                if !is_public_domain(token) {
                    hits.push(Hit::learnt(text, v, end, kind));
                }
            } else {
                hits.push(host(text, v, end, kind));
            }
        }
        Value::Person | Value::PersonStrict => {
            let end = match closing(text, v, close) {
                Some(end) => {
                    let name = &text[v..end];
                    let whole = names::forward(text, v) == Some(end);
                    if name.contains(['@', '<', '/'])
                        || !name.chars().any(char::is_alphabetic)
                        || name.chars().count() > 80
                        || (value == Value::PersonStrict
                            && !(whole && (name.contains(' ') || name.chars().any(names::is_cjk))))
                        || first_word_is_not_a_name(name)
                    {
                        return;
                    }
                    end
                }
                None if value == Value::PersonStrict => return,
                None => match names::forward(text, v) {
                    Some(end) => end,
                    // One word in Latin script (`megan`); Japanese text
                    // after a label that is not a name stays.
                    None => {
                        let end = token_end(text, v, true);
                        let token = &text[v..end];
                        if !token.chars().any(char::is_alphabetic)
                            || token.contains('@')
                            || token.chars().any(names::is_cjk)
                        {
                            return;
                        }
                        end
                    }
                },
            };
            if !is_empty_value(&text[v..end]) {
                hits.push(Hit::learnt(text, v, end, NAME));
            }
        }
        Value::Phone => {
            if let Some(end) = super::shapes::phone_after_label(text.as_bytes(), v) {
                let digits: String = text[v..end].chars().filter(char::is_ascii_digit).collect();
                hits.push(Hit::of(v, end, PHONE, digits));
            }
        }
    }
}

fn first_word_is_not_a_name(name: &str) -> bool {
    let first = name.split_whitespace().next().unwrap_or("");
    names::forward(first, 0).is_none()
        && first.chars().next().is_some_and(char::is_uppercase)
        && !first.chars().any(char::is_lowercase)
        || [
            "Microsoft",
            "Office",
            "Windows",
            "Teams",
            "Outlook",
            "Azure",
            "OneDrive",
        ]
        .contains(&first)
}

/// A host name's hit: the whole name, with its short name and its domain
/// learnt (`PC-0142.contoso.com`: `PC-0142`, `contoso.com`).
fn host(text: &str, v: usize, end: usize, kind: &'static str) -> Hit {
    let mut hit = Hit::learnt(text, v, end, kind);
    if let Some(dot) = text[v..end].find('.') {
        hit.learn.push((v, v + dot, kind));
        let domain = &text[v + dot + 1..end];
        if domain.contains('.') && !is_public_domain(domain) {
            hit.learn.push((v + dot + 1, end, DOMAIN));
        }
    }
    hit
}

fn is_serial(token: &str) -> bool {
    token.len() >= 4 && (token.bytes().any(|c| c.is_ascii_digit()) || token.len() >= 6)
}

/// The end of a field's value: the end of the line, a tab, `|`, `;`, `&`,
/// a quote, or the space before the next `Label:` / `Label=`.
fn field_end(text: &str, v: usize) -> usize {
    let b = &text.as_bytes()[..v + window(text, v).len()];
    let mut i = v;
    while i < b.len() {
        match b[i] {
            b'\n' | b'\r' | b'\t' | b'|' | b';' | b'&' | b'"' => break,
            b' ' => {
                // ` Word:` or ` Word=` starts another field.
                let word = b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
                    .count();
                let after = b.get(i + 1 + word);
                if word >= 2
                    && b[i + 1].is_ascii_alphabetic()
                    && matches!(after, Some(b':' | b'='))
                    && !matches!(b.get(i + 2 + word), Some(b'/' | b'\\'))
                {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    while i > v && matches!(b[i - 1], b' ' | b'.' | b',') {
        i -= 1;
    }
    i
}

/// The end of one token: letters, digits, `-`, `_`, `.` (and `\` in an
/// account name unless `strict`).
fn token_end(text: &str, v: usize, strict: bool) -> usize {
    let near = window(text, v);
    let end = near
        .char_indices()
        .find(|&(_, c)| {
            !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '\'') || (!strict && c == '\\'))
        })
        .map_or(v + near.len(), |(i, _)| v + i);
    let trimmed = text[v..end].trim_end_matches(['.', '\'', '-']);
    v + trimmed.len()
}

/// A GUID (8-4-4-4-12 hex digits) at `at`, standing alone: its end.
pub(super) fn guid_at(b: &[u8], at: usize) -> Option<usize> {
    let g = b.get(at..at + 36)?;
    let ok = g.iter().enumerate().all(|(i, &c)| match i {
        8 | 13 | 18 | 23 => c == b'-',
        _ => c.is_ascii_hexdigit(),
    });
    let after = b.get(at + 36);
    (ok && !after.is_some_and(|c| c.is_ascii_alphanumeric())).then_some(at + 36)
}

fn greeting(text: &str, s: usize, e: usize, hits: &mut Vec<Hit>) {
    if !starts_word(text, s) || !ends_word(text, e) {
        return;
    }
    let b = text.as_bytes();
    let mut i = e;
    let mut comma = false;
    if matches!(b.get(i), Some(b',' | b'!')) {
        comma = true;
        i += 1;
    }
    let spaces = b[i..].iter().take_while(|&&c| c == b' ').count();
    if spaces == 0 && !comma || spaces > 2 {
        return;
    }
    i += spaces;
    if let Some(end) = names::forward(text, i) {
        hits.push(Hit::learnt(text, i, end, NAME));
    }
}

fn honorific(text: &str, s: usize, e: usize, hits: &mut Vec<Hit>) {
    let suffix = &text[s..e];
    let next = next_char(text, e);
    // `様々`, `様式`, `様子`; `氏名` is a label.
    if (suffix == "様" && next.is_some_and(|c| "々式子相態".contains(c)))
        || (suffix == "氏" && next == Some('名'))
    {
        return;
    }
    let mut end = s;
    for space in [" ", "\u{3000}"] {
        if let Some(before) = text[..end].strip_suffix(space) {
            end = before.len();
            break;
        }
    }
    if let Some(start) = names::backward(text, end) {
        hits.push(Hit::learnt(text, start, end, NAME));
    }
}

/// Microsoft's own domains and public mail services: they name no one.
const PUBLIC_DOMAINS: &[&str] = &[
    "microsoft.com",
    "microsoftonline.com",
    "windows.net",
    "windows.com",
    "live.com",
    "outlook.com",
    "hotmail.com",
    "office.com",
    "office.net",
    "office365.com",
    "microsoft365.com",
    "onmicrosoft.com",
    "sharepoint.com",
    "msftauth.net",
    "msauth.net",
    "azure.com",
    "azure.net",
    "msn.com",
    "skype.com",
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.jp",
    "icloud.com",
    "me.com",
    "aol.com",
    "example.com",
    "example.org",
    "example.net",
    "localhost",
];

pub(super) fn is_public_domain(domain: &str) -> bool {
    let d = domain.trim_start_matches('.').as_bytes();
    PUBLIC_DOMAINS.iter().any(|p| {
        let p = p.as_bytes();
        d.len() >= p.len()
            && d[d.len() - p.len()..].eq_ignore_ascii_case(p)
            && (d.len() == p.len() || d[d.len() - p.len() - 1] == b'.')
    })
}

/// Endings of file names that are not a domain's last label
/// (`teams-megan@contoso.com.log`).
const FILE_EXTENSIONS: &[&str] = &[
    "log", "txt", "json", "har", "evtx", "etl", "zip", "csv", "xml", "htm", "html", "reg", "cab",
    "gz", "7z", "png", "jpg", "md", "out", "err",
];

fn is_local_char(c: char, encoded: bool) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '.' | '_' | '-' | '\'')
        || (!encoded && c == '+')
        || (!c.is_ascii() && c.is_alphanumeric() && !names::is_cjk(c))
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '-'
        || (!c.is_ascii() && c.is_alphanumeric() && !names::is_cjk(c))
}

/// An e-mail address around the at-sign spelling at `s..e` (`@`, `%40`,
/// `%2540`, `\u0040`, `=40`, `&#64;`, `＠`): the address (one placeholder
/// for every spelling), its domain (learnt), and a display name before it
/// (`Lee Gu <lee.gu@…>`).
fn email(text: &str, s: usize, e: usize, hits: &mut Vec<Hit>) {
    let sign = &text[s..e];
    let encoded = !(sign == "@" || sign == "＠");
    let b = text.as_bytes();
    // The local part, backwards.
    let mut local = s;
    for (i, c) in text[..s].char_indices().rev() {
        if !is_local_char(c, encoded) || s - i > 64 {
            break;
        }
        local = i;
    }
    // It starts after an escape it ran into: `%3Dlynne`, `%253Dlynne`, `\u0022megan`, `=3Dmegan`.
    if local > 0
        && b[local - 1] == b'%'
        && s - local > 2
        && b[local].is_ascii_hexdigit()
        && b[local + 1].is_ascii_hexdigit()
    {
        local += 2;
        while local >= 3
            && &b[local - 3..local] == b"%25"
            && s - local > 2
            && b[local].is_ascii_hexdigit()
            && b[local + 1].is_ascii_hexdigit()
        {
            local += 2;
        }
    } else if local > 0
        && b[local - 1] == b'\\'
        && b[local..s].len() > 5
        && b[local] == b'u'
        && b[local + 1..local + 5].iter().all(u8::is_ascii_hexdigit)
    {
        local += 5;
    } else if sign == "=40"
        && local > 0
        && b[local - 1] == b'='
        && s - local > 2
        && b[local].is_ascii_hexdigit()
        && b[local + 1].is_ascii_hexdigit()
    {
        local += 2;
    }
    let local_part = text[local..s].trim_start_matches(['.', '-', '\'']);
    let local = s - local_part.len();
    if local_part.is_empty() || !local_part.chars().any(char::is_alphanumeric) {
        return;
    }
    // The domain, forwards: labels, the last one letters only.
    let mut labels: Vec<(usize, usize)> = Vec::new();
    let mut i = e;
    while labels.len() < 16 {
        let end = window(text, i)
            .char_indices()
            .find(|&(_, c)| !is_domain_char(c))
            .map_or(i + window(text, i).len(), |(n, _)| i + n);
        if end == i {
            break;
        }
        labels.push((i, end));
        if text[end..].starts_with('.')
            && text[end + 1..].chars().next().is_some_and(is_domain_char)
        {
            i = end + 1;
        } else {
            break;
        }
    }
    if labels.len() >= 3 {
        let (ls, le) = labels[labels.len() - 1];
        if FILE_EXTENSIONS
            .iter()
            .any(|x| text[ls..le].eq_ignore_ascii_case(x))
        {
            labels.pop();
        }
    }
    // `megan@contoso.com-0x80070C01.log`: the address ends where the name goes on.
    if let Some(last) = labels.last_mut() {
        let label = &text[last.0..last.1];
        let letters = label.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters >= 2 && letters < label.len() && matches!(label.as_bytes()[letters], b'-' | b'_')
        {
            last.1 = last.0 + letters;
        }
    }
    while let Some(&(ls, le)) = labels.last() {
        let tld = &text[ls..le];
        if (tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic()))
            || tld.starts_with("xn--")
        {
            break;
        }
        labels.pop();
    }
    if labels.len() < 2 {
        return;
    }
    let domain_end = labels[labels.len() - 1].1;
    let domain = &text[e..domain_end];
    if encoded && !local_part.chars().any(char::is_alphabetic) {
        return;
    }
    let address = format!("{}@{}", local_part.to_lowercase(), domain.to_lowercase());
    let mut hit = Hit::of(local, domain_end, EMAIL, address);
    if !is_public_domain(domain) {
        hit.learn.push((e, domain_end, DOMAIN));
    }
    hits.push(hit);
    // `Lee Gu <lee.gu@…>`, `"Gu, Lee" <…>`, `山田 太郎 <…>`.
    let mut before = &text[..local];
    before = before.strip_suffix("mailto:").unwrap_or(before);
    let Some(open) = before
        .strip_suffix('<')
        .or_else(|| before.strip_suffix('('))
        .or_else(|| before.strip_suffix("&lt;"))
    else {
        return;
    };
    let trimmed = open.trim_end_matches([' ', '\u{3000}']);
    if let Some(quoted) = trimmed.strip_suffix('"') {
        if let Some(q) = quoted.rfind('"') {
            let name = &quoted[q + 1..];
            if !name.is_empty() && !name.contains(['@', '<']) && name.chars().count() <= 80 {
                hits.push(Hit::learnt(text, q + 1, quoted.len(), NAME));
            }
        }
    } else if let Some(start) = names::backward(text, trimmed.len()) {
        hits.push(Hit::learnt(text, start, trimmed.len(), NAME));
    }
}

/// The path separator after a sign-in host (`/`, `\/`, `%2F`, `%252F`).
fn path_separator(text: &str, at: usize) -> Option<usize> {
    let rest = &text.as_bytes()[at..];
    for sep in [&b"/"[..], b"\\/", b"%2f", b"%252f"] {
        if rest.len() >= sep.len() && rest[..sep.len()].eq_ignore_ascii_case(sep) {
            return Some(at + sep.len());
        }
    }
    None
}

/// The tenant in a sign-in URL: `login.microsoftonline.com/<guid>/…` or
/// `…/contoso.com/…` (a `*.onmicrosoft.com` tenant is its own trigger).
fn login_host(text: &str, _s: usize, e: usize, hits: &mut Vec<Hit>) {
    let Some(v) = path_separator(text, e) else {
        return;
    };
    if let Some(end) = guid_at(text.as_bytes(), v) {
        hits.push(Hit::learnt(text, v, end, TENANT));
        return;
    }
    let near = window(text, v);
    let end = near
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .map_or(v + near.len(), |n| v + n);
    let segment = text[v..end].trim_end_matches('.');
    let end = v + segment.len();
    if segment.contains('.')
        && !segment.to_ascii_lowercase().ends_with(".onmicrosoft.com")
        && segment
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()))
        && !is_public_domain(segment)
    {
        hits.push(Hit::learnt(text, v, end, DOMAIN));
    }
}

/// The tenant's name before `.onmicrosoft.com` (`.mail.onmicrosoft.com`
/// too) and before `.sharepoint.com` (`contoso-my`, `contoso-admin`).
fn tenant_suffix(text: &str, s: usize, e: usize, sharepoint: bool, hits: &mut Vec<Hit>) {
    if next_char(text, e).is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
        return;
    }
    let label_before = |to: usize| {
        let start = text[..to]
            .char_indices()
            .rev()
            .take_while(|&(i, c)| (c.is_ascii_alphanumeric() || c == '-') && to - i <= 64)
            .last()
            .map_or(to, |(i, _)| i);
        (start, to)
    };
    let (mut start, mut end) = label_before(s);
    if !sharepoint
        && text[start..end].eq_ignore_ascii_case("mail")
        && start > 0
        && text[..start].ends_with('.')
    {
        (start, end) = label_before(start - 1);
    }
    if sharepoint {
        let lower = text[start..end].to_ascii_lowercase();
        for suffix in ["-myfiles", "-files", "-admin", "-my"] {
            if lower.ends_with(suffix) {
                end -= suffix.len();
                break;
            }
        }
    }
    // After a percent-escape (`%2Fadatum.onmicrosoft.com`) the name starts after it.
    if start > 0 && text.as_bytes()[start - 1] == b'%' && end - start > 2 {
        start += 2;
    }
    if end > start {
        hits.push(Hit::learnt(text, start, end, TENANT_NAME));
    }
}

/// The user's folder after `\Users\`, `/home/` and their escaped forms.
fn profile(text: &str, e: usize, hits: &mut Vec<Hit>) {
    let near = window(text, e);
    let end = near
        .find([
            '\\', '/', ' ', '"', '\'', ';', ',', '%', '?', '#', '&', ')', '<', '>', '|', ':', '\n',
            '\r', '\t',
        ])
        .map_or(e + near.len(), |n| e + n);
    let name = &text[e..end];
    if name.is_empty()
        || name.starts_with('<')
        || [
            "public",
            "default",
            "all users",
            "default user",
            "defaultuser0",
            "shared",
            "me",
            ".",
        ]
        .iter()
        .any(|w| name.eq_ignore_ascii_case(w))
    {
        return;
    }
    hits.push(Hit::learnt(text, e, end, USER));
}

/// A domain or Entra ID security identifier: `S-1-5-21-` and three
/// numbers (and a RID), `S-1-12-1-` and four.
fn sid(text: &str, s: usize, e: usize, numbers: usize, hits: &mut Vec<Hit>) {
    if prev_char(text, s).is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
        return;
    }
    let b = text.as_bytes();
    let mut i = e;
    let mut count = 0;
    loop {
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            break;
        }
        count += 1;
        i += digits;
        if b.get(i) == Some(&b'-') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            break;
        }
    }
    if count >= numbers && !b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
        hits.push(Hit::of(s, i, SID, text[s..i].to_ascii_lowercase()));
    }
}

/// Windows' default computer names: `DESKTOP-` and `LAPTOP-` and seven
/// characters (or a chosen suffix in capitals), `WIN-`, Cloud PCs' `CPC-`.
fn host_shape(text: &str, s: usize, e: usize, hits: &mut Vec<Hit>) {
    if prev_char(text, s).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return;
    }
    let prefix = &text[s..e];
    let upper = prefix.bytes().all(|c| !c.is_ascii_lowercase());
    let cloud = prefix.eq_ignore_ascii_case("cpc-");
    let near = window(text, e);
    let end = near
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map_or(e + near.len(), |n| e + n);
    let suffix = text[e..end].trim_end_matches('-');
    let end = e + suffix.len();
    let digit = suffix.bytes().any(|c| c.is_ascii_digit());
    let min = if prefix.eq_ignore_ascii_case("win-") {
        8
    } else {
        4
    };
    let ok = if cloud {
        suffix.len() >= 5
    } else if upper {
        suffix.len() >= min && suffix.len() <= 15 && suffix.bytes().all(|c| !c.is_ascii_lowercase())
    } else {
        suffix.len() == 7 && digit && suffix.bytes().all(|c| !c.is_ascii_uppercase())
    };
    if ok {
        hits.push(Hit::learnt(text, s, end, DEVICE_NAME));
    }
}

/// The organisation in a OneDrive folder name (`OneDrive - Contoso Ltd`).
fn onedrive(text: &str, e: usize, hits: &mut Vec<Hit>) {
    let near = window(text, e);
    let end = near
        .find(['\\', '/', '"', '\'', '\n', '\r', '\t', '%', '<', '|'])
        .map_or(e + near.len(), |n| e + n);
    let org = text[e..end].trim_end();
    if org.chars().count() >= 2 && !org.eq_ignore_ascii_case("personal") && !org.starts_with('<') {
        hits.push(Hit::learnt(text, e, e + org.len(), TENANT_NAME));
    }
}

/// Whether a learnt value is worth replacing wherever it stands: long
/// enough, and not a word that would then vanish from every report.
pub(super) fn worth_learning(kind: &'static str, value: &str) -> bool {
    let chars = value.chars().count();
    let cjk = value.chars().next().is_some_and(names::is_cjk);
    if value.contains(['<', '>', '\n']) || chars > 120 {
        return false;
    }
    match kind {
        NAME => {
            (cjk && chars >= 2)
                || (chars >= 3 && value.chars().next().is_some_and(char::is_uppercase))
        }
        USER => {
            chars >= 4
                && ![
                    "admin",
                    "administrator",
                    "user",
                    "users",
                    "guest",
                    "default",
                    "public",
                    "system",
                    "localservice",
                    "local service",
                    "networkservice",
                    "network service",
                    "nt authority\\system",
                    "systemprofile",
                    "wdagutilityaccount",
                ]
                .iter()
                .any(|w| value.eq_ignore_ascii_case(w))
        }
        DOMAIN => {
            chars >= 3
                && !is_public_domain(value)
                && !["workgroup", "azuread", "builtin", "nt authority", "local"]
                    .iter()
                    .any(|w| value.eq_ignore_ascii_case(w))
        }
        TENANT_NAME => {
            chars >= 3
                && !["common", "organizations", "consumers"]
                    .iter()
                    .any(|w| value.eq_ignore_ascii_case(w))
        }
        // A host name's shape (`PC-0142`, `DESKTOP-…`, `srv01`, `MEGANSPC`):
        // a word such as `Windows` after `Computer:` is replaced there only.
        DEVICE_NAME => {
            chars >= 3
                && !value.eq_ignore_ascii_case("localhost")
                && (value.contains(['-', '.'])
                    || value.bytes().any(|c| c.is_ascii_digit())
                    || value.bytes().all(|c| c.is_ascii_uppercase()))
        }
        TENANT | DEVICE | OBJECT | KEY => chars == 36,
        CERTIFICATE => chars >= 16,
        _ => false,
    }
}

/// Whether a known value found at `s..e` stands alone: not part of a longer
/// word (Japanese has no spaces, so a Japanese value always does), and a
/// domain not part of a longer domain.
pub(super) fn stands_alone(text: &str, s: usize, e: usize, value: &str, with: &With) -> bool {
    let domain = matches!(with, With::Placeholder(DOMAIN, _));
    // `contoso.com` is not `contoso.com.au`; a NetBIOS name (`CONTOSO`) is
    // a word of any host name (`nas.contoso.local`).
    let dotted = domain && value.contains('.');
    let first_cjk = value.chars().next().is_some_and(names::is_cjk);
    let last_cjk = value.chars().next_back().is_some_and(names::is_cjk);
    let before_ok = first_cjk
        || !prev_char(text, s)
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || (c == '-' && !domain));
    let after = next_char(text, e);
    let after_ok = last_cjk
        || !(after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
            || (dotted
                && after == Some('.')
                && next_char(text, e + 1).is_some_and(|c| c.is_alphanumeric())));
    before_ok && after_ok && !inside_placeholder(text, s, e)
}

/// Whether `s..e` lies inside a placeholder or marker (`<secret:cookie>`,
/// `<name-1>`): they are never redacted again.
fn inside_placeholder(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    let from = s.saturating_sub(24);
    let open = b[from..s].iter().rposition(|&c| c == b'<' || c == b'>');
    let close = b[e..(e + 24).min(b.len())]
        .iter()
        .position(|&c| c == b'<' || c == b'>');
    matches!(open, Some(o) if b[from + o] == b'<') && matches!(close, Some(c) if b[e + c] == b'>')
}
