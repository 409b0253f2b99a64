//! Plans: what an action will do, step by step, with what is backed up
//! where, how each step is undone, what the user notices and whether admin
//! rights are needed. `plan()` is pure: it works on `Facts` gathered
//! beforehand (read-only) by `facts::gather`.

use crate::host::Os;
use crate::t;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
pub const CLOUD_EXPERIENCE_HOST_PACKAGE: &str =
    "Microsoft.Windows.CloudExperienceHost_cw5n1h2txyewy";
pub const REJOIN_TASK: &str = r"\Microsoft\Windows\Workplace Join\Automatic-Device-Join";

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

/// What planning needs to know about the machine, gathered read-only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub os: Option<Os>,
    /// `%LOCALAPPDATA%` (or that literal when not known).
    pub local_app_data: PathBuf,
    /// The folder the run would use.
    pub run_dir: PathBuf,
    /// Planned from this machine (not a template on another system).
    pub probed: bool,
    /// Candidate folders that exist, with their sizes.
    pub existing: BTreeMap<PathBuf, u64>,
    /// Credential Manager target names (`cmdkey /list`).
    pub credentials: Vec<String>,
    /// Registry keys looked at, and whether they exist.
    pub reg_keys: BTreeMap<String, bool>,
    /// Registry keys that could not be read (key, error): unknown, not absent.
    pub unreadable: Vec<(String, String)>,
    pub outlook_profiles: Vec<String>,
    pub outlook_default: Option<String>,
    pub pick_logon_profile: Option<String>,
    /// The highest missing key on the way to Exchange's client options
    /// (where `PickLogonProfile` lives), when that key does not exist yet.
    pub exchange_options_missing_from: Option<String>,
    pub join: Option<Join>,
    /// `Last Successful Sync Time` before the run (sync-clock).
    pub last_sync: Option<String>,
    /// `AzureAdPrtUpdateTime` before the run (refresh-prt).
    pub prt_update_time: Option<String>,
    pub elevated: bool,
}

/// The join state from `dsregcmd /status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Join {
    pub azure_ad_joined: bool,
    pub domain_joined: bool,
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

/// Folders moved aside by each folder action, relative to %LOCALAPPDATA%.
pub fn candidate_folders(action: &str) -> &'static [&'static str] {
    match action {
        "reset-identity-cache" => &[r"Microsoft\IdentityCache", r"Microsoft\OneAuth"],
        "reset-aad-broker" => &[
            r"Packages\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\AC\TokenBroker\Accounts",
            r"Packages\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\AC\TokenBroker\Cache",
        ],
        "reset-office-activation" => &[
            r"Microsoft\Office\Licenses",
            r"Microsoft\Office\16.0\Licensing",
        ],
        _ => &[],
    }
}

/// Registry keys each registry action looks at.
pub fn candidate_keys(action: &str) -> &'static [&'static str] {
    match action {
        "reset-office-identity-registry" => &[OFFICE_IDENTITY],
        "reset-office-activation" => &[OFFICE_LICENSING],
        "new-outlook-profile" => &[OUTLOOK_PROFILES],
        _ => &[],
    }
}

/// Whether a Credential Manager target belongs to Office, Teams or
/// OneDrive. Only generic credentials whose name starts with a name these
/// apps are known to write are selected: Windows' own entries (domain
/// passwords and certificates, Microsoft account, WindowsLive) and every
/// other program's entry stay, even when an Office word appears somewhere
/// inside their name (`adalbert-nas`, `onedrive.contoso.com`).
pub fn is_office_credential(target: &str) -> bool {
    let (kind, name) = match target.split_once(":target=") {
        Some((kind, name)) => (kind.trim(), name),
        None => ("", target),
    };
    if !(kind.eq_ignore_ascii_case("LegacyGeneric") || kind.eq_ignore_ascii_case("Generic")) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    // MicrosoftOffice15_Data:…, MicrosoftOffice16_Data:SSPI:…, …:orgid:…, …:ADAL:…
    if let Some(rest) = lower.strip_prefix("microsoftoffice") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        return digits > 0 && rest[digits..].starts_with("_data:");
    }
    lower == "onedrive cached credential"
        || lower.starts_with("onedrive cached credential ")
        || lower.starts_with("msteams_adalsso/")
        || lower.starts_with("microsoft.aad.brokerplugin")
        || lower.starts_with("oneauth")
}

