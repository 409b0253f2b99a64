//! Rules on Device State, Device Details and Tenant Details: the join, the
//! device object, its certificate and key, the tenant's endpoints and the
//! Windows build the output format reveals.

use super::{
    at_least, clock_words, is_missing, is_no, is_yes, join_words, Finding, Scope, SecondCapture,
    Severity, SKEW_TOLERANCE,
};
use crate::model::{key_storage, CapturedAs, Facts, JoinType, KeyStorage, Val};
use crate::parse::{Layout, SectionKind};
use crate::time::{span, DAY};
use m365doctor_codes::{Lang, Layer};

/// Sections in the order dsregcmd prints them, for "missing" checks.
fn order(kind: SectionKind) -> u8 {
    match kind {
        SectionKind::DeviceState => 0,
        SectionKind::DeviceDetails => 1,
        SectionKind::TenantDetails => 2,
        SectionKind::UserState => 3,
        SectionKind::SsoState => 4,
        _ => 5,
    }
}

/// The capture is complete enough that a missing section of this kind was
/// not printed by dsregcmd (rather than cut off by whoever pasted it).
pub(crate) fn expected_but_missing(f: &Facts, kind: SectionKind) -> bool {
    let c = &f.capture;
    c.layout == Layout::Current
        && c.has(SectionKind::DeviceState)
        && !c.has(kind)
        && (c.footer || c.sections.iter().any(|s| order(s.kind) > order(kind)))
}

fn device_section_present(f: &Facts) -> bool {
    f.capture.has(SectionKind::DeviceDetails) || f.capture.layout == Layout::Legacy
}

fn tenant_section_present(f: &Facts) -> bool {
    f.capture.has(SectionKind::TenantDetails) || f.capture.layout == Layout::Legacy
}

/// AzureAdJoined and EnterpriseJoined both YES.
pub fn join_state_inconsistent(f: &Facts) -> Option<Finding> {
    let ds = &f.device_state;
    if !(is_yes(&ds.azure_ad_joined) && is_yes(&ds.enterprise_joined)) {
        return None;
    }
    Some(
        Finding::new(
            "join-state-inconsistent",
            Severity::Error,
            Layer::DeviceRegistration,
            "Device State says the device is joined to Microsoft Entra ID (AzureAdJoined : YES) and also to an on-premises device registration service (EnterpriseJoined : YES). A device can only be one of the two, so the registration state is damaged or left over from an earlier join; sign-ins that rely on the device may use the wrong registration.",
            "Device State に、Microsoft Entra ID への参加 (AzureAdJoined : YES) と、オンプレミスのデバイス登録サービスへの参加 (EnterpriseJoined : YES) の両方が示されています。デバイスはどちらか一方にしか参加できないため、登録状態が壊れているか、以前の参加の情報が残っています。デバイスに依存するサインインが誤った登録を使うおそれがあります。",
        )
        .ev([&ds.azure_ad_joined, &ds.enterprise_joined, &ds.domain_joined])
        .actions(&["dsreg-status-check", "collect-evidence", "contact-admin", "admin-configure-hybrid-join", "dsreg-rejoin"]),
    )
}

/// DeviceAuthStatus : FAILED. Device is either disabled or deleted.
pub fn device_disabled_or_deleted(f: &Facts) -> Option<Finding> {
    let v = f.device.auth_status.as_ref()?;
    let u = v.upper();
    if !(u.starts_with("FAIL") && (u.contains("DISABLED") || u.contains("DELETED"))) {
        return None;
    }
    let id = f
        .device
        .id
        .as_ref()
        .map(|v| v.raw.clone())
        .unwrap_or_default();
    let (recover_en, recover_ja) = match f.join_type {
        JoinType::HybridJoined => (
            "If it was deleted, a hybrid-joined device registers again after an administrator runs dsregcmd /leave on it and it restarts on the corporate network.",
            "削除されている場合、ハイブリッド参加のデバイスは、管理者が dsregcmd /leave を実行し、社内ネットワークで再起動すると再登録されます。",
        ),
        _ => (
            "If it was deleted, the device must be registered again; on an Entra-joined PC that needs an administrator, because leaving the join can lock everyone out of it.",
            "削除されている場合はデバイスを登録し直す必要があります。Microsoft Entra 参加の PC では参加を解除するとだれもサインインできなくなるおそれがあるため、管理者が対応します。",
        ),
    };
    Some(
        Finding::new(
            "device-disabled-or-deleted",
            Severity::Error,
            Layer::DeviceRegistration,
            format!("Microsoft Entra ID reports the device object {id} as disabled or deleted (DeviceAuthStatus : FAILED). The PC still holds its registration, but Entra ID refuses it: there is no working PRT, and Office, Teams and OneDrive keep prompting or fail (AADSTS135011 for a disabled device, AADSTS50155 for a deleted one). Retyping the password does not help and can lock the account. An administrator must enable the device object in the Microsoft Entra admin center. {recover_en}"),
            format!("Microsoft Entra ID で、デバイス オブジェクト {id} が無効化または削除されていると報告されています (DeviceAuthStatus : FAILED)。PC 側には登録が残っていますが Entra ID が拒否しているため、有効な PRT がなく、Office、Teams、OneDrive はサインインを求め続けるか失敗します (無効化されたデバイスでは AADSTS135011、削除されたデバイスでは AADSTS50155)。パスワードを入力し直しても解決せず、アカウントがロックされるおそれがあります。管理者が Microsoft Entra 管理センターでデバイス オブジェクトを有効にする必要があります。{recover_ja}"),
        )
        .ev([&f.device.auth_status, &f.device.id])
        .entry("aadsts-device-disabled-or-deleted")
        .actions(&["dsreg-status-check", "contact-admin", "admin-enable-device", "dsreg-rejoin"]),
    )
}

/// Joined, complete capture, but no Device Details section.
pub fn device_details_missing(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() || !expected_but_missing(f, SectionKind::DeviceDetails) {
        return None;
    }
    Some(
        Finding::new(
            "device-details-missing",
            Severity::Error,
            Layer::DeviceRegistration,
            "Device State says the device is joined to Microsoft Entra ID (AzureAdJoined : YES), but dsregcmd printed no Device Details section: Windows has no device ID, certificate or key for that join. The registration is broken and the device cannot get a PRT until it registers again.",
            "Device State では Microsoft Entra ID に参加済み (AzureAdJoined : YES) となっていますが、dsregcmd は Device Details セクションを出力していません。参加に必要なデバイス ID、証明書、キーが Windows にない状態です。登録が壊れており、再登録するまでデバイスは PRT を取得できません。",
        )
        .ev([&f.device_state.azure_ad_joined, &f.device_state.domain_joined])
        .evidence([Val::note("Device Details", "(section)", "absent")])
        .entry("device-certificate-missing")
        .actions(&["dsreg-status-check", "collect-evidence", "contact-admin", "dsreg-rejoin"]),
    )
}

