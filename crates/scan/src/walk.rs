//! Folder walks: the files under the paths a user names, in a stable order
//! (sorted by path at every level), with each entry that cannot be read
//! reported on its own while the rest is read. `scan` and `diagnose` walk
//! through here.

use std::io;
use std::path::{Path, PathBuf};

/// The files found, with their sizes, and the entries that could not be read.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<(PathBuf, u64)>,
    pub errors: Vec<(PathBuf, io::Error)>,
}

impl Walk {
    /// Bytes in all files found.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|(_, len)| len).sum()
    }
}

/// Walks `paths`: a file is itself, a folder is every file below it.
pub fn walk<P: AsRef<Path>>(paths: &[P]) -> Walk {
    let mut out = Walk::default();
    for p in paths {
        visit(p.as_ref(), &mut out);
    }
    out
}

fn visit(path: &Path, out: &mut Walk) {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut list: Vec<PathBuf> = Vec::new();
                for entry in entries {
                    match entry {
                        Ok(e) => list.push(e.path()),
                        Err(e) => out.errors.push((path.to_path_buf(), e)),
                    }
                }
                list.sort();
                for p in list {
                    visit(&p, out);
                }
            }
            Err(e) => out.errors.push((path.to_path_buf(), e)),
        },
        Ok(m) => out.files.push((path.to_path_buf(), m.len())),
        Err(e) => out.errors.push((path.to_path_buf(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_in_order_and_errors_one_by_one() {
        let dir = std::env::temp_dir().join(format!("m365doctor-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b")).unwrap();
        std::fs::write(dir.join("b/2.log"), b"xy").unwrap();
        std::fs::write(dir.join("a.log"), b"x").unwrap();
        let missing = dir.join("missing.log");
        let w = walk(&[dir.clone(), missing.clone()]);
        let names: Vec<_> = w
            .files
            .iter()
            .map(|(p, len)| (p.strip_prefix(&dir).unwrap().to_path_buf(), *len))
            .collect();
        assert_eq!(
            names,
            [(PathBuf::from("a.log"), 1), (PathBuf::from("b/2.log"), 2)]
        );
        assert_eq!(w.total_bytes(), 3);
        assert_eq!(w.errors.len(), 1);
        assert_eq!(w.errors[0].0, missing);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
