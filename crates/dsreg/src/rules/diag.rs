//! Rules on Diagnostic Data: the pre-join tests (AD, SCP, DRS, token),
//! Previous Registration, the post-join key health and the capture clock.

use super::{
    code_words, code_words_ja, is_yes, Finding, Scope, SecondCapture, Severity, SKEW_TOLERANCE,
};
use crate::codes::Code;
use crate::model::{Facts, PreviousRegistration, Test, TestResult, Val};
use crate::time::span;
use m365doctor_codes::{Lang, Layer};

fn failed<'f>(f: &'f Facts, key: &str) -> Option<&'f Test> {
    f.diagnostics
        .test(key)
        .filter(|t| t.result == TestResult::Fail)
}

fn is_network(c: &Code) -> bool {
    matches!(c.best_layer(), Some(Layer::Network | Layer::ProxyTls))
}

fn code_phrase(t: &Test) -> (String, String) {
    match &t.code {
        Some(c) => (
            format!(" ({})", code_words(c)),
            format!(" ({})", code_words_ja(c)),
        ),
        None => (String::new(), String::new()),
    }
}

/// AadRecoveryEnabled : YES.
pub fn aad_recovery_enabled(f: &Facts) -> Option<Finding> {
    if !is_yes(&f.diagnostics.aad_recovery_enabled) {
        return None;
    }
    Some(
        Finding::new(
            "aad-recovery-enabled",
            Severity::Error,
            Layer::DeviceRegistration,
            "AadRecoveryEnabled : YES: Windows found the device keys unusable and marked the registration for recovery. At the next sign-in Windows recovers it, silently on a hybrid-joined device and with a sign-in prompt on an Entra-joined or registered device. Until then single sign-on fails; sign out and back in (or restart) on the corporate network.",
            "AadRecoveryEnabled : YES と表示されています。Windows はデバイスのキーが使用できないことを検出し、登録を回復の対象としました。次回のサインイン時に回復処理が行われ、ハイブリッド参加のデバイスでは自動的に、Microsoft Entra 参加または登録のデバイスではサインインを求められたうえで回復します。それまではシングル サインオンが失敗するため、社内ネットワークでサインアウトしてサインインし直して (または再起動して) ください。",
        )
        .ev([&f.diagnostics.aad_recovery_enabled, &f.diagnostics.key_sign_test])
        .actions(&["restart-device", "sign-out-sign-in", "dsreg-status-check", "contact-admin"]),
    )
}

/// KeySignTest failed.
pub fn key_sign_test_failed(f: &Facts) -> Option<Finding> {
    let t = failed(f, "keysigntest")?;
    let (c_en, c_ja) = code_phrase(t);
    Some(
        Finding::new(
            "key-sign-test-failed",
            Severity::Error,
            Layer::Tpm,
            format!("KeySignTest failed{c_en}: the device could not sign with its registration key. The key is damaged or unreachable (often a TPM problem), so the device cannot prove itself and is usually marked for recovery. Check the TPM's state; do not clear it."),
            format!("KeySignTest が失敗しました{c_ja}。デバイスが登録キーで署名できませんでした。キーが壊れているかアクセスできず (多くは TPM の問題)、デバイスは自身を証明できないため、通常は回復の対象になります。TPM の状態を確認してください。TPM はクリアしないでください。"),
        )
        .evidence([t.val.clone()])
        .codes(t.code.clone())
        .scope(Scope::System)
        .entry("tpm-malfunctioned")
        .actions(&["check-tpm", "collect-evidence", "contact-admin", "dsreg-rejoin"]),
    )
}

/// KeySignTest : MUST Run elevated to test.
pub fn key_sign_test_not_run(f: &Facts) -> Option<Finding> {
    let t = f.diagnostics.test("keysigntest")?;
    if t.result != TestResult::NotRun || !f.join_type.is_entra_device() {
        return None;
    }
    Some(
        Finding::new(
            "key-sign-test-not-run",
            Severity::Info,
            Layer::Tpm,
            "KeySignTest did not run because dsregcmd was not elevated, so the health of the device key (and of the TPM holding it) is not known from this capture.",
            "dsregcmd が管理者として実行されていないため KeySignTest は実行されておらず、このキャプチャからはデバイス キー (およびそれを保持する TPM) の正常性がわかりません。",
        )
        .evidence([t.val.clone()])
        .second(SecondCapture::Elevated)
        .actions(&["dsreg-status-check"]),
    )
}

/// AD Connectivity Test : FAIL.
pub fn ad_connectivity_failed(f: &Facts) -> Option<Finding> {
    let t = failed(f, "adconnectivitytest")?;
    let (c_en, c_ja) = code_phrase(t);
    Some(
        Finding::new(
            "ad-connectivity-failed",
            Severity::Error,
            Layer::Network,
            format!("AD Connectivity Test failed{c_en}: the device has no line of sight to a domain controller, so hybrid join stops in its pre-check phase. Connect the device to the corporate network (or VPN) and let the join task run again at the next sign-in or restart."),
            format!("AD Connectivity Test が失敗しました{c_ja}。デバイスからドメイン コントローラーに到達できないため、ハイブリッド参加は pre-check フェーズで止まります。デバイスを社内ネットワーク (または VPN) に接続し、次回のサインインまたは再起動で参加のタスクが再実行されるようにしてください。"),
        )
        .evidence([t.val.clone()])
        .codes(t.code.clone())
        .scope(Scope::System)
        .actions(&["check-network", "restart-device", "contact-admin"]),
    )
}

