//! The one interface through which every effect on the machine goes: running
//! programs, files and folders, environment variables, processes. `RealHost`
//! uses std only, so it compiles and runs everywhere; Windows tools are
//! called as programs. Tests use the recorded Windows machine of
//! `m365doctor-testkit`.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// What a program printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Output {
    /// `None` when the program was killed after its timeout.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Standard output as text: UTF-8, UTF-16 or the OEM code page (CP932 on
    /// Japanese Windows), detected from the bytes.
    pub fn text(&self) -> String {
        decode_text(&self.stdout)
    }

    pub fn err_text(&self) -> String {
        decode_text(&self.stderr)
    }

    /// Standard output and error joined, for messages.
    pub fn all_text(&self) -> String {
        let (o, e) = (self.text(), self.err_text());
        match (o.trim().is_empty(), e.trim().is_empty()) {
            (_, true) => o,
            (true, false) => e,
            (false, false) => format!("{o}\n{e}"),
        }
    }
}

/// Decodes console or file bytes in any encoding Windows writes.
pub fn decode_text(bytes: &[u8]) -> String {
    m365doctor_text::decode_lossy(bytes)
}

/// One running process.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Process {
    pub image: String,
    pub pid: u32,
    /// The Windows session it runs in (`None` where unknown).
    pub session: Option<u32>,
}

/// Which system the host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Windows,
    Linux,
    MacOs,
    Other,
}

impl Os {
    pub fn id(self) -> &'static str {
        match self {
            Os::Windows => "windows",
            Os::Linux => "linux",
            Os::MacOs => "macos",
            Os::Other => "other",
        }
    }

    pub fn current() -> Os {
        match std::env::consts::OS {
            "windows" => Os::Windows,
            "linux" => Os::Linux,
            "macos" => Os::MacOs,
            _ => Os::Other,
        }
    }
}

/// Every effect on the machine. Paths are real paths of the host.
pub trait Host {
    fn os(&self) -> Os;
    fn env(&self, name: &str) -> Option<String>;
    fn now(&self) -> SystemTime;

    /// Runs a program to its end, or kills it after `timeout`.
    fn run(&self, program: &str, args: &[&str], timeout: Duration) -> io::Result<Output>;
    /// Starts a program and does not wait for it (an app the user works in).
    fn spawn(&self, program: &str, args: &[&str]) -> io::Result<()>;
    fn processes(&self) -> io::Result<Vec<Process>>;
    /// The Windows session this process runs in: other sessions' apps (other
    /// users on a terminal server) are not this user's to close.
    fn session(&self) -> Option<u32> {
        None
    }
    fn is_elevated(&self) -> bool;
    /// Bytes free on the volume holding `path`, when known.
    fn free_space(&self, path: &Path) -> Option<u64>;

