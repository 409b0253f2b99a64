//! Extraction: every error code, identifier, app, event id and known dialog
//! text in a text, with the line it came from.
//!
//! Precision matters as much as recall. A number is reported as a code only
//! when its shape is unambiguous (`0x…` with a known meaning, `CAA…`,
//! `AADSTS…`, a signed or unsigned 32-bit decimal that decodes to a known
//! failure) or when a label right before it says it is one (`Error 1001`,
//! `[1001]` after "Something went wrong", `Status: 0x80000005`). Versions,
//! dates, times, ports, sizes, line numbers and GUID fragments are not codes.

use m365doctor_codes::grammar::{self, CodeToken, Form};
use m365doctor_codes::structure::{is_caa, HResultFields, NtStatusFields};
use m365doctor_codes::tables::{self, NameKind};

/// How a code was written, which bounds how sure we are that it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Certainty {
    /// A bare number that only its label makes a code.
    Labelled,
    /// A value whose shape and meaning make it a code on its own.
    Shape,
    /// `AADSTS…`, `CAA…`: unmistakable.
    Explicit,
}

/// A code found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCode {
    pub token: CodeToken,
    pub line: usize,
    pub certainty: Certainty,
}

/// A labelled identifier or time stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundId {
    pub kind: IdKind,
    pub value: String,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    Correlation,
    Request,
    Trace,
    Timestamp,
}

/// Everything found in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub codes: Vec<FoundCode>,
    pub ids: Vec<FoundId>,
    pub apps: Vec<&'static str>,
    /// (event id, line) for lines that name an event of the AAD or device
    /// registration logs.
    pub events: Vec<(u32, usize)>,
    /// The ids already in `ids`: a log with a new correlation id on every
    /// line must not be read in quadratic time.
    seen_ids: std::collections::HashSet<(IdKind, String)>,
}

impl Extracted {
    /// Adds an identifier the first time it is seen.
    fn add_id(&mut self, kind: IdKind, value: String, line: usize) {
        if self.seen_ids.insert((kind, value.clone())) {
            self.ids.push(FoundId { kind, value, line });
        }
    }
}

pub(crate) const LABELS: &[&str] = &[
    "error",
    "errors",
    "err",
    "code",
    "codes",
    "errorcode",
    "error_code",
    "status",
    "statuscode",
    "hr",
    "hresult",
    "result",
    "fail",
    "failed",
    "failure",
    "suberror",
    "sub-error",
    "exit",
    "returned",
    "tag",
    "number",
    "no",
];
const JA_LABELS: &[&str] = &[
    "エラー",
    "コード",
    "状態",
    "ステータス",
    "結果",
    "失敗",
    "番号",
];

/// App names as they appear in dialogs and logs, with the knowledge base's id.
const APPS: &[(&str, &str)] = &[
    ("outlook", "outlook"),
    ("teams", "teams"),
    ("ms-teams", "teams"),
    ("onedrive", "onedrive"),
    ("winword", "word"),
    ("microsoft word", "word"),
    ("excel", "excel"),
    ("powerpoint", "powerpoint"),
    ("microsoft 365 apps", "office"),
    ("microsoft office", "office"),
    ("office 365", "office"),
    ("microsoft edge", "edge"),
    ("msedge", "edge"),
    ("company portal", "company-portal"),
    ("ポータル サイト", "company-portal"),
    ("az login", "azure-cli"),
    ("azure cli", "azure-cli"),
    ("git credential manager", "git-credential-manager"),
    ("git-credential-manager", "git-credential-manager"),
    ("gcm_trace", "git-credential-manager"),
    ("dsregcmd", "windows"),
    ("access work or school", "windows"),
    ("職場または学校にアクセスする", "windows"),
    ("windows hello", "windows"),
    ("microsoft-windows-aad", "windows"),
    ("user device registration", "windows"),
    ("windows needs your current credentials", "windows"),
    ("tokenbroker", "windows"),
];

