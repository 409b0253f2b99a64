//! The one specification of the analyses. The Rust aggregation
//! (`aggregate`) and the emitted KQL (`kql`) both read their definitions
//! from here: which codes are interrupts, what counts as password spray or
//! MFA fatigue, which column a breakdown groups by, how each Log Analytics
//! table's columns map to the normalised view, and every threshold. A
//! definition changed here changes both, so they cannot drift; the
//! differential test (`kql/check.sh`) runs the KQL on the test fixtures and
//! compares it with `--json`.

use crate::event::Event;

/// A text in English and Japanese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bi {
    pub en: &'static str,
    pub ja: &'static str,
}

impl Bi {
    pub fn get(&self, ja: bool) -> &'static str {
        if ja {
            self.ja
        } else {
            self.en
        }
    }
}

const fn bi(en: &'static str, ja: &'static str) -> Bi {
    Bi { en, ja }
}

/// The four kinds of sign-in logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    #[default]
    Interactive,
    NonInteractive,
    ServicePrincipal,
    ManagedIdentity,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Interactive,
        Kind::NonInteractive,
        Kind::ServicePrincipal,
        Kind::ManagedIdentity,
    ];

    /// The JSON and KQL name.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Interactive => "interactive",
            Kind::NonInteractive => "non_interactive",
            Kind::ServicePrincipal => "service_principal",
            Kind::ManagedIdentity => "managed_identity",
        }
    }

    pub fn label(self) -> Bi {
        match self {
            Kind::Interactive => bi("interactive", "対話型"),
            Kind::NonInteractive => bi("non-interactive", "非対話型"),
            Kind::ServicePrincipal => bi("service principal", "サービス プリンシパル"),
            Kind::ManagedIdentity => bi("managed identity", "マネージド ID"),
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Graph beta's `signInEventTypes` values.
    pub fn from_event_type(t: &str) -> Option<Kind> {
        match t {
            "interactiveUser" => Some(Kind::Interactive),
            "nonInteractiveUser" => Some(Kind::NonInteractive),
            "servicePrincipal" => Some(Kind::ServicePrincipal),
            "managedIdentity" => Some(Kind::ManagedIdentity),
            _ => None,
        }
    }

    /// Diagnostic-settings categories and Log Analytics table names; `None`
    /// for other categories (audit logs, risk events, AD FS, …).
    pub fn from_category(name: &str) -> Option<Kind> {
        let n = name.trim();
        let eq = |s: &str| n.eq_ignore_ascii_case(s);
        if eq("SignInLogs") || eq("SigninLogs") {
            Some(Kind::Interactive)
        } else if eq("NonInteractiveUserSignInLogs") || eq("AADNonInteractiveUserSignInLogs") {
            Some(Kind::NonInteractive)
        } else if eq("ServicePrincipalSignInLogs") || eq("AADServicePrincipalSignInLogs") {
            Some(Kind::ServicePrincipal)
        } else if eq("ManagedIdentitySignInLogs") || eq("AADManagedIdentitySignInLogs") {
            Some(Kind::ManagedIdentity)
        } else {
            None
        }
    }
}

/// Success, interrupt (the user is asked for something: MFA, consent, a
/// password change; Microsoft's sign-in workbook calls it "pending user
/// action") or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Success,
    Interrupt,
    Failure,
}

/// The codes Microsoft's Entra "Sign-ins" workbook counts as "Pending user
/// action" (its `SigninStatus = case(…)`, microsoft/Application-Insights-Workbooks,
/// Workbooks/Azure Active Directory/SignIns/SignIns.workbook). Sorted.
pub const INTERRUPT_CODES: &[u32] = &[
    16000, 16001, 16003, 29200, 50019, 50055, 50058, 50059, 50072, 50074, 50076, 50097, 50125,
    50127, 50129, 50140, 50143, 50144, 50158, 51006, 52004, 65001, 81010, 81012, 81014, 165100,
];

pub fn class_of(code: u32) -> Class {
    if code == 0 {
        Class::Success
    } else if INTERRUPT_CODES.binary_search(&code).is_ok() {
        Class::Interrupt
    } else {
        Class::Failure
    }
}

