//! Plans: what an action will do, step by step, with what is backed up
//! where, how each step is undone, what the user notices and whether admin
//! rights are needed. `plan()` is pure: it works on `Facts` gathered
//! beforehand (read-only) by `facts::gather`.

pub use crate::facts::Facts;
use crate::t;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const OFFICE_IDENTITY: &str =
    r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Common\Identity";
pub const OFFICE_LICENSING: &str =
    r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Common\Licensing";
pub const OUTLOOK: &str = r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Outlook";
pub const OUTLOOK_PROFILES: &str =
    r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Outlook\Profiles";
pub const EXCHANGE_OPTIONS: &str = r"HKEY_CURRENT_USER\Software\Microsoft\Exchange\Client\Options";
pub const BROKER_PACKAGE: &str = "Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy";

/// Office, Teams and OneDrive processes that hold the sign-in state open.
pub const OFFICE_APPS: &[&str] = &[
    "OUTLOOK.EXE",
    "olk.exe",
    "WINWORD.EXE",
    "EXCEL.EXE",
    "POWERPNT.EXE",
    "ONENOTE.EXE",
    "MSACCESS.EXE",
    "MSPUB.EXE",
    "VISIO.EXE",
    "WINPROJ.EXE",
    "lync.exe",
    "ms-teams.exe",
    "Teams.exe",
    "OneDrive.exe",
    "Microsoft.SharePoint.exe",
    "FileCoAuth.exe",
    "SDXHelper.exe",
    "onenoteim.exe",
    "Microsoft.AAD.BrokerPlugin.exe",
];
pub const OUTLOOK_APPS: &[&str] = &["OUTLOOK.EXE"];

/// One effect on the machine. Every one is safe to repeat (resume) and
/// checks the state it finds rather than assuming it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Op {
    /// Moves a folder into the run's backup.
    MoveAside { from: PathBuf, to: PathBuf },
    /// Moves a backed-up folder back; whatever was recreated in its place
    /// meanwhile is moved to `displaced` first.
    MoveBack {
        from: PathBuf,
        to: PathBuf,
        displaced: PathBuf,
    },
    /// `reg export KEY FILE /y`.
    RegExport { key: String, file: PathBuf },
    /// `reg delete KEY /f`, only ever after a `RegExport` of the same key.
    RegDelete { key: String },
    /// `reg import FILE`. With `key`: whatever the key holds by then (an
    /// app recreated it) is exported to `displaced` and the key deleted
    /// first, so the import gives back exactly what was exported.
    RegImport {
        file: PathBuf,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        displaced: Option<PathBuf>,
    },
    /// `reg add KEY /f` of a key that did not exist.
    RegCreateKey { key: String },
    /// Exports a key this program created, then deletes it.
    RegRemoveCreated { key: String, file: PathBuf },
    /// `reg add KEY /v NAME /t REG_SZ /d DATA /f`.
    RegSetString {
        key: String,
        name: String,
        data: String,
    },
    /// `reg delete KEY /v NAME /f` of a value this program set.
    RegDeleteValue { key: String, name: String },
    /// `cmdkey /delete:TARGET`.
    CmdkeyDelete { target: String },
    /// A command whose effect is not undone by files (`w32tm /resync`).
    Command {
        program: String,
        args: Vec<String>,
        timeout_secs: u64,
    },
    /// Starts an app and does not wait for it.
    Launch { program: String, args: Vec<String> },
}

impl Op {
    /// The command line or file operation, for people.
    pub fn describe(&self) -> String {
        match self {
            Op::MoveAside { from, to } => format!("move {} -> {}", show(from), show(to)),
            Op::MoveBack { from, to, .. } => format!("move {} -> {}", show(from), show(to)),
            Op::RegExport { key, file } => format!("reg export \"{key}\" \"{}\" /y", show(file)),
            Op::RegDelete { key } => format!("reg delete \"{key}\" /f"),
            Op::RegImport {
                file,
                key: Some(key),
                displaced: Some(d),
            } => format!(
                "reg export \"{key}\" \"{}\" /y & reg delete \"{key}\" /f & reg import \"{}\"",
                show(d),
                show(file)
            ),
            Op::RegImport { file, .. } => format!("reg import \"{}\"", show(file)),
            Op::RegCreateKey { key } => format!("reg add \"{key}\" /f"),
            Op::RegRemoveCreated { key, file } => {
                format!(
                    "reg export \"{key}\" \"{}\" /y & reg delete \"{key}\" /f",
                    show(file)
                )
            }
            Op::RegSetString { key, name, data } => {
                format!("reg add \"{key}\" /v {name} /t REG_SZ /d \"{data}\" /f")
            }
            Op::RegDeleteValue { key, name } => format!("reg delete \"{key}\" /v {name} /f"),
            Op::CmdkeyDelete { target } => format!("cmdkey /delete:{target}"),
            Op::Command { program, args, .. } | Op::Launch { program, args } => {
                let mut s = program.clone();
                for a in args {
                    if a.contains(' ') {
                        s.push_str(&format!(" \"{a}\""));
                    } else {
                        s.push(' ');
                        s.push_str(a);
                    }
                }
                s
            }
        }
    }
}

