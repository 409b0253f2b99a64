//! Inputs: paths, folders, standard input and uploads turned into the texts
//! of one case. Containers (zip archives, event logs, HAR files) become the
//! texts inside them; binary files, empty files and what is over a limit are
//! skipped and returned as data with their reason in both languages (the
//! library never prints). Every cap on what one case reads is enforced here.

use crate::case::Input;
use m365doctor_codes::Message;
use m365doctor_text::Encoding;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Bounds on what one case reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bounds on one container (its uncompressed bytes, members, depth).
    pub container: m365doctor_scan::Limits,
    /// Decoded text all inputs together may hold, containers' members
    /// included, so that a few small zip bombs cannot hold gigabytes.
    pub text_budget: u64,
    /// Bytes read from one file or from standard input; what is past it is
    /// not read, and a note says so (never cut silently).
    pub input: u64,
}

/// The bytes one input may have on the command line by default: 128 MiB
/// (`diagnose --max-input` raises it; `scan` counts codes in larger logs).
pub const DEFAULT_MAX_INPUT: u64 = 128 << 20;

impl Default for Limits {
    /// The container bounds of [`m365doctor_scan::Limits`], [`DEFAULT_MAX_INPUT`]
    /// per input and four times that of text in all.
    fn default() -> Limits {
        Limits::with_max_input(DEFAULT_MAX_INPUT)
    }
}

impl Limits {
    /// At most `max_input` bytes from one input, and four times that of
    /// decoded text in all.
    pub fn with_max_input(max_input: u64) -> Limits {
        Limits {
            container: m365doctor_scan::Limits::default(),
            text_budget: max_input.saturating_mul(4),
            input: max_input,
        }
    }

    /// A web request's limits: four times the body limit of decoded text,
    /// at least 16 MiB and at most 1 GiB.
    pub fn for_request(max_body: usize) -> Limits {
        Limits {
            text_budget: (4 * max_body as u64).clamp(16 << 20, 1 << 30),
            input: max_body as u64,
            ..Limits::default()
        }
    }
}

/// An input that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub name: String,
    pub reason: Message,
}

/// What a [`Loader`] read.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The texts to diagnose, in the order they were given.
    pub inputs: Vec<Input>,
    /// Inputs that are not text or were over a limit.
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read at all (missing, no permission), each on
    /// its own; the rest is read.
    pub unreadable: Vec<(PathBuf, io::Error)>,
}

/// Reads the inputs of one case, within one set of [`Limits`].
#[derive(Debug)]
pub struct Loader {
    limits: Limits,
    forced: Option<&'static Encoding>,
    used: u64,
    loaded: Loaded,
}

impl Loader {
    /// `forced`: the encoding of plain-text inputs, when the user knows it.
    pub fn new(limits: Limits, forced: Option<&'static Encoding>) -> Loader {
        Loader {
            limits,
            forced,
            used: 0,
            loaded: Loaded::default(),
        }
    }

    /// A file, or every file below a folder (sorted by path). Links that
    /// loop, pipes, sockets and devices inside folders are named in
    /// `skipped` and never opened; an entry that cannot be read is named in
    /// `unreadable` and the rest is read (see `m365doctor-walk`).
    pub fn add_path(&mut self, path: &Path) {
        let walk = m365doctor_scan::walk(&[path]);
        for skip in walk.skipped {
            self.skip_entry(skip.path, skip.reason);
        }
        for found in walk.files {
            let name = found.path.display().to_string();
            match m365doctor_walk::open(&found.path, found.pipe) {
                Ok(file) => {
                    let size = (!found.pipe).then_some(found.len);
                    if let Err(e) = self.add_stream(&name, file, size) {
                        self.loaded.unreadable.push((found.path, e));
                    }
                }
                Err(reason) => self.skip_entry(found.path, reason),
            }
        }
    }

    fn skip_entry(&mut self, path: PathBuf, reason: m365doctor_walk::Reason) {
        match reason {
            m365doctor_walk::Reason::Unreadable(e) => self.loaded.unreadable.push((path, e)),
            m365doctor_walk::Reason::BrokenLink => self.loaded.unreadable.push((
                path,
                io::Error::new(
                    io::ErrorKind::NotFound,
                    "a link whose target does not exist",
                ),
            )),
            other => self.loaded.skipped.push(Skipped {
                name: path.display().to_string(),
                reason: other.message(),
            }),
        }
    }

