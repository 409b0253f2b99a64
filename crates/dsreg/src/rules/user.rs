//! Rules on User State and the Work Account sections: Windows Hello, the
//! Web Account Manager default account, added work accounts.

use super::{
    at_least, code_words, code_words_ja, is_missing, is_no, is_yes, Finding, Scope, SecondCapture,
    Severity,
};
use crate::codes::codes_in;
use crate::model::{CapturedAs, Facts, JoinType, Val};
use crate::time::span;
use m365doctor_codes::{Lang, Layer};

/// WamDefaultSet : NO on a joined device.
pub fn wam_default_not_set(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() || !is_no(&f.user.wam_default_set) {
        return None;
    }
    Some(
        Finding::new(
            "wam-default-not-set",
            Severity::Warning,
            Layer::WamBroker,
            "No default Web Account Manager (WAM) account exists for this user (WamDefaultSet : NO). Office, Teams and OneDrive sign in through WAM; without a default work account they cannot use the Windows sign-in silently and ask for credentials instead. Windows normally creates it at sign-in once the user has a PRT, so fix a missing PRT first, then sign out of Windows and back in.",
            "このユーザーには Web アカウント マネージャー (WAM) の既定のアカウントがありません (WamDefaultSet : NO)。Office、Teams、OneDrive は WAM を通じてサインインするため、既定の職場アカウントがないと Windows のサインインを自動的に利用できず、資格情報の入力を求めます。通常はユーザーが PRT を取得した後のサインイン時に Windows が作成するため、PRT がない場合はまずそれを解決し、Windows からサインアウトしてサインインし直してください。",
        )
        .ev([&f.user.wam_default_set, &f.sso.azure_ad_prt])
        .scope(Scope::User)
        .actions(&["refresh-prt", "restart-device", "reset-aad-broker", "reregister-aad-broker"]),
    )
}

/// WamDefaultSet : ERROR (0x…).
pub fn wam_default_error(f: &Facts) -> Option<Finding> {
    let v = f.user.wam_default_set.as_ref()?;
    if !v.is_error() {
        return None;
    }
    let codes = codes_in(&v.raw, false);
    let code = codes
        .first()
        .map(|c| (code_words(c), code_words_ja(c)))
        .unwrap_or_default();
    let (severity, en, ja) = if f.captured_as == CapturedAs::Elevated {
        (
            Severity::Info,
            format!("dsregcmd could not read the user's default Web Account Manager (WAM) account ({}). This capture was taken elevated, where this error is expected: the elevated context has no WAM account of its own. It says nothing about the user.", code.0),
            format!("dsregcmd がユーザーの Web アカウント マネージャー (WAM) の既定のアカウントを読み取れませんでした ({})。このキャプチャは管理者として取得されており、昇格したコンテキストには独自の WAM アカウントがないため、このエラーは想定どおりです。ユーザーの状態については何もわかりません。", code.1),
        )
    } else if f.join_type == JoinType::DomainJoined || f.join_type == JoinType::NotJoined {
        (
            Severity::Info,
            format!("dsregcmd could not read a default Web Account Manager (WAM) account ({}). The device is not joined to Microsoft Entra ID, so there is no work account for WAM to make default; the error follows from the join state and is not a separate problem.", code.0),
            format!("dsregcmd が Web アカウント マネージャー (WAM) の既定のアカウントを読み取れませんでした ({})。デバイスが Microsoft Entra ID に参加していないため、WAM が既定にできる職場アカウントがありません。このエラーは参加の状態によるもので、別の問題ではありません。", code.1),
        )
    } else {
        (
            Severity::Warning,
            format!("dsregcmd could not read the user's default Web Account Manager (WAM) account ({}). If this capture was taken as the affected user in a normal prompt, the user's WAM state is damaged and Office and Teams may keep prompting; lock and unlock Windows, and if it persists have the token broker packages re-registered.", code.0),
            format!("dsregcmd がユーザーの Web アカウント マネージャー (WAM) の既定のアカウントを読み取れませんでした ({})。このキャプチャが該当ユーザーにより通常のプロンプトで取得されたものであれば、ユーザーの WAM の状態が壊れており、Office や Teams がサインインを求め続けることがあります。Windows をロックして解除し、解消しない場合はトークン ブローカーのパッケージを再登録してもらってください。", code.1),
        )
    };
    let mut finding = Finding::new("wam-default-error", severity, Layer::WamBroker, en, ja)
        .ev([&f.user.wam_default_set])
        .evidence(f.captured_as_basis.clone())
        .codes(codes)
        .entry("dsregcmd-wam-default-error")
        .scope(Scope::User)
        .context_aware();
    if f.captured_as != CapturedAs::User {
        finding = finding.second(SecondCapture::User);
    }
    Some(finding)
}

