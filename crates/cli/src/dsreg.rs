//! `m365doctor dsreg`: one `dsregcmd /status` capture, diagnosed.

use crate::args::DsregArgs;
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_diagnose::{dsreg_document, dsreg_text};
use m365doctor_kb::Kb;
use m365doctor_text::{self as decode, Decoded};
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
    let text = match decode::decode(&bytes, forced) {
        Decoded::Text { text, .. } => text,
        Decoded::Binary => {
            say(
                lang,
                "the input is a binary file, not dsregcmd output",
                "入力はバイナリ ファイルで、dsregcmd の出力ではありません",
            );
            return Ok(ExitCode::from(1));
        }
    };
    let reports: Vec<_> = m365doctor_dsreg::parse(&text)
        .iter()
        .map(|c| m365doctor_dsreg::diagnose_with(c, kb))
        .collect();
    if reports.is_empty() {
        say(
            lang,
            "no `dsregcmd /status` output found in the input; run `dsregcmd /status` in a command prompt and save or paste all of it",
            "入力に `dsregcmd /status` の出力が見つかりません。コマンド プロンプトで `dsregcmd /status` を実行し、出力全体を保存するか貼り付けてください",
        );
        return Ok(ExitCode::from(1));
    }
    let mut out = io::stdout().lock();
    let redact = !args.no_redact;
    if args.json {
        let doc = dsreg_document(&reports, lang, redact).unwrap_or_default();
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        out.write_all(dsreg_text(&reports, lang, color, redact).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
