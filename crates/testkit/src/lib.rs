//! m365doctor-testkit: the test doubles of m365doctor's host interface,
//! for tests only (no production code depends on this crate).
//!
//! [`RecordedHost`] is a Windows machine for tests: it replays recorded outputs of Windows tools
//! (English or Japanese Windows, console output in CP932 for Japanese), keeps
//! the state those tools change (Credential Manager, registry, processes,
//! device join, clock) so that verification and undo are observable, records
//! every command it is asked to run, and uses a temporary directory as the
//! user profile (`%LOCALAPPDATA%`, `%APPDATA%`, `%USERPROFILE%`).
//!
//! Fixtures (`tests/fixtures/windows-en`, `windows-ja`): `cmdkey-list.txt`
//! seeds the credentials, `registry.reg` the registry, `tasklist.csv` the
//! processes, `dsregcmd-status.txt` the device state, and `commands.txt`
//! maps other command lines to recorded outputs (`exit<TAB>file<TAB>command`).
//! [`Crashing`] wraps a host and fails every effect from a chosen one on (a
//! process that dies there), or only that one.

use m365doctor_fix::facts::{cmdkey_name, iso_utc, runs_dir};
use m365doctor_fix::host::{
    decode_text, groups_say_elevated, parse_tasklist, Host, Kind, Os, Output, Process, RealHost,
};
use m365doctor_fix::plan::{under, OFFICE_APPS};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Which account m365doctor runs as on the recorded machine (`whoami /user`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAs {
    /// The user signed in at the desktop (owner of explorer.exe).
    SessionUser,
    /// NT AUTHORITY\SYSTEM (a scheduled task, a remote tool).
    System,
    /// "Run as administrator" with another administrator's credentials.
    OtherAdmin,
}

/// Which display language the recorded Windows has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinLang {
    En,
    Ja,
}

/// One registry key: display name and values (`name` → `.reg` right-hand side).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegKey {
    pub name: String,
    /// Lowercase name → (name as written, `.reg` data such as `"text"` or `dword:00000001`).
    pub values: BTreeMap<String, (String, String)>,
}

/// The machine state the recorded tools read and change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Machine {
    /// Lowercase full key path → key.
    pub registry: BTreeMap<String, RegKey>,
    /// `cmdkey /list` blocks (one per credential, starting with its target line).
    pub credentials: Vec<String>,
    pub processes: Vec<Process>,
    pub dsreg: String,
    pub time_service_running: bool,
    pub clock_synced: bool,
    pub broker_registered: bool,
    /// The last successful sync time `w32tm /query /status` shows once
    /// synchronised (`None`: the recorded one).
    pub last_sync: Option<String>,
    /// `w32tm /resync` answers success without synchronising.
    pub resync_stalls: bool,
    /// Lowercase keys `reg` may not read or change (access denied).
    pub denied: Vec<String>,
    /// What `reg` prints for a missing key or value on a Windows in another
    /// display language (German, say), or Wine's wording; `None`: the
    /// English or Japanese message of `lang`.
    pub reg_missing_message: Option<String>,
}

#[derive(Debug, Clone)]
struct Recorded {
    code: i32,
    text: String,
}

