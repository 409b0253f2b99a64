//! Command-line definitions. The same definitions generate `--help`, the man
//! page (`m365doctor man`) and shell completions (`m365doctor completions`).

use clap::{Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use m365doctor_codes::Lang;

const EXAMPLES: &str = "\
Examples:
  m365doctor explain 0x8004011d
  m365doctor explain CAA50021 1001 AADSTS50126
  m365doctor explain 3399614467 --json
  m365doctor explain 'FAIL [0x801c0021/0x80072ee2]'
  m365doctor explain 'エラーコード: 0x80048823' --app outlook --lang ja
  m365doctor kb search ロック
  m365doctor kb lint ./our-runbooks
  m365doctor completions bash > /etc/bash_completion.d/m365doctor";

/// Explains Microsoft 365 sign-in error codes: what each code is, which layer
/// failed, in English or Japanese. Works offline.
#[derive(Debug, Parser)]
#[command(name = "m365doctor", version, after_help = EXAMPLES)]
pub struct Cli {
    /// Language of the output [default: from LANG/LC_ALL/LC_MESSAGES, or the Windows UI language]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,

    /// When to use colours; NO_COLOR in the environment turns them off for `auto`
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// A directory of your organisation's own knowledge-base entries (same
    /// format as kb/); they are linted and override bundled entries for the
    /// same code and app
    #[arg(long, global = true, value_name = "DIR", env = "M365DOCTOR_KB_DIR")]
    pub kb_dir: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode error codes: structure, names, every interpretation and the failed layer
    #[command(after_help = EXAMPLES)]
    Explain(ExplainArgs),
    /// Find and explain every code in pasted text, logs and files, and write the support ticket
    #[command(after_help = DIAGNOSE_EXAMPLES)]
    Diagnose(DiagnoseArgs),
    /// Count every code in large log sets (folders, gigabytes): per code the count, first and last seen
    #[command(after_help = SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// Read `dsregcmd /status` output and diagnose device registration, PRT, TPM, Windows Hello and SSO
    #[command(after_help = DSREG_EXAMPLES)]
    Dsreg(DsregArgs),
    /// Browse, search and lint the knowledge base
    #[command(subcommand)]
    Kb(KbCommand),
    /// List, plan, run and undo safe repairs (carried out on Windows only; dry run by default)
    #[command(subcommand)]
    Fix(crate::fix::FixCommand),
    /// Gather what support needs into one redacted folder and zip, and diagnose it
    Collect(crate::collect::CollectArgs),
    /// Serve a local web page and JSON API for helpdesks (loopback only by default)
    Serve(crate::serve::ServeArgs),
    /// Analyse a whole tenant's Entra sign-in logs offline: top failures by users affected, causes, fixes, attacks; or the same as KQL
    Signins(crate::signins::SigninsArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff)
    Man,
}

const DIAGNOSE_EXAMPLES: &str = "\
Examples:
  m365doctor diagnose --example                 # a built-in Teams sign-in failure
  m365doctor diagnose error.txt                  # a pasted dialog or a log
  Get-Clipboard | m365doctor diagnose            # PowerShell: the clipboard
  m365doctor diagnose %TEMP%\\Outlook\\ --format markdown > ticket.md
  m365doctor diagnose logs.zip --json --tried restart-app sign-out-sign-in
  m365doctor diagnose report.txt --answer clock=no --answer other-devices=yes";

const DSREG_EXAMPLES: &str = "\
Examples:
  dsregcmd /status | m365doctor dsreg            # on the device itself (run it as the user)
  m365doctor dsreg status.txt --lang ja           # a capture saved by someone else (UTF-16 and CP932 too)
  m365doctor dsreg status.txt --json";

const SCAN_EXAMPLES: &str = "\
Examples:
  m365doctor scan %TEMP%\\Outlook\\ %LOCALAPPDATA%\\Microsoft\\Teams\\
  m365doctor scan /srv/helpdesk/collected-logs --json > codes.json";

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or folders (read recursively)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,

    /// Print JSON (schema m365doctor.scan/1)
    #[arg(long)]
    pub json: bool,

    /// Read every file in this encoding instead of detecting it
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,

    /// Worker threads [default: the number of CPUs]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct DsregArgs {
    /// A saved `dsregcmd /status` output (any encoding); `-` or nothing reads standard input
    #[arg(value_name = "FILE|-")]
    pub path: Option<std::path::PathBuf>,

    /// Print one JSON object (schema m365doctor.dsreg/1)
    #[arg(long)]
    pub json: bool,

    /// Read the input in this encoding instead of detecting it
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,

    /// Keep device and tenant ids and names, the user's address, key ids and
    /// the certificate thumbprint in the output (they are replaced by
    /// placeholders by default)
    #[arg(long)]
    pub no_redact: bool,
    /// Bytes read from the file or standard input, at most (e.g. 16M)
    #[arg(long, value_name = "SIZE", default_value = "128M", value_parser = parse_size)]
    pub max_input: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct DiagnoseArgs {
    /// Files or folders to read (text in any Windows encoding, logs); `-` or nothing reads standard input
    #[arg(value_name = "FILE|DIR|-")]
    pub paths: Vec<std::path::PathBuf>,

    /// Diagnose a built-in example instead (a Teams sign-in failure with a network cause)
    #[arg(long, conflicts_with = "paths")]
    pub example: bool,

    /// Output format: readable text, a Markdown support ticket, or JSON (schema m365doctor.diagnose/1)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Same as --format json
    #[arg(long)]
    pub json: bool,

    /// Read the input in this encoding instead of detecting it (utf-8, utf-16le, utf-16be, shift_jis/cp932)
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,

    /// Actions already tried (ids from `m365doctor kb list`); the plan leaves them out and the ticket lists them
    #[arg(long, value_name = "ACTION", num_args = 1..)]
    pub tried: Vec<String>,

    /// The app the problem is in, when the text does not say
    #[arg(long, value_enum)]
    pub app: Vec<App>,

    /// Keep user names, e-mail addresses, ids and other identifiers in the output (credentials are removed either way)
    #[arg(long)]
    pub no_redact: bool,
    /// Bytes read from one file or from standard input, at most (e.g. 512M,
    /// 2G); what is past it is left unread and named. Text in all inputs
    /// together may be four times this
    #[arg(long, value_name = "SIZE", default_value = "128M", value_parser = parse_size)]
    pub max_input: u64,

    /// Answer one of the questions ahead, e.g. `clock=no` (repeatable; the ids are listed under the questions and in --json's `questions`)
    #[arg(long, value_name = "QUESTION=ANSWER")]
    pub answer: Vec<String>,

    /// Never ask the questions at the terminal (they are still listed in the output)
    #[arg(long)]
    pub no_ask: bool,
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// List every entry
    List {
        /// Print JSON (schema m365doctor.kb/1)
        #[arg(long)]
        json: bool,
    },
    /// Show one entry in full
    Show {
        /// The entry id, e.g. aadsts-invalid-password
        id: String,
        /// Print the entry as JSON, both languages
        #[arg(long)]
        json: bool,
    },
    /// Search titles, dialog texts, causes and steps in English and Japanese
    Search {
        /// Words that must all occur, e.g. `locked` or `ロック`
        #[arg(required = true)]
        words: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Check a directory of entries against every rule (default: the bundled kb/)
    Lint {
        /// The directory to check
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Codes in any form: 0x8004011d, 8004011D, -2147221219, 3399614467, CAA50021,
    /// AADSTS50126, 1001, 0x3e9, pairs like 0x801c0021/0x80072ee2; labels such as
    /// "Error Code:" or "エラーコード:" may stay around them
    #[arg(required = true, value_name = "CODE", allow_negative_numbers = true)]
    pub codes: Vec<String>,

    /// Print one JSON object (schema m365doctor.explain/1) instead of text
    #[arg(long)]
    pub json: bool,

    /// The app that showed the code; ranks its meaning first where codes differ by app
    #[arg(long, value_enum)]
    pub app: Vec<App>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    En,
    Ja,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Ja => Lang::Ja,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum App {
    Outlook,
    Teams,
    Onedrive,
    Word,
    Excel,
    Powerpoint,
    Office,
    Edge,
    CompanyPortal,
    AzureCli,
    Windows,
}

impl App {
    pub fn id(self) -> &'static str {
        match self {
            App::Outlook => "outlook",
            App::Teams => "teams",
            App::Onedrive => "onedrive",
            App::Word => "word",
            App::Excel => "excel",
            App::Powerpoint => "powerpoint",
            App::Office => "office",
            App::Edge => "edge",
            App::CompanyPortal => "company-portal",
            App::AzureCli => "azure-cli",
            App::Windows => "windows",
        }
    }
}

/// A size in bytes: a number, optionally with K, M or G (powers of 1024;
/// `KiB`, `MB` and the like are read the same way).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = t.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write it like 512M or 2G"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("`{text}` is not a size; write it like 512M or 2G")),
    };
    match number.checked_mul(1 << shift) {
        Some(0) | None => Err(format!("`{text}` is not a usable size")),
        Some(n) => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("64kib"), Ok(64 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        for bad in ["", "0", "M", "12T", "-1M", "99999999999999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
