//! `new-outlook-profile`: a new, empty Outlook profile beside the existing
//! ones, made the default, and Outlook set to ask which profile to use. The
//! old profile and every data file stay. Undo removes only what this run
//! created and puts back the values read just before they were changed.

use crate::action::{Action, Roots};
use crate::facts::Facts;
use crate::host::Host;
use crate::plan::{
    apps_closed, create_key, under, Check, Op, Options, Plan, Step, Undo, EXCHANGE_OPTIONS,
    OUTLOOK, OUTLOOK_APPS, OUTLOOK_PROFILES,
};
use crate::t;

pub const ACTION: Action = Action {
    id: "new-outlook-profile",
    roots: Roots {
        // The profile, `DefaultProfile`, and `PickLogonProfile` with the keys
        // on its way that may not exist yet.
        keys: &[OUTLOOK, r"HKEY_CURRENT_USER\Software\Microsoft\Exchange"],
        ..Roots::NONE
    },
    gather,
    plan,
    ..Action::DEFAULT
};

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_keys(host, &[OUTLOOK_PROFILES]);
    facts.probe_subkeys(host, OUTLOOK_PROFILES);
    // A value that cannot be read is unknown, not absent.
    facts.probe_value(host, OUTLOOK, "DefaultProfile");
    facts.probe_value(host, EXCHANGE_OPTIONS, "PickLogonProfile");
    facts.probe_missing(host, EXCHANGE_OPTIONS);
}

fn plan(p: &mut Plan, facts: &Facts, options: &Options) {
    let backup = &p.backup_dir();
    let profiles = facts.subkey_names(OUTLOOK_PROFILES);
    let old_default = facts.value(OUTLOOK, "DefaultProfile").map(str::to_string);
    let old_pick = facts
        .value(EXCHANGE_OPTIONS, "PickLogonProfile")
        .map(str::to_string);
    p.preconditions.push(apps_closed(OUTLOOK_APPS));
    let name = match &options.profile_name {
        Some(n) => n.clone(),
        None => {
            let mut n = 1;
            loop {
                let candidate = if n == 1 {
                    "m365doctor".to_string()
                } else {
                    format!("m365doctor-{n}")
                };
                if !profiles
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&candidate))
                {
                    break candidate;
                }
                n += 1;
            }
        }
    };
    if name.is_empty() || name.contains(['\\', '/', '"']) || name.chars().count() > 64 {
        p.refusals.push(t!(
            "The profile name `{name}` is not usable (empty, too long, or with \\ / \").",
            "プロファイル名 `{name}` は使えません (空、長すぎる、または \\ / \" を含む)。"
        ));
        return;
    }
    if profiles
        .iter()
        .any(|p| p.eq_ignore_ascii_case(&name))
    {
        p.refusals.push(t!(
            "An Outlook profile named `{name}` already exists; choose another name with --profile-name.",
            "`{name}` という Outlook プロファイルは既に存在します。--profile-name で別の名前を指定してください。"
        ));
        return;
    }
    let key = format!(r"{OUTLOOK_PROFILES}\{name}");
    p.steps.push(Step {
        notice: Some(t!(
            "Outlook sets the account up again in the new profile and downloads the mailbox again.",
            "新しいプロファイルでアカウントを設定し直し、メールボックスを再ダウンロードします。"
        )),
        ..create_key(
            &key,
            t!(
                "Create the new, empty Outlook profile `{name}` beside the existing ones",
                "既存のプロファイルはそのままに、新しい空の Outlook プロファイル `{name}` を作成する"
            ),
            under(backup, "new-profile-at-undo.reg"),
        )
    });
    let default_undo = match &old_default {
        Some(old) => Op::RegSetString {
            key: OUTLOOK.into(),
            name: "DefaultProfile".into(),
            data: old.clone(),
        },
        None => Op::RegDeleteValue {
            key: OUTLOOK.into(),
            name: "DefaultProfile".into(),
        },
    };
    let does = match (&old_default, facts.probed) {
        (Some(old), _) => t!(
            "Make `{name}` the default profile (it was `{old}`)",
            "`{name}` を既定のプロファイルにする (これまでは `{old}`)"
        ),
        (None, true) => t!(
            "Make `{name}` the default profile (none was set)",
            "`{name}` を既定のプロファイルにする (これまで既定は未設定)"
        ),
        (None, false) => t!(
            "Make `{name}` the default profile (the current default is kept for undo)",
            "`{name}` を既定のプロファイルにする (元に戻せるよう、現在の既定を記録)"
        ),
    };
    p.steps.push(Step {
        does,
        op: Op::RegSetString {
            key: OUTLOOK.into(),
            name: "DefaultProfile".into(),
            data: name.clone(),
        },
        undo: Undo::Restore { op: default_undo },
        backup: None,
        notice: None,
        admin: false,
    });
    // `reg add` would create the missing keys on the way silently, and
    // undoing the value would leave them behind: they are created as a step
    // of their own, which undo removes again.
    if let Some(key) = &facts.highest_missing(EXCHANGE_OPTIONS) {
        p.steps.push(create_key(
            key,
            t!(
                "Create {key}, where Outlook reads PickLogonProfile (it does not exist yet)",
                "Outlook が PickLogonProfile を読むキー {key} を作成する (まだ存在しません)"
            ),
            under(backup, "exchange-options-at-undo.reg"),
        ));
    }
    let pick_undo = match &old_pick {
        Some(old) => Op::RegSetString {
            key: EXCHANGE_OPTIONS.into(),
            name: "PickLogonProfile".into(),
            data: old.clone(),
        },
        None => Op::RegDeleteValue {
            key: EXCHANGE_OPTIONS.into(),
            name: "PickLogonProfile".into(),
        },
    };
    p.steps.push(Step {
        does: t!(
            "Make Outlook ask which profile to use when it starts",
            "Outlook の起動時に使用するプロファイルを選択させる"
        ),
        op: Op::RegSetString {
            key: EXCHANGE_OPTIONS.into(),
            name: "PickLogonProfile".into(),
            data: "1".into(),
        },
        undo: Undo::Restore { op: pick_undo },
        backup: None,
        notice: Some(t!(
            "Outlook asks for a profile at start; the old one stays selectable.",
            "起動時にプロファイルの選択画面が表示されます。古いプロファイルも選択できます。"
        )),
        admin: false,
    });
    p.verify.push(Check::RegKeyPresent { key });
    p.verify.push(Check::RegValueIs {
        key: OUTLOOK.into(),
        name: "DefaultProfile".into(),
        data: name,
    });
    p.notes.push(t!(
        "The old profile and every .pst and .ost data file stay as they are.",
        "古いプロファイルと .pst / .ost データ ファイルは一切変更しません。"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_japanese_profile_name_is_measured_in_characters() {
        let facts = Facts {
            probed: true,
            local_app_data: PathBuf::from("/l"),
            run_dir: PathBuf::from("/l/m365doctor/runs/x"),
            ..Facts::default()
        };
        let name = |n: usize| Options {
            profile_name: Some("メール".repeat(n)),
            ..Options::default()
        };
        // 60 characters (180 bytes in UTF-8) are fine; 66 are too long.
        let p = crate::plan::plan("new-outlook-profile", &facts, &name(20)).unwrap();
        assert!(p.refusals.is_empty(), "{:?}", p.refusals);
        let p = crate::plan::plan("new-outlook-profile", &facts, &name(22)).unwrap();
        assert!(p.refusals[0].en.contains("not usable"), "{:?}", p.refusals);
    }
}