    /// Everything a reader gives (standard input), as one input named
    /// `name`, within [`Limits::input`].
    pub fn add_reader(&mut self, name: &str, reader: impl Read) -> io::Result<()> {
        self.add_stream(name, reader, None)
    }

    fn add_stream(&mut self, name: &str, reader: impl Read, size: Option<u64>) -> io::Result<()> {
        let read = read_input(name, reader, size, self.limits.input, self.forced)?;
        if read.binary {
            self.loaded.skipped.push(Skipped {
                name: name.to_string(),
                reason: binary(),
            });
            return Ok(());
        }
        if let Some(cut) = read.cut {
            self.loaded.skipped.push(Skipped {
                name: name.to_string(),
                reason: cut,
            });
        }
        self.add_bytes(name, &read.bytes);
        Ok(())
    }

    /// One input's bytes: text in any encoding, or a container.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) {
        let remaining = self.limits.text_budget.saturating_sub(self.used);
        let defaults = self.limits.container;
        let limits = m365doctor_scan::Limits {
            archive_total: remaining.min(defaults.archive_total),
            member: remaining.min(defaults.member),
            ..defaults
        };
        for doc in m365doctor_scan::expand_with(name, bytes, self.forced, &limits) {
            match doc.skipped {
                Some(reason) => self.loaded.skipped.push(Skipped {
                    name: doc.name,
                    reason,
                }),
                None if self.used + doc.text.len() as u64 > self.limits.text_budget => {
                    let mib = self.limits.text_budget >> 20;
                    self.loaded.skipped.push(Skipped {
                        name: doc.name,
                        reason: Message::new(
                            format!("not read: the inputs together reached the limit of {mib} MiB of text"),
                            format!("入力全体で読み込めるテキストの上限 ({mib} MiB) に達したため、読み込んでいません"),
                        ),
                    });
                }
                None => {
                    self.used += doc.text.len() as u64;
                    self.loaded.inputs.push(Input {
                        source: doc.name,
                        text: doc.text,
                        encoding: doc.encoding,
                    });
                }
            }
        }
    }

    pub fn finish(self) -> Loaded {
        self.loaded
    }
}

/// One input's bytes, read within a limit.
#[derive(Debug)]
pub struct ReadInput {
    /// What was read (nothing when binary).
    pub bytes: Vec<u8>,
    /// Binary content, told from the first block: not read further.
    pub binary: bool,
    /// What was left unread past the limit, when anything was.
    pub cut: Option<Message>,
}

/// Reads one input (a file of `size` bytes when known, or a stream): its
/// first block decides what it is, so binary content (a sparse file,
/// `/dev/urandom`) is not read further; text and containers are read up to
/// `max` bytes, and `cut` says what was left unread. `forced`: an encoding
/// the user gave, which reads any bytes as text.
pub fn read_input(
    name: &str,
    mut reader: impl Read,
    size: Option<u64>,
    max: u64,
    forced: Option<&'static Encoding>,
) -> io::Result<ReadInput> {
    let mut head = Vec::with_capacity(HEAD);
    (&mut reader).take(HEAD as u64).read_to_end(&mut head)?;
    let is_text_or_container = forced.is_some()
        || m365doctor_scan::is_container(name, &head)
        || m365doctor_text::detect(&head).is_some();
    if !is_text_or_container {
        return Ok(ReadInput {
            bytes: Vec::new(),
            binary: true,
            cut: None,
        });
    }
    // The file's size at once, so the buffer is not regrown (and copied)
    // while it is read.
    let want = size.unwrap_or(0).min(max) as usize;
    head.reserve_exact(want.saturating_sub(head.len()));
    let (bytes, more) = m365doctor_walk::read_at_most(head, reader, max)?;
    Ok(ReadInput {
        bytes,
        binary: false,
        cut: more.then(|| cut_at(max, size)),
    })
}

/// The first bytes read of an input, to tell text and containers from binary.
const HEAD: usize = 64 * 1024;

fn binary() -> Message {
    Message::new(
        "binary file, not text: skipped",
        "テキストではないバイナリ ファイルのため、読み飛ばしました",
    )
}

