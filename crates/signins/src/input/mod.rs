//! Inputs: files, folders (read recursively), `.gz` and `.zip`, standard
//! input, or bytes in memory. Each is sniffed by its content, not its name
//! (compression by magic bytes, encoding by BOM, JSON by its first
//! character, CSV by its header), read as a stream, and normalised to
//! [`Event`]s handed to a [`Consumer`]. Large JSON-lines files are split
//! at line boundaries so that all CPUs share one file; other inputs are
//! one unit of work each, and units run on one thread per CPU.
//!
//! Nothing is dropped silently: every record that cannot be read is counted
//! in its input's [`InputStats`] with the reason, a file that cannot be
//! read at all gets an error message, and the rest goes on.

pub mod csv;
pub mod decode;
pub mod json;

use crate::aggregate::hash;
use crate::event::{self, Event, Hint, Skip, Step};
use crate::record;
use crate::spec::{Bi2, Kind};
use memchr::memchr;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Where sign-in logs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file or a folder.
    Path(PathBuf),
    /// Bytes already in memory (the bundled example), with a name to show.
    Memory {
        name: String,
        bytes: Arc<[u8]>,
    },
    /// A stream read once (an upload, a generated stream in tests).
    Reader {
        name: String,
        reader: SharedReader,
    },
    Stdin,
}

/// A reader that can sit in a cloneable [`Source`]; the first read takes it.
#[derive(Clone)]
pub struct SharedReader(Arc<Mutex<Option<Box<dyn Read + Send>>>>);

impl SharedReader {
    pub fn new(r: impl Read + Send + 'static) -> SharedReader {
        SharedReader(Arc::new(Mutex::new(Some(Box::new(r)))))
    }

    fn take(&self) -> Option<Box<dyn Read + Send>> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

impl std::fmt::Debug for SharedReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedReader")
    }
}

/// Why a record was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    InvalidJson,
    NotAnObject,
    NotJson,
    TooLarge,
    CutOff,
    NoResult,
    RowTooLarge,
    UnterminatedQuote,
}

impl Reason {
    pub fn key(self) -> &'static str {
        match self {
            Reason::InvalidJson => "invalid-json",
            Reason::NotAnObject => "not-an-object",
            Reason::NotJson => "not-json",
            Reason::TooLarge => "too-large",
            Reason::CutOff => "cut-off",
            Reason::NoResult => "no-result",
            Reason::RowTooLarge => "row-too-large",
            Reason::UnterminatedQuote => "unterminated-quote",
        }
    }

    pub fn message(self) -> Bi2 {
        let (en, ja) = match self {
            Reason::InvalidJson => ("not valid JSON", "JSON として正しくありません"),
            Reason::NotAnObject => ("a JSON value that is not an object (a record is an object)", "オブジェクトではない JSON 値です (レコードはオブジェクトです)"),
            Reason::NotJson => ("text outside any JSON value", "JSON 値の外にあるテキストです"),
            Reason::TooLarge => ("a record larger than 64 MiB (no sign-in record is that large)", "64 MiB を超えるレコードです (サインイン レコードがこれほど大きくなることはありません)"),
            Reason::CutOff => ("a record broken off by a line break", "改行で途切れたレコードです"),
            Reason::NoResult => ("no result code (neither status.errorCode nor resultType nor a sign-in error code)", "結果コードがありません (status.errorCode、resultType、サインイン エラー コードのいずれもありません)"),
            Reason::RowTooLarge => ("a CSV row larger than 16 MiB", "16 MiB を超える CSV 行です"),
            Reason::UnterminatedQuote => ("a quoted CSV field that never ends (the rest of the file was not read)", "終わりのない引用符付き CSV フィールドです (ファイルの残りは読み込まれていません)"),
        };
        Bi2::new(en, ja)
    }
}

/// What was read from one input (a file, an archive member, stdin).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputStats {
    pub path: String,
    /// `diagnostic-settings/json-lines`, `graph/page`, `portal/csv`, … (see docs/json.md).
    pub format: String,
    pub encoding: String,
    /// `gzip`, `zip` or empty.
    pub container: String,
    /// Sign-in records counted (a record seen again is not).
    pub records: u64,
    pub duplicates: u64,
    pub unreadable: u64,
    pub reasons: BTreeMap<Reason, (u64, Option<String>)>,
    /// The last record was cut off (a blob still being written): a warning.
    pub truncated: u64,
    /// Records of other log categories (audit logs, risk events, …), skipped.
    pub other_categories: u64,
    pub without_time: u64,
    /// Rows of an authentication-details download (steps, not sign-ins).
    pub auth_detail_rows: u64,
    /// A CSV's kind (interactive or not) was guessed: the file name did not say.
    pub kind_guessed: bool,
    /// The input could not be read (at all, or from some point on).
    pub error: Option<Bi2>,
    /// Bytes read from the file or archive member (a `.gz` counts its
    /// compressed bytes).
    pub bytes: u64,
}

