//! `sync-clock`: the Windows Time service synchronises the clock now
//! (`w32tm /resync`, which needs elevation). No setting changes, so nothing
//! needs undoing; the check wants a sync newer than the one before the run.

use crate::action::Action;
use crate::facts::{parse_w32tm_status, Facts, SHORT};
use crate::host::Host;
use crate::plan::{command_step, Check, Options, Plan, UndoKind};
use crate::t;
use crate::text::Text;
use std::io;

pub const ACTION: Action = Action {
    id: "sync-clock",
    undo: UndoKind::NotNeeded,
    // w32tm /resync is refused without elevation (0x80070005); the clock is
    // the machine's, so any administrator may set it.
    admin: true,
    undo_note,
    gather,
    plan,
    ..Action::DEFAULT
};

fn undo_note() -> Text {
    t!(
        "Nothing to undo: the clock is set from the time source; no setting changes.",
        "元に戻す必要はありません。時刻ソースと時刻を同期するだけで、設定は変更しません。"
    )
}

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_output(host, "w32tm", &["/query", "/status"]);
}

fn plan(p: &mut Plan, facts: &Facts, _: &Options) {
    let mut step = command_step(
        t!(
            "Ask the Windows Time service to synchronise the clock now",
            "Windows Time サービスに今すぐ時刻を同期させる"
        ),
        "w32tm",
        &["/resync"],
        60,
        undo_note(),
    );
    step.admin = true;
    p.steps.push(step);
    let before = facts
        .output("w32tm", &["/query", "/status"])
        .and_then(|o| parse_w32tm_status(o).last_sync);
    p.verify.push(Check::ClockSynced { before });
    p.notes.push(t!(
        "Needs the Windows Time service (W32Time) running; the time zone is not changed. Without administrator rights, use Settings > Time & language > Date & time > Sync now instead.",
        "Windows Time サービス (W32Time) が動作している必要があります。タイム ゾーンは変更しません。管理者権限がない場合は、[設定] > [時刻と言語] > [日付と時刻] > [今すぐ同期] を使ってください。"
    ));
}

/// `Check::ClockSynced`: synchronised from a time server, at a time other
/// than the last sync before the run (which proves nothing about the run).
pub(crate) fn clock_synced(host: &dyn Host, before: &Option<String>) -> io::Result<(bool, String)> {
    host.run("w32tm", &["/query", "/status"], SHORT).map(|o| {
        let s = parse_w32tm_status(&o.text());
        let new = before.is_none() || s.last_sync != *before;
        (
            s.synced() && new,
            format!(
                "{} / {}",
                s.source.unwrap_or_default(),
                s.last_sync.unwrap_or_default()
            ),
        )
    })
}
