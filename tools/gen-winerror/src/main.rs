//! Generates `crates/codes/src/generated/win_errors.rs`, the compiled-in table of
//! Windows error names (WIN32_ERROR, HRESULT, NTSTATUS, WinInet, WinHttp) and the
//! HRESULT / NTSTATUS facility names, from the windows-sys 0.61.2 sources.
//!
//! windows-sys is MIT/Apache and keeps each constant's type and module, which the
//! decoder shows as "kind" and "area". Only its source text is read; nothing is
//! linked. The crate is located through `cargo metadata`, so no Windows SDK is needed.
//!
//! Which constants are taken:
//! - every constant typed `WIN32_ERROR`, `HRESULT` or `NTSTATUS`, whatever its value
//!   (success and informational codes too, and the `WIN32_ERROR`s that winerror.h
//!   defines as 32-bit values such as `ERROR_VMCOMPUTE_INVALID_JSON`);
//! - the WinINet and WinHTTP `u32` error constants;
//! - Winsock's `WSA_ERROR` constants in the system error range 10001-11999;
//! - the system error codes that the metadata types otherwise (see [`is_system_error_alias`]):
//!   `RPC_STATUS` (`RPC_S_*`, `EPT_S_*`), `WAIT_EVENT` (`WAIT_TIMEOUT`) and winerror.h's
//!   own untyped codes (plain `i32` in `Win32::Foundation`: `RPC_X_*`, `OR_*`,
//!   `FRS_ERR_*`, `PEERDIST_ERROR_*`, ...), when the value lies in the documented system
//!   error range 0-15999 and no `WIN32_ERROR` constant already names it.
//!
//! Each name gets a rank (see [`rank`]) so that a value's names are listed in the
//! order an administrator knows them.
//!
//! ```text
//! cargo run -p gen-winerror             # rewrite the checked-in table
//! cargo run -p gen-winerror -- --check  # exit 1 if the table is out of date (CI)
//! ```
//!
//! Exit codes: 0 ok, 1 table out of date (`--check`), 2 any other error.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const WINDOWS_SYS_VERSION: &str = "0.61.2";
const OUTPUT: &str = "crates/codes/src/generated/win_errors.rs";
/// The full table has about 14,000 rows; far fewer means the source layout changed.
const MIN_ROWS: usize = 10_000;
/// The highest system error code; Microsoft's "System Error Codes" pages (all defined in
/// WinError.h) cover 0-15999 (0x0-0x3E7F).
const SYSTEM_ERROR_MAX: u32 = 15_999;
/// winerror.h and ntstatus.h, the headers every Windows component reports through.
const SYSTEM_HEADERS_AREA: &str = "Win32::Foundation";

/// Declaration order is the output sort order and must match `NameKind` in the codes crate.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Win32,
    HResult,
    NtStatus,
    WinInet,
    WinHttp,
}
use Kind::*;

const KINDS: [Kind; 5] = [Win32, HResult, NtStatus, WinInet, WinHttp];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.as_slice() {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo run -p gen-winerror [-- --check]");
            return ExitCode::from(2);
        }
    };
    run(check).unwrap_or_else(|msg| {
        eprintln!("gen-winerror: error: {msg}");
        ExitCode::from(2)
    })
}

fn run(check: bool) -> Result<ExitCode, String> {
    // The compile-time manifest dir keeps `cargo run -p` working from any cwd.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let src = windows_sys_src(&root)?;
    let generated = generate(&src)?;
    let out = root.join(OUTPUT);
    if check {
        if std::fs::read(&out).ok().as_deref() == Some(generated.as_bytes()) {
            println!("{OUTPUT} is up to date with windows-sys {WINDOWS_SYS_VERSION}");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "gen-winerror: {OUTPUT} is missing or differs from what windows-sys \
             {WINDOWS_SYS_VERSION} generates.\nRegenerate it with `cargo run -p gen-winerror` \
             and commit the result."
        );
        return Ok(ExitCode::from(1));
    }
    let dir = out.parent().ok_or("output path has no parent directory")?;
    let io_err = |what: &str, p: &Path, e: std::io::Error| format!("{what} {}: {e}", p.display());
    std::fs::create_dir_all(dir).map_err(|e| io_err("cannot create", dir, e))?;
    // Rename over the old file so an interrupted run never leaves half a table behind.
    let tmp = dir.join(".win_errors.rs.tmp");
    std::fs::write(&tmp, &generated).map_err(|e| io_err("cannot write", &tmp, e))?;
    std::fs::rename(&tmp, &out).map_err(|e| io_err("cannot replace", &out, e))?;
    println!("wrote {OUTPUT} ({} bytes)", generated.len());
    Ok(ExitCode::SUCCESS)
}