/// Event ids of Microsoft-Windows-AAD and User Device Registration that
/// carry sign-in evidence.
pub(crate) const EVENT_IDS: &[u32] = &[
    201, 204, 220, 304, 305, 307, 1006, 1007, 1022, 1081, 1084, 1088, 1097, 1098, 1104, 1144,
];

/// Extracts everything from a text. Lines are numbered from 1.
pub fn extract(text: &str) -> Extracted {
    extract_until(text, &|| false)
}

/// [`extract`], ending early (with what was found so far) once `stop`
/// says so; asked every few thousand lines and pieces of a long line, so
/// that a server can end a diagnosis whose caller gave up.
pub fn extract_until(text: &str, stop: &dyn Fn() -> bool) -> Extracted {
    const EVERY: usize = 4096;
    let mut out = Extracted::default();
    let mut since = EVERY - 1; // asked at the first piece too
    for (n, line) in text.lines().enumerate() {
        for piece in pieces(line) {
            since += 1;
            if since >= EVERY {
                since = 0;
                if stop() {
                    return out;
                }
            }
            apps(piece, &mut out);
            extract_line(piece, n + 1, &mut out);
        }
    }
    out
}

/// Very long lines (minified JSON, a log without newlines) are cut into
/// pieces of at most 64 KiB at a space or punctuation, so that the memory
/// used stays bounded whatever the input.
pub fn pieces(line: &str) -> impl Iterator<Item = &str> {
    const MAX: usize = 64 * 1024;
    let mut rest = line;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if rest.len() <= MAX {
            let piece = rest;
            rest = "";
            return Some(piece);
        }
        let mut cut = MAX;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Prefer a cut that does not split a word.
        if let Some(i) = rest[..cut].rfind(|c: char| !is_word_char(c)) {
            if i > MAX / 2 {
                cut = i + rest[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        Some(piece)
    })
}

fn apps(text: &str, out: &mut Extracted) {
    // One pass of one automaton per piece (a lowercased copy and a search
    // per name made extraction several times slower than `scan`).
    let mut found = [false; APPS.len()];
    for m in APP_MATCHER.find_overlapping_iter(text) {
        found[m.pattern().as_usize()] = true;
    }
    for (i, (_, id)) in APPS.iter().enumerate() {
        if found[i] && !out.apps.contains(id) {
            out.apps.push(id);
        }
    }
    // "Word" and "Edge" are common words: only their capitalised product use counts.
    for (word, id) in [("Word", "word"), ("Edge", "edge")] {
        if !out.apps.contains(&id) && has_capitalised_word(text, word) {
            out.apps.push(id);
        }
    }
}

/// The app names of [`APPS`], in its order, matched without regard to ASCII case.
static APP_MATCHER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            // A DFA: the overlapping search runs on every line of every input.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(APPS.iter().map(|(name, _)| name))
            .expect("a few dozen short constant patterns")
    });

fn has_capitalised_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
    })
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/' | '.' | '+')
}

/// The words of a line with their byte offsets.
fn words(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = line.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        // Word characters are ASCII, so byte offsets are char boundaries.
        while i < bytes.len() && !is_word_byte(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && is_word_byte(bytes[i]) {
            i += 1;
        }
        Some((start, &line[start..i]))
    })
}

pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'/' | b'.' | b'+')
}

/// A GUID in its usual 8-4-4-4-12 form.
pub fn is_guid(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether a Japanese label (`エラー`, `コード`, …, or Teams' `問題が発生しました`)
/// stands in the 72 bytes before position `at` of `line` (UTF-8). Shared
/// with scan's prefilter, which must find every labelled number.
pub(crate) fn ja_label_before(line: &[u8], at: usize) -> bool {
    let is_inside_char = |b: u8| b & 0xC0 == 0x80;
    let mut start = at.saturating_sub(72);
    while start < at && is_inside_char(line[start]) {
        start += 1;
    }
    let tail = &line[start..at];
    !tail.is_ascii() && JA_LABEL_MATCHER.is_match(tail)
}

/// One pass over the bytes for all Japanese labels (built on first use:
/// scan asks for every number near Japanese text).
static JA_LABEL_MATCHER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(JA_LABELS.iter().chain(&["問題が発生しました"]))
            .expect("a handful of short constant patterns")
    });

