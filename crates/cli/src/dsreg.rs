//! `m365doctor dsreg`: `dsregcmd /status` captures, diagnosed. A shell over
//! m365doctor_diagnose.

use crate::args::DsregArgs;
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_diagnose::{dsreg_document, dsreg_reports, dsreg_text, read_input};
use m365doctor_kb::Kb;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

pub fn run(args: &DsregArgs, kb: &Kb, lang: Lang, color: bool) -> io::Result<ExitCode> {
    let forced = match forced_encoding(args.encoding.as_deref(), lang) {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    // Read as `diagnose` reads: binary told from the first block, at most
    // --max-input bytes, and never a device or socket.
    let name = match &args.path {
        Some(p) if p.as_os_str() != "-" => p.display().to_string(),
        _ => "stdin".to_string(),
    };
    let read = match &args.path {
        Some(p) if p.as_os_str() != "-" => match m365doctor_walk::open(p, true) {
            Ok(file) => {
                let size = file
                    .metadata()
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.len());
                read_input(&name, file, size, args.max_input, forced)
            }
            Err(reason) => {
                let m = reason.message();
                say(
                    lang,
                    &format!("cannot read {name}: {}", m.en),
                    &format!("{name} を読み込めません: {}", m.ja),
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
            read_input(&name, io::stdin().lock(), None, args.max_input, forced)
        }
    };
    let read = match read {
        Ok(read) => read,
        Err(e) => {
            say(
                lang,
                &format!("cannot read {name}: {e}"),
                &format!("{name} を読み込めません: {e}"),
            );
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(cut) = &read.cut {
        say(
            lang,
            &format!("{name}: {}", cut.en),
            &format!("{name}: {}", cut.ja),
        );
    }
    if read.binary {
        let m = m365doctor_diagnose::DsregInputError::Binary.message();
        say(lang, &m.en, &m.ja);
        return Ok(ExitCode::from(1));
    }
    let bytes = read.bytes;
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
