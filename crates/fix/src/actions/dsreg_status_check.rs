//! `dsreg-status-check`: `dsregcmd /status`, diagnosed as `m365doctor
//! dsreg` does, and shown redacted unless asked not to. Read-only.

use crate::action::{reads_only, Action, ReadOnly, Shown, WINDOWS};
use crate::facts::Facts;
use crate::host::Os;
use crate::plan::{Options, Plan, UndoKind};
use crate::t;
use std::io;
use std::time::Duration;

pub const ACTION: Action = Action {
    id: "dsreg-status-check",
    platforms: WINDOWS,
    changes: false,
    undo: UndoKind::NotNeeded,
    undo_note: reads_only,
    plan,
    read_only: Some(run),
    ..Action::DEFAULT
};

fn plan(p: &mut Plan, _: &Facts, _: &Options) {
    p.notes.push(t!(
        "Read-only: runs `dsregcmd /status` and diagnoses it (as `m365doctor dsreg` does).",
        "読み取りのみ: `dsregcmd /status` を実行して診断します (`m365doctor dsreg` と同じ内容)。"
    ));
}

fn run(ctx: &ReadOnly) -> io::Result<Shown> {
    if ctx.host.os() != Os::Windows {
        return Ok(Shown::Refused(t!(
            "`dsreg-status-check` runs dsregcmd, which exists on Windows only; paste its output into `m365doctor dsreg` instead.",
            "`dsreg-status-check` は Windows にしかない dsregcmd を実行します。代わりに出力を `m365doctor dsreg` に貼り付けてください。"
        )));
    }
    let out = ctx
        .host
        .run("dsregcmd", &["/status"], Duration::from_secs(60))?;
    let captures = m365doctor_dsreg::parse(&out.text());
    let Some(capture) = captures.first() else {
        return Ok(Shown::Failed(t!(
            "dsregcmd /status printed nothing readable",
            "dsregcmd /status の出力を読み取れませんでした"
        )));
    };
    let report = m365doctor_dsreg::diagnose_with(capture, ctx.kb);
    Ok(Shown::Output {
        text: shown(&report, ctx)?,
        ok: true,
    })
}

/// The report as shown: redacted unless asked not to, by the same code (and
/// the same kind of report-wide redactor) as `m365doctor dsreg`.
fn shown(report: &m365doctor_dsreg::Report, ctx: &ReadOnly) -> io::Result<String> {
    use m365doctor_diagnose::{dsreg_document, dsreg_text};
    let reports = std::slice::from_ref(report);
    Ok(if ctx.json {
        let doc = dsreg_document(reports, ctx.lang, ctx.redact).unwrap_or_default();
        crate::render::json_text(&doc)?
    } else {
        dsreg_text(reports, ctx.lang, false, ctx.redact)
    })
}