    fn exists(&self, path: &Path) -> bool;
    /// A folder itself (a link or junction to one is not).
    fn is_dir(&self, path: &Path) -> bool;
    /// A symbolic link or junction (a reparse point standing for a path).
    fn is_link(&self, path: &Path) -> bool {
        path.symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
    }
    /// What is at `path`, from the file system's record: nothing is opened
    /// and a link is not followed. `None` when nothing is there.
    fn kind(&self, path: &Path) -> Option<Kind> {
        let m = path.symlink_metadata().ok()?;
        let t = m.file_type();
        Some(if t.is_symlink() {
            Kind::Link
        } else if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File(m.len())
        } else {
            Kind::Special
        })
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Writes a whole file (creating or replacing it).
    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Appends and flushes to disk before returning (the journal).
    fn append_durable(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    /// Moves a file or folder; `to` must not exist. Never across volumes
    /// (`CrossesDevices`, nothing moved): a copy would have to walk the
    /// tree, and a junction inside it would lead out of the profile.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn copy_file(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Names in a folder, sorted.
    fn list(&self, path: &Path) -> io::Result<Vec<String>>;
    /// The size of a plain file (not a link, pipe or device), when known.
    fn file_len(&self, path: &Path) -> Option<u64> {
        self.read(path).ok().map(|b| b.len() as u64)
    }
    /// Total size of the files under `path`.
    fn size(&self, path: &Path) -> u64 {
        if !self.is_dir(path) {
            // A link counts as nothing: what it points to is not moved.
            if !self.exists(path) || self.is_link(path) {
                return 0;
            }
            return self.file_len(path).unwrap_or(0);
        }
        self.list(path)
            .unwrap_or_default()
            .iter()
            .map(|n| self.size(&path.join(n)))
            .sum()
    }
    /// Removes an empty folder only: nothing with content is ever deleted.
    fn remove_empty_dir(&self, path: &Path) -> io::Result<()>;
    /// Removes a file this program wrote itself (temporary bundle parts).
    fn remove_own_file(&self, path: &Path) -> io::Result<()>;
    /// Creates a file that must not exist yet (a lock): fails with
    /// `AlreadyExists` when it does, so two processes never both succeed.
    fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Creates one folder that must not exist yet (claims a run folder).
    fn create_dir(&self, path: &Path) -> io::Result<()>;
    /// This process's id (lock owner).
    fn pid(&self) -> u32 {
        std::process::id()
    }

    /// Resolves a host name, giving up after `timeout`.
    fn resolve(&self, name: &str, timeout: Duration) -> io::Result<Vec<IpAddr>>;
    /// Connects, sends `send` (may be empty) and returns the first bytes
    /// answered (up to 16 KiB, until the server pauses or `timeout`).
    fn tcp_exchange(&self, addr: SocketAddr, send: &[u8], timeout: Duration)
        -> io::Result<Vec<u8>>;
}

/// What a path is, without opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A plain file of this many bytes.
    File(u64),
    Dir,
    /// A symbolic link or junction.
    Link,
    /// A pipe, socket or device: reading one may block or never end.
    Special,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::File(_) => "a file",
            Kind::Dir => "a folder, not a file",
            Kind::Link => "a link, which is not followed",
            Kind::Special => "a pipe, socket or device, which is not read",
        }
    }
}

/// Reads a plain file of at most `max` bytes. Anything else standing in for
/// it (a link, folder, pipe, socket or device) is not opened: the error
/// (`InvalidInput`) names what it is. A larger file is not read
/// (`InvalidData`).
pub fn read_file(host: &dyn Host, path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    match host.kind(path) {
        None => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{name} does not exist"),
        )),
        Some(Kind::File(len)) if len > max => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{name} is {len} bytes, more than the {max} it may hold; not read"),
        )),
        Some(Kind::File(_)) => host.read(path),
        Some(kind) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{name} is {}", kind.what()),
        )),
    }
}

/// The real machine, through std::process and std::fs.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealHost;

impl RealHost {
    /// On Windows, the absolute path of a Windows tool: a `reg.exe` in the
    /// current folder or early on PATH is never the one run.
    fn program(&self, program: &str) -> io::Result<String> {
        if self.os() != Os::Windows {
            return Ok(program.to_string());
        }
        windows_program(self.env("SystemRoot").as_deref(), program)
    }
}

