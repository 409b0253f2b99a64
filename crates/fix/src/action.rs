//! What an automated action is: one module under `actions/` holds
//! everything m365doctor knows about carrying out one action of the
//! knowledge base's vocabulary (what it reads from the machine, its plan,
//! how it is verified, why undo is what it is, what it may change), and
//! `actions/mod.rs` registers it with one line. The runner, the catalog and
//! the command line only ever go through this description.

use crate::facts::Facts;
use crate::host::{Host, Os};
use crate::plan::{Options, Plan, UndoKind};
use crate::t;
use crate::text::Text;
use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use std::io;
use std::time::Duration;

/// One automated action.
pub struct Action {
    /// Its id in the knowledge base's vocabulary (`kb/actions.toml`, where
    /// its title, text, who and risk are, and `automated = true`).
    pub id: &'static str,
    /// The systems it runs on; elsewhere `fix run`, `undo` and `resume`
    /// refuse (its plan can still be shown).
    pub platforms: &'static [Os],
    /// Changes the machine (a journaled, undoable run) rather than only
    /// reading it.
    pub changes: bool,
    pub undo: UndoKind,
    /// Needs administrator rights even where the vocabulary says a user may
    /// ask for it.
    pub admin: bool,
    /// Why undo is what it is (`fix list`, the plan).
    pub undo_note: fn() -> Text,
    /// Everything it may change. A journal naming anything else is damaged
    /// and never acted on (see `runner::trust`).
    pub roots: Roots,
    /// Reads what its plan needs from the machine, read-only; called only
    /// on the machine the plan is for (Windows, `%LOCALAPPDATA%` known).
    pub gather: fn(&dyn Host, &mut Facts),
    /// Adds its steps, checks, notes and refusals to the plan, from the
    /// facts alone (pure: without facts it plans a template for Windows).
    pub plan: fn(&mut Plan, &Facts, &Options),
    /// A read-only action is carried out here rather than by the runner.
    pub read_only: Option<fn(&ReadOnly) -> io::Result<Shown>>,
}

/// What an action may change.
pub struct Roots {
    /// Folders under `%LOCALAPPDATA%` (Windows spelling), each with
    /// everything inside.
    pub folders: &'static [&'static str],
    /// Registry keys, each with everything under it.
    pub keys: &'static [&'static str],
    /// Credential Manager targets it removes.
    pub credentials: fn(&str) -> bool,
}

impl Roots {
    pub const NONE: Roots = Roots {
        folders: &[],
        keys: &[],
        credentials: no_credential,
    };
}

fn no_credential(_: &str) -> bool {
    false
}

pub const WINDOWS: &[Os] = &[Os::Windows];
pub const EVERYWHERE: &[Os] = &[Os::Windows, Os::Linux, Os::MacOs];

impl Action {
    /// What a module does not say: a Windows action that changes the
    /// machine, undone fully from its backup, with nothing to read or plan.
    pub const DEFAULT: Action = Action {
        id: "",
        platforms: WINDOWS,
        changes: true,
        undo: UndoKind::Full,
        admin: false,
        undo_note: restores_everything,
        roots: Roots::NONE,
        gather: gathers_nothing,
        plan: plans_nothing,
        read_only: None,
    };

    pub fn runs_on(&self, os: Os) -> bool {
        self.platforms.contains(&os)
    }

    /// Only on Windows.
    pub fn windows_only(&self) -> bool {
        self.platforms == WINDOWS
    }
}

fn gathers_nothing(_: &dyn Host, _: &mut Facts) {}

fn plans_nothing(_: &mut Plan, _: &Facts, _: &Options) {}

/// The undo note of an action restored from its backup.
pub fn restores_everything() -> Text {
    t!(
        "`m365doctor fix undo` restores everything from this run's backup.",
        "`m365doctor fix undo` で、この実行のバックアップからすべて復元できます。"
    )
}

/// The undo note of a read-only action.
pub fn reads_only() -> Text {
    t!(
        "Read-only: nothing on the machine changes.",
        "読み取りのみです。マシンの状態は何も変更しません。"
    )
}

/// What a read-only action is carried out with.
pub struct ReadOnly<'a> {
    pub host: &'a dyn Host,
    pub kb: &'a Kb,
    pub lang: Lang,
    /// JSON rather than text.
    pub json: bool,
    /// Identifiers (user names, tenant and device ids) replaced by
    /// placeholders, as in every report (`--no-redact` keeps them).
    pub redact: bool,
    /// How long one probe may take.
    pub timeout: Duration,
}

/// What a read-only action gives the front end to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// For standard output; `ok: false` when what it found is a failure
    /// (exit 1).
    Output { text: String, ok: bool },
    /// Refused before doing anything (exit 2).
    Refused(Text),
    /// Could not be carried out (exit 1).
    Failed(Text),
    /// The evidence bundle: the front end's own `collect` command, which
    /// writes where the user says.
    Collect,
}
