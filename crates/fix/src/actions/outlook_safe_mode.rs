//! `outlook-safe-mode`: Outlook is started without add-ins
//! (`outlook.exe /safe`); closing it ends safe mode.

use crate::action::Action;
use crate::facts::Facts;
use crate::plan::{apps_closed, Check, Op, Options, Plan, Step, Undo, UndoKind, OUTLOOK_APPS};
use crate::t;
use crate::text::Text;

pub const ACTION: Action = Action {
    id: "outlook-safe-mode",
    undo: UndoKind::NotNeeded,
    undo_note,
    plan,
    ..Action::DEFAULT
};

fn undo_note() -> Text {
    t!(
        "Nothing to undo: closing Outlook and starting it normally ends safe mode.",
        "元に戻す必要はありません。Outlook を閉じて通常どおり起動すればセーフ モードは終わります。"
    )
}

fn plan(p: &mut Plan, _: &Facts, _: &Options) {
    p.preconditions.push(apps_closed(OUTLOOK_APPS));
    p.steps.push(Step {
        does: t!(
            "Start Outlook in safe mode (without add-ins)",
            "Outlook をセーフ モード (アドインなし) で起動する"
        ),
        op: Op::Launch {
            program: "outlook.exe".into(),
            args: vec!["/safe".into()],
        },
        undo: Undo::NotNeeded { why: undo_note() },
        backup: None,
        notice: Some(t!(
            "Outlook opens with \"(Safe Mode)\" in its title; if the problem is gone, an add-in causes it.",
            "Outlook のタイトルに「(セーフ モード)」と表示されます。問題が起きなければアドインが原因です。"
        )),
        admin: false,
    });
    p.verify.push(Check::ProcessRunning {
        image: "OUTLOOK.EXE".into(),
    });
}
