//! m365doctor-walk: the files under the paths a user names, found by walks
//! that finish, and opened so that a read never blocks on something that is
//! not a file. `scan`, `diagnose`, `kb lint` and `--kb-dir` all walk through
//! here, so a folder reads the same everywhere.
//!
//! - A folder is walked once: a link back to a folder above it (a loop) or
//!   to a folder already walked is named and not followed again, so two
//!   links to `.` cost two notes, not an exponential walk. Folders and files
//!   are told apart by device and inode (by their resolved path where the
//!   system has no inodes).
//! - Named pipes, sockets and devices found in a folder are named and never
//!   opened: opening a FIFO waits for a writer, and `/dev/zero` never ends.
//!   A pipe the user names on its own (`<(command)`) is read like `cat` would.
//! - Every entry that cannot be read (no permission, a broken link) is named
//!   on its own while the rest of the folder is read.
//!
//! ```
//! let dir = std::env::temp_dir().join(format!("m365doctor-walk-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("a.log"), "Error 0x80072EE7").unwrap();
//! let walk = m365doctor_walk::walk(&[&dir]);
//! assert_eq!(walk.files.len(), 1);
//! assert!(walk.skipped.is_empty());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use m365doctor_text::Message;
use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Its size when the walk saw it (0 for a pipe).
    pub len: u64,
    /// A named pipe the user named on its own: read as a stream, like `cat`
    /// reads it. Pipes inside folders are never found, only skipped.
    pub pipe: bool,
}

/// An entry that was not read, and why.
#[derive(Debug)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: Reason,
}

impl Skipped {
    /// `path: reason`, in both languages.
    pub fn message(&self) -> Message {
        let name = self.path.display();
        let why = self.reason.message();
        Message::new(format!("{name}: {}", why.en), format!("{name}: {}", why.ja))
    }
}

/// Why an entry was not read.
#[derive(Debug)]
pub enum Reason {
    /// It could not be read: missing, no permission (the system's error).
    Unreadable(io::Error),
    /// A symbolic link whose target does not exist.
    BrokenLink,
    /// A link back to a folder above it (or a chain of links that never
    /// ends): following it would walk the same folders for ever.
    Loop { to: PathBuf },
    /// The same folder or file as one already read through another path.
    Duplicate { of: PathBuf },
    /// Not a file: never opened.
    Special(Special),
    /// Folders nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// What a special file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// A named pipe (FIFO): opening it waits for a writer.
    Fifo,
    Socket,
    /// A character or block device (`/dev/zero` never ends).
    Device,
    /// Anything else that is neither a file nor a folder.
    Other,
}

/// Folders nested deeper than this below a named path are not walked.
pub const MAX_DEPTH: usize = 256;

impl Reason {
    /// Whether the entry was meant to be read and could not be (the
    /// command ends with status 1): a missing or forbidden path, a broken
    /// link. Loops, duplicates and special files are left out on purpose.
    pub fn is_error(&self) -> bool {
        matches!(self, Reason::Unreadable(_) | Reason::BrokenLink)
    }

    /// The reason alone, in both languages.
    pub fn message(&self) -> Message {
        match self {
            Reason::Unreadable(e) => Message::new(
                format!("cannot be read: {e}"),
                format!("読み込めません: {e}"),
            ),
            Reason::BrokenLink => Message::new(
                "a link whose target does not exist: skipped",
                "リンク先が存在しないリンクのため、読み飛ばしました",
            ),
            Reason::Loop { to } => {
                let to = to.display();
                Message::new(
                    format!("a link back to {to}, which holds it: not followed again (a loop)"),
                    format!("このリンクを含むフォルダー {to} に戻るリンク (ループ) のため、たどりませんでした"),
                )
            }
            Reason::Duplicate { of } => {
                let of = of.display();
                Message::new(
                    format!("the same as {of}, already read: read once"),
                    format!("読み込み済みの {of} と同じもののため、1 回だけ読み込みました"),
                )
            }
            Reason::Special(Special::Fifo) => Message::new(
                "a named pipe (FIFO), not a file: not read",
                "名前付きパイプ (FIFO) でファイルではないため、読み込みませんでした",
            ),
            Reason::Special(Special::Socket) => Message::new(
                "a socket, not a file: not read",
                "ソケットでファイルではないため、読み込みませんでした",
            ),
            Reason::Special(Special::Device) => Message::new(
                "a device, not a file: not read",
                "デバイスでファイルではないため、読み込みませんでした",
            ),
            Reason::Special(Special::Other) => Message::new(
                "neither a file nor a folder: not read",
                "ファイルでもフォルダーでもないため、読み込みませんでした",
            ),
            Reason::TooDeep => Message::new(
                format!("folders nested more than {MAX_DEPTH} levels deep: not read"),
                format!("{MAX_DEPTH} 階層より深いフォルダーのため、読み込みませんでした"),
            ),
        }
    }
}