const MSA_PROVIDER: &str = "D7F9888F-E3FC-49B0-9EA6-A85B5F392A4F";

/// The default WAM account is a personal Microsoft account.
pub fn wam_default_personal_account(f: &Facts) -> Option<Finding> {
    let authority = f
        .user
        .wam_default_authority
        .as_ref()
        .is_some_and(|v| v.raw.trim().eq_ignore_ascii_case("consumers"));
    let guid = f.user.wam_default_guid.as_ref().is_some_and(|v| {
        let u = v.upper();
        u.contains(MSA_PROVIDER) || u.contains("MICROSOFTACCOUNT") || u.contains("(MSA)")
    });
    if !(authority || guid) {
        return None;
    }
    Some(
        Finding::new(
            "wam-default-personal-account",
            Severity::Warning,
            Layer::WamBroker,
            "The user's default Web Account Manager (WAM) account is a personal Microsoft account (authority 'consumers'), not the work account. Apps that sign in silently with the default account then offer or use the personal account, and sign-in to work resources fails or prompts. In Settings > Accounts, make sure the work or school account is the one Windows and Office use.",
            "ユーザーの Web アカウント マネージャー (WAM) の既定のアカウントが、職場アカウントではなく個人の Microsoft アカウント (機関 'consumers') になっています。既定のアカウントで自動サインインするアプリは個人のアカウントを提示または使用するため、職場のリソースへのサインインが失敗したり、サインインを求められたりします。[設定] > [アカウント] で、Windows と Office が職場または学校アカウントを使うようにしてください。",
        )
        .ev([&f.user.wam_default_authority, &f.user.wam_default_guid, &f.user.wam_default_id])
        .scope(Scope::User)
        .actions(&["sign-out-sign-in", "clear-office-credentials"]),
    )
}

/// A Work Account N certificate expired before the capture's clock.
pub fn work_account_certificate_expired(f: &Facts) -> Option<Finding> {
    let mut expired: Vec<(String, i64, Val)> = Vec::new();
    for w in &f.work_accounts {
        let (Some(v), Some(raw)) = (w.validity, w.certificate_validity.as_ref()) else {
            continue;
        };
        if let Some(age) = f.age(v.not_after) {
            if age > 0 {
                let name = w
                    .tenant_name
                    .as_ref()
                    .map(|t| t.raw.clone())
                    .unwrap_or_else(|| w.section.clone());
                expired.push((name, age, raw.clone()));
            }
        }
    }
    let (name, age, _) = expired.first()?.clone();
    let (al_en, al_ja) = at_least(f);
    Some(
        Finding::new(
            "work-account-certificate-expired",
            Severity::Error,
            Layer::DeviceRegistration,
            format!("The device certificate of the added work account for {name} expired {al_en}{} before this capture. That registration can no longer prove the device, so apps signing in with that account fail or prompt. Disconnect the account in Settings > Accounts > Access work or school, restart and connect it again.", span(age, Lang::En)),
            format!("追加された職場アカウント ({name}) のデバイス証明書は、このキャプチャの時点で {al_ja}{}前に期限切れになっています。この登録ではデバイスを証明できないため、そのアカウントでサインインするアプリは失敗するか、サインインを求めます。[設定] > [アカウント] > [職場または学校にアクセスする] でアカウントを切断し、再起動してから再接続してください。", span(age, Lang::Ja)),
        )
        .evidence(expired.into_iter().map(|(_, _, v)| v))
        .evidence(f.clock.as_ref().map(|c| c.source.clone()))
        .scope(Scope::User)
        .actions(&["reconnect-work-account"]),
    )
}