/// The name `cmdkey /delete:` takes: the part after `target=`.
pub fn cmdkey_name(target: &str) -> &str {
    match target.find("target=") {
        Some(i) => &target[i + "target=".len()..],
        None => target,
    }
}

/// Static facts about each automated action.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub id: &'static str,
    pub platforms: &'static [&'static str],
    pub undo: UndoKind,
    /// Changes the machine (journaled run) rather than only reading it.
    pub changes: bool,
}

pub const SPECS: &[Spec] = &[
    spec("check-network", UndoKind::NotNeeded, false),
    spec("dsreg-status-check", UndoKind::NotNeeded, false),
    spec("collect-evidence", UndoKind::NotNeeded, false),
    spec("sync-clock", UndoKind::NotNeeded, true),
    spec("outlook-safe-mode", UndoKind::NotNeeded, true),
    spec("refresh-prt", UndoKind::NotNeeded, true),
    spec("reset-identity-cache", UndoKind::Full, true),
    spec("reset-aad-broker", UndoKind::Full, true),
    spec("reregister-aad-broker", UndoKind::NotNeeded, true),
    spec("clear-office-credentials", UndoKind::None, true),
    spec("reset-office-identity-registry", UndoKind::Full, true),
    spec("reset-office-activation", UndoKind::Full, true),
    spec("new-outlook-profile", UndoKind::Full, true),
    spec("dsreg-rejoin", UndoKind::None, true),
];

const fn spec(id: &'static str, undo: UndoKind, changes: bool) -> Spec {
    Spec {
        id,
        platforms: if matches!(id.as_bytes(), b"check-network" | b"collect-evidence") {
            &["windows", "linux", "macos"]
        } else {
            &["windows"]
        },
        undo,
        changes,
    }
}

pub fn spec_of(id: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.id == id)
}

/// Why undo is what it is, per action.
pub fn undo_note(id: &str) -> Text {
    match id {
        "check-network" | "dsreg-status-check" | "collect-evidence" => t!(
            "Read-only: nothing on the machine changes.",
            "読み取りのみです。マシンの状態は何も変更しません。"
        ),
        "sync-clock" => t!(
            "Nothing to undo: the clock is set from the time source; no setting changes.",
            "元に戻す必要はありません。時刻ソースと時刻を同期するだけで、設定は変更しません。"
        ),
        "outlook-safe-mode" => t!(
            "Nothing to undo: closing Outlook and starting it normally ends safe mode.",
            "元に戻す必要はありません。Outlook を閉じて通常どおり起動すればセーフ モードは終わります。"
        ),
        "refresh-prt" => t!(
            "Nothing to undo: Windows only asks for a new Primary Refresh Token.",
            "元に戻す必要はありません。Windows がプライマリ更新トークン (PRT) を再取得するだけです。"
        ),
        "reregister-aad-broker" => t!(
            "Nothing to undo: the package is registered again from Windows' own copy; no data is removed.",
            "元に戻す必要はありません。Windows 内のパッケージを登録し直すだけで、データは削除しません。"
        ),
        "clear-office-credentials" => t!(
            "Cannot be undone: saved passwords and tokens cannot be read, so they cannot be backed up. The journal keeps the names of the removed entries; signing in again recreates them.",
            "元に戻せません。保存されたパスワードやトークンは読み出せないため、バックアップできません。削除したエントリの名前はジャーナルに残ります。再度サインインすると作り直されます。"
        ),
        "dsreg-rejoin" => t!(
            "Cannot be undone: leaving Microsoft Entra ID removes the device's registration; only joining again brings it back.",
            "元に戻せません。Microsoft Entra ID から離脱するとデバイス登録が削除され、再参加する以外に戻す方法はありません。"
        ),
        _ => t!(
            "`m365doctor fix undo` restores everything from this run's backup.",
            "`m365doctor fix undo` で、この実行のバックアップからすべて復元できます。"
        ),
    }
}

/// An error planning: the action is unknown or manual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError(pub Text);

