//! The operations of a plan, each checking the state it finds, so that
//! running one again after a crash is safe.

use super::Runner;
use crate::facts::{self, SHORT};
use crate::plan::{show, Op};
use crate::t;
use crate::text::Text;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Runner<'_> {
    pub(super) fn run_ok(
        &self,
        program: &str,
        args: &[&str],
        timeout: Duration,
    ) -> io::Result<String> {
        let out = self.host.run(program, args, timeout)?;
        if out.ok() {
            Ok(out.all_text().trim().to_string())
        } else {
            let code = out
                .code
                .map(|c| c.to_string())
                .unwrap_or_else(|| "timeout".into());
            Err(io::Error::other(format!(
                "`{program} {}` failed ({code}): {}",
                args.join(" "),
                out.all_text().trim()
            )))
        }
    }

    pub(super) fn key_exists(&self, key: &str) -> io::Result<bool> {
        facts::reg_key_state(self.host, key)
    }

    /// Exports `key` to `file` (or `file` numbered `.2.reg`, `.3.reg`, … when
    /// it is taken: nothing kept earlier is overwritten), then deletes the
    /// key. Returns where the export went.
    fn export_and_delete(&self, key: &str, file: &Path) -> io::Result<PathBuf> {
        let h = self.host;
        if let Some(parent) = file.parent() {
            h.create_dir_all(parent)?;
        }
        let mut target = file.to_path_buf();
        let mut n = 2;
        while h.exists(&target) {
            target = file.with_extension(format!("{n}.reg"));
            n += 1;
        }
        let t = target.to_string_lossy().into_owned();
        self.run_ok("reg", &["export", key, &t, "/y"], SHORT)?;
        self.run_ok("reg", &["delete", key, "/f"], SHORT)?;
        Ok(target)
    }

    /// Carries out one operation; every one checks the state it finds, so
    /// running it again after a crash is safe.
    pub fn apply(&self, op: &Op) -> io::Result<Text> {
        self.apply_step(op, false)
    }

    /// `absent_before`: the journal says the key a `RegCreateKey` creates
    /// was not there before this step (so what is there now is its own).
    pub(super) fn apply_step(&self, op: &Op, absent_before: bool) -> io::Result<Text> {
        let h = self.host;
        match op {
            Op::MoveAside { from, to } => {
                if h.exists(from) {
                    if h.exists(to) {
                        return Err(io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!("the backup {} already exists", to.display()),
                        ));
                    }
                    if let Some(parent) = to.parent() {
                        h.create_dir_all(parent)?;
                    }
                    h.rename(from, to)?;
                    {
                        let to = show(to);
                        Ok(t!("moved to {to}", "{to} へ移動しました"))
                    }
                } else if h.exists(to) {
                    Ok(t!("already in the backup", "すでにバックアップにあります"))
                } else {
                    Ok(t!(
                        "not present; nothing to move",
                        "存在しないため、移動するものはありません"
                    ))
                }
            }
            Op::MoveBack {
                from,
                to,
                displaced,
            } => {
                if !h.exists(from) {
                    return Ok(t!(
                        "nothing in the backup to restore",
                        "バックアップに復元するものはありません"
                    ));
                }
                let mut note = Text::default();
                if h.exists(to) {
                    // Recreated since the run (an app started): kept, not deleted.
                    let mut target = displaced.clone();
                    let mut n = 2;
                    while h.exists(&target) {
                        target = displaced.with_extension(n.to_string());
                        n += 1;
                    }
                    if let Some(parent) = target.parent() {
                        h.create_dir_all(parent)?;
                    }
                    h.rename(to, &target)?;
                    let kept = show(&target);
                    note = t!(
                        " (the folder recreated meanwhile is kept at {kept})",
                        " (その間に作り直されたフォルダーは {kept} に保管しました)"
                    );
                }
                if let Some(parent) = to.parent() {
                    h.create_dir_all(parent)?;
                }
                h.rename(from, to)?;
                let to = show(to);
                Ok(Text::new(
                    format!("restored {to}{}", note.en),
                    format!("{to} を復元しました{}", note.ja),
                ))
            }
            Op::RegExport { key, file } => {
                if let Some(parent) = file.parent() {
                    h.create_dir_all(parent)?;
                }
                let f = file.to_string_lossy().into_owned();
                self.run_ok("reg", &["export", key, &f, "/y"], SHORT)?;
                let size = h.read(file).map(|b| b.len()).unwrap_or(0);
                if size == 0 {
                    return Err(io::Error::other(format!(
                        "the export {} is missing or empty",
                        file.display()
                    )));
                }
                let file = show(file);
                Ok(t!(
                    "exported to {file} ({size} bytes)",
                    "{file} へエクスポートしました ({size} バイト)"
                ))
            }
            Op::RegDelete { key } => {
                if !self.key_exists(key)? {
                    return Ok(t!("already absent", "すでに存在しません"));
                }
                self.run_ok("reg", &["delete", key, "/f"], SHORT)?;
                Ok(t!("deleted", "削除しました"))
            }
            Op::RegImport {
                file,
                key,
                displaced,
            } => {
                if !h.exists(file) {
                    return Ok(t!(
                        "no export to import (the key was never deleted)",
                        "インポートするエクスポートがありません (キーは削除されていません)"
                    ));
                }
                let mut note = Text::default();
                if let (Some(key), Some(displaced)) = (key, displaced) {
                    if self.key_exists(key)? {
                        // Recreated since the run: kept in a file, then
                        // replaced, so nothing of it mixes into the restore.
                        let kept = show(&self.export_and_delete(key, displaced)?);
                        note = t!(
                            " (the key as it was before the undo is kept in {kept})",
                            " (元に戻す直前のキーは {kept} に保管しました)"
                        );
                    }
                }
                let f = file.to_string_lossy().into_owned();
                self.run_ok("reg", &["import", &f], SHORT)?;
                let file = show(file);
                Ok(Text::new(
                    format!("imported {file}{}", note.en),
                    format!("{file} をインポートしました{}", note.ja),
                ))
            }
            Op::RegCreateKey { key } => {
                if self.key_exists(key)? {
                    // Only what an interrupted attempt of this very step
                    // created is its own; anything else belongs to someone.
                    if absent_before {
                        return Ok(t!(
                            "created (by the interrupted attempt)",
                            "作成済み (中断された前回の試行で作成)"
                        ));
                    }
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!("{key} already exists; it is left as it is"),
                    ));
                }
                self.run_ok("reg", &["add", key, "/f"], SHORT)?;
                Ok(t!("created", "作成しました"))
            }
            Op::RegRemoveCreated { key, file } => {
                if !self.key_exists(key)? {
                    return Ok(t!("already absent", "すでに存在しません"));
                }
                let kept = show(&self.export_and_delete(key, file)?);
                Ok(t!(
                    "removed; its content is kept in {kept}",
                    "削除しました。内容は {kept} に保管しました"
                ))
            }
            Op::RegSetString { key, name, data } => {
                self.run_ok(
                    "reg",
                    &["add", key, "/v", name, "/t", "REG_SZ", "/d", data, "/f"],
                    SHORT,
                )?;
                Ok(t!("{name} = {data}", "{name} = {data} に設定しました"))
            }
            Op::RegDeleteValue { key, name } => {
                if facts::reg_value(h, key, name).is_none() {
                    return Ok(t!("already absent", "すでに存在しません"));
                }
                self.run_ok("reg", &["delete", key, "/v", name, "/f"], SHORT)?;
                Ok(t!("{name} removed", "{name} を削除しました"))
            }
            Op::CmdkeyDelete { target } => {
                let arg = format!("/delete:{target}");
                match self.run_ok("cmdkey", &[&arg], SHORT) {
                    Ok(_) => Ok(t!("removed", "削除しました")),
                    Err(e) => {
                        let list = h.run("cmdkey", &["/list"], SHORT)?;
                        let still = facts::parse_cmdkey_list(&list.text())
                            .iter()
                            .any(|t| t.eq_ignore_ascii_case(target));
                        if still {
                            Err(e)
                        } else {
                            Ok(t!("already absent", "すでに存在しません"))
                        }
                    }
                }
            }
            Op::Command {
                program,
                args,
                timeout_secs,
            } => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = self.run_ok(program, &args, Duration::from_secs(*timeout_secs))?;
                // The tool's own words, in the language Windows printed them.
                Ok(Text::new(out.clone(), out))
            }
            Op::Launch { program, args } => {
                if h.processes()?
                    .iter()
                    .any(|p| p.image.eq_ignore_ascii_case(program))
                {
                    return Ok(t!("already running", "すでに起動しています"));
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                h.spawn(program, &args)?;
                Ok(t!("started", "起動しました"))
            }
        }
    }
}
