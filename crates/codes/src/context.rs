//! Codes in context: which program printed a line, and what that and the
//! code's own structure say about the layer of a code that no table gives
//! one.
//!
//! A code that the curated tables, the Windows headers' names or its
//! facility place in a layer keeps that layer. One that none of them place
//! (`E_FAIL`, a COM class error, `ERROR_ACCESS_DENIED` wrapped in an
//! HRESULT, an unnamed `NTE` value) still says something through where it
//! was printed: a line of the Windows token broker or of the MSAL runtime
//! that drives it points at the broker, a Git Credential Manager line at its
//! credential store or at the broker depending on how it signs in, a PAM or
//! identity-broker line on Linux at the Linux broker. Such a layer is
//! weaker evidence than a code's own, and [`LayerHint::factor`] says how much
//! weaker; [`LayerHint::reason`] says why, in both languages.

use crate::interpret::{Interpretation, Kind, Structure};
use crate::layer::Layer;
use crate::text::{Message, Text};
use std::sync::LazyLock;

/// A program or log whose lines carry sign-in codes, recognised by the
/// marks it leaves on them (module names, log prefixes, commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The Windows token broker: Web Account Manager and the MSAL runtime
    /// (`msalruntime`) that apps use to reach it (`[MSAL:0003]`,
    /// `[WamBroker]`, `msal.broker`, `WAM Error`, `TokenBroker`).
    WindowsBroker,
    /// Microsoft Identity Broker on Linux and the apps that use it
    /// (`microsoft-identity-broker`, `intune-portal`, OneAuth).
    LinuxBroker,
    /// A PAM module and the identity daemon behind it on Linux
    /// (`pam_himmelblau`, `himmelblaud`, `sssd`, `aad-tool`).
    LinuxPam,
    /// Git Credential Manager signing in through the operating system's broker.
    GcmBroker,
    /// Git Credential Manager keeping credentials in its own store.
    GcmStore,
    /// Git Credential Manager, the text not saying how it signs in.
    Gcm,
    AzureCli,
    AzurePowerShell,
    GraphPowerShell,
    /// An MSAL library without the broker (`msal.application`, `MsalServiceException`).
    Msal,
    /// A browser's address bar: the OAuth error in a redirect URL.
    BrowserRedirect,
    /// Device registration in Microsoft Entra ID: `dsregcmd` and the User
    /// Device Registration event log.
    DeviceRegistration,
}

impl Source {
    const ALL: [Source; 12] = [
        Source::WindowsBroker,
        Source::LinuxBroker,
        Source::LinuxPam,
        Source::GcmBroker,
        Source::GcmStore,
        Source::Gcm,
        Source::AzureCli,
        Source::AzurePowerShell,
        Source::GraphPowerShell,
        Source::Msal,
        Source::BrowserRedirect,
        Source::DeviceRegistration,
    ];

    /// A stable id (JSON, tests).
    pub fn id(self) -> &'static str {
        match self {
            Source::WindowsBroker => "windows-broker",
            Source::LinuxBroker => "linux-broker",
            Source::LinuxPam => "linux-pam",
            Source::GcmBroker => "gcm-broker",
            Source::GcmStore => "gcm-store",
            Source::Gcm => "gcm",
            Source::AzureCli => "azure-cli",
            Source::AzurePowerShell => "azure-powershell",
            Source::GraphPowerShell => "graph-powershell",
            Source::Msal => "msal",
            Source::BrowserRedirect => "browser-redirect",
            Source::DeviceRegistration => "device-registration",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Source::WindowsBroker => Text::new(
                "the Windows token broker (WAM and the MSAL runtime)",
                "Windows のトークン ブローカー (WAM と MSAL ランタイム)",
            ),
            Source::LinuxBroker => Text::new(
                "Microsoft Identity Broker on Linux",
                "Linux 版 Microsoft Identity Broker",
            ),
            Source::LinuxPam => Text::new(
                "a PAM module and its identity daemon on Linux",
                "Linux の PAM モジュールと ID デーモン",
            ),
            Source::GcmBroker => Text::new(
                "Git Credential Manager signing in through the broker",
                "ブローカー経由でサインインする Git Credential Manager",
            ),
            Source::GcmStore => Text::new(
                "Git Credential Manager and its credential store",
                "Git Credential Manager とその資格情報ストア",
            ),
            Source::Gcm => Text::new("Git Credential Manager", "Git Credential Manager"),
            Source::AzureCli => Text::new("Azure CLI", "Azure CLI"),
            Source::AzurePowerShell => Text::new("Azure PowerShell", "Azure PowerShell"),
            Source::GraphPowerShell => {
                Text::new("Microsoft Graph PowerShell", "Microsoft Graph PowerShell")
            }
            Source::Msal => Text::new("an MSAL library", "MSAL ライブラリ"),
            Source::BrowserRedirect => {
                Text::new("a browser redirect URL", "ブラウザーのリダイレクト URL")
            }
            Source::DeviceRegistration => Text::new(
                "device registration (dsregcmd or its event log)",
                "デバイス登録 (dsregcmd またはそのイベント ログ)",
            ),
        }
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of [`Source`]s, as found on a line or in a whole text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sources(u16);

impl Sources {
    pub const NONE: Sources = Sources(0);