/// Device Details present but no DeviceId.
pub fn device_id_missing(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() || !device_section_present(f) || !is_missing(&f.device.id) {
        return None;
    }
    Some(
        Finding::new(
            "device-id-missing",
            Severity::Error,
            Layer::DeviceRegistration,
            "The device is joined to Microsoft Entra ID but Device Details shows no DeviceId. Without its device ID, Windows cannot identify itself to Entra ID; the registration is incomplete and has to be repaired by registering again.",
            "デバイスは Microsoft Entra ID に参加済みですが、Device Details に DeviceId がありません。デバイス ID がないと Windows は Entra ID に対して自分を識別できません。登録が不完全なため、再登録して修復する必要があります。",
        )
        .ev([&f.device.id, &f.device_state.azure_ad_joined])
        .evidence(if f.device.id.is_none() {
            vec![Val::note("Device Details", "DeviceId", "(absent)")]
        } else {
            Vec::new()
        })
        .actions(&["dsreg-status-check", "collect-evidence", "contact-admin", "dsreg-rejoin"]),
    )
}

/// Joined but no Thumbprint: no device certificate.
pub fn device_certificate_missing(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device()
        || !device_section_present(f)
        || !is_missing(&f.device.thumbprint)
    {
        return None;
    }
    Some(
        Finding::new(
            "device-certificate-missing",
            Severity::Error,
            Layer::DeviceRegistration,
            "The device is joined to Microsoft Entra ID but Device Details shows no certificate Thumbprint: the device certificate (MS-Organization-Access) is missing. Without it the device cannot prove its identity, PRT requests fail, and the device has to register again.",
            "デバイスは Microsoft Entra ID に参加済みですが、Device Details に証明書の Thumbprint がありません。デバイス証明書 (MS-Organization-Access) が見つからない状態です。証明書がないとデバイスは自身を証明できず、PRT の要求が失敗するため、再登録が必要です。",
        )
        .ev([&f.device.thumbprint, &f.device.id, &f.device_state.azure_ad_joined])
        .entry("device-certificate-missing")
        .actions(&["dsreg-status-check", "collect-evidence", "contact-admin", "dsreg-rejoin"]),
    )
}

/// DeviceCertificateValidity ended before the capture's clock.
pub fn device_certificate_expired(f: &Facts) -> Option<Finding> {
    let v = f.device.validity?;
    let age = f.age(v.not_after)?;
    if age <= 0 {
        return None;
    }
    let (al_en, al_ja) = at_least(f);
    let (c_en, c_ja) = clock_words(f);
    Some(
        Finding::new(
            "device-certificate-expired",
            Severity::Error,
            Layer::DeviceRegistration,
            format!("The device certificate expired on {}, {al_en}{} before this capture ({c_en}). Windows can no longer prove the device's identity, so PRT requests and device-based Conditional Access fail. If the device clock is far ahead, correct it first; otherwise the device must register again.", v.not_after.display(), span(age, Lang::En)),
            format!("デバイス証明書は {} に期限切れになっており、このキャプチャの時点 ({c_ja}) で {al_ja}{}が経過しています。Windows はデバイスの ID を証明できないため、PRT の要求やデバイスベースの条件付きアクセスが失敗します。デバイスの時刻が大きく進んでいる場合はまず時刻を修正し、そうでなければデバイスを再登録する必要があります。", v.not_after.display(), span(age, Lang::Ja)),
        )
        .ev([&f.device.certificate_validity])
        .evidence(f.clock.as_ref().map(|c| c.source.clone()))
        .actions(&["sync-clock", "dsreg-status-check", "contact-admin", "dsreg-rejoin"]),
    )
}

/// DeviceCertificateValidity starts after a time read from the device's
/// own clock: Client Time, or the time a failed PRT attempt was recorded.
pub fn clock_skew_certificate_not_yet_valid(f: &Facts) -> Option<Finding> {
    let v = f.device.validity?;
    let mut moments: Vec<&Val> = Vec::new();
    moments.extend(f.client_time().map(|c| &c.source));
    moments.extend(f.sso.attempts.iter().filter_map(|a| a.time.as_ref()));
    let (source, behind) = moments
        .into_iter()
        .filter_map(|m| m.time().map(|t| (m, v.not_before.0 - t.0)))
        .filter(|(_, b)| *b > SKEW_TOLERANCE)
        .max_by_key(|(_, b)| *b)?;
    let when = source.time().map(|t| t.display()).unwrap_or_default();
    let (what_en, what_ja) = if crate::parse::normalize_key(&source.field) == "clienttime" {
        (
            "the device clock read",
            "このキャプチャを取得したときのデバイスの時刻は",
        )
    } else {
        (
            "the device recorded a PRT attempt at",
            "デバイスが PRT の試行を記録した時刻は",
        )
    };
    Some(
        Finding::new(
            "clock-skew-certificate-not-yet-valid",
            Severity::Error,
            Layer::Clock,
            format!("The device certificate is valid only from {}, but {what_en} {when}, {} earlier. Microsoft Entra ID issued the certificate with the real time, so the device clock is behind (or was set back): TLS connections and token requests fail until the clock is corrected.", v.not_before.display(), span(behind, Lang::En)),
            format!("デバイス証明書の有効期間は {} からですが、{what_ja} {when} で、{}前になっています。証明書は Microsoft Entra ID が正しい時刻で発行したものなので、デバイスの時刻が遅れている (または戻された) ことになります。時刻を修正するまで TLS 接続やトークンの要求は失敗します。", v.not_before.display(), span(behind, Lang::Ja)),
        )
        .ev([&f.device.certificate_validity])
        .evidence([source.clone()])
        .entry("symptom-clock-ahead-behind")
        .actions(&["sync-clock", "restart-device", "dsreg-status-check"]),
    )
}

/// Joined, certificate present, but no KeyContainerId.
pub fn key_container_missing(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device()
        || !device_section_present(f)
        || is_missing(&f.device.thumbprint)
        || !is_missing(&f.device.key_container_id)
    {
        return None;
    }
    Some(
        Finding::new(
            "key-container-missing",
            Severity::Error,
            Layer::Tpm,
            "The device has a certificate but Device Details shows no KeyContainerId: the private key that belongs to the device certificate is gone. This happens when the TPM was cleared or reset, or when the Windows image was captured from an already registered PC. The device cannot sign its requests, so PRT requests fail until it registers again. Do not clear the TPM to fix this.",
            "デバイス証明書はありますが、Device Details に KeyContainerId がありません。デバイス証明書に対応する秘密キーが失われています。TPM がクリアまたはリセットされた場合や、登録済みの PC から Windows イメージを作成した場合に起こります。デバイスは要求に署名できないため、再登録するまで PRT の要求は失敗します。この問題の解決のために TPM をクリアしないでください。",
        )
        .ev([&f.device.key_container_id, &f.device.thumbprint, &f.device.key_provider])
        .entry("tpm-malfunctioned")
        .actions(&["check-tpm", "dsreg-status-check", "contact-admin", "dsreg-rejoin"]),
    )
}

