//! What a journal may name. A journal is read back from a folder the user
//! (and any program running as the user) can write to, and `undo` and
//! `resume` act on what it says, perhaps from an elevated prompt. So every
//! path it names must lie inside the run's own folder (with no link on the
//! way) or inside the folders its action declares, every registry key inside
//! the keys the action declares, every credential one the action removes,
//! and every program one the action's plan runs. Anything else makes the run
//! damaged: it is shown, never undone or resumed.

use crate::action::Action;
use crate::facts::{long_key, Facts};
use crate::host::{decode_text, read_file, Host, Os};
use crate::plan::{self, show, under, Check, Op, Options, Plan, Precondition, Undo};
use crate::t;
use crate::text::Text;
use std::io;
use std::path::{Path, PathBuf};

/// Why the plan of the run in `dir` names what its action does not change
/// (empty: nothing).
pub(crate) fn check_plan(host: &dyn Host, action: &str, plan: &Plan, dir: &Path) -> Vec<Text> {
    let Some(a) = crate::actions::find(action).filter(|a| a.changes) else {
        return vec![t!(
            "`{action}` is not an action m365doctor carries out with a journal",
            "`{action}` は m365doctor がジャーナル付きで実行するアクションではありません"
        )];
    };
    let mut why = Vec::new();
    if plan.action != action {
        let p = &plan.action;
        why.push(t!(
            "the plan is for `{p}`, the run for `{action}`",
            "計画は `{p}` のもので、実行は `{action}` のものです"
        ));
    }
    let bounds = Bounds::new(host, a, dir);
    if !bounds.is_run_dir(&plan.run_dir) {
        let d = show(&plan.run_dir);
        why.push(t!(
            "the plan's run folder {d} is not the folder its journal is in",
            "計画の実行フォルダー {d} が、ジャーナルのあるフォルダーと異なります"
        ));
    }
    for step in &plan.steps {
        bounds.op(&step.op, &mut why);
        if let Undo::Restore { op } = &step.undo {
            bounds.op(op, &mut why);
        }
        if let Some(b) = &step.backup {
            bounds.in_run(b, &mut why);
        }
    }
    for check in &plan.verify {
        match check {
            Check::MovedAside { from, to } => {
                bounds.in_folders(from, &mut why);
                bounds.in_run(to, &mut why);
            }
            Check::RegKeyAbsent { key }
            | Check::RegKeyPresent { key }
            | Check::RegValueIs { key, .. } => bounds.key(key, &mut why),
            _ => {}
        }
    }
    for pre in &plan.preconditions {
        if let Precondition::DiskSpace { at, .. } = pre {
            bounds.in_run(at, &mut why);
        }
    }
    why.dedup();
    why
}

/// Why the `.reg` file a `reg-import` would import must not be: it names a
/// key outside those `action` changes (`None`: it may be imported, or there
/// is nothing to import). `reg import` writes every key a file names, so
/// the file is read before it is given to it.
pub(crate) fn reg_file_outside(host: &dyn Host, action: &str, op: &Op) -> Option<String> {
    let Op::RegImport { file, .. } = op else {
        return None;
    };
    let roots = crate::actions::find(action)
        .map(|a| a.roots.keys)
        .unwrap_or(&[]);
    let bytes = match read_file(host, file, MAX_EXPORT) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => return Some(format!("{}: {e}; not imported", show(file))),
    };
    let text = decode_text(&bytes);
    for line in text.lines() {
        let Some(key) = line
            .trim()
            .strip_prefix('[')
            .and_then(|k| k.strip_suffix(']'))
        else {
            continue;
        };
        let key = long_key(key.trim_start_matches('-'));
        if !roots
            .iter()
            .any(|root| inside(Path::new(&key), Path::new(&long_key(root)), true))
        {
            return Some(format!(
                "{} names {key}, which `{action}` does not change; not imported",
                show(file)
            ));
        }
    }
    None
}

/// The most a registry export in a backup may hold.
const MAX_EXPORT: u64 = 64 << 20;

/// Where one run of one action may act, on this machine.
struct Bounds<'a> {
    host: &'a dyn Host,
    action: &'a Action,
    windows: bool,
    /// The run's folder, as the journal was found in it.
    dir: PathBuf,
    /// The folders the action declares, under this machine's %LOCALAPPDATA%.
    folders: Vec<PathBuf>,
    /// The programs the action's plan runs.
    commands: Vec<Op>,
}

impl<'a> Bounds<'a> {
    fn new(host: &'a dyn Host, action: &'a Action, dir: &Path) -> Bounds<'a> {
        let local = host
            .env("LOCALAPPDATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("%LOCALAPPDATA%"));
        // The commands are the same in every plan of the action: those of a
        // plan made without this machine's state, with every option.
        let template = Facts {
            local_app_data: local.clone(),
            run_dir: dir.to_path_buf(),
            ..Facts::default()
        };
        let options = Options {
            force: true,
            rejoin_confirmed: true,
            profile_name: None,
        };
        let commands = plan::plan(action.id, &template, &options)
            .map(|p| {
                p.steps
                    .into_iter()
                    .flat_map(|s| match s.undo {
                        Undo::Restore { op } => vec![s.op, op],
                        _ => vec![s.op],
                    })
                    .filter(|op| matches!(op, Op::Command { .. } | Op::Launch { .. }))
                    .collect()
            })
            .unwrap_or_default();
        Bounds {
            host,
            action,
            windows: host.os() == Os::Windows,
            dir: dir.to_path_buf(),
            folders: action
                .roots
                .folders
                .iter()
                .map(|rel| under(&local, rel))
                .collect(),
            commands,
        }
    }

