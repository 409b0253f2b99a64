//! `collect-evidence`: the evidence bundle of `m365doctor collect`, read-only.

use crate::action::{reads_only, Action, ReadOnly, Shown, EVERYWHERE};
use crate::facts::Facts;
use crate::plan::{Options, Plan, UndoKind};
use crate::t;
use std::io;

pub const ACTION: Action = Action {
    id: "collect-evidence",
    platforms: EVERYWHERE,
    changes: false,
    undo: UndoKind::NotNeeded,
    undo_note: reads_only,
    plan,
    read_only: Some(run),
    ..Action::DEFAULT
};

fn plan(p: &mut Plan, _: &Facts, _: &Options) {
    p.notes.push(t!(
        "Read-only: gathers the evidence bundle (as `m365doctor collect` does).",
        "読み取りのみ: 証跡一式を収集します (`m365doctor collect` と同じ内容)。"
    ));
}

/// The bundle is written where the user says: the front end's `collect`.
fn run(_: &ReadOnly) -> io::Result<Shown> {
    Ok(Shown::Collect)
}
