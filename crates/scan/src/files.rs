//! Counting the codes of many files on several threads: what `scan` does
//! with a folder of logs. Plain text is read as a stream in blocks (bounded
//! memory whatever the size); containers (zip archives, event logs, HAR
//! files) are expanded as `diagnose` expands them, with the same limits, and
//! each of their texts is counted.

use crate::aggregate::{scan_reader, Aggregate};
use crate::container::{self, Limits};
use m365doctor_codes::Message;
use m365doctor_text::Encoding;
use m365doctor_walk::Found;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How [`scan_files`] reads.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads (at least one).
    pub threads: usize,
    /// The encoding of plain-text files, when the user knows it.
    pub forced: Option<&'static Encoding>,
    /// Bounds on the work one container may take.
    pub limits: Limits,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            forced: None,
            limits: Limits::default(),
        }
    }
}

/// An input that was not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub file: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Not text.
    Binary,
    /// The file could not be read (the system's error text).
    Unreadable(String),
    /// A container or one of its members that was not read, and why.
    Container(Message),
    /// Not a file (it became a pipe or a device after the walk): never read.
    NotAFile(Message),
}

impl Skip {
    /// What to tell the user, in both languages.
    pub fn message(&self) -> Message {
        let name = &self.file;
        match &self.reason {
            SkipReason::Binary => Message::new(
                format!("{name}: binary file, skipped"),
                format!("{name}: バイナリ ファイルのためスキップしました"),
            ),
            SkipReason::Unreadable(why) => Message::new(
                format!("cannot read {name}: {why}"),
                format!("{name} を読み込めません: {why}"),
            ),
            SkipReason::Container(why) | SkipReason::NotAFile(why) => {
                Message::new(format!("{name}: {}", why.en), format!("{name}: {}", why.ja))
            }
        }
    }

    /// The reason as the scan/1 document gives it: `binary`, the system's
    /// error, or the English reason of a container.
    pub fn reason_id(&self) -> &str {
        match &self.reason {
            SkipReason::Binary => "binary",
            SkipReason::Unreadable(why) => why,
            SkipReason::Container(why) | SkipReason::NotAFile(why) => &why.en,
        }
    }
}

/// What [`scan_files`] found.
#[derive(Debug, Default)]
pub struct Scanned {
    pub aggregate: Aggregate,
    /// Sorted by file name.
    pub skipped: Vec<Skip>,
}

/// Counts every code in `files` (as [`crate::walk`] finds them).
/// `progress` counts the bytes read so far, for a progress line.
pub fn scan_files(files: &[Found], options: &ScanOptions, progress: &AtomicU64) -> Scanned {
    // Big files first, so that no thread is left with the largest one at the end.
    let mut files: Vec<&Found> = files.iter().collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.len));
    let threads = options.threads.max(1).min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let skipped = Mutex::new(Vec::new());
    let mut merged = Aggregate::default();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut agg = Aggregate::default();
                    let mut skips = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(found) = files.get(i) else { break };
                        let name = found.path.display().to_string();
                        if let Err(e) =
                            scan_file(&mut agg, &mut skips, &name, found, options, progress)
                        {
                            skips.push(Skip {
                                file: name,
                                reason: SkipReason::Unreadable(e.to_string()),
                            });
                        }
                    }
                    skipped
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend(skips);
                    agg
                })
            })
            .collect();
        for w in workers {
            if let Ok(agg) = w.join() {
                merged.merge(agg);
            }
        }
    });
    let mut skipped = skipped.into_inner().unwrap_or_else(|e| e.into_inner());
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    Scanned {
        aggregate: merged,
        skipped,
    }
}

/// The first bytes read to tell a container from plain text.
const HEAD: usize = 64 * 1024;

fn scan_file(
    agg: &mut Aggregate,
    skips: &mut Vec<Skip>,
    name: &str,
    found: &Found,
    options: &ScanOptions,
    progress: &AtomicU64,
) -> io::Result<()> {
    // Checked on the handle: a file swapped for a FIFO or a device since
    // the walk is named, not waited on or read for ever.
    let mut file = match m365doctor_walk::open(&found.path, found.pipe) {
        Ok(file) => file,
        Err(m365doctor_walk::Reason::Unreadable(e)) => return Err(e),
        Err(why) => {
            skips.push(Skip {
                file: name.to_string(),
                reason: SkipReason::NotAFile(why.message()),
            });
            return Ok(());
        }
    };
    let mut head = Vec::with_capacity(HEAD);
    (&mut file).take(HEAD as u64).read_to_end(&mut head)?;
    if container::is_container(name, &head) {
        let mut bytes = head;
        file.read_to_end(&mut bytes)?;
        progress.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        agg.bytes += bytes.len() as u64;
        for doc in container::expand_with(name, &bytes, options.forced, &options.limits) {
            match doc.skipped {
                Some(why) => skips.push(Skip {
                    file: doc.name,
                    reason: SkipReason::Container(why),
                }),
                None => {
                    agg.files += 1;
                    agg.add_text(&doc.name, 1, &doc.text, false);
                }
            }
        }
        return Ok(());
    }
    let reader = io::Cursor::new(head).chain(io::BufReader::with_capacity(1 << 16, file));
    if !scan_reader(agg, name, reader, options.forced, progress)? {
        skips.push(Skip {
            file: name.to_string(),
            reason: SkipReason::Binary,
        });
    }
    Ok(())
}
