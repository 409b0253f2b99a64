//! What a pasted text holds besides the user's own words, read once:
//!
//! - **HTML** copied from a web page (a forum post's source, a saved error
//!   page) becomes its text: tags, scripts and styles dropped, entities
//!   decoded, block elements on lines of their own.
//! - **An earlier m365doctor report** pasted back in (the Markdown ticket or
//!   the text report, in either language) is recognised by its headings and
//!   the shapes of its lines. Its own words (summary, layer names,
//!   knowledge-base titles, plan steps) are not the user's and are left out;
//!   the evidence it quotes counts once: a quoted line is kept only when the
//!   rest of the input does not hold it already. The answers it records are
//!   read back, so they are not asked again.
//!
//! Line numbers stay those of the input: left-out lines become empty lines.

use crate::render::{Labels, L};
use m365doctor_codes::{Message, Text};
use std::collections::HashSet;

/// An input's text as the diagnosis reads it, and what was done to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Prepared {
    pub text: String,
    /// The text was HTML and was read as its text.
    pub html: bool,
    /// Lines of an earlier m365doctor report that were left out.
    pub report_lines: usize,
    /// Quoted evidence lines of an earlier report that were already in the input.
    pub repeated_evidence: usize,
    /// (question id, answer id) recorded in an earlier report.
    pub answers: Vec<(String, String)>,
}

/// What the case's notes say about how an input was read.
pub(crate) fn notes(source: &str, p: &Prepared) -> Vec<Message> {
    let mut out = Vec::new();
    if p.html {
        out.push(Message::new(
            format!("{source}: read as the text of an HTML page (tags, scripts and styles left out)"),
            format!("{source}: HTML ページのテキストとして読み込みました (タグ、スクリプト、スタイルは除外)"),
        ));
    }
    if p.report_lines > 0 {
        let (n, r) = (p.report_lines, p.repeated_evidence);
        out.push(Message::new(
            format!("{source}: an earlier m365doctor report was recognised; its {n} lines were not read as the user's words, and {r} of the lines it quotes were already in the input and counted once"),
            format!("{source}: 以前の m365doctor のレポートが含まれていました。その {n} 行はユーザーの記述として扱わず、引用されていた行のうち {r} 行は入力にすでにあるため 1 回だけ数えました"),
        ));
    }
    out
}

/// Prepares every input of one case together: an earlier report's quoted
/// evidence counts once across all of them (a ticket pasted beside the log
/// it quotes, or in a file of its own, adds nothing the log does not say).
pub(crate) fn prepare_all(texts: &[&str]) -> Vec<Prepared> {
    let read: Vec<(std::borrow::Cow<str>, bool, Option<ReportLines>)> = texts
        .iter()
        .map(|t| {
            let mut text = std::borrow::Cow::Borrowed(*t);
            let html = looks_like_html(&text);
            if html {
                text = std::borrow::Cow::Owned(html_to_text(&text));
            }
            let report = own_report_lines(&text);
            (text, html, report)
        })
        .collect();
    // The inputs' own lines: only needed when an earlier report is there.
    let original: HashSet<&str> = if read.iter().any(|(_, _, r)| r.is_some()) {
        read.iter()
            .flat_map(|(text, _, report)| {
                text.lines()
                    .enumerate()
                    .filter(move |(n, _)| report.as_ref().is_none_or(|r| !r.kinds.contains_key(n)))
                    .map(|(_, l)| l.trim())
                    .filter(|l| !l.is_empty())
            })
            .collect()
    } else {
        HashSet::new()
    };
    // An identifier or app is somewhere inside the inputs' own lines.
    let in_original = |value: &str| original.iter().any(|l| l.contains(value));
    let mut kept: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(read.len());
    for (text, html, report) in &read {
        let mut p = Prepared {
            html: *html,
            ..Prepared::default()
        };
        let Some(report) = report else {
            p.text = text.to_string();
            out.push(p);
            continue;
        };
        let mut lines: Vec<String> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            match report.kinds.get(&n) {
                None => lines.push(line.to_string()),
                Some(LineKind::Generated) => {
                    p.report_lines += 1;
                    lines.push(String::new());
                }
                Some(kind @ (LineKind::Evidence(quoted) | LineKind::Identifier(quoted))) => {
                    p.report_lines += 1;
                    let q = quoted.trim();
                    let repeated = match kind {
                        LineKind::Identifier(_) => in_original(q),
                        _ => original.contains(q),
                    };
                    if repeated || !kept.insert(q.to_string()) {
                        p.repeated_evidence += 1;
                        lines.push(String::new());
                    } else {
                        lines.push(q.to_string());
                    }
                }
            }
        }
        p.answers = report.answers.clone();
        p.text = lines.join("\n");
        out.push(p);
    }
    out
}

