//! `reregister-aad-broker`: the Microsoft Entra broker and the Cloud
//! Experience Host are registered again for this user from Windows' own
//! copy (the documented `Add-AppxPackage -Register` command). Nothing is
//! removed, so nothing needs undoing.

use crate::action::Action;
use crate::facts::SHORT;
use crate::host::Host;
use crate::plan::{
    apps_closed, powershell, Check, Op, Options, Plan, Step, Undo, UndoKind, BROKER_PACKAGE,
    OFFICE_APPS,
};
use crate::t;
use crate::text::Text;
use std::io;

const CLOUD_EXPERIENCE_HOST_PACKAGE: &str = "Microsoft.Windows.CloudExperienceHost_cw5n1h2txyewy";

pub const ACTION: Action = Action {
    id: "reregister-aad-broker",
    undo: UndoKind::NotNeeded,
    undo_note,
    plan,
    ..Action::DEFAULT
};

fn undo_note() -> Text {
    t!(
        "Nothing to undo: the package is registered again from Windows' own copy; no data is removed.",
        "元に戻す必要はありません。Windows 内のパッケージを登録し直すだけで、データは削除しません。"
    )
}

fn plan(p: &mut Plan, _: &crate::facts::Facts, _: &Options) {
    // -ForceApplicationShutdown closes the apps using the broker:
    // not under the user's open documents.
    p.preconditions.push(apps_closed(OFFICE_APPS));
    for (package, name) in [
        (BROKER_PACKAGE, "AAD BrokerPlugin"),
        (CLOUD_EXPERIENCE_HOST_PACKAGE, "CloudExperienceHost"),
    ] {
        // PowerShell expands $env:windir itself: the documented command as is.
        let script = format!(
            "Add-AppxPackage -Register \"$env:windir\\SystemApps\\{package}\\Appxmanifest.xml\" -DisableDevelopmentMode -ForceApplicationShutdown"
        );
        p.steps.push(Step {
            does: t!(
                "Register {name} again from Windows' copy (for this user)",
                "{name} を Windows 内のパッケージから再登録する (このユーザー用)"
            ),
            op: Op::Command {
                program: "powershell".into(),
                args: powershell(&script),
                timeout_secs: 180,
            },
            undo: Undo::NotNeeded { why: undo_note() },
            backup: None,
            notice: Some(t!(
                "Apps using it close; sign-in windows may appear once.",
                "このパッケージを使っているアプリは終了します。サインイン画面が一度表示される場合があります。"
            )),
            admin: false,
        });
    }
    p.verify.push(Check::BrokerRegistered);
}

/// `Check::BrokerRegistered`: `Get-AppxPackage` shows the broker with
/// `Status : Ok`.
pub(crate) fn broker_registered(host: &dyn Host) -> io::Result<(bool, String)> {
    host.run(
        "powershell",
        &[
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            "Get-AppxPackage Microsoft.AAD.BrokerPlugin | Format-List Name, Version, Status",
        ],
        SHORT,
    )
    .map(|o| {
        let text = o.text();
        let ok = text.lines().any(|l| {
            l.split_once(':').is_some_and(|(k, v)| {
                k.trim() == "Status" && v.trim().eq_ignore_ascii_case("ok")
            })
        });
        (ok, text.trim().lines().last().unwrap_or("").to_string())
    })
}
