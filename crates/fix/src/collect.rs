//! `m365doctor collect`: one evidence bundle for support. Everything is read
//! through the host, redacted by default with one redactor across the bundle
//! (the same user is the same placeholder in every file), diagnosed, and
//! written as a folder and a zip, each appearing only once complete.

use crate::facts::{self, iso_utc, SHORT};
use crate::host::{Host, Os};
use crate::plan::under;
use crate::t;
use crate::text::Text;
use m365doctor_codes::Lang;
use m365doctor_diagnose::{Input, Options as DiagnoseOptions, Redactor};
use m365doctor_kb::Kb;
use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const SCHEMA: &str = "m365doctor.collect/1";

#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// The folder the bundle folder and zip are written in.
    pub out: PathBuf,
    pub redact: bool,
    pub lang: Lang,
}

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub file: String,
    pub command: String,
    pub exit_code: Option<i32>,
    pub bytes: Vec<u8>,
    /// Text that the diagnosis reads (binary files have none).
    pub text: Option<String>,
    pub note: Option<String>,
}

/// Something not gathered, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub what: String,
    pub why: Text,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub dir: PathBuf,
    pub zip: PathBuf,
    pub files: Vec<String>,
    pub skipped: Vec<Skipped>,
    pub manifest: Value,
    pub findings: usize,
    /// Problems that did not stop the bundle (a temporary folder that could
    /// not be removed), also in the manifest.
    pub warnings: Vec<Text>,
}

/// What collection ended with.
#[derive(Debug)]
pub enum Outcome {
    Written(Bundle),
    /// Nothing on this system to gather.
    Nothing(Text),
}

struct Gatherer<'a> {
    host: &'a dyn Host,
    items: Vec<Item>,
    skipped: Vec<Skipped>,
    scratch: PathBuf,
}

impl Gatherer<'_> {
    fn command(&mut self, file: &str, program: &str, args: &[&str], timeout: Duration) {
        let line = std::iter::once(program)
            .chain(args.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        match self.host.run(program, args, timeout) {
            Ok(out) => {
                let mut text = out.text();
                let err = out.err_text();
                if !err.trim().is_empty() {
                    text.push_str("\n--- stderr ---\n");
                    text.push_str(&err);
                }
                let note = match out.code {
                    None => Some("timed out".to_string()),
                    Some(0) => None,
                    Some(c) => Some(format!("exit code {c}")),
                };
                self.items.push(Item {
                    file: file.into(),
                    command: line,
                    exit_code: out.code,
                    bytes: text.clone().into_bytes(),
                    text: Some(text),
                    note,
                });
            }
            Err(e) => self.skipped.push(Skipped {
                what: line,
                why: t!("could not run: {e}", "実行できません: {e}"),
            }),
        }
    }

    fn text_item(&mut self, file: &str, source: &str, text: String) {
        self.items.push(Item {
            file: file.into(),
            command: source.into(),
            exit_code: None,
            bytes: text.clone().into_bytes(),
            text: Some(text),
            note: None,
        });
    }

    /// `reg query KEY /v NAME` for each of `names`, in one file: only the
    /// values support needs, never the whole key.
    fn reg_values(&mut self, file: &str, key: &str, names: &[&str]) {
        let mut text = format!("{key}\n");
        let mut found = false;
        let mut missing = Vec::new();
        let mut last_code = None;
        for name in names {
            match self.host.run("reg", &["query", key, "/v", name], SHORT) {
                Ok(out) if out.ok() => {
                    last_code = out.code;
                    let q = facts::parse_reg_query(&out.text(), key);
                    for (n, ty, data) in q
                        .values
                        .iter()
                        .filter(|(n, _, _)| n.eq_ignore_ascii_case(name))
                    {
                        text.push_str(&format!("    {n}    {ty}    {data}\n"));
                        found = true;
                    }
                }
                Ok(_) => missing.push(*name),
                Err(e) => {
                    self.skipped.push(Skipped {
                        what: format!("reg query \"{key}\" /v {name}"),
                        why: t!("could not run: {e}", "実行できません: {e}"),
                    });
                }
            }
        }
        if !found {
            self.skipped.push(Skipped {
                what: format!("reg query \"{key}\""),
                why: t!("none of the values is present", "どの値も存在しません"),
            });
            return;
        }
        self.items.push(Item {
            file: file.into(),
            command: format!("reg query \"{key}\" /v {}", names.join(" | /v ")),
            exit_code: last_code,
            bytes: text.clone().into_bytes(),
            text: Some(text),
            note: (!missing.is_empty()).then(|| format!("not present: {}", missing.join(", "))),
        });
    }

    /// `reg export` into scratch, read back as text (exports are UTF-16).
    fn reg_export(&mut self, file: &str, key: &str) {
        let tmp = self.scratch.join(file);
        let t = tmp.to_string_lossy().into_owned();
        let line = format!("reg export \"{key}\" <file> /y");
        match self.host.run("reg", &["export", key, &t, "/y"], SHORT) {
            Ok(o) if o.ok() => match self.host.read(&tmp) {
                Ok(bytes) => {
                    let text = crate::host::decode_text(&bytes);
                    let _ = self.host.remove_own_file(&tmp);
                    self.items.push(Item {
                        file: file.into(),
                        command: line,
                        exit_code: o.code,
                        bytes: text.clone().into_bytes(),
                        text: Some(text),
                        note: Some("UTF-8 copy of the UTF-16 export".into()),
                    });
                }
                Err(e) => self.skipped.push(Skipped {
                    what: line,
                    why: t!(
                        "the export could not be read: {e}",
                        "エクスポートを読み取れません: {e}"
                    ),
                }),
            },
            Ok(o) => self.skipped.push(Skipped {
                what: line,
                why: Text::new(
                    format!("not present ({})", o.all_text().trim()),
                    format!("存在しません ({})", o.all_text().trim()),
                ),
            }),
            Err(e) => self.skipped.push(Skipped {
                what: line,
                why: t!("could not run: {e}", "実行できません: {e}"),
            }),
        }
    }
}

