//! Health rules. Each rule is a small named function from [`Facts`] to at
//! most one [`Finding`]; [`RULES`] lists them in the order findings of the
//! same severity are shown (root causes first). [`run`] applies them, fills
//! in the knowledge-base entry and actions, and adjusts findings to the
//! context the capture was taken in.

pub mod context;
pub mod device;
pub mod diag;
pub mod ngc;
pub mod proxy;
pub mod sso;
pub mod user;

use crate::codes::Code;
use crate::model::{CapturedAs, Facts, JoinType, Val};
use m365doctor_codes::{Layer, Message, Text};
use m365doctor_kb::Kb;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Severity::Error => Text::new("error", "エラー"),
            Severity::Warning => Text::new("warning", "警告"),
            Severity::Info => Text::new("info", "情報"),
        }
    }
}

/// Whose state a finding is about, which decides whether the capture's
/// context supports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The device (Device State, Device Details, Tenant Details): valid in
    /// any context.
    Device,
    /// The user who ran dsregcmd (User State, SSO State, Windows Hello):
    /// valid only in a normal, non-elevated capture.
    User,
    /// What the SYSTEM account sees (join diagnostics, KeySignTest): valid
    /// in an elevated capture.
    System,
}

impl Scope {
    pub fn id(self) -> &'static str {
        match self {
            Scope::Device => "device",
            Scope::User => "user",
            Scope::System => "system",
        }
    }
}

/// The second capture a conclusion needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecondCapture {
    /// As the affected user, in a normal (not elevated) prompt.
    User,
    /// From an elevated prompt (Run as administrator).
    Elevated,
}

impl SecondCapture {
    pub fn id(self) -> &'static str {
        match self {
            SecondCapture::User => "user",
            SecondCapture::Elevated => "elevated",
        }
    }

    /// The exact command; the prompt is what differs.
    pub fn command(self) -> &'static str {
        "dsregcmd /status"
    }

    pub fn prompt(self) -> &'static str {
        match self {
            SecondCapture::User => "normal",
            SecondCapture::Elevated => "elevated",
        }
    }

    pub fn instructions(self) -> Text {
        match self {
            SecondCapture::User => Text::new(
                "Take a second capture as the affected user: sign in as that user, open a normal Command Prompt (not 'Run as administrator') and run `dsregcmd /status`.",
                "影響を受けているユーザーで 2 回目の取得を行ってください。そのユーザーでサインインし、通常のコマンド プロンプト (「管理者として実行」ではないもの) を開いて `dsregcmd /status` を実行します。",
            ),
            SecondCapture::Elevated => Text::new(
                "Take a second capture from an elevated prompt: right-click Command Prompt, choose 'Run as administrator' and run `dsregcmd /status` (the join diagnostics then run as SYSTEM and KeySignTest runs).",
                "管理者として 2 回目の取得を行ってください。コマンド プロンプトを右クリックして [管理者として実行] を選び、`dsregcmd /status` を実行します (参加の診断が SYSTEM として実行され、KeySignTest も実行されます)。",
            ),
        }
    }
}

/// One conclusion about the capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule id (kebab-case, stable).
    pub rule: &'static str,
    pub severity: Severity,
    pub layer: Layer,
    pub scope: Scope,
    /// The codes found in the evidence, decoded; most specific first.
    pub codes: Vec<Code>,
    /// The knowledge-base entry id and where it came from (`bundled`,
    /// `org:DIR`).
    pub entry: Option<String>,
    pub entry_source: Option<String>,
    /// The entry's title, taken when the entry was attached (renderers do
    /// not look it up again).
    pub entry_title: Option<Message>,
    /// Ordered action ids from kb/actions.toml, least invasive first.
    pub actions: Vec<String>,
    pub evidence: Vec<Val>,
    pub message: Message,
    pub second_capture: Option<SecondCapture>,
    fallback_entry: Option<&'static str>,
    /// The rule already words its message for the capture's context.
    context_aware: bool,
}