/// Several work accounts are registered.
pub fn multiple_work_accounts(f: &Facts) -> Option<Finding> {
    let count = f
        .user
        .work_account_count
        .as_ref()
        .and_then(|v| v.raw.trim().parse::<u32>().ok())
        .unwrap_or(0)
        .max(f.work_accounts.len() as u32);
    if count < 2 {
        return None;
    }
    let mut tenants: Vec<String> = Vec::new();
    for w in &f.work_accounts {
        if let Some(t) = w.tenant_name.as_ref().or(w.tenant_id.as_ref()) {
            if !tenants.contains(&t.raw) {
                tenants.push(t.raw.clone());
            }
        }
    }
    let list = if tenants.is_empty() {
        String::new()
    } else {
        format!(" ({})", tenants.join(", "))
    };
    let list_ja = if tenants.is_empty() {
        String::new()
    } else {
        format!(" ({})", tenants.join("、"))
    };
    Some(
        Finding::new(
            "multiple-work-accounts",
            Severity::Warning,
            Layer::WamBroker,
            format!("{count} work or school accounts are registered for this user{list}. Apps that sign in silently may pick the wrong account or organisation and then prompt or fail. Remove the accounts that are no longer needed in Settings > Accounts > Access work or school."),
            format!("このユーザーには職場または学校アカウントが {count} 個登録されています{list_ja}。自動的にサインインするアプリが誤ったアカウントや組織を選び、サインインを求めたり失敗したりすることがあります。不要になったアカウントを [設定] > [アカウント] > [職場または学校にアクセスする] から削除してください。"),
        )
        .ev([&f.user.work_account_count])
        .evidence(f.work_accounts.iter().filter_map(|w| w.tenant_name.clone().or_else(|| w.tenant_id.clone())))
        .scope(Scope::User)
        .actions(&["sign-out-sign-in", "reconnect-work-account"]),
    )
}

/// A work account of another tenant on a device joined to one tenant.
pub fn work_account_other_tenant(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() {
        return None;
    }
    let device_tenant = f.tenant.id.as_ref()?.raw.trim().to_lowercase();
    let other = f.work_accounts.iter().find(|w| {
        w.tenant_id
            .as_ref()
            .is_some_and(|t| !t.is_blank() && t.raw.trim().to_lowercase() != device_tenant)
    })?;
    let name = other
        .tenant_name
        .as_ref()
        .or(other.tenant_id.as_ref())
        .map(|v| v.raw.clone())
        .unwrap_or_default();
    Some(
        Finding::new(
            "work-account-other-tenant",
            Severity::Info,
            Layer::DeviceRegistration,
            format!("A work account from another organisation ({name}) is registered on this device, which is joined to {}. That is supported, but apps may offer the other organisation's account first and sign-ins to the wrong tenant fail; if it is not needed, remove it in Settings > Accounts > Access work or school.", f.tenant.name.as_ref().map(|v| v.raw.as_str()).unwrap_or(device_tenant.as_str())),
            format!("このデバイスは {} に参加していますが、別の組織 ({name}) の職場アカウントも登録されています。これはサポートされている構成ですが、アプリが別の組織のアカウントを先に提示し、誤ったテナントへのサインインが失敗することがあります。不要であれば [設定] > [アカウント] > [職場または学校にアクセスする] から削除してください。", f.tenant.name.as_ref().map(|v| v.raw.as_str()).unwrap_or(device_tenant.as_str())),
        )
        .ev([&other.tenant_id, &other.tenant_name, &f.tenant.id])
        .scope(Scope::User)
        .actions(&["sign-out-sign-in", "reconnect-work-account"]),
    )
}