/// Codes of a wrong or unusable password, for spray detection: invalid user
/// name or password, unknown user, locked, expired, missing password.
pub const PASSWORD_CODES: &[u32] = &[50034, 50053, 50055, 50056, 50126];
/// A wrong password for an existing account: brute force against one user.
pub const BRUTE_FORCE_CODES: &[u32] = &[50126];
/// Smart lockout (also returned for sign-ins from IP addresses known for attacks).
pub const LOCKOUT_CODES: &[u32] = &[50053];
/// MFA not completed: denied, not answered, failed.
pub const MFA_FAILED_CODES: &[u32] = &[500121];
/// What a denied or unanswered push shows in the authentication details.
pub const MFA_DENIED_TEXT: &str = "MFA denied";
/// Expired or revoked sessions and refresh tokens: in non-interactive logs
/// mostly apps retrying old tokens, noise rather than users stuck.
pub const STALE_SESSION_CODES: &[u32] = &[50132, 50133, 50173, 70043, 700082, 700084];
/// Credential problems of applications (secrets, certificates, assertions).
pub const APP_CREDENTIAL_CODES: &[u32] =
    &[700016, 700023, 700024, 700027, 7000112, 7000215, 7000222];

/// `clientAppUsed` values of legacy (basic) authentication, as Microsoft's
/// "Sign-ins using Legacy Authentication" workbook lists them.
pub const LEGACY_CLIENTS: &[&str] = &[
    "Authenticated SMTP",
    "AutoDiscover",
    "Exchange ActiveSync",
    "Exchange Online PowerShell",
    "Exchange Web Services",
    "IMAP",
    "IMAP4",
    "MAPI Over HTTP",
    "Offline Address Book",
    "Other clients",
    "Outlook Anywhere (RPC over HTTP)",
    "POP",
    "POP3",
    "Reporting Web Services",
    "SMTP",
    "Universal Outlook",
];

/// `authenticationProtocol` of the device code flow.
pub const DEVICE_CODE_PROTOCOL: &str = "deviceCode";