/// The command line given to a Windows tool after its name. An argument
/// with a space, a tab or a quote is quoted by the rules of the Microsoft C
/// runtime (which `reg`, `schtasks`, `tasklist`, `powershell` use): inner
/// quotes as `\"`, backslashes doubled only before a quote. A switch with a
/// value (`/delete:OneDrive Cached Credential`) has its value quoted
/// (`/delete:"OneDrive Cached Credential"`), the form `cmdkey` documents;
/// that this exact line is accepted by each tool is not verified on
/// Windows here (see docs/fix.md).
pub fn windows_command_line(args: &[&str]) -> String {
    args.iter()
        .map(|a| windows_arg(a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn windows_arg(arg: &str) -> String {
    let needs = |s: &str| s.is_empty() || s.contains([' ', '\t', '"']);
    if !needs(arg) {
        return arg.to_string();
    }
    if let Some((switch, value)) = arg.split_once(':') {
        if switch.starts_with('/')
            && !needs(switch)
            && !value.contains('"')
            && !value.ends_with('\\')
        {
            return format!("{switch}:\"{value}\"");
        }
    }
    let mut out = String::from('"');
    let mut backslashes = 0;
    for c in arg.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            c => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

/// Where the Windows tools m365doctor runs live, under `%SystemRoot%`.
const SYSTEM_TOOLS: &[(&str, &str)] = &[
    ("cmd", r"System32\cmd.exe"),
    ("cmdkey", r"System32\cmdkey.exe"),
    ("dsregcmd", r"System32\dsregcmd.exe"),
    ("netsh", r"System32\netsh.exe"),
    (
        "powershell",
        r"System32\WindowsPowerShell\v1.0\powershell.exe",
    ),
    ("reg", r"System32\reg.exe"),
    ("schtasks", r"System32\schtasks.exe"),
    ("tasklist", r"System32\tasklist.exe"),
    ("tzutil", r"System32\tzutil.exe"),
    ("w32tm", r"System32\w32tm.exe"),
    ("wevtutil", r"System32\wevtutil.exe"),
    ("whoami", r"System32\whoami.exe"),
];

/// The absolute path of a Windows tool from `%SystemRoot%`, which must be a
/// plain local folder (`C:\Windows`): not relative, not a network share,
/// no `..`, no list or variable. Other programs are returned as they are.
pub fn windows_program(system_root: Option<&str>, program: &str) -> io::Result<String> {
    let lower = program.to_ascii_lowercase();
    let name = lower.strip_suffix(".exe").unwrap_or(&lower);
    let Some((_, rel)) = SYSTEM_TOOLS.iter().find(|(n, _)| *n == name) else {
        return Ok(program.to_string());
    };
    let root = system_root.unwrap_or("").trim_end_matches('\\');
    let b = root.as_bytes();
    let valid = b.len() >= 3
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && b[2] == b'\\'
        && !root.contains(['/', ';', '"', '%', '*', '?', '<', '>', '|'])
        && !root[2..].contains(':')
        && !root.chars().any(char::is_control)
        && root
            .split('\\')
            .skip(1)
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if !valid {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "%SystemRoot% is `{}`, not a local Windows folder such as C:\\Windows: {program} is not run from an unknown place",
                system_root.unwrap_or("")
            ),
        ));
    }
    Ok(format!("{root}\\{rel}"))
}

impl Host for RealHost {
    fn os(&self) -> Os {
        Os::current()
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn run(&self, program: &str, args: &[&str], timeout: Duration) -> io::Result<Output> {
        let program = self.program(program)?;
        let mut command = Command::new(&program);
        // Windows programs parse their command line themselves: give them
        // exactly the line `windows_command_line` builds (and tests).
        #[cfg(windows)]
        std::os::windows::process::CommandExt::raw_arg(&mut command, windows_command_line(args));
        #[cfg(not(windows))]
        command.args(args);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        // Read both pipes on threads so a chatty program cannot block on a
        // full pipe; what they read is shared as it comes, so a program
        // that left a child holding the pipes open cannot hold us past the
        // timeout.
        let read_into = |pipe: Option<Box<dyn Read + Send>>| {
            let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            let shared = buf.clone();
            let handle = std::thread::spawn(move || {
                let Some(mut pipe) = pipe else { return };
                let mut chunk = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut b) = shared.lock() {
                        b.extend_from_slice(&chunk[..n]);
                    }
                }
            });
            (buf, handle)
        };
        let (out_buf, out_thread) = read_into(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let (err_buf, err_thread) = read_into(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let start = Instant::now();
        let code = loop {
            if let Some(status) = child.try_wait()? {
                break status.code();
            }
            if start.elapsed() >= timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The rest of the output comes at once after the exit; a pipe still
        // open after a short grace belongs to a process left behind.
        let grace = Instant::now() + Duration::from_secs(2);
        while !(out_thread.is_finished() && err_thread.is_finished()) && Instant::now() < grace {
            std::thread::sleep(Duration::from_millis(10));
        }
        let take = |b: &std::sync::Arc<std::sync::Mutex<Vec<u8>>>| {
            b.lock().map(|v| v.clone()).unwrap_or_default()
        };
        Ok(Output {
            code,
            stdout: take(&out_buf),
            stderr: take(&err_buf),
        })
    }

    fn spawn(&self, program: &str, args: &[&str]) -> io::Result<()> {
        // `start` finds apps through App Paths (outlook.exe is not on PATH).
        let mut command = if self.os() == Os::Windows {
            let mut c = Command::new(self.program("cmd")?);
            c.args(["/c", "start", "", program]);
            c
        } else {
            Command::new(program)
        };
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(|_| ())
    }

    fn processes(&self) -> io::Result<Vec<Process>> {
        match self.os() {
            Os::Windows => {
                let out = self.run("tasklist", &["/fo", "csv", "/nh"], Duration::from_secs(20))?;
                Ok(parse_tasklist(&out.text()))
            }
            _ => {
                let out = self.run("ps", &["-A", "-o", "pid=,comm="], Duration::from_secs(10))?;
                Ok(out
                    .text()
                    .lines()
                    .filter_map(|l| {
                        let l = l.trim();
                        let (pid, comm) = l.split_once(char::is_whitespace)?;
                        Some(Process {
                            pid: pid.parse().ok()?,
                            image: comm.trim().rsplit('/').next()?.to_string(),
                            session: None,
                        })
                    })
                    .collect())
            }
        }
    }

    fn session(&self) -> Option<u32> {
        if self.os() != Os::Windows {
            return None;
        }
        let filter = format!("PID eq {}", self.pid());
        let out = self
            .run(
                "tasklist",
                &["/fo", "csv", "/nh", "/fi", &filter],
                Duration::from_secs(20),
            )
            .ok()?;
        parse_tasklist(&out.text()).first()?.session
    }

    fn is_elevated(&self) -> bool {
        match self.os() {
            Os::Windows => self
                .run(
                    "whoami",
                    &["/groups", "/fo", "csv", "/nh"],
                    Duration::from_secs(10),
                )
                .map(|o| groups_say_elevated(&o.text()))
                .unwrap_or(false),
            _ => self
                .run("id", &["-u"], Duration::from_secs(5))
                .map(|o| o.text().trim() == "0")
                .unwrap_or(false),
        }
    }

    fn free_space(&self, path: &Path) -> Option<u64> {
        let p = path.to_string_lossy().into_owned();
        match self.os() {
            Os::Windows => {
                let drive: String = p.chars().take(1).collect();
                let script = format!("(Get-PSDrive -Name '{drive}').Free");
                let out = self
                    .run(
                        "powershell",
                        &["-NoProfile", "-NonInteractive", "-Command", &script],
                        Duration::from_secs(30),
                    )
                    .ok()?;
                out.text().trim().parse().ok()
            }
            _ => {
                let out = self.run("df", &["-Pk", &p], Duration::from_secs(10)).ok()?;
                let text = out.text();
                let line = text.lines().nth(1)?;
                let kib: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
                Some(kib * 1024)
            }
        }
    }

    fn exists(&self, path: &Path) -> bool {
        path.symlink_metadata().is_ok()
    }

    /// A folder itself, not a symbolic link or junction to one: walks
    /// (sizes, listings) never leave the folder they started in.
    fn is_dir(&self, path: &Path) -> bool {
        path.symlink_metadata().is_ok_and(|m| m.is_dir())
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    /// From the file system's record: nothing is read (a pipe would block).
    fn file_len(&self, path: &Path) -> Option<u64> {
        path.symlink_metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = std::fs::File::create(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    fn append_durable(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(path)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        if to.symlink_metadata().is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} already exists", to.display()),
            ));
        }
        std::fs::rename(from, to).map_err(|e| {
            if e.kind() == io::ErrorKind::CrossesDevices {
                io::Error::new(
                    io::ErrorKind::CrossesDevices,
                    format!(
                        "{} and {} are on different volumes; nothing was moved",
                        from.display(),
                        to.display()
                    ),
                )
            } else {
                e
            }
        })
    }

    fn copy_file(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::copy(from, to).map(|_| ())
    }

    fn list(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    fn remove_empty_dir(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_dir(path)
    }

    fn remove_own_file(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }

    fn create_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    fn create_dir(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir(path)
    }

    fn resolve(&self, name: &str, timeout: Duration) -> io::Result<Vec<IpAddr>> {
        // std's resolver blocks without a timeout: ask on a thread and stop waiting.
        let (tx, rx) = std::sync::mpsc::channel();
        let query = format!("{name}:443");
        std::thread::spawn(move || {
            let r = query
                .to_socket_addrs()
                .map(|it| it.map(|a| a.ip()).collect::<Vec<_>>());
            let _ = tx.send(r);
        });
        match rx.recv_timeout(timeout) {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "name resolution timed out",
            )),
        }
    }

    fn tcp_exchange(
        &self,
        addr: SocketAddr,
        send: &[u8],
        timeout: Duration,
    ) -> io::Result<Vec<u8>> {
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        if send.is_empty() {
            return Ok(Vec::new());
        }
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.write_all(send)?;
        let mut buf = vec![0u8; 16 * 1024];
        let mut got = 0;
        let start = Instant::now();
        // The server's first flight (hello, certificate) comes at once; once
        // something came, a short quiet spell ends it.
        while got < buf.len() && start.elapsed() < timeout {
            match stream.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => {
                    got += n;
                    stream.set_read_timeout(Some(Duration::from_millis(300)))?;
                }
                // What came before a reset or a quiet spell is the answer.
                Err(_) if got > 0 => break,
                Err(e) => return Err(e),
            }
        }
        buf.truncate(got);
        Ok(buf)
    }
}