impl InputStats {
    fn new(path: &str) -> InputStats {
        InputStats {
            path: path.to_string(),
            ..InputStats::default()
        }
    }

    fn bad(&mut self, reason: Reason, detail: Option<String>) {
        self.unreadable += 1;
        let e = self.reasons.entry(reason).or_insert((0, None));
        e.0 += 1;
        if e.1.is_none() {
            e.1 = detail;
        }
    }

    /// Adds the counts of another part of the same file.
    fn merge(&mut self, o: InputStats) {
        if self.format.is_empty() {
            self.format = o.format;
            self.encoding = o.encoding;
        }
        self.records += o.records;
        self.duplicates += o.duplicates;
        self.unreadable += o.unreadable;
        for (k, (n, d)) in o.reasons {
            let e = self.reasons.entry(k).or_insert((0, None));
            e.0 += n;
            if e.1.is_none() {
                e.1 = d;
            }
        }
        self.truncated += o.truncated;
        self.other_categories += o.other_categories;
        self.without_time += o.without_time;
        self.auth_detail_rows += o.auth_detail_rows;
        self.kind_guessed |= o.kind_guessed;
        if self.error.is_none() {
            self.error = o.error;
        }
        self.bytes += o.bytes;
    }

    /// Warnings to show, in English and Japanese.
    pub fn warnings(&self) -> Vec<Bi2> {
        let mut w = Vec::new();
        if self.truncated > 0 {
            w.push(Bi2::new(
                "the last record is cut off (a blob still being written?); it was not counted",
                "最後のレコードが途切れています (書き込み中の BLOB の可能性があります)。このレコードは数えていません",
            ));
        }
        if self.duplicates > 0 {
            w.push(Bi2::new(
                format!(
                    "{} records seen before (same request id) were counted once",
                    self.duplicates
                ),
                format!(
                    "既に読み込んだレコード (同じ要求 ID) {} 件は 1 回だけ数えました",
                    self.duplicates
                ),
            ));
        }
        if self.other_categories > 0 {
            w.push(Bi2::new(
                format!(
                    "{} records of other log categories (not sign-ins) were skipped",
                    self.other_categories
                ),
                format!(
                    "サインイン以外のログ カテゴリのレコード {} 件をスキップしました",
                    self.other_categories
                ),
            ));
        }
        if self.without_time > 0 {
            w.push(Bi2::new(
                format!("{} records have no readable time; they are counted but left out of time series and attack windows", self.without_time),
                format!("{} 件のレコードに読み取れる日時がありません。件数には含めましたが、時系列と攻撃の検出には使っていません", self.without_time),
            ));
        }
        if self.kind_guessed {
            w.push(Bi2::new(
                "the file name does not say whether these are interactive or non-interactive sign-ins; counted as interactive (keep the name the admin center gives the download)",
                "ファイル名から対話型か非対話型かを判別できないため、対話型として数えました (管理センターでダウンロードしたときのファイル名のまま使ってください)",
            ));
        }
        if self.auth_detail_rows > 0 {
            w.push(Bi2::new(
                format!("{} authentication-detail rows (steps of sign-ins, not sign-ins themselves)", self.auth_detail_rows),
                format!("認証の詳細の行が {} 行あります (サインインの手順であり、サインインそのものではありません)", self.auth_detail_rows),
            ));
        }
        w
    }
}

/// The original record, for lookups that show it whole.
pub enum RawRef<'a> {
    Json(&'a [u8]),
    Fields(Vec<(String, String)>),
}

/// What the readers hand their events to.
pub trait Consumer {
    fn event(&mut self, e: &Event<'_>, raw: RawRef<'_>);
    /// A step of an authentication-details download.
    fn auth_detail(&mut self, _request_id: &str, _step: &Step<'_>) {}
    /// Whether [`RawRef::Fields`] should be built for CSV rows.
    fn wants_fields(&self) -> bool {
        false
    }
}

/// Request ids already counted, shared by all threads.
pub struct Dedupe {
    shards: Vec<Mutex<crate::aggregate::Set>>,
}

impl Default for Dedupe {
    fn default() -> Self {
        Dedupe {
            shards: (0..64).map(|_| Mutex::new(Default::default())).collect(),
        }
    }
}

impl Dedupe {
    /// `true` the first time an id is seen.
    pub fn first(&self, id: &str) -> bool {
        let h = hash(id);
        let shard = &self.shards[(h >> 58) as usize];
        shard.lock().map(|mut s| s.insert(h)).unwrap_or(true)
    }
}

/// Progress counters, read by the command line for its status line.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes: AtomicU64,
    pub total_bytes: AtomicU64,
    pub records: AtomicU64,
}

