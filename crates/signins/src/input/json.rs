//! Finds the sign-in records in a JSON stream without holding more than one
//! record in memory, whatever the file's shape:
//!
//! - JSON lines (diagnostic settings' `PT1H.json`, SOF-ELK output): one
//!   record per line; a broken line costs that line only;
//! - a bare array of records, several arrays one after another (PowerShell
//!   collectors append one per page: `[…]\r\n[…]`), pretty-printed or not;
//! - wrappers: a Graph page `{"@odata.context": …, "value": […],
//!   "@odata.nextLink": …}`, an Event Hub capture `{"records": […]}`, the Log
//!   Analytics query API's `{"tables": [{"columns": […], "rows": [[…]]}]}`,
//!   several of them concatenated or one per line;
//! - a single pretty-printed record.
//!
//! Records are handed to a [`Sink`] as raw bytes; parsing them is the
//! record module's job. A record larger than the limit is skipped and
//! counted, so a 2 GB one-line file with no record boundary costs neither
//! 2 GB of memory nor the rest of the inputs.

use memchr::{memchr, memchr3};
use std::io::{self, BufRead};

/// Records above this size are skipped as unreadable. Real records are 1–10 KB;
/// a Graph page of 1,000 records is about 5 MB.
pub const MAX_RECORD: usize = 64 << 20;

/// Why a piece of a JSON file was not a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problem {
    /// Longer than [`MAX_RECORD`].
    TooLarge,
    /// An array element or value that is not an object (`"text"`, `42`).
    NotAnObject,
    /// Characters outside any JSON value.
    NotJson,
    /// A record broken off in the middle (a line ends inside it).
    CutOff,
}

/// Receives what the splitter finds.
pub trait Sink {
    /// One record (a JSON object). `line` is 1-based in line mode, 0 otherwise.
    fn record(&mut self, bytes: &[u8], line: u64);
    /// One row of a Log Analytics API table, with the table's column names.
    fn row(&mut self, columns: &[String], bytes: &[u8]);
    fn problem(&mut self, problem: Problem, line: u64);
    /// The stream ended inside a record: a blob still being written.
    fn truncated(&mut self);
}

/// Whether a stream holds one JSON value per line: judged on its first
/// bytes (`head`), which must hold a whole first line that parses as an
/// object on its own, followed by another line starting with `{` (or the end).
pub fn looks_like_lines(head: &[u8], at_eof: bool) -> bool {
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return false };
    if head[start] != b'{' {
        return false;
    }
    let Some(nl) = memchr(b'\n', &head[start..]) else {
        return false;
    };
    let first = &head[start..start + nl];
    if serde_json::from_slice::<serde::de::IgnoredAny>(first).is_err() {
        return false;
    }
    let rest = &head[start + nl + 1..];
    match rest.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(i) => rest[i] == b'{',
        None => at_eof,
    }
}

/// JSON lines: every line is one record (or a wrapper, which is opened).
/// `limit`: stop before the first line that starts at or after this many
/// bytes from the reader's start (for splitting a file among threads).
pub fn split_lines(
    r: &mut dyn BufRead,
    sink: &mut dyn Sink,
    limit: Option<u64>,
    first_line: u64,
) -> io::Result<()> {
    let mut line_buf: Vec<u8> = Vec::new();
    let mut pos: u64 = 0;
    let mut line_no = first_line;
    let mut too_large = false;
    loop {
        if limit.is_some_and(|l| pos >= l) && line_buf.is_empty() && !too_large {
            return Ok(());
        }
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if too_large {
                sink.problem(Problem::TooLarge, line_no);
            } else if !line_buf.iter().all(u8::is_ascii_whitespace) {
                finish_line(&line_buf, line_no, true, sink);
            }
            return Ok(());
        }
        let mut i = 0;
        while i < chunk.len() {
            match memchr(b'\n', &chunk[i..]) {
                Some(n) => {
                    let end = i + n;
                    if too_large {
                        sink.problem(Problem::TooLarge, line_no);
                        too_large = false;
                    } else if line_buf.is_empty() {
                        finish_line(&chunk[i..end], line_no, false, sink);
                    } else {
                        line_buf.extend_from_slice(&chunk[i..end]);
                        finish_line(&line_buf, line_no, false, sink);
                        line_buf.clear();
                    }
                    line_no += 1;
                    pos += (end + 1 - i) as u64;
                    i = end + 1;
                    if limit.is_some_and(|l| pos >= l) {
                        r.consume(i);
                        return Ok(());
                    }
                }
                None => {
                    if !too_large {
                        line_buf.extend_from_slice(&chunk[i..]);
                        if line_buf.len() > MAX_RECORD {
                            too_large = true;
                            line_buf = Vec::new();
                        }
                    }
                    pos += (chunk.len() - i) as u64;
                    i = chunk.len();
                }
            }
        }
        r.consume(i);
    }
}

