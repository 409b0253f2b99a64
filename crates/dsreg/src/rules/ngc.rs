//! Rules on the Ngc Prerequisite Check: one rule per Windows Hello for
//! Business prerequisite, plus the overall result.

use super::{is_no, is_yes, Finding, Scope, SecondCapture, Severity};
use crate::codes::codes_in;
use crate::model::{CapturedAs, Facts, Ngc, Val};
use m365doctor_codes::Layer;

/// Hello is wanted here when its policy is on; otherwise a missing
/// prerequisite is only information.
fn severity(n: &Ngc) -> Severity {
    if is_yes(&n.policy_enabled) {
        Severity::Warning
    } else {
        Severity::Info
    }
}

fn prereq(f: &Facts, pick: fn(&Ngc) -> &Option<Val>) -> Option<(&Ngc, Severity)> {
    let n = f.ngc.as_ref()?;
    // With the policy off, Hello is not wanted here: only
    // ngc-prereq-policy-disabled speaks.
    if !is_no(pick(n)) || is_no(&n.policy_enabled) {
        return None;
    }
    Some((n, severity(n)))
}

/// The check itself failed (NgcPreReq ERROR, or prerequisites UNKNOWN).
fn check_failed(n: &Ngc) -> bool {
    let unknown = [
        &n.is_device_joined,
        &n.is_user_azure_ad,
        &n.policy_enabled,
        &n.device_eligible,
    ]
    .into_iter()
    .flatten()
    .filter(|v| v.upper() == "UNKNOWN")
    .count();
    n.prereq.as_ref().is_some_and(Val::is_error) || unknown >= 2
}

/// IsDeviceJoined : NO.
pub fn ngc_prereq_device_not_joined(f: &Facts) -> Option<Finding> {
    let (n, sev) = prereq(f, |n| &n.is_device_joined)?;
    Some(
        Finding::new(
            "ngc-prereq-device-not-joined",
            sev,
            Layer::DeviceRegistration,
            "Windows Hello for Business prerequisite not met: the device is not Microsoft Entra joined or hybrid joined (IsDeviceJoined : NO), so Hello for Business cannot be provisioned. Complete the join first.",
            "Windows Hello for Business の前提条件を満たしていません。デバイスが Microsoft Entra 参加またはハイブリッド参加していないため (IsDeviceJoined : NO)、Hello for Business を設定できません。先に参加を完了してください。",
        )
        .ev([&n.is_device_joined, &n.pre_req_result])
        .scope(Scope::User)
        .actions(&["dsreg-status-check", "contact-admin", "admin-configure-hybrid-join"]),
    )
}

/// IsUserAzureAD : NO.
pub fn ngc_prereq_user_not_entra(f: &Facts) -> Option<Finding> {
    let (n, sev) = prereq(f, |n| &n.is_user_azure_ad)?;
    Some(
        Finding::new(
            "ngc-prereq-user-not-entra",
            sev,
            Layer::AccountState,
            "Windows Hello for Business prerequisite not met: the signed-in user is not recognised as a Microsoft Entra user (IsUserAzureAD : NO). This is the case for local accounts, for on-premises accounts that are not synchronised, and when the user has no PRT yet. Hello for Business cannot be provisioned for this user.",
            "Windows Hello for Business の前提条件を満たしていません。サインインしているユーザーが Microsoft Entra のユーザーとして認識されていません (IsUserAzureAD : NO)。ローカル アカウント、同期されていないオンプレミスのアカウント、またはまだ PRT を取得していないユーザーの場合に該当します。このユーザーには Hello for Business を設定できません。",
        )
        .ev([&n.is_user_azure_ad, &f.sso.azure_ad_prt])
        .scope(Scope::User)
        .actions(&["refresh-prt", "contact-admin", "admin-check-account"]),
    )
}

/// PolicyEnabled : NO.
pub fn ngc_prereq_policy_disabled(f: &Facts) -> Option<Finding> {
    let n = f.ngc.as_ref()?;
    if !is_no(&n.policy_enabled) {
        return None;
    }
    Some(
        Finding::new(
            "ngc-prereq-policy-disabled",
            Severity::Info,
            Layer::Tpm,
            "The Windows Hello for Business policy is not enabled for this device or user (PolicyEnabled : NO), so Windows will not set it up. If your organisation expects Hello for Business here, the Group Policy or Intune setting has not reached this device.",
            "このデバイスまたはユーザーでは Windows Hello for Business のポリシーが有効になっていないため (PolicyEnabled : NO)、Windows は設定を行いません。組織で Hello for Business を使う想定であれば、グループ ポリシーまたは Intune の設定がこのデバイスに適用されていません。",
        )
        .ev([&n.policy_enabled])
        .scope(Scope::User)
        .actions(&["restart-device", "contact-admin"]),
    )
}