/// Options of a read.
pub struct Reader<'p> {
    pub threads: usize,
    pub progress: Option<&'p Progress>,
    /// Drop records seen before (same request id). Off for lookups.
    pub dedupe: bool,
    /// JSON-lines files larger than twice this are read in pieces of this
    /// size by all threads at once.
    pub piece: u64,
}

/// The default piece size for splitting large JSON-lines files.
pub const PIECE: u64 = 32 << 20;

/// Extensions read from folders; files named on the command line are
/// always read.
const FOLDER_EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson", "csv", "tsv", "gz", "zip", "txt"];

enum Unit {
    Whole {
        source: Source,
        name: String,
    },
    Range {
        path: PathBuf,
        name: String,
        start: u64,
        end: u64,
    },
}

impl Unit {
    fn name(&self) -> &str {
        match self {
            Unit::Whole { name, .. } | Unit::Range { name, .. } => name,
        }
    }
}

/// Lists the files of the sources, folders recursively in name order.
fn expand(sources: &[Source], out: &mut Vec<(Source, String)>, errors: &mut Vec<InputStats>) {
    for s in sources {
        match s {
            Source::Path(p) if p.is_dir() => walk(p, out, errors),
            Source::Path(p) => out.push((s.clone(), p.display().to_string())),
            Source::Memory { name, .. } | Source::Reader { name, .. } => {
                out.push((s.clone(), name.clone()))
            }
            Source::Stdin => out.push((s.clone(), "-".to_string())),
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<(Source, String)>, errors: &mut Vec<InputStats>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            let mut st = InputStats::new(&dir.display().to_string());
            st.error = Some(Bi2::new(
                format!("cannot read the folder: {e}"),
                format!("フォルダーを読み込めません: {e}"),
            ));
            errors.push(st);
            return;
        }
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out, errors);
        } else {
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| e.to_ascii_lowercase())
                .unwrap_or_default();
            if ext.is_empty() || FOLDER_EXTENSIONS.contains(&ext.as_str()) {
                out.push((Source::Path(p.clone()), p.display().to_string()));
            }
        }
    }
}

/// Splits a large plain JSON-lines file into ranges; `None` for anything else.
fn plan_ranges(path: &Path, threads: usize, piece: u64) -> Option<Vec<(u64, u64)>> {
    let piece = piece.max(1);
    if threads < 2 {
        return None;
    }
    let len = std::fs::metadata(path).ok()?.len();
    if len < 2 * piece {
        return None;
    }
    let mut f = File::open(path).ok()?;
    let mut head = vec![0u8; 1 << 20];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return None,
        }
    }
    head.truncate(n);
    let body = head.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(&head);
    // Compressed, UTF-16 or not JSON lines: one unit.
    if body.starts_with(&[0x1f, 0x8b]) || body.starts_with(b"PK") || body.get(1) == Some(&0) {
        return None;
    }
    if !json::looks_like_lines(body, n as u64 == len) {
        return None;
    }
    let pieces = (len / piece).max(threads as u64);
    let step = len.div_ceil(pieces);
    Some(
        (0..pieces)
            .map(|i| (i * step, ((i + 1) * step).min(len)))
            .filter(|(a, b)| a < b)
            .collect(),
    )
}