/// Returns windows-sys's `src` directory as resolved by this workspace's lock file.
fn windows_sys_src(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run `{} metadata`: {e}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "`cargo metadata` failed ({}):\n{stderr}",
            output.status
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cannot parse `cargo metadata` output: {e}"))?;
    let packages = json["packages"]
        .as_array()
        .ok_or("`cargo metadata` has no `packages`")?;
    let versions: Vec<&str> = packages
        .iter()
        .filter(|p| p["name"] == "windows-sys")
        .filter_map(|p| p["version"].as_str())
        .collect();
    let Some(pkg) = packages
        .iter()
        .find(|p| p["name"] == "windows-sys" && p["version"] == WINDOWS_SYS_VERSION)
    else {
        return Err(format!(
            "windows-sys {WINDOWS_SYS_VERSION} is not in the dependency graph (found: {versions:?}); \
             tools/gen-winerror/Cargo.toml must pin windows-sys = \"={WINDOWS_SYS_VERSION}\""
        ));
    };
    let manifest = pkg["manifest_path"]
        .as_str()
        .ok_or("windows-sys has no manifest_path")?;
    let src = Path::new(manifest).with_file_name("src");
    if !src.is_dir() {
        return Err(format!(
            "{} does not exist; run `cargo fetch`",
            src.display()
        ));
    }
    Ok(src)
}