/// A condition on one sign-in, evaluated in Rust and written as KQL over
/// the normalised view's columns.
#[derive(Debug, Clone, Copy)]
pub enum Pred {
    Class(Class),
    CodeIn(&'static [u32]),
    /// Code in the list, or the authentication details say MFA was denied.
    MfaDenied,
    Interactive,
    ClientAppIn(&'static [&'static str]),
    ProtocolIs(&'static str),
    And(&'static [Pred]),
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.len() >= needle.len()
        && hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

impl Pred {
    pub fn eval(&self, e: &Event<'_>) -> bool {
        match *self {
            Pred::Class(c) => e.class() == c,
            Pred::CodeIn(codes) => codes.contains(&e.code),
            Pred::MfaDenied => {
                MFA_FAILED_CODES.contains(&e.code)
                    || contains_ci(&e.additional_details, MFA_DENIED_TEXT)
                    || contains_ci(&e.mfa_result, MFA_DENIED_TEXT)
                    || e.steps
                        .iter()
                        .any(|s| contains_ci(&s.result_detail, MFA_DENIED_TEXT))
            }
            Pred::Interactive => e.interactive(),
            Pred::ClientAppIn(list) => list.contains(&e.client_app.as_ref()),
            Pred::ProtocolIs(p) => e.protocol.eq_ignore_ascii_case(p),
            Pred::And(ps) => ps.iter().all(|p| p.eval(e)),
        }
    }

    /// The condition in KQL over the normalised view (see [`COLUMNS`]).
    pub fn kql(&self) -> String {
        match *self {
            Pred::Class(Class::Success) => "Code == \"0\"".into(),
            Pred::Class(Class::Interrupt) => "Code in (Interrupts)".into(),
            Pred::Class(Class::Failure) => "Code != \"0\" and not(Code in (Interrupts))".into(),
            Pred::CodeIn(codes) => format!("Code in ({})", code_list(codes)),
            Pred::MfaDenied => "MfaDenied".into(),
            Pred::Interactive => "Kind == \"interactive\"".into(),
            Pred::ClientAppIn(list) => format!(
                "ClientApp in ({})",
                list.iter()
                    .map(|s| crate::kql::string(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Pred::ProtocolIs(p) => format!("Protocol =~ {}", crate::kql::string(p)),
            Pred::And(ps) => ps
                .iter()
                .map(|p| format!("({})", p.kql()))
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }
}

/// Codes as KQL string literals: `"50126", "50053"` (codes are strings in
/// Log Analytics; ordering operators would not work on them).
pub fn code_list(codes: &[u32]) -> String {
    codes
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

pub const FAILURES: Pred = Pred::Class(Class::Failure);
pub const INTERRUPTS: Pred = Pred::Class(Class::Interrupt);
pub const SUCCESSES: Pred = Pred::Class(Class::Success);
pub const SPRAY: Pred = Pred::CodeIn(PASSWORD_CODES);
pub const BRUTE_FORCE: Pred = Pred::CodeIn(BRUTE_FORCE_CODES);
pub const LOCKOUT: Pred = Pred::CodeIn(LOCKOUT_CODES);
pub const MFA_DENIED: Pred = Pred::MfaDenied;
pub const INTERACTIVE_SUCCESS: Pred = Pred::And(&[Pred::Class(Class::Success), Pred::Interactive]);
pub const LEGACY: Pred = Pred::ClientAppIn(LEGACY_CLIENTS);
pub const DEVICE_CODE: Pred = Pred::ProtocolIs(DEVICE_CODE_PROTOCOL);
pub const STALE: Pred = Pred::CodeIn(STALE_SESSION_CODES);

/// A breakdown of a failure code by one column of the normalised view.
#[derive(Debug, Clone, Copy)]
pub struct Dimension {
    /// The key in `--json` (`failures[].top.apps`) and the CSV.
    pub key: &'static str,
    /// The normalised view's column (KQL).
    pub column: &'static str,
    pub label: Bi,
}

/// Policies are the one many-valued dimension: the Conditional Access
/// policies whose result for the sign-in was `failure`.
pub const POLICY_DIMENSION: &str = "policies";

pub const DIMENSIONS: &[Dimension] = &[
    Dimension {
        key: "apps",
        column: "App",
        label: bi("app", "アプリ"),
    },
    Dimension {
        key: "resources",
        column: "Resource",
        label: bi("resource", "リソース"),
    },
    Dimension {
        key: "client_apps",
        column: "ClientApp",
        label: bi("client app", "クライアント アプリ"),
    },
    Dimension {
        key: "os",
        column: "Os",
        label: bi("OS", "OS"),
    },
    Dimension {
        key: "browsers",
        column: "Browser",
        label: bi("browser", "ブラウザー"),
    },
    Dimension {
        key: "device_trust",
        column: "TrustType",
        label: bi("device join type", "デバイスの参加の種類"),
    },
    Dimension {
        key: "compliant",
        column: "Compliant",
        label: bi("device compliant", "デバイスの準拠"),
    },
    Dimension {
        key: "countries",
        column: "Country",
        label: bi("country", "国/地域"),
    },
    Dimension {
        key: POLICY_DIMENSION,
        column: "Policy",
        label: bi("Conditional Access policy", "条件付きアクセス ポリシー"),
    },
];

/// The value of a single-valued dimension for one event.
pub fn dimension_value<'e>(e: &'e Event<'_>, key: &str) -> &'e str {
    match key {
        "apps" => app_of(e),
        "resources" => &e.resource,
        "client_apps" => &e.client_app,
        "os" => &e.os,
        "browsers" => &e.browser,
        "device_trust" => &e.trust_type,
        "compliant" => flag_text(e.compliant),
        "countries" => &e.country,
        _ => "",
    }
}

/// The app a sign-in was for; service-principal logs in Log Analytics name
/// it `ServicePrincipalName` only.
pub fn app_of<'e>(e: &'e Event<'_>) -> &'e str {
    if e.app.is_empty() && matches!(e.kind, Kind::ServicePrincipal | Kind::ManagedIdentity) {
        &e.sp_name
    } else {
        &e.app
    }
}

pub fn flag_text(f: Option<bool>) -> &'static str {
    match f {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}

/// Policy results that count as the policy refusing the sign-in.
pub const POLICY_BLOCKING_RESULTS: &[&str] = &["failure"];
/// Policy results counted in the Conditional Access impact: enforced
/// failures and report-only policies that would have refused or asked.
pub const POLICY_IMPACT_RESULTS: &[&str] =
    &["failure", "reportOnlyFailure", "reportOnlyInterrupted"];

/// A numeric setting of an analysis, settable with `--threshold NAME=VALUE`.
#[derive(Debug, Clone, Copy)]
pub struct Threshold {
    pub name: &'static str,
    pub default: i64,
    pub min: i64,
    pub doc: Bi,
}

pub const THRESHOLDS: &[Threshold] = &[
    Threshold { name: "top", default: 10, min: 1, doc: bi("rows in each ranking", "各ランキングの行数") },
    Threshold { name: "top-values", default: 5, min: 1, doc: bi("values listed per breakdown of a failure (apps, OS, …)", "失敗ごとの内訳 (アプリ、OS など) に表示する値の数") },
    Threshold { name: "spray-window-minutes", default: 20, min: 1, doc: bi("password spray: length of the window per IP address", "パスワード スプレー: IP アドレスごとの集計時間枠 (分)") },
    Threshold { name: "spray-min-users", default: 10, min: 2, doc: bi("password spray: distinct accounts with a password failure from one IP address in one window", "パスワード スプレー: 1 つの時間枠内に 1 つの IP アドレスからパスワードの失敗があったアカウント数の下限") },
    Threshold { name: "spray-max-attempts-per-user", default: 3, min: 1, doc: bi("password spray: at most this many attempts per account on average (more is brute force)", "パスワード スプレー: アカウントあたりの平均試行回数の上限 (これを超えると総当たり攻撃)") },
    Threshold { name: "brute-window-minutes", default: 60, min: 1, doc: bi("brute force: length of the window per account", "総当たり攻撃: アカウントごとの集計時間枠 (分)") },
    Threshold { name: "brute-min-attempts", default: 20, min: 2, doc: bi("brute force: wrong passwords for one account in one window", "総当たり攻撃: 1 つの時間枠内の 1 アカウントに対する誤ったパスワードの回数の下限") },
    Threshold { name: "lockout-window-minutes", default: 60, min: 1, doc: bi("lockout burst: length of the window per account", "ロックアウトの集中: アカウントごとの集計時間枠 (分)") },
    Threshold { name: "lockout-min-events", default: 5, min: 1, doc: bi("lockout burst: smart-lockout events for one account in one window", "ロックアウトの集中: 1 つの時間枠内の 1 アカウントのスマート ロックアウト件数の下限") },
    Threshold { name: "mfa-window-minutes", default: 10, min: 1, doc: bi("MFA fatigue: length of the window per account", "MFA 疲労攻撃: アカウントごとの集計時間枠 (分)") },
    Threshold { name: "mfa-min-denials", default: 5, min: 2, doc: bi("MFA fatigue: denied or unanswered MFA requests for one account in one window", "MFA 疲労攻撃: 1 つの時間枠内の 1 アカウントで拒否または未応答だった MFA 要求の件数の下限") },
    Threshold { name: "spike-bucket-minutes", default: 60, min: 1, doc: bi("spikes: length of one step of the time series", "急増: 時系列の 1 区間の長さ (分)") },
    Threshold { name: "spike-min-events", default: 20, min: 1, doc: bi("spikes: events of a code in one step before it can count as a spike", "急増: 急増とみなすために 1 区間に必要なコードの件数の下限") },
    Threshold { name: "spike-min-score", default: 6, min: 1, doc: bi("spikes: robust z-score (distance from the median in MADs) of a step", "急増: 区間のロバスト Z スコア (中央値からの距離を MAD 単位で表したもの) の下限") },
    Threshold { name: "kql-lookback-days", default: 30, min: 1, doc: bi("KQL: how many days back the queries read", "KQL: クエリが読み込む期間 (日数)") },
];

/// The thresholds in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    values: Vec<i64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            values: THRESHOLDS.iter().map(|t| t.default).collect(),
        }
    }
}

impl Thresholds {
    pub fn get(&self, name: &str) -> i64 {
        let i = THRESHOLDS
            .iter()
            .position(|t| t.name == name)
            .unwrap_or_else(|| panic!("no threshold named {name}"));
        self.values[i]
    }

    /// Sets `NAME=VALUE`; the error is in English and Japanese.
    pub fn set(&mut self, assignment: &str) -> Result<(), Bi2> {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(Bi2::new(
                format!("`{assignment}` is not NAME=VALUE"),
                format!("`{assignment}` は NAME=VALUE の形ではありません"),
            ));
        };
        let name = name.trim();
        let Some(i) = THRESHOLDS.iter().position(|t| t.name == name) else {
            let names = THRESHOLDS
                .iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Bi2::new(
                format!("unknown threshold `{name}` (known: {names})"),
                format!("しきい値 `{name}` は不明です (指定できるもの: {names})"),
            ));
        };
        let t = &THRESHOLDS[i];
        match value.trim().parse::<i64>() {
            Ok(v) if v >= t.min && v <= 1_000_000_000 => {
                self.values[i] = v;
                Ok(())
            }
            _ => Err(Bi2::new(
                format!(
                    "threshold `{name}` needs a whole number of at least {}",
                    t.min
                ),
                format!(
                    "しきい値 `{name}` には {} 以上の整数を指定してください",
                    t.min
                ),
            )),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static Threshold, i64)> + '_ {
        THRESHOLDS.iter().zip(self.values.iter().copied())
    }

    pub fn minutes(&self, name: &str) -> i64 {
        self.get(name) * 60
    }
}

/// A message in both languages, built at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bi2 {
    pub en: String,
    pub ja: String,
}

impl Bi2 {
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Bi2 {
        Bi2 {
            en: en.into(),
            ja: ja.into(),
        }
    }

    pub fn get(&self, ja: bool) -> &str {
        if ja {
            &self.ja
        } else {
            &self.en
        }
    }
}

/// A Log Analytics table of sign-ins, and how its columns differ.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub kind: Kind,
    /// `Status`, `DeviceDetail`, `LocationDetails` and
    /// `ConditionalAccessPolicies` are `dynamic` here, JSON text elsewhere.
    pub dynamic_columns: bool,
    /// A user table (UPN, device, client app, MFA) or an app table.
    pub user: bool,
}

pub const TABLES: &[Table] = &[
    Table {
        name: "SigninLogs",
        kind: Kind::Interactive,
        dynamic_columns: true,
        user: true,
    },
    Table {
        name: "AADNonInteractiveUserSignInLogs",
        kind: Kind::NonInteractive,
        dynamic_columns: false,
        user: true,
    },
    Table {
        name: "AADServicePrincipalSignInLogs",
        kind: Kind::ServicePrincipal,
        dynamic_columns: false,
        user: false,
    },
    Table {
        name: "AADManagedIdentitySignInLogs",
        kind: Kind::ManagedIdentity,
        dynamic_columns: false,
        user: false,
    },
];

impl Table {
    /// A JSON column as `dynamic`: as it is, or parsed from its text.
    pub fn dynamic(&self, column: &str) -> String {
        if self.dynamic_columns {
            column.to_string()
        } else {
            format!("todynamic({column})")
        }
    }
}

/// One column of the normalised view every KQL query starts from, with its
/// expression per table; the Rust side reads the same value from
/// [`Event`] (see `column_value`).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub expr: fn(&Table) -> String,
}