/// Reads every source on `threads` threads. Each unit of work (a file, an
/// archive, a piece of a large file) fills its own consumer from `make`;
/// `merge` adds a unit's consumer to those of all units before it, always
/// in the order of the units, so what depends on the order of records (the
/// first name seen, the last kind of sign-in) is the same on any number of
/// threads as in one pass. Returns the merged consumer and the stats of
/// every input, in order.
pub fn read_all<C, F, M>(
    sources: &[Source],
    opts: &Reader<'_>,
    make: F,
    merge: M,
) -> (C, Vec<InputStats>)
where
    C: Consumer + Send,
    F: Fn() -> C + Sync,
    M: Fn(&mut C, C) + Sync,
{
    let mut files = Vec::new();
    let mut early_errors = Vec::new();
    expand(sources, &mut files, &mut early_errors);
    let threads = opts.threads.max(1);
    let mut units = Vec::new();
    let mut total = 0u64;
    for (source, name) in files {
        if let Source::Path(p) = &source {
            total += std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            if let Some(ranges) = plan_ranges(p, threads, opts.piece) {
                for (start, end) in ranges {
                    units.push(Unit::Range {
                        path: p.clone(),
                        name: name.clone(),
                        start,
                        end,
                    });
                }
                continue;
            }
        }
        if let Source::Memory { bytes, .. } = &source {
            total += bytes.len() as u64;
        }
        units.push(Unit::Whole { source, name });
    }
    if let Some(p) = opts.progress {
        p.total_bytes.store(total, Ordering::Relaxed);
    }
    let order: Vec<String> = {
        let mut seen = Vec::new();
        for u in &units {
            if !seen.iter().any(|s: &String| s == u.name()) {
                seen.push(u.name().to_string());
            }
        }
        seen
    };
    let dedupe = Dedupe::default();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<InputStats>> = Mutex::new(Vec::new());
    let workers = threads.min(units.len()).max(1);
    let order_merge = Ordered::new(workers);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(unit) = units.get(i) else { break };
                order_merge.wait_for_room(i);
                let ctx = Ctx {
                    dedupe: opts.dedupe.then_some(&dedupe),
                    progress: opts.progress,
                };
                let mut consumer = make();
                let stats = read_unit(unit, &ctx, &mut consumer);
                if let Ok(mut r) = results.lock() {
                    r.extend(stats);
                }
                order_merge.done(i, consumer, &merge);
            });
        }
    });
    let consumer = order_merge.into_inner().unwrap_or_else(&make);
    // Parts of one file are merged; archive members keep their own entries.
    let mut merged: Vec<InputStats> = early_errors;
    let mut parts = results.into_inner().unwrap_or_default();
    for name in &order {
        let mut mine: Vec<InputStats> = Vec::new();
        let mut rest = Vec::new();
        for s in parts.drain(..) {
            if s.path == *name || s.path.starts_with(&format!("{name}!")) {
                mine.push(s);
            } else {
                rest.push(s);
            }
        }
        parts = rest;
        mine.sort_by(|a, b| a.path.cmp(&b.path));
        let mut by_path: Vec<InputStats> = Vec::new();
        for s in mine {
            match by_path.iter_mut().find(|x| x.path == s.path) {
                Some(x) => x.merge(s),
                None => by_path.push(s),
            }
        }
        merged.extend(by_path);
    }
    merged.extend(parts);
    (consumer, merged)
}

/// Consumers of finished units waiting for those of the units before them.
struct Ordered<C> {
    state: Mutex<OrderedState<C>>,
    room: std::sync::Condvar,
    /// How many units may run ahead of the first unmerged one; bounds the
    /// consumers kept waiting (memory) when one unit is much slower.
    window: usize,
}

struct OrderedState<C> {
    /// The first unit not merged yet.
    next: usize,
    /// Everything before `next`, merged (out while a thread merges).
    merged: Option<C>,
    merging: bool,
    waiting: BTreeMap<usize, C>,
}

impl<C> Ordered<C> {
    fn new(workers: usize) -> Self {
        Ordered {
            state: Mutex::new(OrderedState {
                next: 0,
                merged: None,
                merging: false,
                waiting: BTreeMap::new(),
            }),
            room: std::sync::Condvar::new(),
            window: 4 * workers.max(1),
        }
    }

    /// Blocks while unit `i` is too far ahead of the merged ones.
    fn wait_for_room(&self, i: usize) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        while i >= st.next + self.window {
            match self.room.wait(st) {
                Ok(s) => st = s,
                Err(_) => return,
            }
        }
    }

    /// Unit `i` is finished: merges it and every waiting unit after it, in
    /// order, unless another thread is merging (which then picks it up).
    fn done(&self, i: usize, consumer: C, merge: &impl Fn(&mut C, C)) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.waiting.insert(i, consumer);
        loop {
            if st.merging {
                return;
            }
            let mut ready = Vec::new();
            let first = st.next;
            while let Some(c) = st.waiting.remove(&(first + ready.len())) {
                ready.push(c);
            }
            if ready.is_empty() {
                return;
            }
            st.merging = true;
            let mut merged = st.merged.take();
            drop(st);
            let n = ready.len();
            for c in ready {
                match merged.as_mut() {
                    Some(m) => merge(m, c),
                    None => merged = Some(c),
                }
            }
            st = match self.state.lock() {
                Ok(s) => s,
                Err(_) => return,
            };
            st.merged = merged;
            st.next += n;
            st.merging = false;
            self.room.notify_all();
        }
    }

    fn into_inner(self) -> Option<C> {
        self.state.into_inner().ok().and_then(|s| s.merged)
    }
}

struct Ctx<'a> {
    dedupe: Option<&'a Dedupe>,
    progress: Option<&'a Progress>,
}