impl Finding {
    pub(crate) fn new(
        rule: &'static str,
        severity: Severity,
        layer: Layer,
        en: impl Into<String>,
        ja: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity,
            layer,
            scope: Scope::Device,
            codes: Vec::new(),
            entry: None,
            entry_source: None,
            entry_title: None,
            actions: Vec::new(),
            evidence: Vec::new(),
            message: Message::new(en, ja),
            second_capture: None,
            fallback_entry: None,
            context_aware: false,
        }
    }

    /// The message already takes the capture's context into account.
    pub(crate) fn context_aware(mut self) -> Finding {
        self.context_aware = true;
        self
    }

    /// Adds evidence fields that are present.
    pub(crate) fn ev<'a>(mut self, vals: impl IntoIterator<Item = &'a Option<Val>>) -> Finding {
        for v in vals.into_iter().flatten() {
            if !self.evidence.contains(v) {
                self.evidence.push(v.clone());
            }
        }
        self
    }

    pub(crate) fn evidence(mut self, vals: impl IntoIterator<Item = Val>) -> Finding {
        for v in vals {
            if !self.evidence.contains(&v) {
                self.evidence.push(v);
            }
        }
        self
    }

    pub(crate) fn codes(mut self, codes: impl IntoIterator<Item = Code>) -> Finding {
        for c in codes {
            if !self.codes.iter().any(|o| o.normalized == c.normalized) {
                self.codes.push(c);
            }
        }
        self
    }

    pub(crate) fn entry(mut self, id: &'static str) -> Finding {
        self.fallback_entry = Some(id);
        self
    }

    pub(crate) fn actions(mut self, ids: &[&'static str]) -> Finding {
        self.actions = ids.iter().map(|s| s.to_string()).collect();
        self
    }

    pub(crate) fn scope(mut self, scope: Scope) -> Finding {
        self.scope = scope;
        self
    }

    pub(crate) fn second(mut self, s: SecondCapture) -> Finding {
        self.second_capture = Some(s);
        self
    }

    /// The knowledge-base entry the rule names when no code has one.
    pub fn fallback_entry(&self) -> Option<&'static str> {
        self.fallback_entry
    }

    /// Every normalized code, the sub-errors included.
    pub fn normalized_codes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.codes {
            for x in c.flatten() {
                if !out.contains(&x.normalized) {
                    out.push(x.normalized.clone());
                }
            }
        }
        out
    }
}

/// A rule: its id, the layer it reports (some rules take the layer from the
/// decoded code instead), and the check.
pub struct Rule {
    pub id: &'static str,
    pub layer: Layer,
    pub check: fn(&Facts) -> Option<Finding>,
}

macro_rules! rules {
    ($($id:literal => $layer:ident, $f:path;)*) => {
        /// Every rule, in display order within a severity.
        pub static RULES: &[Rule] = &[
            $(Rule { id: $id, layer: Layer::$layer, check: $f },)*
        ];
    };
}