/// Plans an automated action from gathered facts. Pure.
pub fn plan(action: &str, facts: &Facts, options: &Options) -> Result<Plan, PlanError> {
    let Some(kb) = m365doctor_kb::action(action) else {
        return Err(PlanError(t!(
            "unknown action `{action}` (see `m365doctor fix list`)",
            "不明なアクション `{action}` です (`m365doctor fix list` で一覧を確認できます)"
        )));
    };
    let Some(spec) = spec_of(action) else {
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
        undo: spec.undo,
        undo_note: undo_note(action),
        notes: Vec::new(),
        refusals: Vec::new(),
        probed: facts.probed,
    };
    if spec.platforms == ["windows"] {
        p.preconditions.push(Precondition::Windows);
    }
    for (key, error) in &facts.unreadable {
        p.refusals.push(t!(
            "{key} could not be read ({error}), so whether it exists is unknown; refusing rather than guessing.",
            "{key} を読み取れないため ({error})、存在するかどうか分かりません。推測で進めず、実行を中止します。"
        ));
    }
    if kb.who == "admin" {
        p.preconditions.push(Precondition::Admin);
    } else if spec.changes && spec.platforms == ["windows"] {
        p.preconditions.push(Precondition::SessionUser);
    }
    let backup = p.backup_dir();
    match action {
        "reset-identity-cache" | "reset-aad-broker" => {
            p.preconditions.push(Precondition::AppsClosed {
                images: OFFICE_APPS.iter().map(|s| s.to_string()).collect(),
            });
            move_folders(&mut p, facts, &backup, action);
            let notice = t!(
                "Office, Teams and OneDrive ask you to sign in again (once per account).",
                "Office、Teams、OneDrive で再度サインインを求められます (アカウントごとに 1 回)。"
            );
            p.notes.push(notice);
        }
        "reset-office-activation" => {
            p.preconditions.push(Precondition::AppsClosed {
                images: OFFICE_APPS.iter().map(|s| s.to_string()).collect(),
            });
            move_folders(&mut p, facts, &backup, action);
            export_and_delete(&mut p, facts, OFFICE_LICENSING, &backup, "office-licensing.reg");
            p.notes.push(t!(
                "The next Office app you start asks you to sign in to activate Office again.",
                "次に Office アプリを起動すると、ライセンス認証のために再度サインインを求められます。"
            ));
        }
        "reset-office-identity-registry" => {
            p.preconditions.push(Precondition::AppsClosed {
                images: OFFICE_APPS.iter().map(|s| s.to_string()).collect(),
            });
            export_and_delete(&mut p, facts, OFFICE_IDENTITY, &backup, "office-identity.reg");
            p.notes.push(t!(
                "Office forgets the signed-in accounts and asks you to sign in again.",
                "Office はサインイン済みのアカウントを忘れるため、再度サインインが必要です。"
            ));
        }
        "clear-office-credentials" => {
            p.preconditions.push(Precondition::AppsClosed {
                images: OFFICE_APPS.iter().map(|s| s.to_string()).collect(),
            });
            let targets: Vec<&String> = facts
                .credentials
                .iter()
                .filter(|t| is_office_credential(t))
                .collect();
            for target in &targets {
                let name = cmdkey_name(target).to_string();
                // The whole target with its type: a bare name would also
                // match a domain credential of the same name.
                let full = target.to_string();
                p.steps.push(Step {
                    does: t!(
                        "Remove the saved credential `{name}` from Credential Manager",
                        "資格情報マネージャーから保存済みの資格情報 `{name}` を削除する"
                    ),
                    op: Op::CmdkeyDelete { target: full },
                    undo: Undo::Impossible {
                        why: undo_note(action),
                    },
                    backup: None,
                    notice: Some(t!(
                        "You sign in again where this credential was used.",
                        "この資格情報を使っていたアプリで再度サインインが必要です。"
                    )),
                    admin: false,
                });
            }
            if !targets.is_empty() {
                p.verify.push(Check::CredentialsAbsent {
                    targets: targets.iter().map(|t| t.to_string()).collect(),
                });
            }
            if !facts.probed {
                p.notes.push(t!(
                    "On Windows, the plan lists by name each generic entry of `cmdkey /list` whose name starts with MicrosoftOffice<version>_Data:, OneDrive Cached Credential, msteams_adalsso/, Microsoft.AAD.BrokerPlugin or OneAuth; domain credentials and other programs' entries are never removed.",
                    "Windows 上では、`cmdkey /list` の汎用資格情報のうち、名前が MicrosoftOffice<バージョン>_Data:、OneDrive Cached Credential、msteams_adalsso/、Microsoft.AAD.BrokerPlugin、OneAuth で始まるものを名前ごとに計画に示します。ドメインの資格情報や他のプログラムのエントリは削除しません。"
                ));
            }
            p.notes.push(t!(
                "Passwords and tokens in Credential Manager cannot be backed up: this step cannot be undone. You will sign in again to Office, Teams and OneDrive.",
                "資格情報マネージャーのパスワードやトークンはバックアップできないため、この操作は元に戻せません。Office、Teams、OneDrive に再度サインインすることになります。"
            ));
        }
        "reregister-aad-broker" => {
            // -ForceApplicationShutdown closes the apps using the broker:
            // not under the user's open documents.
            p.preconditions.push(Precondition::AppsClosed {
                images: OFFICE_APPS.iter().map(|s| s.to_string()).collect(),
            });
            for (package, name) in [
                (BROKER_PACKAGE, "AAD BrokerPlugin"),
                (CLOUD_EXPERIENCE_HOST_PACKAGE, "CloudExperienceHost"),
            ] {
                // PowerShell expands $env:windir itself: the documented command as is.
                let script = format!(
                    "Add-AppxPackage -Register \"$env:windir\\SystemApps\\{package}\\Appxmanifest.xml\" -DisableDevelopmentMode -ForceApplicationShutdown"
                );
                p.steps.push(Step {
                    does: t!(
                        "Register {name} again from Windows' copy (for this user)",
                        "{name} を Windows 内のパッケージから再登録する (このユーザー用)"
                    ),
                    op: Op::Command {
                        program: "powershell".into(),
                        args: powershell(&script),
                        timeout_secs: 180,
                    },
                    undo: Undo::NotNeeded {
                        why: undo_note(action),
                    },
                    backup: None,
                    notice: Some(t!(
                        "Apps using it close; sign-in windows may appear once.",
                        "このパッケージを使っているアプリは終了します。サインイン画面が一度表示される場合があります。"
                    )),
                    admin: false,
                });
            }
            p.verify.push(Check::BrokerRegistered);
        }
        "sync-clock" => {
            p.steps.push(command_step(
                t!(
                    "Ask the Windows Time service to synchronise the clock now",
                    "Windows Time サービスに今すぐ時刻を同期させる"
                ),
                "w32tm",
                &["/resync"],
                60,
                action,
                None,
            ));
            p.verify.push(Check::ClockSynced {
                before: facts.last_sync.clone(),
            });
            // w32tm /resync is refused without elevation (0x80070005); the
            // clock is the machine's, so any administrator may set it.
            p.preconditions.retain(|c| *c != Precondition::SessionUser);
            p.preconditions.push(Precondition::Admin);
            if let Some(s) = p.steps.last_mut() {
                s.admin = true;
            }
            p.notes.push(t!(
                "Needs the Windows Time service (W32Time) running; the time zone is not changed. Without administrator rights, use Settings > Time & language > Date & time > Sync now instead.",
                "Windows Time サービス (W32Time) が動作している必要があります。タイム ゾーンは変更しません。管理者権限がない場合は、[設定] > [時刻と言語] > [日付と時刻] > [今すぐ同期] を使ってください。"
            ));
        }
        "refresh-prt" => {
            p.steps.push(command_step(
                t!(
                    "Ask Windows for a new Primary Refresh Token",
                    "Windows にプライマリ更新トークン (PRT) を再取得させる"
                ),
                "dsregcmd",
                &["/refreshprt"],
                120,
                action,
                None,
            ));
            p.verify.push(Check::PrtRefreshed {
                before: facts.prt_update_time.clone(),
            });
        }
        "outlook-safe-mode" => {
            p.preconditions.push(Precondition::AppsClosed {
                images: OUTLOOK_APPS.iter().map(|s| s.to_string()).collect(),
            });
            p.steps.push(Step {
                does: t!(
                    "Start Outlook in safe mode (without add-ins)",
                    "Outlook をセーフ モード (アドインなし) で起動する"
                ),
                op: Op::Launch {
                    program: "outlook.exe".into(),
                    args: vec!["/safe".into()],
                },
                undo: Undo::NotNeeded {
                    why: undo_note(action),
                },
                backup: None,
                notice: Some(t!(
                    "Outlook opens with \"(Safe Mode)\" in its title; if the problem is gone, an add-in causes it.",
                    "Outlook のタイトルに「(セーフ モード)」と表示されます。問題が起きなければアドインが原因です。"
                )),
                admin: false,
            });
            p.verify.push(Check::ProcessRunning {
                image: "OUTLOOK.EXE".into(),
            });
        }
        "new-outlook-profile" => new_outlook_profile(&mut p, facts, options, &backup),
        "dsreg-rejoin" => dsreg_rejoin(&mut p, facts, options),
        "check-network" => {
            let list = crate::network::ENDPOINTS.join(", ");
            p.notes.push(t!(
                "Read-only: resolves, connects on port 443 and starts a TLS handshake with {list}, each with a timeout, and shows the user's and the system (WinHTTP) proxy settings.",
                "読み取りのみ: {list} について、タイムアウト付きで名前解決、443 番ポートへの接続、TLS ハンドシェイクを確認し、ユーザーとシステム (WinHTTP) のプロキシ設定を表示します。"
            ));
        }
        "dsreg-status-check" => p.notes.push(t!(
            "Read-only: runs `dsregcmd /status` and diagnoses it (as `m365doctor dsreg` does).",
            "読み取りのみ: `dsregcmd /status` を実行して診断します (`m365doctor dsreg` と同じ内容)。"
        )),
        "collect-evidence" => p.notes.push(t!(
            "Read-only: gathers the evidence bundle (as `m365doctor collect` does).",
            "読み取りのみ: 証跡一式を収集します (`m365doctor collect` と同じ内容)。"
        )),
        _ => {}
    }
    if spec.changes && !p.steps.is_empty() {
        p.preconditions.push(Precondition::DiskSpace {
            // The journal and the registry exports: folders are moved on
            // their volume, never copied.
            bytes: 1 << 20,
            at: facts.run_dir.clone(),
        });
    }
    if spec.changes && p.steps.is_empty() && p.refusals.is_empty() && facts.probed {
        p.notes.push(t!(
            "Nothing to do on this machine: none of what this action resets exists.",
            "このマシンでは何もする必要がありません。このアクションで初期化する対象が存在しません。"
        ));
    }
    Ok(p)
}