/// Counts bytes read, for the progress line and the input's stats.
struct Counting<'p, R> {
    inner: R,
    progress: Option<&'p Progress>,
    counted: &'p Cell<u64>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counted.set(self.counted.get() + n as u64);
        if let Some(p) = self.progress {
            p.bytes.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

fn open_error(e: &io::Error) -> Bi2 {
    Bi2::new(
        format!("cannot read the file: {e}"),
        format!("ファイルを読み込めません: {e}"),
    )
}

fn read_unit(unit: &Unit, ctx: &Ctx<'_>, consumer: &mut dyn Consumer) -> Vec<InputStats> {
    match unit {
        Unit::Range {
            path,
            name,
            start,
            end,
        } => {
            let mut st = InputStats::new(name);
            st.format = String::new();
            if let Err(e) = read_range(path, *start, *end, &mut st, ctx, consumer) {
                st.error = Some(read_error(&e));
            }
            vec![st]
        }
        Unit::Whole { source, name } => {
            let mut out = Vec::new();
            match source {
                Source::Path(p) => match File::open(p) {
                    Ok(mut f) => {
                        let mut magic = [0u8; 4];
                        let n = read_up_to(&mut f, &mut magic);
                        if n == 4 && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06") {
                            read_zip(f, name, ctx, consumer, &mut out);
                        } else {
                            let mut st = InputStats::new(name);
                            let r = f.seek(SeekFrom::Start(0)).map(|_| f);
                            match r {
                                Ok(f) => read_stream(Box::new(f), name, &mut st, ctx, consumer),
                                Err(e) => st.error = Some(open_error(&e)),
                            }
                            out.push(st);
                        }
                    }
                    Err(e) => {
                        let mut st = InputStats::new(name);
                        st.error = Some(open_error(&e));
                        out.push(st);
                    }
                },
                Source::Memory { bytes, .. } => {
                    if bytes.starts_with(b"PK\x03\x04") {
                        read_zip(
                            io::Cursor::new(bytes.clone()),
                            name,
                            ctx,
                            consumer,
                            &mut out,
                        );
                    } else {
                        let mut st = InputStats::new(name);
                        read_stream(
                            Box::new(io::Cursor::new(bytes.clone())),
                            name,
                            &mut st,
                            ctx,
                            consumer,
                        );
                        out.push(st);
                    }
                }
                Source::Reader { reader, .. } => {
                    let mut st = InputStats::new(name);
                    match reader.take() {
                        Some(r) => read_stream(r, name, &mut st, ctx, consumer),
                        None => {
                            st.error = Some(Bi2::new(
                                "the stream was already read",
                                "このストリームは既に読み込まれています",
                            ))
                        }
                    }
                    out.push(st);
                }
                Source::Stdin => {
                    let mut st = InputStats::new(name);
                    read_stream(Box::new(io::stdin()), name, &mut st, ctx, consumer);
                    out.push(st);
                }
            }
            out
        }
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

fn read_error(e: &io::Error) -> Bi2 {
    Bi2::new(
        format!("reading stopped: {e}; the records before were counted"),
        format!("読み込みが途中で止まりました: {e}。それまでのレコードは数えています"),
    )
}

fn read_range(
    path: &Path,
    start: u64,
    end: u64,
    st: &mut InputStats,
    ctx: &Ctx<'_>,
    consumer: &mut dyn Consumer,
) -> io::Result<()> {
    let mut f = File::open(path)?;
    let mut pos = start;
    if start > 0 {
        // Begin at the first line that starts at or after `start`.
        f.seek(SeekFrom::Start(start - 1))?;
        let mut r = BufReader::with_capacity(64 << 10, &mut f);
        let mut skipped = Vec::new();
        let n = r.read_until(b'\n', &mut skipped)? as u64;
        pos = start - 1 + n;
        drop(r);
        f.seek(SeekFrom::Start(pos))?;
    }
    if pos >= end {
        return Ok(());
    }
    let read = Cell::new(0);
    let counting = Counting {
        inner: f,
        progress: ctx.progress,
        counted: &read,
    };
    let mut r = BufReader::with_capacity(decode::BLOCK, counting);
    if start == 0 {
        let head = r.fill_buf()?;
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            r.consume(3);
            st.encoding = "UTF-8 (BOM)".into();
        }
    }
    if st.encoding.is_empty() {
        st.encoding = "UTF-8".into();
    }
    let mut sink = JsonSink::new(st, ctx, consumer, Hint::default(), "json-lines");
    json::split_lines(&mut r, &mut sink, Some(end - pos), 0)?;
    sink.finish_format();
    // The piece's share of the file (it reads a little past its end to
    // finish its last line, which the next piece skips): the pieces of a
    // file add up to its size, as one read of the whole file counts.
    st.bytes += end - start;
    Ok(())
}

fn read_zip<R: Read + Seek>(
    r: R,
    name: &str,
    ctx: &Ctx<'_>,
    consumer: &mut dyn Consumer,
    out: &mut Vec<InputStats>,
) {
    let mut archive = match zip::ZipArchive::new(r) {
        Ok(a) => a,
        Err(e) => {
            let mut st = InputStats::new(name);
            st.container = "zip".into();
            st.error = Some(Bi2::new(
                format!("a damaged zip archive: {e}"),
                format!("zip アーカイブが壊れています: {e}"),
            ));
            out.push(st);
            return;
        }
    };
    if archive.is_empty() {
        let mut st = InputStats::new(name);
        st.container = "zip".into();
        st.error = Some(Bi2::new(
            "the zip archive is empty",
            "zip アーカイブが空です",
        ));
        out.push(st);
        return;
    }
    for i in 0..archive.len() {
        let member = archive.by_index(i);
        let mut member = match member {
            Ok(m) => m,
            Err(e) => {
                let mut st = InputStats::new(&format!("{name}!#{i}"));
                st.container = "zip".into();
                st.error = Some(Bi2::new(
                    format!("a zip member that cannot be read: {e}"),
                    format!("読み込めない zip メンバーです: {e}"),
                ));
                out.push(st);
                continue;
            }
        };
        if member.is_dir() {
            continue;
        }
        let member_name = format!(
            "{name}!{}",
            member
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| format!("#{i}"))
        );
        let mut st = InputStats::new(&member_name);
        st.container = "zip".into();
        let lower = member_name.to_ascii_lowercase();
        if lower.ends_with(".zip") {
            st.error = Some(Bi2::new(
                "a zip inside a zip is not opened; extract it first",
                "zip の中の zip は開きません。先に展開してください",
            ));
            out.push(st);
            continue;
        }
        // The member borrows the archive and is read to its end here.
        read_stream(Box::new(&mut member), &member_name, &mut st, ctx, consumer);
        out.push(st);
    }
}

