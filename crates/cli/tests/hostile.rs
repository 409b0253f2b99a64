//! The reliability review's probes (issue 16) on the real binary: folder
//! walks that finish, reads that stop, and text whose encoding changes
//! part-way. Every command runs under a watchdog, so a hang is a failure,
//! not a stuck test run.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const WATCHDOG: Duration = Duration::from_secs(30);

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_m365doctor"));
    c.args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("M365DOCTOR_KB_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Waits for `child`, reading what it writes, killing it (and failing)
/// past the watchdog.
fn finish(mut child: Child, what: &str) -> Output {
    use std::io::Read;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            let what: String = what.chars().take(80).collect();
            panic!("`{what}` did not finish within {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn run(args: &[&str]) -> Output {
    finish(command(args).spawn().unwrap(), &args.join(" "))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("m365doctor-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[cfg(unix)]
    fn s(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn codes(doc: &serde_json::Value) -> Vec<String> {
    let mut codes: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// The review's F6 folder: two links to itself, a FIFO, a link to
/// /dev/zero, a broken link and two logs. Before: `scan` walked it for ever,
/// `diagnose` hung on the FIFO (or read /dev/zero until memory ran out) and
/// stopped at the broken link.
#[cfg(unix)]
#[test]
fn folder_walks_finish_and_name_every_entry_left_out() {
    let d = TempDir::new("walk");
    d.write("a.log", b"Error code: 0xCAA70004\n");
    std::os::unix::fs::symlink(".", d.path("s1")).unwrap();
    std::os::unix::fs::symlink(".", d.path("s2")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.path("zero.log")).unwrap();
    std::os::unix::fs::symlink("missing.log", d.path("dangling.log")).unwrap();
    mkfifo(&d.path("pipe.log"));
    d.write("z.log", b"hr=0x80072EE7\n");

    let o = run(&["diagnose", "--json", d.s()]);
    assert_eq!(o.status.code(), Some(1), "a broken link is an error");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        codes(&doc),
        ["0x80072EE7", "0xCAA70004"],
        "the rest is read"
    );
    let err = stderr(&o);
    for named in [
        "s1",
        "s2",
        "zero.log: a device",
        "pipe.log: a named pipe",
        "dangling.log",
    ] {
        assert!(err.contains(named), "{named} not named in:\n{err}");
    }

    let o = run(&["scan", "--json", d.s()]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["files"], 2, "each file once: {doc}");
    assert!(stderr(&o).contains("not followed again"));
}

/// A loop or a FIFO in a company knowledge-base folder hung every command.
#[cfg(unix)]
#[test]
fn a_knowledge_base_folder_with_loops_and_pipes_does_not_hang_every_command() {
    let d = TempDir::new("kb");
    std::fs::create_dir_all(d.path("kb/sub")).unwrap();
    std::os::unix::fs::symlink(".", d.path("kb/self")).unwrap();
    std::os::unix::fs::symlink("..", d.path("kb/sub/up")).unwrap();
    mkfifo(&d.path("kb/pipe.toml"));
    let o = finish(
        command(&["explain", "0x8004011d"])
            .env("M365DOCTOR_KB_DIR", d.path("kb"))
            .spawn()
            .unwrap(),
        "explain with M365DOCTOR_KB_DIR",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["kb", "lint", d.path("kb").to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("0 entries"), "{out}\n{}", stderr(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
}

/// `diagnose < /dev/zero` read until memory ran out: binary content is now
/// told from the first block and no more is read.
#[test]
fn a_binary_stream_is_not_read_past_its_first_block() {
    let mut child = command(&["diagnose"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let block = vec![0u8; 1 << 20];
        let mut sent = 0usize;
        while sent < 256 << 20 {
            match stdin.write(&block) {
                Ok(n) => sent += n,
                Err(_) => break, // the reader closed the pipe: it stopped reading
            }
        }
        sent
    });
    let o = finish(child, "diagnose < zeros");
    let sent = writer.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("binary"), "{}", stderr(&o));
    assert!(sent < 256 << 20, "all {sent} bytes were read");
}

/// Text past --max-input is left unread, and the note says so.
#[test]
fn input_past_the_limit_is_named_never_cut_silently() {
    let d = TempDir::new("cap");
    let mut text = "Error code: 0xCAA70004\n".repeat(100).into_bytes();
    text.extend("x".repeat(20_000).as_bytes());
    text.extend(b"\nhr=0x80072EE7\n");
    let file = d.write("big.log", &text);
    let o = run(&["diagnose", "--json", "--max-input", "8K", &file]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(codes(&doc), ["0xCAA70004"]);
    assert!(
        stderr(&o).contains("only the first 8.0 KiB") || stderr(&o).contains("only the first"),
        "{}",
        stderr(&o)
    );
    let o = run(&["diagnose", "--max-input", "lots", &file]);
    assert_eq!(o.status.code(), Some(2));
}

/// What PowerShell 5's `>>` makes of a UTF-8 log: UTF-16LE appended. Both
/// parts are read by `diagnose`, `scan` and `dsreg`; before, the file was
/// skipped as binary with every code in it.
#[test]
fn a_log_with_utf16_appended_is_read_in_both_parts_everywhere() {
    let d = TempDir::new("mixed");
    let mut bytes = "2026-11-20 09:00:01 Error 0x8004011d\n"
        .repeat(20)
        .into_bytes();
    bytes.extend(utf16le("2026-11-20 09:00:02 Status code: caa70004\r\n"));
    let file = d.write("mixed.log", &bytes);

    let doc: serde_json::Value =
        serde_json::from_slice(&run(&["diagnose", "--json", &file]).stdout).unwrap();
    assert_eq!(codes(&doc), ["0x8004011D", "0xCAA70004"]);

    let o = run(&["scan", "--json", &file]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let counts: Vec<(String, u64)> = doc["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("0x8004011D".to_string(), 20),
            ("0xCAA70004".to_string(), 1)
        ],
        "{doc}"
    );

    // A dsregcmd capture whose second half was appended in UTF-16LE reads
    // as the whole capture does.
    let sample = include_str!("../../dsreg/tests/data/samples/01-dsregcmd-device-state.txt");
    let cut = sample[..sample.len() / 2].rfind('\n').unwrap() + 1;
    let mut mixed = sample.as_bytes()[..cut].to_vec();
    mixed.extend(utf16le(&sample[cut..]));
    let whole = run(&["dsreg", "--json", &d.write("whole.txt", sample.as_bytes())]);
    let split = run(&["dsreg", "--json", &d.write("split.txt", &mixed)]);
    assert!(split.status.success(), "{}", stderr(&split));
    let (whole, split): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&whole.stdout).unwrap(),
        serde_json::from_slice(&split.stdout).unwrap(),
    );
    assert_eq!(whole["reports"], split["reports"]);
}

/// `explain --json` with many thousand codes writes them as it goes.
#[test]
fn explain_streams_many_codes() {
    let codes: Vec<String> = (0..4000)
        .map(|i| format!("0x{:08X}", 0x8007_0000u32 + i))
        .collect();
    let args: Vec<String> = codes.chunks(1000).map(|c| c.join(",")).collect();
    let mut all = vec!["explain", "--json"];
    all.extend(args.iter().map(String::as_str));
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["results"].as_array().unwrap().len(), 4000);
    assert_eq!(doc["schema"], "m365doctor.explain/1");
}