/// PostLogonEnabled : NO.
pub fn ngc_prereq_post_logon_disabled(f: &Facts) -> Option<Finding> {
    let (n, _) = prereq(f, |n| &n.post_logon_enabled)?;
    Some(
        Finding::new(
            "ngc-prereq-post-logon-disabled",
            Severity::Info,
            Layer::Tpm,
            "Windows does not start the Windows Hello for Business setup by itself after sign-in (PostLogonEnabled : NO). Setup has to be launched another way (for example from Settings > Accounts > Sign-in options, or by a tool your organisation provides).",
            "サインイン後に Windows が Windows Hello for Business のセットアップを自動的に開始しない設定です (PostLogonEnabled : NO)。セットアップは別の方法 ([設定] > [アカウント] > [サインイン オプション]、または組織が用意したツールなど) で開始する必要があります。",
        )
        .ev([&n.post_logon_enabled])
        .scope(Scope::User)
        .actions(&["contact-admin"]),
    )
}

/// DeviceEligible : NO.
pub fn ngc_prereq_device_not_eligible(f: &Facts) -> Option<Finding> {
    let (n, sev) = prereq(f, |n| &n.device_eligible)?;
    Some(
        Finding::new(
            "ngc-prereq-device-not-eligible",
            sev,
            Layer::Tpm,
            "Windows Hello for Business prerequisite not met: the device does not meet the hardware requirements (DeviceEligible : NO), typically because the policy requires a TPM and none is usable, or because this is a virtual machine without a virtual TPM. Check the TPM's state.",
            "Windows Hello for Business の前提条件を満たしていません。デバイスがハードウェアの要件を満たしていません (DeviceEligible : NO)。多くの場合、ポリシーで TPM が必須とされているのに使用できる TPM がない、または仮想 TPM のない仮想マシンであることが原因です。TPM の状態を確認してください。",
        )
        .ev([&n.device_eligible])
        .scope(Scope::User)
        .entry("hello-policy-requires-tpm")
        .actions(&["check-tpm", "contact-admin"]),
    )
}

/// SessionIsNotRemote : NO.
pub fn ngc_prereq_remote_session(f: &Facts) -> Option<Finding> {
    let (n, _) = prereq(f, |n| &n.session_is_not_remote)?;
    Some(
        Finding::new(
            "ngc-prereq-remote-session",
            Severity::Info,
            Layer::Other,
            "This capture was taken in a Remote Desktop session (SessionIsNotRemote : NO). Windows Hello for Business setup does not start in a remote session; sign in at the device itself to set it up. Other results in this capture are not affected.",
            "このキャプチャはリモート デスクトップのセッションで取得されています (SessionIsNotRemote : NO)。Windows Hello for Business のセットアップはリモート セッションでは開始されないため、デバイス本体でサインインして設定してください。このキャプチャの他の結果には影響しません。",
        )
        .ev([&n.session_is_not_remote])
        .scope(Scope::User)
        .actions(&["sign-out-sign-in"]),
    )
}

/// AdfsRefreshToken : NO (certificate trust).
pub fn ngc_prereq_adfs_refresh_token_missing(f: &Facts) -> Option<Finding> {
    let (n, sev) = prereq(f, |n| &n.adfs_refresh_token)?;
    Some(
        Finding::new(
            "ngc-prereq-adfs-refresh-token-missing",
            sev,
            Layer::Federation,
            "Windows Hello for Business certificate trust prerequisite not met: the user has no enterprise PRT from AD FS (AdfsRefreshToken : NO), which certificate enrollment needs. Check that AD FS device authentication works and that the device reaches AD FS; lock and unlock Windows to request it again.",
            "Windows Hello for Business の証明書信頼の前提条件を満たしていません。証明書の登録に必要な AD FS のエンタープライズ PRT がユーザーにありません (AdfsRefreshToken : NO)。AD FS のデバイス認証が機能していること、デバイスが AD FS に到達できることを確認し、Windows をロックして解除して再度要求してください。",
        )
        .ev([&n.adfs_refresh_token, &n.cert_enrollment, &f.sso.enterprise_prt])
        .scope(Scope::User)
        .actions(&["refresh-prt", "check-network", "contact-admin", "admin-check-federation"]),
    )
}