/// Where bundles go without `--out`: `%LOCALAPPDATA%\m365doctor\evidence`
/// (`~/.local/share/m365doctor/evidence` elsewhere), not the current folder,
/// which in an elevated prompt is `C:\Windows\System32`.
pub fn default_out(host: &dyn Host) -> PathBuf {
    let runs = facts::runs_dir(host);
    match runs.parent() {
        Some(app) if runs.is_absolute() => app.join("evidence"),
        _ => PathBuf::from("."),
    }
}

/// Gathers, redacts, diagnoses and writes the bundle.
pub fn collect(host: &dyn Host, kb: &Kb, options: &CollectOptions) -> io::Result<Outcome> {
    let now = host.now();
    let name = format!("m365doctor-evidence-{}", facts::compact_utc(now));
    // Exports are written to a temporary folder first; never beside the
    // bundle, which the user sends on as it is.
    let scratch = scratch_dir(host, &options.out, &name)?;
    host.create_dir_all(&scratch)?;
    let mut g = Gatherer {
        host,
        items: Vec::new(),
        skipped: Vec::new(),
        scratch: scratch.clone(),
    };
    let elevated = host.is_elevated();
    match host.os() {
        Os::Windows => windows(&mut g, options.redact, elevated),
        Os::Linux => linux(&mut g),
        Os::MacOs => macos(&mut g),
        Os::Other => {}
    }
    let mut warnings = Vec::new();
    if let Err(e) = remove_scratch(host, &scratch) {
        let d = scratch.display();
        warnings.push(t!(
            "the temporary folder {d} could not be removed ({e}); it holds unredacted exports: delete it by hand",
            "一時フォルダー {d} を削除できませんでした ({e})。マスキング前のエクスポートが含まれるため、手動で削除してください"
        ));
    }
    if g.items.is_empty() {
        return Ok(Outcome::Nothing(t!(
            "Nothing to gather on this system: no Microsoft sign-in components were found.",
            "このシステムには収集できるものがありません。Microsoft のサインイン関連コンポーネントが見つかりませんでした。"
        )));
    }
    let Gatherer {
        mut items, skipped, ..
    } = g;

    // One redactor for the bundle's files and the report inside it. It
    // learns first what identifies the user, the machine and the
    // organisation in any file (and the computer and domain names of the
    // environment), so that each is replaced in every file, also where no
    // label stands next to it; then every file is redacted line by line.
    let mut redactor = Redactor::new();
    if options.redact {
        for item in &items {
            if let Some(text) = &item.text {
                redactor.learn(text);
            }
        }
        for (var, kind) in [
            ("COMPUTERNAME", "device-name"),
            ("USERDOMAIN", "domain"),
            ("USERDNSDOMAIN", "domain"),
        ] {
            if let Some(value) = host.env(var) {
                redactor.learn_value(kind, &value);
            }
        }
        for item in items.iter_mut() {
            if let Some(text) = &item.text {
                let text: String = text
                    .split_inclusive('\n')
                    .map(|line| redactor.redact(line))
                    .collect();
                item.bytes = text.clone().into_bytes();
                item.text = Some(text);
            }
            item.command = redactor.redact(&item.command);
        }
    } else {
        // Names and identifiers stay; credentials never do.
        for item in items.iter_mut() {
            if let Some(text) = &item.text {
                let text = m365doctor_diagnose::blank_secrets(text);
                item.bytes = text.clone().into_bytes();
                item.text = Some(text);
            }
        }
    }

    let inputs: Vec<Input> = items
        .iter()
        .filter_map(|i| {
            i.text
                .as_ref()
                .map(|t| Input::new(i.file.clone(), t.clone()))
        })
        .collect();
    let case = m365doctor_diagnose::diagnose(
        &inputs,
        kb,
        &DiagnoseOptions {
            redact: options.redact,
            redactor,
            ..DiagnoseOptions::default()
        },
    );
    let findings = case.findings.len();
    let ticket = case.markdown(options.lang);
    // The bundle's JSON is read with `cat` and `jq -r` too: no raw controls.
    let diagnosis = m365doctor_text::json::to_string_pretty(&case.to_json(options.lang))?;

    let files: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({
                "file": i.file,
                "command": i.command,
                "exit_code": i.exit_code,
                "bytes": i.bytes.len(),
                "note": i.note,
            })
        })
        .collect();
    let manifest = json!({
        "schema": SCHEMA,
        "created": iso_utc(now),
        "os": host.os().id(),
        "elevated": elevated,
        "redacted": options.redact,
        "files": files,
        "generated": ["ticket.md", "diagnosis.json", "manifest.json"],
        "skipped": skipped.iter().map(|s| json!({"what": s.what, "why": s.why.get(options.lang)})).collect::<Vec<_>>(),
        "warnings": warnings.iter().map(|w| w.get(options.lang)).collect::<Vec<_>>(),
    });
    let mut all: Vec<(String, Vec<u8>)> = items
        .iter()
        .map(|i| (i.file.clone(), i.bytes.clone()))
        .collect();
    all.push(("ticket.md".into(), ticket.into_bytes()));
    all.push(("diagnosis.json".into(), diagnosis.into_bytes()));
    all.push((
        "manifest.json".into(),
        m365doctor_text::json::to_string_pretty(&manifest)?.into_bytes(),
    ));

    let dir = options.out.join(&name);
    let zip = options.out.join(format!("{name}.zip"));
    write_atomically(host, &options.out, &name, &dir, &zip, &all)?;
    Ok(Outcome::Written(Bundle {
        dir,
        zip,
        files: all.iter().map(|(n, _)| n.clone()).collect(),
        skipped,
        manifest,
        findings,
        warnings,
    }))
}