/// The note for an input read only up to `max` bytes.
fn cut_at(max: u64, size: Option<u64>) -> Message {
    let shown = |n: u64| {
        if n >= 1 << 30 {
            format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64)
        } else {
            format!("{} MiB", n >> 20)
        }
    };
    let limit = shown(max);
    match size {
        Some(size) => {
            let size = shown(size);
            Message::new(
                format!("only the first {limit} of {size} were read (the limit for one input; `--max-input` raises it, and `m365doctor scan` counts the codes of logs of any size)"),
                format!("{size} のうち先頭の {limit} だけを読み込みました (1 つの入力の上限です。`--max-input` で引き上げられます。サイズに関係なくログのコードを数えるには `m365doctor scan` を使ってください)"),
            )
        }
        None => Message::new(
            format!("only the first {limit} were read (the limit for one input; `--max-input` raises it)"),
            format!("先頭の {limit} だけを読み込みました (1 つの入力の上限です。`--max-input` で引き上げられます)"),
        ),
    }
}

/// Why no dsregcmd capture could be read from some inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DsregInputError {
    /// No input was text.
    Binary,
    /// Text, but no `dsregcmd /status` output in it.
    NoCapture,
}

impl DsregInputError {
    /// What to tell the user.
    pub fn message(self) -> Message {
        match self {
            DsregInputError::Binary => Message::new(
                "the input is a binary file, not dsregcmd output",
                "入力はバイナリ ファイルで、dsregcmd の出力ではありません",
            ),
            DsregInputError::NoCapture => Message::new(
                "no `dsregcmd /status` output found in the input; run `dsregcmd /status` in a command prompt and save or paste all of it",
                "入力に `dsregcmd /status` の出力が見つかりません。コマンド プロンプトで `dsregcmd /status` を実行し、出力全体を保存するか貼り付けてください",
            ),
        }
    }
}