/// AdfsRaIsReady : NO (certificate trust).
pub fn ngc_prereq_adfs_ra_not_ready(f: &Facts) -> Option<Finding> {
    let (n, sev) = prereq(f, |n| &n.adfs_ra_is_ready)?;
    Some(
        Finding::new(
            "ngc-prereq-adfs-ra-not-ready",
            sev,
            Layer::Federation,
            "Windows Hello for Business certificate trust prerequisite not met: AD FS is not ready as the registration authority that issues the Hello sign-in certificate (AdfsRaIsReady : NO), or AD FS does not advertise it. The administrator has to finish the AD FS registration authority configuration.",
            "Windows Hello for Business の証明書信頼の前提条件を満たしていません。Hello のサインイン証明書を発行する登録機関として AD FS の準備ができていないか、AD FS がそれを公開していません (AdfsRaIsReady : NO)。管理者が AD FS の登録機関の構成を完了する必要があります。",
        )
        .ev([&n.adfs_ra_is_ready, &n.cert_enrollment])
        .scope(Scope::User)
        .actions(&["contact-admin", "admin-check-federation"]),
    )
}

/// LogonCertTemplateReady is not YES (certificate trust).
pub fn ngc_prereq_logon_cert_template_not_ready(f: &Facts) -> Option<Finding> {
    let n = f.ngc.as_ref()?;
    let v = n.logon_cert_template_ready.as_ref()?;
    if v.flag() == Some(true) || v.is_blank() || is_no(&n.policy_enabled) {
        return None;
    }
    Some(
        Finding::new(
            "ngc-prereq-logon-cert-template-not-ready",
            severity(n),
            Layer::Federation,
            format!("Windows Hello for Business certificate trust prerequisite not met: the sign-in certificate template is not ready (LogonCertTemplateReady : {}). Without it the Hello sign-in certificate cannot be issued; the administrator has to configure the template and its Group Policy.", v.raw),
            format!("Windows Hello for Business の証明書信頼の前提条件を満たしていません。サインイン証明書のテンプレートの準備ができていません (LogonCertTemplateReady : {})。これがないと Hello のサインイン証明書を発行できないため、管理者がテンプレートとそのグループ ポリシーを構成する必要があります。", v.raw),
        )
        .ev([&n.logon_cert_template_ready, &n.cert_enrollment])
        .scope(Scope::User)
        .actions(&["contact-admin", "admin-check-federation"]),
    )
}

/// OnPremTGT (CloudTGT on older builds) : NO.
pub fn ngc_prereq_onprem_tgt_missing(f: &Facts) -> Option<Finding> {
    let (n, sev) = prereq(f, |n| &n.on_prem_tgt)?;
    Some(
        Finding::new(
            "ngc-prereq-onprem-tgt-missing",
            sev,
            Layer::Federation,
            "Windows Hello for Business cloud Kerberos trust prerequisite not met: the user has no Kerberos ticket for on-premises resources issued through Microsoft Entra ID (OnPremTGT : NO). Check the Microsoft Entra Kerberos server object in Active Directory and that the user is synchronised; then lock and unlock Windows.",
            "Windows Hello for Business のクラウド Kerberos 信頼の前提条件を満たしていません。Microsoft Entra ID 経由で発行されるオンプレミス リソース用の Kerberos チケットがユーザーにありません (OnPremTGT : NO)。Active Directory の Microsoft Entra Kerberos サーバー オブジェクトと、ユーザーが同期されていることを確認し、Windows をロックして解除してください。",
        )
        .ev([&n.on_prem_tgt])
        .scope(Scope::User)
        .actions(&["refresh-prt", "contact-admin", "admin-check-federation"]),
    )
}

/// PreReqResult : WillNotProvision.
pub fn ngc_prereq_will_not_provision(f: &Facts) -> Option<Finding> {
    let n = f.ngc.as_ref()?;
    let v = n.pre_req_result.as_ref()?;
    if !v.raw.trim().eq_ignore_ascii_case("WillNotProvision")
        || is_no(&n.policy_enabled)
        || check_failed(n)
    {
        return None;
    }
    let unmet: Vec<&Val> = [
        &n.is_device_joined,
        &n.is_user_azure_ad,
        &n.policy_enabled,
        &n.device_eligible,
        &n.session_is_not_remote,
        &n.adfs_refresh_token,
        &n.adfs_ra_is_ready,
        &n.on_prem_tgt,
    ]
    .into_iter()
    .flatten()
    .filter(|v| v.flag() == Some(false))
    .collect();
    let names: Vec<&str> = unmet.iter().map(|v| v.field.as_str()).collect();
    let (list_en, list_ja) = if names.is_empty() {
        (
            "no prerequisite line says NO, so the check itself could not be evaluated".to_string(),
            "NO となっている前提条件の行がないため、チェック自体を評価できなかったと考えられます"
                .to_string(),
        )
    } else {
        (
            format!("unmet: {}", names.join(", ")),
            format!("満たしていない項目: {}", names.join("、")),
        )
    };
    Some(
        Finding::new(
            "ngc-prereq-will-not-provision",
            severity(n),
            Layer::Tpm,
            format!("Windows will not set up Windows Hello for Business for this user (PreReqResult : WillNotProvision; {list_en}). That is expected where Hello for Business is not used; otherwise fix the prerequisites listed."),
            format!("Windows はこのユーザーに Windows Hello for Business を設定しません (PreReqResult : WillNotProvision、{list_ja})。Hello for Business を使っていない環境であれば想定どおりです。使う場合は、挙げた前提条件を解決してください。"),
        )
        .ev([&n.pre_req_result])
        .evidence(unmet.into_iter().cloned())
        .scope(Scope::User)
        .actions(&["dsreg-status-check", "contact-admin"]),
    )
}