fn powershell(script: &str) -> Vec<String> {
    vec![
        "-NoProfile".into(),
        "-NonInteractive".into(),
        "-Command".into(),
        script.into(),
    ]
}

fn command_step(
    does: Text,
    program: &str,
    args: &[&str],
    timeout_secs: u64,
    action: &str,
    notice: Option<Text>,
) -> Step {
    Step {
        does,
        op: Op::Command {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            timeout_secs,
        },
        undo: Undo::NotNeeded {
            why: undo_note(action),
        },
        backup: None,
        notice,
        admin: false,
    }
}

fn move_folders(p: &mut Plan, facts: &Facts, backup: &Path, action: &str) {
    for (i, rel) in candidate_folders(action).iter().enumerate() {
        let from = under(&facts.local_app_data, rel);
        if facts.probed && !facts.existing.contains_key(&from) {
            continue;
        }
        let name = rel.rsplit('\\').next().unwrap_or(rel);
        let to = under(backup, &format!("{}-{name}", i + 1));
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

fn export_and_delete(p: &mut Plan, facts: &Facts, key: &str, backup: &Path, file: &str) {
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
fn create_key(key: &str, does: Text, kept: PathBuf) -> Step {
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

fn new_outlook_profile(p: &mut Plan, facts: &Facts, options: &Options, backup: &Path) {
    p.preconditions.push(Precondition::AppsClosed {
        images: OUTLOOK_APPS.iter().map(|s| s.to_string()).collect(),
    });
    let name = match &options.profile_name {
        Some(n) => n.clone(),
        None => {
            let mut n = 1;
            loop {
                let candidate = if n == 1 {
                    "m365doctor".to_string()
                } else {
                    format!("m365doctor-{n}")
                };
                if !facts
                    .outlook_profiles
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&candidate))
                {
                    break candidate;
                }
                n += 1;
            }
        }
    };
    if name.is_empty() || name.contains(['\\', '/', '"']) || name.chars().count() > 64 {
        p.refusals.push(t!(
            "The profile name `{name}` is not usable (empty, too long, or with \\ / \").",
            "プロファイル名 `{name}` は使えません (空、長すぎる、または \\ / \" を含む)。"
        ));
        return;
    }
    if facts
        .outlook_profiles
        .iter()
        .any(|p| p.eq_ignore_ascii_case(&name))
    {
        p.refusals.push(t!(
            "An Outlook profile named `{name}` already exists; choose another name with --profile-name.",
            "`{name}` という Outlook プロファイルは既に存在します。--profile-name で別の名前を指定してください。"
        ));
        return;
    }
    let key = format!(r"{OUTLOOK_PROFILES}\{name}");
    p.steps.push(Step {
        notice: Some(t!(
            "Outlook sets the account up again in the new profile and downloads the mailbox again.",
            "新しいプロファイルでアカウントを設定し直し、メールボックスを再ダウンロードします。"
        )),
        ..create_key(
            &key,
            t!(
                "Create the new, empty Outlook profile `{name}` beside the existing ones",
                "既存のプロファイルはそのままに、新しい空の Outlook プロファイル `{name}` を作成する"
            ),
            under(backup, "new-profile-at-undo.reg"),
        )
    });
    let default_undo = match &facts.outlook_default {
        Some(old) => Op::RegSetString {
            key: OUTLOOK.into(),
            name: "DefaultProfile".into(),
            data: old.clone(),
        },
        None => Op::RegDeleteValue {
            key: OUTLOOK.into(),
            name: "DefaultProfile".into(),
        },
    };
    let does = match (&facts.outlook_default, facts.probed) {
        (Some(old), _) => t!(
            "Make `{name}` the default profile (it was `{old}`)",
            "`{name}` を既定のプロファイルにする (これまでは `{old}`)"
        ),
        (None, true) => t!(
            "Make `{name}` the default profile (none was set)",
            "`{name}` を既定のプロファイルにする (これまで既定は未設定)"
        ),
        (None, false) => t!(
            "Make `{name}` the default profile (the current default is kept for undo)",
            "`{name}` を既定のプロファイルにする (元に戻せるよう、現在の既定を記録)"
        ),
    };
    p.steps.push(Step {
        does,
        op: Op::RegSetString {
            key: OUTLOOK.into(),
            name: "DefaultProfile".into(),
            data: name.clone(),
        },
        undo: Undo::Restore { op: default_undo },
        backup: None,
        notice: None,
        admin: false,
    });
    // `reg add` would create the missing keys on the way silently, and
    // undoing the value would leave them behind: they are created as a step
    // of their own, which undo removes again.
    if let Some(key) = &facts.exchange_options_missing_from {
        p.steps.push(create_key(
            key,
            t!(
                "Create {key}, where Outlook reads PickLogonProfile (it does not exist yet)",
                "Outlook が PickLogonProfile を読むキー {key} を作成する (まだ存在しません)"
            ),
            under(backup, "exchange-options-at-undo.reg"),
        ));
    }
    let pick_undo = match &facts.pick_logon_profile {
        Some(old) => Op::RegSetString {
            key: EXCHANGE_OPTIONS.into(),
            name: "PickLogonProfile".into(),
            data: old.clone(),
        },
        None => Op::RegDeleteValue {
            key: EXCHANGE_OPTIONS.into(),
            name: "PickLogonProfile".into(),
        },
    };
    p.steps.push(Step {
        does: t!(
            "Make Outlook ask which profile to use when it starts",
            "Outlook の起動時に使用するプロファイルを選択させる"
        ),
        op: Op::RegSetString {
            key: EXCHANGE_OPTIONS.into(),
            name: "PickLogonProfile".into(),
            data: "1".into(),
        },
        undo: Undo::Restore { op: pick_undo },
        backup: None,
        notice: Some(t!(
            "Outlook asks for a profile at start; the old one stays selectable.",
            "起動時にプロファイルの選択画面が表示されます。古いプロファイルも選択できます。"
        )),
        admin: false,
    });
    p.verify.push(Check::RegKeyPresent { key });
    p.verify.push(Check::RegValueIs {
        key: OUTLOOK.into(),
        name: "DefaultProfile".into(),
        data: name,
    });
    p.notes.push(t!(
        "The old profile and every .pst and .ost data file stay as they are.",
        "古いプロファイルと .pst / .ost データ ファイルは一切変更しません。"
    ));
}

fn dsreg_rejoin(p: &mut Plan, facts: &Facts, options: &Options) {
    p.notes.push(t!(
        "Consequences: the device leaves Microsoft Entra ID; its device object, device certificate and Primary Refresh Token are gone, Conditional Access that requires a hybrid-joined or compliant device blocks sign-ins until the device is registered again, and Windows Hello for Business may need setting up again.",
        "影響: デバイスは Microsoft Entra ID から離脱し、デバイス オブジェクト、デバイス証明書、プライマリ更新トークン (PRT) が失われます。ハイブリッド参加済みまたは準拠デバイスを求める条件付きアクセスは、再登録されるまでサインインをブロックします。Windows Hello for Business の再設定が必要になる場合があります。"
    ));
    p.notes.push(t!(
        "The device's own key in the TPM (its registration key) is deleted with the registration; the TPM itself is not cleared. An MDM (Intune) enrollment that depends on the registration may have to be redone.",
        "デバイス登録とともに、TPM 内のデバイス自身のキー (登録用キー) が削除されます。TPM 自体はクリアしません。登録に依存する MDM (Intune) の登録はやり直しが必要になる場合があります。"
    ));
    p.notes.push(t!(
        "A hybrid-joined device joins again through the Automatic-Device-Join task once Microsoft Entra Connect has synchronised it; this can take up to one sync cycle (about 30 minutes) and a sign-out and sign-in.",
        "ハイブリッド参加のデバイスは、Microsoft Entra Connect で同期された後に Automatic-Device-Join タスクで再参加します。同期 1 回分 (約 30 分) 待つことと、サインアウトして再度サインインすることが必要な場合があります。"
    ));
    let hybrid = match facts.join {
        Some(j) if j.azure_ad_joined && j.domain_joined => true,
        Some(j) if j.azure_ad_joined => {
            if !options.force {
                p.refusals.push(t!(
                    "This device is Microsoft Entra joined without a domain: after leaving, nothing joins it again automatically and cloud accounts may no longer sign in. Refusing; an administrator can insist with --force.",
                    "このデバイスはドメインに参加していない Microsoft Entra 参加デバイスです。離脱すると自動では再参加せず、クラウド アカウントでサインインできなくなる可能性があります。実行を中止します (管理者は --force で強制できます)。"
                ));
                return;
            }
            p.notes.push(t!(
                "Forced on a Microsoft Entra joined device: join it again by hand in Settings > Accounts > Access work or school, with a local administrator account.",
                "Microsoft Entra 参加デバイスで強制実行します。再参加は、ローカル管理者アカウントで [設定] > [アカウント] > [職場または学校にアクセスする] から手動で行ってください。"
            ));
            false
        }
        Some(_) => {
            p.refusals.push(t!(
                "This device is not joined to Microsoft Entra ID, so there is nothing to leave and rejoin.",
                "このデバイスは Microsoft Entra ID に参加していないため、離脱や再参加の対象がありません。"
            ));
            return;
        }
        None if facts.probed => {
            p.refusals.push(t!(
                "`dsregcmd /status` could not be read, so the join state is unknown; refusing.",
                "`dsregcmd /status` を読み取れず参加状態が不明なため、実行を中止します。"
            ));
            return;
        }
        None => true,
    };
    if !options.rejoin_confirmed {
        p.refusals.push(t!(
            "Leaving Microsoft Entra ID cannot be undone: run again with --i-understand-rejoin after reading the consequences.",
            "Microsoft Entra ID からの離脱は元に戻せません。影響を読んだうえで --i-understand-rejoin を付けて再実行してください。"
        ));
    }
    p.steps.push(Step {
        does: t!(
            "Leave Microsoft Entra ID (dsregcmd /leave)",
            "Microsoft Entra ID から離脱する (dsregcmd /leave)"
        ),
        op: Op::Command {
            program: "dsregcmd".into(),
            args: vec!["/leave".into()],
            timeout_secs: 120,
        },
        undo: Undo::Impossible {
            why: undo_note("dsreg-rejoin"),
        },
        backup: None,
        notice: Some(t!(
            "Single sign-on to Microsoft 365 stops until the device has joined again.",
            "デバイスが再参加するまで Microsoft 365 へのシングル サインオンは使えません。"
        )),
        admin: true,
    });
    if hybrid {
        p.steps.push(Step {
            does: t!(
                "Start the Automatic-Device-Join task to join again",
                "再参加のために Automatic-Device-Join タスクを開始する"
            ),
            op: Op::Command {
                program: "schtasks".into(),
                args: vec!["/run".into(), "/tn".into(), REJOIN_TASK.into()],
                timeout_secs: 60,
            },
            undo: Undo::NotNeeded {
                why: t!(
                    "Starting the join task only asks Windows to join again.",
                    "参加タスクの開始は Windows に再参加を依頼するだけです。"
                ),
            },
            backup: None,
            notice: None,
            admin: true,
        });
    }
    if hybrid {
        // The join task may already be joining again: nothing stable to check now.
        p.notes.push(t!(
            "After the next sign-in (or Microsoft Entra Connect's next sync), `m365doctor fix run dsreg-status-check` shows whether the device has joined again.",
            "次回のサインイン後 (または Microsoft Entra Connect の次回同期後) に、`m365doctor fix run dsreg-status-check` で再参加できたかを確認できます。"
        ));
    } else {
        p.verify.push(Check::DeviceLeft);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generic_entries_with_an_office_name_at_the_start_are_office_credentials() {
        for office in [
            "LegacyGeneric:target=MicrosoftOffice16_Data:SSPI:megan.bowen@contoso.com",
            "LegacyGeneric:target=MicrosoftOffice15_Data:ADAL:3c1f9a7e",
            "Generic:target=OneDrive Cached Credential",
            "LegacyGeneric:target=OneDrive Cached Credential Business - Business1",
            "LegacyGeneric:target=msteams_adalsso/adal_context_0",
            "LegacyGeneric:target=Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy/x",
            "LegacyGeneric:target=OneAuth/megan.bowen@contoso.com",
        ] {
            assert!(is_office_credential(office), "{office}");
        }
        for other in [
            "Domain:target=MicrosoftOffice16_Data:SSPI:megan.bowen@contoso.com",
            "Domain:target=onedrive.contoso.com",
            "Domain:interactive=msteams_adalsso/x",
            "WindowsLive:target=virtualapp/didlogical",
            "MicrosoftAccount:target=SSO_POP_Device",
            "LegacyGeneric:target=adalbert-nas.contoso.local",
            "LegacyGeneric:target=TERMSRV/msoffice-rds.contoso.com",
            "LegacyGeneric:target=Backup-MicrosoftOffice16_Data:orgid",
            "LegacyGeneric:target=MicrosoftOffice_Data:x",
            "LegacyGeneric:target=OneDrive Cached CredentialX",
            "LegacyGeneric:target=git:https://onedrive.example.com",
            "LegacyGeneric:target=git:https://github.com/adalovelace",
            "LegacyGeneric:target=https://onedrive-backup.example.com",
            "Domain:target=adalbert-pc",
            "Domain:target=OneAuth/megan.bowen@contoso.com",
            "LegacyGeneric:target=MyOneAuthTool",
        ] {
            assert!(!is_office_credential(other), "{other}");
        }
    }

    #[test]
    fn a_japanese_profile_name_is_measured_in_characters() {
        let facts = Facts {
            probed: true,
            local_app_data: PathBuf::from("/l"),
            run_dir: PathBuf::from("/l/m365doctor/runs/x"),
            ..Facts::default()
        };
        let name = |n: usize| Options {
            profile_name: Some("メール".repeat(n)),
            ..Options::default()
        };
        // 60 characters (180 bytes in UTF-8) are fine; 66 are too long.
        let p = plan("new-outlook-profile", &facts, &name(20)).unwrap();
        assert!(p.refusals.is_empty(), "{:?}", p.refusals);
        let p = plan("new-outlook-profile", &facts, &name(22)).unwrap();
        assert!(p.refusals[0].en.contains("not usable"), "{:?}", p.refusals);
    }
}
