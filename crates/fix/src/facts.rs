//! Read-only probing of the machine for planning, and the parsers of the
//! Windows tools' output (English and Japanese Windows).

use crate::host::{Host, Os};
use crate::plan;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const SHORT: Duration = Duration::from_secs(30);

/// Where runs (journal and backup) are kept: `%LOCALAPPDATA%\m365doctor\runs`.
pub fn runs_dir(host: &dyn Host) -> PathBuf {
    if let Some(l) = host.env("LOCALAPPDATA") {
        return plan::under(&PathBuf::from(l), r"m365doctor\runs");
    }
    if let Some(x) = host.env("XDG_DATA_HOME") {
        return PathBuf::from(x).join("m365doctor").join("runs");
    }
    match host.env("HOME") {
        Some(h) => PathBuf::from(h).join(".local/share/m365doctor/runs"),
        None => PathBuf::from(r"%LOCALAPPDATA%\m365doctor\runs"),
    }
}

/// A run id sortable by time: `20261127T100624Z-reset-identity-cache`.
pub fn run_id(now: SystemTime, action: &str) -> String {
    format!("{}-{action}", compact_utc(now))
}

/// `20261127T100624Z`.
pub fn compact_utc(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// `2026-11-27T10:06:24Z`.
pub fn iso_utc(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

fn civil(t: SystemTime) -> (i64, u32, u32, u32, u32, u32) {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// What planning knows about the machine, read without changing anything:
/// what exists, what the registry holds, what read-only commands printed.
/// Each action reads what it needs (`Action::gather`) and plans from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub os: Option<Os>,
    /// `%LOCALAPPDATA%` (or that literal when not known).
    pub local_app_data: PathBuf,
    /// The folder the run would use.
    pub run_dir: PathBuf,
    /// Planned from this machine (not a template on another system).
    pub probed: bool,
    pub elevated: bool,
    /// Candidate folders that exist, with their sizes.
    pub existing: BTreeMap<PathBuf, u64>,
    /// Registry keys looked at, and whether they exist.
    pub reg_keys: BTreeMap<String, bool>,
    /// Registry values looked at (key, name): their data, `None` when absent.
    pub reg_values: BTreeMap<(String, String), Option<String>>,
    /// The subkeys (full paths) of registry keys listed.
    pub subkeys: BTreeMap<String, Vec<String>>,
    /// What read-only commands printed, by command line (`cmdkey /list`).
    pub outputs: BTreeMap<String, String>,
    /// What could not be read (what, error): unknown, not absent.
    pub unreadable: Vec<(String, String)>,
}

/// The join state from `dsregcmd /status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Join {
    pub azure_ad_joined: bool,
    pub domain_joined: bool,
}

impl Facts {
    /// Notes which of these folders under `%LOCALAPPDATA%` exist, with sizes.
    pub fn probe_folders(&mut self, host: &dyn Host, folders: &[&str]) {
        for rel in folders {
            let p = plan::under(&self.local_app_data, rel);
            if host.exists(&p) {
                let size = host.size(&p);
                self.existing.insert(p, size);
            }
        }
    }

    /// Notes whether each key exists; a key that cannot be read is unknown
    /// (the plan refuses), not absent.
    pub fn probe_keys(&mut self, host: &dyn Host, keys: &[&str]) {
        for key in keys {
            match reg_key_state(host, key) {
                Ok(present) => {
                    self.reg_keys.insert(key.to_string(), present);
                }
                Err(e) => self.unreadable.push((key.to_string(), e.to_string())),
            }
        }
    }

    /// Notes a value's data (or its absence); unreadable is unknown.
    pub fn probe_value(&mut self, host: &dyn Host, key: &str, name: &str) {
        match reg_value_state(host, key, name) {
            Ok(v) => {
                self.reg_values
                    .insert((key.to_string(), name.to_string()), v);
            }
            Err(e) => self
                .unreadable
                .push((format!("{key} {name}"), e.to_string())),
        }
    }

    /// A value noted by `probe_value`; `None` when absent or not read.
    pub fn value(&self, key: &str, name: &str) -> Option<&str> {
        self.reg_values
            .get(&(key.to_string(), name.to_string()))
            .and_then(|v| v.as_deref())
    }

    /// Notes the subkeys of `key` (none when it cannot be listed).
    pub fn probe_subkeys(&mut self, host: &dyn Host, key: &str) {
        let subkeys = reg_query(host, key, None)
            .map(|q| q.subkeys)
            .unwrap_or_default();
        self.subkeys.insert(key.to_string(), subkeys);
    }

    /// The last part of each subkey of `key` noted by `probe_subkeys`.
    pub fn subkey_names(&self, key: &str) -> Vec<String> {
        self.subkeys
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|k| k.rsplit('\\').next().map(str::to_string))
            .collect()
    }

    /// Notes whether `key` and, while they are missing, its parents exist:
    /// what `reg add KEY` would create (see `highest_missing`).
    pub fn probe_missing(&mut self, host: &dyn Host, key: &str) {
        let mut seen = Vec::new();
        let mut k = long_key(key);
        loop {
            match reg_key_state(host, &k) {
                Ok(present) => seen.push((k.clone(), present)),
                Err(e) => {
                    self.unreadable.push((key.to_string(), e.to_string()));
                    return;
                }
            }
            if seen.last().is_some_and(|(_, present)| *present) {
                break;
            }
            match k.rsplit_once('\\') {
                Some((parent, _)) => k = parent.to_string(),
                None => break,
            }
        }
        self.reg_keys.extend(seen);
    }

    /// The highest of `key` and its parents that `probe_missing` found
    /// missing (`None` when `key` exists or was not looked at).
    pub fn highest_missing(&self, key: &str) -> Option<String> {
        let mut missing = None;
        let mut k = long_key(key);
        while self.reg_keys.get(&k) == Some(&false) {
            let parent = k.rsplit_once('\\').map(|(parent, _)| parent.to_string());
            missing = Some(k);
            match parent {
                Some(parent) => k = parent,
                None => break,
            }
        }
        missing
    }

    /// Runs a read-only command and notes what it printed (nothing when it
    /// could not be run).
    pub fn probe_output(&mut self, host: &dyn Host, program: &str, args: &[&str]) {
        if let Ok(o) = host.run(program, args, SHORT) {
            self.outputs.insert(command_line(program, args), o.text());
        }
    }

    /// What `probe_output` noted for this command line.
    pub fn output(&self, program: &str, args: &[&str]) -> Option<&str> {
        self.outputs
            .get(&command_line(program, args))
            .map(String::as_str)
    }
}