/// KeyProvider is the software key storage provider.
pub fn software_key_provider(f: &Facts) -> Option<Finding> {
    let kp = f.device.key_provider.as_ref()?;
    if key_storage(kp) != KeyStorage::Software {
        return None;
    }
    Some(
        Finding::new(
            "software-key-provider",
            Severity::Warning,
            Layer::Tpm,
            "The device key is kept by the Microsoft Software Key Storage Provider, not by the TPM (TpmProtected : NO). That is allowed, and normal on PCs and virtual machines without a TPM 2.0, but on a PC with a TPM it means Windows fell back to a software key because the TPM failed when the device registered (Windows 10 1809 and later fall back). A software key is less protected, and the same TPM fault can break Windows Hello. Check the TPM's state; do not clear it.",
            "デバイスのキーは TPM ではなく Microsoft Software Key Storage Provider に保存されています (TpmProtected : NO)。これは許容されており、TPM 2.0 のない PC や仮想マシンでは通常の状態です。しかし TPM のある PC では、デバイス登録時に TPM が失敗したためにソフトウェア キーへ切り替わった (Windows 10 1809 以降の動作) ことを意味します。ソフトウェア キーは保護が弱く、同じ TPM の不具合で Windows Hello も失敗することがあります。TPM の状態を確認してください。TPM はクリアしないでください。",
        )
        .ev([&f.device.key_provider, &f.device.tpm_protected])
        .actions(&["check-tpm", "update-windows", "contact-admin"]),
    )
}

/// KeyProvider and TpmProtected disagree.
pub fn tpm_protection_inconsistent(f: &Facts) -> Option<Finding> {
    let kp = f.device.key_provider.as_ref()?;
    let storage = key_storage(kp);
    let bad = (storage == KeyStorage::Tpm && is_no(&f.device.tpm_protected))
        || (storage == KeyStorage::Software && is_yes(&f.device.tpm_protected));
    if !bad {
        return None;
    }
    Some(
        Finding::new(
            "tpm-protection-inconsistent",
            Severity::Warning,
            Layer::Tpm,
            format!("KeyProvider ({}) and TpmProtected ({}) disagree about where the device key lives. The registration information is inconsistent, which is typical of a key that was lost or recreated (for example after a TPM reset). Check the TPM's state and watch for TPM errors in the AAD event log.", kp.raw, f.device.tpm_protected.as_ref().map(|v| v.raw.as_str()).unwrap_or("")),
            format!("KeyProvider ({}) と TpmProtected ({}) が示すデバイス キーの保存場所が一致しません。登録情報に矛盾があり、キーが失われたり作り直されたりした場合 (TPM のリセット後など) によく見られます。TPM の状態を確認し、AAD イベント ログに TPM のエラーがないか確認してください。", kp.raw, f.device.tpm_protected.as_ref().map(|v| v.raw.as_str()).unwrap_or("")),
        )
        .ev([&f.device.key_provider, &f.device.tpm_protected])
        .actions(&["check-tpm", "collect-evidence", "contact-admin"]),
    )
}

/// DeviceAuthStatus : FAILED. ERROR — the check itself could not run.
pub fn device_auth_status_error(f: &Facts) -> Option<Finding> {
    let v = f.device.auth_status.as_ref()?;
    let u = v.upper();
    if !u.starts_with("FAIL") || u.contains("DISABLED") || u.contains("DELETED") {
        return None;
    }
    Some(
        Finding::new(
            "device-auth-status-error",
            Severity::Warning,
            Layer::Network,
            format!("The DeviceAuthStatus check could not complete ({}): dsregcmd could not reach Microsoft Entra ID to test the device, usually because the SYSTEM account has no network path to it (proxy or firewall). It does not yet say anything about the device object itself; fix the path and run the check again.", v.raw),
            format!("DeviceAuthStatus のチェックを完了できませんでした ({})。dsregcmd がデバイスを確認するために Microsoft Entra ID へ接続できなかったもので、多くの場合、SYSTEM アカウントからのネットワーク経路 (プロキシやファイアウォール) が原因です。デバイス オブジェクト自体の状態はまだわかりません。経路を修正してから再度確認してください。", v.raw),
        )
        .ev([&f.device.auth_status])
        .scope(Scope::System)
        .actions(&["check-network", "check-proxy", "dsreg-status-check"]),
    )
}

/// Current layout, Device Details without DeviceAuthStatus: before 21H1.
pub fn os_older_than_21h1(f: &Facts) -> Option<Finding> {
    let details = f.capture.section(SectionKind::DeviceDetails)?;
    if f.capture.layout != Layout::Current
        || !f.join_type.is_entra_device()
        || !details.titled
        || f.device.auth_status.is_some()
        || details.fields.len() < 3
    {
        return None;
    }
    Some(
        Finding::new(
            "os-older-than-21h1",
            Severity::Info,
            Layer::Other,
            "Device Details has no DeviceAuthStatus line, which Windows 10 version 21H1 and later print: this device most likely runs an older Windows build. Older builds lack the device health check and the PRT failure diagnostics (AcquirePrtDiagnostics), and are out of support; install a supported Windows version.",
            "Device Details に DeviceAuthStatus の行がありません。この行は Windows 10 バージョン 21H1 以降で出力されるため、このデバイスはそれより古い Windows を実行している可能性が高いです。古いビルドにはデバイスの正常性チェックや PRT の失敗の診断 (AcquirePrtDiagnostics) がなく、サポートも終了しています。サポートされている Windows に更新してください。",
        )
        .evidence([Val::note(&details.name, "DeviceAuthStatus", "(absent)")])
        .actions(&["update-windows"]),
    )
}