/// Whether the words just before position `at` label what follows as a code.
/// `prev` holds the three words before position `at`, nearest first, as the
/// caller's word walk saw them (so the line is not walked again).
fn labelled(line: &str, at: usize, prev: [&str; 3]) -> bool {
    // Only the last few words matter; looking further would make long lines quadratic.
    let mut start = at.saturating_sub(96);
    while !line.is_char_boundary(start) {
        start += 1;
    }
    let before = &line[start..at];
    if ja_label_before(line.as_bytes(), at) {
        return true;
    }
    // The last three words, nearest first, without allocating.
    let nearest = prev[0];
    fn is(w: &str, list: &[&str]) -> bool {
        let w = w.trim_matches(['.', '-', '/']);
        list.iter().any(|l| w.eq_ignore_ascii_case(l))
    }
    if prev
        .iter()
        .any(|w| is(w, &["http", "line", "port", "version", "build"]))
    {
        return false;
    }
    // Office shows the code on its own line under the message: `[1001]`.
    if before.trim() == "[" {
        return true;
    }
    if is(prev[0], LABELS) {
        return true;
    }
    // A symbolic name right before the number (`NTE_BAD_KEYSET 80090016`).
    if nearest.contains('_')
        && nearest
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return true;
    }
    if is(prev[1], LABELS) && (is(prev[0], LABELS) || is(prev[0], &["code", "is"])) {
        return true;
    }
    // `Something went wrong [1001]`
    before.trim_end().ends_with('[') && before.to_ascii_lowercase().contains("wrong")
}

/// A cheap test of a word's shape before the real decoding: most words of a
/// log (ids, sizes, dates) are rejected here.
fn could_be_code(word: &str) -> bool {
    let b = word.as_bytes();
    if b.len() > 2 && b[0] == b'0' && (b[1] | 0x20) == b'x' {
        return true;
    }
    if b.len() > 6 && b[..6].eq_ignore_ascii_case(b"aadsts") {
        return true;
    }
    if word.contains('/') {
        return true;
    }
    let digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    if matches!(b[0], b'-' | b'+') {
        return digits(&b[1..]);
    }
    digits(b) || (3..=8).contains(&b.len()) && b.iter().all(u8::is_ascii_hexdigit)
}

/// A 32-bit value with a meaning anyone would recognise as an error code.
fn known_wide(v: u32) -> bool {
    is_caa(v)
        || !tables::curated(v).is_empty()
        || tables::win_names(v)
            .iter()
            .any(|n| matches!(n.kind, NameKind::HResult | NameKind::NtStatus))
}

/// A failure value by layout, known or not.
fn failure_layout(v: u32) -> bool {
    HResultFields::of(v).is_failure() || NtStatusFields::of(v).severity == 3 || is_caa(v)
}

/// A small decimal with a name: Office dialog code, WinINet/WinHTTP or Win32 error.
fn known_small(v: u32) -> bool {
    // 0 is success, never a failure code.
    let named = || {
        !tables::curated(v).is_empty()
            || tables::win_names(v).iter().any(|n| {
                matches!(
                    n.kind,
                    NameKind::Win32 | NameKind::WinInet | NameKind::WinHttp
                )
            })
            || tables::aadsts(v).is_some()
    };
    v != 0 && named()
}