fn finish_line(line: &[u8], line_no: u64, last: bool, sink: &mut dyn Sink) {
    let line = trim(line);
    if line.is_empty() {
        return;
    }
    if line[0] != b'{' {
        sink.problem(
            if line[0] == b'[' || line[0] == b'"' {
                Problem::NotAnObject
            } else {
                Problem::NotJson
            },
            line_no,
        );
        return;
    }
    if last && !balanced(line) {
        sink.truncated();
        return;
    }
    // A wrapper on one line (a Graph page per line) is recognised by the
    // record parser, which hands it back to [`split_bytes`].
    sink.record(line, line_no);
}

/// Splits bytes already in memory (a wrapper found on one line).
pub fn split_bytes(bytes: &[u8], sink: &mut dyn Sink) {
    let mut s = Splitter::new();
    s.feed(bytes, sink);
    s.finish(sink);
}

fn trim(mut b: &[u8]) -> &[u8] {
    while let [f, rest @ ..] = b {
        if f.is_ascii_whitespace() {
            b = rest
        } else {
            break;
        }
    }
    while let [rest @ .., l] = b {
        if l.is_ascii_whitespace() {
            b = rest
        } else {
            break;
        }
    }
    b
}

/// Whether brackets close outside strings (a cheap test for a cut-off line).
fn balanced(b: &[u8]) -> bool {
    let mut depth = 0i64;
    let mut in_str = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
        }
        i += 1;
    }
    depth == 0 && !in_str
}

/// The structural splitter: any mix of arrays, wrappers and objects.
pub fn split_structural(r: &mut dyn BufRead, sink: &mut dyn Sink) -> io::Result<()> {
    let mut s = Splitter::new();
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            s.finish(sink);
            return Ok(());
        }
        let n = chunk.len();
        s.feed(chunk, sink);
        r.consume(n);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Outside everything.
    Top,
    /// An array whose object elements are records.
    Records,
    /// A wrapper object: `value`/`records` hold records, `tables` tables.
    Wrapper,
    /// `tables: [...]`.
    Tables,
    /// One table object: `columns`, `rows`.
    Table,
    /// `rows: [[...], ...]`.
    Rows,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Other,
    Records,
    Tables,
    Columns,
    Rows,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    role: Role,
    /// In an object frame: the next string is a key.
    expect_key: bool,
    key: Key,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// A record to hand over.
    Record,
    /// A top-level object: a record, or a wrapper once a key says so.
    Candidate,
    /// A table's `columns`.
    Columns,
    /// A table row.
    Row,
    /// Read past it.
    Skip,
}

/// Where the splitter is inside a value it captures or skips.
struct Value {
    purpose: Purpose,
    depth: u32,
    in_str: bool,
    /// A backslash ended the previous chunk inside a string.
    esc: bool,
    overflow: bool,
    /// Candidate only: state of its own keys (depth 1).
    cand_expect_key: bool,
    cand_in_key: bool,
    cand_pending: Key,
    /// Candidate: the key string's bytes.
    keybuf: Vec<u8>,
    /// A scalar at structural level (`42`, `true`): ends at a delimiter.
    scalar: bool,
}