/// A fresh temporary folder for this collection, in the user's or the
/// system's temporary folder, never inside `out`.
fn scratch_dir(host: &dyn Host, out: &Path, name: &str) -> io::Result<PathBuf> {
    let mut bases: Vec<PathBuf> = ["TEMP", "TMP", "TMPDIR"]
        .iter()
        .filter_map(|v| host.env(v).map(PathBuf::from))
        .collect();
    if let Some(l) = host.env("LOCALAPPDATA") {
        bases.push(under(Path::new(&l), "Temp"));
    }
    if host.os() != Os::Windows {
        bases.push(PathBuf::from("/tmp"));
    }
    let inside_out = |p: &Path| {
        let (p, o) = (normalize(p), normalize(out));
        p.starts_with(&o)
    };
    let base = bases
        .into_iter()
        .find(|b| b.is_absolute() && !inside_out(b))
        .ok_or_else(|| {
            io::Error::other(format!(
                "no temporary folder outside {} (set TEMP)",
                out.display()
            ))
        })?;
    let mut dir = base.join(format!("{name}.scratch"));
    let mut n = 2;
    while host.exists(&dir) {
        dir = base.join(format!("{name}-{n}.scratch"));
        n += 1;
    }
    Ok(dir)
}

/// `a/./b/../c` → `a/c`, lexically (the folder may not exist yet).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Removes the files this collection left in its own temporary folder, then
/// the folder.
fn remove_scratch(host: &dyn Host, scratch: &Path) -> io::Result<()> {
    if !host.exists(scratch) {
        return Ok(());
    }
    for n in host.list(scratch)? {
        host.remove_own_file(&scratch.join(n))?;
    }
    host.remove_empty_dir(scratch)
}

