//! The runs folder: every run with its journal, the folders whose journal
//! cannot be read, and finding a run by (the beginning of) its id.

use super::{read_journal, RunState, Runner};
use crate::host::Kind;
use crate::t;
use crate::text::Text;
use std::io;
use std::path::PathBuf;

/// A run folder whose journal cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub dir: PathBuf,
    pub error: String,
}

impl Runner<'_> {
    /// Every run, oldest first (see `unreadable` for the others).
    pub fn history(&self) -> Vec<RunState> {
        self.scan().0
    }

    /// Run folders whose journal cannot be read (deleted, damaged, or a
    /// run that died before its first record): nothing can be resumed or
    /// undone from them, so they are named rather than left out silently.
    pub fn unreadable(&self) -> Vec<Unreadable> {
        self.scan().1
    }

    /// The runs and the entries of the runs folder that cannot be read.
    /// Only folders are runs; a link is named, never followed (it could
    /// lead anywhere, or back here); one entry that cannot be read does not
    /// stop the others from being read.
    pub fn scan(&self) -> (Vec<RunState>, Vec<Unreadable>) {
        let (mut runs, mut bad) = (Vec::new(), Vec::new());
        let names = match self.host.list(&self.runs) {
            Ok(names) => names,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                bad.push(Unreadable {
                    dir: self.runs.clone(),
                    error: format!("the runs folder cannot be listed: {e}"),
                });
                Vec::new()
            }
        };
        for n in names {
            let dir = self.runs.join(&n);
            match self.host.kind(&dir) {
                Some(Kind::Dir) => {}
                Some(Kind::Link) => {
                    bad.push(Unreadable {
                        dir,
                        error: "a link, not a run folder: not followed".into(),
                    });
                    continue;
                }
                _ => continue,
            }
            match read_journal(self.host, &dir) {
                Ok(r) => runs.push(r),
                Err(e) => bad.push(Unreadable {
                    dir,
                    error: e.to_string(),
                }),
            }
        }
        (runs, bad)
    }

    /// The last run, or the run with this id or the only one whose id
    /// begins with it (an ambiguous beginning finds none: see `matching`).
    pub fn find(&self, id: Option<&str>) -> Option<RunState> {
        let runs = self.history();
        let Some(id) = id else {
            return runs.into_iter().last();
        };
        if let Some(i) = runs.iter().position(|r| r.id == id) {
            return runs.into_iter().nth(i);
        }
        let mut found = runs.into_iter().filter(|r| r.id.starts_with(id));
        match (found.next(), found.next()) {
            (Some(r), None) => Some(r),
            _ => None,
        }
    }

    /// The run `fix undo` or `fix resume` means: this one (see `find`), or
    /// the last one; otherwise why there is none.
    pub fn pick(&self, id: Option<&str>) -> Result<RunState, Text> {
        if let Some(run) = self.find(id) {
            return Ok(run);
        }
        Err(match id {
            None => t!("there is no run yet", "まだ実行履歴がありません"),
            Some(id) => {
                let matching = self.matching(id);
                if matching.len() > 1 {
                    let list = matching.join(", ");
                    t!(
                        "`{id}` matches several runs ({list}): give more of the id",
                        "`{id}` に一致する実行が複数あります ({list})。ID をもっと長く指定してください"
                    )
                } else {
                    t!(
                        "no run `{id}` (see `m365doctor fix history`)",
                        "実行 `{id}` は見つかりません (`m365doctor fix history` を参照)"
                    )
                }
            }
        })
    }

    /// The ids of the runs whose id begins with `prefix`.
    pub fn matching(&self, prefix: &str) -> Vec<String> {
        self.history()
            .into_iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with(prefix))
            .collect()
    }

    /// Runs that stopped halfway; the one another m365doctor is carrying
    /// out right now is in progress, not unfinished.
    pub fn unfinished(&self) -> Vec<RunState> {
        let runs: Vec<RunState> = self
            .history()
            .into_iter()
            .filter(|r| r.unfinished())
            .collect();
        if runs.is_empty() {
            return runs;
        }
        let busy = self.busy().map(|h| h.run);
        runs.into_iter()
            .filter(|r| Some(&r.id) != busy.as_ref())
            .collect()
    }
}