/// The old single-section layout.
pub fn os_legacy_output_format(f: &Facts) -> Option<Finding> {
    if f.capture.layout != Layout::Legacy {
        return None;
    }
    let first = f.capture.section(SectionKind::DeviceState).and_then(|s| {
        s.fields
            .iter()
            .find(|x| {
                matches!(
                    crate::parse::home_of(&x.key),
                    Some(SectionKind::DeviceDetails | SectionKind::TenantDetails)
                )
            })
            .map(|x| Val {
                section: s.name.clone(),
                field: x.name.clone(),
                raw: x.value.clone(),
            })
    });
    Some(
        Finding::new(
            "os-legacy-output-format",
            Severity::Warning,
            Layer::Other,
            "This output has the old layout (device and tenant fields under Device State, no Device Details, Tenant Details or join diagnostics), which Windows 10 builds before version 1803 print. Those builds have been out of support for years and miss the registration and PRT fixes and diagnostics of later releases; update Windows, then capture again.",
            "この出力は旧形式 (デバイスとテナントの項目が Device State の下にあり、Device Details、Tenant Details、参加の診断がない) で、Windows 10 バージョン 1803 より前のビルドが出力するものです。これらのビルドはサポートが終了して久しく、以降のリリースで追加された登録や PRT の修正・診断がありません。Windows を更新してから、もう一度取得してください。",
        )
        .evidence(first)
        .actions(&["update-windows", "dsreg-status-check"]),
    )
}

/// Joined, complete capture, no Tenant Details.
pub fn tenant_details_missing(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() || !expected_but_missing(f, SectionKind::TenantDetails) {
        return None;
    }
    Some(
        Finding::new(
            "tenant-details-missing",
            Severity::Warning,
            Layer::DeviceRegistration,
            "The device is joined to Microsoft Entra ID, but dsregcmd printed no Tenant Details section: Windows does not know the tenant's sign-in and registration endpoints. Token requests and Windows Hello key registration depend on them; the registration is incomplete.",
            "デバイスは Microsoft Entra ID に参加済みですが、dsregcmd は Tenant Details セクションを出力していません。Windows がテナントのサインインや登録のエンドポイントを把握していない状態です。トークンの要求や Windows Hello のキー登録はこれらに依存するため、登録が不完全です。",
        )
        .ev([&f.device_state.azure_ad_joined])
        .evidence([Val::note("Tenant Details", "(section)", "absent")])
        .actions(&["dsreg-status-check", "collect-evidence", "contact-admin", "dsreg-rejoin"]),
    )
}

/// Tenant Details present but no TenantId.
pub fn tenant_id_missing(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() || !tenant_section_present(f) || !is_missing(&f.tenant.id) {
        return None;
    }
    Some(
        Finding::new(
            "tenant-id-missing",
            Severity::Error,
            Layer::DeviceRegistration,
            "The device is joined to Microsoft Entra ID but the capture shows no TenantId: Windows does not know which organisation it belongs to. The registration is incomplete and PRT requests cannot succeed.",
            "デバイスは Microsoft Entra ID に参加済みですが、TenantId が表示されていません。Windows がどの組織に属しているかを把握していない状態です。登録が不完全なため、PRT の要求は成功しません。",
        )
        .ev([&f.tenant.id, &f.tenant.name])
        .evidence(if f.tenant.id.is_none() {
            vec![Val::note("Tenant Details", "TenantId", "(absent)")]
        } else {
            Vec::new()
        })
        .actions(&["dsreg-status-check", "collect-evidence", "contact-admin", "dsreg-rejoin"]),
    )
}

/// Domain joined, not Entra (hybrid) joined.
pub fn domain_joined_not_hybrid(f: &Facts) -> Option<Finding> {
    if f.join_type != JoinType::DomainJoined {
        return None;
    }
    let domain = f
        .device_state
        .domain_name
        .as_ref()
        .map(|v| v.raw.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "?".into());
    let mut finding = Finding::new(
        "domain-joined-not-hybrid",
        Severity::Warning,
        Layer::DeviceRegistration,
        format!("The device is joined to the Active Directory domain {domain} but not to Microsoft Entra ID (AzureAdJoined : NO): Microsoft Entra hybrid join has not completed. Without it the device gets no Primary Refresh Token (PRT), Office and Teams cannot sign in silently with the Windows account, and Conditional Access that requires a hybrid-joined device blocks it. If your organisation uses hybrid join, Diagnostic Data and Previous Registration tell why it failed."),
        format!("このデバイスは Active Directory ドメイン {domain} に参加していますが、Microsoft Entra ID には参加していません (AzureAdJoined : NO)。Microsoft Entra ハイブリッド参加が完了していません。このままではプライマリ更新トークン (PRT) が発行されず、Office や Teams は Windows のアカウントで自動的にサインインできず、ハイブリッド参加済みデバイスを要求する条件付きアクセスでブロックされます。組織でハイブリッド参加を使用している場合は、Diagnostic Data と Previous Registration に失敗の理由が示されます。"),
    )
    .ev([&f.device_state.azure_ad_joined, &f.device_state.domain_joined, &f.device_state.domain_name])
    .actions(&["dsreg-status-check", "check-network", "restart-device", "admin-configure-hybrid-join"]);
    if f.captured_as != CapturedAs::Elevated {
        finding = finding.second(SecondCapture::Elevated);
    }
    Some(finding)
}

/// Entra/hybrid joined and WorkplaceJoined YES.
pub fn workplace_joined_on_joined_device(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device() || !is_yes(&f.user.workplace_joined) {
        return None;
    }
    let (j_en, j_ja) = join_words(f.join_type);
    Some(
        Finding::new(
            "workplace-joined-on-joined-device",
            Severity::Warning,
            Layer::DeviceRegistration,
            format!("The device is {j_en}, and a work or school account was also added to it as a separate Microsoft Entra registration (WorkplaceJoined : YES). This usually happens when the account was added before the join finished. Windows 10 1607 and later ignore the extra registration for the device's identity, but apps can pick the wrong token and keep prompting. In Settings > Accounts > Access work or school, disconnect only the separately added account (not the entry for the device's own join) and sign in again."),
            format!("このデバイスは {j_ja}ですが、さらに職場または学校アカウントが別の Microsoft Entra 登録として追加されています (WorkplaceJoined : YES)。多くの場合、参加が完了する前にアカウントを追加したことが原因です。Windows 10 1607 以降ではデバイスの ID としては無視されますが、アプリが誤ったトークンを選び、サインインを求め続けることがあります。[設定] > [アカウント] > [職場または学校にアクセスする] で、デバイス自体の参加を示す項目ではなく、別に追加したアカウントだけを切断してから、サインインし直してください。"),
        )
        .ev([&f.user.workplace_joined, &f.device_state.azure_ad_joined, &f.device_state.domain_joined])
        .scope(Scope::User)
        .actions(&["reconnect-work-account"]),
    )
}