fn command_line(program: &str, args: &[&str]) -> String {
    std::iter::once(program)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Gathers what `plan()` needs for `action`, reading only.
pub fn gather(host: &dyn Host, action: &str, run_dir: PathBuf) -> Facts {
    let os = host.os();
    let lad = host.env("LOCALAPPDATA");
    let probed = os == Os::Windows && lad.is_some();
    let mut f = Facts {
        os: Some(os),
        local_app_data: PathBuf::from(lad.unwrap_or_else(|| "%LOCALAPPDATA%".into())),
        run_dir,
        probed,
        ..Facts::default()
    };
    if !probed {
        return f;
    }
    if let Some(a) = crate::actions::find(action) {
        (a.gather)(host, &mut f);
    }
    f.elevated = host.is_elevated();
    f
}

/// The join state in `dsregcmd /status` output.
pub fn join_of(dsregcmd_status: &str) -> Option<Join> {
    let capture = m365doctor_dsreg::parse(dsregcmd_status)
        .into_iter()
        .next()?;
    let facts = m365doctor_dsreg::diagnose(&capture).facts;
    let flag = |v: &Option<m365doctor_dsreg::Val>| v.as_ref().and_then(|v| v.flag());
    Some(Join {
        azure_ad_joined: flag(&facts.device_state.azure_ad_joined)?,
        domain_joined: flag(&facts.device_state.domain_joined).unwrap_or(false),
    })
}

/// The join state from `dsregcmd /status`.
pub fn dsreg_join(host: &dyn Host) -> Option<Join> {
    let out = host.run("dsregcmd", &["/status"], SHORT).ok()?;
    join_of(&out.text())
}

/// `AzureAdPrt : YES` and `AzureAdPrtUpdateTime` in `dsregcmd /status` output.
pub fn prt_of(dsregcmd_status: &str) -> Option<(bool, Option<String>)> {
    let capture = m365doctor_dsreg::parse(dsregcmd_status)
        .into_iter()
        .next()?;
    let facts = m365doctor_dsreg::diagnose(&capture).facts;
    let present = facts.sso.azure_ad_prt.as_ref().and_then(|v| v.flag())?;
    let updated = facts.sso.update_time.as_ref().map(|v| v.raw.clone());
    Some((present, updated))
}

/// `AzureAdPrt : YES` and `AzureAdPrtUpdateTime` in `dsregcmd /status`.
pub fn dsreg_prt(host: &dyn Host) -> Option<(bool, Option<String>)> {
    let out = host.run("dsregcmd", &["/status"], SHORT).ok()?;
    prt_of(&out.text())
}

/// Target names in `cmdkey /list`: the lines labelled `Target:` (English),
/// `ターゲット:` (Japanese), or in any other display language a line whose
/// value has the untranslated shape of a target (`LegacyGeneric:target=…`,
/// `Domain:target=…`).
pub fn parse_cmdkey_list(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (label, value) = l.trim().split_once(':')?;
            let value = value.trim();
            (matches!(label.trim(), "Target" | "ターゲット" | "対象") || looks_like_target(value))
                .then(|| value.to_string())
        })
        .filter(|v| !v.is_empty())
        .collect()
}