/// The files found, in a stable order (sorted by path at every level), and
/// the entries left out.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Found>,
    pub skipped: Vec<Skipped>,
}

impl Walk {
    /// Bytes in all files found.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.len).sum()
    }

    /// Whether an entry meant to be read could not be (see [`Reason::is_error`]).
    pub fn has_errors(&self) -> bool {
        self.skipped.iter().any(|s| s.reason.is_error())
    }
}

/// Walks `paths`: a file is itself, a folder every file below it.
pub fn walk<P: AsRef<Path>>(paths: &[P]) -> Walk {
    walk_matching(paths, |_| true)
}

/// [`walk`], keeping only the files inside folders whose path `wanted`
/// accepts (a knowledge-base folder wants its `.toml` files); entries it
/// does not want are not looked at further, special or not. A path named on
/// its own is always taken.
pub fn walk_matching<P: AsRef<Path>>(paths: &[P], wanted: impl Fn(&Path) -> bool) -> Walk {
    let mut walker = Walker {
        wanted: &wanted,
        out: Walk::default(),
        folders: HashMap::new(),
        files: HashMap::new(),
        above: Vec::new(),
    };
    for path in paths {
        walker.named(path.as_ref());
    }
    walker.out
}

/// What identifies a file or folder whatever the path it is reached by.
#[cfg(unix)]
type Id = (u64, u64);
#[cfg(not(unix))]
type Id = PathBuf;

#[cfg(unix)]
fn identity(_path: &Path, meta: &Metadata) -> Option<Id> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path, _meta: &Metadata) -> Option<Id> {
    std::fs::canonicalize(path).ok()
}

struct Walker<'w> {
    wanted: &'w dyn Fn(&Path) -> bool,
    out: Walk,
    /// Every folder walked, with the path it was first walked under.
    folders: HashMap<Id, PathBuf>,
    /// Every file found, likewise.
    files: HashMap<Id, PathBuf>,
    /// The folders from the named path down to the one being walked.
    above: Vec<Id>,
}