// ---------------------------------------------------------------- HTML

const HTML_TAGS: &[&str] = &[
    "html",
    "head",
    "body",
    "div",
    "span",
    "p",
    "br",
    "a",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "code",
    "strong",
    "em",
    "b",
    "i",
    "img",
    "meta",
    "script",
    "style",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "button",
    "label",
    "input",
    "form",
    "blockquote",
    "title",
    "link",
    "tbody",
    "thead",
    "dl",
    "dt",
    "dd",
    "hr",
    "small",
    "font",
    "center",
];

/// Tags after which the text continues on a new line.
const BLOCK_TAGS: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "table",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "dt",
    "dd",
    "title",
    "hr",
    "tbody",
    "thead",
    "nav",
    "form",
];

/// The tag name at `s` (after `<` or `</`), lower-cased, when it is followed
/// by what ends a tag name.
fn tag_name(s: &str) -> Option<String> {
    let s = s.strip_prefix('/').unwrap_or(s);
    let end = s
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let rest = &s[end..];
    if !(rest.is_empty() || rest.starts_with(['>', '/', ' ', '\t', '\n', '\r'])) {
        return None;
    }
    Some(s[..end].to_ascii_lowercase())
}

/// Whether a text is HTML source: it starts as a document does, or at least
/// three HTML tags occur in it (an XML log or a placeholder such as
/// `<email-1>` is not HTML).
pub(crate) fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return true;
    }
    let mut tags = 0;
    for (i, _) in text.match_indices('<') {
        if tag_name(&text[i + 1..]).is_some_and(|t| HTML_TAGS.contains(&t.as_str())) {
            tags += 1;
            if tags >= 3 {
                return true;
            }
        }
    }
    false
}

/// The text of an HTML document: the contents of `script` and `style` and
/// comments dropped, block elements on lines of their own, other tags
/// removed, entities decoded, blank lines dropped.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..i]));
        let after = &rest[i + 1..];
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        let Some(name) = tag_name(after) else {
            // Not a tag ("a < b", "<3"): the character itself.
            if after.starts_with('!') || after.starts_with('?') {
                rest = after.find('>').map_or("", |e| &after[e + 1..]);
            } else {
                out.push('<');
                rest = after;
            }
            continue;
        };
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        let closing = after.starts_with('/');
        rest = &after[end.min(after.len())..];
        if !closing && (name == "script" || name == "style") {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(c) => {
                    let r = &rest[c..];
                    r.find('>').map_or("", |e| &r[e + 1..])
                }
                None => "",
            };
            continue;
        }
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push('\n');
        } else if matches!(name.as_str(), "td" | "th") {
            out.push(' ');
        }
    }
    out.push_str(&decode_entities(rest));
    // Source indentation and the blank lines between blocks carry nothing.
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Decodes character references: the named ones a pasted page uses, and
/// numeric ones (`&#12354;`, `&#x3042;`). Unknown ones stay as they are.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.replace('\u{a0}', " ");
    }
    const NAMED: &[(&str, &str)] = &[
        ("amp", "&"),
        ("lt", "<"),
        ("gt", ">"),
        ("quot", "\""),
        ("apos", "'"),
        ("nbsp", " "),
        ("ensp", " "),
        ("emsp", " "),
        ("thinsp", " "),
        ("copy", "©"),
        ("reg", "®"),
        ("trade", "™"),
        ("hellip", "…"),
        ("mdash", "—"),
        ("ndash", "–"),
        ("lsquo", "‘"),
        ("rsquo", "’"),
        ("ldquo", "“"),
        ("rdquo", "”"),
        ("laquo", "«"),
        ("raquo", "»"),
        ("middot", "·"),
        ("bull", "•"),
        ("times", "×"),
        ("yen", "¥"),
        ("rarr", "→"),
        ("larr", "←"),
        ("zwnj", ""),
        ("zwj", ""),
        ("shy", ""),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(n, _)| n);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            if let Some(num) = name.strip_prefix('#') {
                let value = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                value
                    .and_then(char::from_u32)
                    .map(|c| if c == '\u{a0}' { ' ' } else { c }.to_string())
            } else {
                NAMED
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        });
        match (decoded, end) {
            (Some(d), Some(e)) => {
                out.push_str(&d);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace('\u{a0}', " ")
}

// ------------------------------------------------- m365doctor's own reports

#[derive(Debug, Clone, PartialEq)]
enum LineKind {
    /// Written by m365doctor: left out.
    Generated,
    /// A line of the user's input that the report quoted.
    Evidence(String),
    /// An identifier or app the report listed, found somewhere in the input.
    Identifier(String),
}

#[derive(Debug, Default)]
struct ReportLines {
    kinds: std::collections::HashMap<usize, LineKind>,
    answers: Vec<(String, String)>,
}

/// What a section of a report holds, which decides how its lines are read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Section {
    /// One or more lines written by m365doctor.
    Generated,
    /// Lines quoting the input as `source:line: text` (or in backticks).
    Evidence,
    /// Identifiers and apps: the input's own values, which the
    /// extraction counts once anyway; kept.
    Identifiers,
    /// `question — answer` lines.
    Answers,
    /// A fenced block (the dsregcmd report).
    Fenced,
}

