//! `m365doctor collect`: one redacted evidence bundle for support.

use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use std::io;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CollectArgs {
    /// Where to write the bundle folder and its zip
    #[arg(long, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
}

pub fn run(_args: &CollectArgs, _kb: &Kb, lang: Lang) -> io::Result<ExitCode> {
    crate::say(
        lang,
        "`collect` is not built yet",
        "`collect` はまだ実装されていません",
    );
    Ok(ExitCode::from(2))
}