struct Splitter {
    stack: Vec<Frame>,
    value: Option<Value>,
    cap: Vec<u8>,
    columns: Vec<String>,
    /// Inside a key string of a structural object frame.
    in_key: bool,
    key_esc: bool,
    keybuf: Vec<u8>,
    /// Skipping text that is not JSON up to the end of its line.
    garbage: bool,
}

impl Splitter {
    fn new() -> Splitter {
        Splitter {
            stack: vec![Frame {
                role: Role::Top,
                expect_key: false,
                key: Key::Other,
            }],
            value: None,
            cap: Vec::new(),
            columns: Vec::new(),
            in_key: false,
            key_esc: false,
            keybuf: Vec::new(),
            garbage: false,
        }
    }

    fn feed(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        let mut i = 0;
        while i < chunk.len() {
            if self.value.is_some() {
                i = self.in_value(chunk, i, sink);
            } else {
                i = self.structural(chunk, i, sink);
            }
        }
        // Keep the captured part of an unfinished value.
        if let Some(v) = &mut self.value {
            if v.purpose != Purpose::Skip && !v.overflow && self.cap.len() > MAX_RECORD {
                v.overflow = true;
                self.cap = Vec::new();
            }
        }
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        if let Some(v) = self.value.take() {
            if v.scalar {
                // A scalar at the very end: `42` alone.
                self.after_value();
            } else if v.purpose != Purpose::Skip {
                sink.truncated();
            }
        } else if self.stack.len() > 1 {
            sink.truncated();
        }
        self.cap.clear();
    }