fn generate(src: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    collect_rs(src, &mut files)?;
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut kept_lines = 0usize;
    let (mut names, mut hr_fac, mut nt_fac) = (Vec::new(), Vec::new(), Vec::new());
    let mut aliases = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(src)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let module = rel.trim_start_matches("Windows/").trim_end_matches(".rs");
        let area = module.trim_end_matches("/mod").replace('/', "::");
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let (wininet, winhttp) = (
            area == "Win32::Networking::WinInet",
            area == "Win32::Networking::WinHttp",
        );
        for line in text.lines() {
            let Some((name, ty, value)) = parse_line(line) else {
                continue;
            };
            // `CO_E_FIRST`, `DNS_ERROR_RCODE_LAST`, `FACILITY_MAXIMUM_VALUE` bound
            // ranges; shown beside a real name they would only mislead.
            if name.ends_with("_FIRST")
                || name.ends_with("_LAST")
                || name.ends_with("_MAXIMUM_VALUE")
            {
                continue;
            }
            if is_system_error_alias(ty, &area, value) {
                aliases.push((value, name.to_owned(), area.clone()));
                kept_lines += 1;
                hash = fnv1a(hash, line);
                continue;
            }
            let kind = match ty {
                "WIN32_ERROR" => Some(Win32),
                "HRESULT" => Some(HResult),
                "NTSTATUS" => Some(NtStatus),
                // A few modules (e.g. System::Search) type their HRESULTs as plain i32.
                "i32" if value >> 31 == 1 && name.contains("_E_") => Some(HResult),
                "u32" if wininet && inet_name(name) => Some(WinInet),
                "u32" if winhttp && name.starts_with("ERROR_WINHTTP_") => Some(WinHttp),
                // Winsock's errors are system error codes too (10000-11999 on the
                // "System Error Codes" pages); WSA_ERROR also types aliases of
                // smaller Win32 errors (WSA_INVALID_HANDLE = 6), left to their
                // ERROR_ names, and WSABASEERR, the range's base.
                "WSA_ERROR" if (10_001..=11_999).contains(&value) => Some(Win32),
                "FACILITY_CODE" | "NTSTATUS_FACILITY_CODE" => {
                    // FACILITY_NT_BIT (0x10000000) is typed FACILITY_CODE but is a flag bit.
                    let Ok(v) = u16::try_from(value) else {
                        continue;
                    };
                    let fac = if ty == "FACILITY_CODE" {
                        &mut hr_fac
                    } else {
                        &mut nt_fac
                    };
                    fac.push((v, name.to_owned()));
                    None
                }
                _ => continue,
            };
            if let Some(kind) = kind {
                names.push((value, kind, name.to_owned(), area.clone()));
            }
            kept_lines += 1;
            hash = fnv1a(hash, line);
        }
    }
    // An alias of a code that WIN32_ERROR already names (RPC_S_OK, WAIT_ABANDONED)
    // would only repeat it; the others are the only names of their system error code.
    let win32_values: std::collections::HashSet<u32> =
        names.iter().filter(|n| n.1 == Win32).map(|n| n.0).collect();
    let before = names.len();
    names.extend(
        aliases
            .into_iter()
            .filter(|a| !win32_values.contains(&a.0))
            .map(|(value, name, area)| (value, Win32, name, area)),
    );
    let aliases_taken = names.len() - before;
    let mut names: Vec<(u32, Kind, u8, String, String)> = names
        .into_iter()
        .map(|(value, kind, name, area)| (value, kind, rank(kind, &name, &area), name, area))
        .collect();
    // The same name in several modules collapses to its best-ranked copy.
    names.sort_by(|a, b| (a.0, a.1, &a.3, a.2, &a.4).cmp(&(b.0, b.1, &b.3, b.2, &b.4)));
    names.dedup_by(|a, b| (a.0, a.1, &a.3) == (b.0, b.1, &b.3));
    names.sort();
    for fac in [&mut hr_fac, &mut nt_fac] {
        fac.sort();
        fac.dedup();
    }
    let count = |k: Kind| names.iter().filter(|n| n.1 == k).count();
    if let Some(k) = KINDS.into_iter().find(|&k| count(k) == 0) {
        return Err(format!(
            "no {k:?} constants matched in {}; did the format change?",
            src.display()
        ));
    }
    if names.len() < MIN_ROWS || hr_fac.is_empty() || nt_fac.is_empty() {
        return Err(format!(
            "only {} names, {} HRESULT and {} NTSTATUS facilities matched in {} \
             (expected >= {MIN_ROWS} names); did the source format change?",
            names.len(),
            hr_fac.len(),
            nt_fac.len(),
            src.display()
        ));
    }

    // Writing to a String cannot fail, so the fmt::Results below are ignored.
    let mut out = String::with_capacity(1 << 21);
    let per_kind: Vec<String> = KINDS
        .iter()
        .map(|&k| format!("{} {k:?}", count(k)))
        .collect();
    let _ = write!(
        out,
        "// @generated by `cargo run -p gen-winerror` from windows-sys {WINDOWS_SYS_VERSION} \
         (MIT OR Apache-2.0). Do not edit by hand.\n\
         // Input: FNV-1a 64 of the {kept_lines} matched source lines = {hash:#018x}\n\
         // Rows: {} names ({}; {aliases_taken} of the Win32 names are system error codes typed otherwise); \
         facilities: {} HRESULT, {} NTSTATUS.\n\n\
         //! Windows error names extracted from windows-sys; see `tools/gen-winerror`.\n\n\
         use crate::tables::{{NameKind, WinName}};\n\n\
         /// Every named Windows error value, sorted by (value, kind, rank, name): binary search\n\
         /// by value, and a value's names of one kind in the order they are shown.\n\
         #[rustfmt::skip]\npub static WIN_NAMES: &[WinName] = &[\n",
        names.len(),
        per_kind.join(", "),
        hr_fac.len(),
        nt_fac.len()
    );
    for (value, kind, rank, name, area) in &names {
        let _ = writeln!(
            out,
            "    WinName {{ value: 0x{value:08X}, name: \"{name}\", kind: NameKind::{kind:?}, area: \"{area}\", rank: {rank} }},"
        );
    }
    out.push_str("];\n");
    for (label, fac) in [("HRESULT", &hr_fac), ("NTSTATUS", &nt_fac)] {
        let _ = write!(
            out,
            "\n/// {label} facility codes and their `FACILITY_*` names, sorted by (value, name).\n\
             #[rustfmt::skip]\npub static {label}_FACILITIES: &[(u16, &str)] = &[\n"
        );
        for (value, name) in fac {
            let _ = writeln!(out, "    ({value}, \"{name}\"),");
        }
        out.push_str("];\n");
    }
    Ok(out)
}