/// Writes the folder under a temporary name and renames it; the same for
/// the zip. A failure removes what this call wrote, never anything else.
fn write_atomically(
    host: &dyn Host,
    out: &Path,
    name: &str,
    dir: &Path,
    zip: &Path,
    files: &[(String, Vec<u8>)],
) -> io::Result<()> {
    if host.exists(dir) || host.exists(zip) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", dir.display()),
        ));
    }
    let tmp_dir = out.join(format!(".{name}.partial"));
    let tmp_zip = out.join(format!(".{name}.zip.partial"));
    let cleanup = |written: &[PathBuf]| {
        for p in written {
            let _ = host.remove_own_file(p);
        }
        let _ = host.remove_empty_dir(&tmp_dir);
        let _ = host.remove_own_file(&tmp_zip);
    };
    // The folders this call makes for `out` (`mkdir -p`), deepest first, so
    // that a failure takes them away again.
    let made: Vec<PathBuf> = out
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !host.exists(a))
        .map(Path::to_path_buf)
        .collect();
    let mut written = Vec::new();
    let result = (|| -> io::Result<()> {
        host.create_dir_all(&tmp_dir)?;
        for (n, bytes) in files {
            let p = tmp_dir.join(n);
            host.write(&p, bytes)?;
            written.push(p);
        }
        host.write(&tmp_zip, &zip_bytes(name, files)?)?;
        host.rename(&tmp_dir, dir)?;
        if let Err(e) = host.rename(&tmp_zip, zip) {
            // Both or neither: take the folder back so cleanup removes it.
            host.rename(dir, &tmp_dir)?;
            return Err(e);
        }
        Ok(())
    })();
    if result.is_err() {
        cleanup(&written);
        for dir in &made {
            let _ = host.remove_empty_dir(dir);
        }
    }
    result
}

fn zip_bytes(name: &str, files: &[(String, Vec<u8>)]) -> io::Result<Vec<u8>> {
    let mut buf = io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (n, bytes) in files {
            w.start_file(format!("{name}/{n}"), opts)
                .map_err(io::Error::other)?;
            w.write_all(bytes)?;
        }
        w.finish().map_err(io::Error::other)?;
    }
    Ok(buf.into_inner())
}

