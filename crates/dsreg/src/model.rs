//! The typed reading of one capture: join type, device, tenant, user, SSO,
//! diagnostics, proxies, Windows Hello prerequisites, work accounts, the
//! context the capture was taken in and the capture's own clock.

use crate::codes::{codes_in, Code};
use crate::parse::{Capture, Layout, Section, SectionKind};
use crate::time::{Timestamp, Validity};
use m365doctor_codes::Text;

/// One field as evidence: where it was, its name as printed, its raw value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Val {
    /// The section title as printed (or the canonical title of an inferred
    /// section).
    pub section: String,
    pub field: String,
    pub raw: String,
}

impl Val {
    fn of(section: &Section, field: &crate::parse::Field) -> Val {
        Val {
            section: section.name.clone(),
            field: field.name.clone(),
            raw: field.value.clone(),
        }
    }

    /// A synthetic piece of evidence (e.g. "section absent").
    pub fn note(section: &str, field: &str, raw: &str) -> Val {
        Val {
            section: section.into(),
            field: field.into(),
            raw: raw.into(),
        }
    }

    pub fn upper(&self) -> String {
        self.raw.trim().to_uppercase()
    }

    /// `YES…` → true, `NO…` → false, anything else (`UNKNOWN`, `ERROR (…)`,
    /// empty) → None.
    pub fn flag(&self) -> Option<bool> {
        let u = self.upper();
        let first = u
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        match first {
            "YES" | "TRUE" => Some(true),
            "NO" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// Empty, or a placeholder such as `NONE`, `NO`, `-`.
    pub fn is_blank(&self) -> bool {
        matches!(
            self.upper().as_str(),
            "" | "-" | "NONE" | "N/A" | "(NULL)" | "NULL"
        )
    }

    pub fn time(&self) -> Option<Timestamp> {
        Timestamp::parse(&self.raw)
    }

    /// `ERROR (0x…)` values.
    pub fn is_error(&self) -> bool {
        self.upper().starts_with("ERROR")
    }

    /// `Section / Field : value`.
    pub fn display(&self) -> String {
        format!("{} / {} : {}", self.section, self.field, self.raw)
    }
}

fn flag(v: &Option<Val>) -> Option<bool> {
    v.as_ref().and_then(Val::flag)
}

/// Reads a field from its home section (see [`Capture::field`]).
fn val(c: &Capture, kind: SectionKind, key: &str) -> Option<Val> {
    c.field(kind, key).map(|(s, f)| Val::of(s, f))
}

/// How the device is joined, from the Device State flags and WorkplaceJoined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinType {
    EntraJoined,
    HybridJoined,
    EntraRegistered,
    DomainJoined,
    OnPremDrsJoined,
    NotJoined,
    /// The capture has no Device State (a fragment).
    Unknown,
}

impl JoinType {
    pub fn id(self) -> &'static str {
        match self {
            JoinType::EntraJoined => "entra-joined",
            JoinType::HybridJoined => "hybrid-joined",
            JoinType::EntraRegistered => "entra-registered",
            JoinType::DomainJoined => "domain-joined",
            JoinType::OnPremDrsJoined => "on-prem-drs-joined",
            JoinType::NotJoined => "not-joined",
            JoinType::Unknown => "unknown",
        }
    }

    pub fn label(self) -> Text {
        match self {
            JoinType::EntraJoined => {
                Text::new("Microsoft Entra joined", "Microsoft Entra 参加済み")
            }
            JoinType::HybridJoined => Text::new(
                "Microsoft Entra hybrid joined",
                "Microsoft Entra ハイブリッド参加済み",
            ),
            JoinType::EntraRegistered => Text::new(
                "Microsoft Entra registered (work account added)",
                "Microsoft Entra 登録済み (職場または学校アカウントを追加)",
            ),
            JoinType::DomainJoined => Text::new(
                "Active Directory domain joined only (not hybrid joined)",
                "Active Directory ドメイン参加のみ (ハイブリッド参加は未完了)",
            ),
            JoinType::OnPremDrsJoined => Text::new(
                "Joined to the on-premises device registration service (AD FS)",
                "オンプレミスのデバイス登録サービス (AD FS) に参加",
            ),
            JoinType::NotJoined => {
                Text::new("Not joined or registered", "参加も登録もされていません")
            }
            JoinType::Unknown => Text::new(
                "Unknown (the capture has no Device State section)",
                "不明 (Device State セクションがありません)",
            ),
        }
    }

    /// Joined to Microsoft Entra ID (the device has a PRT-capable identity).
    pub fn is_entra_device(self) -> bool {
        matches!(self, JoinType::EntraJoined | JoinType::HybridJoined)
    }
}

/// The context the capture was taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapturedAs {
    /// A normal (not elevated) prompt as the signed-in user.
    User,
    /// An elevated prompt (Run as administrator), or as SYSTEM.
    Elevated,
    Unknown,
}