pub struct RecordedHost {
    root: PathBuf,
    pub lang: WinLang,
    machine: RefCell<Machine>,
    cmdkey_header: String,
    recorded: BTreeMap<String, Recorded>,
    calls: RefCell<Vec<String>>,
    env: BTreeMap<String, String>,
    clock: Cell<u64>,
    pub elevated: Cell<bool>,
    pub run_as: Cell<RunAs>,
    pub free_bytes: Cell<u64>,
    pub os: Cell<Os>,
    fixtures: PathBuf,
    /// Host names that fail, and how.
    pub network: RefCell<BTreeMap<String, NetFault>>,
    last_resolved: RefCell<String>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Drop for RecordedHost {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub use m365doctor_fix::facts::long_key;

impl RecordedHost {
    /// A machine from `fixtures/windows-en` or `windows-ja`, with a fresh
    /// temporary profile seeded with the sign-in state folders.
    pub fn new(fixtures: &Path, lang: WinLang) -> io::Result<RecordedHost> {
        let dir = fixtures.join(match lang {
            WinLang::En => "windows-en",
            WinLang::Ja => "windows-ja",
        });
        let root = std::env::temp_dir().join(format!(
            "m365doctor-recorded-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        if root.exists() {
            std::fs::remove_dir_all(&root)?;
        }
        let profile = root.join("Users").join("megan.bowen");
        let local = profile.join("AppData").join("Local");
        let roaming = profile.join("AppData").join("Roaming");
        std::fs::create_dir_all(&local)?;
        std::fs::create_dir_all(&roaming)?;
        let mut env = BTreeMap::new();
        for (k, v) in [
            ("USERPROFILE", profile.clone()),
            ("LOCALAPPDATA", local.clone()),
            ("APPDATA", roaming),
            ("TEMP", local.join("Temp")),
        ] {
            env.insert(k.to_string(), v.to_string_lossy().into_owned());
        }
        env.insert("windir".into(), r"C:\Windows".into());
        env.insert("USERNAME".into(), "megan.bowen".into());
        env.insert("USERDOMAIN".into(), "CONTOSO".into());
        env.insert("COMPUTERNAME".into(), "PC-0142".into());

        let read =
            |name: &str| -> io::Result<String> { Ok(decode_text(&std::fs::read(dir.join(name))?)) };
        let mut machine = Machine {
            time_service_running: true,
            ..Machine::default()
        };
        let (header, blocks) = split_cmdkey(&read("cmdkey-list.txt")?);
        machine.credentials = blocks;
        import_reg(&mut machine.registry, &read("registry.reg")?);
        machine.processes = parse_tasklist(&read("tasklist.csv")?);
        machine.dsreg = read("dsregcmd-status.txt")?;
        let mut recorded = BTreeMap::new();
        for line in read("commands.txt")?.lines() {
            let mut parts = line.splitn(3, '\t');
            let (Some(code), Some(file), Some(cmd)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(code) = code.parse() else { continue };
            recorded.insert(
                cmd.to_ascii_lowercase(),
                Recorded {
                    code,
                    text: read(file)?,
                },
            );
        }
        let host = RecordedHost {
            root,
            lang,
            machine: RefCell::new(machine),
            cmdkey_header: header,
            recorded,
            calls: RefCell::new(Vec::new()),
            env,
            clock: Cell::new(1_795_773_600), // 2026-11-27T07:20:00Z
            elevated: Cell::new(false),
            run_as: Cell::new(RunAs::SessionUser),
            free_bytes: Cell::new(50 << 30),
            os: Cell::new(Os::Windows),
            fixtures: dir,
            network: RefCell::new(BTreeMap::new()),
            last_resolved: RefCell::new(String::new()),
        };
        host.seed_profile(&local)?;
        Ok(host)
    }

    /// The sign-in state folders and the data files that must never change.
    fn seed_profile(&self, local: &Path) -> io::Result<()> {
        let files: &[(&str, &[u8])] = &[
            (
                r"Microsoft\IdentityCache\V1\IdentityCache.dat",
                b"\x01\x02cache",
            ),
            (
                r"Microsoft\IdentityCache\V1\Accounts\a1.json",
                b"{\"upn\":\"megan.bowen@contoso.com\"}",
            ),
            (
                r"Microsoft\OneAuth\accounts\b2.json",
                b"{\"home_account_id\":\"x\"}",
            ),
            (
                r"Packages\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\AC\TokenBroker\Accounts\0f1e.tbacct",
                b"\x00\x01tbacct",
            ),
            (
                r"Packages\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\Settings\settings.dat",
                b"settings",
            ),
            (r"Microsoft\Office\Licenses\5\license.dat", b"license"),
            (r"Microsoft\Office\16.0\Licensing\token.dat", b"token"),
            (
                r"Microsoft\Outlook\megan.bowen@contoso.com.ost",
                b"ost data",
            ),
        ];
        for (rel, bytes) in files {
            let p = under(local, rel);
            std::fs::create_dir_all(p.parent().expect("a file has a parent"))?;
            std::fs::write(p, bytes)?;
        }
        Ok(())
    }

    /// The temporary profile (`%USERPROFILE%`).
    pub fn profile(&self) -> PathBuf {
        PathBuf::from(&self.env["USERPROFILE"])
    }

    pub fn local_app_data(&self) -> PathBuf {
        PathBuf::from(&self.env["LOCALAPPDATA"])
    }

    pub fn fixture(&self, name: &str) -> PathBuf {
        self.fixtures.join(name)
    }

    /// Every command line run or started, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.borrow().clone()
    }

    /// Quits Office, Teams and OneDrive, as the user is asked to.
    pub fn close_office_apps(&self) {
        self.machine
            .borrow_mut()
            .processes
            .retain(|p| !OFFICE_APPS.iter().any(|a| a.eq_ignore_ascii_case(&p.image)));
    }

    pub fn machine(&self) -> Machine {
        self.machine.borrow().clone()
    }

    pub fn with_machine(&self, f: impl FnOnce(&mut Machine)) {
        f(&mut self.machine.borrow_mut());
    }

    pub fn set_env(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(v) => self.env.insert(name.into(), v.into()),
            None => self.env.remove(name),
        };
    }

    /// Every file under the profile with its bytes, except m365doctor's own
    /// runs (journals and backups), for before/after comparisons.
    pub fn profile_snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let runs = runs_dir(self);
        let own = runs.parent().unwrap_or(&runs);
        walk(&self.profile(), &self.profile(), own, &mut out);
        out
    }

    fn out(&self, code: i32, text: &str) -> Output {
        let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
        let stdout = match self.lang {
            WinLang::En => text.into_bytes(),
            WinLang::Ja => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
        };
        Output {
            code: Some(code),
            stdout,
            stderr: Vec::new(),
        }
    }

    fn msg(&self, en: &str, ja: &str) -> String {
        match self.lang {
            WinLang::En => en.to_string(),
            WinLang::Ja => ja.to_string(),
        }
    }

    fn reg_missing(&self) -> Output {
        let other = self.machine.borrow().reg_missing_message.clone();
        let text = other.unwrap_or_else(|| {
            self.msg(
                "ERROR: The system was unable to find the specified registry key or value.\n",
                "エラー: 指定されたレジストリ キーまたは値が見つかりませんでした。\n",
            )
        });
        self.out(1, &text)
    }

    fn reg_ok(&self) -> Output {
        self.out(
            0,
            &self.msg(
                "The operation completed successfully.\n",
                "この操作を正しく終了しました。\n",
            ),
        )
    }

    fn reg(&self, args: &[&str]) -> io::Result<Output> {
        let sub = args
            .first()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_default();
        let key = args.get(1).map(|k| long_key(k)).unwrap_or_default();
        let lower = key.to_ascii_lowercase();
        let flag = |name: &str| {
            args.iter()
                .position(|a| a.eq_ignore_ascii_case(name))
                .and_then(|i| args.get(i + 1))
                .map(|s| s.to_string())
        };
        let mut m = self.machine.borrow_mut();
        if m.denied
            .iter()
            .any(|d| lower == *d || lower.starts_with(&format!("{d}\\")))
        {
            drop(m);
            return Ok(self.out(
                1,
                &self.msg(
                    "ERROR: Access is denied.\n",
                    "エラー: アクセスが拒否されました。\n",
                ),
            ));
        }
        match sub.as_str() {
            "query" => {
                let Some(k) = m.registry.get(&lower) else {
                    drop(m);
                    return Ok(self.reg_missing());
                };
                let mut text = format!("\n{}\n", k.name);
                let value = flag("/v");
                let mut found = false;
                for (lname, (name, data)) in &k.values {
                    if value
                        .as_ref()
                        .is_some_and(|v| v.to_ascii_lowercase() != *lname)
                    {
                        continue;
                    }
                    found = true;
                    let shown = if name.is_empty() {
                        self.msg("(Default)", "(既定)")
                    } else {
                        name.clone()
                    };
                    let (ty, d) = reg_display(data);
                    text.push_str(&format!("    {shown}    {ty}    {d}\n"));
                }
                if value.is_some() {
                    if !found {
                        drop(m);
                        return Ok(self.reg_missing());
                    }
                    return Ok(self.out(0, &format!("{text}\n")));
                }
                text.push('\n');
                for (sub, sk) in m.registry.range(format!("{lower}\\")..) {
                    if !sub.starts_with(&format!("{lower}\\")) {
                        break;
                    }
                    if !sub[lower.len() + 1..].contains('\\') {
                        text.push_str(&format!("{}\n", sk.name));
                    }
                }
                Ok(self.out(0, &text))
            }
            "export" => {
                let Some(file) = args.get(2) else {
                    return Ok(self.out(1, "ERROR: Invalid syntax.\n"));
                };
                if !m.registry.contains_key(&lower) {
                    drop(m);
                    return Ok(self.reg_missing());
                }
                let text = export_reg(&m.registry, &lower);
                let mut bytes = vec![0xFF, 0xFE];
                for u in text.encode_utf16() {
                    bytes.extend(u.to_le_bytes());
                }
                std::fs::write(file, bytes)?;
                drop(m);
                Ok(self.reg_ok())
            }
            "import" => {
                let bytes = match std::fs::read(args.get(1).unwrap_or(&"")) {
                    Ok(b) => b,
                    Err(_) => {
                        return Ok(self.out(
                            1,
                            &self.msg(
                                "ERROR: Error opening the file. There may be a disk or file system error.\n",
                                "エラー: ファイルを開くときにエラーが発生しました。ディスクまたはファイル システムのエラーの可能性があります。\n",
                            ),
                        ))
                    }
                };
                import_reg(&mut m.registry, &decode_text(&bytes));
                drop(m);
                Ok(self.reg_ok())
            }
            "delete" => {
                if !m.registry.contains_key(&lower) {
                    drop(m);
                    return Ok(self.reg_missing());
                }
                if let Some(v) = flag("/v") {
                    let k = m.registry.get_mut(&lower).expect("checked above");
                    if k.values.remove(&v.to_ascii_lowercase()).is_none() {
                        drop(m);
                        return Ok(self.reg_missing());
                    }
                } else {
                    let prefix = format!("{lower}\\");
                    m.registry
                        .retain(|k, _| k != &lower && !k.starts_with(&prefix));
                }
                drop(m);
                Ok(self.reg_ok())
            }
            "add" => {
                ensure_key(&mut m.registry, &key);
                if let Some(v) = flag("/v") {
                    let ty = flag("/t").unwrap_or_else(|| "REG_SZ".into());
                    let d = flag("/d").unwrap_or_default();
                    let data = match ty.to_ascii_uppercase().as_str() {
                        "REG_DWORD" => format!("dword:{:08x}", d.parse::<u32>().unwrap_or(0)),
                        _ => format!("\"{}\"", d.replace('\\', "\\\\").replace('"', "\\\"")),
                    };
                    m.registry
                        .get_mut(&lower)
                        .expect("just ensured")
                        .values
                        .insert(v.to_ascii_lowercase(), (v, data));
                }
                drop(m);
                Ok(self.reg_ok())
            }
            _ => Ok(self.out(1, "ERROR: Invalid syntax.\n")),
        }
    }

    fn cmdkey(&self, args: &[&str]) -> Output {
        let arg = args.first().copied().unwrap_or("");
        let mut m = self.machine.borrow_mut();
        if arg.eq_ignore_ascii_case("/list") {
            let mut text = self.cmdkey_header.clone();
            if m.credentials.is_empty() {
                text.push_str(&self.msg("    * NONE *\n", "    * なし *\n"));
            }
            for b in &m.credentials {
                text.push_str(b);
                text.push('\n');
            }
            drop(m);
            return self.out(0, &text);
        }
        if let Some(target) = arg
            .strip_prefix("/delete:")
            .or_else(|| arg.strip_prefix("/DELETE:"))
        {
            let before = m.credentials.len();
            m.credentials.retain(|b| {
                let listed = first_line_value(b);
                // A whole `Type:target=Name` names one entry; a bare name
                // matches every entry of that name, whatever its type.
                let matches = if target.contains(":target=") {
                    listed.eq_ignore_ascii_case(target)
                } else {
                    cmdkey_name(listed).eq_ignore_ascii_case(target)
                };
                !matches
            });
            let removed = m.credentials.len() < before;
            drop(m);
            return if removed {
                self.out(
                    0,
                    &self.msg(
                        "\nCMDKEY: Credential deleted successfully.\n",
                        "\nCMDKEY: 資格情報を正しく削除しました。\n",
                    ),
                )
            } else {
                self.out(
                    1,
                    &self.msg(
                        "\nCMDKEY: Element not found.\n",
                        "\nCMDKEY: 要素が見つかりません。\n",
                    ),
                )
            };
        }
        drop(m);
        self.out(1, "\nCMDKEY: The parameter is incorrect.\n")
    }

    fn replay(&self, line: &str) -> Output {
        match self.recorded.get(&line.to_ascii_lowercase()) {
            Some(r) => self.out(r.code, &r.text),
            None => self.out(9009, &format!("recorded host: no recording for `{line}`\n")),
        }
    }
}

fn first_line_value(block: &str) -> &str {
    block
        .lines()
        .next()
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn walk(base: &Path, dir: &Path, skip: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p == skip {
            continue;
        }
        let rel = p
            .strip_prefix(base)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned();
        if p.is_dir() {
            out.insert(format!("{rel}/"), Vec::new());
            walk(base, &p, skip, out);
        } else {
            out.insert(rel, std::fs::read(&p).unwrap_or_default());
        }
    }
}

/// Splits recorded `cmdkey /list` output into its header and credential blocks.
fn split_cmdkey(text: &str) -> (String, Vec<String>) {
    let mut header = String::new();
    let mut blocks: Vec<String> = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        let label = line.trim().split(':').next().unwrap_or("").trim();
        if matches!(label, "Target" | "ターゲット") {
            if let Some(b) = cur.take() {
                blocks.push(b);
            }
            cur = Some(format!("{line}\n"));
        } else if let Some(b) = cur.as_mut() {
            if line.trim().is_empty() {
                blocks.push(cur.take().expect("is some"));
            } else {
                b.push_str(line);
                b.push('\n');
            }
        } else if blocks.is_empty() {
            header.push_str(line);
            header.push('\n');
        }
    }
    if let Some(b) = cur {
        blocks.push(b);
    }
    (header, blocks)
}