fn windows(g: &mut Gatherer, redact: bool, elevated: bool) {
    g.command(
        if elevated {
            "dsregcmd-status-elevated.txt"
        } else {
            "dsregcmd-status-user.txt"
        },
        "dsregcmd",
        &["/status"],
        SHORT,
    );
    if elevated {
        // The user's own view (SSO State, the user's PRT) differs from an
        // elevated one run under another account.
        g.skipped.push(Skipped {
            what: "dsregcmd /status (as the user)".into(),
            why: t!(
                "elevated: run `m365doctor collect` from the user's own, non-elevated prompt as well to add the user's view (SSO State, PRT)",
                "管理者権限で実行しています。ユーザーの状態 (SSO State、PRT) も含めるには、ユーザー本人の通常のプロンプトからも `m365doctor collect` を実行してください"
            ),
        });
    }
    if !elevated {
        g.skipped.push(Skipped {
            what: "dsregcmd /status (elevated)".into(),
            why: t!(
                "not elevated: run `m365doctor collect` as administrator as well to add the device-side diagnostics",
                "管理者権限ではありません。デバイス側の診断情報も含めるには、管理者としても `m365doctor collect` を実行してください"
            ),
        });
    }
    // Target names only: the other lines carry user names and are not needed.
    match g.host.run("cmdkey", &["/list"], SHORT) {
        Ok(o) => {
            let targets = facts::parse_cmdkey_list(&o.text());
            let mut text = String::from("# cmdkey /list: target names only\n");
            for t in targets {
                text.push_str(&t);
                text.push('\n');
            }
            g.items.push(Item {
                file: "credential-targets.txt".into(),
                command: "cmdkey /list (target names only)".into(),
                exit_code: o.code,
                bytes: text.clone().into_bytes(),
                text: Some(text),
                note: None,
            });
        }
        Err(e) => g.skipped.push(Skipped {
            what: "cmdkey /list".into(),
            why: t!("could not run: {e}", "実行できません: {e}"),
        }),
    }
    g.reg_export("office-identity.reg.txt", crate::plan::OFFICE_IDENTITY);
    g.reg_values(
        "proxy-user.txt",
        crate::network::USER_PROXY_KEY,
        &[
            "ProxyEnable",
            "ProxyServer",
            "ProxyOverride",
            "AutoConfigURL",
            "AutoDetect",
        ],
    );
    g.command(
        "proxy-system-winhttp.txt",
        "netsh",
        &["winhttp", "show", "proxy"],
        SHORT,
    );
    g.command("time-status.txt", "w32tm", &["/query", "/status"], SHORT);
    g.command(
        "time-offset.txt",
        "w32tm",
        &[
            "/stripchart",
            "/computer:time.windows.com",
            "/samples:3",
            "/dataonly",
        ],
        Duration::from_secs(20),
    );
    g.command("time-zone.txt", "tzutil", &["/g"], SHORT);
    // Named values only: these keys also hold the product key
    // (DigitalProductId), the owner's name and the signed-in account.
    g.reg_values(
        "windows-version.txt",
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion",
        &[
            "ProductName",
            "DisplayVersion",
            "EditionID",
            "CurrentBuild",
            "UBR",
        ],
    );
    g.reg_values(
        "office-version.txt",
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Office\ClickToRun\Configuration",
        &[
            "VersionToReport",
            "Platform",
            "ProductReleaseIds",
            "CDNBaseUrl",
            "UpdateChannel",
        ],
    );
    g.command(
        "teams-version.txt",
        "powershell",
        &[
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            "Get-AppxPackage MSTeams | Format-List Name, Version, Status",
        ],
        SHORT,
    );
    for (log, file) in [
        (
            "Microsoft-Windows-AAD/Operational",
            "events-aad-operational",
        ),
        (
            "Microsoft-Windows-User Device Registration/Admin",
            "events-user-device-registration",
        ),
    ] {
        g.command(
            &format!("{file}.txt"),
            "wevtutil",
            &["qe", log, "/c:200", "/rd:true", "/f:text"],
            Duration::from_secs(60),
        );
        if redact {
            g.skipped.push(Skipped {
                what: format!("{file}.evtx"),
                why: t!(
                    "an event log file cannot be redacted; the same events are in the redacted text file (use --no-redact to add the .evtx)",
                    "イベント ログ ファイルはマスキングできないため含めません。同じイベントはマスキング済みのテキスト ファイルにあります (.evtx も含めるには --no-redact)"
                ),
            });
            continue;
        }
        let tmp = g.scratch.join(format!("{file}.evtx"));
        let t = tmp.to_string_lossy().into_owned();
        match g
            .host
            .run("wevtutil", &["epl", log, &t], Duration::from_secs(60))
        {
            Ok(o) if o.ok() => {
                if let Ok(bytes) = g.host.read(&tmp) {
                    let _ = g.host.remove_own_file(&tmp);
                    g.items.push(Item {
                        file: format!("{file}.evtx"),
                        command: format!("wevtutil epl \"{log}\" <file>"),
                        exit_code: o.code,
                        bytes,
                        text: None,
                        note: None,
                    });
                }
            }
            Ok(o) => g.skipped.push(Skipped {
                what: format!("{file}.evtx"),
                why: Text::new(
                    o.all_text().trim().to_string(),
                    o.all_text().trim().to_string(),
                ),
            }),
            Err(e) => g.skipped.push(Skipped {
                what: format!("{file}.evtx"),
                why: t!("could not run: {e}", "実行できません: {e}"),
            }),
        }
    }
}