/// Every label of the report in both languages.
fn both(t: Text) -> [&'static str; 2] {
    [t.en, t.ja]
}

fn section_of(label: &str, l: &Labels) -> Option<Section> {
    let is = |t: Text| both(t).contains(&label);
    if is(l.findings) || is(l.events) {
        Some(Section::Evidence)
    } else if is(l.ids) {
        Some(Section::Identifiers)
    } else if is(l.answers) {
        Some(Section::Answers)
    } else if is(l.summary)
        || is(l.layer)
        || is(l.symptoms)
        || is(l.tried)
        || is(l.plan)
        || is(l.best)
        || is(l.questions)
        || is(l.notes)
    {
        Some(Section::Generated)
    } else if label == "dsregcmd /status" {
        Some(Section::Fenced)
    } else {
        None
    }
}

/// The first line of a report: the ticket's title, or the text report's
/// summary sentence.
fn starts_report(line: &str) -> bool {
    let t = line.trim();
    if both(L.title).iter().any(|title| t == format!("# {title}")) {
        return true;
    }
    crate::render::SUMMARY_PREFIXES
        .iter()
        .any(|p| t.starts_with(p))
        || both(L.nothing).contains(&t)
        || both(L.not_sign_in).iter().any(|n| t.starts_with(n))
}

/// The quoted input of an evidence line: `` - `CODE` — src:12: `text` ``
/// (Markdown) or `src:12: text` (text report), or `None`.
fn quoted_evidence(line: &str) -> Option<String> {
    let t = line.trim();
    // `:<digits>: ` ends the place; what follows is the quote.
    let bytes = t.as_bytes();
    let mut i = 0;
    while let Some(c) = t[i..].find(':') {
        let at = i + c;
        let digits = t[at + 1..].bytes().take_while(u8::is_ascii_digit).count();
        let after = at + 1 + digits;
        if digits > 0 && t[after..].starts_with(": ") {
            let quote = t[after + 2..].trim();
            let quote = quote
                .strip_prefix('`')
                .and_then(|q| q.strip_suffix('`'))
                .unwrap_or(quote);
            return Some(quote.to_string());
        }
        i = at + 1;
        if i >= bytes.len() {
            break;
        }
    }
    None
}

/// The label of a section heading: `## Label` (Markdown) or `Label:` alone
/// on its line (text report).
fn heading(line: &str) -> Option<&str> {
    let t = line.trim();
    if let Some(h) = t.strip_prefix("## ") {
        return Some(h.trim());
    }
    if !line.starts_with(' ') {
        if let Some(h) = t.strip_suffix(':').or_else(|| t.strip_suffix('：')) {
            return Some(h.trim());
        }
        // "Suspected layer: Network (network) > …" is a heading with its value.
        if let Some((h, _)) = t.split_once(": ") {
            if section_of(h, &L).is_some() {
                return Some(h);
            }
        }
    }
    None
}

/// A `- question — answer` line of the answers section: the ids in
/// backticks (the ticket) or in the last parentheses (the text report).
fn answer_ids(line: &str) -> Option<(String, String)> {
    let ticks: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
    let pair = match ticks.iter().rev().find(|t| t.contains('=')) {
        Some(p) => *p,
        None => {
            let t = line.trim_end().strip_suffix(')')?;
            &t[t.rfind('(')? + 1..]
        }
    };
    let (q, a) = pair.split_once('=')?;
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (ok(q.trim()) && ok(a.trim())).then(|| (q.trim().to_string(), a.trim().to_string()))
}