/// Decides whether one word is a code, and how sure that is.
fn classify(word: &str, is_labelled: bool) -> Option<Certainty> {
    let lower = word.to_ascii_lowercase();
    if lower.starts_with("aadsts") {
        return Some(Certainty::Explicit);
    }
    if lower.len() == 8 && lower.starts_with("caa") && lower.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Some(Certainty::Explicit);
    }
    let token = grammar::code_token(word)?;
    let reading = token.readings.first()?;
    let v = reading.value;
    match reading.form {
        Form::Aadsts => Some(Certainty::Explicit),
        Form::Hex if v > 0xFFFF => {
            if known_wide(v) {
                Some(Certainty::Shape)
            } else if failure_layout(v) && is_labelled {
                Some(Certainty::Labelled)
            } else {
                None
            }
        }
        Form::Hex => (is_labelled && v != 0 && known_small(v)).then_some(Certainty::Labelled),
        Form::HexBare => {
            if lower.len() != 8 {
                return None;
            }
            // All-digit eight-character words are dates and sizes as often as codes.
            let all_digits = lower.bytes().all(|b| b.is_ascii_digit());
            if known_wide(v) && (is_labelled || !all_digits) {
                Some(if is_labelled {
                    Certainty::Shape
                } else {
                    Certainty::Labelled
                })
            } else if is_labelled && failure_layout(v) {
                Some(Certainty::Labelled)
            } else {
                // An eight-digit decimal read as hex first: try the decimal reading.
                token
                    .readings
                    .iter()
                    .find(|r| r.form == Form::Unsigned)
                    .filter(|r| is_labelled && known_small(r.value))
                    .map(|_| Certainty::Labelled)
            }
        }
        Form::Signed => (v >= 0x8000_0000 && known_wide(v)).then_some(Certainty::Shape),
        Form::Unsigned => {
            let digits = lower.trim_start_matches('+').len();
            if digits == 10 && v >= 0x8000_0000 && known_wide(v) {
                Some(Certainty::Shape)
            } else if digits <= 7 && is_labelled && known_small(v) && !(100..=599).contains(&v) {
                // 100–599 after a label is an HTTP status (`Status Code: 400`).
                Some(Certainty::Labelled)
            } else {
                None
            }
        }
    }
}

/// What a word of a line turned out to be.
pub enum Hit<'a> {
    Code(&'a str, Certainty),
    Event(u32),
}

/// Calls `f` for every code (and event id) in one line. Allocates nothing
/// for words that cannot start a code, which is most of a log.
pub fn hits<'a>(line: &'a str, mut f: impl FnMut(Hit<'a>)) {
    let mut prev: [&str; 3] = [""; 3];
    for (at, raw) in words(line) {
        let before_words = prev;
        prev = [raw, prev[0], prev[1]];
        // Codes start with a digit, a sign, hex letters (`CAA…`, `c0000234`) or `AADSTS`.
        let first = raw.as_bytes()[0];
        if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'a'..=b'f' | b'A'..=b'F'))
            || raw.len() > 32
        {
            continue;
        }
        let word = raw
            .trim_end_matches(['.', '-', '/', '_', '+'])
            .trim_start_matches(['.', '/', '_', '+']);
        if word.is_empty() || is_guid(word) {
            continue;
        }
        // Versions, IP addresses and domain names contain inner dots.
        if word.contains('.') || !could_be_code(word) {
            continue;
        }
        if let Some(event) = event_id(line, at, word) {
            f(Hit::Event(event));
            continue;
        }
        // A number followed by `:digit` or preceded by `digit:` is a time.
        let after = &line[at + raw.len()..];
        let before = &line[..at];
        if after.starts_with(':') && after[1..].starts_with(|c: char| c.is_ascii_digit())
            || before.ends_with(':')
                && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        // A code on a line of its own is a code someone copied on purpose
        // (a dialog's code under its label, a code pasted alone).
        let alone = before.trim().is_empty() && after.trim().is_empty() && word.len() >= 4;
        let is_labelled = if before.trim() == "[" {
            word.len() >= 4 && after.trim() == "]"
        } else {
            alone || labelled(line, at, before_words)
        };
        // Short all-digit words (ids, sizes, counts) are codes only with a label.
        if !is_labelled && word.len() <= 8 && word.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let certainty = if let Some((a, b)) = word.split_once('/') {
            // A pair counts when both halves are 32-bit codes (dsregcmd's
            // phase/sub-error); `11/12` is a date and `1/3` a fraction.
            let wide = |w: &str| {
                grammar::code_token(w).is_some_and(|t| t.readings.iter().any(|r| r.value > 0xFFFF))
            };
            match (classify(a, true), classify(b, true)) {
                (Some(x), Some(_)) if wide(a) && wide(b) => Some(x.max(Certainty::Shape)),
                _ => None,
            }
        } else {
            classify(word, is_labelled)
        };
        if let Some(certainty) = certainty {
            f(Hit::Code(word, certainty));
        }
    }
}