    fn structural(&mut self, chunk: &[u8], mut i: usize, sink: &mut dyn Sink) -> usize {
        if self.garbage {
            match memchr(b'\n', &chunk[i..]) {
                Some(n) => {
                    self.garbage = false;
                    return i + n + 1;
                }
                None => return chunk.len(),
            }
        }
        if self.in_key {
            return self.key_string(chunk, i);
        }
        while i < chunk.len() {
            let c = chunk[i];
            let frame = *self.stack.last().expect("top frame");
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b',' => {
                    if frame.role == Role::Wrapper || frame.role == Role::Table {
                        self.top().expect_key = true;
                    }
                    i += 1;
                }
                b':' => {
                    self.top().expect_key = false;
                    i += 1;
                }
                b'}' | b']' => {
                    if self.stack.len() > 1 {
                        self.stack.pop();
                        self.after_value();
                    } else {
                        sink.problem(Problem::NotJson, 0);
                        self.garbage = true;
                    }
                    return i + 1;
                }
                b'"' if frame.expect_key && matches!(frame.role, Role::Wrapper | Role::Table) => {
                    self.in_key = true;
                    self.key_esc = false;
                    self.keybuf.clear();
                    return i + 1;
                }
                _ => {
                    self.start_value(c, frame, sink);
                    if self.garbage {
                        return i;
                    }
                    if let Some(v) = &self.value {
                        if v.scalar {
                            return i;
                        }
                        if v.purpose != Purpose::Skip {
                            self.cap.clear();
                            self.cap.push(c);
                        }
                    }
                    return i + 1;
                }
            }
        }
        i
    }

    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("top frame")
    }

    fn key_string(&mut self, chunk: &[u8], mut i: usize) -> usize {
        while i < chunk.len() {
            let c = chunk[i];
            i += 1;
            if self.key_esc {
                self.key_esc = false;
                continue;
            }
            match c {
                b'\\' => self.key_esc = true,
                b'"' => {
                    self.in_key = false;
                    let key = key_of(&self.keybuf);
                    self.top().key = key;
                    return i;
                }
                _ => {
                    if self.keybuf.len() < 64 {
                        self.keybuf.push(c)
                    }
                }
            }
        }
        i
    }

    /// A value begins with `c` in `frame`: decide what it is.
    fn start_value(&mut self, c: u8, frame: Frame, sink: &mut dyn Sink) {
        let purpose = match (frame.role, c, frame.key) {
            (Role::Top, b'{', _) => Purpose::Candidate,
            (Role::Top, b'[', _) => return self.push(Role::Records),
            (Role::Top, _, _) => {
                sink.problem(Problem::NotJson, 0);
                self.garbage = true;
                return;
            }
            (Role::Records, b'{', _) => Purpose::Record,
            // `[[{…}]]`: arrays of arrays of records.
            (Role::Records, b'[', _) => return self.push(Role::Records),
            (Role::Records, _, _) => {
                sink.problem(Problem::NotAnObject, 0);
                Purpose::Skip
            }
            (Role::Wrapper, b'[', Key::Records) => return self.push(Role::Records),
            (Role::Wrapper, b'[', Key::Tables) => return self.push(Role::Tables),
            (Role::Tables, b'{', _) => return self.push_obj(Role::Table),
            (Role::Table, b'[', Key::Columns) => Purpose::Columns,
            (Role::Table, b'[', Key::Rows) => return self.push(Role::Rows),
            (Role::Rows, b'[', _) => Purpose::Row,
            _ => Purpose::Skip,
        };
        let scalar = !matches!(c, b'{' | b'[' | b'"');
        self.value = Some(Value {
            purpose,
            depth: u32::from(!scalar && c != b'"'),
            in_str: c == b'"',
            esc: false,
            overflow: false,
            cand_expect_key: true,
            cand_in_key: false,
            cand_pending: Key::Other,
            keybuf: Vec::new(),
            scalar,
        });
    }

    fn push(&mut self, role: Role) {
        self.stack.push(Frame {
            role,
            expect_key: false,
            key: Key::Other,
        });
    }

    fn push_obj(&mut self, role: Role) {
        self.stack.push(Frame {
            role,
            expect_key: true,
            key: Key::Other,
        });
    }

    /// After a value or a structural container ended.
    fn after_value(&mut self) {
        let f = self.top();
        f.key = Key::Other;
    }

    /// Scans inside a captured or skipped value from `start`; returns where it stopped.
    fn in_value(&mut self, chunk: &[u8], start: usize, sink: &mut dyn Sink) -> usize {
        let mut v = self.value.take().expect("in a value");
        if v.scalar {
            let n = chunk[start..]
                .iter()
                .position(|c| matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n'));
            return match n {
                Some(n) => {
                    self.after_value();
                    start + n
                }
                None => {
                    self.value = Some(v);
                    chunk.len()
                }
            };
        }
        let capture = v.purpose != Purpose::Skip && !v.overflow;
        let mut i = start;
        let mut end = None;
        let mut convert = None;
        'scan: while i < chunk.len() {
            if v.in_str {
                if v.esc {
                    v.esc = false;
                    i += 1;
                    continue;
                }
                if v.cand_in_key {
                    // A key of a top-level object: read it byte by byte.
                    let c = chunk[i];
                    i += 1;
                    match c {
                        b'\\' => v.esc = true,
                        b'"' => {
                            v.in_str = false;
                            v.cand_in_key = false;
                            v.cand_pending = match key_of(&v.keybuf) {
                                Key::Records => Key::Records,
                                Key::Tables => Key::Tables,
                                _ => Key::Other,
                            };
                        }
                        b'\n' => {
                            end = Some(Err(i));
                            break 'scan;
                        }
                        _ => {
                            if v.keybuf.len() < 64 {
                                v.keybuf.push(c)
                            }
                        }
                    }
                    continue;
                }
                match memchr3(b'"', b'\\', b'\n', &chunk[i..]) {
                    None => {
                        i = chunk.len();
                    }
                    Some(n) => {
                        let j = i + n;
                        match chunk[j] {
                            b'"' => {
                                v.in_str = false;
                                i = j + 1;
                                if v.depth == 0 {
                                    // A string value at structural level.
                                    end = Some(Ok(i));
                                    break 'scan;
                                }
                            }
                            b'\\' => {
                                if j + 1 < chunk.len() {
                                    i = j + 2;
                                } else {
                                    v.esc = true;
                                    i = j + 1;
                                }
                            }
                            _ => {
                                // A raw line break inside a string: the record was cut off
                                // and another begins on the next line.
                                end = Some(Err(j + 1));
                                break 'scan;
                            }
                        }
                    }
                }
                continue;
            }
            let c = chunk[i];
            i += 1;
            match c {
                b'"' => {
                    v.in_str = true;
                    if v.purpose == Purpose::Candidate && v.depth == 1 && v.cand_expect_key {
                        v.cand_in_key = true;
                        v.keybuf.clear();
                    }
                }
                b'{' | b'[' => {
                    if v.purpose == Purpose::Candidate
                        && v.depth == 1
                        && c == b'['
                        && v.cand_pending != Key::Other
                    {
                        convert = Some(i - 1);
                        break 'scan;
                    }
                    v.depth += 1;
                }
                b'}' | b']' => {
                    v.depth -= 1;
                    if v.depth == 0 {
                        end = Some(Ok(i));
                        break 'scan;
                    }
                }
                b',' if v.depth == 1 => {
                    v.cand_expect_key = true;
                    v.cand_pending = Key::Other;
                }
                b':' if v.depth == 1 => v.cand_expect_key = false,
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => {
                    if v.depth == 1 {
                        v.cand_pending = Key::Other;
                    }
                }
            }
        }
        if let Some(at) = convert {
            // `{"…": …, "value": [`: the object is a wrapper, not a record.
            self.cap.clear();
            self.stack.push(Frame {
                role: Role::Wrapper,
                expect_key: false,
                key: v.cand_pending,
            });
            return at;
        }
        match end {
            None => {
                if capture {
                    self.cap.extend_from_slice(&chunk[start..]);
                    if self.cap.len() > MAX_RECORD {
                        v.overflow = true;
                        self.cap = Vec::new();
                    }
                }
                self.value = Some(v);
                chunk.len()
            }
            Some(Ok(stop)) => {
                if capture {
                    // The opening byte is already in `cap`; a value that began in
                    // an earlier chunk has its earlier bytes there too.
                    self.cap.extend_from_slice(&chunk[start..stop]);
                }
                if v.overflow {
                    sink.problem(Problem::TooLarge, 0);
                } else {
                    self.deliver(v.purpose, sink);
                }
                self.cap.clear();
                self.after_value();
                stop
            }
            Some(Err(stop)) => {
                if v.purpose != Purpose::Skip {
                    sink.problem(Problem::CutOff, 0);
                }
                self.cap.clear();
                if v.purpose == Purpose::Candidate {
                    // Start over on the next line, as if nothing had been open.
                    self.stack.truncate(1);
                }
                stop
            }
        }
    }

    fn deliver(&mut self, purpose: Purpose, sink: &mut dyn Sink) {
        match purpose {
            Purpose::Record | Purpose::Candidate => sink.record(&self.cap, 0),
            Purpose::Row => {
                if self.columns.is_empty() {
                    sink.problem(Problem::NotAnObject, 0);
                } else {
                    sink.row(&self.columns, &self.cap)
                }
            }
            Purpose::Columns => {
                #[derive(serde::Deserialize)]
                struct Col {
                    #[serde(alias = "ColumnName")]
                    name: String,
                }
                self.columns = serde_json::from_slice::<Vec<Col>>(&self.cap)
                    .map(|c| c.into_iter().map(|c| c.name).collect())
                    .unwrap_or_default();
                if self.columns.is_empty() {
                    sink.problem(Problem::NotAnObject, 0);
                }
            }
            Purpose::Skip => {}
        }
    }
}