/// Sniffs and reads one stream: gzip, then encoding, then JSON or CSV.
fn read_stream<'s>(
    inner: Box<dyn Read + 's>,
    name: &str,
    st: &mut InputStats,
    ctx: &Ctx<'_>,
    consumer: &mut dyn Consumer,
) {
    let read = Cell::new(0);
    let counting = Counting {
        inner,
        progress: ctx.progress,
        counted: &read,
    };
    let mut raw = BufReader::with_capacity(decode::BLOCK, counting);
    let is_gzip = match raw.fill_buf() {
        Ok(b) => b.starts_with(&[0x1f, 0x8b]),
        Err(e) => {
            st.error = Some(open_error(&e));
            return;
        }
    };
    let result = if is_gzip {
        st.container = if st.container.is_empty() {
            "gzip".into()
        } else {
            format!("{}+gzip", st.container)
        };
        let gz = flate2::bufread::MultiGzDecoder::new(raw);
        read_text(Box::new(gz), name, st, ctx, consumer)
    } else {
        read_text(Box::new(raw), name, st, ctx, consumer)
    };
    if let Err(e) = result {
        st.error = Some(if is_gzip {
            Bi2::new(
                format!("the gzip data is damaged: {e}; the records before were counted"),
                format!("gzip データが壊れています: {e}。それまでのレコードは数えています"),
            )
        } else {
            read_error(&e)
        });
    }
    st.bytes += read.get();
}

/// How far into a stream the sniffing looks.
const HEAD: usize = 1 << 20;

fn read_text<'s>(
    inner: Box<dyn Read + 's>,
    name: &str,
    st: &mut InputStats,
    ctx: &Ctx<'_>,
    consumer: &mut dyn Consumer,
) -> io::Result<()> {
    // `utf8_reader` wants a 'static reader; keep the lifetime by wrapping.
    let decoded = decode::utf8_reader(inner)?;
    st.encoding = decoded.encoding.to_string();
    let mut reader = decoded.reader;
    let mut head = Vec::with_capacity(64 << 10);
    (&mut reader).take(HEAD as u64).read_to_end(&mut head)?;
    let at_eof = head.len() < HEAD;
    let first = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        st.error = Some(if head.is_empty() {
            Bi2::new("the file is empty", "ファイルが空です")
        } else {
            Bi2::new(
                "the file holds only blank lines",
                "ファイルには空行しかありません",
            )
        });
        return Ok(());
    };
    let sample = &head[..head.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)))
        .count();
    if control > 0 && (control * 100 / sample.len() >= 1 || sample.contains(&0)) {
        st.error = Some(Bi2::new(
            "not text: a binary file, not a sign-in log export",
            "テキストではありません。バイナリ ファイルで、サインイン ログのエクスポートではありません",
        ));
        return Ok(());
    }
    let valid_prefix = match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > sample.len(),
    };
    if !valid_prefix {
        st.error = Some(Bi2::new(
            "not UTF-8 or UTF-16 text; sign-in exports are UTF-8 (save the file as UTF-8)",
            "UTF-8 でも UTF-16 でもないテキストです。サインインのエクスポートは UTF-8 です (UTF-8 で保存し直してください)",
        ));
        return Ok(());
    }
    let c = head[first];
    let mut all = io::Cursor::new(head).chain(reader);
    let mut r = BufReader::with_capacity(decode::BLOCK, &mut all);
    let file_name = name.rsplit(['/', '\\', '!']).next().unwrap_or(name);
    let hint = Hint {
        kind: file_kind(file_name),
    };
    if c == b'{' || c == b'[' {
        let head_ref = r.fill_buf()?;
        let lines = c == b'{' && json::looks_like_lines(head_ref, at_eof);
        let shape = if lines {
            "json-lines"
        } else if c == b'[' {
            "array"
        } else {
            wrapper_shape(head_ref)
        };
        let mut sink = JsonSink::new(st, ctx, consumer, hint, shape);
        if lines {
            json::split_lines(&mut r, &mut sink, None, 1)?;
        } else {
            json::split_structural(&mut r, &mut sink)?;
        }
        sink.finish_format();
        Ok(())
    } else {
        read_csv(&mut r, file_name, st, ctx, consumer, hint)
    }
}

