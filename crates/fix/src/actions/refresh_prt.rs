//! `refresh-prt`: Windows asks for a new Primary Refresh Token
//! (`dsregcmd /refreshprt`). Nothing the user would want back changes; the
//! check wants `AzureAdPrt : YES` with an update time newer than before.

use crate::action::Action;
use crate::facts::{dsreg_prt, prt_of, Facts};
use crate::host::Host;
use crate::plan::{command_step, Check, Options, Plan, UndoKind};
use crate::t;
use crate::text::Text;

pub const ACTION: Action = Action {
    id: "refresh-prt",
    undo: UndoKind::NotNeeded,
    undo_note,
    gather,
    plan,
    ..Action::DEFAULT
};

fn undo_note() -> Text {
    t!(
        "Nothing to undo: Windows only asks for a new Primary Refresh Token.",
        "元に戻す必要はありません。Windows がプライマリ更新トークン (PRT) を再取得するだけです。"
    )
}

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_output(host, "dsregcmd", &["/status"]);
}

fn plan(p: &mut Plan, facts: &Facts, _: &Options) {
    p.steps.push(command_step(
        t!(
            "Ask Windows for a new Primary Refresh Token",
            "Windows にプライマリ更新トークン (PRT) を再取得させる"
        ),
        "dsregcmd",
        &["/refreshprt"],
        120,
        undo_note(),
    ));
    let before = facts
        .output("dsregcmd", &["/status"])
        .and_then(prt_of)
        .and_then(|(_, updated)| updated);
    p.verify.push(Check::PrtRefreshed { before });
}

/// `Check::PrtRefreshed`: a PRT, updated at a time other than before the run.
pub(crate) fn prt_refreshed(host: &dyn Host, before: &Option<String>) -> (bool, String) {
    match dsreg_prt(host) {
        Some((present, updated)) => {
            let renewed = before.is_none() || updated != *before;
            (
                present && renewed,
                format!(
                    "AzureAdPrt : {}, AzureAdPrtUpdateTime : {}",
                    if present { "YES" } else { "NO" },
                    updated.unwrap_or_default()
                ),
            )
        }
        None => (false, "no SSO State in dsregcmd /status".into()),
    }
}