fn file_not_found(c: &Code) -> bool {
    c.flatten().iter().any(|x| x.value() == Some(0x8007_0002))
}

/// AD Configuration Test : FAIL `[0x80070002]` — no SCP.
pub fn scp_not_found(f: &Facts) -> Option<Finding> {
    let t = failed(f, "adconfigurationtest")?;
    if !t.code.as_ref().is_some_and(file_not_found) {
        return None;
    }
    Some(
        Finding::new(
            "scp-not-found",
            Severity::Error,
            Layer::DeviceRegistration,
            "AD Configuration Test failed with 0x80070002 (ERROR_FILE_NOT_FOUND): there is no service connection point (SCP) for device registration in this Active Directory forest, so the device cannot learn which tenant to join and hybrid join stops in the discover phase (Client ErrorCode 0x801C001D). The administrator has to configure the SCP (Microsoft Entra Connect, device options) or a client-side registry SCP.",
            "AD Configuration Test が 0x80070002 (ERROR_FILE_NOT_FOUND) で失敗しました。この Active Directory フォレストにデバイス登録用のサービス接続ポイント (SCP) がないため、デバイスは参加先のテナントを特定できず、ハイブリッド参加は discover フェーズで止まります (Client ErrorCode 0x801C001D)。管理者が SCP (Microsoft Entra Connect のデバイス オプション) またはクライアント側のレジストリによる SCP を構成する必要があります。",
        )
        .evidence([t.val.clone()])
        .codes(t.code.clone())
        .entry("hybrid-join-scp-not-readable")
        .actions(&["dsreg-status-check", "contact-admin", "admin-configure-hybrid-join"]),
    )
}

/// AD Configuration Test : FAIL (other than not found).
pub fn scp_misconfigured(f: &Facts) -> Option<Finding> {
    let t = failed(f, "adconfigurationtest")?;
    if t.code.as_ref().is_some_and(file_not_found) {
        return None;
    }
    let (c_en, c_ja) = code_phrase(t);
    Some(
        Finding::new(
            "scp-misconfigured",
            Severity::Error,
            Layer::DeviceRegistration,
            format!("AD Configuration Test failed{c_en}: the service connection point (SCP) for device registration could not be read or is wrong (no tenant ID, or a domain that is not verified in Microsoft Entra ID), or the computer cannot read its own object yet because of AD replication. Hybrid join stops in the discover phase (0x801C001D). The administrator should check the SCP and AD replication."),
            format!("AD Configuration Test が失敗しました{c_ja}。デバイス登録用のサービス接続ポイント (SCP) を読み取れないか、内容が誤っています (テナント ID がない、または Microsoft Entra ID で検証されていないドメインを指している)。あるいは AD のレプリケーションが追いついておらず、コンピューターが自分のオブジェクトを読み取れません。ハイブリッド参加は discover フェーズで止まります (0x801C001D)。管理者が SCP と AD のレプリケーションを確認する必要があります。"),
        )
        .evidence([t.val.clone()])
        .codes(t.code.clone())
        .scope(Scope::System)
        .entry("hybrid-join-scp-not-readable")
        .actions(&["dsreg-status-check", "contact-admin", "admin-configure-hybrid-join"]),
    )
}

/// DRS Discovery Test : FAIL [phase/sub-error].
pub fn drs_discovery_failed(f: &Facts) -> Option<Finding> {
    let t = failed(f, "drsdiscoverytest")?;
    let (c_en, c_ja) = code_phrase(t);
    let sub = t.code.as_ref().and_then(|c| c.sub_error.as_deref());
    let network = t.code.as_ref().is_some_and(is_network);
    let (why_en, why_ja) = match (sub, network) {
        (Some(s), true) => (
            format!(" The sub-error {} points to the network path: the computer account (SYSTEM) cannot reach https://enterpriseregistration.windows.net or login.microsoftonline.com. Check the SYSTEM proxy (WinHTTP) and the firewall; behind a proxy the computer account must be able to discover it and authenticate silently.", s.label()),
            format!("サブエラー {} はネットワーク経路の問題を示しています。コンピューター アカウント (SYSTEM) から https://enterpriseregistration.windows.net または login.microsoftonline.com に到達できません。SYSTEM のプロキシ (WinHTTP) とファイアウォールを確認してください。プロキシ環境では、コンピューター アカウントがプロキシを検出して自動的に認証できる必要があります。", s.label()),
        ),
        (Some(s), false) => (
            format!(" The sub-error {} is the actual reason.", s.label()),
            format!("実際の原因はサブエラー {} です。", s.label()),
        ),
        (None, _) => (String::new(), String::new()),
    };
    let layer = t
        .code
        .as_ref()
        .and_then(Code::best_layer)
        .unwrap_or(Layer::DeviceRegistration);
    let finding = Finding::new(
        "drs-discovery-failed",
        Severity::Error,
        layer,
        format!("DRS Discovery Test failed{c_en}: the device could not fetch the device registration service's discovery metadata or do realm discovery, so hybrid join stops in the discover phase.{why_en}"),
        format!("DRS Discovery Test が失敗しました{c_ja}。デバイス登録サービスの検出メタデータの取得またはレルムの検出ができないため、ハイブリッド参加は discover フェーズで止まります。{why_ja}"),
    )
    .evidence([t.val.clone()])
    .codes(t.code.clone())
    .scope(Scope::System);
    Some(if network {
        finding.actions(&[
            "check-network",
            "check-proxy",
            "admin-configure-hybrid-join",
        ])
    } else {
        finding
    })
}