/// The kind a download's file name announces (`NonInteractiveSignIns_…`).
fn file_kind(name: &str) -> Option<Kind> {
    let n = name.to_ascii_lowercase();
    if n.contains("noninteractive") {
        Some(Kind::NonInteractive)
    } else if n.contains("msisignin") || n.contains("managedidentit") {
        Some(Kind::ManagedIdentity)
    } else if n.contains("applicationsignin") || n.contains("serviceprincipalsignin") {
        Some(Kind::ServicePrincipal)
    } else if n.contains("interactivesignin") {
        Some(Kind::Interactive)
    } else {
        None
    }
}

/// The shape of a top-level object from its first key: records of the
/// Event Hub (`records`), a Graph page (`@odata.…`, `value`), the Log
/// Analytics API (`tables`), or a record.
fn wrapper_shape(head: &[u8]) -> &'static str {
    let start = head
        .iter()
        .position(|b| *b == b'{')
        .map_or(head.len(), |i| i + 1);
    let rest = &head[start..];
    let key_start = rest.iter().position(|b| !b.is_ascii_whitespace());
    let key = key_start
        .filter(|&i| rest[i] == b'"')
        .and_then(|i| memchr(b'"', &rest[i + 1..]).map(|n| &rest[i + 1..i + 1 + n]))
        .unwrap_or(b"");
    match key {
        b"records" | b"Records" => "event-hub",
        b"value" => "page",
        k if k.starts_with(b"@odata.") => "page",
        b"tables" | b"Tables" => "api",
        _ => "json",
    }
}

/// Receives JSON records, normalises them and hands them on.
struct JsonSink<'c, 'x> {
    st: &'c mut InputStats,
    ctx: &'c Ctx<'x>,
    consumer: &'c mut dyn Consumer,
    hint: Hint,
    shape: &'static str,
    flavour: Option<&'static str>,
    depth: u8,
    scratch: Vec<u8>,
}

impl<'c, 'x> JsonSink<'c, 'x> {
    fn new(
        st: &'c mut InputStats,
        ctx: &'c Ctx<'x>,
        consumer: &'c mut dyn Consumer,
        hint: Hint,
        shape: &'static str,
    ) -> Self {
        JsonSink {
            st,
            ctx,
            consumer,
            hint,
            shape,
            flavour: None,
            depth: 0,
            scratch: Vec::new(),
        }
    }

    fn finish_format(&mut self) {
        let flavour = self.flavour.unwrap_or("json");
        self.st.format = match (flavour, self.shape) {
            ("diagnostic-settings", "event-hub") => "event-hub".into(),
            (f, s) => format!("{f}/{s}"),
        };
    }

    fn deliver(&mut self, e: &Event<'_>, raw: RawRef<'_>) {
        deliver(self.st, self.ctx, self.consumer, e, raw);
    }
}

fn deliver(
    st: &mut InputStats,
    ctx: &Ctx<'_>,
    consumer: &mut dyn Consumer,
    e: &Event<'_>,
    raw: RawRef<'_>,
) {
    if let Some(d) = ctx.dedupe {
        if !e.id.is_empty() && !d.first(&e.id) {
            st.duplicates += 1;
            return;
        }
    }
    st.records += 1;
    if e.time.is_none() {
        st.without_time += 1;
    }
    if let Some(p) = ctx.progress {
        p.records.fetch_add(1, Ordering::Relaxed);
    }
    consumer.event(e, raw);
}

impl json::Sink for JsonSink<'_, '_> {
    fn record(&mut self, bytes: &[u8], _line: u64) {
        let raw = match record::parse(bytes) {
            Ok(r) => r,
            Err(e) => {
                self.st.bad(Reason::InvalidJson, Some(e.to_string()));
                return;
            }
        };
        if raw.wrapper.is_some_and(|w| w.0) {
            // A page or capture on one line: open it.
            if self.depth < 4 {
                self.depth += 1;
                json::split_bytes(bytes, self);
                self.depth -= 1;
            } else {
                self.st.bad(Reason::NotAnObject, None);
            }
            return;
        }
        if self.flavour.is_none() {
            self.flavour = Some(if raw.time_generated.is_some() || raw.table.is_some() {
                "log-analytics"
            } else if raw.time.is_some() && raw.category.is_some() {
                "diagnostic-settings"
            } else if raw.time_generated.is_some() {
                "log-analytics"
            } else {
                "graph"
            });
        }
        match event::from_raw(raw, self.hint) {
            Ok(e) => self.deliver(&e, RawRef::Json(bytes)),
            Err(Skip::NoResult) => self.st.bad(Reason::NoResult, None),
            Err(Skip::OtherCategory) => self.st.other_categories += 1,
        }
    }