impl CapturedAs {
    pub fn id(self) -> &'static str {
        match self {
            CapturedAs::User => "user",
            CapturedAs::Elevated => "elevated",
            CapturedAs::Unknown => "unknown",
        }
    }

    /// What the context means for which conclusions hold.
    pub fn meaning(self) -> Text {
        match self {
            CapturedAs::User => Text::new(
                "Taken as the user, not elevated: User State and SSO State describe this user and can be trusted. Pre-join diagnostics ran in the user's context rather than as SYSTEM (where the real join runs, possibly through a different proxy), and KeySignTest was not run; for those, take a second capture from an elevated prompt.",
                "管理者権限なしでユーザーとして取得されています。User State と SSO State はこのユーザーの状態を表しており、そのまま判断に使えます。一方、参加前の診断は実際の参加処理が動く SYSTEM ではなくユーザーのコンテキストで実行されており (プロキシの経路が異なる場合があります)、KeySignTest も実行されていません。これらを確認するには、管理者として実行したコマンド プロンプトでもう一度取得してください。",
            ),
            CapturedAs::Elevated => Text::new(
                "Taken from an elevated prompt (or as SYSTEM): device state, join diagnostics and KeySignTest are reliable, but User State and SSO State describe the elevated context, not necessarily the signed-in user. Judge the PRT, WAM and Windows Hello only from a second capture taken as the user in a normal prompt.",
                "管理者として実行したプロンプト (または SYSTEM) で取得されています。デバイスの状態、参加の診断、KeySignTest は信頼できますが、User State と SSO State は昇格したコンテキストの状態であり、サインインしているユーザーの状態とは限りません。PRT、WAM、Windows Hello は、通常のプロンプトでユーザーとして取得し直した結果で判断してください。",
            ),
            CapturedAs::Unknown => Text::new(
                "The capture does not say whether it was taken elevated (no User Context line and no KeySignTest result). User-scoped and SYSTEM-scoped conclusions are both drawn with that caveat.",
                "このキャプチャには、管理者として取得したかどうかを示す情報 (User Context の行や KeySignTest の結果) がありません。ユーザー単位の結論も SYSTEM 単位の結論も、その前提つきで示しています。",
            ),
        }
    }
}

/// Where the capture's "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockBasis {
    /// Diagnostic Data's `Client Time`: the device's own clock at capture.
    ClientTime,
    /// No Client Time: the latest event time in the capture, a lower bound
    /// of the capture time (ages computed from it are minimums).
    LatestEvent,
}