/// winerror.h defines some system error codes without the WIN32_ERROR type, so the
/// metadata files them elsewhere: RPC status codes (`RPC_STATUS`: `RPC_S_*`, `EPT_S_*`),
/// the wait result that is also error 258 (`WAIT_EVENT`: `WAIT_TIMEOUT`), and its
/// untyped `#define NAME 1234L` codes, which become plain `i32` in winerror.h's module
/// (`RPC_X_*`, `OR_*`, `FRS_ERR_*`, `PEERDIST_ERROR_*`, `DNS_INFO_*`, ...). Plain `u32`
/// constants there are not winerror.h's (`MAX_PATH`, `WINVER`, router errors from
/// mprerror.h) and are left out.
fn is_system_error_alias(ty: &str, area: &str, value: u32) -> bool {
    let typed = match ty {
        "RPC_STATUS" | "WAIT_EVENT" => true,
        "i32" => area == SYSTEM_HEADERS_AREA,
        _ => false,
    };
    typed && value <= SYSTEM_ERROR_MAX
}

/// Among one value's names of one kind, lower ranks are shown first: names from the
/// system-wide headers (winerror.h, ntstatus.h; the RPC status codes are winerror.h's
/// too) before names from a component's header (DirectInput `DIERR_*`, Still Image
/// `STIERR_*`, MAPI, Fax, Peer, ...), and in each, the kind's generic spelling
/// (`ERROR_*`; `E_*`/`S_*`; `STATUS_*`) before a component's prefix inside the same
/// header (`DNS_ERROR_*`, `SEC_E_*`, `EXCEPTION_*`).
fn rank(kind: Kind, name: &str, area: &str) -> u8 {
    let system_header =
        area == SYSTEM_HEADERS_AREA || (kind == Win32 && area == "Win32::System::Rpc");
    let component_header = !system_header;
    let generic = match kind {
        Win32 => name.starts_with("ERROR_"),
        HResult => name.starts_with("E_") || name.starts_with("S_"),
        NtStatus => name.starts_with("STATUS_"),
        WinInet | WinHttp => true,
    };
    2 * u8::from(component_header) + u8::from(!generic)
}

fn inet_name(name: &str) -> bool {
    name.starts_with("ERROR_INTERNET_") || name.starts_with("ERROR_HTTP_")
}

fn fnv1a(hash: u64, line: &str) -> u64 {
    line.bytes().chain([b'\n']).fold(hash, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn collect_rs(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let err = |e: std::io::Error| format!("cannot list {}: {e}", dir.display());
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.is_dir() {
            collect_rs(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// Matches `pub const NAME: TYPE = VALUE;` exactly as windows-sys emits it and returns
/// (NAME, last `::` segment of TYPE, VALUE as u32).
/// VALUE is `0xHEX_u32 as _` (upper-case hex), `NNNu32` or `[-]NNNi32`.
fn parse_line(line: &str) -> Option<(&str, &str, u32)> {
    let (name, rest) = line.strip_prefix("pub const ")?.split_once(": ")?;
    let (ty, value) = rest.split_once(" = ")?;
    let value = value.strip_suffix(';')?;
    if !is_ident(name) || !ty.split("::").all(is_ident) {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let value = if let Some(hex) = value
        .strip_prefix("0x")
        .and_then(|v| v.strip_suffix("_u32 as _"))
    {
        let upper = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
        if hex.is_empty() || !hex.bytes().all(upper) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()?
    } else if let Some(dec) = value.strip_suffix("u32").filter(|d| digits(d)) {
        dec.parse().ok()?
    } else {
        let dec = value.strip_suffix("i32")?;
        if !digits(dec.strip_prefix('-').unwrap_or(dec)) {
            return None;
        }
        // Reinterpreting the bits is the point: HRESULTs are negative as i32.
        dec.parse::<i32>().ok()? as u32
    };
    Some((name, ty.rsplit("::").next()?, value))
}

fn is_ident(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