/// EnterpriseJoined YES (on-premises DRS).
pub fn on_prem_drs_joined(f: &Facts) -> Option<Finding> {
    if f.join_type != JoinType::OnPremDrsJoined {
        return None;
    }
    Some(
        Finding::new(
            "on-prem-drs-joined",
            Severity::Warning,
            Layer::DeviceRegistration,
            "The device is registered with an on-premises device registration service (AD FS, EnterpriseJoined : YES), not with Microsoft Entra ID. Entra ID does not know this device: it gets no PRT from Entra ID and Conditional Access that requires a hybrid-joined or compliant device treats it as unknown. If your organisation has moved to Microsoft Entra hybrid join, this registration is left over and hybrid join should be configured.",
            "このデバイスは Microsoft Entra ID ではなく、オンプレミスのデバイス登録サービス (AD FS) に登録されています (EnterpriseJoined : YES)。Entra ID はこのデバイスを認識していないため、Entra ID から PRT が発行されず、ハイブリッド参加済みや準拠済みのデバイスを要求する条件付きアクセスでは不明なデバイスとして扱われます。組織が Microsoft Entra ハイブリッド参加に移行済みの場合、この登録は古いものが残っているため、ハイブリッド参加を構成する必要があります。",
        )
        .ev([&f.device_state.enterprise_joined, &f.device_state.azure_ad_joined, &f.device_state.domain_joined])
        .actions(&["dsreg-status-check", "contact-admin", "admin-configure-hybrid-join"]),
    )
}

/// DomainJoined YES with no DomainName.
pub fn domain_name_missing(f: &Facts) -> Option<Finding> {
    if !is_yes(&f.device_state.domain_joined) || !is_missing(&f.device_state.domain_name) {
        return None;
    }
    Some(
        Finding::new(
            "domain-name-missing",
            Severity::Warning,
            Layer::DeviceRegistration,
            "DomainJoined : YES, but DomainName is empty: Windows could not name the Active Directory domain it is joined to. That is inconsistent and usually means the domain membership itself is in trouble (for example a broken secure channel with the domain), which also stops hybrid join. Check the domain membership first.",
            "DomainJoined は YES ですが、DomainName が空です。Windows が参加している Active Directory ドメインの名前を取得できていません。これは矛盾した状態で、多くの場合ドメインへの参加自体に問題があります (ドメインとのセキュア チャネルの破損など)。この状態ではハイブリッド参加も進みません。まずドメインへの参加状態を確認してください。",
        )
        .ev([&f.device_state.domain_joined, &f.device_state.domain_name])
        .evidence(if f.device_state.domain_name.is_none() {
            vec![Val::note("Device State", "DomainName", "(absent)")]
        } else {
            Vec::new()
        })
        .actions(&["check-network", "restart-device", "contact-admin"]),
    )
}

/// Virtual Desktop : INVALID.
pub fn vdi_invalid(f: &Facts) -> Option<Finding> {
    let v = f.device_state.virtual_desktop.as_ref()?;
    if !v.upper().starts_with("INVALID") {
        return None;
    }
    Some(
        Finding::new(
            "vdi-invalid",
            Severity::Warning,
            Layer::DeviceRegistration,
            "Virtual Desktop : INVALID: this is a virtual desktop whose VDI information (provider, persistent or non-persistent type) is present but not valid. Entra ID then cannot treat the session correctly, and non-persistent VDI sessions in particular get repeated sign-in prompts. The VDI configuration must be corrected by the administrator.",
            "Virtual Desktop : INVALID と表示されています。この仮想デスクトップには VDI の情報 (プロバイダー、永続または非永続の種類) がありますが、有効ではありません。そのため Entra ID がセッションを正しく扱えず、特に非永続 VDI のセッションでサインインを繰り返し求められます。管理者が VDI の構成を修正する必要があります。",
        )
        .ev([&f.device_state.virtual_desktop, &f.device_state.vdi_type])
        .actions(&["collect-evidence", "contact-admin"]),
    )
}

const CLOUD_IDPS: &[&str] = &[
    "login.windows.net",
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.microsoftonline.us",
    "login-us.microsoftonline.com",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
    "login.microsoftonline.de",
];

fn host(url: &str) -> String {
    let t = url.trim().to_lowercase();
    let rest = t.split_once("://").map(|(_, r)| r).unwrap_or(&t);
    rest.split(['/', ':']).next().unwrap_or("").to_string()
}

/// Idp is not a Microsoft Entra sign-in host.
pub fn idp_unexpected(f: &Facts) -> Option<Finding> {
    let v = f.tenant.idp.as_ref()?;
    let h = host(&v.raw);
    if h.is_empty() || CLOUD_IDPS.contains(&h.as_str()) {
        return None;
    }
    Some(
        Finding::new(
            "idp-unexpected",
            Severity::Warning,
            Layer::DeviceRegistration,
            format!("The identity provider of the registration is {h}, not a Microsoft Entra sign-in host (login.windows.net, or a national cloud's). The device may be registered in a different cloud or with the wrong service, and tokens are then requested from the wrong place."),
            format!("登録の ID プロバイダーが {h} になっており、Microsoft Entra のサインイン ホスト (login.windows.net、または各国のクラウドのホスト) ではありません。デバイスが別のクラウドや誤ったサービスに登録されている可能性があり、その場合トークンは誤った場所に要求されます。"),
        )
        .ev([&f.tenant.idp, &f.tenant.name])
        .actions(&["dsreg-status-check", "contact-admin"]),
    )
}

const DRS_HOSTS: &[&str] = &[
    "enterpriseregistration.windows.net",
    "enterpriseregistration.microsoftonline.us",
    "enterpriseregistration.partner.microsoftonline.cn",
];

/// JoinSrvUrl points somewhere other than the Entra DRS.
pub fn join_service_not_entra(f: &Facts) -> Option<Finding> {
    let v = f.tenant.join_srv_url.as_ref()?;
    let h = host(&v.raw);
    if h.is_empty() || DRS_HOSTS.contains(&h.as_str()) || f.join_type == JoinType::OnPremDrsJoined {
        return None;
    }
    Some(
        Finding::new(
            "join-service-not-entra",
            Severity::Warning,
            Layer::DeviceRegistration,
            format!("The device registration service recorded for this tenant is {h}, not Microsoft Entra ID's (enterpriseregistration.windows.net). Discovery found an on-premises registration service (AD FS) or a wrong endpoint, so registration and Windows Hello key registration go to the wrong service."),
            format!("このテナントに記録されているデバイス登録サービスは {h} で、Microsoft Entra ID のもの (enterpriseregistration.windows.net) ではありません。検出の結果、オンプレミスの登録サービス (AD FS) や誤ったエンドポイントが使われているため、デバイス登録や Windows Hello のキー登録が誤ったサービスに送られます。"),
        )
        .ev([&f.tenant.join_srv_url])
        .actions(&["dsreg-status-check", "contact-admin", "admin-configure-hybrid-join"]),
    )
}

