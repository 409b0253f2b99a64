//! `m365doctor collect`: one redacted evidence bundle for support, with the
//! diagnosis (ticket.md, diagnosis.json) inside. A thin shell over
//! m365doctor_fix::collect.

use m365doctor_codes::Lang;
use m365doctor_fix::collect::{collect, CollectOptions, Outcome};
use m365doctor_fix::host::RealHost;
use m365doctor_kb::Kb;
use serde_json::json;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Default, clap::Args)]
pub struct CollectArgs {
    /// Where to write the bundle folder and its zip (default: %LOCALAPPDATA%\m365doctor\evidence, ~/.local/share/m365doctor/evidence elsewhere)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Keep user names, e-mail addresses, tenant and device ids as they are
    #[arg(long)]
    pub no_redact: bool,
    /// Print the manifest and the paths as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &CollectArgs, kb: &Kb, lang: Lang) -> io::Result<ExitCode> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| m365doctor_fix::collect::default_out(&RealHost));
    // A folder that does not exist yet is made (like `mkdir -p`) when there
    // is a bundle to write, not before: with nothing to gather nothing is
    // written. Something that is not a folder is refused.
    if out.exists() && !out.is_dir() {
        crate::say(
            lang,
            &format!("{} is not a folder", out.display()),
            &format!("{} はフォルダーではありません", out.display()),
        );
        return Ok(ExitCode::from(2));
    }
    // Absolute, so that the temporary folder is surely not inside it.
    let out = std::path::absolute(&out).unwrap_or(out);
    let options = CollectOptions {
        out,
        redact: !args.no_redact,
        lang,
    };
    let bundle = match collect(&RealHost, kb, &options) {
        Ok(Outcome::Written(b)) => b,
        Ok(Outcome::Nothing(why)) => {
            if args.json {
                let doc = json!({"schema": m365doctor_fix::collect::SCHEMA, "written": false, "why": why.get(lang)});
                println!("{doc}");
            } else {
                println!("{}", why.get(lang));
            }
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => {
            crate::say(
                lang,
                &format!("the evidence bundle could not be written (nothing partial is left): {e}"),
                &format!(
                    "証跡一式を書き込めませんでした (途中までのファイルは残していません): {e}"
                ),
            );
            return Ok(ExitCode::from(1));
        }
    };
    for w in &bundle.warnings {
        crate::say(lang, &w.en, &w.ja);
    }
    if args.json {
        let doc = json!({
            "schema": m365doctor_fix::collect::SCHEMA,
            "written": true,
            "dir": bundle.dir,
            "zip": bundle.zip,
            "findings": bundle.findings,
            "manifest": bundle.manifest,
        });
        let mut o = io::stdout().lock();
        m365doctor_text::json::to_writer_pretty(&mut o, &doc)?;
        writeln!(o)?;
        return Ok(exit_code(&bundle));
    }
    let ja = lang == Lang::Ja;
    let mut o = io::stdout().lock();
    if ja {
        writeln!(o, "証跡一式を作成しました:")?;
    } else {
        writeln!(o, "Evidence bundle written:")?;
    }
    writeln!(o, "  {}", bundle.dir.display())?;
    writeln!(o, "  {}", bundle.zip.display())?;
    for f in &bundle.files {
        writeln!(o, "    {f}")?;
    }
    if !bundle.skipped.is_empty() {
        writeln!(
            o,
            "{}",
            if ja {
                "含めなかったもの:"
            } else {
                "Not included:"
            }
        )?;
        for s in &bundle.skipped {
            writeln!(o, "  - {}: {}", s.what, s.why.get(lang))?;
        }
    }
    if ja {
        writeln!(
            o,
            "診断結果 ({} 件) は ticket.md と diagnosis.json にあります。{}送付前に内容を確認してください。",
            bundle.findings,
            if options.redact {
                "ユーザー名、メール アドレス、テナント ID、デバイス ID はマスキング済みです。"
            } else {
                "ユーザー名、メール アドレス、ID はマスキングしていません (資格情報は除去済みです)。"
            }
        )?;
    } else {
        writeln!(
            o,
            "The diagnosis ({} findings) is in ticket.md and diagnosis.json. {}Review the files before sending them.",
            bundle.findings,
            if options.redact {
                "User names, e-mail addresses, tenant and device ids are redacted. "
            } else {
                "User names, e-mail addresses and ids are not redacted (credentials are removed). "
            }
        )?;
    }
    Ok(exit_code(&bundle))
}

/// 1 when something needs the user's attention (a temporary folder with
/// unredacted exports could not be removed), though the bundle is complete.
fn exit_code(bundle: &m365doctor_fix::collect::Bundle) -> ExitCode {
    if bundle.warnings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
