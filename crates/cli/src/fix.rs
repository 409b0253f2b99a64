//! `m365doctor fix`: list, plan, run and undo repairs.

use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use std::io;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum FixCommand {
    /// List every action: automated or manual, who, risk, undo
    List {
        /// Print JSON (schema m365doctor.fix/1)
        #[arg(long)]
        json: bool,
    },
}

pub fn run(_command: FixCommand, _kb: &Kb, lang: Lang, _color: bool) -> io::Result<ExitCode> {
    crate::say(
        lang,
        "`fix` is not built yet",
        "`fix` はまだ実装されていません",
    );
    Ok(ExitCode::from(2))
}