fn extract_line(line: &str, n: usize, out: &mut Extracted) {
    hits(line, |hit| match hit {
        Hit::Event(event) => out.events.push((event, n)),
        Hit::Code(word, certainty) => {
            if let Some(token) = grammar::code_token(word) {
                out.codes.push(FoundCode {
                    token,
                    line: n,
                    certainty,
                });
            }
        }
    });
    json_error_codes(line, n, out);
    ids(line, n, out);
    // A redirect URL pasted from the address bar carries the error page's
    // text percent-encoded (`Correlation+ID%3a+…`): its ids count too.
    if line.contains("%3a") || line.contains("%3A") {
        ids(&crate::container::har::percent_decode(line), n, out);
    }
}

/// `EventID=1098`, `Event ID: 1098`, `イベント ID 1098`.
fn event_id(line: &str, at: usize, word: &str) -> Option<u32> {
    let v: u32 = word.parse().ok()?;
    if !EVENT_IDS.contains(&v) {
        return None;
    }
    let before: String = line[..at]
        .chars()
        .rev()
        .take(14)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let lower = before.to_lowercase().replace([' ', '_'], "");
    (lower.ends_with("eventid=")
        || lower.ends_with("eventid:")
        || lower.ends_with("eventid")
        || lower.ends_with("イベントid")
        || lower.ends_with("イベントid:"))
    .then_some(v)
}

/// AADSTS numbers in JSON: `"error_codes":[50126,50053]`.
fn json_error_codes(line: &str, n: usize, out: &mut Extracted) {
    let mut rest = line;
    while let Some(i) = rest.find("error_codes") {
        let after = &rest[i + "error_codes".len()..];
        let Some(open) = after.find('[') else { break };
        let Some(close) = after[open..].find(']') else {
            break;
        };
        if open > 4 {
            rest = after;
            continue;
        }
        for number in after[open + 1..open + close].split(',') {
            let number = number.trim().trim_matches('"');
            if let Ok(code) = number.parse::<u32>() {
                if let Some(token) = grammar::code_token(&format!("AADSTS{code}")) {
                    out.codes.push(FoundCode {
                        token,
                        line: n,
                        certainty: Certainty::Explicit,
                    });
                }
            }
        }
        rest = &after[open + close..];
    }
}

const ID_LABELS: &[(&str, IdKind)] = &[
    ("correlation id", IdKind::Correlation),
    ("correlationid", IdKind::Correlation),
    ("correlation_id", IdKind::Correlation),
    ("client-request-id", IdKind::Correlation),
    ("相関 id", IdKind::Correlation),
    ("相関id", IdKind::Correlation),
    ("request id", IdKind::Request),
    ("requestid", IdKind::Request),
    ("request_id", IdKind::Request),
    ("x-ms-request-id", IdKind::Request),
    ("要求 id", IdKind::Request),
    ("要求id", IdKind::Request),
    ("trace id", IdKind::Trace),
    ("traceid", IdKind::Trace),
    ("trace_id", IdKind::Trace),
    ("timestamp", IdKind::Timestamp),
    ("time stamp", IdKind::Timestamp),
    ("タイムスタンプ", IdKind::Timestamp),
];

fn ids(line: &str, n: usize, out: &mut Extracted) {
    // Every label at every place, in one pass, whatever its case (the
    // automaton matches ASCII letters either way, so offsets are the line's own).
    for m in ID_LABEL_MATCHER.find_overlapping_iter(line) {
        let (label, kind) = ID_LABELS[m.pattern().as_usize()];
        // `x-ms-request-id` also contains `request-id`; `client-request-id` is not `request id`.
        let before = &line.as_bytes()[..m.start()];
        if label == "request id"
            && before.len() >= 7
            && before[before.len() - 7..].eq_ignore_ascii_case(b"client-")
        {
            continue;
        }
        if let Some(value) = id_value(&line[m.end()..], kind) {
            out.add_id(kind, value, n);
        }
    }
}

