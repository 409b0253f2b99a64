//! `m365doctor dsreg`: `dsregcmd /status` captures, diagnosed. A shell over
//! m365doctor_diagnose.

use crate::args::DsregArgs;
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_diagnose::{dsreg_document, dsreg_reports, dsreg_text};
use m365doctor_kb::Kb;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;

pub fn run(args: &DsregArgs, kb: &Kb, lang: Lang, color: bool) -> io::Result<ExitCode> {
    let forced = match forced_encoding(args.encoding.as_deref(), lang) {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let bytes = match &args.path {
        Some(p) if p.as_os_str() != "-" => match std::fs::read(p) {
            Ok(b) => b,
            Err(e) => {
                say(
                    lang,
                    &format!("cannot read {}: {e}", p.display()),
                    &format!("{} を読み込めません: {e}", p.display()),
                );
                return Ok(ExitCode::from(1));
            }
        },
        _ => {
            if io::stdin().is_terminal() {
                say(
                    lang,
                    "paste the output of `dsregcmd /status`, then press Ctrl-D (Ctrl-Z and Enter on Windows)",
                    "`dsregcmd /status` の出力を貼り付けてから Ctrl-D を押してください (Windows では Ctrl-Z のあと Enter)",
                );
            }
            let mut b = Vec::new();
            io::stdin().read_to_end(&mut b)?;
            b
        }
    };
    let reports = match dsreg_reports([&bytes[..]], forced, kb) {
        Ok(r) => r,
        Err(e) => {
            let m = e.message();
            say(lang, &m.en, &m.ja);
            return Ok(ExitCode::from(1));
        }
    };
    let redact = !args.no_redact;
    let mut out = io::stdout().lock();
    if args.json {
        let doc = dsreg_document(&reports, lang, redact).unwrap_or_default();
        m365doctor_text::json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        out.write_all(dsreg_text(&reports, lang, color, redact).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