    pub fn contains(self, s: Source) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn insert(&mut self, s: Source) {
        self.0 |= s.bit();
    }

    pub fn union(self, other: Sources) -> Sources {
        Sources(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Source> {
        Source::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// The one source that decides the layer of a code printed here: Git
    /// Credential Manager in the mode the text names (its broker mode when
    /// a broker's marks are there too), then the brokers, then PAM, then
    /// the tools that call them.
    pub fn main(self) -> Option<Source> {
        let has = |s| self.contains(s);
        if has(Source::Gcm) {
            return Some(
                if has(Source::GcmBroker) || has(Source::WindowsBroker) || has(Source::LinuxBroker)
                {
                    Source::GcmBroker
                } else if has(Source::GcmStore) {
                    Source::GcmStore
                } else {
                    Source::Gcm
                },
            );
        }
        [
            Source::LinuxBroker,
            Source::WindowsBroker,
            Source::LinuxPam,
            Source::AzurePowerShell,
            Source::GraphPowerShell,
            Source::AzureCli,
            Source::Msal,
            Source::DeviceRegistration,
            Source::BrowserRedirect,
        ]
        .into_iter()
        .find(|s| has(*s))
    }
}

/// The marks each source leaves, matched without regard to ASCII case.
/// Each is specific enough that a line of another program does not carry it.
const MARKERS: &[(&str, &[Source])] = &[
    // MSAL runtime and WAM on Windows (the MSAL runtime's thread tag
    // `[MSAL:0003]` is also printed on Linux: the Linux broker's own marks
    // then take precedence in `Sources::main`).
    ("msalruntime", &[Source::WindowsBroker]),
    ("msal runtime", &[Source::WindowsBroker]),
    ("[msal:0", &[Source::WindowsBroker]),
    ("msal.broker", &[Source::WindowsBroker]),
    ("wambroker", &[Source::WindowsBroker]),
    ("wam broker", &[Source::WindowsBroker]),
    ("runtimebroker", &[Source::WindowsBroker]),
    ("wamadapters", &[Source::WindowsBroker]),
    ("wam error", &[Source::WindowsBroker]),
    ("wam_", &[Source::WindowsBroker]),
    ("web account manager", &[Source::WindowsBroker]),
    ("webaccountmanager", &[Source::WindowsBroker]),
    ("tokenbroker", &[Source::WindowsBroker]),
    ("brokerplugin", &[Source::WindowsBroker]),
    ("microsoft-windows-aad", &[Source::WindowsBroker]),
    ("unknown_broker_error", &[Source::WindowsBroker]),
    ("broker_error_location", &[Source::WindowsBroker]),
    ("api_error_code", &[Source::WindowsBroker]),
    ("api_error_tag", &[Source::WindowsBroker]),
    ("statusinternal::", &[Source::WindowsBroker]),
    ("response_status.status_", &[Source::WindowsBroker]),
    ("signininteractively", &[Source::WindowsBroker]),
    ("acquiretokensilently", &[Source::WindowsBroker]),
    // Microsoft Identity Broker on Linux and its clients.
    ("microsoft-identity-broker", &[Source::LinuxBroker]),
    ("microsoft-identity-device-broker", &[Source::LinuxBroker]),
    ("linux_devicebroker", &[Source::LinuxBroker]),
    ("identity-broker", &[Source::LinuxBroker]),
    ("intune-portal", &[Source::LinuxBroker]),
    ("oneauth", &[Source::LinuxBroker]),
    ("linuxbroker", &[Source::LinuxBroker]),
    ("com.microsoft.identity", &[Source::LinuxBroker]),
    // PAM and the identity daemons behind it.
    ("pam_", &[Source::LinuxPam]),
    ("himmelblau", &[Source::LinuxPam]),
    ("sssd", &[Source::LinuxPam]),
    ("aad-tool", &[Source::LinuxPam]),
    ("authd", &[Source::LinuxPam]),
    ("pam authenticate", &[Source::LinuxPam]),
    // Git Credential Manager, and what says how it signs in.
    ("git-credential-manager", &[Source::Gcm]),
    ("git credential manager", &[Source::Gcm]),
    ("credential-manager-core", &[Source::Gcm]),
    ("gcm_trace", &[Source::Gcm]),
    ("gcm.exe", &[Source::Gcm]),
    ("credential.azrepos", &[Source::Gcm]),
    ("ftauthentication.cs", &[Source::Gcm]),
    ("gettokenforuserasync", &[Source::Gcm]),
    ("gitcredentialmanager", &[Source::Gcm]),
    ("msauthusebroker", &[Source::Gcm, Source::GcmBroker]),
    ("gcm_credential_store", &[Source::Gcm, Source::GcmStore]),
    (
        "credential.credentialstore",
        &[Source::Gcm, Source::GcmStore],
    ),
    ("windowscredentialmanager", &[Source::Gcm, Source::GcmStore]),
    ("item to store", &[Source::Gcm, Source::GcmStore]),
    // How it signs in, when a GCM mark is there too.
    ("using broker", &[Source::GcmBroker]),
    ("credentialstore", &[Source::GcmStore]),
    ("credential store", &[Source::GcmStore]),
    ("secretservice", &[Source::GcmStore]),
    ("wincredman", &[Source::GcmStore]),
    ("dpapi", &[Source::GcmStore]),
    ("gpg", &[Source::GcmStore]),
    // Azure CLI, Azure PowerShell, Microsoft Graph PowerShell.
    ("az login", &[Source::AzureCli]),
    ("azure cli", &[Source::AzureCli]),
    ("azure-cli", &[Source::AzureCli]),
    ("cli.azure.cli", &[Source::AzureCli]),
    ("azclierror", &[Source::AzureCli]),
    ("connect-azaccount", &[Source::AzurePowerShell]),
    ("az.accounts", &[Source::AzurePowerShell]),
    ("azure powershell", &[Source::AzurePowerShell]),
    ("connect-mggraph", &[Source::GraphPowerShell]),
    ("microsoft.graph.authentication", &[Source::GraphPowerShell]),
    // MSAL libraries.
    ("msal.application", &[Source::Msal]),
    ("msalclientexception", &[Source::Msal]),
    ("msalserviceexception", &[Source::Msal]),
    ("msaluirequiredexception", &[Source::Msal]),
    ("@azure/msal", &[Source::Msal]),
    ("msal4j", &[Source::Msal]),
    ("msal.net", &[Source::Msal]),
    // Device registration: its command, its event log, its test names.
    ("dsregcmd", &[Source::DeviceRegistration]),
    ("user device registration", &[Source::DeviceRegistration]),
    ("drs discovery", &[Source::DeviceRegistration]),
    ("isdcavailable", &[Source::DeviceRegistration]),
    ("azureadjoined", &[Source::DeviceRegistration]),
    ("domainjoined", &[Source::DeviceRegistration]),
    ("workplacejoined", &[Source::DeviceRegistration]),
    // A redirect URL with the OAuth error in its query or fragment.
    ("error_description=", &[Source::BrowserRedirect]),
    ("?error=", &[Source::BrowserRedirect]),
    ("&error=", &[Source::BrowserRedirect]),
    ("#error=", &[Source::BrowserRedirect]),
];

static MARKER_MATCHER: LazyLock<m365doctor_text::tiered::Tiered> = LazyLock::new(|| {
    let mut builder = aho_corasick::AhoCorasick::builder();
    builder.ascii_case_insensitive(true);
    m365doctor_text::tiered::Tiered::new(builder, MARKERS.iter().map(|(m, _)| m))
});

/// The sources whose marks a text (a line or a whole input) carries.
pub fn sources_in(text: &str) -> Sources {
    let mut found = Sources::NONE;
    for m in MARKER_MATCHER.get(text.len()).find_overlapping_iter(text) {
        for &source in MARKERS[m.pattern().as_usize()].1 {
            found.insert(source);
        }
    }
    found
}

/// Where a [`LayerHint`]'s layer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HintBasis {
    /// The code's own layer (curated table, header name, wrapped code,
    /// facility or AADSTS range), as `explain` gives it.
    Code,
    /// The code's structure: a group of Win32 errors or a facility that no
    /// single name places (`WSAEHOSTUNREACH`, an unnamed `NTE` value).
    Structure,
    /// The code's meaning read in the program that printed it (access
    /// denied in a credential store, an RPC server the broker needs).
    Meaning,
    /// Only the program that printed it; the code itself is generic
    /// (`E_FAIL`, a COM class error) or unknown.
    Source,
}

impl HintBasis {
    pub fn id(self) -> &'static str {
        match self {
            HintBasis::Code => "code",
            HintBasis::Structure => "structure",
            HintBasis::Meaning => "meaning",
            HintBasis::Source => "source",
        }
    }
}

/// The layer a code points at in its context, how strongly, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerHint {
    pub layer: Layer,
    /// The share of the finding's confidence that goes to this layer: 1 for
    /// the code's own layer, less for one read from structure or context.
    pub factor: f64,
    pub basis: HintBasis,
    /// The program whose line it was, when that counted.
    pub source: Option<Source>,
    pub reason: Message,
}

/// How much less a source counts when only other lines of the text carry
/// its marks, not the code's own line.
const ELSEWHERE: f64 = 0.75;

/// The layer of a decoded code in its context: `line` are the sources
/// marked on the code's own line, `text` those of the whole input, `apps`
/// the apps the input names (knowledge-base ids).
pub fn layer_hint(
    i: &Interpretation,
    line: Sources,
    text: Sources,
    apps: &[&str],
) -> Option<LayerHint> {
    let own = i.layer.map(|layer| LayerHint {
        layer,
        factor: 1.0,
        basis: HintBasis::Code,
        source: None,
        reason: i.reason.clone(),
    });
    // A meaning written for certain apps (0x80070005 in Office activation)
    // does not hold in another program's line when the code's own meaning
    // there says more (access denied to GCM's credential store).
    let app_specific = !i.apps.is_empty()
        && !i.apps.iter().any(|a| apps.contains(a))
        && line.union(text).main().is_some();
    if own.is_some() && !app_specific {
        return own;
    }
    match in_context(i, line, text) {
        Some(h) if own.is_none() || h.basis == HintBasis::Meaning => Some(h),
        _ => own,
    }
}

/// The layer read from structure or context, for a code without its own.
fn in_context(i: &Interpretation, line: Sources, text: Sources) -> Option<LayerHint> {
    let code = display(i);
    if let Some((layer, what)) = structure_layer(i) {
        return Some(LayerHint {
            layer,
            factor: 0.7,
            basis: HintBasis::Structure,
            source: None,
            reason: Message::new(
                format!(
                    "No table gives {code} a layer of its own; {} points at {}.",
                    what.en,
                    layer.label().en
                ),
                format!(
                    "{code} に固有のレイヤーはありませんが、{}ため「{}」が考えられます。",
                    what.ja,
                    layer.label().ja
                ),
            ),
        });
    }
    let source = line.union(text).main()?;
    let on_line = line.main() == Some(source)
        || (matches!(source, Source::GcmBroker | Source::GcmStore) && line.contains(Source::Gcm));
    let place = if on_line { 1.0 } else { ELSEWHERE };
    let (layer, factor, basis, why) = source_layer(i, source)?;
    let label = source.label();
    let (where_en, where_ja) = if on_line {
        ("on a line of", "の行に出力されています")
    } else {
        ("in a text from", "のテキストに含まれています")
    };
    Some(LayerHint {
        layer,
        factor: factor * place,
        basis,
        source: Some(source),
        reason: Message::new(
            format!(
                "No table gives {code} a layer of its own; it was printed {where_en} {}, and {} points at {}.",
                label.en,
                why.en,
                layer.label().en
            ),
            format!(
                "{code} に固有のレイヤーはありません。{}{where_ja}。{}ため「{}」が考えられます。",
                label.ja,
                why.ja,
                layer.label().ja
            ),
        ),
    })
}

/// `0x80004005 (E_FAIL)`, `AADSTS50999`.
fn display(i: &Interpretation) -> String {
    match i.names.first() {
        Some(n) => format!("{} ({})", i.normalized, n.name),
        None => i.normalized.clone(),
    }
}

/// The Win32 error a value carries: itself when small, the low word of an
/// HRESULT_FROM_WIN32 value.
fn win32_code(i: &Interpretation) -> Option<u32> {
    match (&i.structure, i.kind) {
        (Structure::Small { code, .. }, Kind::Win32) => Some(*code),
        (Structure::HResult { fields, .. }, _) if fields.facility == 7 && fields.severity == 1 => {
            Some(u32::from(fields.code))
        }
        _ => None,
    }
}

/// Win32 errors of reachability whose names carry none of the words
/// `crate::interpret` reads a layer from (`WSAEHOSTUNREACH`, `WSATRY_AGAIN`).
fn is_reachability_error(code: u32) -> bool {
    matches!(code,
        // ERROR_NETWORK_UNREACHABLE, ERROR_HOST_UNREACHABLE,
        // ERROR_PROTOCOL_UNREACHABLE, ERROR_PORT_UNREACHABLE.
        1231..=1234
        // ERROR_BAD_NETPATH, ERROR_NETNAME_DELETED, ERROR_REM_NOT_LIST,
        // ERROR_BAD_NET_NAME, ERROR_NO_NET_OR_BAD_PATH, ERROR_NO_NETWORK.
        | 53 | 64 | 51 | 67 | 1203 | 1222
        // Winsock: network down or unreachable, connection reset or
        // aborted, timed out, refused, host down or unreachable.
        | 10050..=10054 | 10060 | 10061 | 10064 | 10065
        // WSAHOST_NOT_FOUND, WSATRY_AGAIN, WSANO_RECOVERY, WSANO_DATA.
        | 11001..=11004)
}

/// Windows services and RPC endpoints that did not answer: for a broker,
/// its own service (TokenBroker, the AAD plug-in's host) not running.
fn is_service_unreachable(code: u32) -> bool {
    matches!(
        code,
        // ERROR_SERVICE_DISABLED, ERROR_SERVICE_NOT_ACTIVE, RPC_S_UNKNOWN_IF,
        // RPC_S_SERVER_UNAVAILABLE, RPC_S_SERVER_TOO_BUSY, RPC_S_CALL_FAILED,
        // EPT_S_NOT_REGISTERED.
        1058 | 1062 | 1717 | 1722 | 1723 | 1726 | 1753
    )
}

/// Names of generic COM and RPC failures: they say that a component
/// failed, not which.
fn is_generic_com(i: &Interpretation) -> bool {
    const GENERIC: &[&str] = &[
        "E_FAIL",
        "E_UNEXPECTED",
        "E_NOTIMPL",
        "E_NOINTERFACE",
        "E_POINTER",
        "E_ABORT",
        "E_HANDLE",
        "E_OUTOFMEMORY",
        "E_INVALIDARG",
    ];
    const PREFIXES: &[&str] = &[
        "CO_E_", "CLASS_E_", "REGDB_E_", "RPC_E_", "OLE_E_", "DISP_E_",
    ];
    i.kind == Kind::HResult
        && i.names
            .iter()
            .any(|n| GENERIC.contains(&n.name) || PREFIXES.iter().any(|p| n.name.starts_with(p)))
}

/// A layer from the code's structure alone, when no name or facility
/// rule of `crate::interpret` gave one.
fn structure_layer(i: &Interpretation) -> Option<(Layer, Text)> {
    if let Some(code) = win32_code(i) {
        if is_reachability_error(code) {
            return Some((
                Layer::Network,
                Text::new(
                    "its Win32 error says a host or network could not be reached",
                    "Win32 エラーがホストまたはネットワークに到達できないことを示している",
                ),
            ));
        }
    }
    if let Structure::HResult { fields, .. } = &i.structure {
        // FACILITY_HTTP 0x8019: an HTTP request answered with a status it
        // did not expect (its low word is the status when 100-599); the
        // server's own failures (5xx) are on the service's side. MDM
        // registration reuses the facility for its own codes, which name
        // no HTTP status.
        let http = i.names.iter().any(|n| n.name.starts_with("HTTP_E_STATUS_"));
        if fields.severity == 1 && fields.facility == 0x19 && http {
            let code = fields.code;
            return Some(if (500..600).contains(&code) {
                (
                    Layer::Service,
                    Text::new(
                        "its value, an HTTP 5xx status (FACILITY_HTTP: the server failed),",
                        "値が FACILITY_HTTP の HTTP 5xx 状態 (サーバー側の障害) である",
                    ),
                )
            } else {
                (
                    Layer::Network,
                    Text::new(
                        "its value, an answer to an HTTP request that the app did not expect (FACILITY_HTTP; often from a proxy or gateway on the way),",
                        "値が HTTP 要求に想定外の応答が返ったこと (FACILITY_HTTP) を示しており、途中のプロキシやゲートウェイが原因のことが多い",
                    ),
                )
            });
        }
        // FACILITY_SSPI 0x8009: the NTE_ values of the key storage providers
        // start at 0x80090001; the named ones carry NTE_ already.
        if fields.severity == 1 && fields.facility == 9 && (1..0x100).contains(&fields.code) {
            return Some((
                Layer::Tpm,
                Text::new(
                    "its value is in the key storage providers' NTE range (0x800900xx)",
                    "値がキー記憶域プロバイダーの NTE の範囲 (0x800900xx) にある",
                ),
            ));
        }
    }
    None
}

/// The layer a code without one points at, given the program that printed
/// it: (layer, factor, basis, why).
fn source_layer(i: &Interpretation, source: Source) -> Option<(Layer, f64, HintBasis, Text)> {
    let broker = matches!(
        source,
        Source::WindowsBroker | Source::LinuxBroker | Source::GcmBroker
    );
    let win32 = win32_code(i);
    if broker && win32.is_some_and(is_service_unreachable) {
        return Some((
            Layer::WamBroker,
            0.6,
            HintBasis::Meaning,
            Text::new(
                "a service or RPC endpoint that the broker calls did not answer, which",
                "ブローカーが呼び出すサービスまたは RPC エンドポイントが応答していない",
            ),
        ));
    }
    if win32 == Some(5) {
        let (layer, en, ja) = match source {
            Source::GcmStore | Source::Gcm => (
                Layer::CredentialStore,
                "access to the stored credentials was denied, which",
                "保存された資格情報へのアクセスが拒否されている",
            ),
            _ if broker || source == Source::LinuxPam => (
                Layer::WamBroker,
                "the broker was denied access to its own data or to the account, which",
                "ブローカーが自身のデータまたはアカウントへのアクセスを拒否されている",
            ),
            _ => return None,
        };
        return Some((layer, 0.55, HintBasis::Meaning, Text::new(en, ja)));
    }
    let generic = is_generic_com(i);
    let (layer, factor) = match source {
        Source::DeviceRegistration => (Layer::DeviceRegistration, 0.5),
        Source::WindowsBroker | Source::LinuxBroker => (Layer::WamBroker, 0.5),
        Source::GcmBroker => (Layer::WamBroker, 0.45),
        Source::LinuxPam => (Layer::WamBroker, 0.4),
        Source::GcmStore => (Layer::CredentialStore, 0.45),
        Source::Gcm => (Layer::CredentialStore, 0.3),
        _ => return None,
    };
    let why = if generic {
        Text::new(
            "the code is a generic COM or RPC failure, so only the program that printed it says where it failed, which",
            "コード自体は汎用の COM または RPC のエラーで、どこで失敗したかは出力したプログラムからしか分からない",
        )
    } else {
        Text::new(
            "the program that printed it",
            "このプログラムが出力したコードである",
        )
    };
    // A generic failure says less than an unknown specific code.
    let factor = if generic { factor - 0.1 } else { factor };
    Some((layer, factor, HintBasis::Source, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(code: &str, apps: &[&str]) -> Interpretation {
        crate::explain_in(code, apps).unwrap()[0].interpretations[0].clone()
    }

    fn hint(code: &str, line: &str, text: &str) -> Option<LayerHint> {
        layer_hint(&best(code, &[]), sources_in(line), sources_in(text), &[])
    }

    #[test]
    fn sources_from_the_marks_of_a_line() {
        let of = |line: &str| sources_in(line).main();
        assert_eq!(
            of("DEBUG: msal.broker: [MSAL:0002]\tERROR\tErrorInternalImpl:134\tCreated an error"),
            Some(Source::WindowsBroker)
        );
        assert_eq!(
            of("Jan 09 17:28:32 host microsoft-identity-device-broker[18804]: [MSAL:0002] ERROR"),
            Some(Source::LinuxBroker)
        );
        assert_eq!(
            of("Jul 01 21:41:54 node himmelblaud[17499]: ERROR pam authenticate step"),
            Some(Source::LinuxPam)
        );
        assert_eq!(
            of("14:50:29.391517 ...ftAuthentication.cs:250 trace: [GetTokenForUserAsync] Using broker to acquire a token"),
            Some(Source::GcmBroker)
        );
        assert_eq!(
            of("fatal: Failed to write item to store. [0x8]"),
            Some(Source::GcmStore)
        );
        assert_eq!(
            of("PS> Connect-MgGraph -Scopes User.Read"),
            Some(Source::GraphPowerShell)
        );
        assert_eq!(
            of("https://localhost/?error=access_denied&error_description=AADSTS50105"),
            Some(Source::BrowserRedirect)
        );
        // A broker mark beside GCM's is GCM in its broker mode.
        assert_eq!(
            sources_in("git-credential-manager: WAM Error").main(),
            Some(Source::GcmBroker)
        );
        // Words of other programs and plain prose carry no mark.
        for line in [
            "2026-11-20 09:12:33 INFO Connecting to 192.0.2.10:443",
            "I cannot sign in to Teams since yesterday",
            "apt-get install gnupg",
            "The broker of our office lease called",
        ] {
            assert_eq!(of(line), None, "{line}");
        }
    }

    #[test]
    fn a_code_with_its_own_layer_keeps_it() {
        let h = hint("0xCAA70004", "[WamBroker] Could not login", "").unwrap();
        assert_eq!(
            (h.layer, h.basis, h.factor),
            (Layer::ProxyTls, HintBasis::Code, 1.0)
        );
        let h = hint("0x80072EE7", "fatal: item to store", "").unwrap();
        assert_eq!((h.layer, h.basis), (Layer::Network, HintBasis::Code));
    }

    #[test]
    fn generic_com_failures_in_a_broker_line_point_at_the_broker_weakly() {
        // `az login` through pymsalruntime: E_FAIL in decimal.
        let line = "ERROR: (pii). Status: Response_Status.Status_Unexpected, Error code: 2147500037, Tag: 508638823";
        let h = hint("2147500037", line, line).unwrap();
        assert_eq!(h.layer, Layer::WamBroker);
        assert_eq!(h.basis, HintBasis::Source);
        assert_eq!(h.source, Some(Source::WindowsBroker));
        assert!(h.factor > 0.0 && h.factor < 0.5, "{}", h.factor);
        assert!(h.reason.en.contains("generic COM"), "{}", h.reason.en);
        assert!(h.reason.ja.contains("汎用"), "{}", h.reason.ja);
        // A COM class error the same way.
        let h = hint(
            "0x80040154",
            "[WamBroker] Could not login interactively",
            "",
        )
        .unwrap();
        assert_eq!((h.layer, h.basis), (Layer::WamBroker, HintBasis::Source));
        // The same code without any program's mark gets no layer.
        assert_eq!(
            hint("0x80004005", "Error 0x80004005", "Error 0x80004005"),
            None
        );
    }

    #[test]
    fn the_program_on_other_lines_counts_less() {
        let text = "msal.broker: [MSAL:0002] INFO start\nsomething failed: 0x80004005";
        let line = hint("0x80004005", "something failed: 0x80004005", text).unwrap();
        let own = hint("0x80004005", "msal.broker: failed: 0x80004005", text).unwrap();
        assert_eq!(line.layer, Layer::WamBroker);
        assert!(line.factor < own.factor);
        assert!(
            line.reason.en.contains("in a text from"),
            "{}",
            line.reason.en
        );
    }

    #[test]
    fn wrapped_win32_meaning_in_its_program() {
        // Access denied: the credential store in GCM's store mode, the broker in a broker line.
        let gcm = "fatal: Failed to write item to store. [0x80070005]";
        let h = hint("0x80070005", gcm, gcm).unwrap();
        assert_eq!(
            (h.layer, h.basis),
            (Layer::CredentialStore, HintBasis::Meaning)
        );
        let wam = "[WamBroker] Could not login interactively. Error: 0xffffffff80070005";
        let h = hint("0x80070005", wam, wam).unwrap();
        assert_eq!((h.layer, h.basis), (Layer::WamBroker, HintBasis::Meaning));
        // RPC server unavailable: the broker's service did not answer.
        let h = hint("0x800706BA", wam, wam).unwrap();
        assert_eq!((h.layer, h.basis), (Layer::WamBroker, HintBasis::Meaning));
        assert!(h.reason.en.contains("did not answer"), "{}", h.reason.en);
        // Office's own meaning holds where the text names Office.
        let office = layer_hint(
            &best("0x80070005", &["office"]),
            sources_in(wam),
            sources_in(wam),
            &["office"],
        )
        .unwrap();
        assert_eq!(
            (office.layer, office.basis),
            (Layer::Licensing, HintBasis::Code)
        );
        // Without a program, access denied says nothing about the layer, and
        // 0x80070005 keeps its Office activation meaning.
        assert_eq!(hint("5", "Error 5", ""), None);
        let h = hint("0x80070005", "Error 0x80070005", "").unwrap();
        assert_eq!((h.layer, h.basis), (Layer::Licensing, HintBasis::Code));
    }

    #[test]
    fn structure_alone_for_reachability_and_key_storage() {
        // WSAEHOSTUNREACH in an HRESULT, and bare.
        let h = hint("0x80072751", "", "").unwrap();
        assert_eq!((h.layer, h.basis), (Layer::Network, HintBasis::Structure));
        let h = layer_hint(&best("10065", &[]), Sources::NONE, Sources::NONE, &[]).unwrap();
        assert_eq!(h.layer, Layer::Network);
        // An NTE_ value no header names.
        let h = hint("0x800900FE", "", "").unwrap();
        assert_eq!((h.layer, h.basis), (Layer::Tpm, HintBasis::Structure));
    }

    #[test]
    fn http_statuses_in_facility_http() {
        // An unexpected answer: the network path; a 5xx: the service; a 407
        // keeps the proxy layer its name gives.
        let h = hint("0x80190001", "", "").unwrap();
        assert_eq!((h.layer, h.basis), (Layer::Network, HintBasis::Structure));
        assert!(h.reason.ja.contains("FACILITY_HTTP"), "{}", h.reason.ja);
        let h = hint("0x801901F7", "", "").unwrap();
        assert_eq!((h.layer, h.basis), (Layer::Service, HintBasis::Structure));
        let h = hint("0x80190197", "", "").unwrap();
        assert_eq!((h.layer, h.basis), (Layer::ProxyTls, HintBasis::Code));
        // MDM registration's codes in the same facility name no HTTP status.
        let mdm = best("0x80190010", &[]);
        assert!(structure_layer(&mdm).is_none(), "{:?}", mdm.names);
    }

    #[test]
    fn software_licensing_names_mean_activation() {
        for code in ["0xC004F074", "0xC004C060"] {
            let h = hint(code, "", "").unwrap();
            assert_eq!(
                (h.layer, h.basis),
                (Layer::Licensing, HintBasis::Code),
                "{code}"
            );
        }
    }

    #[test]
    fn a_code_that_dsregcmd_printed_points_at_device_registration() {
        // ERROR_NO_SUCH_DOMAIN has no layer of its own.
        let line =
            "dsregcmd /join /debug: the device can NOT be joined (0x8007054b, isDcAvailable: NO)";
        let h = hint("0x8007054B", line, line).unwrap();
        assert_eq!(
            (h.layer, h.basis, h.source),
            (
                Layer::DeviceRegistration,
                HintBasis::Source,
                Some(Source::DeviceRegistration)
            )
        );
        assert_eq!(hint("0x8007054B", "Error 0x8007054b", ""), None);
        assert_eq!(
            sources_in("DRS Discovery Test : FAIL [0x801c0021]").main(),
            Some(Source::DeviceRegistration)
        );
    }

    #[test]
    fn linux_broker_and_pam_lines() {
        let line =
            "Jan 09 17:28:32 host microsoft-identity-broker[4211]: E/ failed with 0x80004005";
        let h = hint("0x80004005", line, line).unwrap();
        assert_eq!(
            (h.layer, h.source),
            (Layer::WamBroker, Some(Source::LinuxBroker))
        );
        let pam = "Jul 01 21:41:54 node himmelblaud[17499]: ERROR failed: 0x80004005";
        let p = hint("0x80004005", pam, pam).unwrap();
        assert_eq!(
            (p.layer, p.source),
            (Layer::WamBroker, Some(Source::LinuxPam))
        );
        assert!(p.factor < h.factor);
    }

    #[test]
    fn every_source_has_labels_and_a_distinct_id() {
        let mut ids: Vec<&str> = Source::ALL.iter().map(|s| s.id()).collect();
        for s in Source::ALL {
            assert!(!s.label().en.is_empty() && !s.label().ja.is_empty());
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Source::ALL.len());
    }
}
