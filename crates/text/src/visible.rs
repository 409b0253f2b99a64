//! Text from input made safe to print on a terminal.
//!
//! Logs, file names, dsregcmd values, archive member names and arguments can
//! hold characters a terminal obeys instead of showing: ESC and C1 sequences
//! (OSC 52 writes the clipboard, OSC 8 hides a link, CSI clears the screen,
//! DCS queries the terminal), CR and BS that overwrite what is already on
//! the line, BEL, DEL, and the bidirectional controls that reorder what the
//! reader sees. [`visible`] writes each of them as a short escape
//! (`\x1b`, `\r`, `\u{202e}`) so that the reader sees that it was there and
//! the terminal receives only printable text. Every renderer passes input
//! through it; the program's own colours are added afterwards, around it.

use std::borrow::Cow;

/// Whether a terminal or a text renderer would act on `c` rather than show
/// it: C0 controls except tab, DEL, C1 controls, the Unicode line and
/// paragraph separators, and the bidirectional embedding, override,
/// isolate and mark characters.
///
/// Tab is left alone: it only moves the cursor forward over blank cells, so
/// it cannot hide or overwrite text (moving the tab stops takes an escape
/// sequence, which is made visible), and logs use it between columns.
pub fn is_hidden_control(c: char) -> bool {
    match c {
        '\t' => false,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // ALM, LRM, RLM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            true
        }
        // Line and paragraph separators: some renderers start a new line.
        '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// `text` with every character of [`is_hidden_control`] written as a
/// visible escape: `\n`, `\r`, `\x1b` for the other C0 controls and DEL,
/// `\u{9b}` for C1 and the Unicode controls. Borrowed when there is
/// nothing to change (the usual case). A newline in the value is escaped
/// too: only the program decides where a line ends.
///
/// ```
/// use m365doctor_text::visible;
/// assert_eq!(visible("ok\x1b]52;c;cHduZWQ=\x07"), "ok\\x1b]52;c;cHduZWQ=\\x07");
/// assert_eq!(visible("a\u{202e}b\rc"), "a\\u{202e}b\\rc");
/// assert_eq!(visible("C:\\Users\\x\ttab"), "C:\\Users\\x\ttab");
/// ```
pub fn visible(text: &str) -> Cow<'_, str> {
    visible_with(text, false)
}

/// [`visible`] for a text of several lines that the program lays out
/// itself: `\n` (and a `\r` right before it) stays a line break, every
/// other control is made visible.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    visible_with(text, true)
}

fn visible_with(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden_control(c) && !(keep_newlines && c == '\n');
    let Some(first) = text.find(hidden) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if keep_newlines && c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if hidden(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\0'..='\u{7f}' => write!(out, "\\x{:02x}", c as u32),
        _ => write!(out, "\\u{{{:x}}}", c as u32),
    };
}

/// An input quoted in a message (an argument that is not a code, a value a
/// file holds): [`visible`], and cut after `max_chars` characters with the
/// number left out, so that a 50 MB line is not echoed whole.
///
/// ```
/// use m365doctor_text::clipped;
/// assert_eq!(clipped("abcdef", 4), "abcd… (+2)");
/// assert_eq!(clipped("a\x1bb", 10), "a\\x1bb");
/// ```
pub fn clipped(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => visible(text).into_owned(),
        Some((at, _)) => {
            let rest = text[at..].chars().count();
            format!("{}… (+{rest})", visible(&text[..at]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The probes of the reliability review (F3): each reaches the output
    /// only as printable text.
    const PAYLOADS: &[&str] = &[
        "\x1b]52;c;ZWNobyBwd25lZA==\x07",
        "\x1b[2J\x1b[H\x1b[32mAll checks passed\x1b[0m",
        "\x1b]0;title\x07",
        "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
        "\x1bP+q544e\x1b\\",
        "bell\x07 back\x08\x08 cr\rfake del\x7f",
        "c1 csi \u{9b}2J osc \u{9d}0;t\u{9c}",
        "bidi \u{202e}gpj.exe\u{202c} \u{2066}x\u{2069} \u{200f}",
        "nul\0 vt\x0b ff\x0c",
    ];

    fn printable(s: &str) -> bool {
        !s.chars().any(is_hidden_control)
    }

    #[test]
    fn every_payload_is_printable_and_its_controls_still_show() {
        for p in PAYLOADS {
            let v = visible(p);
            assert!(printable(&v), "{v:?}");
            // Nothing is dropped silently: each control left a backslash escape.
            let controls = p.chars().filter(|&c| is_hidden_control(c)).count();
            assert_eq!(
                v.matches('\\').count() - p.matches('\\').count(),
                controls,
                "{v}"
            );
        }
        assert_eq!(
            visible("\x1b[2Jx\u{9b}y\u{202e}z"),
            "\\x1b[2Jx\\u{9b}y\\u{202e}z"
        );
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for t in [
            "Error code: 0xCAA70004",
            "C:\\Users\\megan\\AppData\\Local\\Temp\\teams.log",
            "col1\tcol2",
            "サインインできません (エラー 0x80070005)",
            "emoji 😀 and ZWJ \u{200d}",
        ] {
            assert!(matches!(visible(t), Cow::Borrowed(_)), "{t}");
        }
    }

    #[test]
    fn newlines_are_escaped_in_a_value_and_kept_in_a_layout() {
        assert_eq!(visible("a\nb\r\nc"), "a\\nb\\r\\nc");
        assert_eq!(visible_lines("a\nb\r\nc\rd\x1b"), "a\nb\nc\\rd\\x1b");
    }

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clipped("日本語テキスト", 3), "日本語… (+4)");
        assert_eq!(clipped("short", 5), "short");
        let long = "8".repeat(131_000);
        assert_eq!(
            clipped(&long, 100).chars().count(),
            100 + "… (+130900)".chars().count()
        );
    }
}