fn ensure_key(reg: &mut BTreeMap<String, RegKey>, key: &str) {
    let parts: Vec<&str> = key.split('\\').collect();
    for n in 1..=parts.len() {
        let name = parts[..n].join("\\");
        reg.entry(name.to_ascii_lowercase())
            .or_insert_with(|| RegKey {
                name,
                values: BTreeMap::new(),
            });
    }
}

/// `.reg` data → (`reg query` type, shown data).
fn reg_display(data: &str) -> (&'static str, String) {
    if let Some(s) = data.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return ("REG_SZ", s.replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    if let Some(d) = data.strip_prefix("dword:") {
        return (
            "REG_DWORD",
            format!("0x{:x}", u32::from_str_radix(d, 16).unwrap_or(0)),
        );
    }
    if let Some(h) = data.strip_prefix("hex:") {
        return ("REG_BINARY", h.replace([',', ' '], "").to_ascii_uppercase());
    }
    ("REG_BINARY", data.to_string())
}

/// Applies a `.reg` file to the registry (what `reg import` does).
pub fn import_reg(reg: &mut BTreeMap<String, RegKey>, text: &str) {
    let mut current: Option<String> = None;
    let mut pending = String::new();
    for raw in text.lines() {
        let line = raw.trim_end();
        if let Some(cont) = line.strip_suffix('\\') {
            if line.contains("=hex") || !pending.is_empty() {
                pending.push_str(cont.trim_start());
                continue;
            }
        }
        let line = if pending.is_empty() {
            line.to_string()
        } else {
            let l = format!("{pending}{}", line.trim_start());
            pending.clear();
            l
        };
        if let Some(k) = line.strip_prefix("[-").and_then(|l| l.strip_suffix(']')) {
            let lower = k.to_ascii_lowercase();
            let prefix = format!("{lower}\\");
            reg.retain(|key, _| key != &lower && !key.starts_with(&prefix));
            current = None;
        } else if let Some(k) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            ensure_key(reg, k);
            current = Some(k.to_ascii_lowercase());
        } else if let Some(key) = &current {
            let (name, data) = if let Some(d) = line.strip_prefix("@=") {
                (String::new(), d.to_string())
            } else if let Some(rest) = line.strip_prefix('"') {
                let Some(end) = closing_quote(rest) else {
                    continue;
                };
                let name = rest[..end].replace("\\\"", "\"").replace("\\\\", "\\");
                let Some(data) = rest[end + 1..].strip_prefix('=') else {
                    continue;
                };
                (name, data.to_string())
            } else {
                continue;
            };
            let k = reg.get_mut(key).expect("current key exists");
            if data == "-" {
                k.values.remove(&name.to_ascii_lowercase());
            } else {
                k.values.insert(name.to_ascii_lowercase(), (name, data));
            }
        }
    }
}

fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// A `.reg` file of a key and its subkeys (what `reg export` writes).
pub fn export_reg(reg: &BTreeMap<String, RegKey>, lower: &str) -> String {
    let mut text = String::from("Windows Registry Editor Version 5.00\r\n\r\n");
    let prefix = format!("{lower}\\");
    for (k, key) in reg.range(lower.to_string()..) {
        if k != lower && !k.starts_with(&prefix) {
            break;
        }
        text.push_str(&format!("[{}]\r\n", key.name));
        for (name, data) in key.values.values() {
            if name.is_empty() {
                text.push_str(&format!("@={data}\r\n"));
            } else {
                let n = name.replace('\\', "\\\\").replace('"', "\\\"");
                text.push_str(&format!("\"{n}\"={data}\r\n"));
            }
        }
        text.push_str("\r\n");
    }
    text
}

impl Host for RecordedHost {
    fn os(&self) -> Os {
        self.os.get()
    }

    fn env(&self, name: &str) -> Option<String> {
        self.env
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    fn now(&self) -> SystemTime {
        let t = self.clock.get();
        self.clock.set(t + 1);
        UNIX_EPOCH + Duration::from_secs(t)
    }

    fn run(&self, program: &str, args: &[&str], _timeout: Duration) -> io::Result<Output> {
        let line = std::iter::once(program)
            .chain(args.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        self.calls.borrow_mut().push(line.clone());
        let prog = program.to_ascii_lowercase();
        let prog = prog.trim_end_matches(".exe");
        let first = args
            .first()
            .map(|a| a.to_ascii_lowercase())
            .unwrap_or_default();
        match (prog, first.as_str()) {
            ("reg", _) => self.reg(args),
            ("cmdkey", _) => Ok(self.cmdkey(args)),
            ("tasklist", "/v") => Ok(self.replay(&line)),
            ("whoami", "/user") => Ok(self.replay(match self.run_as.get() {
                RunAs::SessionUser => "whoami /user /fo csv /nh",
                RunAs::System => "whoami /user /fo csv /nh (system)",
                RunAs::OtherAdmin => "whoami /user /fo csv /nh (other admin)",
            })),
            ("tasklist", _) => {
                let m = self.machine.borrow();
                let text: String = m
                    .processes
                    .iter()
                    .map(|p| {
                        let session = p.session.unwrap_or(1);
                        let name = if session == 1 { "Console" } else { "RDP-Tcp#3" };
                        format!(
                            "\"{}\",\"{}\",\"{name}\",\"{session}\",\"81,204 K\"\n",
                            p.image, p.pid
                        )
                    })
                    .collect();
                drop(m);
                Ok(self.out(0, &text))
            }
            ("dsregcmd", "/status") => {
                let text = self.machine.borrow().dsreg.clone();
                Ok(self.out(0, &text))
            }
            ("dsregcmd", "/refreshprt") => {
                let now = iso_utc(self.now()).replace('T', " ");
                let now = format!("{}.000 UTC", now.trim_end_matches('Z'));
                let mut m = self.machine.borrow_mut();
                m.dsreg = set_field(&m.dsreg, "AzureAdPrt", "YES");
                m.dsreg = set_field(&m.dsreg, "AzureAdPrtUpdateTime", &now);
                drop(m);
                Ok(self.out(0, ""))
            }
            ("dsregcmd", "/leave") => {
                if !self.elevated.get() {
                    return Ok(self.replay(&line));
                }
                let mut m = self.machine.borrow_mut();
                m.dsreg = set_field(&m.dsreg, "AzureAdJoined", "NO");
                m.dsreg = set_field(&m.dsreg, "AzureAdPrt", "NO");
                drop(m);
                Ok(self.out(0, ""))
            }
            ("w32tm", "/resync") => {
                if !self.machine.borrow().time_service_running {
                    return Ok(self.replay("w32tm /resync (service stopped)"));
                }
                let stalls = self.machine.borrow().resync_stalls;
                if !stalls {
                    let now = iso_utc(self.now()).replace(['T', 'Z'], " ");
                    let mut m = self.machine.borrow_mut();
                    m.clock_synced = true;
                    m.last_sync = Some(now.trim().to_string());
                }
                Ok(self.replay(&line))
            }
            ("w32tm", "/query")
                if args
                    .get(1)
                    .is_some_and(|a| a.eq_ignore_ascii_case("/status")) =>
            {
                let m = self.machine.borrow();
                let key = if !m.time_service_running {
                    "w32tm /query /status (service stopped)"
                } else if m.clock_synced {
                    "w32tm /query /status (synced)"
                } else {
                    "w32tm /query /status"
                };
                let last_sync = m.last_sync.clone().filter(|_| m.clock_synced);
                drop(m);
                let mut out = self.replay(key);
                if let Some(t) = last_sync {
                    let text = decode_text(&out.stdout);
                    let text: Vec<String> = text
                        .lines()
                        .map(|l| match l.split_once(':') {
                            Some((label, _))
                                if matches!(
                                    label.trim(),
                                    "Last Successful Sync Time" | "最終正常同期時刻"
                                ) =>
                            {
                                format!("{label}: {t}")
                            }
                            _ => l.to_string(),
                        })
                        .collect();
                    out = self.out(0, &text.join("\n"));
                }
                Ok(out)
            }
            ("powershell", _) if args.iter().any(|a| a.contains("Add-AppxPackage")) => {
                self.machine.borrow_mut().broker_registered = true;
                Ok(self.replay("powershell Add-AppxPackage"))
            }
            ("powershell", _)
                if args
                    .iter()
                    .any(|a| a.contains("Get-AppxPackage") && a.contains("AAD.BrokerPlugin")) =>
            {
                Ok(self.replay("powershell Get-AppxPackage Microsoft.AAD.BrokerPlugin"))
            }
            ("powershell", _)
                if args
                    .iter()
                    .any(|a| a.contains("Get-AppxPackage") && a.contains("MSTeams")) =>
            {
                Ok(self.replay("powershell Get-AppxPackage MSTeams"))
            }
            ("whoami", _) => Ok(self.replay(if self.elevated.get() {
                "whoami /groups /fo csv /nh (elevated)"
            } else {
                "whoami /groups /fo csv /nh"
            })),
            ("wevtutil", "epl") => {
                let Some(dest) = args.get(2) else {
                    return Ok(self.out(87, "The parameter is incorrect.\n"));
                };
                let source = if args[1].contains("AAD") {
                    "aad-operational.evtx"
                } else {
                    "udr-admin.evtx"
                };
                std::fs::copy(self.fixtures.join(source), dest)?;
                Ok(self.out(0, ""))
            }
            _ => Ok(self.replay(&line)),
        }
    }

    fn spawn(&self, program: &str, args: &[&str]) -> io::Result<()> {
        let line = std::iter::once(program)
            .chain(args.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        self.calls.borrow_mut().push(format!("start {line}"));
        if program.eq_ignore_ascii_case("outlook.exe") {
            let mut m = self.machine.borrow_mut();
            let pid = 7000 + m.processes.len() as u32;
            m.processes.push(Process {
                image: "OUTLOOK.EXE".into(),
                pid,
                session: Some(1),
            });
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{program} not found"),
            ))
        }
    }

    fn processes(&self) -> io::Result<Vec<Process>> {
        let out = self.run("tasklist", &["/fo", "csv", "/nh"], Duration::from_secs(20))?;
        Ok(parse_tasklist(&out.text()))
    }

    fn session(&self) -> Option<u32> {
        Some(1)
    }

    fn is_elevated(&self) -> bool {
        self.run(
            "whoami",
            &["/groups", "/fo", "csv", "/nh"],
            Duration::from_secs(5),
        )
        .map(|o| groups_say_elevated(&o.text()))
        .unwrap_or(false)
    }

    fn free_space(&self, _path: &Path) -> Option<u64> {
        Some(self.free_bytes.get())
    }

    fn exists(&self, path: &Path) -> bool {
        RealHost.exists(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        RealHost.is_dir(path)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn file_len(&self, path: &Path) -> Option<u64> {
        RealHost.file_len(path)
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        RealHost.write(path, bytes)
    }

    fn append_durable(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        RealHost.append_durable(path, bytes)
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(path)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        RealHost.rename(from, to)
    }

    fn copy_file(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::copy(from, to).map(|_| ())
    }

    fn list(&self, path: &Path) -> io::Result<Vec<String>> {
        RealHost.list(path)
    }

    fn remove_empty_dir(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_dir(path)
    }

    fn remove_own_file(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }

    fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        RealHost.create_new(path, bytes)
    }

    fn create_dir(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir(path)
    }

    fn resolve(&self, name: &str, _timeout: Duration) -> io::Result<Vec<IpAddr>> {
        self.calls.borrow_mut().push(format!("resolve {name}"));
        *self.last_resolved.borrow_mut() = name.to_string();
        match self.network.borrow().get(name) {
            Some(NetFault::Dns) => Err(io::Error::other("No such host is known.")),
            _ => Ok(vec![IpAddr::from([192, 0, 2, 10])]),
        }
    }

    fn tcp_exchange(
        &self,
        addr: SocketAddr,
        send: &[u8],
        _timeout: Duration,
    ) -> io::Result<Vec<u8>> {
        // Through the proxy: `CONNECT name:443`, the ClientHello after it.
        if let Some(rest) = send.strip_prefix(b"CONNECT ") {
            let target = String::from_utf8_lossy(rest)
                .split(':')
                .next()
                .unwrap_or("")
                .to_string();
            self.calls
                .borrow_mut()
                .push(format!("connect {addr} {target}"));
            let head = |status: &str| format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
            let ok = |flight: Vec<u8>| {
                let mut b = head("200 Connection established").into_bytes();
                b.extend(flight);
                b
            };
            return Ok(match self.network.borrow().get(&target) {
                Some(NetFault::Dns) => head("502 Bad Gateway").into_bytes(),
                Some(NetFault::Tcp) => head("504 Gateway Timeout").into_bytes(),
                Some(NetFault::Tls) => head("403 Forbidden").into_bytes(),
                Some(NetFault::ProxyAuth) => head("407 Proxy Authentication Required").into_bytes(),
                Some(NetFault::Inspected) => {
                    ok(tls_flight("Contoso TLS Inspection CA", "Contoso Ltd"))
                }
                Some(NetFault::DirectBlocked) | None => ok(tls_flight(
                    "Microsoft Azure RSA TLS Issuing CA 04",
                    "Microsoft Corporation",
                )),
            });
        }
        // A bare connection carries no server name: it follows the last lookup.
        let sni = m365doctor_fix::network::sni_of(send)
            .unwrap_or_else(|| self.last_resolved.borrow().clone());
        self.calls.borrow_mut().push(format!("tcp {addr} {sni}"));
        match self.network.borrow().get(&sni) {
            Some(NetFault::Tcp | NetFault::DirectBlocked | NetFault::ProxyAuth) => Err(
                io::Error::new(io::ErrorKind::TimedOut, "connection timed out"),
            ),
            Some(NetFault::Tls) => Ok(b"HTTP/1.1 403 Forbidden\r\n\r\n".to_vec()),
            _ if send.is_empty() => Ok(Vec::new()),
            Some(NetFault::Inspected) => Ok(tls_flight("Contoso TLS Inspection CA", "Contoso Ltd")),
            _ => Ok(tls_flight(
                "Microsoft Azure RSA TLS Issuing CA 04",
                "Microsoft Corporation",
            )),
        }
    }
}

/// A network failure the recorded machine shows for one host name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetFault {
    Dns,
    Tcp,
    /// Something other than TLS answers (a proxy's HTTP error page).
    Tls,
    /// A TLS-inspecting proxy answers with its own certificate.
    Inspected,
    /// Only the proxy may connect out: direct connections time out.
    DirectBlocked,
    /// Direct connections time out, and the proxy wants credentials (407).
    ProxyAuth,
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn name(cn: &str, o: &str) -> Vec<u8> {
    let attr = |oid: &[u8], tag: u8, v: &str| {
        tlv(
            0x31,
            &tlv(0x30, &[tlv(0x06, oid), tlv(tag, v.as_bytes())].concat()),
        )
    };
    tlv(
        0x30,
        &[
            attr(&[0x55, 0x04, 0x06], 0x13, "US"),
            attr(&[0x55, 0x04, 0x0A], 0x13, o),
            attr(&[0x55, 0x04, 0x03], 0x0C, cn),
        ]
        .concat(),
    )
}

/// A server's TLS 1.2 first flight (ServerHello, Certificate) whose
/// certificate names the given issuer, as a TLS endpoint or an inspecting
/// proxy sends it.
pub fn tls_flight(issuer_cn: &str, issuer_o: &str) -> Vec<u8> {
    let sha256_rsa = tlv(
        0x30,
        &[
            tlv(
                0x06,
                &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B],
            ),
            vec![0x05, 0x00],
        ]
        .concat(),
    );
    let validity = tlv(
        0x30,
        &[tlv(0x17, b"261001000000Z"), tlv(0x17, b"270401000000Z")].concat(),
    );
    let tbs = tlv(
        0x30,
        &[
            tlv(0xA0, &tlv(0x02, &[0x02])),
            tlv(0x02, &[0x33, 0x00, 0x12, 0x34]),
            sha256_rsa.clone(),
            name(issuer_cn, issuer_o),
            validity,
            name("login.microsoftonline.com", "Microsoft Corporation"),
            tlv(
                0x30,
                &[sha256_rsa.clone(), tlv(0x03, &[0x00, 0x30, 0x00])].concat(),
            ),
        ]
        .concat(),
    );
    let cert = tlv(0x30, &[tbs, sha256_rsa, tlv(0x03, &[0x00; 33])].concat());
    let u24 = |n: usize| [(n >> 16) as u8, (n >> 8) as u8, n as u8];
    let mut hello = vec![0x03, 0x03];
    hello.extend([0x5A; 32]);
    hello.extend([0x00, 0xC0, 0x2F, 0x00]);
    let mut certs = u24(cert.len()).to_vec();
    certs.extend(&cert);
    let mut body = u24(certs.len()).to_vec();
    body.extend(certs);
    let mut hs = vec![0x02];
    hs.extend(u24(hello.len()));
    hs.extend(hello);
    hs.push(0x0B);
    hs.extend(u24(body.len()));
    hs.extend(body);
    let mut rec = vec![0x16, 0x03, 0x03, (hs.len() >> 8) as u8, hs.len() as u8];
    rec.extend(hs);
    rec
}

/// Sets a `Field : value` line of dsregcmd output.
fn set_field(text: &str, field: &str, value: &str) -> String {
    text.lines()
        .map(|l| match l.split_once(" : ") {
            Some((name, _)) if name.trim() == field => format!("{name} : {value}"),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A host that fails every effect from the `n`th one on, like a process
/// that dies at that point: nothing after it reaches the machine.
pub struct Crashing<'a, H: Host> {
    pub inner: &'a H,
    pub fail_from: usize,
    /// Fail only the `fail_from`th effect (a single error, not a crash).
    pub only_one: bool,
    count: Cell<usize>,
}

impl<'a, H: Host> Crashing<'a, H> {
    pub fn new(inner: &'a H, fail_from: usize) -> Self {
        Crashing {
            inner,
            fail_from,
            only_one: false,
            count: Cell::new(0),
        }
    }

    /// A host where only the `n`th effect fails and the rest work.
    pub fn failing_once(inner: &'a H, n: usize) -> Self {
        Crashing {
            only_one: true,
            ..Crashing::new(inner, n)
        }
    }

    /// Effects attempted so far.
    pub fn effects(&self) -> usize {
        self.count.get()
    }

    fn effect(&self) -> io::Result<()> {
        let n = self.count.get();
        self.count.set(n + 1);
        if n == self.fail_from || (n > self.fail_from && !self.only_one) {
            Err(io::Error::other(format!("injected failure at effect {n}")))
        } else {
            Ok(())
        }
    }
}

impl<H: Host> Host for Crashing<'_, H> {
    fn os(&self) -> Os {
        self.inner.os()
    }
    fn env(&self, name: &str) -> Option<String> {
        self.inner.env(name)
    }
    fn now(&self) -> SystemTime {
        self.inner.now()
    }
    fn run(&self, program: &str, args: &[&str], timeout: Duration) -> io::Result<Output> {
        self.effect()?;
        self.inner.run(program, args, timeout)
    }
    fn spawn(&self, program: &str, args: &[&str]) -> io::Result<()> {
        self.effect()?;
        self.inner.spawn(program, args)
    }
    fn processes(&self) -> io::Result<Vec<Process>> {
        self.effect()?;
        self.inner.processes()
    }
    fn is_elevated(&self) -> bool {
        self.inner.is_elevated()
    }
    fn session(&self) -> Option<u32> {
        self.inner.session()
    }
    fn free_space(&self, path: &Path) -> Option<u64> {
        self.inner.free_space(path)
    }
    fn exists(&self, path: &Path) -> bool {
        self.inner.exists(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.inner.is_dir(path)
    }
    fn kind(&self, path: &Path) -> Option<Kind> {
        self.inner.kind(path)
    }
    fn is_link(&self, path: &Path) -> bool {
        self.inner.is_link(path)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.inner.read(path)
    }
    fn file_len(&self, path: &Path) -> Option<u64> {
        self.inner.file_len(path)
    }
    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.effect()?;
        self.inner.write(path, bytes)
    }
    fn append_durable(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.effect()?;
        self.inner.append_durable(path, bytes)
    }
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        self.effect()?;
        self.inner.create_dir_all(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.effect()?;
        self.inner.rename(from, to)
    }
    fn copy_file(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.effect()?;
        self.inner.copy_file(from, to)
    }
    fn list(&self, path: &Path) -> io::Result<Vec<String>> {
        self.inner.list(path)
    }
    fn remove_empty_dir(&self, path: &Path) -> io::Result<()> {
        self.effect()?;
        self.inner.remove_empty_dir(path)
    }
    fn remove_own_file(&self, path: &Path) -> io::Result<()> {
        self.effect()?;
        self.inner.remove_own_file(path)
    }
    fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.effect()?;
        self.inner.create_new(path, bytes)
    }
    fn create_dir(&self, path: &Path) -> io::Result<()> {
        self.effect()?;
        self.inner.create_dir(path)
    }
    fn pid(&self) -> u32 {
        self.inner.pid()
    }
    fn resolve(&self, name: &str, timeout: Duration) -> io::Result<Vec<IpAddr>> {
        self.effect()?;
        self.inner.resolve(name, timeout)
    }
    fn tcp_exchange(
        &self,
        addr: SocketAddr,
        send: &[u8],
        timeout: Duration,
    ) -> io::Result<Vec<u8>> {
        self.effect()?;
        self.inner.tcp_exchange(addr, send, timeout)
    }
}