/// NgcSet : YES without an NgcKeyId.
pub fn ngc_key_id_missing(f: &Facts) -> Option<Finding> {
    if !is_yes(&f.user.ngc_set) || !is_missing(&f.user.ngc_key_id) {
        return None;
    }
    Some(
        Finding::new(
            "ngc-key-id-missing",
            Severity::Warning,
            Layer::Tpm,
            "Windows Hello for Business is marked as set up (NgcSet : YES) but there is no NgcKeyId: the user's Hello key is not recorded. Signing in with the PIN or biometrics may fail, and the key may never have been registered in Microsoft Entra ID. Removing and setting up the PIN again recreates it.",
            "Windows Hello for Business は設定済み (NgcSet : YES) となっていますが、NgcKeyId がありません。ユーザーの Hello のキーが記録されていない状態です。PIN や生体認証によるサインインが失敗することがあり、キーが Microsoft Entra ID に登録されていない可能性もあります。PIN を削除してもう一度設定すると、キーが作り直されます。",
        )
        .ev([&f.user.ngc_set, &f.user.ngc_key_id])
        .scope(Scope::User)
        .entry("hello-key-container-broken")
        .actions(&["sign-out-sign-in", "check-tpm", "contact-admin"]),
    )
}

/// NgcSet : NO on a joined device where Hello would provision.
pub fn ngc_not_set(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() || !is_no(&f.user.ngc_set) {
        return None;
    }
    let will = f
        .ngc
        .as_ref()
        .and_then(|n| n.pre_req_result.as_ref())
        .is_some_and(|v| v.raw.trim().eq_ignore_ascii_case("WillProvision"));
    if !will {
        return None;
    }
    Some(
        Finding::new(
            "ngc-not-set",
            Severity::Info,
            Layer::Tpm,
            "Windows Hello for Business is not set up for this user (NgcSet : NO), although the prerequisite check says Windows will provision it (PreReqResult : WillProvision). Windows offers the setup at the next sign-in; until then the user signs in with the password.",
            "このユーザーには Windows Hello for Business が設定されていません (NgcSet : NO)。ただし前提条件のチェックでは、Windows が設定を行う (PreReqResult : WillProvision) とされています。次回のサインイン時に設定が案内され、それまではパスワードでサインインします。",
        )
        .ev([&f.user.ngc_set])
        .ev(f.ngc.iter().map(|n| &n.pre_req_result))
        .scope(Scope::User)
        .actions(&["sign-out-sign-in"]),
    )
}