fn user_expr(t: &Table) -> String {
    if t.user {
        "iff(isempty(UserPrincipalName), UserId, tolower(UserPrincipalName))".into()
    } else {
        "iff(isempty(ServicePrincipalId), ServicePrincipalName, ServicePrincipalId)".into()
    }
}

fn device_field(t: &Table, field: &str) -> String {
    if t.user {
        format!("tostring({}.{field})", t.dynamic("DeviceDetail"))
    } else {
        "\"\"".into()
    }
}

pub const COLUMNS: &[Column] = &[
    Column {
        name: "TimeGenerated",
        expr: |_| "TimeGenerated".into(),
    },
    Column {
        name: "Kind",
        expr: |t| format!("\"{}\"", t.kind.key()),
    },
    Column {
        name: "Id",
        expr: |_| "Id".into(),
    },
    Column {
        name: "CorrelationId",
        expr: |_| "CorrelationId".into(),
    },
    Column {
        name: "User",
        expr: user_expr,
    },
    Column {
        name: "App",
        expr: |t| {
            if t.user {
                "AppDisplayName".into()
            } else {
                "ServicePrincipalName".into()
            }
        },
    },
    Column {
        name: "Resource",
        expr: |_| "ResourceDisplayName".into(),
    },
    Column {
        name: "ClientApp",
        expr: |t| {
            if t.user {
                "ClientAppUsed".into()
            } else {
                "\"\"".into()
            }
        },
    },
    Column {
        name: "Os",
        expr: |t| device_field(t, "operatingSystem"),
    },
    Column {
        name: "Browser",
        expr: |t| device_field(t, "browser"),
    },
    Column {
        name: "TrustType",
        expr: |t| device_field(t, "trustType"),
    },
    Column {
        name: "Compliant",
        expr: |t| device_field(t, "isCompliant"),
    },
    Column {
        name: "DeviceName",
        expr: |t| device_field(t, "displayName"),
    },
    Column {
        name: "DeviceId",
        expr: |t| device_field(t, "deviceId"),
    },
    Column {
        name: "Country",
        expr: |t| {
            let c = format!("tostring({}.countryOrRegion)", t.dynamic("LocationDetails"));
            format!("iff(isempty({c}), Location, {c})")
        },
    },
    Column {
        name: "Ip",
        expr: |_| "IPAddress".into(),
    },
    Column {
        name: "Code",
        expr: |_| "ResultType".into(),
    },
    Column {
        name: "Reason",
        expr: |_| "ResultDescription".into(),
    },
    Column {
        name: "Protocol",
        expr: |t| {
            if t.user {
                "AuthenticationProtocol".into()
            } else {
                "\"\"".into()
            }
        },
    },
    Column {
        name: "Policies",
        expr: |t| t.dynamic("ConditionalAccessPolicies"),
    },
    Column {
        name: "MfaDenied",
        expr: |t| {
            if t.user {
                format!(
                    "ResultType in ({}) or AuthenticationDetails contains {} or tostring({}.additionalDetails) contains {}",
                    code_list(MFA_FAILED_CODES),
                    crate::kql::string(MFA_DENIED_TEXT),
                    t.dynamic("Status"),
                    crate::kql::string(MFA_DENIED_TEXT)
                )
            } else {
                "false".into()
            }
        },
    },
];

