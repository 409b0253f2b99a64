//! Extraction: every error code, identifier, app, event id and known dialog
//! text in a text, with the line it came from.
//!
//! Precision matters as much as recall. A number is reported as a code only
//! when its shape is unambiguous (`0x…` with a known meaning, `CAA…`,
//! `AADSTS…`, a signed or unsigned 32-bit decimal that decodes to a known
//! failure) or when a label right before it says it is one (`Error 1001`,
//! `[1001]` after "Something went wrong", `Status: 0x80000005`). Versions,
//! dates, times, ports, sizes, line numbers and GUID fragments are not codes.

use m365doctor_codes::context::{self, Sources};
use m365doctor_codes::grammar::{self, CodeToken, Form, Reading};
use m365doctor_codes::structure::{aadsts_range, is_caa, HResultFields, NtStatusFields};
use m365doctor_codes::tables::{self, NameKind};
use m365doctor_text::tiered::Tiered;

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
    /// The programs whose marks the code's line carries (the MSAL runtime,
    /// Git Credential Manager, a PAM daemon, …): see `m365doctor_codes::context`.
    pub sources: Sources,
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
    /// The programs whose marks any line of the text carries.
    pub sources: Sources,
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
    "error_codes",
    "ntstatus",
    "exit",
    "returned",
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
    for m in APP_MATCHER.get(text.len()).find_overlapping_iter(text) {
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
// Tiered: the overlapping search runs on every line of every input, where a
// DFA pays off; a paste is searched before the DFA would be built.
static APP_MATCHER: std::sync::LazyLock<Tiered> = std::sync::LazyLock::new(|| {
    let mut builder = aho_corasick::AhoCorasick::builder();
    builder.ascii_case_insensitive(true);
    Tiered::new(builder, APPS.iter().map(|(name, _)| name))
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
/// stands in the 72 bytes before position `at` of `line` (UTF-8), with no
/// other number between it and `at`. Shared
/// with scan's prefilter, which must find every labelled number.
pub(crate) fn ja_label_before(line: &[u8], at: usize) -> bool {
    let is_inside_char = |b: u8| b & 0xC0 == 0x80;
    let mut start = at.saturating_sub(72);
    while start < at && is_inside_char(line[start]) {
        start += 1;
    }
    let tail = &line[start..at];
    if tail.is_ascii() {
        return false;
    }
    // `コード` ending another katakana word (`パスコード`, `バーコード`) is
    // that word, not a label; after `ー` it is one (`エラーコード`).
    let is_label = |m: &aho_corasick::Match| {
        let word = &tail[m.start()..m.end()];
        word != "コード".as_bytes()
            || std::str::from_utf8(&tail[..m.start()])
                .ok()
                .and_then(|b| b.chars().next_back())
                .is_none_or(|c| c == 'ー' || !('\u{30A1}'..='\u{30FA}').contains(&c))
    };
    let Some(label) = JA_LABEL_MATCHER
        .get(tail.len())
        .find_iter(tail)
        .filter(is_label)
        .last()
    else {
        return false;
    };
    // The label names the first number after it: a number in between (the
    // code it labelled, a time, a process id) means this one is not it, and
    // so does a new sentence (`エラーが出ました。時刻が 3 分遅れて`).
    let after = &tail[label.end()..];
    if after.iter().any(u8::is_ascii_digit) {
        return false;
    }
    let after = std::str::from_utf8(after).unwrap_or("");
    match after.rfind('。') {
        Some(end) => !after[end + '。'.len_utf8()..]
            .chars()
            .any(char::is_alphabetic),
        None => true,
    }
}

/// One pass over the bytes for all Japanese labels (built on first use:
/// scan asks for every number near Japanese text).
static JA_LABEL_MATCHER: std::sync::LazyLock<Tiered> = std::sync::LazyLock::new(|| {
    Tiered::new(
        aho_corasick::AhoCorasick::builder(),
        JA_LABELS.iter().chain(&["問題が発生しました"]),
    )
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
    // The last three words, nearest first, without allocating.
    let nearest = prev[0];
    fn is(w: &str, list: &[&str]) -> bool {
        let w = w.trim_matches(['.', '-', '/']);
        list.iter().any(|l| w.eq_ignore_ascii_case(l))
    }
    // A port, line or version number stays one even after a Japanese label
    // earlier on the line (`エラー コード: 0x80070520 … port 50126`).
    if prev
        .iter()
        .any(|w| is(w, &["http", "line", "port", "version", "build"]))
    {
        return false;
    }
    if ja_label_before(line.as_bytes(), at) {
        return true;
    }
    // The word walk sees ASCII words only: Japanese words between a label
    // and the number (`ERROR パスコード 1001`) make it another word's number.
    // (`prev` are slices of `line`: their offset is their distance.)
    let nearest_end = (prev[0].as_ptr() as usize)
        .wrapping_sub(line.as_ptr() as usize)
        .wrapping_add(prev[0].len());
    if !prev[0].is_empty()
        && line
            .get(nearest_end..at)
            .is_some_and(|gap| gap.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
    {
        return false;
    }
    // Office shows the code on its own line under the message: `[1001]`.
    if before.trim() == "[" {
        return true;
    }
    // `number` and `no` label a code only after an error word (`Error
    // number 1001`, `Error No. 5`); `device number 12002` is no code.
    if is(prev[0], &["number", "no"]) {
        return is(prev[1], LABELS) && !is(prev[1], &["number", "no"]);
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
    if is(prev[1], LABELS) && (is(prev[0], LABELS) || is(prev[0], &["code", "is", "state"])) {
        return true;
    }
    // `The internal error state is 10013`, `error value is 5`.
    if is(prev[0], &["is"]) && is(prev[1], &["state", "value"]) && is(prev[2], LABELS) {
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

/// A 32-bit value with a meaning anyone would recognise as an error code:
/// named, curated, a CAA code, or a named Win32 error wrapped by
/// HRESULT_FROM_WIN32 (`0x80070520`, which the headers name only as
/// ERROR_NO_SUCH_LOGON_SESSION = 1312).
fn known_wide(v: u32) -> bool {
    is_caa(v)
        || !tables::curated(v).is_empty()
        || tables::win_names(v)
            .iter()
            .any(|n| matches!(n.kind, NameKind::HResult | NameKind::NtStatus))
        || (v >> 16 == 0x8007
            && v & 0xFFFF != 0
            && tables::win_names(v & 0xFFFF)
                .iter()
                .any(|n| n.kind == NameKind::Win32))
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

/// How a word is introduced on its line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// Nothing says it is a code.
    None,
    /// It stands as a word of a sentence that tells of a failure (`sign-in
    /// fails with 80070520 every time`, `bounced with 0x800CCC79`): enough
    /// for a value in the HRESULT layout, not for a short number.
    Failure,
    /// A label right before it (`Error code:`, `hr =`, `エラー コード`).
    Label,
}

/// Decides whether one word is a code, and how sure that is.
fn classify(word: &str, label: Cue) -> Option<Certainty> {
    let is_labelled = label == Cue::Label;
    let in_failure = label != Cue::None;
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
            } else if failure_layout(v) && in_failure {
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
            if known_wide(v) && (in_failure || !all_digits) {
                Some(if is_labelled {
                    Certainty::Shape
                } else {
                    Certainty::Labelled
                })
            } else if failure_layout(v) && (is_labelled || (in_failure && !all_digits)) {
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

/// Words after which a number is an identifier or a tag, never a code:
/// `Tag: 0x2339e4e3`, `Internal Error Code: 557973641` (the same tag in
/// decimal), `PID 4412`, `thread_id: 28`, and the values of telemetry keys
/// that hold tags (`Key: broker_error_location, Value: 7rhah`).
fn names_no_code(prev: [&str; 3]) -> bool {
    let is = |w: &str, list: &[&str]| {
        let w = w.trim_matches(['.', '-', '/', '_']);
        list.iter().any(|l| w.eq_ignore_ascii_case(l))
    };
    const IDS: &[&str] = &[
        "tag",
        "tags",
        "pid",
        "tid",
        "uid",
        "thread",
        "threadid",
        "thread_id",
        "processid",
        "process_id",
        "internalerrorcode",
        "internal_error_code",
    ];
    if is(prev[0], IDS) {
        return true;
    }
    if is(prev[0], &["code"]) && is(prev[1], &["error"]) && is(prev[2], &["internal"]) {
        return true;
    }
    let key = prev[1].to_ascii_lowercase();
    is(prev[0], &["value"])
        && [
            "tag", "tags", "location", "duration", "count", "size", "time",
        ]
        .iter()
        .any(|end| key.ends_with(end))
}

/// Whether the text after a number starts with a unit of time or size.
fn is_quantity(after: &str) -> bool {
    const UNITS: &[&str] = &[
        "ms",
        "s",
        "sec",
        "secs",
        "seconds",
        "second",
        "milliseconds",
        "us",
        "ns",
        "min",
        "minutes",
        "ticks",
        "bytes",
        "byte",
        "b",
        "kb",
        "mb",
        "gb",
        "kib",
        "mib",
        "gib",
    ];
    let rest = after.strip_prefix(' ').unwrap_or(after);
    // Japanese counters: `3 分`, `6 桁`, `2 回`, `10 日`.
    const JA_COUNTERS: &[&str] = &[
        "分",
        "秒",
        "時間",
        "日",
        "回",
        "桁",
        "個",
        "件",
        "台",
        "人",
        "年",
        "か月",
        "ヶ月",
        "カ月",
        "週",
        "歳",
        "文字",
        "行",
        "度",
        "倍",
        "枚",
        "ミリ秒",
        "バイト",
    ];
    if JA_COUNTERS.iter().any(|c| rest.starts_with(c)) {
        return true;
    }
    let unit: &str = rest
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    !unit.is_empty() && UNITS.iter().any(|u| unit.eq_ignore_ascii_case(u))
}

/// A word whose shape the prefilter always lets through (eight digits or
/// more, a sign, `0x`): only those may take a label the prefilter does not
/// know.
fn is_wide_word(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 8 || b[0] == b'-' || (b.len() > 2 && b[0] == b'0' && (b[1] | 0x20) == b'x')
}

/// `api_error_code: -2147023584`, `Key: api_error_code, Value: 3399614467`:
/// the key names an error code, whatever its prefix.
fn labelled_by_error_key(prev: [&str; 3]) -> bool {
    let ends = |w: &str| {
        let w = w.to_ascii_lowercase();
        ["error_code", "errorcode", "error_codes", "errorcodes"]
            .iter()
            .any(|e| w.ends_with(e))
    };
    ends(prev[0]) || (prev[0].eq_ignore_ascii_case("value") && ends(prev[1]))
}

/// Words that identity libraries and Entra's own pages print right before a
/// bare Entra error number (`error_codes: [50126]`, `AADSTSError { code:
/// 16000`, `Sign-in error code 50126`).
fn is_entra_label(prev: [&str; 3]) -> bool {
    let is = |w: &str, l: &str| w.trim_matches(['.', '-', '/', '_']).eq_ignore_ascii_case(l);
    is(prev[0], "error_codes")
        || is(prev[0], "errorcodes")
        || (is(prev[0], "code") && prev[1].eq_ignore_ascii_case("AADSTSError"))
        || (is(prev[0], "code") && is(prev[1], "error") && is(prev[2], "sign-in"))
}

/// What a line says that makes a bare number next to an error label an
/// Entra error rather than another program's: the service, its protocol
/// errors or its error page.
fn mentions_entra(line: &str) -> bool {
    const WORDS: &[&str] = &[
        "aadsts",
        "login.microsoftonline",
        "login.windows.net",
        "entra",
        "azure ad",
        "azure active directory",
        "invalid_grant",
        "interaction_required",
        "invalid_request",
        "error_description",
        "sign-in log",
        "サインイン ログ",
    ];
    let lower = line.to_ascii_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
}

/// A five- to seven-digit labelled number read as an Entra error: in a
/// range of Entra's error reference, outside the Windows errors (10054 is
/// WSAECONNRESET, 12002 a WinINet timeout), and either after an Entra
/// label or on a line about Entra.
fn entra_number(line: &str, word: &str, prev: [&str; 3]) -> Option<Certainty> {
    let v: u32 = word.parse().ok()?;
    let windows_named = tables::win_names(v).iter().any(|n| {
        matches!(
            n.kind,
            NameKind::Win32 | NameKind::WinInet | NameKind::WinHttp
        )
    }) || !tables::curated(v).is_empty();
    // 10000–15999 is Winsock's, WinINet's and other Windows components'
    // (no Entra code is there; some of its values have no name).
    let windows_range = (10_000..16_000).contains(&v) && tables::aadsts(v).is_none();
    if windows_named || windows_range || aadsts_range(v).pattern == "other" {
        return None;
    }
    if is_entra_label(prev) {
        Some(Certainty::Shape)
    } else if mentions_entra(line) {
        Some(Certainty::Labelled)
    } else {
        None
    }
}

/// `AADSTS` and its digits, when letters follow them in the same word.
fn aadsts_digits(word: &str) -> Option<&str> {
    let head = word.get(..6)?;
    if !head.eq_ignore_ascii_case("aadsts") {
        return None;
    }
    let digits = word[6..].bytes().take_while(u8::is_ascii_digit).count();
    let end = 6 + digits;
    (digits >= 4 && end < word.len() && word.as_bytes()[end].is_ascii_alphabetic())
        .then(|| &word[..end])
}

/// Whether a word stands in a sentence rather than as a value of a key:
/// after a word, an opening bracket or Japanese text, not after `=` or
/// `key:` (`size=80090016`, `Value: 80070520`). A `0x` value may follow a
/// colon (`error during PIN creation: 0xc0090030`): a key's hex value in
/// the failure layout is its error (tags and handles are ruled out before).
fn in_prose(before: &str, word: &str) -> bool {
    let before = before.trim_end_matches(' ');
    let hex = word.len() > 2 && word[..2].eq_ignore_ascii_case("0x");
    match before.chars().next_back() {
        None => false,
        Some(':') => hex,
        Some(c) => c.is_alphabetic() || matches!(c, '(' | '「' | '（' | '、' | ',' | '"'),
    }
}

/// Whether a line tells of a failure in words (English or Japanese).
fn tells_of_failure(line: &str) -> bool {
    FAILURE_WORDS.get(line.len()).is_match(line)
}

/// Words that say something went wrong. A value in the HRESULT layout in a
/// sentence with one of them is the failure's code.
static FAILURE_WORDS: std::sync::LazyLock<Tiered> = std::sync::LazyLock::new(|| {
    let mut builder = aho_corasick::AhoCorasick::builder();
    builder.ascii_case_insensitive(true);
    Tiered::new(
        builder,
        [
            "error",
            "fail",
            "cannot",
            "can't",
            "can not",
            "couldn't",
            "could not",
            "unable",
            "denied",
            "wrong",
            "problem",
            "bounce",
            "rejected",
            "crash",
            "エラー",
            "失敗",
            "できません",
            "できない",
            "問題",
            "拒否",
        ],
    )
});

/// What a word of a line turned out to be.
pub enum Hit<'a> {
    Code(&'a str, Certainty),
    /// A bare number that its label and line make a Microsoft Entra
    /// (AADSTS) error: `error_codes: [50126]`, `Sign-in error code 50126`.
    EntraNumber(&'a str, Certainty),
    Event(u32),
}

/// Calls `f` for every code (and event id) in one line. Allocates nothing
/// for words that cannot start a code, which is most of a log.
pub fn hits<'a>(line: &'a str, mut f: impl FnMut(Hit<'a>)) {
    let mut prev: [&str; 3] = [""; 3];
    // Read only when a word needs it: most lines hold no code-shaped word.
    let failure = std::cell::OnceCell::new();
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
        // `AADSTS120011ish`, `AADSTS50126s`: the code is the digits.
        let word = aadsts_digits(word).unwrap_or(word);
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
        // After a tag (the MSAL runtime's `Tag: 0x1f7d734b`, its decimal
        // `Internal Error Code: 557973641`), a process or a thread id, a
        // number is never a code.
        if names_no_code(before_words)
            && !word
                .get(..6)
                .is_some_and(|w| w.eq_ignore_ascii_case("aadsts"))
        {
            continue;
        }
        // A number with a unit after it is a quantity (`3520 ms`, `65536 bytes`).
        if is_quantity(after) {
            continue;
        }
        // A short number glued to a name by a colon is that name's thread
        // or line (`[MSAL:0003]`, `LogTelemetryData:464`), unless the name
        // is a label (`Code:1001`).
        let glued = before.ends_with(':')
            && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_alphabetic());
        if glued
            && word.len() <= 7
            && word.bytes().all(|b| b.is_ascii_digit())
            && !LABELS
                .iter()
                .any(|l| before_words[0].eq_ignore_ascii_case(l))
        {
            continue;
        }
        // A code on a line of its own is a code someone copied on purpose
        // (a dialog's code under its label, a code pasted alone).
        let alone = before.trim().is_empty() && after.trim().is_empty() && word.len() >= 4;
        let is_labelled = if before.trim() == "[" {
            word.len() >= 4 && after.trim() == "]"
        } else {
            alone
                || labelled(line, at, before_words)
                || (is_wide_word(word) && labelled_by_error_key(before_words))
                // `Failed to write item to store. [0x520]`: a hex value in brackets.
                || (before.ends_with('[') && after.starts_with(']') && word.len() > 2 && word[..2].eq_ignore_ascii_case("0x"))
        };
        let digits = word.bytes().all(|b| b.is_ascii_digit());
        if is_labelled && digits && (5..=7).contains(&word.len()) {
            if let Some(certainty) = entra_number(line, word, before_words) {
                f(Hit::EntraNumber(word, certainty));
                continue;
            }
        }
        let label = if is_labelled {
            Cue::Label
        } else if in_prose(before, word) && *failure.get_or_init(|| tells_of_failure(line)) {
            Cue::Failure
        } else {
            Cue::None
        };
        // Short all-digit words (ids, sizes, counts) are codes only with a
        // label; eight digits also in a sentence about a failure.
        if digits && (word.len() < 8 && !is_labelled || word.len() == 8 && label == Cue::None) {
            continue;
        }
        let certainty = if let Some((a, b)) = word.split_once('/') {
            // A pair counts when both halves are 32-bit codes (dsregcmd's
            // phase/sub-error); `11/12` is a date and `1/3` a fraction.
            let wide = |w: &str| {
                grammar::code_token(w).is_some_and(|t| t.readings.iter().any(|r| r.value > 0xFFFF))
            };
            match (classify(a, Cue::Label), classify(b, Cue::Label)) {
                (Some(x), Some(_)) if wide(a) && wide(b) => Some(x.max(Certainty::Shape)),
                _ => None,
            }
        } else {
            classify(word, label)
        };
        if let Some(certainty) = certainty {
            f(Hit::Code(word, certainty));
        }
    }
}

fn extract_line(line: &str, n: usize, out: &mut Extracted) {
    let sources = context::sources_in(line);
    out.sources = out.sources.union(sources);
    // Codes are read with look-alike characters folded (`０ｘ８００４０１１Ｄ`,
    // `0×80070005`, a zero-width space inside a code); ids from the line as it is.
    let folded = grammar::fold_lookalikes(line);
    let first = out.codes.len();
    codes_of_line(&folded, n, sources, first, false, out);
    // A redirect URL pasted from the address bar carries the error
    // percent-encoded (`error_description=AADSTS50126%3a+…`,
    // `error_codes%3D%5B50126%5D`): its codes and ids count too, once.
    if is_encoded_error(&folded) {
        let decoded = crate::container::har::percent_decode(&folded);
        codes_of_line(&decoded, n, sources, first, true, out);
    }
    ids(line, n, out);
    if line.contains("%3a") || line.contains("%3A") {
        ids(&crate::container::har::percent_decode(line), n, out);
    }
}

/// Whether a line holds a percent-encoded OAuth error (query or fragment of
/// a redirect URL, a logged request) whose codes only decoding shows.
fn is_encoded_error(line: &str) -> bool {
    (line.contains('%') || line.contains('+'))
        && (line.contains("error_description=")
            || line.contains("error_codes%")
            || line.contains("error_codes=")
            || line.contains("%22error_codes"))
}

/// The codes of one line, or of its decoded form (`decoded`). Each hit of
/// the line itself counts (a code twice is evidence twice); the JSON
/// `error_codes` array and the decoded URL add only what the line's codes
/// since `first` do not have yet.
fn codes_of_line(
    text: &str,
    n: usize,
    sources: Sources,
    first: usize,
    decoded: bool,
    out: &mut Extracted,
) {
    let mut found: Vec<FoundCode> = Vec::new();
    let code = |token, certainty| FoundCode {
        token,
        line: n,
        certainty,
        sources,
    };
    hits(text, |hit| match hit {
        Hit::Event(event) => {
            if !out.events.contains(&(event, n)) {
                out.events.push((event, n));
            }
        }
        Hit::Code(word, certainty) => {
            if let Some(token) = grammar::code_token(word) {
                found.push(code(token, certainty));
            }
        }
        Hit::EntraNumber(word, certainty) => {
            if let Some(token) = entra_token(word) {
                found.push(code(token, certainty));
            }
        }
    });
    let own = found.len();
    json_error_codes(text, n, sources, &mut found);
    let key = |c: &FoundCode| {
        c.token
            .readings
            .first()
            .map(|r| (r.value, r.form == Form::Aadsts))
    };
    for (k, c) in found.into_iter().enumerate() {
        if !decoded && k < own {
            out.codes.push(c);
            continue;
        }
        match out.codes[first..].iter_mut().find(|o| key(o) == key(&c)) {
            // The array's `AADSTS50126` names the number the word walk read
            // bare in it (`"error_codes":[50126]`).
            Some(o) if c.certainty > o.certainty => *o = c,
            Some(_) => {}
            None => out.codes.push(c),
        }
    }
}

/// A bare number that its label and line make a Microsoft Entra error
/// (`error_codes: [50126]`, `Sign-in error code 50126`), as `AADSTS…`.
fn entra_token(word: &str) -> Option<CodeToken> {
    let value: u32 = word.parse().ok()?;
    Some(CodeToken {
        text: word.to_string(),
        readings: vec![Reading {
            value,
            form: Form::Aadsts,
        }],
        sub: None,
    })
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

/// AADSTS numbers in JSON and in the debug print of a Rust or Python
/// error: `"error_codes":[50126,50053]`, `error_codes: [70000]`.
fn json_error_codes(line: &str, n: usize, sources: Sources, out: &mut Vec<FoundCode>) {
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
            let number = number.trim().trim_matches(['"', '\'']);
            if let Ok(code) = number.parse::<u32>() {
                if let Some(token) = grammar::code_token(&format!("AADSTS{code}")) {
                    out.push(FoundCode {
                        token,
                        line: n,
                        certainty: Certainty::Explicit,
                        sources,
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
    for m in ID_LABEL_MATCHER.get(line.len()).find_overlapping_iter(line) {
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
static ID_LABEL_MATCHER: std::sync::LazyLock<Tiered> = std::sync::LazyLock::new(|| {
    let mut builder = aho_corasick::AhoCorasick::builder();
    builder.ascii_case_insensitive(true);
    Tiered::new(builder, ID_LABELS.iter().map(|(label, _)| label))
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
    fn values_in_the_hresult_layout_in_a_sentence_about_a_failure() {
        // No label, but the sentence says something failed.
        assert_eq!(
            codes("Excel sign in fails with 80070520 every time"),
            ["80070520"]
        );
        assert_eq!(
            codes("サインインが毎回 80070520 で失敗します"),
            ["80070520"]
        );
        assert_eq!(
            codes("All mails bounced with 0x800CCC79 yesterday"),
            ["0x800CCC79"]
        );
        assert_eq!(
            codes("WHfB error during PIN creation: 0xc0090030."),
            ["0xc0090030"]
        );
        // The same values without a failure word, as a key's value, or not
        // in the failure layout are no codes.
        for text in [
            "Excel starts with 80070520 every time",
            "We moved 0x800CCC79 items",
            "sign-in failed, size=80070520",
            "sign-in failed, Value: 80070520",
            "sign-in failed at offset 0x0040CC79",
            "sign-in failed after 80070520 ms",
        ] {
            assert_eq!(codes(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn japanese_labels_reach_the_next_number_of_their_sentence() {
        assert_eq!(codes("エラー コード: 1001"), ["1001"]);
        assert_eq!(codes("エラーコード 0x80048823 が出ます"), ["0x80048823"]);
        assert_eq!(codes("リターン結果 1001"), ["1001"]);
        for text in [
            // A counter after the number.
            "エラーで 3 分待ちました",
            "失敗したのは 2 回目です",
            // A word that ends in コード.
            "パスコードが短すぎるとのこと。6 桁にしないと",
            "パスコード 1001 を入力",
            // A new sentence after the label.
            "エラーが出ます。サーバーは 1001 番ポートです",
        ] {
            assert_eq!(codes(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn aadsts_with_letters_after_its_digits() {
        assert_eq!(
            codes("the reset page says AADSTS120011ish"),
            ["AADSTS120011"]
        );
    }

    #[test]
    fn an_error_state_is_a_label() {
        assert_eq!(
            codes("A fatal error occurred while creating a TLS client credential. The internal error state is 10013."),
            ["10013"]
        );
        assert_eq!(codes("Error state: 10013"), ["10013"]);
        assert_eq!(codes("The state is 10013"), Vec::<String>::new());
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