rules! {
    "join-state-inconsistent" => DeviceRegistration, device::join_state_inconsistent;
    "device-disabled-or-deleted" => DeviceRegistration, device::device_disabled_or_deleted;
    "device-details-missing" => DeviceRegistration, device::device_details_missing;
    "device-id-missing" => DeviceRegistration, device::device_id_missing;
    "device-certificate-missing" => DeviceRegistration, device::device_certificate_missing;
    "device-certificate-expired" => DeviceRegistration, device::device_certificate_expired;
    "clock-skew-certificate-not-yet-valid" => Clock, device::clock_skew_certificate_not_yet_valid;
    "key-container-missing" => Tpm, device::key_container_missing;
    "aad-recovery-enabled" => DeviceRegistration, diag::aad_recovery_enabled;
    "key-sign-test-failed" => Tpm, diag::key_sign_test_failed;
    "tenant-details-missing" => DeviceRegistration, device::tenant_details_missing;
    "tenant-id-missing" => DeviceRegistration, device::tenant_id_missing;
    "domain-joined-not-hybrid" => DeviceRegistration, device::domain_joined_not_hybrid;
    "ad-connectivity-failed" => Network, diag::ad_connectivity_failed;
    "scp-not-found" => DeviceRegistration, diag::scp_not_found;
    "scp-misconfigured" => DeviceRegistration, diag::scp_misconfigured;
    "drs-discovery-failed" => DeviceRegistration, diag::drs_discovery_failed;
    "drs-connectivity-failed" => Network, diag::drs_connectivity_failed;
    "token-acquisition-failed" => Federation, diag::token_acquisition_failed;
    "kerberos-ticket-test-failed" => DeviceRegistration, diag::kerberos_ticket_test_failed;
    "previous-registration-device-not-synced" => DeviceRegistration, diag::previous_registration_device_not_synced;
    "previous-registration-authentication-error" => DeviceRegistration, diag::previous_registration_authentication_error;
    "previous-registration-tpm-error" => Tpm, diag::previous_registration_tpm_error;
    "previous-registration-network-error" => Network, diag::previous_registration_network_error;
    "previous-registration-failed" => DeviceRegistration, diag::previous_registration_failed;
    "proxy-auth-required-system" => ProxyTls, proxy::proxy_auth_required_system;
    "system-network-failure-behind-proxy" => ProxyTls, proxy::system_network_failure_behind_proxy;
    "winhttp-direct-user-proxy" => ProxyTls, proxy::winhttp_direct_user_proxy;
    "wpad-detection-failed" => ProxyTls, proxy::wpad_detection_failed;
    "clock-skew-prt-update-in-future" => Clock, sso::clock_skew_prt_update_in_future;
    "clock-skew-event-after-capture" => Clock, diag::clock_skew_event_after_capture;
    "prt-missing" => DeviceRegistration, sso::prt_missing;
    "prt-attempt-network-error" => Network, sso::prt_attempt_network_error;
    "prt-attempt-server-error" => Service, sso::prt_attempt_server_error;
    "prt-attempt-federation-failed" => Federation, sso::prt_attempt_federation_failed;
    "prt-attempt-failed" => DeviceRegistration, sso::prt_attempt_failed;
    "prt-upn-non-routable" => AccountState, sso::prt_upn_non_routable;
    "prt-expired" => DeviceRegistration, sso::prt_expired;
    "prt-stale" => DeviceRegistration, sso::prt_stale;
    "prt-authority-tenant-mismatch" => DeviceRegistration, sso::prt_authority_tenant_mismatch;
    "enterprise-prt-missing" => Federation, sso::enterprise_prt_missing;
    "enterprise-prt-expired" => Federation, sso::enterprise_prt_expired;
    "device-auth-status-error" => Network, device::device_auth_status_error;
    "software-key-provider" => Tpm, device::software_key_provider;
    "tpm-protection-inconsistent" => Tpm, device::tpm_protection_inconsistent;
    "device-certificate-expiring-soon" => DeviceRegistration, device::device_certificate_expiring_soon;
    "workplace-joined-on-joined-device" => DeviceRegistration, device::workplace_joined_on_joined_device;
    "on-prem-drs-joined" => DeviceRegistration, device::on_prem_drs_joined;
    "domain-name-missing" => DeviceRegistration, device::domain_name_missing;
    "vdi-invalid" => DeviceRegistration, device::vdi_invalid;
    "idp-unexpected" => DeviceRegistration, device::idp_unexpected;
    "join-service-not-entra" => DeviceRegistration, device::join_service_not_entra;
    "key-service-missing" => Tpm, device::key_service_missing;
    "fallback-sync-join-disabled" => Federation, diag::fallback_sync_join_disabled;
    "wam-default-not-set" => WamBroker, user::wam_default_not_set;
    "wam-default-error" => WamBroker, user::wam_default_error;
    "wam-default-personal-account" => WamBroker, user::wam_default_personal_account;
    "work-account-certificate-expired" => DeviceRegistration, user::work_account_certificate_expired;
    "multiple-work-accounts" => WamBroker, user::multiple_work_accounts;
    "work-account-other-tenant" => DeviceRegistration, user::work_account_other_tenant;
    "ngc-key-id-missing" => Tpm, user::ngc_key_id_missing;
    "ngc-prereq-device-not-joined" => DeviceRegistration, ngc::ngc_prereq_device_not_joined;
    "ngc-prereq-user-not-entra" => AccountState, ngc::ngc_prereq_user_not_entra;
    "ngc-prereq-device-not-eligible" => Tpm, ngc::ngc_prereq_device_not_eligible;
    "ngc-prereq-adfs-refresh-token-missing" => Federation, ngc::ngc_prereq_adfs_refresh_token_missing;
    "ngc-prereq-adfs-ra-not-ready" => Federation, ngc::ngc_prereq_adfs_ra_not_ready;
    "ngc-prereq-logon-cert-template-not-ready" => Federation, ngc::ngc_prereq_logon_cert_template_not_ready;
    "ngc-prereq-onprem-tgt-missing" => Federation, ngc::ngc_prereq_onprem_tgt_missing;
    "ngc-prereq-remote-session" => Other, ngc::ngc_prereq_remote_session;
    "ngc-prereq-policy-disabled" => Tpm, ngc::ngc_prereq_policy_disabled;
    "ngc-prereq-post-logon-disabled" => Tpm, ngc::ngc_prereq_post_logon_disabled;
    "ngc-prereq-will-not-provision" => Tpm, ngc::ngc_prereq_will_not_provision;
    "ngc-prereq-check-error" => Tpm, ngc::ngc_prereq_check_error;
    "ngc-not-set" => Tpm, user::ngc_not_set;
    "pin-reset-unknown" => Tpm, user::pin_reset_unknown;
    "onprem-tgt-missing" => Federation, sso::onprem_tgt_missing;
    "mdm-not-configured" => DeviceRegistration, device::mdm_not_configured;
    "os-legacy-output-format" => Other, device::os_legacy_output_format;
    "os-older-than-21h1" => Other, device::os_older_than_21h1;
    "not-joined" => DeviceRegistration, device::not_joined;
    "key-sign-test-not-run" => Tpm, diag::key_sign_test_not_run;
    "prejoin-diagnostics-not-system" => Other, diag::prejoin_diagnostics_not_system;
    "join-diagnostics-missing" => DeviceRegistration, context::join_diagnostics_missing;
    "elevated-capture-user-scope" => Other, context::elevated_capture_user_scope;
    "user-sections-missing" => Other, context::user_sections_missing;
}