/// How a step is undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "undo", rename_all = "kebab-case")]
pub enum Undo {
    Restore {
        op: Op,
    },
    /// Nothing to undo (nothing the user would want back).
    NotNeeded {
        why: Text,
    },
    /// Cannot be undone; the plan says so before it runs.
    Impossible {
        why: Text,
    },
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub does: Text,
    pub op: Op,
    pub undo: Undo,
    /// Where the step keeps what it changes.
    pub backup: Option<PathBuf>,
    pub notice: Option<Text>,
    pub admin: bool,
}

/// How the outcome is checked after the steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Check {
    /// The original folder is in the backup (and no longer in place).
    MovedAside {
        from: PathBuf,
        to: PathBuf,
    },
    RegKeyAbsent {
        key: String,
    },
    RegKeyPresent {
        key: String,
    },
    RegValueIs {
        key: String,
        name: String,
        data: String,
    },
    CredentialsAbsent {
        targets: Vec<String>,
    },
    /// Synchronised from a time server, with a `Last Successful Sync Time`
    /// other than before the run.
    ClockSynced {
        #[serde(default)]
        before: Option<String>,
    },
    /// `AzureAdPrt : YES` with an update time other than before the run.
    PrtRefreshed {
        before: Option<String>,
    },
    BrokerRegistered,
    ProcessRunning {
        image: String,
    },
    DeviceLeft,
}

impl Check {
    /// What is checked, for people.
    pub fn describe(&self) -> Text {
        match self {
            Check::MovedAside { from, .. } => {
                let f = show(from);
                t!("{f} is in the backup", "{f} がバックアップにあること")
            }
            Check::RegKeyAbsent { key } => t!("{key} is gone", "{key} が削除されていること"),
            Check::RegKeyPresent { key } => t!("{key} exists", "{key} が存在すること"),
            Check::RegValueIs { key, name, data } => t!(
                "{key} {name} is `{data}`",
                "{key} の {name} が `{data}` であること"
            ),
            Check::CredentialsAbsent { targets } => {
                let n = targets.len();
                t!(
                    "the {n} credentials are gone from Credential Manager",
                    "資格情報マネージャーから {n} 件の資格情報が削除されていること"
                )
            }
            Check::ClockSynced { .. } => t!(
                "w32tm /query /status shows a time server and a new Last Successful Sync Time",
                "w32tm /query /status に時刻サーバーと更新された最終正常同期時刻が表示されること"
            ),
            Check::PrtRefreshed { .. } => t!(
                "dsregcmd /status shows AzureAdPrt : YES with a new AzureAdPrtUpdateTime",
                "dsregcmd /status に AzureAdPrt : YES と新しい AzureAdPrtUpdateTime が表示されること"
            ),
            Check::BrokerRegistered => t!(
                "Get-AppxPackage shows the AAD BrokerPlugin with Status : Ok",
                "Get-AppxPackage で AAD BrokerPlugin の Status が Ok であること"
            ),
            Check::ProcessRunning { image } => {
                t!("{image} is running", "{image} が起動していること")
            }
            Check::DeviceLeft => t!(
                "dsregcmd /status shows AzureAdJoined : NO",
                "dsregcmd /status に AzureAdJoined : NO と表示されること"
            ),
        }
    }
}

/// Whether `fix undo` gives everything back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UndoKind {
    /// Every change is restored from the backup.
    Full,
    /// The action changes nothing the user would want back.
    NotNeeded,
    /// Some or all changes cannot be restored; said before running.
    None,
}

impl UndoKind {
    pub fn id(self) -> &'static str {
        match self {
            UndoKind::Full => "full",
            UndoKind::NotNeeded => "not-needed",
            UndoKind::None => "none",
        }
    }
}