/// DRS Connectivity Test : FAIL.
pub fn drs_connectivity_failed(f: &Facts) -> Option<Finding> {
    let t = failed(f, "drsconnectivitytest")?;
    let (c_en, c_ja) = code_phrase(t);
    Some(
        Finding::new(
            "drs-connectivity-failed",
            Severity::Error,
            Layer::Network,
            format!("DRS Connectivity Test failed{c_en}: the device found the device registration service but cannot connect to it, so the join request cannot be sent. Make sure the computer account (SYSTEM) can reach https://enterpriseregistration.windows.net through the proxy and firewall without TLS inspection breaking the connection."),
            format!("DRS Connectivity Test が失敗しました{c_ja}。デバイス登録サービスは検出できましたが接続できないため、参加の要求を送れません。コンピューター アカウント (SYSTEM) がプロキシとファイアウォールを経由して https://enterpriseregistration.windows.net に到達でき、TLS 検査で接続が壊されていないことを確認してください。"),
        )
        .evidence([t.val.clone()])
        .codes(t.code.clone())
        .scope(Scope::System)
        .actions(&["check-network", "check-proxy", "admin-configure-hybrid-join"]),
    )
}

/// Token acquisition Test : FAIL (federated join).
pub fn token_acquisition_failed(f: &Facts) -> Option<Finding> {
    let t = failed(f, "tokenacquisitiontest")?;
    let (c_en, c_ja) = code_phrase(t);
    let disabled = f
        .diagnostics
        .fallback_sync_join
        .as_ref()
        .is_some_and(|v| v.upper().contains("DISABLED"));
    let (fb_en, fb_ja) = if disabled {
        (
            " Fallback to sync join is disabled, so the join fails until the federation server answers.",
            "同期参加へのフォールバックが無効になっているため、フェデレーション サーバーが応答するまで参加は失敗します。",
        )
    } else {
        (
            " Windows falls back to sync join, which works once Microsoft Entra Connect has synchronised the computer object.",
            "Windows は同期参加にフォールバックし、Microsoft Entra Connect がコンピューター オブジェクトを同期すると参加が完了します。",
        )
    };
    Some(
        Finding::new(
            "token-acquisition-failed",
            Severity::Error,
            Layer::Federation,
            format!("Token acquisition Test failed{c_en}: for a federated join the device could not get a token from the federation server (AD FS), so the join failed in the auth phase. Check the federation server's windowstransport endpoint and its claim rules for devices, and the path to it.{fb_en}"),
            format!("Token acquisition Test が失敗しました{c_ja}。フェデレーション参加のためのトークンをフェデレーション サーバー (AD FS) から取得できず、参加は auth フェーズで失敗しました。フェデレーション サーバーの windowstransport エンドポイント、デバイス用の要求規則、そこまでの経路を確認してください。{fb_ja}"),
        )
        .evidence([t.val.clone()])
        .ev([&f.diagnostics.fallback_sync_join])
        .codes(t.code.clone())
        .scope(Scope::System)
        .actions(&["check-proxy", "contact-admin", "admin-check-federation"]),
    )
}

/// Kerberos Ticket Test : FAIL.
pub fn kerberos_ticket_test_failed(f: &Facts) -> Option<Finding> {
    let t = failed(f, "kerberostickettest")?;
    let (c_en, c_ja) = code_phrase(t);
    Some(
        Finding::new(
            "kerberos-ticket-test-failed",
            Severity::Warning,
            Layer::DeviceRegistration,
            format!("Kerberos Ticket Test failed{c_en}: the device could not get the Kerberos ticket that the join uses to authenticate the computer. Check that a domain controller is reachable and that the device clock is within five minutes of the domain's time."),
            format!("Kerberos Ticket Test が失敗しました{c_ja}。参加の際にコンピューターの認証に使う Kerberos チケットを取得できませんでした。ドメイン コントローラーに到達できること、デバイスの時刻がドメインの時刻と 5 分以上ずれていないことを確認してください。"),
        )
        .evidence([t.val.clone()])
        .codes(t.code.clone())
        .scope(Scope::System)
        .actions(&["check-network", "sync-clock", "contact-admin"]),
    )
}

