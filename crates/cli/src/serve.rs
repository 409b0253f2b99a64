//! `m365doctor serve`: the local web page and JSON API.

use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use std::io;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub addr: String,
}

pub fn run(_args: ServeArgs, _kb: Kb, lang: Lang) -> io::Result<ExitCode> {
    crate::say(
        lang,
        "`serve` is not built yet",
        "`serve` はまだ実装されていません",
    );
    Ok(ExitCode::from(2))
}