/// `tasklist /fo csv /nh`: `"OUTLOOK.EXE","1234","Console","1","250,000 K"`.
pub fn parse_tasklist(text: &str) -> Vec<Process> {
    text.lines()
        .filter_map(|l| {
            let fields = csv_fields(l);
            if fields.len() < 2 {
                return None;
            }
            Some(Process {
                image: fields[0].clone(),
                pid: fields[1].parse().ok()?,
                session: fields.get(3).and_then(|s| s.trim().parse().ok()),
            })
        })
        .collect()
}

/// The fields of one CSV line with quoted fields.
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// `whoami /groups /fo csv /nh` lists the High (or System) mandatory label
/// only in an elevated process.
pub fn groups_say_elevated(text: &str) -> bool {
    text.contains("S-1-16-12288") || text.contains("S-1-16-16384")
}

/// Where an environment variable that names a folder points.
pub fn env_path(host: &dyn Host, name: &str) -> Option<PathBuf> {
    host.env(name).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("m365doctor-host-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[cfg(unix)]
    #[test]
    fn a_child_left_holding_the_pipes_does_not_hold_the_run() {
        let start = Instant::now();
        let out = RealHost
            .run(
                "sh",
                &["-c", "sleep 30 & echo started"],
                Duration::from_secs(10),
            )
            .unwrap();
        assert_eq!(out.code, Some(0));
        assert_eq!(out.text().trim(), "started");
        // Not the 30 s of the process left behind.
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn windows_command_lines_quote_what_the_tools_would_split() {
        assert_eq!(
            windows_command_line(&[
                "query",
                r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion",
                "/v",
                "UBR"
            ]),
            r#"query "HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v UBR"#
        );
        assert_eq!(
            windows_command_line(&[
                "/delete:LegacyGeneric:target=OneDrive Cached Credential Business - Business1"
            ]),
            r#"/delete:"LegacyGeneric:target=OneDrive Cached Credential Business - Business1""#
        );
        assert_eq!(
            windows_command_line(&["/delete:LegacyGeneric:target=msteams_adalsso/adal_context_0"]),
            "/delete:LegacyGeneric:target=msteams_adalsso/adal_context_0"
        );
        assert_eq!(
            windows_command_line(&[
                "/v",
                "/fo",
                "csv",
                "/nh",
                "/fi",
                "imagename eq explorer.exe"
            ]),
            r#"/v /fo csv /nh /fi "imagename eq explorer.exe""#
        );
        assert_eq!(
            windows_command_line(&[
                "/run",
                "/tn",
                r"\Microsoft\Windows\Workplace Join\Automatic-Device-Join"
            ]),
            r#"/run /tn "\Microsoft\Windows\Workplace Join\Automatic-Device-Join""#
        );
        // Inner quotes escaped; a backslash before a quote, and before the
        // closing quote, doubled; elsewhere left alone.
        assert_eq!(
            windows_command_line(&[
                "-Command",
                r#"Add-AppxPackage -Register "$env:windir\SystemApps\x\Appxmanifest.xml" -DisableDevelopmentMode"#
            ]),
            r#"-Command "Add-AppxPackage -Register \"$env:windir\SystemApps\x\Appxmanifest.xml\" -DisableDevelopmentMode""#
        );
        assert_eq!(windows_command_line(&[r"C:\a b\", ""]), r#""C:\a b\\" """#);
        assert_eq!(windows_command_line(&[r#"a\"b"#]), r#""a\\\"b""#);
    }

    #[cfg(unix)]
    #[test]
    fn walks_never_follow_a_link_out_of_the_folder() {
        let d = scratch("links");
        let outside = d.join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("big.dat"), vec![0u8; 4096]).unwrap();
        let cache = d.join("IdentityCache");
        std::fs::create_dir_all(&cache).unwrap();
        std::fs::write(cache.join("a.json"), b"12345").unwrap();
        std::os::unix::fs::symlink(&outside, cache.join("junction")).unwrap();
        std::os::unix::fs::symlink(outside.join("big.dat"), cache.join("link.dat")).unwrap();
        let h = RealHost;
        assert!(h.is_dir(&cache));
        assert!(!h.is_dir(&cache.join("junction")));
        assert!(h.is_link(&cache.join("junction")));
        assert_eq!(h.size(&cache), 5, "only the folder's own file");
        // A named pipe is not read (it would block): it counts as nothing.
        let fifo = cache.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(h.size(&cache), 5);
            std::fs::remove_file(&fifo).unwrap();
        }
        // Moving the folder moves the links as links; the target stays.
        let moved = d.join("backup");
        h.rename(&cache, &moved).unwrap();
        assert!(h.is_link(&moved.join("junction")));
        assert_eq!(std::fs::read(outside.join("big.dat")).unwrap().len(), 4096);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_move_across_volumes_is_refused_and_moves_nothing() {
        use std::os::unix::fs::MetadataExt;
        // /dev/shm is a tmpfs of its own on Linux; elsewhere there may be
        // no second volume to try.
        let other = Path::new("/dev/shm");
        let d = scratch("xdev");
        let Ok(m) = other.metadata() else { return };
        if m.dev() == d.metadata().unwrap().dev() {
            return;
        }
        let from = other.join(format!("m365doctor-xdev-{}", std::process::id()));
        std::fs::create_dir_all(from.join("sub")).unwrap();
        std::fs::write(from.join("sub/a.dat"), b"data").unwrap();
        let to = d.join("moved");
        let e = RealHost.rename(&from, &to).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::CrossesDevices);
        assert!(e.to_string().contains("nothing was moved"), "{e}");
        assert_eq!(std::fs::read(from.join("sub/a.dat")).unwrap(), b"data");
        assert!(!to.exists());
        std::fs::remove_dir_all(&from).unwrap();
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn windows_tools_run_from_system32_under_a_valid_system_root() {
        let root = Some(r"C:\Windows");
        for (program, path) in [
            ("reg", r"C:\Windows\System32\reg.exe"),
            ("REG.EXE", r"C:\Windows\System32\reg.exe"),
            ("cmdkey", r"C:\Windows\System32\cmdkey.exe"),
            ("dsregcmd", r"C:\Windows\System32\dsregcmd.exe"),
            ("tasklist", r"C:\Windows\System32\tasklist.exe"),
            ("whoami", r"C:\Windows\System32\whoami.exe"),
            (
                "powershell",
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
            ),
        ] {
            assert_eq!(windows_program(root, program).unwrap(), path);
        }
        assert_eq!(
            windows_program(Some(r"D:\WINNT\"), "w32tm").unwrap(),
            r"D:\WINNT\System32\w32tm.exe"
        );
        // Apps the user works in are found by Windows as usual.
        assert_eq!(windows_program(root, "outlook.exe").unwrap(), "outlook.exe");
        for bad in [
            None,
            Some(""),
            Some("Windows"),
            Some(r"C:"),
            Some(r"C:Windows"),
            Some(r"\\server\share\Windows"),
            Some(r"C:\Windows;C:\Users\megan\Downloads"),
            Some(r"C:\Users\megan\..\..\Temp"),
            Some(r"C:\%TEMP%"),
            Some(r"C:\Windows\\System32"),
            Some("C:/Windows"),
        ] {
            let e = windows_program(bad, "reg").unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
            assert!(e.to_string().contains("SystemRoot"), "{e}");
        }
    }
}