/// The Rust value of a normalised column (for tests that compare the two).
pub fn column_value(e: &Event<'_>, column: &str) -> String {
    match column {
        "Kind" => e.kind.key().into(),
        "Id" => e.id.to_string(),
        "CorrelationId" => e.correlation_id.to_string(),
        "User" => crate::aggregate::principal_key(e),
        "App" => app_of(e).into(),
        "Resource" => e.resource.to_string(),
        "ClientApp" => e.client_app.to_string(),
        "Os" => e.os.to_string(),
        "Browser" => e.browser.to_string(),
        "TrustType" => e.trust_type.to_string(),
        "Compliant" => flag_text(e.compliant).into(),
        "DeviceName" => e.device_name.to_string(),
        "DeviceId" => e.device_id.to_string(),
        "Country" => e.country.to_string(),
        "Ip" => e.ip.to_string(),
        "Code" => e.code.to_string(),
        "Reason" => e.failure_reason.to_string(),
        "Protocol" => e.protocol.to_string(),
        "MfaDenied" => MFA_DENIED.eval(e).to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupt_codes_are_sorted_and_classified() {
        assert!(INTERRUPT_CODES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(INTERRUPT_CODES.len(), 26);
        assert_eq!(class_of(0), Class::Success);
        assert_eq!(class_of(50074), Class::Interrupt);
        assert_eq!(class_of(50140), Class::Interrupt);
        assert_eq!(class_of(50126), Class::Failure);
        assert_eq!(class_of(53003), Class::Failure);
    }

    #[test]
    fn thresholds_parse_and_refuse() {
        let mut t = Thresholds::default();
        assert_eq!(t.get("spray-min-users"), 10);
        t.set("spray-min-users=5").unwrap();
        assert_eq!(t.get("spray-min-users"), 5);
        assert!(t.set("spray-min-users=1").is_err());
        assert!(t.set("nonsense=3").unwrap_err().en.contains("known:"));
        assert!(t.set("top").is_err());
        assert!(t.set("top=abc").is_err());
    }

    #[test]
    fn predicates_in_kql() {
        assert_eq!(
            SPRAY.kql(),
            "Code in (\"50034\", \"50053\", \"50055\", \"50056\", \"50126\")"
        );
        assert_eq!(
            INTERACTIVE_SUCCESS.kql(),
            "(Code == \"0\") and (Kind == \"interactive\")"
        );
        assert_eq!(DEVICE_CODE.kql(), "Protocol =~ \"deviceCode\"");
    }
}
