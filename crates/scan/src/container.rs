//! Containers: turns one input's bytes into the texts to scan. Plain text in
//! any encoding Windows writes (see [`m365doctor_text::decode`]), `.zip` archives of
//! collected logs (every member, nested archives too), Windows event logs
//! (`.evtx`, one line per record) and HAR files from a browser's developer
//! tools (one line per request, with the sign-in responses' bodies).
//!
//! Formats are recognised by their magic bytes first, then by the name's
//! extension and the content's shape. Work and memory are bounded by
//! [`Limits`]: archive members are read as streams and counted, so a zip bomb
//! is refused before its output is held in memory. Nothing here panics on
//! hostile input; a file that cannot be read becomes a [`Document`] whose
//! `skipped` says why, in English and Japanese.

mod archive;
mod eventlog;
pub(crate) mod har;
pub mod secrets;

use encoding_rs::Encoding;
use m365doctor_codes::Message;

use m365doctor_text::{self as decode, Decoded};

/// One text to scan, from a file, an archive member, an event log or a HAR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Where the text comes from: `"logs.zip!Teams/logs.txt"`, `"aad.evtx"`, `"stdin"`.
    pub name: String,
    /// The text; empty when skipped.
    pub text: String,
    /// The character encoding the text was decoded from (`"UTF-8"`, `"UTF-16LE"`,
    /// `"Shift_JIS"`, …); `None` for event logs, whose records are rendered.
    pub encoding: Option<&'static str>,
    /// Why the input was skipped (binary, empty, too large, bad archive, …).
    pub skipped: Option<Message>,
}

impl Document {
    fn text(name: &str, text: String, encoding: Option<&'static str>) -> Document {
        Document {
            name: name.to_string(),
            text,
            encoding,
            skipped: None,
        }
    }

    fn skipped(name: &str, why: Message) -> Document {
        Document {
            name: name.to_string(),
            text: String::new(),
            encoding: None,
            skipped: Some(why),
        }
    }
}

/// Bounds on the work one call to [`expand_with`] may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Uncompressed bytes read from one archive, its nested archives included.
    pub archive_total: u64,
    /// Uncompressed bytes of one archive member.
    pub member: u64,
    /// Members of one archive, its nested archives included.
    pub members: usize,
    /// Archive levels opened: 3 reads `a.zip!b.zip!c.zip!log.txt` but not a zip inside `c.zip`.
    pub depth: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            archive_total: 2 << 30,
            member: 512 << 20,
            members: 10_000,
            depth: 3,
        }
    }
}

/// Turns a file's bytes into documents: plain text (decoded with
/// [`decode::decode`], honouring `forced`), `.zip` archives (every member,
/// recursively up to depth 3), Windows Event Log `.evtx` files and HAR files.
/// Never panics; bounded work (see [`Limits`]).
pub fn expand(name: &str, bytes: &[u8], forced: Option<&'static Encoding>) -> Vec<Document> {
    expand_with(name, bytes, forced, &Limits::default())
}

/// [`expand`] with other limits.
pub fn expand_with(
    name: &str,
    bytes: &[u8],
    forced: Option<&'static Encoding>,
    limits: &Limits,
) -> Vec<Document> {
    let mut ctx = Context {
        limits: *limits,
        forced,
        read: 0,
        members: 0,
        out: Vec::new(),
    };
    ctx.expand(name, bytes, 0);
    ctx.out
}

/// The state of one expansion: budgets shared by every nested archive.
pub(crate) struct Context {
    pub(crate) limits: Limits,
    pub(crate) forced: Option<&'static Encoding>,
    /// Uncompressed bytes read from archives so far.
    pub(crate) read: u64,
    /// Archive members seen so far.
    pub(crate) members: usize,
    pub(crate) out: Vec<Document>,
}

/// What a file's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Zip,
    EventLog,
    Har,
    Text,
}

impl Context {
    /// Expands one input found at archive level `depth` (0: not in an archive).
    pub(crate) fn expand(&mut self, name: &str, bytes: &[u8], depth: u32) {
        match format(name, bytes) {
            Format::Zip => {
                if depth >= self.limits.depth {
                    let max = self.limits.depth;
                    self.out.push(Document::skipped(
                        name,
                        Message::new(
                            format!("archive nested more than {max} levels deep, not opened"),
                            format!("{max} 階層より深く入れ子になったアーカイブのため、開きませんでした"),
                        ),
                    ));
                } else {
                    guarded(self, name, |ctx| {
                        archive::expand(ctx, name, bytes, depth + 1)
                    });
                }
            }
            Format::EventLog => guarded(self, name, |ctx| eventlog::expand(ctx, name, bytes)),
            Format::Har => guarded(self, name, |ctx| {
                if !har::expand(ctx, name, bytes) {
                    ctx.plain_text(name, bytes, depth, true);
                }
            }),
            Format::Text => self.plain_text(name, bytes, depth, false),
        }
    }