/// CanReset : Unknown.
pub fn pin_reset_unknown(f: &Facts) -> Option<Finding> {
    let v = f.user.can_reset.as_ref()?;
    if !v.raw.trim().eq_ignore_ascii_case("unknown") || !is_yes(&f.user.ngc_set) {
        return None;
    }
    Some(
        Finding::new(
            "pin-reset-unknown",
            Severity::Info,
            Layer::Tpm,
            "CanReset : Unknown: Windows could not tell whether this user's Windows Hello PIN can be reset. If the PIN is forgotten, the 'I forgot my PIN' option may not be offered; the PIN then has to be removed and set up again.",
            "CanReset : Unknown と表示されています。このユーザーの Windows Hello の PIN をリセットできるかどうかを Windows が判断できませんでした。PIN を忘れた場合に [PIN を忘れた場合] が表示されないことがあり、その場合は PIN を削除して設定し直す必要があります。",
        )
        .ev([&f.user.can_reset, &f.user.ngc_set])
        .scope(Scope::User)
        .actions(&["contact-admin"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check, facts, framed, with, DJ, HYBRID};

    const USER: &[(&str, &str)] = &[
        ("NgcSet", "YES"),
        ("NgcKeyId", "{aaaaaaaa-0b0b-1c1c-2d2d-333333333333}"),
        ("CanReset", "DestructiveAndNonDestructive"),
        ("WorkplaceJoined", "NO"),
        ("WamDefaultSet", "YES"),
        ("WamDefaultAuthority", "organizations"),
        ("WamDefaultId", "https://login.microsoft.com"),
        (
            "WamDefaultGUID",
            "{B16898C6-A148-4967-9171-64D755DA8520} (AzureAd)",
        ),
    ];

    fn account(
        n: usize,
        tenant: &'static str,
        name: &'static str,
        validity: &'static str,
    ) -> (String, Vec<(&'static str, &'static str)>) {
        (
            format!("Work Account {n}"),
            vec![
                ("WorkplaceDeviceId", "33333333-2222-3333-4444-555555555555"),
                (
                    "WorkplaceThumbprint",
                    "0362FA97AE6EB079476FDFE7D55AEEF4A362D232",
                ),
                ("DeviceCertificateValidity", validity),
                ("KeyProvider", "Microsoft Platform Crypto Provider"),
                ("TpmProtected", "YES"),
                ("WorkplaceTenantId", tenant),
                ("WorkplaceTenantName", name),
                ("NgcSet", "NO"),
            ],
        )
    }

    #[test]
    fn wam_default_not_set_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("User State", &with(USER, "WamDefaultSet", "NO")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("User State", USER)]);
        check(wam_default_not_set, "wam-default-not-set", &yes, &no);
    }

    #[test]
    fn wam_default_error_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            (
                "User State",
                &with(USER, "WamDefaultSet", "ERROR (0xd0020017)"),
            ),
        ]);
        let no = framed(&[("Device State", HYBRID), ("User State", USER)]);
        let f = check(wam_default_error, "wam-default-error", &yes, &no);
        assert_eq!(f.normalized_codes(), vec!["0xD0020017"]);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.second_capture, Some(SecondCapture::User));
        let elevated = framed(&[
            ("Device State", HYBRID),
            (
                "User State",
                &with(USER, "WamDefaultSet", "ERROR (0xd0020017)"),
            ),
            (
                "Diagnostic Data",
                &[("AadRecoveryEnabled", "NO"), ("KeySignTest", "PASSED")],
            ),
        ]);
        let f = wam_default_error(&facts(&elevated)).unwrap();
        assert_eq!(f.severity, Severity::Info);
        let dj = framed(&[
            ("Device State", DJ),
            (
                "User State",
                &with(USER, "WamDefaultSet", "ERROR (0xd0020017)"),
            ),
        ]);
        assert!(wam_default_error(&facts(&dj))
            .unwrap()
            .message
            .en
            .contains("not joined"));
    }

    #[test]
    fn wam_default_personal_account_rule() {
        let msa = with(
            &with(USER, "WamDefaultAuthority", "consumers"),
            "WamDefaultGUID",
            "{D7F9888F-E3FC-49B0-9EA6-A85B5F392A4F} (MicrosoftAccount)",
        );
        let yes = framed(&[("Device State", HYBRID), ("User State", &msa)]);
        let no = framed(&[("Device State", HYBRID), ("User State", USER)]);
        check(
            wam_default_personal_account,
            "wam-default-personal-account",
            &yes,
            &no,
        );
    }

    #[test]
    fn work_account_certificate_expired_rule() {
        let (n1, a1) = account(
            1,
            "11112222-0000-cccc-1111-dddd2222eeee",
            "Fabrikam",
            "[ 2014-01-11 21:02:50.000 UTC -- 2024-01-11 21:32:50.000 UTC ]",
        );
        let (n2, a2) = account(
            1,
            "11112222-0000-cccc-1111-dddd2222eeee",
            "Fabrikam",
            "[ 2021-12-07 15:28:54.000 UTC -- 2031-12-07 15:58:54.000 UTC ]",
        );
        let diag: &[(&str, &str)] = &[("Client Time", "2024-03-01 10:00:00.000 UTC")];
        let yes = framed(&[
            ("Device State", DJ),
            ("User State", &with(USER, "WorkplaceJoined", "YES")),
            (&n1, &a1),
            ("Diagnostic Data", diag),
        ]);
        let no = framed(&[
            ("Device State", DJ),
            ("User State", &with(USER, "WorkplaceJoined", "YES")),
            (&n2, &a2),
            ("Diagnostic Data", diag),
        ]);
        let f = check(
            work_account_certificate_expired,
            "work-account-certificate-expired",
            &yes,
            &no,
        );
        assert!(f.message.en.contains("Fabrikam"));
    }

    #[test]
    fn multiple_work_accounts_rule() {
        let (n1, a1) = account(
            1,
            "11112222-0000-cccc-1111-dddd2222eeee",
            "Fabrikam",
            "[ 2021-12-07 15:28:54.000 UTC -- 2031-12-07 15:58:54.000 UTC ]",
        );
        let (n2, a2) = account(
            2,
            "22223333-0000-cccc-1111-dddd2222eeee",
            "Northwind",
            "[ 2021-12-07 15:28:54.000 UTC -- 2031-12-07 15:58:54.000 UTC ]",
        );
        let u = with(
            &with(USER, "WorkplaceJoined", "YES"),
            "WorkAccountCount",
            "2",
        );
        let yes = framed(&[
            ("Device State", DJ),
            ("User State", &u),
            (&n1, &a1),
            (&n2, &a2),
        ]);
        let no = framed(&[
            ("Device State", DJ),
            ("User State", &with(&u, "WorkAccountCount", "1")),
            (&n1, &a1),
        ]);
        let f = check(multiple_work_accounts, "multiple-work-accounts", &yes, &no);
        assert!(f.message.en.contains("Fabrikam, Northwind"));
    }

    #[test]
    fn work_account_other_tenant_rule() {
        let (n1, a1) = account(
            1,
            "11112222-0000-cccc-1111-dddd2222eeee",
            "Fabrikam",
            "[ 2021-12-07 15:28:54.000 UTC -- 2031-12-07 15:58:54.000 UTC ]",
        );
        let (n2, a2) = account(
            1,
            "aaaabbbb-0000-cccc-1111-dddd2222eeee",
            "Contoso",
            "[ 2021-12-07 15:28:54.000 UTC -- 2031-12-07 15:58:54.000 UTC ]",
        );
        let tenant: &[(&str, &str)] = &[
            ("TenantName", "Contoso"),
            ("TenantId", "aaaabbbb-0000-cccc-1111-dddd2222eeee"),
        ];
        let yes = framed(&[
            ("Device State", HYBRID),
            ("Tenant Details", tenant),
            ("User State", USER),
            (&n1, &a1),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("Tenant Details", tenant),
            ("User State", USER),
            (&n2, &a2),
        ]);
        check(
            work_account_other_tenant,
            "work-account-other-tenant",
            &yes,
            &no,
        );
    }

    #[test]
    fn ngc_key_id_missing_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("User State", &with(USER, "NgcKeyId", "")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("User State", USER)]);
        check(ngc_key_id_missing, "ngc-key-id-missing", &yes, &no);
    }

    #[test]
    fn ngc_not_set_rule() {
        let ngc: &[(&str, &str)] = &[("PreReqResult", "WillProvision")];
        let yes = framed(&[
            ("Device State", HYBRID),
            ("User State", &with(USER, "NgcSet", "NO")),
            ("Ngc Prerequisite Check", ngc),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("User State", USER),
            ("Ngc Prerequisite Check", ngc),
        ]);
        check(ngc_not_set, "ngc-not-set", &yes, &no);
    }

    #[test]
    fn pin_reset_unknown_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("User State", &with(USER, "CanReset", "Unknown")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("User State", USER)]);
        check(pin_reset_unknown, "pin-reset-unknown", &yes, &no);
    }
}