    fn row(&mut self, columns: &[String], bytes: &[u8]) {
        let values: Vec<serde_json::Value> = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                self.st.bad(Reason::InvalidJson, Some(e.to_string()));
                return;
            }
        };
        let obj: serde_json::Map<String, serde_json::Value> = columns
            .iter()
            .cloned()
            .zip(values)
            .filter(|(_, v)| !v.is_null())
            .collect();
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        if serde_json::to_writer(&mut buf, &obj).is_ok() {
            self.record(&buf, 0);
        }
        self.scratch = buf;
    }

    fn problem(&mut self, problem: json::Problem, line: u64) {
        let reason = match problem {
            json::Problem::TooLarge => Reason::TooLarge,
            json::Problem::NotAnObject => Reason::NotAnObject,
            json::Problem::NotJson => Reason::NotJson,
            json::Problem::CutOff => Reason::CutOff,
        };
        let detail = (line > 0).then(|| format!("line {line}"));
        self.st.bad(reason, detail);
    }

    fn truncated(&mut self) {
        self.st.truncated += 1;
    }
}

fn read_csv(
    r: &mut dyn BufRead,
    file_name: &str,
    st: &mut InputStats,
    ctx: &Ctx<'_>,
    consumer: &mut dyn Consumer,
    hint: Hint,
) -> io::Result<()> {
    let delim = csv::delimiter(r.fill_buf()?);
    let mut reader = csv::Reader::new(r, delim);
    let header: Vec<String> = match reader.next_row()? {
        Ok(true) => (0..reader.len())
            .map(|i| String::from_utf8_lossy(reader.field(i)).into_owned())
            .collect(),
        _ => {
            st.error = Some(Bi2::new(
                "neither JSON nor a CSV header: not a sign-in log export",
                "JSON でも CSV ヘッダーでもありません。サインイン ログのエクスポートではありません",
            ));
            return Ok(());
        }
    };
    let layout = match csv::layout(&header, file_name) {
        Ok(l) => l,
        Err(e) => {
            st.format = "csv".into();
            st.error = Some(e);
            return Ok(());
        }
    };
    st.format = match layout.flavour {
        csv::Flavour::Portal => "portal/csv",
        csv::Flavour::PortalAuthDetails => "portal/auth-details-csv",
        csv::Flavour::LogAnalytics => "log-analytics/csv",
    }
    .into();
    st.kind_guessed = layout.kind_guessed && hint.kind.is_none();
    let hint = Hint {
        kind: hint.kind.or(layout.kind),
    };
    let mut json_buf = Vec::new();
    loop {
        match reader.next_row()? {
            Ok(false) => break,
            Ok(true) => {}
            Err(csv::RowError::TooLarge) => {
                st.bad(Reason::RowTooLarge, Some(format!("line {}", reader.line)));
                continue;
            }
            Err(csv::RowError::Unterminated) => {
                st.bad(
                    Reason::UnterminatedQuote,
                    Some(format!("line {}", reader.line + 1)),
                );
                break;
            }
        }
        if reader.len() == 1 && reader.field(0).iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match layout.flavour {
            csv::Flavour::Portal => match csv::portal_event(&layout, &reader, hint) {
                Ok(e) => {
                    let raw = if consumer.wants_fields() {
                        RawRef::Fields(
                            header
                                .iter()
                                .enumerate()
                                .map(|(i, h)| {
                                    (
                                        h.trim().to_string(),
                                        String::from_utf8_lossy(reader.field(i)).into_owned(),
                                    )
                                })
                                .collect(),
                        )
                    } else {
                        RawRef::Fields(Vec::new())
                    };
                    deliver(st, ctx, consumer, &e, raw);
                }
                Err(_) => st.bad(Reason::NoResult, Some(format!("line {}", reader.line))),
            },
            csv::Flavour::PortalAuthDetails => {
                st.auth_detail_rows += 1;
                let (id, step) = csv::auth_detail(&layout, &reader);
                consumer.auth_detail(&id, &step);
            }
            csv::Flavour::LogAnalytics => {
                csv::log_analytics_json(&layout, &reader, &mut json_buf);
                let mut sink = JsonSink::new(st, ctx, consumer, hint, "csv");
                json::Sink::record(&mut sink, &json_buf, reader.line);
            }
        }
    }
    Ok(())
}