/// The labels of [`ID_LABELS`], matched without regard to ASCII case.
static ID_LABEL_MATCHER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(ID_LABELS.iter().map(|(label, _)| label))
            .expect("a few dozen short constant patterns")
    });

/// The value after a label: a GUID or hex/alphanumeric id, or a time stamp.
fn id_value(rest: &str, kind: IdKind) -> Option<String> {
    let separators = |c: char| matches!(c, ' ' | ':' | '=' | '"' | '\'' | '：' | '\t' | '>');
    let mut rest = rest.trim_start_matches(separators);
    // `correlation ID (request): …`
    if rest.starts_with('(') {
        if let Some(close) = rest
            .char_indices()
            .take(24)
            .find(|(_, c)| *c == ')')
            .map(|(i, _)| i)
        {
            rest = rest[close + 1..].trim_start_matches(separators);
        }
    }
    if kind == IdKind::Timestamp {
        return timestamp(rest);
    }
    let value: String = rest
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .take(64)
        .collect();
    (is_guid(&value) || (value.len() >= 16 && value.chars().all(|c| c.is_ascii_hexdigit())))
        .then_some(value)
}

/// A date and time as written: digits and separators, a `T`, a zone, an
/// `AM`/`PM`; it ends at the first space that is not followed by a digit.
fn timestamp(rest: &str) -> Option<String> {
    let chars: Vec<char> = rest.chars().take(48).collect();
    let mut end = 0;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let ok = c.is_ascii_digit()
            || matches!(c, '-' | '/' | ':' | '.' | '+' | 'T' | 'Z')
            || c == ' ' && next.is_some_and(|n| n.is_ascii_digit() || n == 'A' || n == 'P');
        if !ok {
            break;
        }
        end = i + 1;
    }
    let mut value: String = chars[..end].iter().collect();
    let tail: String = chars[end..].iter().take(2).collect();
    if value.ends_with(' ') && (tail == "AM" || tail == "PM") {
        value.push_str(&tail);
    }
    let value = value.trim().trim_end_matches(['.', ',', ':']).to_string();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    (digits >= 8 && value.contains(['-', '/'])).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        extract(text)
            .codes
            .iter()
            .map(|c| c.token.text.clone())
            .collect()
    }

    #[test]
    fn every_form_in_context() {
        assert_eq!(codes("Status code: caa70004"), ["caa70004"]);
        assert_eq!(codes("Something went wrong [1001]"), ["1001"]);
        assert_eq!(codes("問題が発生しました [1001]"), ["1001"]);
        assert_eq!(codes("Error Code: 0x8004011D"), ["0x8004011D"]);
        assert_eq!(
            codes("AADSTS50126: Error validating credentials"),
            ["AADSTS50126"]
        );
        assert_eq!(
            codes("DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]"),
            ["0x801c0021/0x80072ee2"]
        );
        assert_eq!(codes("WAM returned 3399614467"), ["3399614467"]);
        assert_eq!(codes("hr = -2147221219"), ["-2147221219"]);
        assert_eq!(codes("NTE_BAD_KEYSET 80090016"), ["80090016"]);
        assert_eq!(codes("Attempt Status : 0xc000006d"), ["0xc000006d"]);
        let json = codes("{\"error_codes\":[50126,50053]}");
        assert_eq!(json, ["AADSTS50126", "AADSTS50053"], "{json:?}");
        assert_eq!(codes("WinHttp error 12002 while connecting"), ["12002"]);
        // A code alone on its line: pasted on its own, or under its label.
        assert_eq!(codes("80090016"), ["80090016"]);
        assert_eq!(codes("Error code:\n  1001  \n"), ["1001"]);
    }

    #[test]
    fn numbers_alone_on_a_line_need_a_name_and_four_digits() {
        assert_eq!(codes("2026\n8080\n12345\n42\n5"), Vec::<String>::new());
    }

    #[test]
    fn numbers_that_are_not_codes() {
        for text in [
            "Version 16.0.17928.20156 (Build 17928.20156)",
            "Connecting to 192.0.2.15:443 and 198.51.100.7:8080",
            "2026-11-20 09:12:33.123 PID 12002 TID 4096",
            "Logged: 20/11/2026 09:12:33",
            "See line 1001 of the file; size 80090016 bytes",
            "Correlation ID: 5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09",
            "KB5034441 installed; 1001 files copied",
            "Flags 0x00000010, handle 0x00000214, address 0x7ff6a1b20000",
            "HTTP Error 404",
            "Port 1001 is open",
            "Error Code: 0",
        ] {
            assert_eq!(codes(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn identifiers_with_their_labels() {
        let e = extract(
            "Request Id: 0b6f1e8a-2c3d-4e5f-8a9b-1c2d3e4f5a6b\nCorrelation Id: 5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09\nTimestamp: 2026-11-20T09:12:33Z\n相関 ID: 11111111-2222-3333-4444-555555555555\nタイムスタンプ: 2026-11-20 18:12:33Z",
        );
        let find = |k| {
            e.ids
                .iter()
                .filter(|i| i.kind == k)
                .map(|i| i.value.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            find(IdKind::Request),
            ["0b6f1e8a-2c3d-4e5f-8a9b-1c2d3e4f5a6b"]
        );
        assert_eq!(
            find(IdKind::Correlation),
            [
                "5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09",
                "11111111-2222-3333-4444-555555555555"
            ]
        );
        assert_eq!(
            find(IdKind::Timestamp),
            ["2026-11-20T09:12:33Z", "2026-11-20 18:12:33Z"]
        );
    }

    #[test]
    fn identifiers_in_a_redirect_url() {
        let e = extract("https://localhost/?error=interaction_required&error_description=AADSTS50076%3a+Due+to+a+change.%0d%0aTrace+ID%3a+0b3c5a1e-1111-4c2d-9e8f-2a3b4c5d6e7f%0d%0aCorrelation+ID%3a+6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f%0d%0aTimestamp%3a+2026-11-20+03%3a41%3a07Z&state=x");
        let ids: Vec<(IdKind, &str)> = e.ids.iter().map(|i| (i.kind, i.value.as_str())).collect();
        assert!(
            ids.contains(&(IdKind::Correlation, "6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f")),
            "{ids:?}"
        );
        assert!(
            ids.contains(&(IdKind::Trace, "0b3c5a1e-1111-4c2d-9e8f-2a3b4c5d6e7f")),
            "{ids:?}"
        );
        assert!(
            ids.contains(&(IdKind::Timestamp, "2026-11-20 03:41:07Z")),
            "{ids:?}"
        );
        assert_eq!(
            e.codes.len(),
            1,
            "the code once, not again from the decoded text"
        );
    }

    #[test]
    fn apps_and_events() {
        let e =
            extract("Microsoft Teams: Something went wrong\nEvent ID 1098 Microsoft-Windows-AAD");
        assert_eq!(e.apps, ["teams", "windows"]);
        assert_eq!(e.events, [(1098, 2)]);
        assert!(extract("in other words, the edge of the network")
            .apps
            .is_empty());
        assert_eq!(extract("Open Word and Excel").apps, ["excel", "word"]);
    }

    #[test]
    fn long_lines_are_cut_without_losing_codes() {
        let line = format!(
            "{} Error Code: 0x8004011D {}",
            "x ".repeat(100_000),
            "y ".repeat(100_000)
        );
        assert!(pieces(&line).all(|p| p.len() <= 64 * 1024));
        assert_eq!(pieces(&line).map(str::len).sum::<usize>(), line.len());
        assert_eq!(codes(&line), ["0x8004011D"]);
    }
}