/// NgcPreReq : ERROR (…), or prerequisites UNKNOWN.
pub fn ngc_prereq_check_error(f: &Facts) -> Option<Finding> {
    let n = f.ngc.as_ref()?;
    if !check_failed(n) {
        return None;
    }
    let err = n.prereq.as_ref().filter(|v| v.is_error());
    let codes = err.map(|v| codes_in(&v.raw, false)).unwrap_or_default();
    let code = codes.first().map(|c| c.label()).unwrap_or_default();
    let (ctx_en, ctx_ja) = if f.captured_as == CapturedAs::Elevated {
        (
            "This capture was taken elevated, where the check usually cannot read the user's state.",
            "このキャプチャは管理者として取得されており、その場合チェックはユーザーの状態を読み取れないのが一般的です。",
        )
    } else {
        (
            "This happens when dsregcmd runs in a context that is not the signed-in user's, or when the device is not joined.",
            "dsregcmd をサインインしているユーザー以外のコンテキストで実行した場合や、デバイスが参加していない場合に起こります。",
        )
    };
    let mut finding = Finding::new(
        "ngc-prereq-check-error",
        Severity::Info,
        Layer::Tpm,
        format!("The Windows Hello for Business prerequisite check could not be evaluated{}; several prerequisites read UNKNOWN and PreReqResult cannot be trusted. {ctx_en}", if code.is_empty() { String::new() } else { format!(" ({code})") }),
        format!("Windows Hello for Business の前提条件のチェックを評価できませんでした{}。複数の前提条件が UNKNOWN となっており、PreReqResult は信頼できません。{ctx_ja}", if code.is_empty() { String::new() } else { format!(" ({code})") }),
    )
    .ev([&n.prereq, &n.is_device_joined, &n.is_user_azure_ad, &n.pre_req_result])
    .codes(codes)
    .scope(Scope::User)
    .context_aware()
    .actions(&["dsreg-status-check"]);
    if f.captured_as != CapturedAs::User {
        finding = finding.second(SecondCapture::User);
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check, framed, with, HYBRID};

    const OK: &[(&str, &str)] = &[
        ("IsDeviceJoined", "YES"),
        ("IsUserAzureAD", "YES"),
        ("PolicyEnabled", "YES"),
        ("PostLogonEnabled", "YES"),
        ("DeviceEligible", "YES"),
        ("SessionIsNotRemote", "YES"),
        ("CertEnrollment", "enrollment authority"),
        ("AdfsRefreshToken", "YES"),
        ("AdfsRaIsReady", "YES"),
        ("LogonCertTemplateReady", "YES ( StateReady )"),
        ("PreReqResult", "WillProvision"),
    ];

    fn pair(key: &'static str, value: &'static str) -> (String, String) {
        (
            framed(&[
                ("Device State", HYBRID),
                ("Ngc Prerequisite Check", &with(OK, key, value)),
            ]),
            framed(&[("Device State", HYBRID), ("Ngc Prerequisite Check", OK)]),
        )
    }

    #[test]
    fn device_not_joined() {
        let (yes, no) = pair("IsDeviceJoined", "NO");
        let f = check(
            ngc_prereq_device_not_joined,
            "ngc-prereq-device-not-joined",
            &yes,
            &no,
        );
        assert_eq!(f.severity, Severity::Warning);
    }

    #[test]
    fn user_not_entra() {
        let (yes, no) = pair("IsUserAzureAD", "NO");
        check(
            ngc_prereq_user_not_entra,
            "ngc-prereq-user-not-entra",
            &yes,
            &no,
        );
    }

    #[test]
    fn policy_disabled() {
        let (yes, no) = pair("PolicyEnabled", "NO");
        let f = check(
            ngc_prereq_policy_disabled,
            "ngc-prereq-policy-disabled",
            &yes,
            &no,
        );
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn post_logon_disabled() {
        let (yes, no) = pair("PostLogonEnabled", "NO");
        check(
            ngc_prereq_post_logon_disabled,
            "ngc-prereq-post-logon-disabled",
            &yes,
            &no,
        );
    }

    #[test]
    fn device_not_eligible() {
        let (yes, no) = pair("DeviceEligible", "NO");
        check(
            ngc_prereq_device_not_eligible,
            "ngc-prereq-device-not-eligible",
            &yes,
            &no,
        );
    }

    #[test]
    fn remote_session() {
        let (yes, no) = pair("SessionIsNotRemote", "NO");
        check(
            ngc_prereq_remote_session,
            "ngc-prereq-remote-session",
            &yes,
            &no,
        );
    }

    #[test]
    fn adfs_refresh_token() {
        let (yes, no) = pair("AdfsRefreshToken", "NO");
        check(
            ngc_prereq_adfs_refresh_token_missing,
            "ngc-prereq-adfs-refresh-token-missing",
            &yes,
            &no,
        );
    }

    #[test]
    fn adfs_ra() {
        let (yes, no) = pair("AdfsRaIsReady", "NO");
        check(
            ngc_prereq_adfs_ra_not_ready,
            "ngc-prereq-adfs-ra-not-ready",
            &yes,
            &no,
        );
    }

    #[test]
    fn logon_cert_template() {
        let (yes, no) = pair("LogonCertTemplateReady", "NO ( StateNotReady )");
        let f = check(
            ngc_prereq_logon_cert_template_not_ready,
            "ngc-prereq-logon-cert-template-not-ready",
            &yes,
            &no,
        );
        assert!(f.message.en.contains("StateNotReady"));
    }

    #[test]
    fn onprem_tgt() {
        let (yes, no) = pair("OnPremTGT", "NO");
        check(
            ngc_prereq_onprem_tgt_missing,
            "ngc-prereq-onprem-tgt-missing",
            &yes,
            &no,
        );
        // Older builds call it CloudTGT.
        let (old, _) = pair("CloudTGT", "NO");
        assert!(ngc_prereq_onprem_tgt_missing(&crate::rules::testing::facts(&old)).is_some());
    }

    #[test]
    fn will_not_provision() {
        let bad = with(
            &with(OK, "PreReqResult", "WillNotProvision"),
            "DeviceEligible",
            "NO",
        );
        let yes = framed(&[("Device State", HYBRID), ("Ngc Prerequisite Check", &bad)]);
        let no = framed(&[("Device State", HYBRID), ("Ngc Prerequisite Check", OK)]);
        let f = check(
            ngc_prereq_will_not_provision,
            "ngc-prereq-will-not-provision",
            &yes,
            &no,
        );
        assert!(f.message.en.contains("DeviceEligible"));
    }

    #[test]
    fn policy_off_silences_the_other_prerequisites() {
        let off = with(
            &with(&with(OK, "PolicyEnabled", "NO"), "DeviceEligible", "NO"),
            "PreReqResult",
            "WillNotProvision",
        );
        let f = crate::rules::testing::facts(&framed(&[
            ("Device State", HYBRID),
            ("Ngc Prerequisite Check", &off),
        ]));
        assert!(ngc_prereq_policy_disabled(&f).is_some());
        assert!(ngc_prereq_device_not_eligible(&f).is_none());
        assert!(ngc_prereq_will_not_provision(&f).is_none());
    }

    #[test]
    fn check_error() {
        let bad: &[(&str, &str)] = &[
            ("NgcPreReq", "ERROR (0xd0020017)"),
            ("IsDeviceJoined", "UNKNOWN"),
            ("IsUserAzureAD", "UNKNOWN"),
            ("PolicyEnabled", "UNKNOWN"),
            ("PostLogonEnabled", "UNKNOWN"),
            ("DeviceEligible", "UNKNOWN"),
            ("SessionIsNotRemote", "YES"),
            ("CertEnrollment", "none"),
            ("PreReqResult", "WillNotProvision"),
        ];
        let yes = framed(&[("Device State", HYBRID), ("Ngc Prerequisite Check", bad)]);
        let no = framed(&[("Device State", HYBRID), ("Ngc Prerequisite Check", OK)]);
        let f = check(ngc_prereq_check_error, "ngc-prereq-check-error", &yes, &no);
        assert_eq!(f.normalized_codes(), vec!["0xD0020017"]);
    }
}