fn key_of(k: &[u8]) -> Key {
    match k {
        b"value" | b"records" | b"Records" | b"Value" => Key::Records,
        b"tables" | b"Tables" => Key::Tables,
        b"columns" | b"Columns" => Key::Columns,
        b"rows" | b"Rows" => Key::Rows,
        _ => Key::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug)]
    struct Collect {
        records: Vec<String>,
        rows: Vec<(Vec<String>, String)>,
        problems: Vec<Problem>,
        truncated: usize,
    }

    impl Sink for Collect {
        fn record(&mut self, bytes: &[u8], _: u64) {
            self.records
                .push(String::from_utf8(bytes.to_vec()).unwrap());
        }
        fn row(&mut self, columns: &[String], bytes: &[u8]) {
            self.rows
                .push((columns.to_vec(), String::from_utf8(bytes.to_vec()).unwrap()));
        }
        fn problem(&mut self, p: Problem, _: u64) {
            self.problems.push(p);
        }
        fn truncated(&mut self) {
            self.truncated += 1;
        }
    }

    /// Splits `text` structurally, fed in chunks of `chunk` bytes.
    fn structural(text: &str, chunk: usize) -> Collect {
        let mut c = Collect::default();
        let mut r = io::BufReader::with_capacity(chunk, text.as_bytes());
        split_structural(&mut r, &mut c).unwrap();
        c
    }

    fn lines(text: &str) -> Collect {
        let mut c = Collect::default();
        let mut r = io::BufReader::with_capacity(7, text.as_bytes());
        split_lines(&mut r, &mut c, None, 1).unwrap();
        c
    }

    fn ids(c: &Collect) -> Vec<String> {
        c.records
            .iter()
            .map(|r| {
                let v: serde_json::Value = serde_json::from_str(r).unwrap();
                v["id"].as_str().unwrap().to_string()
            })
            .collect()
    }

    #[test]
    fn every_shape_in_every_chunking() {
        let cases = [
            (r#"[{"id":"a"},{"id":"b","x":{"y":[1,"]}"]}}]"#, vec!["a", "b"]),
            ("[\r\n  {\r\n    \"id\": \"a\"\r\n  }\r\n]\r\n[\r\n  {\"id\":\"b\"},\r\n  {\"id\":\"c\"}\r\n]\r\n", vec!["a", "b", "c"]),
            (r#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns","value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"https://x/?$skiptoken=1"}"#, vec!["a", "b"]),
            (r#"{"records":[{"id":"a","properties":{"value":[1]}}]}{"records":[{"id":"b"}]}"#, vec!["a", "b"]),
            ("{\n  \"id\": \"single\",\n  \"status\": {\"errorCode\": 0}\n}\n", vec!["single"]),
            ("{\"id\":\"a\"}\n{\"id\":\"b\"}\n", vec!["a", "b"]),
            (r#"[[{"id":"a"}],[{"id":"b"}]]"#, vec!["a", "b"]),
            (r#"{"value":[]}"#, vec![]),
            (r#"{"id":"q\"uote\\","value":"not an array"}"#, vec!["q\"uote\\"]),
        ];
        for (text, want) in cases {
            for chunk in [1, 2, 3, 5, 8, 64, 4096] {
                let c = structural(text, chunk);
                assert_eq!(ids(&c), want, "{text} in chunks of {chunk}");
                assert!(c.problems.is_empty(), "{text}: {:?}", c.problems);
                assert_eq!(c.truncated, 0, "{text}");
            }
        }
    }

    #[test]
    fn log_analytics_tables() {
        let text = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"Id","type":"string"},{"name":"ResultType","type":"string"}],"rows":[["a","0"],["b","50126"]]}]}"#;
        for chunk in [1, 4, 4096] {
            let c = structural(text, chunk);
            assert_eq!(c.rows.len(), 2);
            assert_eq!(c.rows[1].0, vec!["Id", "ResultType"]);
            assert_eq!(c.rows[1].1, r#"["b","50126"]"#);
        }
    }

    #[test]
    fn damage_is_counted_and_contained() {
        // Not objects inside an array, text between values.
        let c = structural(r#"[{"id":"a"}, "x", 42, {"id":"b"}]"#, 3);
        assert_eq!(ids(&c), ["a", "b"]);
        assert_eq!(c.problems, [Problem::NotAnObject, Problem::NotAnObject]);
        let c = structural("{\"id\":\"a\"}\nhello world\n{\"id\":\"b\"}", 4096);
        assert_eq!(ids(&c), ["a", "b"]);
        assert_eq!(c.problems, [Problem::NotJson]);
        // A record cut off by a line break inside a string; the next line is read.
        let c = structural("{\"id\":\"a\",\"x\":\"unfinished\n{\"id\":\"b\"}\n", 5);
        assert_eq!(ids(&c), ["b"]);
        assert_eq!(c.problems, [Problem::CutOff]);
        // The end of a blob still being written.
        let c = structural("[{\"id\":\"a\"},{\"id\":\"b\",\"st", 4096);
        assert_eq!(ids(&c), ["a"]);
        assert_eq!(c.truncated, 1);
    }

    #[test]
    fn line_mode() {
        let c = lines("{\"id\":\"a\"}\r\n\r\n{\"id\":\"b\"}\nnot json\n[1]\n{\"id\":\"c\",\"x\":");
        assert_eq!(ids(&c), ["a", "b"]);
        assert_eq!(c.problems, [Problem::NotJson, Problem::NotAnObject]);
        assert_eq!(c.truncated, 1);
        let c = Collect::default();
        let mut c2 = c;
        split_bytes(b"{\"value\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", &mut c2);
        assert_eq!(ids(&c2), ["a", "b"]);
    }

    #[test]
    fn line_mode_limit_stops_at_line_starts() {
        let text = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n";
        let mut c = Collect::default();
        let mut r = io::BufReader::with_capacity(3, text.as_bytes());
        // The second line starts at 11; a limit of 12 includes it.
        split_lines(&mut r, &mut c, Some(12), 1).unwrap();
        assert_eq!(ids(&c), ["a", "b"]);
    }

    #[test]
    fn sniffing_lines() {
        assert!(looks_like_lines(b"{\"a\":1}\n{\"b\":2}\n", true));
        assert!(looks_like_lines(b"{\"a\":1}\n", true));
        assert!(!looks_like_lines(b"{\n \"a\": 1\n}\n", true));
        assert!(!looks_like_lines(b"[{\"a\":1}]\n", true));
        assert!(!looks_like_lines(b"{\"a\":1}\n[]", true));
    }

    #[test]
    fn oversized_record_is_skipped_in_bounded_memory() {
        // A record of MAX_RECORD + 1 MiB between two small ones, streamed.
        struct Gen {
            parts: Vec<Box<dyn Read>>,
        }
        use std::io::Read;
        impl Read for Gen {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                while let Some(p) = self.parts.first_mut() {
                    let n = p.read(buf)?;
                    if n > 0 {
                        return Ok(n);
                    }
                    self.parts.remove(0);
                }
                Ok(0)
            }
        }
        let big = (MAX_RECORD + (1 << 20)) as u64;
        let g = Gen {
            parts: vec![
                Box::new(&b"[{\"id\":\"a\"},{\"id\":\"big\",\"blob\":\""[..]),
                Box::new(io::repeat(b'x').take(big)),
                Box::new(&b"\"},{\"id\":\"b\"}]"[..]),
            ],
        };
        let mut c = Collect::default();
        let mut r = io::BufReader::with_capacity(1 << 16, g);
        split_structural(&mut r, &mut c).unwrap();
        assert_eq!(ids(&c), ["a", "b"]);
        assert_eq!(c.problems, [Problem::TooLarge]);
    }
}