/// Names and sizes under a folder, two levels deep (never contents: the
/// broker's state holds tokens).
fn listing(host: &dyn Host, dir: &Path) -> Option<String> {
    if !host.is_dir(dir) {
        return None;
    }
    let mut text = format!("# {} (names and sizes only)\n", dir.display());
    for n in host.list(dir).unwrap_or_default() {
        let p = dir.join(&n);
        text.push_str(&format!("{n}\t{}\n", host.size(&p)));
        if host.is_dir(&p) {
            for m in host.list(&p).unwrap_or_default() {
                text.push_str(&format!("{n}/{m}\t{}\n", host.size(&p.join(&m))));
            }
        }
    }
    Some(text)
}

fn linux(g: &mut Gatherer) {
    let home = g.host.env("HOME").map(PathBuf::from);
    let mut found = false;
    if let Some(h) = &home {
        let dir = under(h, r".config\microsoft-identity-broker");
        if let Some(text) = listing(g.host, &dir) {
            g.text_item(
                "identity-broker-user.txt",
                "listing of ~/.config/microsoft-identity-broker",
                text,
            );
            found = true;
        }
    }
    let device = PathBuf::from("/var/lib/microsoft-identity-device-broker");
    if let Some(text) = listing(g.host, &device) {
        g.text_item(
            "identity-broker-device.txt",
            "listing of /var/lib/microsoft-identity-device-broker",
            text,
        );
        found = true;
    }
    if let Ok(o) = g.host.run(
        "dpkg-query",
        &[
            "-W",
            "intune-portal",
            "microsoft-identity-broker",
            "microsoft-edge-stable",
        ],
        SHORT,
    ) {
        // Exit 1 when some of the packages are not installed; the rest are listed.
        if matches!(o.code, Some(0 | 1)) && !o.text().trim().is_empty() {
            found = true;
            g.text_item(
                "packages.txt",
                "dpkg-query -W intune-portal microsoft-identity-broker microsoft-edge-stable",
                o.text(),
            );
        }
    }
    if found {
        if let Ok(b) = g.host.read(Path::new("/etc/os-release")) {
            g.text_item(
                "os-release.txt",
                "/etc/os-release",
                crate::host::decode_text(&b),
            );
        }
    }
}

fn macos(g: &mut Gatherer) {
    let mut found = false;
    for (file, app) in [
        (
            "company-portal-version.txt",
            "/Applications/Company Portal.app",
        ),
        (
            "microsoft-autoupdate-version.txt",
            "/Library/Application Support/Microsoft/MAU2.0/Microsoft AutoUpdate.app",
        ),
        ("outlook-version.txt", "/Applications/Microsoft Outlook.app"),
        ("teams-version.txt", "/Applications/Microsoft Teams.app"),
    ] {
        let plist = format!("{app}/Contents/Info");
        if g.host.exists(Path::new(app)) {
            found = true;
            g.command(
                file,
                "defaults",
                &["read", &plist, "CFBundleShortVersionString"],
                SHORT,
            );
        }
    }
    if found {
        g.command("macos-version.txt", "sw_vers", &[], SHORT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_of_an_address_is_redacted_in_host_names_too() {
        let text = "             User Identity : taro.yamada@fabrikam.co.jp\n\
                 Auto-Configuration URL : http://pac.fabrikam.co.jp/proxy.pac\n\
                 For more information, please visit https://www.microsoft.com/aadjerrors\n\
                 Account: admin@fabrikam.onmicrosoft.com\n";
        let mut redactor = Redactor::new();
        redactor.learn(text);
        let out: String = text
            .split_inclusive('\n')
            .map(|l| redactor.redact(l))
            .collect();
        assert!(!out.to_lowercase().contains("fabrikam"), "{out}");
        assert!(out.contains("http://pac.<domain-"), "{out}");
        // Microsoft's own addresses stay readable.
        assert!(
            out.contains("https://www.microsoft.com/aadjerrors"),
            "{out}"
        );
    }
}
