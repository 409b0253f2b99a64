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
}

impl Default for Limits {
    /// The container bounds of [`m365doctor_scan::Limits`], no overall budget.
    fn default() -> Limits {
        Limits {
            container: m365doctor_scan::Limits::default(),
            text_budget: u64::MAX,
        }
    }
}

impl Limits {
    /// A web request's limits: four times the body limit of decoded text,
    /// at least 16 MiB and at most 1 GiB.
    pub fn for_request(max_body: usize) -> Limits {
        Limits {
            text_budget: (4 * max_body as u64).clamp(16 << 20, 1 << 30),
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

    /// A file, or every file below a folder (sorted by path).
    pub fn add_path(&mut self, path: &Path) {
        let walk = m365doctor_scan::walk(&[path]);
        self.loaded.unreadable.extend(walk.errors);
        for (file, _) in walk.files {
            match std::fs::read(&file) {
                Ok(bytes) => self.add_bytes(&file.display().to_string(), &bytes),
                Err(e) => self.loaded.unreadable.push((file, e)),
            }
        }
    }

    /// Everything a reader gives (standard input), as one input named `name`.
    pub fn add_reader(&mut self, name: &str, mut reader: impl Read) -> io::Result<()> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes)?;
        self.add_bytes(name, &bytes);
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
                            format!("not read: the request reached its limit of {mib} MiB of text"),
                            format!("この要求で読み込めるテキストの上限 ({mib} MiB) に達したため、読み込んでいません"),
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