/// Checked before anything changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "need", rename_all = "kebab-case")]
pub enum Precondition {
    Windows,
    AppsClosed {
        images: Vec<String>,
    },
    Admin,
    /// Runs as the user signed in at the desktop (the owner of
    /// explorer.exe), not as SYSTEM or another account: the action changes
    /// that user's profile and registry hive.
    SessionUser,
    /// Bytes needed on the volume of the backup.
    DiskSpace {
        bytes: u64,
        at: PathBuf,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub action: String,
    pub title: Text,
    pub run_dir: PathBuf,
    pub steps: Vec<Step>,
    pub preconditions: Vec<Precondition>,
    pub verify: Vec<Check>,
    pub undo: UndoKind,
    pub undo_note: Text,
    /// Consequences and remarks shown before confirmation.
    pub notes: Vec<Text>,
    /// Why the plan cannot run as it stands (shown, and `run` refuses).
    pub refusals: Vec<Text>,
    /// The plan was made from this machine's state, not from templates.
    pub probed: bool,
}

impl Plan {
    pub fn admin(&self) -> bool {
        self.preconditions.contains(&Precondition::Admin)
    }

    pub fn backup_dir(&self) -> PathBuf {
        under(&self.run_dir, "backup")
    }
}

/// Choices the user makes on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `dsreg-rejoin` on a device that is not hybrid joined.
    pub force: bool,
    /// `--i-understand-rejoin`.
    pub rejoin_confirmed: bool,
    /// Name of the new Outlook profile.
    pub profile_name: Option<String>,
}

/// Paths shown on other systems keep their Windows spelling.
pub fn show(p: &Path) -> String {
    let s = p.to_string_lossy();
    if s.starts_with('%') {
        s.replace('/', "\\")
    } else {
        s.into_owned()
    }
}

/// A path under a folder, from Windows-style relative parts.
pub fn under(base: &Path, rel: &str) -> PathBuf {
    let b = base.to_string_lossy();
    if b.starts_with('%') {
        // A template for Windows (planned elsewhere): keep its separators.
        return PathBuf::from(format!("{}\\{}", b.trim_end_matches(['\\', '/']), rel));
    }
    rel.split('\\')
        .filter(|p| !p.is_empty())
        .fold(base.to_path_buf(), |p, part| p.join(part))
}

/// An error planning: the action is unknown or manual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError(pub Text);

/// What is said of an id that is no action of the vocabulary.
pub fn unknown_action(action: &str) -> Text {
    t!(
        "unknown action `{action}` (see `m365doctor fix list`)",
        "不明なアクション `{action}` です (`m365doctor fix list` で一覧を確認できます)"
    )
}

/// Plans an automated action from gathered facts. Pure: what is common to
/// every plan is here, the rest is the action's own (`actions/`).
pub fn plan(action: &str, facts: &Facts, options: &Options) -> Result<Plan, PlanError> {
    let Some(kb) = m365doctor_kb::action(action) else {
        return Err(PlanError(unknown_action(action)));
    };
    let Some(a) = crate::actions::find(action) else {
        return Err(PlanError(Text::new(
            format!(
                "`{action}` is done by hand, not by m365doctor: {}",
                kb.text.en
            ),
            format!("`{action}` は手作業で行うアクションです: {}", kb.text.ja),
        )));
    };
    let mut p = Plan {
        action: action.to_string(),
        title: Text::new(kb.title.en.to_string(), kb.title.ja.to_string()),
        run_dir: facts.run_dir.clone(),
        steps: Vec::new(),
        preconditions: Vec::new(),
        verify: Vec::new(),
        undo: a.undo,
        undo_note: (a.undo_note)(),
        notes: Vec::new(),
        refusals: Vec::new(),
        probed: facts.probed,
    };
    if a.windows_only() {
        p.preconditions.push(Precondition::Windows);
    }
    for (key, error) in &facts.unreadable {
        p.refusals.push(t!(
            "{key} could not be read ({error}), so whether it exists is unknown; refusing rather than guessing.",
            "{key} を読み取れないため ({error})、存在するかどうか分かりません。推測で進めず、実行を中止します。"
        ));
    }
    if kb.who == "admin" || a.admin {
        p.preconditions.push(Precondition::Admin);
    } else if a.changes && a.windows_only() {
        p.preconditions.push(Precondition::SessionUser);
    }
    (a.plan)(&mut p, facts, options);
    if a.changes && !p.steps.is_empty() {
        p.preconditions.push(Precondition::DiskSpace {
            // The journal and the registry exports: folders are moved on
            // their volume, never copied.
            bytes: 1 << 20,
            at: facts.run_dir.clone(),
        });
    }
    if a.changes && p.steps.is_empty() && p.refusals.is_empty() && facts.probed {
        p.notes.push(t!(
            "Nothing to do on this machine: none of what this action resets exists.",
            "このマシンでは何もする必要がありません。このアクションで初期化する対象が存在しません。"
        ));
    }
    Ok(p)
}