/// Fallback to Sync-Join : DISABLED.
pub fn fallback_sync_join_disabled(f: &Facts) -> Option<Finding> {
    let v = f.diagnostics.fallback_sync_join.as_ref()?;
    if !v.upper().contains("DISABLED") {
        return None;
    }
    let token_failed = failed(f, "tokenacquisitiontest").is_some();
    Some(
        Finding::new(
            "fallback-sync-join-disabled",
            if token_failed { Severity::Warning } else { Severity::Info },
            Layer::Federation,
            "Fallback to sync join is disabled (registry FallbackToSyncJoin under HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ). When the federated join cannot get a token from AD FS, Windows will not try the sync join through Microsoft Entra Connect instead.",
            "同期参加へのフォールバックが無効になっています (HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ のレジストリ値 FallbackToSyncJoin)。フェデレーション参加で AD FS からトークンを取得できない場合でも、Windows は Microsoft Entra Connect による同期参加を試みません。",
        )
        .ev([&f.diagnostics.fallback_sync_join])
        .evidence(failed(f, "tokenacquisitiontest").map(|t| t.val.clone()))
        .actions(&["contact-admin", "admin-configure-hybrid-join"]),
    )
}

/// Pre-join diagnostics that did not run as SYSTEM.
pub fn prejoin_diagnostics_not_system(f: &Facts) -> Option<Finding> {
    if f.diagnostics.phase != crate::model::DiagPhase::PreJoin {
        return None;
    }
    let v = f.diagnostics.user_context.as_ref()?;
    if v.upper().contains("SYSTEM") {
        return None;
    }
    Some(
        Finding::new(
            "prejoin-diagnostics-not-system",
            Severity::Info,
            Layer::Other,
            format!("The pre-join diagnostics ran as '{}', not as SYSTEM. The real hybrid join runs as SYSTEM, whose proxy settings and network access can differ from the user's, so these test results may not match what the join sees.", v.raw),
            format!("参加前の診断は SYSTEM ではなく「{}」として実行されています。実際のハイブリッド参加は SYSTEM として実行され、プロキシの設定やネットワークへのアクセスがユーザーと異なる場合があるため、これらのテスト結果は参加処理から見た結果と一致しない可能性があります。", v.raw),
        )
        .ev([&f.diagnostics.user_context])
        .second(SecondCapture::Elevated)
        .actions(&["dsreg-status-check"]),
    )
}

/// Event times later than Client Time: the clock moved.
pub fn clock_skew_event_after_capture(f: &Facts) -> Option<Finding> {
    let clock = f.client_time()?;
    let mut events: Vec<&Val> = f
        .sso
        .attempts
        .iter()
        .filter_map(|a| a.time.as_ref())
        .collect();
    events.extend(
        f.diagnostics
            .previous_registration
            .as_ref()
            .and_then(|p| p.time.as_ref()),
    );
    let (v, ahead) = events
        .into_iter()
        .filter_map(|v| v.time().map(|t| (v, t.0 - clock.time.0)))
        .filter(|(_, a)| *a > SKEW_TOLERANCE)
        .max_by_key(|(_, a)| *a)?;
    Some(
        Finding::new(
            "clock-skew-event-after-capture",
            Severity::Warning,
            Layer::Clock,
            format!("{} is {}, {} after the device clock's time at capture ({}). An event from the future means the device clock was set back or runs behind. Tokens, Kerberos tickets and TLS certificates are checked against the clock, so correct it before anything else.", v.field, v.raw, span(ahead, Lang::En), clock.time.display()),
            format!("{} は {} で、キャプチャ時のデバイスの時刻 ({}) より {}後です。未来の時刻のイベントがあるということは、デバイスの時刻が戻されたか遅れていることを意味します。トークン、Kerberos チケット、TLS 証明書は時刻で検証されるため、まず時刻を修正してください。", v.field, v.raw, clock.time.display(), span(ahead, Lang::Ja)),
        )
        .evidence([v.clone(), clock.source.clone()])
        .entry("symptom-clock-ahead-behind")
        .actions(&["sync-clock", "dsreg-status-check"]),
    )
}

// ------------------------------------------------------ Previous Registration

/// How a previous registration failure is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PrevClass {
    NotSynced,
    AuthError,
    Tpm,
    Network,
    Other,
}

