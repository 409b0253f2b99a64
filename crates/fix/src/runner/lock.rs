//! One m365doctor changes the machine at a time: `fix.lock`, created
//! exclusively beside the runs folder, names its process and run.

use super::{Refused, Runner};
use crate::host::{read_file, Host};
use crate::plan::show;
use crate::t;
use std::io;
use std::path::PathBuf;

/// The most a lock file holds (three short lines).
const MAX_LOCK: u64 = 4096;

/// The lock file's name, beside the runs folder.
pub const LOCK: &str = "fix.lock";

/// Held while a run, resume or undo changes the machine; removed when
/// dropped (a crash leaves it, and the next command finds its process gone).
pub struct Lock<'a> {
    host: &'a dyn Host,
    path: PathBuf,
}

impl Drop for Lock<'_> {
    fn drop(&mut self) {
        let _ = self.host.remove_own_file(&self.path);
    }
}

/// Who holds the lock: `pid=…`, `run=…` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub run: String,
}

impl Holder {
    fn parse(text: &str) -> Option<Holder> {
        let field = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
                .map(str::trim)
        };
        Some(Holder {
            pid: field("pid")?.parse().ok()?,
            run: field("run").unwrap_or("").to_string(),
        })
    }
}

impl<'a> Runner<'a> {
    /// Where the lock is: beside the runs folder.
    pub fn lock_path(&self) -> PathBuf {
        self.runs.parent().unwrap_or(&self.runs).join(LOCK)
    }

    /// Whether the lock's holder still runs: `None` when that cannot be told.
    fn alive(&self, holder: &Holder) -> Option<bool> {
        let ps = self.host.processes().ok()?;
        Some(
            ps.iter().any(|p| {
                p.pid == holder.pid && p.image.to_ascii_lowercase().contains("m365doctor")
            }),
        )
    }

    /// Another m365doctor that is changing the machine now, with its run.
    pub fn busy(&self) -> Option<Holder> {
        let bytes = read_file(self.host, &self.lock_path(), MAX_LOCK).ok()?;
        let holder = Holder::parse(&String::from_utf8_lossy(&bytes))?;
        (self.alive(&holder) != Some(false)).then_some(holder)
    }

    /// Takes the lock that keeps two runs, resumes or undos from working on
    /// the machine at once. A lock whose process is gone (it crashed) is
    /// taken over.
    pub fn lock(&self, run: &str) -> Result<Lock<'a>, Refused> {
        let path = self.lock_path();
        let p = show(&path);
        let content = format!("pid={}\nrun={run}\ntime={}\n", self.host.pid(), self.now());
        if let Some(parent) = path.parent() {
            let _ = self.host.create_dir_all(parent);
        }
        for attempt in 0..2 {
            match self.host.create_new(&path, content.as_bytes()) {
                Ok(()) => {
                    return Ok(Lock {
                        host: self.host,
                        path,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt == 0 => {
                    let holder = match read_file(self.host, &path, MAX_LOCK) {
                        Ok(b) => Holder::parse(&String::from_utf8_lossy(&b)),
                        // Not a file m365doctor wrote (a pipe, a link, a
                        // folder): neither read nor removed.
                        Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                            return Err(Refused(vec![t!(
                                "{p} is not a lock file m365doctor wrote ({e}); it is neither read nor removed. If no other m365doctor runs, remove it by hand.",
                                "{p} は m365doctor が作成したロック ファイルではありません ({e})。読み取りも削除もしません。ほかに m365doctor が動いていなければ、手動で削除してください。"
                            )]));
                        }
                        Err(_) => None,
                    };
                    if let Some(h) = &holder {
                        match self.alive(h) {
                            Some(true) => {
                                let (pid, other) = (h.pid, &h.run);
                                return Err(Refused(vec![t!(
                                    "Another m365doctor (process {pid}) is changing this machine (run {other}); wait until it has finished.",
                                    "別の m365doctor (プロセス {pid}) がこのマシンを変更中です (実行 {other})。終了するまでお待ちください。"
                                )]));
                            }
                            None => {
                                let pid = h.pid;
                                return Err(Refused(vec![t!(
                                    "Cannot tell whether process {pid}, which holds {p}, still runs (the process list cannot be read); if no other m365doctor runs, delete that file.",
                                    "{p} を保持しているプロセス {pid} が動作中か確認できません (プロセス一覧を読み取れません)。ほかに m365doctor が動いていなければ、このファイルを削除してください。"
                                )]));
                            }
                            Some(false) => {}
                        }
                    }
                    // Its process is gone (or it never got written): stale.
                    if let Err(e) = self.host.remove_own_file(&path) {
                        return Err(Refused(vec![t!(
                            "Cannot remove the stale lock {p}: {e}",
                            "古いロック ファイル {p} を削除できません: {e}"
                        )]));
                    }
                }
                Err(e) => {
                    return Err(Refused(vec![t!(
                        "Cannot take the lock {p}: {e}",
                        "ロック ファイル {p} を作成できません: {e}"
                    )]))
                }
            }
        }
        Err(Refused(vec![t!(
            "Another m365doctor took the lock {p} at the same moment; try again.",
            "別の m365doctor が同時にロック {p} を取得しました。もう一度実行してください。"
        )]))
    }
}