// The steps actions are made of.

/// The apps that must be closed first.
pub fn apps_closed(images: &[&str]) -> Precondition {
    Precondition::AppsClosed {
        images: images.iter().map(|s| s.to_string()).collect(),
    }
}

/// The arguments that run a PowerShell command line.
pub fn powershell(script: &str) -> Vec<String> {
    vec![
        "-NoProfile".into(),
        "-NonInteractive".into(),
        "-Command".into(),
        script.into(),
    ]
}

/// A step running a command that nothing undoes (and nothing needs to).
pub fn command_step(
    does: Text,
    program: &str,
    args: &[&str],
    timeout_secs: u64,
    why_no_undo: Text,
) -> Step {
    Step {
        does,
        op: Op::Command {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            timeout_secs,
        },
        undo: Undo::NotNeeded { why: why_no_undo },
        backup: None,
        notice: None,
        admin: false,
    }
}

/// Moves each of these folders under `%LOCALAPPDATA%` that exists into the
/// backup (numbered in order); undo moves them back.
pub fn move_folders(p: &mut Plan, facts: &Facts, folders: &[&str]) {
    let backup = p.backup_dir();
    for (i, rel) in folders.iter().enumerate() {
        let from = under(&facts.local_app_data, rel);
        if facts.probed && !facts.existing.contains_key(&from) {
            continue;
        }
        let name = rel.rsplit('\\').next().unwrap_or(rel);
        let to = under(&backup, &format!("{}-{name}", i + 1));
        let shown = show(&from);
        p.steps.push(Step {
            does: t!(
                "Move {shown} aside into the backup",
                "{shown} をバックアップへ退避 (移動) する"
            ),
            op: Op::MoveAside {
                from: from.clone(),
                to: to.clone(),
            },
            undo: Undo::Restore {
                op: Op::MoveBack {
                    from: to.clone(),
                    to: from.clone(),
                    displaced: under(&p.run_dir, &format!(r"replaced-by-undo\{}-{name}", i + 1)),
                },
            },
            backup: Some(to.clone()),
            notice: None,
            admin: false,
        });
        p.verify.push(Check::MovedAside { from, to });
    }
}

/// Exports `key` into the backup as `file`, then deletes it; undo imports
/// the export (see `Op::RegImport`). Nothing when the key does not exist.
pub fn export_and_delete(p: &mut Plan, facts: &Facts, key: &str, file: &str) {
    let backup = &p.backup_dir();
    if facts.probed && facts.reg_keys.get(key) != Some(&true) {
        return;
    }
    let displaced = under(&p.run_dir, &format!(r"replaced-by-undo\{file}"));
    let file = under(backup, file);
    p.steps.push(Step {
        does: t!(
            "Export {key} to the backup",
            "{key} をバックアップへエクスポートする"
        ),
        op: Op::RegExport {
            key: key.into(),
            file: file.clone(),
        },
        undo: Undo::NotNeeded {
            why: t!(
                "An export changes nothing.",
                "エクスポートは何も変更しません。"
            ),
        },
        backup: Some(file.clone()),
        notice: None,
        admin: false,
    });
    p.steps.push(Step {
        does: t!("Delete {key}", "{key} を削除する"),
        op: Op::RegDelete { key: key.into() },
        undo: Undo::Restore {
            op: Op::RegImport {
                file: file.clone(),
                key: Some(key.into()),
                displaced: Some(displaced),
            },
        },
        backup: Some(file),
        notice: None,
        admin: false,
    });
    p.verify.push(Check::RegKeyAbsent { key: key.into() });
}

/// A step that creates `key`; its undo exports it to `kept` and removes it,
/// only if this run created it.
pub fn create_key(key: &str, does: Text, kept: PathBuf) -> Step {
    Step {
        does,
        op: Op::RegCreateKey { key: key.into() },
        undo: Undo::Restore {
            op: Op::RegRemoveCreated {
                key: key.into(),
                file: kept,
            },
        },
        backup: None,
        notice: None,
        admin: false,
    }
}