impl Walker<'_> {
    fn skip(&mut self, path: &Path, reason: Reason) {
        self.out.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason,
        });
    }

    /// A path the user named: followed through links; a pipe is read.
    fn named(&mut self, path: &Path) {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => self.folder(path, &meta),
            Ok(meta) => match special(&meta) {
                None => self.file(path, &meta, false),
                Some(Special::Fifo) => self.file(path, &meta, true),
                Some(kind) => self.skip(path, Reason::Special(kind)),
            },
            Err(e) => {
                let reason = failed(path, e);
                self.skip(path, reason);
            }
        }
    }

    fn file(&mut self, path: &Path, meta: &Metadata, pipe: bool) {
        if let Some(id) = identity(path, meta) {
            if let Some(of) = self.files.get(&id) {
                let of = of.clone();
                return self.skip(path, Reason::Duplicate { of });
            }
            self.files.insert(id, path.to_path_buf());
        }
        self.out.files.push(Found {
            path: path.to_path_buf(),
            len: if pipe { 0 } else { meta.len() },
            pipe,
        });
    }

    fn folder(&mut self, path: &Path, meta: &Metadata) {
        let Some(id) = identity(path, meta) else {
            return self.skip(path, Reason::Unreadable(io::Error::other("no identity")));
        };
        if let Some(first) = self.folders.get(&id) {
            let first = first.clone();
            let reason = if self.above.contains(&id) {
                Reason::Loop { to: first }
            } else {
                Reason::Duplicate { of: first }
            };
            return self.skip(path, reason);
        }
        if self.above.len() >= MAX_DEPTH {
            return self.skip(path, Reason::TooDeep);
        }
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => return self.skip(path, Reason::Unreadable(e)),
        };
        #[allow(clippy::clone_on_copy)] // a path, where the system has no inodes
        self.folders.insert(id.clone(), path.to_path_buf());
        let mut list: Vec<PathBuf> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => list.push(e.path()),
                Err(e) => self.skip(path, Reason::Unreadable(e)),
            }
        }
        list.sort();
        self.above.push(id);
        for p in list {
            self.entry(&p);
        }
        self.above.pop();
    }

    /// An entry found inside a folder: special files are skipped.
    fn entry(&mut self, path: &Path) {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => self.folder(path, &meta),
            Ok(_) if !(self.wanted)(path) => {}
            Ok(meta) => match special(&meta) {
                None => self.file(path, &meta, false),
                Some(kind) => self.skip(path, Reason::Special(kind)),
            },
            Err(e) => {
                let reason = failed(path, e);
                if !matches!(reason, Reason::BrokenLink) || (self.wanted)(path) {
                    self.skip(path, reason);
                }
            }
        }
    }
}

/// What a path that cannot be looked at is: a broken link, a chain of links
/// that never ends, or a path the system refuses.
fn failed(path: &Path, e: io::Error) -> Reason {
    let is_link = path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink());
    if is_link && e.kind() == io::ErrorKind::NotFound {
        return Reason::BrokenLink;
    }
    #[cfg(unix)]
    if is_link && e.raw_os_error() == Some(libc::ELOOP) {
        let to = std::fs::read_link(path).unwrap_or_else(|_| path.to_path_buf());
        return Reason::Loop { to };
    }
    Reason::Unreadable(e)
}

/// `None` for a file or folder; what it is otherwise.
fn special(meta: &Metadata) -> Option<Special> {
    let t = meta.file_type();
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        Some(if t.is_fifo() {
            Special::Fifo
        } else if t.is_socket() {
            Special::Socket
        } else if t.is_char_device() || t.is_block_device() {
            Special::Device
        } else {
            Special::Other
        })
    }
    #[cfg(not(unix))]
    Some(Special::Other)
}

/// Opens a file for reading: a regular file, or a named pipe when `pipe`
/// (a [`Found`] the user named). What was opened is checked on the handle,
/// and the open itself does not wait for a FIFO's writer, so a file that
/// became a FIFO or a device after the walk is refused instead of read.
pub fn open(path: &Path, pipe: bool) -> Result<File, Reason> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if !pipe {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| failed(path, e))?;
    let meta = file.metadata().map_err(Reason::Unreadable)?;
    match special(&meta) {
        None if meta.is_file() => Ok(file),
        None => Err(Reason::Unreadable(io::Error::other("a folder, not a file"))),
        Some(Special::Fifo) if pipe => Ok(file),
        Some(kind) => Err(Reason::Special(kind)),
    }
}

/// Reads at most `max` bytes of `reader` after `head` (bytes already read
/// from it). Returns the bytes and whether more was left unread (found by
/// reading one byte past the limit, so a stream is never read further).
pub fn read_at_most(head: Vec<u8>, reader: impl Read, max: u64) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = head;
    if bytes.len() as u64 >= max {
        let more = bytes.len() as u64 > max;
        bytes.truncate(max as usize);
        let mut probe = [0u8; 1];
        let more = more || read_some(reader, &mut probe)? > 0;
        return Ok((bytes, more));
    }
    let mut reader = reader;
    let room = max - bytes.len() as u64;
    (&mut reader).take(room).read_to_end(&mut bytes)?;
    let mut probe = [0u8; 1];
    let more = bytes.len() as u64 == max && read_some(&mut reader, &mut probe)? > 0;
    Ok((bytes, more))
}

fn read_some(mut reader: impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests;
