//! `dsreg-rejoin`: the device leaves Microsoft Entra ID (`dsregcmd
//! /leave`) and, when hybrid joined, the join task is started to join it
//! again. Leaving cannot be undone: it needs `--i-understand-rejoin`, and a
//! device joined to Entra ID only is refused unless `--force`.

use crate::action::Action;
use crate::facts::{dsreg_join, join_of, Facts};
use crate::host::Host;
use crate::plan::{Check, Op, Options, Plan, Step, Undo, UndoKind};
use crate::t;
use crate::text::Text;

const REJOIN_TASK: &str = r"\Microsoft\Windows\Workplace Join\Automatic-Device-Join";

pub const ACTION: Action = Action {
    id: "dsreg-rejoin",
    undo: UndoKind::None,
    undo_note,
    gather,
    plan,
    ..Action::DEFAULT
};

fn undo_note() -> Text {
    t!(
        "Cannot be undone: leaving Microsoft Entra ID removes the device's registration; only joining again brings it back.",
        "元に戻せません。Microsoft Entra ID から離脱するとデバイス登録が削除され、再参加する以外に戻す方法はありません。"
    )
}

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_output(host, "dsregcmd", &["/status"]);
}

fn plan(p: &mut Plan, facts: &Facts, options: &Options) {
    let join = facts.output("dsregcmd", &["/status"]).and_then(join_of);
    p.notes.push(t!(
        "Consequences: the device leaves Microsoft Entra ID; its device object, device certificate and Primary Refresh Token are gone, Conditional Access that requires a hybrid-joined or compliant device blocks sign-ins until the device is registered again, and Windows Hello for Business may need setting up again.",
        "影響: デバイスは Microsoft Entra ID から離脱し、デバイス オブジェクト、デバイス証明書、プライマリ更新トークン (PRT) が失われます。ハイブリッド参加済みまたは準拠デバイスを求める条件付きアクセスは、再登録されるまでサインインをブロックします。Windows Hello for Business の再設定が必要になる場合があります。"
    ));
    p.notes.push(t!(
        "The device's own key in the TPM (its registration key) is deleted with the registration; the TPM itself is not cleared. An MDM (Intune) enrollment that depends on the registration may have to be redone.",
        "デバイス登録とともに、TPM 内のデバイス自身のキー (登録用キー) が削除されます。TPM 自体はクリアしません。登録に依存する MDM (Intune) の登録はやり直しが必要になる場合があります。"
    ));
    p.notes.push(t!(
        "A hybrid-joined device joins again through the Automatic-Device-Join task once Microsoft Entra Connect has synchronised it; this can take up to one sync cycle (about 30 minutes) and a sign-out and sign-in.",
        "ハイブリッド参加のデバイスは、Microsoft Entra Connect で同期された後に Automatic-Device-Join タスクで再参加します。同期 1 回分 (約 30 分) 待つことと、サインアウトして再度サインインすることが必要な場合があります。"
    ));
    let hybrid = match join {
        Some(j) if j.azure_ad_joined && j.domain_joined => true,
        Some(j) if j.azure_ad_joined => {
            if !options.force {
                p.refusals.push(t!(
                    "This device is Microsoft Entra joined without a domain: after leaving, nothing joins it again automatically and cloud accounts may no longer sign in. Refusing; an administrator can insist with --force.",
                    "このデバイスはドメインに参加していない Microsoft Entra 参加デバイスです。離脱すると自動では再参加せず、クラウド アカウントでサインインできなくなる可能性があります。実行を中止します (管理者は --force で強制できます)。"
                ));
                return;
            }
            p.notes.push(t!(
                "Forced on a Microsoft Entra joined device: join it again by hand in Settings > Accounts > Access work or school, with a local administrator account.",
                "Microsoft Entra 参加デバイスで強制実行します。再参加は、ローカル管理者アカウントで [設定] > [アカウント] > [職場または学校にアクセスする] から手動で行ってください。"
            ));
            false
        }
        Some(_) => {
            p.refusals.push(t!(
                "This device is not joined to Microsoft Entra ID, so there is nothing to leave and rejoin.",
                "このデバイスは Microsoft Entra ID に参加していないため、離脱や再参加の対象がありません。"
            ));
            return;
        }
        None if facts.probed => {
            p.refusals.push(t!(
                "`dsregcmd /status` could not be read, so the join state is unknown; refusing.",
                "`dsregcmd /status` を読み取れず参加状態が不明なため、実行を中止します。"
            ));
            return;
        }
        None => true,
    };
    if !options.rejoin_confirmed {
        p.refusals.push(t!(
            "Leaving Microsoft Entra ID cannot be undone: run again with --i-understand-rejoin after reading the consequences.",
            "Microsoft Entra ID からの離脱は元に戻せません。影響を読んだうえで --i-understand-rejoin を付けて再実行してください。"
        ));
    }
    p.steps.push(Step {
        does: t!(
            "Leave Microsoft Entra ID (dsregcmd /leave)",
            "Microsoft Entra ID から離脱する (dsregcmd /leave)"
        ),
        op: Op::Command {
            program: "dsregcmd".into(),
            args: vec!["/leave".into()],
            timeout_secs: 120,
        },
        undo: Undo::Impossible {
            why: undo_note(),
        },
        backup: None,
        notice: Some(t!(
            "Single sign-on to Microsoft 365 stops until the device has joined again.",
            "デバイスが再参加するまで Microsoft 365 へのシングル サインオンは使えません。"
        )),
        admin: true,
    });
    if hybrid {
        p.steps.push(Step {
            does: t!(
                "Start the Automatic-Device-Join task to join again",
                "再参加のために Automatic-Device-Join タスクを開始する"
            ),
            op: Op::Command {
                program: "schtasks".into(),
                args: vec!["/run".into(), "/tn".into(), REJOIN_TASK.into()],
                timeout_secs: 60,
            },
            undo: Undo::NotNeeded {
                why: t!(
                    "Starting the join task only asks Windows to join again.",
                    "参加タスクの開始は Windows に再参加を依頼するだけです。"
                ),
            },
            backup: None,
            notice: None,
            admin: true,
        });
    }
    if hybrid {
        // The join task may already be joining again: nothing stable to check now.
        p.notes.push(t!(
            "After the next sign-in (or Microsoft Entra Connect's next sync), `m365doctor fix run dsreg-status-check` shows whether the device has joined again.",
            "次回のサインイン後 (または Microsoft Entra Connect の次回同期後) に、`m365doctor fix run dsreg-status-check` で再参加できたかを確認できます。"
        ));
    } else {
        p.verify.push(Check::DeviceLeft);
    }
}

/// `Check::DeviceLeft`: `dsregcmd /status` shows `AzureAdJoined : NO`.
pub(crate) fn device_left(host: &dyn Host) -> (bool, String) {
    match dsreg_join(host) {
        Some(j) => (!j.azure_ad_joined, String::new()),
        None => (false, "dsregcmd /status unreadable".into()),
    }
}