/// The name `cmdkey /delete:` takes: the part after `target=`.
pub fn cmdkey_name(target: &str) -> &str {
    match target.find("target=") {
        Some(i) => &target[i + "target=".len()..],
        None => target,
    }
}

/// `Kind:target=Name`, the form Windows gives every stored credential's target.
fn looks_like_target(value: &str) -> bool {
    value.split_once(":target=").is_some_and(|(kind, _)| {
        !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// One `reg query` result: the values of the key and its subkeys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegQuery {
    /// Name, type, data. The default value is named `(Default)`/`(既定)`.
    pub values: Vec<(String, String, String)>,
    pub subkeys: Vec<String>,
}

/// `HKCU\\...` → `HKEY_CURRENT_USER\\...` (the form `reg query` prints).
pub fn long_key(key: &str) -> String {
    let key = key.trim_matches('"').trim_end_matches('\\');
    for (short, long) in [
        ("HKCU", "HKEY_CURRENT_USER"),
        ("HKLM", "HKEY_LOCAL_MACHINE"),
        ("HKCR", "HKEY_CLASSES_ROOT"),
        ("HKU", "HKEY_USERS"),
    ] {
        if key.len() >= short.len()
            && key[..short.len()].eq_ignore_ascii_case(short)
            && key[short.len()..].starts_with('\\')
        {
            return format!("{long}{}", &key[short.len()..]);
        }
    }
    key.to_string()
}

/// Whether `reg query` printed that the key or value does not exist (as
/// opposed to another failure: access denied, a timeout).
pub fn says_not_found(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("unable to find the specified registry key or value")
        || text.contains("指定されたレジストリ キーまたは値が見つかりませんでした")
}

/// What `reg query KEY` shows: the key with its values and subkeys, or
/// `None` when it does not exist. Any other failure is an error: a key
/// that cannot be read is not an absent key.
pub fn reg_key(host: &dyn Host, key: &str) -> std::io::Result<Option<RegQuery>> {
    let out = host.run("reg", &["query", key], SHORT)?;
    if out.ok() {
        return Ok(Some(parse_reg_query(&out.text(), key)));
    }
    let text = out.all_text();
    if out.code == Some(1) && (says_not_found(&text) || !listed_by_parent(host, key)?) {
        return Ok(None);
    }
    let code = out
        .code
        .map(|c| c.to_string())
        .unwrap_or_else(|| "timeout".into());
    Err(std::io::Error::other(format!(
        "`reg query \"{key}\"` failed ({code}): {}",
        text.trim()
    )))
}

/// Whether the parent of `key` lists it among its subkeys. `reg` says that
/// a key is missing in the display language of Windows (only the English
/// and Japanese messages are known here), but it lists subkeys as full
/// paths in every language. A missing parent means a missing key; a key
/// whose parent cannot be read is an error.
fn listed_by_parent(host: &dyn Host, key: &str) -> std::io::Result<bool> {
    let full = long_key(key);
    let Some((parent, _)) = full.rsplit_once('\\') else {
        // A hive: it is there, so the failure was something else.
        return Ok(true);
    };
    Ok(match reg_key(host, parent)? {
        None => false,
        Some(q) => q.subkeys.iter().any(|s| s.eq_ignore_ascii_case(&full)),
    })
}

/// A value's data, `None` when the key or value does not exist; any other
/// failure is an error.
pub fn reg_value_state(host: &dyn Host, key: &str, name: &str) -> std::io::Result<Option<String>> {
    let out = host.run("reg", &["query", key, "/v", name], SHORT)?;
    if out.ok() {
        return Ok(parse_reg_query(&out.text(), key)
            .values
            .into_iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, _, d)| d));
    }
    let text = out.all_text();
    if out.code == Some(1) && says_not_found(&text) {
        return Ok(None);
    }
    // The message in another language: the key's own listing says whether
    // the value is there (value names are not translated).
    if out.code == Some(1) {
        match reg_key(host, key)? {
            None => return Ok(None),
            Some(q)
                if !q
                    .values
                    .iter()
                    .any(|(n, _, _)| n.eq_ignore_ascii_case(name)) =>
            {
                return Ok(None)
            }
            Some(_) => {}
        }
    }
    Err(std::io::Error::other(format!(
        "`reg query \"{key}\" /v {name}` failed: {}",
        text.trim()
    )))
}