/// Tenant Details without a key registration service.
pub fn key_service_missing(f: &Facts) -> Option<Finding> {
    if !f.join_type.is_entra_device()
        || !tenant_section_present(f)
        || f.tenant.join_srv_url.is_none()
        || !is_missing(&f.tenant.key_srv_url)
    {
        return None;
    }
    Some(
        Finding::new(
            "key-service-missing",
            Severity::Warning,
            Layer::Tpm,
            "Tenant Details lists the device registration service but no key registration service (KeySrvUrl). Windows Hello for Business registers the user's key there, so Hello setup cannot complete on this device until the registration information is refreshed.",
            "Tenant Details にデバイス登録サービスは表示されていますが、キー登録サービス (KeySrvUrl) がありません。Windows Hello for Business はユーザーのキーをここに登録するため、登録情報が更新されるまで、このデバイスでは Hello のセットアップを完了できません。",
        )
        .ev([&f.tenant.key_srv_url, &f.tenant.join_srv_url])
        .evidence(if f.tenant.key_srv_url.is_none() {
            vec![Val::note("Tenant Details", "KeySrvUrl", "(absent)")]
        } else {
            Vec::new()
        })
        .actions(&["dsreg-status-check", "contact-admin"]),
    )
}

/// Tenant Details with an empty MdmUrl.
pub fn mdm_not_configured(f: &Facts) -> Option<Finding> {
    let v = f.tenant.mdm_url.as_ref()?;
    if !f.join_type.is_entra_device() || !v.is_blank() {
        return None;
    }
    Some(
        Finding::new(
            "mdm-not-configured",
            Severity::Info,
            Layer::DeviceRegistration,
            "MdmUrl is empty: automatic MDM (Intune) enrollment is not configured for this tenant, or this user is outside its scope. Conditional Access that requires a compliant device (AADSTS53000) cannot be met until the device is enrolled some other way. (A filled MdmUrl would not prove the device is enrolled either.)",
            "MdmUrl が空です。このテナントで MDM (Intune) の自動登録が構成されていないか、このユーザーがその対象外です。準拠済みデバイスを要求する条件付きアクセス (AADSTS53000) は、別の方法でデバイスを登録するまで満たせません (なお、MdmUrl に値があってもデバイスが登録済みであるとは限りません)。",
        )
        .ev([&f.tenant.mdm_url])
        .entry("mdm-autoenroll-not-configured")
        .actions(&["contact-admin"]),
    )
}

/// Neither joined nor registered.
pub fn not_joined(f: &Facts) -> Option<Finding> {
    if f.join_type != JoinType::NotJoined {
        return None;
    }
    Some(
        Finding::new(
            "not-joined",
            Severity::Info,
            Layer::DeviceRegistration,
            "The device is neither joined to Microsoft Entra ID or a domain nor registered with a work account (WorkplaceJoined is not YES). That is normal for a personal PC, but there is no device identity: no PRT, no silent sign-in with the Windows account, and Conditional Access that requires a registered, compliant or hybrid-joined device blocks sign-ins. If the organisation manages this PC, it still has to be joined or registered.",
            "このデバイスは Microsoft Entra ID にもドメインにも参加しておらず、職場アカウントによる登録もありません (WorkplaceJoined が YES ではありません)。個人の PC であれば通常の状態ですが、デバイスの ID がないため、PRT はなく、Windows のアカウントでの自動サインインもできず、登録済み・準拠済み・ハイブリッド参加済みのデバイスを要求する条件付きアクセスではサインインがブロックされます。組織が管理する PC であれば、参加または登録を行う必要があります。",
        )
        .ev([&f.device_state.azure_ad_joined, &f.device_state.domain_joined, &f.user.workplace_joined])
        .actions(&["dsreg-status-check", "contact-admin"]),
    )
}

