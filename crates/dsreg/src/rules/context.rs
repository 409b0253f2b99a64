//! Rules on the capture itself: the context it was taken in and the
//! sections a conclusion needs but the capture lacks.

use super::{is_no, Finding, SecondCapture, Severity};
use crate::model::{CapturedAs, Facts, JoinType, Val};
use crate::parse::SectionKind;
use m365doctor_codes::Layer;

/// Domain joined, not hybrid, and no Diagnostic Data at all.
pub fn join_diagnostics_missing(f: &Facts) -> Option<Finding> {
    let c = &f.capture;
    if f.join_type != JoinType::DomainJoined
        || c.has(SectionKind::DiagnosticData)
        || c.has(SectionKind::PreviousRegistration)
        || !(c.footer || c.has(SectionKind::UserState) || c.has(SectionKind::SsoState))
    {
        return None;
    }
    Some(
        Finding::new(
            "join-diagnostics-missing",
            Severity::Info,
            Layer::DeviceRegistration,
            "The device is domain joined but not hybrid joined, and the capture has no Diagnostic Data section, so it does not say why hybrid join has not happened. An elevated capture runs the join diagnostics as SYSTEM (AD connectivity, service connection point, device registration service, token) and shows the last failed attempt.",
            "デバイスはドメインに参加していますがハイブリッド参加しておらず、キャプチャに Diagnostic Data セクションがないため、ハイブリッド参加が行われていない理由がわかりません。管理者として取得すると、参加の診断 (AD への接続、サービス接続ポイント、デバイス登録サービス、トークン) が SYSTEM として実行され、直前の失敗した試行も表示されます。",
        )
        .ev([&f.device_state.azure_ad_joined, &f.device_state.domain_joined])
        .evidence([Val::note("Diagnostic Data", "(section)", "absent")])
        .second(SecondCapture::Elevated)
        .actions(&["dsreg-status-check"]),
    )
}

/// Elevated capture with User State / SSO State in it.
pub fn elevated_capture_user_scope(f: &Facts) -> Option<Finding> {
    let c = &f.capture;
    if f.captured_as != CapturedAs::Elevated
        || !(c.has(SectionKind::UserState)
            || c.has(SectionKind::SsoState)
            || !f.sso.attempts.is_empty())
    {
        return None;
    }
    let negative = is_no(&f.sso.azure_ad_prt)
        || f.user
            .wam_default_set
            .as_ref()
            .is_some_and(|v| v.flag() != Some(true))
        || !f.sso.attempts.is_empty();
    let basis = f
        .captured_as_basis
        .first()
        .map(|v| format!("{} : {}", v.field, v.raw))
        .unwrap_or_default();
    Some(
        Finding::new(
            "elevated-capture-user-scope",
            if negative { Severity::Warning } else { Severity::Info },
            Layer::Other,
            format!("This capture was taken from an elevated prompt ({basis}). Device state, join diagnostics and KeySignTest are reliable, but User State and SSO State describe the elevated context: a missing PRT, a WAM error or a Windows Hello result here is not necessarily the signed-in user's. Judge those only from a capture taken as the user."),
            format!("このキャプチャは管理者として実行したプロンプトで取得されています ({basis})。デバイスの状態、参加の診断、KeySignTest は信頼できますが、User State と SSO State は昇格したコンテキストの状態です。ここに表示される PRT がない状態、WAM のエラー、Windows Hello の結果は、サインインしているユーザーのものとは限りません。これらはユーザーとして取得した結果だけで判断してください。"),
        )
        .evidence(f.captured_as_basis.clone())
        .ev([&f.sso.azure_ad_prt, &f.user.wam_default_set])
        .second(SecondCapture::User)
        .actions(&["dsreg-status-check"]),
    )
}

/// A complete capture without User State and SSO State.
pub fn user_sections_missing(f: &Facts) -> Option<Finding> {
    let c = &f.capture;
    let complete = c.footer || c.has(SectionKind::DiagnosticData);
    if !c.has(SectionKind::DeviceState)
        || !complete
        || c.has(SectionKind::UserState)
        || c.has(SectionKind::SsoState)
        || c.layout == crate::parse::Layout::Legacy
    {
        return None;
    }
    Some(
        Finding::new(
            "user-sections-missing",
            Severity::Info,
            Layer::Other,
            "The capture has no User State and no SSO State section, so nothing can be said about the user's PRT, Web Account Manager account or Windows Hello. dsregcmd prints them for the account that runs it; take a capture as the affected user.",
            "キャプチャに User State と SSO State のセクションがないため、ユーザーの PRT、Web アカウント マネージャーのアカウント、Windows Hello については判断できません。dsregcmd はこれらを実行したアカウントについて出力するため、影響を受けているユーザーとして取得してください。",
        )
        .evidence([
            Val::note("User State", "(section)", "absent"),
            Val::note("SSO State", "(section)", "absent"),
        ])
        .second(SecondCapture::User)
        .actions(&["dsreg-status-check"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check, framed, DJ, HYBRID};

    const USER: &[(&str, &str)] = &[
        ("NgcSet", "NO"),
        ("WorkplaceJoined", "NO"),
        ("WamDefaultSet", "ERROR (0xd0020017)"),
    ];
    const SSO: &[(&str, &str)] = &[("AzureAdPrt", "NO"), ("AzureAdPrtAuthority", "NO")];

    #[test]
    fn join_diagnostics_missing_rule() {
        let yes = framed(&[
            ("Device State", DJ),
            ("User State", USER),
            ("SSO State", SSO),
        ]);
        let no = framed(&[
            ("Device State", DJ),
            ("User State", USER),
            ("SSO State", SSO),
            (
                "Diagnostic Data",
                &[("User Context", "SYSTEM"), ("AD Connectivity Test", "PASS")],
            ),
        ]);
        let f = check(
            join_diagnostics_missing,
            "join-diagnostics-missing",
            &yes,
            &no,
        );
        assert_eq!(f.second_capture, Some(SecondCapture::Elevated));
    }

    #[test]
    fn elevated_capture_user_scope_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("User State", USER),
            ("SSO State", SSO),
            (
                "Diagnostic Data",
                &[("AadRecoveryEnabled", "NO"), ("KeySignTest", "PASSED")],
            ),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("User State", USER),
            ("SSO State", SSO),
            (
                "Diagnostic Data",
                &[
                    ("AadRecoveryEnabled", "NO"),
                    ("KeySignTest", "MUST Run elevated to test."),
                ],
            ),
        ]);
        let f = check(
            elevated_capture_user_scope,
            "elevated-capture-user-scope",
            &yes,
            &no,
        );
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.en.contains("KeySignTest : PASSED"));
        assert_eq!(f.second_capture, Some(SecondCapture::User));
    }

    #[test]
    fn user_sections_missing_rule() {
        let post: &[(&str, &str)] = &[("AadRecoveryEnabled", "NO"), ("KeySignTest", "PASSED")];
        let yes = framed(&[("Device State", HYBRID), ("Diagnostic Data", post)]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("User State", USER),
            ("Diagnostic Data", post),
        ]);
        check(user_sections_missing, "user-sections-missing", &yes, &no);
    }
}