    fn op(&self, op: &Op, why: &mut Vec<Text>) {
        match op {
            Op::MoveAside { from, to } => {
                self.in_folders(from, why);
                self.in_run(to, why);
            }
            Op::MoveBack {
                from,
                to,
                displaced,
            } => {
                self.in_run(from, why);
                self.in_folders(to, why);
                self.in_run(displaced, why);
            }
            Op::RegExport { key, file } | Op::RegRemoveCreated { key, file } => {
                self.key(key, why);
                self.in_run(file, why);
            }
            Op::RegImport {
                file,
                key,
                displaced,
            } => {
                self.in_run(file, why);
                if let Some(key) = key {
                    self.key(key, why);
                }
                if let Some(d) = displaced {
                    self.in_run(d, why);
                }
            }
            Op::RegDelete { key }
            | Op::RegCreateKey { key }
            | Op::RegSetString { key, .. }
            | Op::RegDeleteValue { key, .. } => self.key(key, why),
            Op::CmdkeyDelete { target } => {
                if !(self.action.roots.credentials)(target) {
                    let a = self.action.id;
                    why.push(t!(
                        "the credential `{target}` is not one `{a}` removes",
                        "資格情報 `{target}` は `{a}` が削除する対象ではありません"
                    ));
                }
            }
            Op::Command { .. } | Op::Launch { .. } => {
                if !self.commands.contains(op) {
                    let (c, a) = (op.describe(), self.action.id);
                    why.push(t!(
                        "`{c}` is not a command `{a}` runs",
                        "`{c}` は `{a}` が実行するコマンドではありません"
                    ));
                }
            }
        }
    }

    /// Off Windows, a plan shows Windows' own spelling (`%LOCALAPPDATA%\…`),
    /// which names nothing on this machine; on Windows every path is real.
    fn template(&self, p: &Path) -> bool {
        !self.windows && p.to_string_lossy().starts_with('%')
    }

    fn is_run_dir(&self, p: &Path) -> bool {
        self.template(p) || same(p, &self.dir, self.windows)
    }

    /// Inside the run's folder, and through no link on the way (the last
    /// part may be one: a folder moved aside as the link it was).
    fn in_run(&self, p: &Path, why: &mut Vec<Text>) {
        if self.template(p) {
            return;
        }
        if !p.is_absolute() || !inside(p, &self.dir, self.windows) {
            return self.outside(p, why);
        }
        let mut on_the_way = p.parent();
        while let Some(q) = on_the_way {
            if same(q, &self.dir, self.windows) || !inside(q, &self.dir, self.windows) {
                break;
            }
            if self.host.is_link(q) {
                let p = show(p);
                why.push(t!(
                    "{p} leads through a link",
                    "{p} の途中にリンクがあります"
                ));
                return;
            }
            on_the_way = q.parent();
        }
    }

    fn in_folders(&self, p: &Path, why: &mut Vec<Text>) {
        if self.template(p) {
            return;
        }
        if !p.is_absolute() || !self.folders.iter().any(|f| inside(p, f, self.windows)) {
            self.outside(p, why);
        }
    }

    fn outside(&self, p: &Path, why: &mut Vec<Text>) {
        let (p, a) = (show(p), self.action.id);
        why.push(t!(
            "{p} lies outside the run's folder and the folders `{a}` changes",
            "{p} は実行フォルダーの外にあり、`{a}` が変更するフォルダーでもありません"
        ));
    }

    fn key(&self, key: &str, why: &mut Vec<Text>) {
        let key = long_key(key);
        let ok = self
            .action
            .roots
            .keys
            .iter()
            .any(|root| inside(Path::new(&key), Path::new(&long_key(root)), true));
        if !ok {
            let a = self.action.id;
            why.push(t!(
                "the registry key {key} is not one `{a}` changes",
                "レジストリ キー {key} は `{a}` が変更するキーではありません"
            ));
        }
    }
}

/// The parts of a path, whichever separator it uses; `None` when a part
/// climbs out (`..`).
fn parts(p: &Path, fold: bool) -> Option<Vec<String>> {
    let s = p.to_string_lossy();
    let mut out = Vec::new();
    for part in s.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return None,
            part if fold => out.push(part.to_lowercase()),
            part => out.push(part.to_string()),
        }
    }
    Some(out)
}

/// `p` is `root` or lies under it, by name (`fold`: ignoring case, as
/// Windows and the registry do).
fn inside(p: &Path, root: &Path, fold: bool) -> bool {
    match (parts(p, fold), parts(root, fold)) {
        (Some(p), Some(r)) => p.len() >= r.len() && p[..r.len()] == r[..],
        _ => false,
    }
}

fn same(a: &Path, b: &Path, fold: bool) -> bool {
    match (parts(a, fold), parts(b, fold)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_is_by_whole_parts_and_never_climbs_out() {
        let root = Path::new(r"C:\Users\megan\AppData\Local\m365doctor\runs\R");
        assert!(inside(
            Path::new(r"C:\Users\megan\AppData\Local\m365doctor\runs\R\backup\1-x"),
            root,
            true
        ));
        assert!(inside(
            Path::new(r"c:\users\MEGAN\AppData\Local\m365doctor\runs\r"),
            root,
            true
        ));
        assert!(!inside(
            Path::new(r"C:\Users\megan\AppData\Local\m365doctor\runs\R2\backup"),
            root,
            true
        ));
        assert!(!inside(
            Path::new(r"C:\Users\megan\AppData\Local\m365doctor\runs\R\..\..\..\Roaming"),
            root,
            true
        ));
        assert!(!inside(
            Path::new("/tmp/runs/R/backup"),
            Path::new("/tmp/runs/r"),
            false
        ));
    }
}