/// Days before the end of validity at which the expiry warning starts.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// Device certificate ends within 30 days of the capture.
pub fn device_certificate_expiring_soon(f: &Facts) -> Option<Finding> {
    let v = f.device.validity?;
    let age = f.age(v.not_after)?;
    let left = -age;
    if left <= 0 || left > EXPIRY_WARNING_DAYS * DAY {
        return None;
    }
    Some(
        Finding::new(
            "device-certificate-expiring-soon",
            Severity::Warning,
            Layer::DeviceRegistration,
            format!("The device certificate expires on {}, {} after this capture. After that, PRT requests and device-based Conditional Access fail; plan to register the device again before then.", v.not_after.display(), span(left, Lang::En)),
            format!("デバイス証明書は {} に期限切れになります (このキャプチャの時点から {}後)。期限を過ぎると PRT の要求やデバイスベースの条件付きアクセスが失敗するため、それまでにデバイスを再登録する計画を立ててください。", v.not_after.display(), span(left, Lang::Ja)),
        )
        .ev([&f.device.certificate_validity])
        .evidence(f.clock.as_ref().map(|c| c.source.clone()))
        .actions(&["contact-admin", "dsreg-rejoin"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check, facts, framed, with, HYBRID};

    const ENTRA: &[(&str, &str)] = &[
        ("AzureAdJoined", "YES"),
        ("EnterpriseJoined", "NO"),
        ("DomainJoined", "NO"),
    ];
    const DETAILS: &[(&str, &str)] = &[
        ("DeviceId", "11111111-2222-3333-4444-555555555555"),
        ("Thumbprint", "AA11BB22CC33DD44EE55FF66AA77BB88CC99DD00"),
        (
            "DeviceCertificateValidity",
            "[ 2023-01-11 21:02:50.000 UTC -- 2033-01-11 21:32:50.000 UTC ]",
        ),
        ("KeyContainerId", "22222222-2222-3333-4444-555555555555"),
        ("KeyProvider", "Microsoft Platform Crypto Provider"),
        ("TpmProtected", "YES"),
        ("DeviceAuthStatus", "SUCCESS"),
    ];
    const TENANT: &[(&str, &str)] = &[
        ("TenantName", "Contoso"),
        ("TenantId", "aaaabbbb-0000-cccc-1111-dddd2222eeee"),
        ("Idp", "login.windows.net"),
        (
            "MdmUrl",
            "https://enrollment.manage.microsoft.com/EnrollmentServer/Discovery.svc",
        ),
        (
            "JoinSrvUrl",
            "https://enterpriseregistration.windows.net/EnrollmentServer/device/",
        ),
        (
            "KeySrvUrl",
            "https://enterpriseregistration.windows.net/EnrollmentServer/key/",
        ),
    ];
    const USER: &[(&str, &str)] = &[
        ("NgcSet", "NO"),
        ("WorkplaceJoined", "NO"),
        ("WamDefaultSet", "YES"),
    ];

    fn diag_time(t: &'static str) -> Vec<(&'static str, &'static str)> {
        vec![
            ("Diagnostics Reference", "www.microsoft.com/aadjerrors"),
            ("User Context", "UN-ELEVATED User"),
            ("Client Time", t),
        ]
    }

    #[test]
    fn join_state_inconsistent_rule() {
        let yes = framed(&[("Device State", &with(ENTRA, "EnterpriseJoined", "YES"))]);
        let no = framed(&[("Device State", ENTRA)]);
        check(
            join_state_inconsistent,
            "join-state-inconsistent",
            &yes,
            &no,
        );
    }

    #[test]
    fn device_disabled_or_deleted_rule() {
        let bad = with(
            DETAILS,
            "DeviceAuthStatus",
            "FAILED. Device is either disabled or deleted",
        );
        let yes = framed(&[("Device State", HYBRID), ("Device Details", &bad)]);
        let no = framed(&[("Device State", HYBRID), ("Device Details", DETAILS)]);
        let f = check(
            device_disabled_or_deleted,
            "device-disabled-or-deleted",
            &yes,
            &no,
        );
        assert!(f
            .message
            .en
            .contains("11111111-2222-3333-4444-555555555555"));
        assert!(f.message.en.contains("dsregcmd /leave"));
        let entra = framed(&[("Device State", ENTRA), ("Device Details", &bad)]);
        let f = device_disabled_or_deleted(&facts(&entra)).unwrap();
        assert!(!f.message.en.contains("dsregcmd /leave"));
    }

    #[test]
    fn device_details_missing_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("Tenant Details", TENANT),
            ("User State", USER),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("Device Details", DETAILS),
            ("User State", USER),
        ]);
        check(device_details_missing, "device-details-missing", &yes, &no);
        // A paste of Device State alone is not a broken registration.
        assert!(device_details_missing(&facts(&framed(&[("Device State", HYBRID)]))).is_none());
    }

    #[test]
    fn device_id_missing_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("Device Details", &with(DETAILS, "DeviceId", "")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("Device Details", DETAILS)]);
        check(device_id_missing, "device-id-missing", &yes, &no);
    }

    #[test]
    fn device_certificate_missing_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Device Details", &with(DETAILS, "Thumbprint", "")),
        ]);
        let no = framed(&[("Device State", ENTRA), ("Device Details", DETAILS)]);
        check(
            device_certificate_missing,
            "device-certificate-missing",
            &yes,
            &no,
        );
    }

    #[test]
    fn device_certificate_expired_rule() {
        let old = with(
            DETAILS,
            "DeviceCertificateValidity",
            "[ 2014-01-11 21:02:50.000 UTC -- 2024-01-11 21:32:50.000 UTC ]",
        );
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Device Details", &old),
            ("Diagnostic Data", &diag_time("2024-03-01 10:00:00.000 UTC")),
        ]);
        let no = framed(&[
            ("Device State", ENTRA),
            ("Device Details", DETAILS),
            ("Diagnostic Data", &diag_time("2024-03-01 10:00:00.000 UTC")),
        ]);
        let f = check(
            device_certificate_expired,
            "device-certificate-expired",
            &yes,
            &no,
        );
        assert!(
            f.message.en.contains("2024-01-11 21:32:50 UTC"),
            "{}",
            f.message.en
        );
        // Without any clock in the capture nothing is concluded.
        assert!(device_certificate_expired(&facts(&framed(&[
            ("Device State", ENTRA),
            ("Device Details", &old)
        ])))
        .is_none());
    }

    #[test]
    fn clock_skew_certificate_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Device Details", DETAILS),
            ("Diagnostic Data", &diag_time("2022-06-01 10:00:00.000 UTC")),
        ]);
        let no = framed(&[
            ("Device State", ENTRA),
            ("Device Details", DETAILS),
            ("Diagnostic Data", &diag_time("2024-06-01 10:00:00.000 UTC")),
        ]);
        let f = check(
            clock_skew_certificate_not_yet_valid,
            "clock-skew-certificate-not-yet-valid",
            &yes,
            &no,
        );
        assert_eq!(f.layer, Layer::Clock);
    }

    #[test]
    fn clock_skew_seen_from_a_prt_attempt() {
        let sso: &[(&str, &str)] = &[
            ("AzureAdPrt", "NO"),
            ("AcquirePrtDiagnostics", "PRESENT"),
            ("Previous Prt Attempt", "2022-11-02 08:14:55.203 UTC"),
            ("Attempt Status", "0xc000006d"),
        ];
        let f = clock_skew_certificate_not_yet_valid(&facts(&framed(&[
            ("Device State", ENTRA),
            ("Device Details", DETAILS),
            ("SSO State", sso),
        ])))
        .unwrap();
        assert!(
            f.message
                .en
                .contains("recorded a PRT attempt at 2022-11-02 08:14:55 UTC"),
            "{}",
            f.message.en
        );
        assert!(f.evidence.iter().any(|v| v.field == "Previous Prt Attempt"));
    }

    #[test]
    fn key_container_missing_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("Device Details", &with(DETAILS, "KeyContainerId", "")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("Device Details", DETAILS)]);
        check(key_container_missing, "key-container-missing", &yes, &no);
    }

    #[test]
    fn software_key_provider_rule() {
        let sw = with(
            &with(
                DETAILS,
                "KeyProvider",
                "Microsoft Software Key Storage Provider",
            ),
            "TpmProtected",
            "NO",
        );
        let yes = framed(&[("Device State", HYBRID), ("Device Details", &sw)]);
        let no = framed(&[("Device State", HYBRID), ("Device Details", DETAILS)]);
        check(software_key_provider, "software-key-provider", &yes, &no);
    }

    #[test]
    fn tpm_protection_inconsistent_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("Device Details", &with(DETAILS, "TpmProtected", "NO")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("Device Details", DETAILS)]);
        check(
            tpm_protection_inconsistent,
            "tpm-protection-inconsistent",
            &yes,
            &no,
        );
    }

    #[test]
    fn device_auth_status_error_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            (
                "Device Details",
                &with(DETAILS, "DeviceAuthStatus", "FAILED. ERROR"),
            ),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            (
                "Device Details",
                &with(
                    DETAILS,
                    "DeviceAuthStatus",
                    "FAILED. Device is either disabled or deleted",
                ),
            ),
        ]);
        check(
            device_auth_status_error,
            "device-auth-status-error",
            &yes,
            &no,
        );
    }

    #[test]
    fn os_older_than_21h1_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Device Details", &with(DETAILS, "DeviceAuthStatus", "")),
        ]);
        let no = framed(&[("Device State", ENTRA), ("Device Details", DETAILS)]);
        check(os_older_than_21h1, "os-older-than-21h1", &yes, &no);
    }

    #[test]
    fn os_legacy_output_format_rule() {
        let legacy = "+----------------------------------------------------------------------+\n| Device State                                                         |\n+----------------------------------------------------------------------+\n\n    AzureAdJoined: YES\n EnterpriseJoined: NO\n         DeviceId: 5820fbe9-60c8-43b0-bb11-44aee233e4e7\n         TenantId: aaaabbbb-0000-cccc-1111-dddd2222eeee\n     DomainJoined: YES\n";
        let no = framed(&[("Device State", HYBRID), ("Device Details", DETAILS)]);
        check(
            os_legacy_output_format,
            "os-legacy-output-format",
            legacy,
            &no,
        );
    }

    #[test]
    fn tenant_details_missing_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Device Details", DETAILS),
            ("User State", USER),
        ]);
        let no = framed(&[
            ("Device State", ENTRA),
            ("Device Details", DETAILS),
            ("Tenant Details", TENANT),
            ("User State", USER),
        ]);
        check(tenant_details_missing, "tenant-details-missing", &yes, &no);
    }

    #[test]
    fn tenant_id_missing_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Tenant Details", &with(TENANT, "TenantId", "")),
        ]);
        let no = framed(&[("Device State", ENTRA), ("Tenant Details", TENANT)]);
        check(tenant_id_missing, "tenant-id-missing", &yes, &no);
    }

    #[test]
    fn domain_joined_not_hybrid_rule() {
        let yes = framed(&[("Device State", &with(HYBRID, "AzureAdJoined", "NO"))]);
        let no = framed(&[("Device State", HYBRID)]);
        let f = check(
            domain_joined_not_hybrid,
            "domain-joined-not-hybrid",
            &yes,
            &no,
        );
        assert!(f.message.en.contains("CONTOSO"));
        assert_eq!(f.second_capture, Some(SecondCapture::Elevated));
    }

    #[test]
    fn workplace_joined_on_joined_device_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("User State", &with(USER, "WorkplaceJoined", "YES")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("User State", USER)]);
        check(
            workplace_joined_on_joined_device,
            "workplace-joined-on-joined-device",
            &yes,
            &no,
        );
        // On an Entra registered device WorkplaceJoined YES is the join itself.
        let registered = framed(&[
            (
                "Device State",
                &[
                    ("AzureAdJoined", "NO"),
                    ("EnterpriseJoined", "NO"),
                    ("DomainJoined", "NO"),
                ],
            ),
            ("User State", &with(USER, "WorkplaceJoined", "YES")),
        ]);
        assert!(workplace_joined_on_joined_device(&facts(&registered)).is_none());
    }

    #[test]
    fn on_prem_drs_joined_rule() {
        let yes = framed(&[(
            "Device State",
            &[
                ("AzureAdJoined", "NO"),
                ("EnterpriseJoined", "YES"),
                ("DomainJoined", "YES"),
            ],
        )]);
        let no = framed(&[("Device State", HYBRID)]);
        check(on_prem_drs_joined, "on-prem-drs-joined", &yes, &no);
    }

    #[test]
    fn domain_name_missing_rule() {
        let yes = framed(&[("Device State", &with(HYBRID, "DomainName", ""))]);
        let no = framed(&[("Device State", HYBRID)]);
        check(domain_name_missing, "domain-name-missing", &yes, &no);
    }

    #[test]
    fn vdi_invalid_rule() {
        let yes = framed(&[("Device State", &with(ENTRA, "Virtual Desktop", "INVALID"))]);
        let no = framed(&[("Device State", &with(ENTRA, "Virtual Desktop", "NOT SET"))]);
        check(vdi_invalid, "vdi-invalid", &yes, &no);
    }

    #[test]
    fn idp_unexpected_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Tenant Details", &with(TENANT, "Idp", "sts.contoso.com")),
        ]);
        let no = framed(&[
            ("Device State", ENTRA),
            (
                "Tenant Details",
                &with(TENANT, "Idp", "login.microsoftonline.us"),
            ),
        ]);
        check(idp_unexpected, "idp-unexpected", &yes, &no);
    }

    #[test]
    fn join_service_not_entra_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            (
                "Tenant Details",
                &with(
                    TENANT,
                    "JoinSrvUrl",
                    "https://adfs.contoso.com/EnrollmentServer/DeviceEnrollmentWebService.svc",
                ),
            ),
        ]);
        let no = framed(&[("Device State", ENTRA), ("Tenant Details", TENANT)]);
        check(join_service_not_entra, "join-service-not-entra", &yes, &no);
    }

    #[test]
    fn key_service_missing_rule() {
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Tenant Details", &with(TENANT, "KeySrvUrl", "")),
        ]);
        let no = framed(&[("Device State", ENTRA), ("Tenant Details", TENANT)]);
        check(key_service_missing, "key-service-missing", &yes, &no);
    }

    #[test]
    fn mdm_not_configured_rule() {
        let mut t = with(TENANT, "MdmUrl", "");
        t.push(("MdmUrl", ""));
        let yes = framed(&[("Device State", ENTRA), ("Tenant Details", &t)]);
        let no = framed(&[("Device State", ENTRA), ("Tenant Details", TENANT)]);
        let f = check(mdm_not_configured, "mdm-not-configured", &yes, &no);
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn not_joined_rule() {
        let yes = framed(&[
            (
                "Device State",
                &[
                    ("AzureAdJoined", "NO"),
                    ("EnterpriseJoined", "NO"),
                    ("DomainJoined", "NO"),
                ],
            ),
            ("User State", USER),
        ]);
        let no = framed(&[
            (
                "Device State",
                &[
                    ("AzureAdJoined", "NO"),
                    ("EnterpriseJoined", "NO"),
                    ("DomainJoined", "NO"),
                ],
            ),
            ("User State", &with(USER, "WorkplaceJoined", "YES")),
        ]);
        check(not_joined, "not-joined", &yes, &no);
    }

    #[test]
    fn device_certificate_expiring_soon_rule() {
        let soon = with(
            DETAILS,
            "DeviceCertificateValidity",
            "[ 2014-01-11 21:02:50.000 UTC -- 2024-03-20 21:32:50.000 UTC ]",
        );
        let yes = framed(&[
            ("Device State", ENTRA),
            ("Device Details", &soon),
            ("Diagnostic Data", &diag_time("2024-03-01 10:00:00.000 UTC")),
        ]);
        let no = framed(&[
            ("Device State", ENTRA),
            ("Device Details", DETAILS),
            ("Diagnostic Data", &diag_time("2024-03-01 10:00:00.000 UTC")),
        ]);
        check(
            device_certificate_expiring_soon,
            "device-certificate-expiring-soon",
            &yes,
            &no,
        );
    }
}