    /// Decodes a text file. Inside archives binary members are skipped even when an
    /// encoding is forced; a HAR that is not valid JSON has its credentials blanked.
    fn plain_text(&mut self, name: &str, bytes: &[u8], depth: u32, broken_har: bool) {
        if bytes.is_empty() {
            self.out.push(Document::skipped(name, empty()));
            return;
        }
        let forced = if depth > 0 && decode::detect(bytes).is_none() {
            None
        } else {
            self.forced
        };
        match decode::decode(bytes, forced) {
            Decoded::Binary => self.out.push(Document::skipped(name, binary())),
            Decoded::Text { text, encoding } => {
                let text = if broken_har {
                    secrets::blank(&text).into_owned()
                } else {
                    text
                };
                self.out.push(Document::text(name, text, Some(encoding)));
            }
        }
    }
}

/// Runs a format's reader; a panic in it (a bug in a parser) skips the file instead of
/// ending the program.
fn guarded(ctx: &mut Context, name: &str, read: impl FnOnce(&mut Context)) {
    let before = ctx.out.len();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&mut *ctx)));
    if outcome.is_err() {
        ctx.out.truncate(before);
        ctx.out.push(Document::skipped(
            name,
            Message::new(
                "could not be read: the reader failed on this file's contents",
                "読み取れませんでした: このファイルの内容で読み取り処理が失敗しました",
            ),
        ));
    }
}

/// Whether a file whose name is `name` and whose first bytes are `head` (at
/// least the first 4 KiB, when it has them) is a container ([`expand`]
/// reads it whole: a zip archive, an event log or a HAR file) rather than
/// plain text that can be read as a stream.
pub fn is_container(name: &str, head: &[u8]) -> bool {
    format(name, head) != Format::Text
}

fn format(name: &str, bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Format::Zip;
    }
    if bytes.starts_with(b"ElfFile\0") {
        return Format::EventLog;
    }
    let ext = extension(name);
    match ext.as_str() {
        // A damaged archive or log still says what it should have been.
        "zip" if !bytes.is_empty() => Format::Zip,
        "evtx" if !bytes.is_empty() => Format::EventLog,
        "har" if !bytes.is_empty() => Format::Har,
        _ if har::looks_like_har(bytes) => Format::Har,
        _ => Format::Text,
    }
}

/// The lowercased extension of the last path component (after the last `!` and `/`).
fn extension(name: &str) -> String {
    let last = name
        .rsplit(['!', '/', '\\'])
        .next()
        .unwrap_or(name)
        .trim_end();
    match last.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    }
}

fn empty() -> Message {
    Message::new(
        "empty: nothing to read",
        "空のため、読み取る内容がありません",
    )
}

fn binary() -> Message {
    Message::new(
        "binary file, not text: skipped",
        "テキストではないバイナリ ファイルのため、読み飛ばしました",
    )
}

/// An error's text, shortened for a one-line note.
pub(crate) fn short_error(error: &dyn std::fmt::Display) -> String {
    let text = error.to_string();
    let mut short: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if text.chars().count() > 200 {
        short.push('…');
    }
    short
}

/// Replaces each run of control characters (`\r\n` included) by one space, so
/// that a value stays on its line.
pub(crate) fn one_line(text: &str, out: &mut String) {
    let mut in_run = false;
    for c in text.chars() {
        if c.is_control() {
            if !in_run {
                out.push(' ');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_magic_then_name() {
        assert_eq!(format("x.txt", b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(format("x", b"ElfFile\0rest"), Format::EventLog);
        assert_eq!(format("logs.ZIP", b"garbage"), Format::Zip);
        assert_eq!(format("a.zip!b/c.har", b"{}"), Format::Har);
        assert_eq!(format("notes.txt", b"hello"), Format::Text);
        assert_eq!(format("empty.zip", b""), Format::Text);
        assert_eq!(extension("a.zip!dir/file.Evtx"), "evtx");
        assert_eq!(extension("dir.d/file"), "");
    }

    #[test]
    fn empty_and_binary_are_skipped() {
        let docs = expand("stdin", b"", None);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].skipped, Some(empty()));
        let docs = expand(
            "x.bin",
            &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0],
            None,
        );
        assert_eq!(docs[0].skipped, Some(binary()));
    }
}