fn classify(p: &PreviousRegistration) -> PrevClass {
    let server = p
        .server_error_code
        .as_ref()
        .map(|v| v.raw.trim().to_lowercase())
        .unwrap_or_default();
    let message = p
        .server_message
        .as_ref()
        .map(|v| v.raw.to_lowercase())
        .unwrap_or_default();
    if server == "directoryerror"
        && (message.contains("isn't found")
            || message.contains("not found")
            || message.contains("is not found"))
    {
        return PrevClass::NotSynced;
    }
    if server == "authenticationerror" {
        return PrevClass::AuthError;
    }
    if let Some(c) = &p.client_code {
        let v = c.value().unwrap_or(0);
        let tpm = matches!(v >> 16, 0x8028 | 0x8029)
            || (0x8009_0001..=0x8009_00FF).contains(&v)
            || c.best_layer() == Some(Layer::Tpm);
        if tpm {
            return PrevClass::Tpm;
        }
        if is_network(c) {
            return PrevClass::Network;
        }
    }
    PrevClass::Other
}

/// The phase name and what happens in it.
fn phase_words(p: &PreviousRegistration) -> Option<(String, &'static str, &'static str)> {
    let raw = p.phase();
    let (en, ja) = match raw.as_str() {
        "" => return None,
        "pre-check" | "precheck" => (
            "checking that a domain controller can be reached",
            "ドメイン コントローラーに到達できるかの確認",
        ),
        "discover" => (
            "finding the tenant through the service connection point, and the device registration service",
            "サービス接続ポイントによるテナントの特定と、デバイス登録サービスの検出",
        ),
        "auth" => (
            "getting a token from the federation server for a federated join",
            "フェデレーション参加のための、フェデレーション サーバーからのトークン取得",
        ),
        "join" => (
            "the registration request to the device registration service, including creating the device key in the TPM",
            "TPM でのデバイス キーの作成を含む、デバイス登録サービスへの登録要求",
        ),
        _ => ("", ""),
    };
    Some((raw, en, ja))
}