pub fn reg_key_state(host: &dyn Host, key: &str) -> std::io::Result<bool> {
    reg_key(host, key).map(|q| q.is_some())
}

/// Runs `reg query KEY [/v NAME]`; `None` when the key or value is missing.
pub fn reg_query(host: &dyn Host, key: &str, value: Option<&str>) -> Option<RegQuery> {
    let mut args = vec!["query", key];
    if let Some(v) = value {
        args.extend(["/v", v]);
    }
    let out = host.run("reg", &args, SHORT).ok()?;
    out.ok().then(|| parse_reg_query(&out.text(), key))
}

pub fn reg_value(host: &dyn Host, key: &str, name: &str) -> Option<String> {
    reg_query(host, key, Some(name))?
        .values
        .into_iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, _, d)| d)
}

/// Parses `reg query` output for `key` (not recursive).
pub fn parse_reg_query(text: &str, key: &str) -> RegQuery {
    let full = long_key(key).to_ascii_lowercase();
    let mut q = RegQuery::default();
    let mut in_key = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with("HKEY_") {
            let lower = line.to_ascii_lowercase();
            in_key = lower == full;
            if !in_key && lower.starts_with(&format!("{full}\\")) {
                q.subkeys.push(line.to_string());
            }
            continue;
        }
        if !in_key || !line.starts_with("    ") {
            continue;
        }
        let rest = line.trim_start();
        if let Some(i) = rest.find("    REG_") {
            let name = rest[..i].to_string();
            let after = &rest[i + 4..];
            let (ty, data) = after.split_once("    ").unwrap_or((after, ""));
            q.values.push((name, ty.to_string(), data.to_string()));
        }
    }
    q
}

/// `Source:`/`ソース:` and the last sync time from `w32tm /query /status`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimeStatus {
    pub source: Option<String>,
    pub last_sync: Option<String>,
}

impl TimeStatus {
    /// Synchronised from a time server rather than running on its own.
    pub fn synced(&self) -> bool {
        let local = |s: &str| {
            let s = s.to_ascii_lowercase();
            s.contains("local cmos clock") || s.contains("free-running") || s.contains("vm ic")
        };
        let unspecified = |s: &str| s.contains("unspecified") || s.contains("指定されていません");
        self.source.as_deref().is_some_and(|s| !local(s))
            && self
                .last_sync
                .as_deref()
                .is_some_and(|s| !unspecified(&s.to_ascii_lowercase()))
    }
}

pub fn parse_w32tm_status(text: &str) -> TimeStatus {
    let mut t = TimeStatus::default();
    for line in text.lines() {
        let Some((label, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match label.trim() {
            "Source" | "ソース" => t.source = Some(value),
            "Last Successful Sync Time" | "最終正常同期時刻" => t.last_sync = Some(value),
            _ => {}
        }
    }
    t
}

/// Name-value pairs of `netsh winhttp show proxy`, and whether it is direct.
pub fn winhttp_direct(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("direct access (no proxy server)")
        || text.contains("直接アクセス (プロキシ サーバーなし)")
}

/// Sizes of candidate paths, for reports.
pub fn sizes(f: &Facts) -> BTreeMap<String, u64> {
    f.existing
        .iter()
        .map(|(p, s)| (plan::show(p), *s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdkey_targets_are_read_in_any_display_language() {
        let want = [
            "LegacyGeneric:target=MicrosoftOffice16_Data:SSPI:megan@contoso.com",
            "Domain:target=fileserver.contoso.local",
        ];
        for (target, kind, user) in [
            ("Target", "Type", "User"),
            ("ターゲット", "種類", "ユーザー"),
            ("Ziel", "Typ", "Benutzer"),
            ("Cible ", "Type ", "Utilisateur "),
        ] {
            let text = format!(
                "\r\nCurrently stored credentials:\r\n\r\n    {target}: {}\r\n    {kind}: Generic\r\n    {user}: megan@contoso.com\r\n    Local machine persistence\r\n\r\n    {target}: {}\r\n    {kind}: Domain Password\r\n    {user}: CONTOSO\\megan\r\n",
                want[0], want[1]
            );
            assert_eq!(parse_cmdkey_list(&text), want, "{target}");
        }
        assert!(parse_cmdkey_list("    User: megan@contoso.com\n    Type: Generic\n").is_empty());
    }
}