/// The value of an identifier line of a report (`- \`id\``,
/// `  Correlation ID: id`) without its label, which is the report's own
/// words; `None` for a label alone, an empty value (`- -`) or the apps.
fn identifier_value(line: &str) -> Option<String> {
    let t = line.trim().trim_start_matches("- ").replace(['`', '*'], "");
    let mut value = t.trim();
    // The apps are ids the report read from the input's own words.
    if both(L.apps).iter().any(|a| value.starts_with(a)) {
        return None;
    }
    for label in [L.correlation, L.request, L.trace, L.timestamp]
        .into_iter()
        .flat_map(both)
    {
        if let Some(rest) = value.strip_prefix(label) {
            let rest = rest.strip_prefix('s').unwrap_or(rest);
            if rest.trim().is_empty() {
                return None;
            }
            if let Some(v) = rest.strip_prefix([':', '：']) {
                value = v.trim();
                break;
            }
        }
    }
    (!value.is_empty() && value != "-").then(|| value.to_string())
}

/// The lines of earlier m365doctor reports in a text, or `None` when there
/// is none.
fn own_report_lines(text: &str) -> Option<ReportLines> {
    if !text.lines().any(starts_report) {
        return None;
    }
    let mut out = ReportLines::default();
    let mut in_report = false;
    let mut section = Section::Generated;
    let mut fence_open = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if fence_open {
            out.kinds.insert(n, LineKind::Generated);
            if t.starts_with("```") {
                fence_open = false;
            }
            continue;
        }
        if starts_report(line) {
            in_report = true;
            section = Section::Generated;
            out.kinds.insert(n, LineKind::Generated);
            continue;
        }
        if !in_report {
            continue;
        }
        if let Some(h) = heading(line) {
            if let Some(s) = section_of(h, &L) {
                section = s;
                out.kinds.insert(n, LineKind::Generated);
                continue;
            }
        }
        if t.is_empty() {
            continue;
        }
        let belongs = match section {
            Section::Fenced => {
                if t.starts_with("```") {
                    fence_open = true;
                    true
                } else {
                    false
                }
            }
            Section::Generated => {
                line.starts_with("  ")
                    || t.starts_with("- ")
                    || t.starts_with('|')
                    || t.split_once(". ").is_some_and(|(d, _)| {
                        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
                    })
            }
            Section::Evidence | Section::Identifiers | Section::Answers => {
                line.starts_with("  ")
                    || t.starts_with("- ")
                    || t.starts_with('|')
                    || t.starts_with("**")
                    || t.split_once(". ").is_some_and(|(d, _)| {
                        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
                    })
            }
        };
        if !belongs {
            // The report ended; the user's text goes on.
            in_report = false;
            continue;
        }
        let kind = match section {
            Section::Evidence => match quoted_evidence(line) {
                Some(q) => LineKind::Evidence(q),
                None => LineKind::Generated,
            },
            Section::Identifiers => {
                if let Some(q) = quoted_evidence(line) {
                    LineKind::Evidence(q)
                } else {
                    // The values stay: they are the input's own identifiers;
                    // the labels are the report's words.
                    identifier_value(t).map_or(LineKind::Generated, LineKind::Identifier)
                }
            }
            Section::Answers => {
                if let Some(pair) = answer_ids(line) {
                    out.answers.push(pair);
                }
                LineKind::Generated
            }
            Section::Generated | Section::Fenced => LineKind::Generated,
        };
        out.kinds.insert(n, kind);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_its_text() {
        let page = "<!DOCTYPE html><html><head><title>Forum</title><style>p{color:red}</style>\
            <script>var x = '0x80070005';</script></head><body>\
            <div class=\"post\"><p>Teams won&#39;t sign in &amp; shows&nbsp;an error:</p>\
            <pre>Error code: CAA70004</pre><p>Outlook says &ldquo;Need password&rdquo;&hellip;</p>\
            <!-- a comment with 0x80072EE7 --><p>&#x30B5;&#x30A4;&#x30F3;&#x30A4;&#x30F3;できません</p></div></body></html>";
        assert!(looks_like_html(page));
        let text = html_to_text(page);
        assert_eq!(
            text,
            "Forum\nTeams won't sign in & shows an error:\nError code: CAA70004\nOutlook says “Need password”…\nサインインできません"
        );
    }

    #[test]
    fn xml_logs_and_placeholders_are_not_html() {
        assert!(!looks_like_html(
            "<Event><System><EventID>1098</EventID></System></Event>"
        ));
        assert!(!looks_like_html("user <email-1> from <ip-1>, a < b"));
        assert!(looks_like_html("<p>one</p><br>two<div>three</div>"));
    }

    #[test]
    fn entities_and_stray_ampersands() {
        assert_eq!(
            decode_entities("a &lt;b&gt; &amp;c &unknown; & d"),
            "a <b> &c &unknown; & d"
        );
        assert_eq!(decode_entities("&#12354;&#x3044;&#xZZ;"), "あい&#xZZ;");
    }
}