/// "The last registration attempt (…) failed in the … phase with …".
fn summary(p: &PreviousRegistration) -> (String, String) {
    let time = p
        .time
        .as_ref()
        .map(|v| {
            v.time()
                .map(|t| t.display())
                .unwrap_or_else(|| v.raw.clone())
        })
        .unwrap_or_default();
    let kind = p
        .registration_type
        .as_ref()
        .map(|v| v.raw.trim().to_string())
        .unwrap_or_default();
    let phase = phase_words(p);
    let mut en = String::from("The last device registration attempt");
    let mut ja = String::from("直前のデバイス登録の試行");
    let mut paren_en: Vec<String> = Vec::new();
    let mut paren_ja: Vec<String> = Vec::new();
    if !time.is_empty() {
        paren_en.push(time.clone());
        paren_ja.push(time);
    }
    if !kind.is_empty() {
        paren_en.push(format!("{kind} join"));
        paren_ja.push(format!("{kind} 参加"));
    }
    if !paren_en.is_empty() {
        en.push_str(&format!(" ({})", paren_en.join(", ")));
        ja.push_str(&format!(" ({})", paren_ja.join("、")));
    }
    en.push_str(" failed");
    ja.push_str(" は");
    match phase {
        Some((name, "", _)) => {
            en.push_str(&format!(" in the {name} phase"));
            ja.push_str(&format!(" {name} フェーズで"));
        }
        Some((name, what_en, what_ja)) => {
            en.push_str(&format!(" in the {name} phase ({what_en})"));
            ja.push_str(&format!(" {name} フェーズ ({what_ja}) で"));
        }
        None => {}
    }
    match &p.client_code {
        Some(c) => {
            en.push_str(&format!(" with {}.", code_words(c)));
            ja.push_str(&format!(" {} により失敗しました。", code_words_ja(c)));
        }
        None => {
            en.push('.');
            ja.push_str("失敗しました。");
        }
    }
    let server = [&p.https_status, &p.server_error_code]
        .into_iter()
        .flatten()
        .map(|v| v.raw.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !server.is_empty() {
        en.push_str(&format!(" The registration service answered {server}"));
        ja.push_str(&format!("登録サービスの応答は {server}"));
        match &p.server_message {
            Some(m) if !m.is_blank() => {
                en.push_str(&format!(": \"{}\"", m.raw.trim()));
                ja.push_str(&format!(" (\"{}\") でした。", m.raw.trim()));
            }
            _ => ja.push_str(" でした。"),
        }
        en.push('.');
    }
    (en, ja)
}

/// The failure is history when the device is joined now.
fn prev_severity(f: &Facts, when_failing: Severity) -> Severity {
    if f.join_type.is_entra_device() {
        Severity::Info
    } else {
        when_failing
    }
}

fn resolved_note(f: &Facts) -> (&'static str, &'static str) {
    if f.join_type.is_entra_device() {
        (
            " The device is joined now, so this failure has since been overcome.",
            "現在デバイスは参加済みのため、この失敗はその後解消されています。",
        )
    } else {
        ("", "")
    }
}

fn previous(f: &Facts) -> Option<&PreviousRegistration> {
    f.diagnostics.previous_registration.as_ref()
}

/// DirectoryError: the device object is not (yet) in Microsoft Entra ID.
pub fn previous_registration_device_not_synced(f: &Facts) -> Option<Finding> {
    let p = previous(f)?;
    if classify(p) != PrevClass::NotSynced {
        return None;
    }
    let (s_en, s_ja) = summary(p);
    let (r_en, r_ja) = resolved_note(f);
    Some(
        Finding::new(
            "previous-registration-device-not-synced",
            prev_severity(f, Severity::Warning),
            Layer::DeviceRegistration,
            format!("{s_en} For a sync join this is normal until Microsoft Entra Connect has synchronised the computer object (one sync cycle, about 30 minutes); Windows retries at the next sign-in or restart. If it persists, the computer's organisational unit is outside the sync scope or its userCertificate attribute is not being synchronised.{r_en}"),
            format!("{s_ja}同期参加では、Microsoft Entra Connect がコンピューター オブジェクトを同期するまで (同期サイクル 1 回分、約 30 分) はこの状態が通常です。Windows は次回のサインインまたは再起動時に再試行します。解消しない場合は、コンピューターの組織単位 (OU) が同期の対象外か、userCertificate 属性が同期されていません。{r_ja}"),
        )
        .evidence(p.evidence())
        .codes(p.client_code.clone())
        .entry("hybrid-join-directory-error")
        .actions(&["restart-device", "dsreg-status-check", "admin-configure-hybrid-join"]),
    )
}

/// AuthenticationError from the registration service.
pub fn previous_registration_authentication_error(f: &Facts) -> Option<Finding> {
    let p = previous(f)?;
    if classify(p) != PrevClass::AuthError {
        return None;
    }
    let (s_en, s_ja) = summary(p);
    let (r_en, r_ja) = resolved_note(f);
    Some(
        Finding::new(
            "previous-registration-authentication-error",
            prev_severity(f, Severity::Error),
            Layer::DeviceRegistration,
            format!("{s_en} The device registration service did not accept the computer's authentication: for a sync join the computer's certificate (userCertificate) does not match what Microsoft Entra Connect synchronised; for a federated join the token from AD FS lacks the device claims. The administrator should check the computer object's sync and the federation claim rules.{r_en}"),
            format!("{s_ja}デバイス登録サービスがコンピューターの認証を受け付けませんでした。同期参加ではコンピューターの証明書 (userCertificate) が Microsoft Entra Connect で同期された内容と一致せず、フェデレーション参加では AD FS のトークンにデバイスの要求が含まれていません。管理者がコンピューター オブジェクトの同期とフェデレーションの要求規則を確認する必要があります。{r_ja}"),
        )
        .evidence(p.evidence())
        .codes(p.client_code.clone())
        .entry("hybrid-join-drs-authentication-error")
        .actions(&["dsreg-status-check", "contact-admin", "admin-configure-hybrid-join", "admin-check-federation"]),
    )
}

/// The registration failed on the TPM.
pub fn previous_registration_tpm_error(f: &Facts) -> Option<Finding> {
    let p = previous(f)?;
    if classify(p) != PrevClass::Tpm {
        return None;
    }
    let (s_en, s_ja) = summary(p);
    let (r_en, r_ja) = resolved_note(f);
    Some(
        Finding::new(
            "previous-registration-tpm-error",
            prev_severity(f, Severity::Error),
            Layer::Tpm,
            format!("{s_en} The error comes from the TPM or the key storage: Windows could not create or use the device key. Check the TPM's state (tpm.msc) and install firmware and Windows updates; do not clear the TPM, which destroys keys that other registrations still use.{r_en}"),
            format!("{s_ja}このエラーは TPM またはキー記憶域から返されたもので、Windows がデバイス キーを作成または使用できませんでした。TPM の状態 (tpm.msc) を確認し、ファームウェアと Windows の更新プログラムをインストールしてください。TPM はクリアしないでください。他の登録で使われているキーも消えてしまいます。{r_ja}"),
        )
        .evidence(p.evidence())
        .codes(p.client_code.clone())
        .entry("tpm-malfunctioned")
        .actions(&["check-tpm", "update-windows", "collect-evidence", "contact-admin"]),
    )
}

/// The registration failed on the network.
pub fn previous_registration_network_error(f: &Facts) -> Option<Finding> {
    let p = previous(f)?;
    if classify(p) != PrevClass::Network {
        return None;
    }
    let (s_en, s_ja) = summary(p);
    let (r_en, r_ja) = resolved_note(f);
    Some(
        Finding::new(
            "previous-registration-network-error",
            prev_severity(f, Severity::Error),
            Layer::Network,
            format!("{s_en} That is a network error on the computer account's (SYSTEM) path to Microsoft Entra ID: check the SYSTEM proxy (WinHTTP) and the firewall for https://enterpriseregistration.windows.net and https://login.microsoftonline.com.{r_en}"),
            format!("{s_ja}これはコンピューター アカウント (SYSTEM) から Microsoft Entra ID への経路上のネットワーク エラーです。https://enterpriseregistration.windows.net と https://login.microsoftonline.com について、SYSTEM のプロキシ (WinHTTP) とファイアウォールを確認してください。{r_ja}"),
        )
        .evidence(p.evidence())
        .codes(p.client_code.clone())
        .scope(Scope::System)
        .actions(&["check-network", "check-proxy", "admin-configure-hybrid-join"]),
    )
}

/// Any other previous registration failure, decoded.
pub fn previous_registration_failed(f: &Facts) -> Option<Finding> {
    let p = previous(f)?;
    if classify(p) != PrevClass::Other {
        return None;
    }
    let (s_en, s_ja) = summary(p);
    let (r_en, r_ja) = resolved_note(f);
    let layer = p
        .client_code
        .as_ref()
        .and_then(Code::best_layer)
        .unwrap_or(Layer::DeviceRegistration);
    let finding = Finding::new(
        "previous-registration-failed",
        prev_severity(f, Severity::Error),
        layer,
        format!("{s_en}{r_en}"),
        format!("{s_ja}{r_ja}"),
    )
    .evidence(p.evidence())
    .codes(p.client_code.clone());
    Some(if p.client_code.is_none() {
        finding.actions(&[
            "dsreg-status-check",
            "collect-evidence",
            "admin-configure-hybrid-join",
        ])
    } else {
        finding
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check, facts, framed, with, DJ, HYBRID};

    const PRE: &[(&str, &str)] = &[
        ("Diagnostics Reference", "www.microsoft.com/aadjerrors"),
        ("User Context", "SYSTEM"),
        ("Client Time", "2024-05-01 09:25:31.000 UTC"),
        ("AD Connectivity Test", "PASS"),
        ("AD Configuration Test", "PASS"),
        ("DRS Discovery Test", "PASS"),
        ("DRS Connectivity Test", "PASS"),
        ("Token acquisition Test", "PASS"),
        ("Fallback to Sync-Join", "ENABLED"),
    ];
    const POST: &[(&str, &str)] = &[("AadRecoveryEnabled", "NO"), ("KeySignTest", "PASSED")];

    fn pre(key: &'static str, value: &'static str) -> (String, String) {
        (
            framed(&[
                ("Device State", DJ),
                ("Diagnostic Data", &with(PRE, key, value)),
            ]),
            framed(&[("Device State", DJ), ("Diagnostic Data", PRE)]),
        )
    }

    fn prev(extra: &[(&'static str, &'static str)]) -> String {
        let mut d: Vec<(&str, &str)> = PRE.to_vec();
        d.push(("Previous Registration", "2024-05-01 09:16:43.000 UTC"));
        d.extend_from_slice(extra);
        framed(&[("Device State", DJ), ("Diagnostic Data", &d)])
    }

    #[test]
    fn aad_recovery_enabled_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("Diagnostic Data", &with(POST, "AadRecoveryEnabled", "YES")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("Diagnostic Data", POST)]);
        check(aad_recovery_enabled, "aad-recovery-enabled", &yes, &no);
    }

    #[test]
    fn key_sign_test_failed_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            (
                "Diagnostic Data",
                &with(POST, "KeySignTest", "FAILED [0x80090016]"),
            ),
        ]);
        let no = framed(&[("Device State", HYBRID), ("Diagnostic Data", POST)]);
        let f = check(key_sign_test_failed, "key-sign-test-failed", &yes, &no);
        assert_eq!(f.normalized_codes(), vec!["0x80090016"]);
    }

    #[test]
    fn key_sign_test_not_run_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            (
                "Diagnostic Data",
                &with(POST, "KeySignTest", "MUST Run elevated to test."),
            ),
        ]);
        let no = framed(&[("Device State", HYBRID), ("Diagnostic Data", POST)]);
        let f = check(key_sign_test_not_run, "key-sign-test-not-run", &yes, &no);
        assert_eq!(f.second_capture, Some(SecondCapture::Elevated));
    }

    #[test]
    fn ad_connectivity_failed_rule() {
        let (yes, no) = pre("AD Connectivity Test", "FAIL [0x80070547]");
        check(ad_connectivity_failed, "ad-connectivity-failed", &yes, &no);
    }

    #[test]
    fn scp_not_found_rule() {
        let (yes, no) = pre("AD Configuration Test", "FAIL [0x80070002]");
        let f = check(scp_not_found, "scp-not-found", &yes, &no);
        assert!(scp_misconfigured(&facts(&yes)).is_none());
        assert_eq!(f.normalized_codes(), vec!["0x80070002"]);
    }

    #[test]
    fn scp_misconfigured_rule() {
        let (yes, no) = pre("AD Configuration Test", "FAIL");
        check(scp_misconfigured, "scp-misconfigured", &yes, &no);
        assert!(scp_not_found(&facts(&yes)).is_none());
    }

    #[test]
    fn drs_discovery_failed_rule() {
        let (yes, no) = pre("DRS Discovery Test", "FAIL [0x801c0021/0x80072ee2]");
        let f = check(drs_discovery_failed, "drs-discovery-failed", &yes, &no);
        assert_eq!(f.normalized_codes(), vec!["0x801C0021", "0x80072EE2"]);
        assert_eq!(f.layer, Layer::Network);
        assert!(f.message.en.contains("0x80072EE2"));
        assert!(f.actions.iter().any(|a| a == "check-proxy"));
    }

    #[test]
    fn drs_connectivity_failed_rule() {
        let (yes, no) = pre("DRS Connectivity Test", "FAIL [0x80072efd]");
        check(
            drs_connectivity_failed,
            "drs-connectivity-failed",
            &yes,
            &no,
        );
    }

    #[test]
    fn token_acquisition_failed_rule() {
        let (yes, no) = pre("Token acquisition Test", "FAIL [0xcaa90014]");
        let f = check(
            token_acquisition_failed,
            "token-acquisition-failed",
            &yes,
            &no,
        );
        assert!(f.message.en.contains("falls back"));
    }

    #[test]
    fn kerberos_ticket_test_failed_rule() {
        let (yes, no) = pre("Kerberos Ticket Test", "FAIL");
        check(
            kerberos_ticket_test_failed,
            "kerberos-ticket-test-failed",
            &yes,
            &no,
        );
    }

    #[test]
    fn fallback_sync_join_disabled_rule() {
        let (yes, no) = pre("Fallback to Sync-Join", "DISABLED");
        let f = check(
            fallback_sync_join_disabled,
            "fallback-sync-join-disabled",
            &yes,
            &no,
        );
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn prejoin_diagnostics_not_system_rule() {
        let (yes, no) = pre("User Context", "UN-ELEVATED User");
        let f = check(
            prejoin_diagnostics_not_system,
            "prejoin-diagnostics-not-system",
            &yes,
            &no,
        );
        assert_eq!(f.second_capture, Some(SecondCapture::Elevated));
    }

    #[test]
    fn clock_skew_event_after_capture_rule() {
        let mut later: Vec<(&str, &str)> = PRE.to_vec();
        later.push(("Previous Registration", "2024-05-03 09:16:43.000 UTC"));
        let yes = framed(&[("Device State", DJ), ("Diagnostic Data", &later)]);
        let no = prev(&[]);
        check(
            clock_skew_event_after_capture,
            "clock-skew-event-after-capture",
            &yes,
            &no,
        );
    }

    #[test]
    fn previous_registration_device_not_synced_rule() {
        let yes = prev(&[
            ("Registration Type", "sync"),
            ("Error Phase", "join"),
            ("Client ErrorCode", "0x801c03f2"),
            ("Server ErrorCode", "DirectoryError"),
            ("Server Message", "The device object by the given id (aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb) isn't found."),
            ("Https Status", "400"),
        ]);
        let no = prev(&[
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c001d"),
        ]);
        let f = check(
            previous_registration_device_not_synced,
            "previous-registration-device-not-synced",
            &yes,
            &no,
        );
        assert_eq!(f.severity, Severity::Warning);
        assert!(previous_registration_failed(&facts(&yes)).is_none());
    }

    #[test]
    fn previous_registration_authentication_error_rule() {
        let yes = prev(&[
            ("Error Phase", "join"),
            ("Client ErrorCode", "0x801c0002"),
            ("Server ErrorCode", "AuthenticationError"),
        ]);
        let no = prev(&[
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c001d"),
        ]);
        check(
            previous_registration_authentication_error,
            "previous-registration-authentication-error",
            &yes,
            &no,
        );
    }

    #[test]
    fn previous_registration_tpm_error_rule() {
        let yes = prev(&[("Error Phase", "join"), ("Client ErrorCode", "0x80290407")]);
        let no = prev(&[
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c001d"),
        ]);
        let f = check(
            previous_registration_tpm_error,
            "previous-registration-tpm-error",
            &yes,
            &no,
        );
        assert!(f
            .message
            .en
            .contains("join phase (the registration request"));
    }

    #[test]
    fn previous_registration_network_error_rule() {
        let yes = prev(&[
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c001f"),
        ]);
        let no = prev(&[
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c001d"),
        ]);
        check(
            previous_registration_network_error,
            "previous-registration-network-error",
            &yes,
            &no,
        );
    }

    #[test]
    fn previous_registration_failed_rule() {
        let yes = prev(&[
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c001d"),
        ]);
        let no = framed(&[("Device State", DJ), ("Diagnostic Data", PRE)]);
        let f = check(
            previous_registration_failed,
            "previous-registration-failed",
            &yes,
            &no,
        );
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message.en.contains("DSREG_AUTOJOIN_ADCONFIG_READ_FAILED"),
            "{}",
            f.message.en
        );
        let joined = framed(&[
            ("Device State", HYBRID),
            (
                "Diagnostic Data",
                &[
                    ("Previous Registration", "2024-05-01 09:16:43.000 UTC"),
                    ("Error Phase", "discover"),
                    ("Client ErrorCode", "0x801c001d"),
                ],
            ),
        ]);
        assert_eq!(
            previous_registration_failed(&facts(&joined))
                .unwrap()
                .severity,
            Severity::Info
        );
    }
}