/// Every `dsregcmd /status` capture in some inputs' bytes (in any encoding
/// Windows writes, or the one forced), diagnosed: what `m365doctor dsreg`
/// and the web API's `/dsreg` read.
pub fn dsreg_reports<'a>(
    inputs: impl IntoIterator<Item = &'a [u8]>,
    forced: Option<&'static Encoding>,
    kb: &m365doctor_kb::Kb,
) -> Result<Vec<m365doctor_dsreg::Report>, DsregInputError> {
    let mut texts = 0;
    let mut reports = Vec::new();
    for bytes in inputs {
        if let m365doctor_text::Decoded::Text { text, .. } = m365doctor_text::decode(bytes, forced)
        {
            texts += 1;
            reports.extend(
                m365doctor_dsreg::parse(&text)
                    .iter()
                    .map(|c| m365doctor_dsreg::diagnose_with(c, kb)),
            );
        }
    }
    match (texts, reports.is_empty()) {
        (0, _) => Err(DsregInputError::Binary),
        (_, true) => Err(DsregInputError::NoCapture),
        _ => Ok(reports),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for (name, bytes) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn folders_containers_and_skips_come_back_as_data() {
        let dir = std::env::temp_dir().join(format!("m365doctor-loader-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.log"), b"Error 0x80072EE7").unwrap();
        std::fs::write(
            dir.join("b.png"),
            [0x89, b'P', b'N', b'G', 0, 0, 0, 0x0D, 1, 2, 0],
        )
        .unwrap();
        std::fs::write(
            dir.join("c.zip"),
            zip_of(&[("Teams/logs.txt", b"Status code: caa70004")]),
        )
        .unwrap();
        let mut loader = Loader::new(Limits::default(), None);
        loader.add_path(&dir);
        loader.add_path(&dir.join("missing.log"));
        loader.add_bytes("pasted", "エラー CAA50021".as_bytes());
        let loaded = loader.finish();
        let names: Vec<String> = loaded
            .inputs
            .iter()
            .map(|i| i.source.replace(&dir.display().to_string(), ""))
            .collect();
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(
            names,
            [
                format!("{sep}a.log"),
                format!("{sep}c.zip!Teams/logs.txt"),
                "pasted".to_string()
            ]
        );
        assert_eq!(loaded.inputs[2].encoding, Some("UTF-8"));
        assert_eq!(loaded.skipped.len(), 1);
        assert!(loaded.skipped[0].name.ends_with("b.png"));
        assert!(!loaded.skipped[0].reason.ja.is_empty());
        assert_eq!(loaded.unreadable.len(), 1);
        assert!(loaded.unreadable[0].0.ends_with("missing.log"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A reader that counts the bytes taken from it.
    struct Counted<R>(R, std::rc::Rc<std::cell::Cell<u64>>);

    impl<R: Read> Read for Counted<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n as u64);
            Ok(n)
        }
    }

    #[test]
    fn binary_streams_are_read_no_further_than_their_first_block() {
        // `diagnose < /dev/zero` read until memory ran out; a 2 GiB sparse
        // file took 2 GB to be called binary.
        let taken = std::rc::Rc::new(std::cell::Cell::new(0));
        let zeros = Counted(io::repeat(0).take(64 << 20), taken.clone());
        let mut loader = Loader::new(Limits::default(), None);
        loader.add_reader("stdin", zeros).unwrap();
        let loaded = loader.finish();
        assert!(taken.get() <= HEAD as u64, "read {} bytes", taken.get());
        assert!(loaded.inputs.is_empty());
        assert_eq!(loaded.skipped[0].reason, binary());

        let dir = std::env::temp_dir().join(format!("m365doctor-sparse-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let sparse = std::fs::File::create(dir.join("sparse.log")).unwrap();
        sparse.set_len(2 << 30).unwrap();
        let mut loader = Loader::new(Limits::default(), None);
        loader.add_path(&dir);
        let loaded = loader.finish();
        assert_eq!(loaded.skipped.len(), 1, "{:?}", loaded.skipped);
        assert!(loaded.skipped[0].name.ends_with("sparse.log"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn text_past_the_input_limit_is_left_unread_and_said() {
        let taken = std::rc::Rc::new(std::cell::Cell::new(0));
        let endless = Counted(
            io::repeat(b'x')
                .take(8 << 20)
                .chain(&b"\nError 0x80070005\n"[..]),
            taken.clone(),
        );
        let mut loader = Loader::new(Limits::with_max_input(100_000), None);
        loader.add_reader("stdin", endless).unwrap();
        let loaded = loader.finish();
        assert_eq!(loaded.inputs[0].text.len(), 100_000);
        assert!(
            taken.get() <= 100_000 + (64 << 10),
            "read {} bytes",
            taken.get()
        );
        assert_eq!(loaded.skipped.len(), 1);
        assert!(loaded.skipped[0].reason.en.contains("only the first"));
        assert!(loaded.skipped[0].reason.ja.contains("先頭"));
    }

    #[cfg(unix)]
    #[test]
    fn folders_with_loops_pipes_devices_and_broken_links_are_read_to_the_end() {
        let dir = std::env::temp_dir().join(format!("m365doctor-hostile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.log"), b"Error code: 0xCAA70004").unwrap();
        std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
        std::os::unix::fs::symlink("missing.log", dir.join("b-dangling.log")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("c-zero.log")).unwrap();
        let fifo = dir.join("d-pipe.log");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        std::fs::write(dir.join("z.log"), b"Error 0x80072EE7").unwrap();
        let mut loader = Loader::new(Limits::default(), None);
        loader.add_path(&dir);
        let loaded = loader.finish();
        let read: Vec<&str> = loaded
            .inputs
            .iter()
            .map(|i| i.source.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(read, ["a.log", "z.log"], "the rest of the folder is read");
        let skipped: Vec<&str> = loaded
            .skipped
            .iter()
            .map(|s| s.name.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(skipped, ["c-zero.log", "d-pipe.log", "loop"]);
        assert_eq!(loaded.unreadable.len(), 1);
        assert!(loaded.unreadable[0].0.ends_with("b-dangling.log"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_log_with_utf16_appended_is_read_in_both_parts() {
        let mut bytes = b"Error 0x8004011d\r\n".to_vec();
        for u in "Status code: caa70004\r\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let mut loader = Loader::new(Limits::default(), None);
        loader.add_reader("stdin", &bytes[..]).unwrap();
        let loaded = loader.finish();
        assert_eq!(
            loaded.inputs[0].text,
            "Error 0x8004011d\r\nStatus code: caa70004\r\n"
        );
        assert_eq!(loaded.inputs[0].encoding, Some("UTF-8, then UTF-16LE"));
    }

    #[test]
    fn one_budget_of_text_for_all_inputs() {
        let limits = Limits {
            text_budget: 10,
            ..Limits::default()
        };
        let mut loader = Loader::new(limits, None);
        loader.add_bytes("one", b"0x80072EE7");
        loader.add_bytes("two", b"0x80072EE2");
        loader.add_bytes("three.zip", &zip_of(&[("x.txt", b"CAA50021")]));
        let loaded = loader.finish();
        assert_eq!(loaded.inputs.len(), 1, "{loaded:?}");
        assert_eq!(loaded.inputs[0].source, "one");
        let skipped: Vec<&str> = loaded.skipped.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(skipped.len(), 2, "{:?}", loaded.skipped);
        assert_eq!(skipped[0], "two");
        assert!(loaded.skipped[0].reason.en.contains("limit"));
        assert!(Limits::for_request(25 << 20).text_budget == 100 << 20);
    }
}