impl ClockBasis {
    pub fn id(self) -> &'static str {
        match self {
            ClockBasis::ClientTime => "client-time",
            ClockBasis::LatestEvent => "latest-event",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub time: Timestamp,
    pub basis: ClockBasis,
    pub source: Val,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceState {
    pub azure_ad_joined: Option<Val>,
    pub enterprise_joined: Option<Val>,
    pub domain_joined: Option<Val>,
    pub domain_name: Option<Val>,
    pub virtual_desktop: Option<Val>,
    pub vdi_type: Option<Val>,
    pub device_name: Option<Val>,
}

/// Where the device key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyStorage {
    Tpm,
    Software,
    Other,
}

pub fn key_storage(provider: &Val) -> KeyStorage {
    let u = provider.upper();
    if u.contains("PLATFORM CRYPTO") {
        KeyStorage::Tpm
    } else if u.contains("SOFTWARE KEY") {
        KeyStorage::Software
    } else {
        KeyStorage::Other
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Device {
    pub id: Option<Val>,
    pub thumbprint: Option<Val>,
    pub certificate_validity: Option<Val>,
    pub validity: Option<Validity>,
    pub key_container_id: Option<Val>,
    pub key_provider: Option<Val>,
    pub tpm_protected: Option<Val>,
    pub auth_status: Option<Val>,
}

impl Device {
    pub fn key_storage(&self) -> Option<KeyStorage> {
        self.key_provider.as_ref().map(key_storage)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tenant {
    pub name: Option<Val>,
    pub id: Option<Val>,
    pub idp: Option<Val>,
    /// Every URL-valued Tenant Details field (AuthCodeUrl, AccessTokenUrl,
    /// MdmUrl, JoinSrvUrl, KeySrvUrl, …) in printed order.
    pub endpoints: Vec<Val>,
    pub mdm_url: Option<Val>,
    pub settings_url: Option<Val>,
    pub join_srv_url: Option<Val>,
    pub key_srv_url: Option<Val>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    pub ngc_set: Option<Val>,
    pub ngc_key_id: Option<Val>,
    pub can_reset: Option<Val>,
    pub workplace_joined: Option<Val>,
    pub work_account_count: Option<Val>,
    pub wam_default_set: Option<Val>,
    pub wam_default_authority: Option<Val>,
    pub wam_default_id: Option<Val>,
    pub wam_default_guid: Option<Val>,
}

/// Which diagnostics block a failed PRT attempt was printed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptKind {
    Acquire,
    Refresh,
    Unknown,
}

impl AttemptKind {
    pub fn id(self) -> &'static str {
        match self {
            AttemptKind::Acquire => "acquire",
            AttemptKind::Refresh => "refresh",
            AttemptKind::Unknown => "unknown",
        }
    }
}

/// One failed PRT attempt (AcquirePrtDiagnostics / RefreshPrtDiagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrtAttempt {
    pub kind: AttemptKind,
    pub marker: Option<Val>,
    pub time: Option<Val>,
    pub status: Option<Val>,
    pub user_identity: Option<Val>,
    pub credential_type: Option<Val>,
    pub correlation_id: Option<Val>,
    pub endpoint_uri: Option<Val>,
    pub http_method: Option<Val>,
    pub http_error: Option<Val>,
    pub http_status: Option<Val>,
    pub server_error_code: Option<Val>,
    pub server_error_description: Option<Val>,
    /// Attempt Status decoded (NTSTATUS / HRESULT).
    pub status_code: Option<Code>,
    /// HTTP Error decoded (WinHTTP / WinINet), when not 0.
    pub http_error_code: Option<Code>,
    /// AADSTS codes in Server Error Description.
    pub aadsts: Vec<Code>,
}

impl PrtAttempt {
    fn new(kind: AttemptKind) -> PrtAttempt {
        PrtAttempt {
            kind,
            marker: None,
            time: None,
            status: None,
            user_identity: None,
            credential_type: None,
            correlation_id: None,
            endpoint_uri: None,
            http_method: None,
            http_error: None,
            http_status: None,
            server_error_code: None,
            server_error_description: None,
            status_code: None,
            http_error_code: None,
            aadsts: Vec::new(),
        }
    }

    pub fn http_status_number(&self) -> Option<u16> {
        self.http_status
            .as_ref()
            .and_then(|v| v.raw.trim().parse().ok())
    }

    /// Every decoded code, most specific first: AADSTS, Attempt Status,
    /// HTTP Error.
    pub fn codes(&self) -> Vec<Code> {
        let mut out: Vec<Code> = self.aadsts.clone();
        out.extend(self.status_code.clone());
        out.extend(self.http_error_code.clone());
        out
    }

    /// The evidence fields that are present.
    pub fn evidence(&self) -> Vec<Val> {
        [
            &self.marker,
            &self.time,
            &self.status,
            &self.user_identity,
            &self.credential_type,
            &self.correlation_id,
            &self.endpoint_uri,
            &self.http_error,
            &self.http_status,
            &self.server_error_code,
            &self.server_error_description,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sso {
    pub azure_ad_prt: Option<Val>,
    pub update_time: Option<Val>,
    pub expiry_time: Option<Val>,
    pub authority: Option<Val>,
    pub enterprise_prt: Option<Val>,
    pub enterprise_update_time: Option<Val>,
    pub enterprise_expiry_time: Option<Val>,
    pub enterprise_authority: Option<Val>,
    pub on_prem_tgt: Option<Val>,
    pub cloud_tgt: Option<Val>,
    pub kerb_top_level_names: Option<Val>,
    pub attempts: Vec<PrtAttempt>,
}

/// A diagnostic test result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestResult {
    Pass,
    Fail,
    Skipped,
    /// `MUST Run elevated to test.`
    NotRun,
    Other,
}

impl TestResult {
    pub fn id(self) -> &'static str {
        match self {
            TestResult::Pass => "pass",
            TestResult::Fail => "fail",
            TestResult::Skipped => "skipped",
            TestResult::NotRun => "not-run",
            TestResult::Other => "other",
        }
    }

    pub fn of(raw: &str) -> TestResult {
        let u = raw.trim().to_uppercase();
        if u.contains("MUST RUN ELEVATED") || u.contains("MUST BE RUN ELEVATED") {
            TestResult::NotRun
        } else if u.starts_with("PASS") || u == "SUCCESS" {
            TestResult::Pass
        } else if u.starts_with("FAIL") || u.starts_with("ERROR") {
            TestResult::Fail
        } else if u.starts_with("SKIP") {
            TestResult::Skipped
        } else {
            TestResult::Other
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Test {
    pub val: Val,
    pub result: TestResult,
    /// The code in `FAIL [phase/sub-error]`.
    pub code: Option<Code>,
}

impl Test {
    pub fn key(&self) -> String {
        crate::parse::normalize_key(&self.val.field)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviousRegistration {
    pub time: Option<Val>,
    pub registration_type: Option<Val>,
    pub error_phase: Option<Val>,
    pub client_error_code: Option<Val>,
    pub server_error_code: Option<Val>,
    pub server_message: Option<Val>,
    pub https_status: Option<Val>,
    pub request_id: Option<Val>,
    pub client_code: Option<Code>,
}

impl PreviousRegistration {
    pub fn evidence(&self) -> Vec<Val> {
        [
            &self.time,
            &self.registration_type,
            &self.error_phase,
            &self.client_error_code,
            &self.server_error_code,
            &self.server_message,
            &self.https_status,
            &self.request_id,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }

    pub fn phase(&self) -> String {
        self.error_phase
            .as_ref()
            .map(|v| v.raw.trim().to_lowercase())
            .unwrap_or_default()
    }
}

/// Which Diagnostic Data block the capture has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagPhase {
    /// Domain joined but not yet hybrid joined: the join tests.
    PreJoin,
    /// Joined: AadRecoveryEnabled, KeySignTest.
    PostJoin,
    None,
}

impl DiagPhase {
    pub fn id(self) -> &'static str {
        match self {
            DiagPhase::PreJoin => "pre-join",
            DiagPhase::PostJoin => "post-join",
            DiagPhase::None => "none",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    pub phase: DiagPhase,
    pub reference: Option<Val>,
    pub user_context: Option<Val>,
    pub client_time: Option<Val>,
    pub tests: Vec<Test>,
    pub fallback_sync_join: Option<Val>,
    pub fallback_fed_join: Option<Val>,
    pub previous_registration: Option<PreviousRegistration>,
    pub aad_recovery_enabled: Option<Val>,
    pub key_sign_test: Option<Val>,
    pub executing_account: Option<Val>,
    /// `Last HostName Update` (post-join), a time or `NONE`.
    pub last_hostname_update: Option<Val>,
}

impl Diagnostics {
    pub fn test(&self, key: &str) -> Option<&Test> {
        self.tests.iter().find(|t| t.key() == key)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IeProxy {
    pub auto_detect: Option<Val>,
    pub auto_config_url: Option<Val>,
    pub proxy_server_list: Option<Val>,
    pub proxy_bypass_list: Option<Val>,
}

impl IeProxy {
    /// A PAC URL or a proxy server is set.
    pub fn uses_explicit_proxy(&self) -> bool {
        [&self.auto_config_url, &self.proxy_server_list]
            .into_iter()
            .flatten()
            .any(|v| !v.is_blank())
    }

    pub fn evidence(&self) -> Vec<Val> {
        [
            &self.auto_detect,
            &self.auto_config_url,
            &self.proxy_server_list,
            &self.proxy_bypass_list,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WinHttpProxy {
    pub access_type: Option<Val>,
    /// Every other field of the section (proxy server, bypass list…).
    pub other: Vec<Val>,
}

impl WinHttpProxy {
    pub fn is_direct(&self) -> bool {
        self.access_type
            .as_ref()
            .is_some_and(|v| v.upper().contains("DIRECT") || v.upper().contains("NO PROXY"))
    }

    pub fn is_proxy(&self) -> bool {
        self.access_type
            .as_ref()
            .is_some_and(|v| !v.is_blank() && !self.is_direct())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    pub user: Option<IeProxy>,
    pub system_account: Option<IeProxy>,
    pub winhttp: Option<WinHttpProxy>,
    pub url_specific: Vec<Val>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ngc {
    pub prereq: Option<Val>,
    pub is_device_joined: Option<Val>,
    pub is_user_azure_ad: Option<Val>,
    pub policy_enabled: Option<Val>,
    pub post_logon_enabled: Option<Val>,
    pub device_eligible: Option<Val>,
    pub session_is_not_remote: Option<Val>,
    pub cert_enrollment: Option<Val>,
    pub adfs_refresh_token: Option<Val>,
    pub adfs_ra_is_ready: Option<Val>,
    pub logon_cert_template_ready: Option<Val>,
    pub on_prem_tgt: Option<Val>,
    pub pre_req_result: Option<Val>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkAccount {
    pub index: u32,
    pub section: String,
    pub device_id: Option<Val>,
    pub thumbprint: Option<Val>,
    pub certificate_validity: Option<Val>,
    pub validity: Option<Validity>,
    pub key_provider: Option<Val>,
    pub tpm_protected: Option<Val>,
    pub tenant_id: Option<Val>,
    pub tenant_name: Option<Val>,
    pub mdm_url: Option<Val>,
    pub ngc_set: Option<Val>,
}

/// Everything typed about one capture. Rules read only this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub capture: Capture,
    pub join_type: JoinType,
    pub captured_as: CapturedAs,
    /// The fields that decided `captured_as`.
    pub captured_as_basis: Vec<Val>,
    pub clock: Option<Clock>,
    pub device_state: DeviceState,
    pub device: Device,
    pub tenant: Tenant,
    pub user: User,
    pub sso: Sso,
    pub diagnostics: Diagnostics,
    pub proxy: Proxies,
    pub ngc: Option<Ngc>,
    pub work_accounts: Vec<WorkAccount>,
}

/// At most this many failed PRT attempts are read from one capture.
const MAX_ATTEMPTS: usize = 16;

const ATTEMPT_KEYS: &[&str] = &[
    "previousprtattempt",
    "attemptstatus",
    "useridentity",
    "credentialtype",
    "correlationid",
    "endpointuri",
    "httpmethod",
    "httperror",
    "httpstatus",
    "servererrorcode",
    "servererrordescription",
];

fn attempts(c: &Capture) -> Vec<PrtAttempt> {
    let mut out: Vec<PrtAttempt> = Vec::new();
    let mut current: Option<PrtAttempt> = None;
    for s in c
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::SsoState)
    {
        for f in &s.fields {
            let v = Val::of(s, f);
            let key = f.key.as_str();
            let marker = match key {
                "acquireprtdiagnostics" => Some(AttemptKind::Acquire),
                "refreshprtdiagnostics" => Some(AttemptKind::Refresh),
                _ => None,
            };
            if let Some(kind) = marker {
                out.extend(current.take());
                if v.upper().starts_with("PRESENT") {
                    let mut a = PrtAttempt::new(kind);
                    a.marker = Some(v);
                    current = Some(a);
                }
                continue;
            }
            if !ATTEMPT_KEYS.contains(&key) {
                out.extend(current.take());
                continue;
            }
            let taken = current
                .as_mut()
                .is_some_and(|a| attempt_slot(a, key).is_some());
            if taken {
                // A second attempt block without its own marker.
                out.extend(current.take());
            }
            let a = current.get_or_insert_with(|| PrtAttempt::new(AttemptKind::Unknown));
            *attempt_slot(a, key) = Some(v);
        }
    }
    out.extend(current);
    // A real capture has one or two; a paste that repeats the block
    // thousands of times must not cost thousands of decodings.
    out.truncate(MAX_ATTEMPTS);
    for a in &mut out {
        a.status_code = a
            .status
            .as_ref()
            .and_then(|v| codes_in(&v.raw, false).into_iter().next());
        a.http_error_code = a
            .http_error
            .as_ref()
            .and_then(|v| codes_in(&v.raw, true).into_iter().next());
        a.aadsts = a
            .server_error_description
            .iter()
            .chain(a.server_error_code.iter())
            .flat_map(|v| codes_in(&v.raw, false))
            .filter(|c| c.is_aadsts())
            .collect();
        a.aadsts.dedup_by(|x, y| x.normalized == y.normalized);
    }
    // A marker that says PRESENT with nothing else still counts; blocks
    // without any field do not.
    out.retain(|a| a.marker.is_some() || !a.evidence().is_empty());
    out
}

fn attempt_slot<'a>(a: &'a mut PrtAttempt, key: &str) -> &'a mut Option<Val> {
    match key {
        "previousprtattempt" => &mut a.time,
        "attemptstatus" => &mut a.status,
        "useridentity" => &mut a.user_identity,
        "credentialtype" => &mut a.credential_type,
        "correlationid" => &mut a.correlation_id,
        "endpointuri" => &mut a.endpoint_uri,
        "httpmethod" => &mut a.http_method,
        "httperror" => &mut a.http_error,
        "httpstatus" => &mut a.http_status,
        "servererrorcode" => &mut a.server_error_code,
        _ => &mut a.server_error_description,
    }
}

const TEST_KEYS: &[&str] = &[
    "adconnectivitytest",
    "adconfigurationtest",
    "drsdiscoverytest",
    "drsconnectivitytest",
    "kerberostickettest",
    "tokenacquisitiontest",
    "keysigntest",
];

fn diagnostics(c: &Capture) -> Diagnostics {
    let g = |key: &str| val(c, SectionKind::DiagnosticData, key);
    let mut tests: Vec<Test> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let diag_sections = c.sections.iter().filter(|s| {
        matches!(
            s.kind,
            SectionKind::DiagnosticData | SectionKind::PreviousRegistration
        )
    });
    for s in diag_sections {
        for f in &s.fields {
            let is_test = TEST_KEYS.contains(&f.key.as_str()) || f.key.ends_with("test");
            if is_test && seen.insert(f.key.clone()) {
                tests.push(test_of(Val::of(s, f)));
            }
        }
    }
    // The old layout prints KeySignTest under Device State.
    if !seen.contains("keysigntest") {
        if let Some(v) = val(c, SectionKind::DiagnosticData, "keysigntest") {
            tests.push(test_of(v));
        }
    }
    let previous = {
        let p = PreviousRegistration {
            time: g("previousregistration"),
            registration_type: g("registrationtype"),
            error_phase: g("errorphase"),
            client_error_code: g("clienterrorcode"),
            server_error_code: g("servererrorcode"),
            server_message: g("servermessage"),
            https_status: g("httpsstatus"),
            request_id: g("requestid"),
            client_code: None,
        };
        if p.evidence().is_empty() {
            None
        } else {
            let client_code = p
                .client_error_code
                .as_ref()
                .and_then(|v| codes_in(&v.raw, false).into_iter().next());
            Some(PreviousRegistration { client_code, ..p })
        }
    };
    let pre = [
        "adconnectivitytest",
        "adconfigurationtest",
        "drsdiscoverytest",
        "drsconnectivitytest",
        "tokenacquisitiontest",
    ]
    .iter()
    .any(|k| g(k).is_some());
    let key_sign_test = g("keysigntest");
    let aad_recovery_enabled = g("aadrecoveryenabled");
    let phase = if pre {
        DiagPhase::PreJoin
    } else if aad_recovery_enabled.is_some()
        || key_sign_test
            .as_ref()
            .is_some_and(|v| v.section != SectionKind::DeviceState.canonical_name())
    {
        DiagPhase::PostJoin
    } else {
        DiagPhase::None
    };
    Diagnostics {
        phase,
        reference: g("diagnosticsreference"),
        user_context: g("usercontext"),
        client_time: g("clienttime"),
        tests,
        fallback_sync_join: g("fallbacktosync-join"),
        fallback_fed_join: g("fallbacktofed-join"),
        previous_registration: previous,
        aad_recovery_enabled,
        key_sign_test,
        executing_account: g("executingaccountname"),
        last_hostname_update: g("lasthostnameupdate"),
    }
}

fn test_of(v: Val) -> Test {
    let result = TestResult::of(&v.raw);
    let code = codes_in(&v.raw, false).into_iter().next();
    Test {
        val: v,
        result,
        code,
    }
}

fn ie_proxy(c: &Capture, kind: SectionKind) -> Option<IeProxy> {
    let s = c.section(kind)?;
    let g = |key: &str| s.get(key).map(|f| Val::of(s, f));
    Some(IeProxy {
        auto_detect: g("autodetectsettings"),
        auto_config_url: g("auto-configurationurl"),
        proxy_server_list: g("proxyserverlist"),
        proxy_bypass_list: g("proxybypasslist"),
    })
}

fn proxies(c: &Capture) -> Proxies {
    let winhttp = c.section(SectionKind::WinHttpProxy).map(|s| WinHttpProxy {
        access_type: s.get("accesstype").map(|f| Val::of(s, f)),
        other: s
            .fields
            .iter()
            .filter(|f| f.key != "accesstype")
            .map(|f| Val::of(s, f))
            .collect(),
    });
    let url_specific = c
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::UrlProxy)
        .flat_map(|s| s.fields.iter().map(move |f| Val::of(s, f)))
        .collect();
    Proxies {
        user: ie_proxy(c, SectionKind::IeProxyUser),
        system_account: ie_proxy(c, SectionKind::IeProxySystem),
        winhttp,
        url_specific,
    }
}

fn ngc(c: &Capture) -> Option<Ngc> {
    let s = c.section(SectionKind::NgcPrerequisiteCheck)?;
    let g = |key: &str| s.get(key).map(|f| Val::of(s, f));
    Some(Ngc {
        prereq: g("ngcprereq"),
        is_device_joined: g("isdevicejoined"),
        is_user_azure_ad: g("isuserazuread"),
        policy_enabled: g("policyenabled"),
        post_logon_enabled: g("postlogonenabled"),
        device_eligible: g("deviceeligible"),
        session_is_not_remote: g("sessionisnotremote"),
        cert_enrollment: g("certenrollment"),
        adfs_refresh_token: g("adfsrefreshtoken"),
        adfs_ra_is_ready: g("adfsraisready"),
        logon_cert_template_ready: g("logoncerttemplateready"),
        on_prem_tgt: g("onpremtgt").or_else(|| g("cloudtgt")),
        pre_req_result: g("prereqresult"),
    })
}

fn work_accounts(c: &Capture) -> Vec<WorkAccount> {
    c.sections
        .iter()
        .filter_map(|s| match s.kind {
            SectionKind::WorkAccount(n) => Some((n, s)),
            _ => None,
        })
        .map(|(n, s)| {
            let g = |key: &str| s.get(key).map(|f| Val::of(s, f));
            let certificate_validity = g("devicecertificatevalidity");
            let validity = certificate_validity
                .as_ref()
                .and_then(|v| Validity::parse(&v.raw));
            WorkAccount {
                index: n,
                section: s.name.clone(),
                device_id: g("workplacedeviceid"),
                thumbprint: g("workplacethumbprint"),
                certificate_validity,
                validity,
                key_provider: g("keyprovider"),
                tpm_protected: g("tpmprotected"),
                tenant_id: g("workplacetenantid"),
                tenant_name: g("workplacetenantname"),
                mdm_url: g("workplacemdmurl"),
                ngc_set: g("ngcset"),
            }
        })
        .collect()
}

fn join_type(ds: &DeviceState, user: &User) -> JoinType {
    let aad = flag(&ds.azure_ad_joined);
    let ent = flag(&ds.enterprise_joined);
    let dom = flag(&ds.domain_joined);
    let wpj = flag(&user.workplace_joined);
    if aad.is_none() && ent.is_none() && dom.is_none() {
        return JoinType::Unknown;
    }
    match (aad, ent, dom) {
        (Some(true), _, Some(true)) => JoinType::HybridJoined,
        (Some(true), _, _) => JoinType::EntraJoined,
        (_, Some(true), _) => JoinType::OnPremDrsJoined,
        (_, _, Some(true)) => JoinType::DomainJoined,
        _ if wpj == Some(true) => JoinType::EntraRegistered,
        _ => JoinType::NotJoined,
    }
}

fn captured_as(c: &Capture, d: &Diagnostics) -> (CapturedAs, Vec<Val>) {
    if let Some(v) = &d.user_context {
        let u = v.upper();
        if u.contains("UN-ELEVATED") || u.contains("UNELEVATED") || u.contains("NON-ELEVATED") {
            return (CapturedAs::User, vec![v.clone()]);
        }
        if u.contains("ELEVATED") || u.contains("SYSTEM") {
            return (CapturedAs::Elevated, vec![v.clone()]);
        }
    }
    if let Some(v) = &d.key_sign_test {
        match TestResult::of(&v.raw) {
            TestResult::NotRun => return (CapturedAs::User, vec![v.clone()]),
            TestResult::Pass | TestResult::Fail => return (CapturedAs::Elevated, vec![v.clone()]),
            _ => {}
        }
    }
    if let Some(v) = &d.executing_account {
        let first = v.raw.split(',').next().unwrap_or("").trim().to_uppercase();
        if first.ends_with('$') || first.ends_with("\\SYSTEM") || first == "SYSTEM" {
            return (CapturedAs::Elevated, vec![v.clone()]);
        }
    }
    if let Some(s) = c.section(SectionKind::IeProxySystem) {
        return (
            CapturedAs::Elevated,
            vec![Val::note(&s.name, "(section)", "present")],
        );
    }
    (CapturedAs::Unknown, Vec::new())
}

fn clock(d: &Diagnostics, sso: &Sso) -> Option<Clock> {
    if let Some(v) = &d.client_time {
        if let Some(t) = v.time() {
            return Some(Clock {
                time: t,
                basis: ClockBasis::ClientTime,
                source: v.clone(),
            });
        }
    }
    let mut events: Vec<&Val> = Vec::new();
    events.extend(sso.attempts.iter().filter_map(|a| a.time.as_ref()));
    events.extend(
        d.previous_registration
            .as_ref()
            .and_then(|p| p.time.as_ref()),
    );
    events.extend(sso.update_time.iter());
    events.extend(d.last_hostname_update.iter());
    events.extend(sso.enterprise_update_time.iter());
    let mut best: Option<(Timestamp, &Val)> = None;
    for v in events {
        if let Some(t) = v.time() {
            if best.is_none_or(|(b, _)| t > b) {
                best = Some((t, v));
            }
        }
    }
    best.map(|(time, v)| Clock {
        time,
        basis: ClockBasis::LatestEvent,
        source: v.clone(),
    })
}

impl Facts {
    /// Reads everything typed from one capture.
    pub fn from_capture(c: &Capture) -> Facts {
        use SectionKind as K;
        let ds = DeviceState {
            azure_ad_joined: val(c, K::DeviceState, "azureadjoined"),
            enterprise_joined: val(c, K::DeviceState, "enterprisejoined"),
            domain_joined: val(c, K::DeviceState, "domainjoined"),
            domain_name: val(c, K::DeviceState, "domainname"),
            virtual_desktop: val(c, K::DeviceState, "virtualdesktop"),
            vdi_type: c
                .section(K::DeviceState)
                .and_then(|s| s.get("type").map(|f| Val::of(s, f))),
            device_name: val(c, K::DeviceState, "devicename"),
        };
        let certificate_validity = val(c, K::DeviceDetails, "devicecertificatevalidity");
        let device = Device {
            id: val(c, K::DeviceDetails, "deviceid"),
            thumbprint: val(c, K::DeviceDetails, "thumbprint"),
            validity: certificate_validity
                .as_ref()
                .and_then(|v| Validity::parse(&v.raw)),
            certificate_validity,
            key_container_id: val(c, K::DeviceDetails, "keycontainerid"),
            key_provider: val(c, K::DeviceDetails, "keyprovider"),
            tpm_protected: val(c, K::DeviceDetails, "tpmprotected"),
            auth_status: val(c, K::DeviceDetails, "deviceauthstatus"),
        };
        let endpoints = c
            .sections
            .iter()
            .filter(|s| {
                s.kind == K::TenantDetails
                    || (s.kind == K::DeviceState && c.layout == Layout::Legacy)
            })
            .flat_map(|s| {
                s.fields
                    .iter()
                    .filter(|f| {
                        home_is_tenant(&f.key) && f.key.ends_with("url") && f.key != "settingsurl"
                    })
                    .map(move |f| Val::of(s, f))
            })
            .collect();
        let tenant = Tenant {
            name: val(c, K::TenantDetails, "tenantname"),
            id: val(c, K::TenantDetails, "tenantid"),
            idp: val(c, K::TenantDetails, "idp"),
            endpoints,
            mdm_url: val(c, K::TenantDetails, "mdmurl"),
            settings_url: val(c, K::TenantDetails, "settingsurl"),
            join_srv_url: val(c, K::TenantDetails, "joinsrvurl"),
            key_srv_url: val(c, K::TenantDetails, "keysrvurl"),
        };
        let user = User {
            ngc_set: val(c, K::UserState, "ngcset"),
            ngc_key_id: val(c, K::UserState, "ngckeyid"),
            can_reset: val(c, K::UserState, "canreset"),
            workplace_joined: val(c, K::UserState, "workplacejoined"),
            work_account_count: val(c, K::UserState, "workaccountcount"),
            wam_default_set: val(c, K::UserState, "wamdefaultset"),
            wam_default_authority: val(c, K::UserState, "wamdefaultauthority"),
            wam_default_id: val(c, K::UserState, "wamdefaultid"),
            wam_default_guid: val(c, K::UserState, "wamdefaultguid"),
        };
        let sso = Sso {
            azure_ad_prt: val(c, K::SsoState, "azureadprt"),
            update_time: val(c, K::SsoState, "azureadprtupdatetime"),
            expiry_time: val(c, K::SsoState, "azureadprtexpirytime"),
            authority: val(c, K::SsoState, "azureadprtauthority"),
            enterprise_prt: val(c, K::SsoState, "enterpriseprt"),
            enterprise_update_time: val(c, K::SsoState, "enterpriseprtupdatetime"),
            enterprise_expiry_time: val(c, K::SsoState, "enterpriseprtexpirytime"),
            enterprise_authority: val(c, K::SsoState, "enterpriseprtauthority"),
            on_prem_tgt: val(c, K::SsoState, "onpremtgt"),
            cloud_tgt: val(c, K::SsoState, "cloudtgt"),
            kerb_top_level_names: val(c, K::SsoState, "kerbtoplevelnames"),
            attempts: attempts(c),
        };
        let diagnostics = diagnostics(c);
        let (captured_as, captured_as_basis) = captured_as(c, &diagnostics);
        let clock = clock(&diagnostics, &sso);
        Facts {
            capture: c.clone(),
            join_type: join_type(&ds, &user),
            captured_as,
            captured_as_basis,
            clock,
            device_state: ds,
            device,
            tenant,
            user,
            sso,
            diagnostics,
            proxy: proxies(c),
            ngc: ngc(c),
            work_accounts: work_accounts(c),
        }
    }

    /// Seconds from `t` to the capture's clock (positive: `t` is earlier).
    pub fn age(&self, t: Timestamp) -> Option<i64> {
        self.clock.as_ref().map(|c| c.time.0 - t.0)
    }

    /// The capture's clock when it is the device's own Client Time.
    pub fn client_time(&self) -> Option<&Clock> {
        self.clock
            .as_ref()
            .filter(|c| c.basis == ClockBasis::ClientTime)
    }

    /// The device is set up for federation (AD FS): an enterprise PRT
    /// authority, a federated registration, an AD FS token endpoint or
    /// certificate-trust Windows Hello.
    pub fn federated_evidence(&self) -> Vec<Val> {
        let mut out = Vec::new();
        if let Some(v) = &self.sso.enterprise_authority {
            if v.raw.to_lowercase().starts_with("http") {
                out.push(v.clone());
            }
        }
        if let Some(p) = &self.diagnostics.previous_registration {
            if let Some(v) = &p.registration_type {
                if v.raw.trim().eq_ignore_ascii_case("fed") {
                    out.push(v.clone());
                }
            }
        }
        if let Some(n) = &self.ngc {
            if let Some(v) = &n.cert_enrollment {
                if v.raw.to_lowercase().contains("enrollment authority") {
                    out.push(v.clone());
                }
            }
        }
        for a in &self.sso.attempts {
            if let Some(v) = &a.endpoint_uri {
                let l = v.raw.to_lowercase();
                if l.contains("/adfs") || l.contains("/trust/") {
                    out.push(v.clone());
                }
            }
        }
        out
    }
}

fn home_is_tenant(key: &str) -> bool {
    crate::parse::home_of(key) == Some(SectionKind::TenantDetails)
}