/// Runs every rule and prepares the findings: knowledge-base entry and
/// actions, the context adjustments, most severe first.
pub fn run(facts: &Facts, kb: &Kb) -> Vec<Finding> {
    let mut findings: Vec<Finding> = RULES.iter().filter_map(|r| (r.check)(facts)).collect();
    for f in &mut findings {
        attach_kb(f, kb);
        safe_actions(f, facts.join_type);
        adjust_to_context(f, facts.captured_as);
        f.message.ja = tidy_ja(&f.message.ja);
    }
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Tidies spaces left where optional parts of a Japanese sentence were
/// empty: doubled spaces, a space after `、` / `。`, and a space after a
/// particle (hiragana) before another Japanese character. Spaces inside
/// katakana compounds (`デバイス キー`, `サインイン ログ`) are kept, as
/// Microsoft Japan writes them.
pub(crate) fn tidy_ja(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            let hiragana = prev.is_some_and(|p| ('\u{3040}'..='\u{309F}').contains(&p));
            let after_punct = matches!(prev, Some('、' | '。' | '「'));
            let before_punct = matches!(next, Some('、' | '。' | '」'));
            let wide_next = next.is_some_and(|n| !n.is_ascii());
            if prev == Some(' ')
                || prev.is_none()
                || after_punct
                || before_punct
                || (hiragana && wide_next)
            {
                continue;
            }
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// Hand-over actions that may come anywhere in a list.
const HANDOVER: &[&str] = &["contact-admin", "collect-evidence"];

/// Orders a rule's own actions as the knowledge base requires: the user's
/// steps least risky first, then the hand-over, then the administrator's
/// steps least risky first (stable within equal risk).
pub(crate) fn order_actions(actions: &mut [String]) {
    actions.sort_by_key(|a| {
        let (who, risk) = m365doctor_kb::action(a)
            .map(|x| (x.who.to_string(), m365doctor_kb::model::risk_rank(&x.risk)))
            .unwrap_or_default();
        let group = if HANDOVER.contains(&a.as_str()) {
            1
        } else if who == "admin" {
            2
        } else {
            0
        };
        (group, if group == 1 { 0 } else { risk })
    });
}

fn attach_kb(f: &mut Finding, kb: &Kb) {
    order_actions(&mut f.actions);
    let mut found = None;
    'codes: for code in &f.codes {
        for c in code.most_specific_first() {
            if let Some((entry, source)) = kb.find(&c.key(), &["windows"]) {
                found = Some((entry, source));
                break 'codes;
            }
        }
    }
    if found.is_none() {
        if let Some(id) = f.fallback_entry {
            found = kb.get(id);
        }
    }
    if let Some((entry, source)) = found {
        f.entry = Some(entry.id.to_string());
        f.entry_source = Some(source.label());
        f.entry_title = Some((&entry.title).into());
        if f.actions.is_empty() {
            f.actions = m365doctor_kb::entry_actions(entry)
                .iter()
                .map(|a| a.to_string())
                .collect();
        }
    }
    if f.actions.is_empty() {
        f.actions = vec!["collect-evidence".into(), "contact-admin".into()];
    }
    f.actions.retain(|a| m365doctor_kb::action(a).is_some());
}

/// Rules whose subject is a separately added work account, where
/// disconnecting and reconnecting it is the documented recovery.
const ADDED_ACCOUNT_RULES: &[&str] = &[
    "workplace-joined-on-joined-device",
    "work-account-certificate-expired",
    "multiple-work-accounts",
    "work-account-other-tenant",
];

/// `dsregcmd /leave` is reasonable only on hybrid-joined devices; on an
/// Entra-joined device disconnecting the account in Access work or school
/// removes the join itself.
fn safe_actions(f: &mut Finding, join: JoinType) {
    let before = f.actions.len();
    if join != JoinType::HybridJoined {
        f.actions.retain(|a| a != "dsreg-rejoin");
    }
    if join == JoinType::EntraJoined && !ADDED_ACCOUNT_RULES.contains(&f.rule) {
        f.actions.retain(|a| a != "reconnect-work-account");
    }
    if f.actions.len() < before && !f.actions.iter().any(|a| a == "contact-admin") {
        f.actions.push("contact-admin".into());
    }
}

fn adjust_to_context(f: &mut Finding, captured_as: CapturedAs) {
    if f.context_aware {
        return;
    }
    match (f.scope, captured_as) {
        (Scope::User, CapturedAs::Elevated) => {
            if f.severity == Severity::Error {
                f.severity = Severity::Warning;
            }
            f.second_capture.get_or_insert(SecondCapture::User);
            f.message.en.push_str(
                " This capture was taken elevated, so this may describe the administrator's context rather than the user's: confirm it with a capture taken as the user.",
            );
            f.message.ja.push_str(
                "なお、このキャプチャは管理者として取得されているため、ユーザーではなく管理者のコンテキストの状態を示している可能性があります。ユーザーとして取得し直して確認してください。",
            );
        }
        (Scope::System, CapturedAs::User) => {
            f.second_capture.get_or_insert(SecondCapture::Elevated);
            f.message.en.push_str(
                " These diagnostics ran in the user's context, not as SYSTEM: confirm with a capture from an elevated prompt.",
            );
            f.message.ja.push_str(
                "なお、この診断は SYSTEM ではなくユーザーのコンテキストで実行されています。管理者として実行したプロンプトで取得し直して確認してください。",
            );
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- helpers

pub(crate) fn is_yes(v: &Option<Val>) -> bool {
    v.as_ref().and_then(Val::flag) == Some(true)
}

pub(crate) fn is_no(v: &Option<Val>) -> bool {
    v.as_ref().and_then(Val::flag) == Some(false)
}

/// Missing, or present with an empty / placeholder value.
pub(crate) fn is_missing(v: &Option<Val>) -> bool {
    v.as_ref().is_none_or(Val::is_blank)
}

/// The join type in words, for messages.
pub(crate) fn join_words(j: JoinType) -> (&'static str, &'static str) {
    let t = j.label();
    (t.en, t.ja)
}

/// Five minutes: the tolerance before a timestamp counts as "in the future".
pub(crate) const SKEW_TOLERANCE: i64 = 5 * crate::time::MINUTE;

/// `(at least)` wording when the clock is only a lower bound.
pub(crate) fn at_least(f: &Facts) -> (&'static str, &'static str) {
    match f.clock.as_ref().map(|c| c.basis) {
        Some(crate::model::ClockBasis::LatestEvent) => ("at least ", "少なくとも "),
        _ => ("", ""),
    }
}

/// How the capture's time was read, for messages.
pub(crate) fn clock_words(f: &Facts) -> (String, String) {
    match &f.clock {
        Some(c) => match c.basis {
            crate::model::ClockBasis::ClientTime => (
                format!("Client Time {}", c.time.display()),
                format!("Client Time {}", c.time.display()),
            ),
            crate::model::ClockBasis::LatestEvent => (
                format!(
                    "no Client Time; the latest event, {} {}",
                    c.source.field,
                    c.time.display()
                ),
                format!(
                    "Client Time がないため、最新のイベント {} {} を基準",
                    c.source.field,
                    c.time.display()
                ),
            ),
        },
        None => (String::new(), String::new()),
    }
}

/// The decoded code in words: `0x80072EE2 (WININET_E_TIMEOUT)` plus the
/// sub-error.
pub(crate) fn code_words(c: &Code) -> String {
    match &c.sub_error {
        Some(sub) => format!("{} / sub-error {}", c.label(), sub.label()),
        None => c.label(),
    }
}

pub(crate) fn code_words_ja(c: &Code) -> String {
    match &c.sub_error {
        Some(sub) => format!("{} / サブエラー {}", c.label(), sub.label()),
        None => c.label(),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::model::Facts;

    /// Device State of a hybrid-joined device, shared by the rule tests.
    pub const HYBRID: &[(&str, &str)] = &[
        ("AzureAdJoined", "YES"),
        ("EnterpriseJoined", "NO"),
        ("DomainJoined", "YES"),
        ("DomainName", "CONTOSO"),
    ];

    /// Device State of a domain-joined device that is not hybrid-joined yet.
    pub const DJ: &[(&str, &str)] = &[
        ("AzureAdJoined", "NO"),
        ("EnterpriseJoined", "NO"),
        ("DomainJoined", "YES"),
        ("DomainName", "CONTOSO"),
    ];

    /// A capture in the current framed layout, names right-aligned as
    /// dsregcmd prints them.
    pub fn framed(sections: &[(&str, &[(&str, &str)])]) -> String {
        let rule = format!("+{}+\n", "-".repeat(70));
        let mut out = String::new();
        for (name, fields) in sections {
            out.push_str(&rule);
            out.push_str(&format!("| {name:<68} |\n"));
            out.push_str(&rule);
            out.push('\n');
            for (k, v) in fields.iter() {
                out.push_str(&format!("{k:>26} : {v}\n"));
            }
            out.push('\n');
        }
        out.push_str(&rule);
        out
    }

    /// `base` with `key` set to `value`, or removed when `value` is empty.
    pub fn with(
        base: &[(&'static str, &'static str)],
        key: &'static str,
        value: &'static str,
    ) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<(&str, &str)> = base.iter().filter(|(k, _)| *k != key).copied().collect();
        if !value.is_empty() {
            v.push((key, value));
        }
        v
    }

    /// Facts of the first capture in `text` (panics in tests only).
    pub fn facts(text: &str) -> Facts {
        let captures = crate::parse(text);
        assert!(!captures.is_empty(), "no capture in test text:\n{text}");
        Facts::from_capture(&captures[0])
    }

    /// Asserts a rule fires on `yes` and not on `no`, and returns the finding.
    pub fn check(
        rule: fn(&Facts) -> Option<super::Finding>,
        id: &str,
        yes: &str,
        no: &str,
    ) -> super::Finding {
        let f = rule(&facts(yes)).unwrap_or_else(|| panic!("{id} did not fire on:\n{yes}"));
        assert_eq!(f.rule, id);
        assert!(!f.message.en.is_empty() && !f.message.ja.is_empty());
        assert!(
            rule(&facts(no)).is_none(),
            "{id} fired on the negative case:\n{no}"
        );
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_notes_are_added_once() {
        let text = testing::framed(&[
            (
                "Device State",
                &[
                    ("AzureAdJoined", "YES"),
                    ("EnterpriseJoined", "NO"),
                    ("DomainJoined", "YES"),
                ],
            ),
            (
                "User State",
                &[
                    ("NgcSet", "NO"),
                    ("WorkplaceJoined", "NO"),
                    ("WamDefaultSet", "ERROR (0xd0020017)"),
                ],
            ),
            (
                "SSO State",
                &[
                    ("AzureAdPrt", "NO"),
                    ("AzureAdPrtAuthority", "https://login.microsoftonline.com/x"),
                ],
            ),
            (
                "Diagnostic Data",
                &[("AadRecoveryEnabled", "NO"), ("KeySignTest", "PASSED")],
            ),
        ]);
        let facts = testing::facts(&text);
        let findings = run(&facts, &Kb::bundled());
        let wam = findings
            .iter()
            .find(|f| f.rule == "wam-default-error")
            .unwrap();
        assert!(!wam
            .message
            .en
            .contains("This capture was taken elevated, so"));
        let prt = findings.iter().find(|f| f.rule == "prt-missing").unwrap();
        assert_eq!(prt.severity, Severity::Warning);
        assert_eq!(prt.second_capture, Some(SecondCapture::User));
        assert_eq!(
            prt.message
                .en
                .matches("This capture was taken elevated")
                .count(),
            1
        );
        assert!(prt.message.ja.contains("ユーザーとして取得し直して"));
    }

    #[test]
    fn rule_actions_follow_the_risk_order() {
        let mut a: Vec<String> = [
            "dsreg-rejoin",
            "contact-admin",
            "refresh-prt",
            "admin-enable-device",
            "check-network",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        order_actions(&mut a);
        assert_eq!(
            a,
            [
                "check-network",
                "refresh-prt",
                "contact-admin",
                "admin-enable-device",
                "dsreg-rejoin"
            ]
        );
    }

    #[test]
    fn fallback_entries_exist() {
        let kb = Kb::bundled();
        for id in [
            "aadsts-device-disabled-or-deleted",
            "device-certificate-missing",
            "symptom-clock-ahead-behind",
            "tpm-malfunctioned",
            "mdm-autoenroll-not-configured",
            "prt-upn-domain-unknown",
            "dsregcmd-wam-default-error",
            "hello-key-container-broken",
            "hello-policy-requires-tpm",
            "hybrid-join-scp-not-readable",
            "hybrid-join-directory-error",
            "hybrid-join-drs-authentication-error",
            "proxy-authentication-required",
            "proxy-autoconfig-failed",
        ] {
            assert!(kb.get(id).is_some(), "{id}");
        }
    }

    #[test]
    fn japanese_spacing() {
        assert_eq!(
            tidy_ja("Windows は john の プライマリ"),
            "Windows は john のプライマリ"
        );
        assert_eq!(
            tidy_ja("サインイン ログ の デバイス キー"),
            "サインイン ログ のデバイス キー"
        );
        assert_eq!(tidy_ja("に、 PRT  の"), "に、PRT の");
        assert_eq!(tidy_ja("Microsoft Entra ID の"), "Microsoft Entra ID の");
    }

    #[test]
    fn rule_ids_are_unique_kebab_case() {
        let mut seen = Vec::new();
        for r in RULES {
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.id
            );
            assert!(!seen.contains(&r.id), "duplicate {}", r.id);
            seen.push(r.id);
        }
        assert!(RULES.len() >= 60, "only {} rules", RULES.len());
    }
}
