//! Rules on SSO State: the Primary Refresh Token, its age on the capture's
//! own clock, the last failed attempt and the enterprise (AD FS) PRT.

use super::{
    at_least, clock_words, code_words, code_words_ja, is_no, is_yes, join_words, Finding, Scope,
    Severity, SKEW_TOLERANCE,
};
use crate::codes::Code;
use crate::model::{AttemptKind, Facts, JoinType, PrtAttempt, Val};
use crate::time::{span, HOUR};
use m365doctor_codes::{Lang, Layer};

/// Windows renews the PRT about every four hours while it is in use.
pub const PRT_RENEWAL: i64 = 4 * HOUR;

const ENTRA_LOGIN_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.windows.net",
    "login.microsoft.com",
    "login.microsoftonline.us",
    "login-us.microsoftonline.com",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
    "enterpriseregistration.windows.net",
];

fn host(url: &str) -> String {
    let t = url.trim().to_lowercase();
    let rest = t.split_once("://").map(|(_, r)| r).unwrap_or(&t);
    rest.split(['/', ':']).next().unwrap_or("").to_string()
}

/// What kind of failure a PRT attempt was, for picking one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttemptClass {
    ProxyAuth,
    Network,
    Federation,
    Server,
    Other,
}

pub(crate) fn is_proxy_auth_code(c: &Code) -> bool {
    c.flatten()
        .iter()
        .any(|x| matches!(x.value(), Some(0xCAA3_0197 | 0x8019_0197 | 0xCAA7_0008)))
}

pub(crate) fn classify(a: &PrtAttempt) -> AttemptClass {
    let codes = a.codes();
    if a.http_status_number() == Some(407) || codes.iter().any(is_proxy_auth_code) {
        return AttemptClass::ProxyAuth;
    }
    let network_layer = |c: &Code| matches!(c.best_layer(), Some(Layer::Network | Layer::ProxyTls));
    if a.http_error_code.is_some() || a.status_code.as_ref().is_some_and(network_layer) {
        return AttemptClass::Network;
    }
    let fed_endpoint = a.endpoint_uri.as_ref().is_some_and(|v| {
        let h = host(&v.raw);
        !h.is_empty() && !ENTRA_LOGIN_HOSTS.contains(&h.as_str())
    });
    // A 5xx from Microsoft Entra ID itself is a service error whatever the
    // Attempt Status says.
    if !fed_endpoint && a.http_status_number().is_some_and(|s| s >= 500) {
        return AttemptClass::Server;
    }
    if fed_endpoint
        || a.status_code
            .as_ref()
            .is_some_and(|c| c.best_layer() == Some(Layer::Federation))
    {
        return AttemptClass::Federation;
    }
    if a.http_status_number().is_some_and(|s| s >= 500) {
        return AttemptClass::Server;
    }
    AttemptClass::Other
}

/// The first sentence of Server Error Description after the AADSTS code
/// (`Device used during the authentication is disabled`), without the
/// Trace ID / Correlation ID / Timestamp tail.
fn server_text(a: &PrtAttempt) -> Option<String> {
    let v = a.server_error_description.as_ref()?;
    let raw = v.raw.trim();
    let after = match raw.split_once(':') {
        Some((head, rest)) if head.trim().to_ascii_uppercase().starts_with("AADSTS") => rest,
        _ => raw,
    };
    let cut = ["Trace ID", "Correlation ID", "Timestamp"]
        .iter()
        .filter_map(|m| after.find(m))
        .min()
        .unwrap_or(after.len());
    let text = after.get(..cut).unwrap_or(after).trim();
    let text = text.trim_end_matches('.').trim();
    if text.is_empty() {
        return None;
    }
    Some(text.chars().take(200).collect())
}

/// The most recent failed attempt (by its time; the last printed otherwise).
pub(crate) fn latest_attempt(f: &Facts) -> Option<&PrtAttempt> {
    let mut best: Option<&PrtAttempt> = None;
    for a in &f.sso.attempts {
        let t = a.time.as_ref().and_then(Val::time);
        let b = best.and_then(|b| b.time.as_ref().and_then(Val::time));
        if best.is_none() || t >= b {
            best = Some(a);
        }
    }
    best
}

fn raw(v: &Option<Val>) -> String {
    v.as_ref()
        .map(|v| v.raw.trim().to_string())
        .unwrap_or_default()
}

/// "at 2020-07-18 20:10:33 UTC for john@contoso.com (Password)".
fn attempt_context(a: &PrtAttempt) -> (String, String) {
    let when = a
        .time
        .as_ref()
        .map(|v| {
            v.time()
                .map(|t| t.display())
                .unwrap_or_else(|| v.raw.clone())
        })
        .unwrap_or_default();
    let user = raw(&a.user_identity);
    let cred = raw(&a.credential_type);
    let mut en = String::new();
    if !when.is_empty() {
        en.push_str(&format!(" at {when}"));
    }
    if !user.is_empty() {
        en.push_str(&format!(" for {user}"));
    }
    if !cred.is_empty() {
        en.push_str(&format!(" (credential: {cred})"));
    }
    let mut ja = String::from(" ");
    if !when.is_empty() {
        ja.push_str(&format!("{when} に、"));
    }
    if !user.is_empty() {
        ja.push_str(&user);
        if !cred.is_empty() {
            ja.push_str(&format!(" (資格情報: {cred})"));
        }
        ja.push_str(" の ");
    } else if !cred.is_empty() {
        ja.push_str(&format!("資格情報 {cred} による "));
    }
    (en, ja)
}

fn verb(a: &PrtAttempt) -> (&'static str, &'static str) {
    match a.kind {
        AttemptKind::Acquire => ("get", "取得"),
        AttemptKind::Refresh => ("renew", "更新"),
        AttemptKind::Unknown => ("get or renew", "取得または更新"),
    }
}

fn correlation(a: &PrtAttempt) -> (String, String) {
    let cid = raw(&a.correlation_id);
    if cid.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(" Look up correlation ID {cid} in the Microsoft Entra sign-in logs for the server's full reason."),
            format!("Microsoft Entra のサインイン ログで相関 ID {cid} を検索すると、サーバー側の詳しい理由を確認できます。"),
        )
    }
}

fn prt_present_note(f: &Facts) -> (&'static str, &'static str) {
    if is_yes(&f.sso.azure_ad_prt) {
        (
            " A PRT is present, so this failure happened after the last successful request; on a shared PC it may also be another user's attempt.",
            "PRT は存在するため、この失敗は最後に成功した要求より後に起きたものです。共有 PC の場合は、別のユーザーの試行である可能性もあります。",
        )
    } else {
        ("", "")
    }
}

fn attempt_severity(f: &Facts) -> Severity {
    if is_yes(&f.sso.azure_ad_prt) {
        Severity::Warning
    } else {
        Severity::Error
    }
}

/// The device should have a PRT: joined, or a fragment whose PRT authority
/// is a real URL.
fn prt_expected(f: &Facts) -> bool {
    f.join_type.is_entra_device()
        || (f.join_type == JoinType::Unknown
            && f.sso
                .authority
                .as_ref()
                .is_some_and(|v| v.raw.to_lowercase().starts_with("http")))
}

/// AzureAdPrt : NO where a PRT is expected.
pub fn prt_missing(f: &Facts) -> Option<Finding> {
    if !is_no(&f.sso.azure_ad_prt) || !prt_expected(f) {
        return None;
    }
    let (j_en, j_ja) = if f.join_type == JoinType::Unknown {
        ("joined", "参加済みの")
    } else {
        let (en, ja) = join_words(f.join_type);
        (en, ja)
    };
    let (tail_en, tail_ja) = if f.sso.attempts.is_empty() {
        (
            " No failed attempt is recorded in this capture: lock and unlock Windows (or run dsregcmd /refreshprt), wait a minute and capture again. If it stays NO, the AAD Operational event log names the error.",
            "このキャプチャには失敗した試行の記録がありません。Windows をロックして解除し (または dsregcmd /refreshprt を実行し)、1 分ほど待ってからもう一度取得してください。NO のままの場合は、AAD の Operational イベント ログにエラーが記録されています。",
        )
    } else {
        (
            " The failed attempt recorded in SSO State says why (see the next finding).",
            "SSO State に記録された失敗した試行に理由が示されています (次の検出結果を参照してください)。",
        )
    };
    let ja_join = if f.join_type == JoinType::Unknown {
        j_ja.to_string()
    } else {
        format!("{j_ja}の")
    };
    Some(
        Finding::new(
            "prt-missing",
            Severity::Error,
            Layer::DeviceRegistration,
            format!("There is no Primary Refresh Token (AzureAdPrt : NO) for this user on this {j_en} device. Without a PRT, Windows cannot sign the user in to Microsoft 365 silently: Office, Teams, OneDrive and Edge ask for credentials, and Conditional Access that requires a joined or compliant device fails.{tail_en}"),
            format!("この {ja_join}デバイスで、このユーザーのプライマリ更新トークン (PRT) がありません (AzureAdPrt : NO)。PRT がないと Windows はユーザーを Microsoft 365 に自動的にサインインさせられず、Office、Teams、OneDrive、Edge が資格情報を求め、参加済みや準拠済みのデバイスを要求する条件付きアクセスも失敗します。{tail_ja}"),
        )
        .ev([&f.sso.azure_ad_prt, &f.sso.authority])
        .ev(f.sso.attempts.iter().map(|a| &a.marker))
        .scope(Scope::User)
        .actions(&["refresh-prt", "check-network", "dsreg-status-check", "collect-evidence", "contact-admin"]),
    )
}

/// The last attempt failed with a transport error (no answer).
pub fn prt_attempt_network_error(f: &Facts) -> Option<Finding> {
    let a = latest_attempt(f)?;
    if classify(a) != AttemptClass::Network {
        return None;
    }
    let codes: Vec<Code> = a
        .http_error_code
        .iter()
        .chain(a.status_code.iter())
        .cloned()
        .collect();
    let words: Vec<String> = codes.iter().map(code_words).collect();
    let words_ja: Vec<String> = codes.iter().map(code_words_ja).collect();
    let (ctx_en, ctx_ja) = attempt_context(a);
    let (v_en, v_ja) = verb(a);
    Some(
        Finding::new(
            "prt-attempt-network-error",
            attempt_severity(f),
            Layer::Network,
            format!("Windows tried to {v_en} a PRT{ctx_en} and never got an answer from Microsoft Entra ID: {} is a network error, not a sign-in refusal. On hybrid-joined devices the request uses the computer's (SYSTEM) network path: make sure it can reach login.microsoftonline.com and, behind a proxy, that the computer account can discover the proxy and authenticate to it silently. Retyping the password will not help.", words.join(", ")),
            format!("Windows は{ctx_ja}PRT の{v_ja}を試みましたが、Microsoft Entra ID から応答がありませんでした。{} はネットワークのエラーであり、サインインの拒否ではありません。ハイブリッド参加のデバイスでは、この要求はコンピューター (SYSTEM) のネットワーク経路を使います。login.microsoftonline.com に到達できること、プロキシ環境ではコンピューター アカウントがプロキシを検出して自動的に認証できることを確認してください。パスワードを入力し直しても解決しません。", words_ja.join("、")),
        )
        .evidence(a.evidence())
        .codes(codes)
        .scope(Scope::User)
        .actions(&["check-network", "check-proxy", "refresh-prt", "collect-evidence"]),
    )
}

/// The last attempt got a 5xx answer.
pub fn prt_attempt_server_error(f: &Facts) -> Option<Finding> {
    let a = latest_attempt(f)?;
    if classify(a) != AttemptClass::Server {
        return None;
    }
    let status = a.http_status_number().unwrap_or(500);
    let (ctx_en, ctx_ja) = attempt_context(a);
    let (v_en, v_ja) = verb(a);
    let (c_en, c_ja) = correlation(a);
    Some(
        Finding::new(
            "prt-attempt-server-error",
            attempt_severity(f),
            Layer::Service,
            format!("Windows tried to {v_en} a PRT{ctx_en} and got HTTP {status}: a server-side error from Microsoft Entra ID, or from a proxy or TLS inspection device in between. It is not a problem with the account. Check Microsoft 365 service health and any proxy on the way, then lock and unlock Windows to retry.{c_en}"),
            format!("Windows は{ctx_ja}PRT の{v_ja}を試みましたが、HTTP {status} が返されました。これは Microsoft Entra ID、または途中のプロキシや TLS 検査装置によるサーバー側のエラーで、アカウントの問題ではありません。Microsoft 365 のサービス正常性と途中のプロキシを確認してから、Windows をロックして解除し、再試行してください。{c_ja}"),
        )
        .evidence(a.evidence())
        .codes(a.codes())
        .scope(Scope::User)
        .actions(&["check-service-health", "check-proxy", "refresh-prt", "collect-evidence"]),
    )
}

/// The last attempt failed at the federation server.
pub fn prt_attempt_federation_failed(f: &Facts) -> Option<Finding> {
    let a = latest_attempt(f)?;
    if classify(a) != AttemptClass::Federation {
        return None;
    }
    let endpoint = a
        .endpoint_uri
        .as_ref()
        .map(|v| host(&v.raw))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "the federation server".into());
    let codes = a.codes();
    let words: Vec<String> = codes.iter().map(code_words).collect();
    let words_ja: Vec<String> = codes.iter().map(code_words_ja).collect();
    let (ctx_en, ctx_ja) = attempt_context(a);
    let (v_en, v_ja) = verb(a);
    let code_en = if words.is_empty() {
        String::new()
    } else {
        format!(" with {}", words.join(", "))
    };
    let code_ja = if words_ja.is_empty() {
        String::new()
    } else {
        format!(" ({})", words_ja.join("、"))
    };
    Some(
        Finding::new(
            "prt-attempt-federation-failed",
            attempt_severity(f),
            Layer::Federation,
            format!("Windows tried to {v_en} a PRT{ctx_en} and failed at {endpoint}{code_en}: that is the federation server (AD FS or another identity provider), not Microsoft Entra ID. The problem is on the identity provider (its WS-Trust endpoint, certificates or claim rules) or on the way to it (proxy, TLS inspection). The administrator should check the federation service."),
            format!("Windows は{ctx_ja}PRT の{v_ja}を試みましたが、{endpoint} で失敗しました{code_ja}。これは Microsoft Entra ID ではなく、フェデレーション サーバー (AD FS などの ID プロバイダー) です。原因は ID プロバイダー側 (WS-Trust エンドポイント、証明書、要求規則) か、そこまでの経路 (プロキシ、TLS 検査) にあります。管理者がフェデレーション サービスを確認する必要があります。"),
        )
        .evidence(a.evidence())
        .codes(codes)
        .scope(Scope::User)
        .actions(&["check-proxy", "collect-evidence", "contact-admin", "admin-check-federation"]),
    )
}

/// The last attempt was refused (any other failure): decode the Attempt
/// Status and the AADSTS code in Server Error Description.
pub fn prt_attempt_failed(f: &Facts) -> Option<Finding> {
    let a = latest_attempt(f)?;
    if classify(a) != AttemptClass::Other {
        return None;
    }
    let (ctx_en, ctx_ja) = attempt_context(a);
    let (v_en, v_ja) = verb(a);
    let mut en = format!("Windows failed to {v_en} a Primary Refresh Token{ctx_en}.");
    let mut ja = format!("Windows は{ctx_ja}プライマリ更新トークン (PRT) の{v_ja}に失敗しました。");
    if let Some(c) = &a.status_code {
        en.push_str(&format!(" Attempt Status {}.", code_words(c)));
        ja.push_str(&format!("Attempt Status は {} です。", code_words_ja(c)));
    } else if let Some(v) = &a.status {
        en.push_str(&format!(" Attempt Status {}.", v.raw));
        ja.push_str(&format!("Attempt Status は {} です。", v.raw));
    }
    let status = raw(&a.http_status);
    let server = raw(&a.server_error_code);
    if !status.is_empty() || !server.is_empty() {
        let answer = [status.as_str(), server.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        en.push_str(&format!(
            " Microsoft Entra ID answered {}{answer}",
            if status.is_empty() { "" } else { "HTTP " }
        ));
        ja.push_str(&format!(
            "Microsoft Entra ID の応答は {}{answer}",
            if status.is_empty() { "" } else { "HTTP " }
        ));
        if a.aadsts.is_empty() {
            en.push('.');
            ja.push_str(" でした。");
        } else {
            let list: Vec<String> = a.aadsts.iter().map(Code::label).collect();
            en.push_str(&format!(" with {}.", list.join(", ")));
            ja.push_str(&format!(" で、{} が返されました。", list.join("、")));
        }
    } else if !a.aadsts.is_empty() {
        let list: Vec<String> = a.aadsts.iter().map(Code::label).collect();
        en.push_str(&format!(
            " Microsoft Entra ID returned {}.",
            list.join(", ")
        ));
        ja.push_str(&format!(
            "Microsoft Entra ID は {} を返しました。",
            list.join("、")
        ));
    }
    if let Some(text) = server_text(a) {
        en.push_str(&format!(" Its description: \"{text}\"."));
        ja.push_str(&format!("説明は \"{text}\" です。"));
    }
    if a.aadsts
        .iter()
        .any(|c| c.layer == Some(Layer::AccountState))
    {
        en.push_str(" The account or its password was refused, not the device.");
        ja.push_str("拒否されたのはデバイスではなく、アカウントまたはそのパスワードです。");
    } else if a
        .aadsts
        .iter()
        .any(|c| c.layer == Some(Layer::DeviceRegistration))
    {
        en.push_str(" The device, not the user, was refused: retyping the password will not help.");
        ja.push_str(
            "拒否されたのはユーザーではなくデバイスであり、パスワードを入力し直しても解決しません。",
        );
    }
    let (c_en, c_ja) = correlation(a);
    en.push_str(&c_en);
    ja.push_str(&c_ja);
    let (p_en, p_ja) = prt_present_note(f);
    en.push_str(p_en);
    ja.push_str(p_ja);
    if f.sso.attempts.len() > 1 {
        en.push_str(&format!(
            " ({} failed attempts are recorded; this is the latest.)",
            f.sso.attempts.len()
        ));
        ja.push_str(&format!(
            "(失敗した試行が {} 件記録されており、これは最新のものです。)",
            f.sso.attempts.len()
        ));
    }
    let layer = a
        .aadsts
        .iter()
        .find_map(|c| c.layer)
        .or_else(|| a.status_code.as_ref().and_then(Code::best_layer))
        .unwrap_or(Layer::DeviceRegistration);
    Some(
        Finding::new("prt-attempt-failed", attempt_severity(f), layer, en, ja)
            .evidence(a.evidence())
            .codes(a.codes())
            .scope(Scope::User),
    )
}

const NON_ROUTABLE: &[&str] = &[
    ".local",
    ".lan",
    ".internal",
    ".intra",
    ".intranet",
    ".corp",
    ".localdomain",
    ".home",
    ".private",
];

/// The user identity of an attempt has a non-routable UPN suffix.
pub fn prt_upn_non_routable(f: &Facts) -> Option<Finding> {
    let v = f
        .sso
        .attempts
        .iter()
        .filter_map(|a| a.user_identity.as_ref())
        .find(|v| {
            let l = v.raw.trim().to_lowercase();
            match l.rsplit_once('@') {
                Some((_, domain)) => {
                    !domain.contains('.') || NON_ROUTABLE.iter().any(|s| domain.ends_with(s))
                }
                None => false,
            }
        })?;
    let upn = v.raw.trim();
    Some(
        Finding::new(
            "prt-upn-non-routable",
            Severity::Warning,
            Layer::AccountState,
            format!("The PRT request was made for {upn}, whose domain is not routable on the internet, so Microsoft Entra ID cannot find the user (typically Attempt Status 0xC000005F). The users' UPN suffix must be a domain verified in Microsoft Entra ID, or the directory sync must use an alternate login ID."),
            format!("PRT は {upn} に対して要求されましたが、このドメインはインターネット上でルーティングできないため、Microsoft Entra ID はユーザーを見つけられません (通常 Attempt Status は 0xC000005F になります)。ユーザーの UPN サフィックスを Microsoft Entra ID で検証済みのドメインにするか、ディレクトリ同期で代替ログイン ID を使う必要があります。"),
        )
        .evidence([v.clone()])
        .entry("prt-upn-domain-unknown")
        .scope(Scope::User)
        .actions(&["contact-admin", "admin-check-account"]),
    )
}

/// AzureAdPrtExpiryTime before the capture's clock.
pub fn prt_expired(f: &Facts) -> Option<Finding> {
    if !is_yes(&f.sso.azure_ad_prt) {
        return None;
    }
    let v = f.sso.expiry_time.as_ref()?;
    let age = f.age(v.time()?)?;
    if age <= 0 {
        return None;
    }
    let (al_en, al_ja) = at_least(f);
    let (c_en, c_ja) = clock_words(f);
    Some(
        Finding::new(
            "prt-expired",
            Severity::Error,
            Layer::DeviceRegistration,
            format!("The PRT expired {al_en}{} before this capture ({c_en}): it is no longer valid, so every app that relies on it prompts for sign-in. Renewals have been failing for days; lock and unlock Windows with the network connected and check the failed attempt details.", span(age, Lang::En)),
            format!("PRT はこのキャプチャの時点 ({c_ja}) で {al_ja}{}前に期限切れになっており、もう有効ではありません。そのため、PRT に依存するすべてのアプリがサインインを求めます。何日も更新に失敗しています。ネットワークに接続した状態で Windows をロックして解除し、失敗した試行の詳細を確認してください。", span(age, Lang::Ja)),
        )
        .ev([&f.sso.azure_ad_prt, &f.sso.expiry_time, &f.sso.update_time])
        .evidence(f.clock.as_ref().map(|c| c.source.clone()))
        .scope(Scope::User)
        .actions(&["refresh-prt", "check-network", "check-proxy", "dsreg-status-check"]),
    )
}

/// AzureAdPrtUpdateTime more than 4 hours before the capture's clock.
pub fn prt_stale(f: &Facts) -> Option<Finding> {
    if !is_yes(&f.sso.azure_ad_prt) {
        return None;
    }
    let v = f.sso.update_time.as_ref()?;
    let age = f.age(v.time()?)?;
    if age <= PRT_RENEWAL {
        return None;
    }
    if let Some(exp) = f.sso.expiry_time.as_ref().and_then(Val::time) {
        if f.age(exp).is_some_and(|a| a > 0) {
            return None; // prt-expired says it.
        }
    }
    let (al_en, al_ja) = at_least(f);
    let (c_en, c_ja) = clock_words(f);
    Some(
        Finding::new(
            "prt-stale",
            Severity::Warning,
            Layer::DeviceRegistration,
            format!("The PRT was last renewed at {}, {al_en}{} before this capture ({c_en}). Windows renews it about every 4 hours while the user is signed in, so renewal is failing, or the device was asleep or offline until just now. Lock and unlock Windows with the network connected; if AzureAdPrtUpdateTime does not move, renewal is failing and SSO will break when the PRT expires.", v.time().map(|t| t.display()).unwrap_or_default(), span(age, Lang::En)),
            format!("PRT の最終更新は {} で、このキャプチャの時点 ({c_ja}) から {al_ja}{}前です。Windows はサインイン中、約 4 時間ごとに PRT を更新するため、更新に失敗しているか、直前までデバイスがスリープまたはオフラインだったことになります。ネットワークに接続した状態で Windows をロックして解除し、AzureAdPrtUpdateTime が変わらなければ更新に失敗しており、PRT の期限が切れると SSO が使えなくなります。", v.time().map(|t| t.display()).unwrap_or_default(), span(age, Lang::Ja)),
        )
        .ev([&f.sso.update_time, &f.sso.expiry_time])
        .evidence(f.clock.as_ref().map(|c| c.source.clone()))
        .scope(Scope::User)
        .actions(&["refresh-prt", "check-network", "check-proxy", "dsreg-status-check"]),
    )
}

/// AzureAdPrtUpdateTime later than Client Time: the clock moved back.
pub fn clock_skew_prt_update_in_future(f: &Facts) -> Option<Finding> {
    let clock = f.client_time()?;
    let v = f.sso.update_time.as_ref()?;
    let t = v.time()?;
    let ahead = t.0 - clock.time.0;
    if ahead <= SKEW_TOLERANCE {
        return None;
    }
    Some(
        Finding::new(
            "clock-skew-prt-update-in-future",
            Severity::Warning,
            Layer::Clock,
            format!("The PRT was renewed at {}, {} after the device clock's time at capture ({}). A renewal from the future means the device clock runs behind or was set back. Token lifetimes and TLS certificates are checked against the clock, so correct it (automatic time and time zone) before anything else.", t.display(), span(ahead, Lang::En), clock.time.display()),
            format!("PRT は {} に更新されていますが、これはキャプチャ時のデバイスの時刻 ({}) より {}後です。未来の更新時刻があるということは、デバイスの時刻が遅れているか、戻されたことを意味します。トークンの有効期間や TLS 証明書は時刻で検証されるため、まず時刻を修正してください (時刻とタイム ゾーンの自動設定)。", t.display(), clock.time.display(), span(ahead, Lang::Ja)),
        )
        .ev([&f.sso.update_time, &f.diagnostics.client_time])
        .entry("symptom-clock-ahead-behind")
        .actions(&["sync-clock", "refresh-prt", "dsreg-status-check"]),
    )
}

fn guid_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .find(|t| {
            let parts: Vec<&str> = t.split('-').collect();
            parts.len() == 5
                && [8usize, 4, 4, 4, 12]
                    .iter()
                    .zip(&parts)
                    .all(|(n, p)| p.len() == *n)
        })
        .map(str::to_lowercase)
}

/// AzureAdPrtAuthority names a different tenant than TenantId.
pub fn prt_authority_tenant_mismatch(f: &Facts) -> Option<Finding> {
    let auth = f.sso.authority.as_ref()?;
    let tenant = f.tenant.id.as_ref()?;
    let a = guid_in(&auth.raw)?;
    let t = guid_in(&tenant.raw)?;
    if a == t {
        return None;
    }
    Some(
        Finding::new(
            "prt-authority-tenant-mismatch",
            Severity::Warning,
            Layer::DeviceRegistration,
            format!("The PRT was issued by tenant {a}, but the device is registered in tenant {t}. Tokens from the PRT then belong to the wrong organisation and apps of the device's tenant keep prompting. This points to an account from another organisation signed in to Windows, or a registration left over from a previous tenant."),
            format!("PRT はテナント {a} から発行されていますが、デバイスはテナント {t} に登録されています。その場合 PRT から得られるトークンは別の組織のものとなり、デバイスのテナントのアプリはサインインを求め続けます。別の組織のアカウントで Windows にサインインしているか、以前のテナントの登録が残っていることが考えられます。"),
        )
        .ev([&f.sso.authority, &f.tenant.id, &f.tenant.name])
        .scope(Scope::User)
        .actions(&["dsreg-status-check", "collect-evidence", "contact-admin"]),
    )
}

/// Hybrid, federated, and no enterprise PRT.
pub fn enterprise_prt_missing(f: &Facts) -> Option<Finding> {
    if f.join_type != JoinType::HybridJoined || !is_no(&f.sso.enterprise_prt) {
        return None;
    }
    let fed = f.federated_evidence();
    if fed.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            "enterprise-prt-missing",
            Severity::Warning,
            Layer::Federation,
            "This hybrid-joined device uses AD FS, but the user has no enterprise PRT (EnterprisePrt : NO). Without it, single sign-on to applications that trust AD FS fails, and Windows Hello for Business certificate trust cannot enroll. The enterprise PRT is requested from AD FS at sign-in and unlock, so the AD FS server (device authentication, its certificates) or the path to it is failing.",
            "このハイブリッド参加のデバイスは AD FS を使用していますが、ユーザーにエンタープライズ PRT がありません (EnterprisePrt : NO)。これがないと、AD FS を信頼するアプリケーションへのシングル サインオンが失敗し、Windows Hello for Business の証明書信頼の登録もできません。エンタープライズ PRT はサインインやロック解除の際に AD FS に要求されるため、AD FS サーバー (デバイス認証やその証明書) またはそこまでの経路に問題があります。",
        )
        .ev([&f.sso.enterprise_prt])
        .evidence(fed)
        .scope(Scope::User)
        .actions(&["refresh-prt", "check-network", "contact-admin", "admin-check-federation"]),
    )
}

/// EnterprisePrtExpiryTime before the capture's clock.
pub fn enterprise_prt_expired(f: &Facts) -> Option<Finding> {
    if !is_yes(&f.sso.enterprise_prt) {
        return None;
    }
    let v = f.sso.enterprise_expiry_time.as_ref()?;
    let age = f.age(v.time()?)?;
    if age <= 0 {
        return None;
    }
    let (al_en, al_ja) = at_least(f);
    Some(
        Finding::new(
            "enterprise-prt-expired",
            Severity::Warning,
            Layer::Federation,
            format!("The enterprise PRT from AD FS expired {al_en}{} before this capture: single sign-on to applications that trust AD FS no longer works. It has not been renewed, so the AD FS server or the path to it is failing.", span(age, Lang::En)),
            format!("AD FS から発行されたエンタープライズ PRT は、このキャプチャの時点で {al_ja}{}前に期限切れになっています。AD FS を信頼するアプリケーションへのシングル サインオンは機能しません。更新されていないため、AD FS サーバーまたはそこまでの経路に問題があります。", span(age, Lang::Ja)),
        )
        .ev([&f.sso.enterprise_prt, &f.sso.enterprise_expiry_time, &f.sso.enterprise_authority])
        .evidence(f.clock.as_ref().map(|c| c.source.clone()))
        .scope(Scope::User)
        .actions(&["refresh-prt", "check-network", "contact-admin", "admin-check-federation"]),
    )
}

/// Windows Hello is set up but there is no on-premises TGT from Entra ID.
pub fn onprem_tgt_missing(f: &Facts) -> Option<Finding> {
    // Hybrid-joined devices reach domain controllers with their own
    // Kerberos; the NGC check reports it itself when it checks OnPremTGT.
    let ngc_reports = f.ngc.as_ref().is_some_and(|n| is_no(&n.on_prem_tgt));
    if f.join_type != JoinType::EntraJoined
        || !is_no(&f.sso.on_prem_tgt)
        || !is_yes(&f.user.ngc_set)
        || ngc_reports
    {
        return None;
    }
    Some(
        Finding::new(
            "onprem-tgt-missing",
            Severity::Info,
            Layer::Federation,
            "Windows Hello for Business is set up for this user on this Entra-joined device, but there is no Kerberos ticket for on-premises resources issued through Microsoft Entra ID (OnPremTgt : NO). Where the device reaches on-premises resources through key or certificate trust that is expected. With cloud Kerberos trust it means that after signing in with Hello, on-premises file shares and apps ask for credentials or fail; check the Microsoft Entra Kerberos server object in Active Directory.",
            "この Microsoft Entra 参加のデバイスでは、ユーザーに Windows Hello for Business が設定されていますが、Microsoft Entra ID 経由で発行されるオンプレミス リソース用の Kerberos チケットがありません (OnPremTgt : NO)。キー信頼または証明書信頼でオンプレミスのリソースにアクセスしている場合は想定どおりです。クラウド Kerberos 信頼を使用している場合は、Hello でサインインした後にオンプレミスのファイル共有やアプリで資格情報を求められるか、アクセスに失敗します。Active Directory の Microsoft Entra Kerberos サーバー オブジェクトを確認してください。",
        )
        .ev([&f.sso.on_prem_tgt, &f.sso.cloud_tgt, &f.user.ngc_set])
        .scope(Scope::User)
        .actions(&["refresh-prt", "contact-admin"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check, facts, framed, with, HYBRID};

    const PRT_OK: &[(&str, &str)] = &[
        ("AzureAdPrt", "YES"),
        ("AzureAdPrtUpdateTime", "2024-05-01 08:00:00.000 UTC"),
        ("AzureAdPrtExpiryTime", "2024-05-15 08:00:00.000 UTC"),
        (
            "AzureAdPrtAuthority",
            "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee",
        ),
        ("EnterprisePrt", "NO"),
        ("EnterprisePrtAuthority", ""),
    ];
    const FAILED: &[(&str, &str)] = &[
        ("AzureAdPrt", "NO"),
        (
            "AzureAdPrtAuthority",
            "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee",
        ),
        ("AcquirePrtDiagnostics", "PRESENT"),
        ("Previous Prt Attempt", "2024-05-01 08:00:00.000 UTC"),
        ("Attempt Status", "0xc000006d"),
        ("User Identity", "john@contoso.com"),
        ("Credential Type", "Password"),
        ("Correlation ID", "aaaa0000-bb11-2222-33cc-444444dddddd"),
        (
            "Endpoint URI",
            "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/oauth2/token/",
        ),
        ("HTTP Method", "POST"),
        ("HTTP Error", "0x0"),
        ("HTTP status", "400"),
        ("Server Error Code", "invalid_grant"),
        (
            "Server Error Description",
            "AADSTS50126: Error validating credentials due to invalid username or password.",
        ),
    ];

    fn diag(t: &'static str) -> Vec<(&'static str, &'static str)> {
        vec![("User Context", "UN-ELEVATED User"), ("Client Time", t)]
    }

    #[test]
    fn prt_missing_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", &with(PRT_OK, "AzureAdPrt", "NO")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("SSO State", PRT_OK)]);
        let f = check(prt_missing, "prt-missing", &yes, &no);
        assert!(f.message.en.contains("hybrid joined"));
        assert!(f.message.en.contains("refreshprt"));
        // Not expected on a device that is not joined.
        let dj = framed(&[
            ("Device State", &with(HYBRID, "AzureAdJoined", "NO")),
            (
                "SSO State",
                &[("AzureAdPrt", "NO"), ("AzureAdPrtAuthority", "NO")],
            ),
        ]);
        assert!(prt_missing(&facts(&dj)).is_none());
    }

    #[test]
    fn prt_attempt_failed_rule() {
        let yes = framed(&[("Device State", HYBRID), ("SSO State", FAILED)]);
        let no = framed(&[("Device State", HYBRID), ("SSO State", PRT_OK)]);
        let f = check(prt_attempt_failed, "prt-attempt-failed", &yes, &no);
        assert_eq!(f.normalized_codes(), vec!["AADSTS50126", "0xC000006D"]);
        assert!(
            f.message.en.contains("STATUS_LOGON_FAILURE"),
            "{}",
            f.message.en
        );
        assert!(f
            .message
            .en
            .contains("aaaa0000-bb11-2222-33cc-444444dddddd"));
        assert!(f.message.en.contains("john@contoso.com"));
        assert_eq!(f.layer, Layer::AccountState);
        assert_eq!(f.severity, Severity::Error);
    }

    #[test]
    fn server_description_is_quoted_without_its_trace_tail() {
        let long = with(FAILED, "Server Error Description", "AADSTS135011: Device used during the authentication is disabled. Trace ID: 01 Correlation ID: 02 Timestamp: 2024-05-07 09:40:12Z");
        let f = prt_attempt_failed(&facts(&framed(&[
            ("Device State", HYBRID),
            ("SSO State", &long),
        ])))
        .unwrap();
        assert!(
            f.message
                .en
                .contains("\"Device used during the authentication is disabled\""),
            "{}",
            f.message.en
        );
        assert!(!f.message.en.contains("Trace ID"));
        assert!(f
            .message
            .en
            .contains("The device, not the user, was refused"));
        assert_eq!(f.layer, Layer::DeviceRegistration);
    }

    #[test]
    fn prt_attempt_network_error_rule() {
        let net = with(
            &with(FAILED, "HTTP Error", "0x80072ee2"),
            "Attempt Status",
            "0xc000023c",
        );
        let net = with(&with(&net, "HTTP status", ""), "Server Error Code", "");
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", &with(&net, "Server Error Description", "")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("SSO State", FAILED)]);
        let f = check(
            prt_attempt_network_error,
            "prt-attempt-network-error",
            &yes,
            &no,
        );
        assert!(f.normalized_codes().contains(&"0x80072EE2".to_string()));
        assert!(prt_attempt_failed(&facts(&yes)).is_none());
    }

    #[test]
    fn prt_attempt_server_error_rule() {
        let s = with(
            &with(FAILED, "HTTP status", "503"),
            "Server Error Description",
            "",
        );
        let s = with(
            &with(&s, "Server Error Code", ""),
            "Attempt Status",
            "0xc004848c",
        );
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", &with(&s, "Attempt Status", "0xc0000001")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("SSO State", FAILED)]);
        check(
            prt_attempt_server_error,
            "prt-attempt-server-error",
            &yes,
            &no,
        );
    }

    #[test]
    fn prt_attempt_federation_failed_rule() {
        let s = with(
            &with(
                FAILED,
                "Endpoint URI",
                "https://sts.contoso.com/adfs/services/trust/2005/usernamemixed",
            ),
            "Attempt Status",
            "0xc00484c1",
        );
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", &with(&s, "Server Error Description", "")),
        ]);
        let no = framed(&[("Device State", HYBRID), ("SSO State", FAILED)]);
        let f = check(
            prt_attempt_federation_failed,
            "prt-attempt-federation-failed",
            &yes,
            &no,
        );
        assert!(f.message.en.contains("sts.contoso.com"));
    }

    #[test]
    fn prt_upn_non_routable_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            (
                "SSO State",
                &with(FAILED, "User Identity", "john@contoso.local"),
            ),
        ]);
        let no = framed(&[("Device State", HYBRID), ("SSO State", FAILED)]);
        check(prt_upn_non_routable, "prt-upn-non-routable", &yes, &no);
    }

    #[test]
    fn prt_expired_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", PRT_OK),
            ("Diagnostic Data", &diag("2024-06-01 08:00:00.000 UTC")),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("SSO State", PRT_OK),
            ("Diagnostic Data", &diag("2024-05-01 09:00:00.000 UTC")),
        ]);
        check(prt_expired, "prt-expired", &yes, &no);
    }

    #[test]
    fn prt_stale_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", PRT_OK),
            ("Diagnostic Data", &diag("2024-05-01 14:30:00.000 UTC")),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("SSO State", PRT_OK),
            ("Diagnostic Data", &diag("2024-05-01 11:00:00.000 UTC")),
        ]);
        let f = check(prt_stale, "prt-stale", &yes, &no);
        assert!(f.message.en.contains("6 h 30 min"), "{}", f.message.en);
        assert!(f.message.ja.contains("6 時間 30 分"));
        // No clock at all: no conclusion.
        assert!(prt_stale(&facts(&framed(&[(
            "SSO State",
            &with(PRT_OK, "AzureAdPrtUpdateTime", "")
        )])))
        .is_none());
    }

    #[test]
    fn clock_skew_prt_update_in_future_rule() {
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", PRT_OK),
            ("Diagnostic Data", &diag("2024-04-20 08:00:00.000 UTC")),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("SSO State", PRT_OK),
            ("Diagnostic Data", &diag("2024-05-01 08:02:00.000 UTC")),
        ]);
        check(
            clock_skew_prt_update_in_future,
            "clock-skew-prt-update-in-future",
            &yes,
            &no,
        );
    }

    #[test]
    fn prt_authority_tenant_mismatch_rule() {
        let tenant_other: &[(&str, &str)] = &[
            ("TenantName", "Contoso"),
            ("TenantId", "11112222-0000-cccc-1111-dddd2222eeee"),
        ];
        let tenant_same: &[(&str, &str)] = &[
            ("TenantName", "Contoso"),
            ("TenantId", "AAAABBBB-0000-CCCC-1111-DDDD2222EEEE"),
        ];
        let yes = framed(&[
            ("Device State", HYBRID),
            ("Tenant Details", tenant_other),
            ("SSO State", PRT_OK),
        ]);
        let no = framed(&[
            ("Device State", HYBRID),
            ("Tenant Details", tenant_same),
            ("SSO State", PRT_OK),
        ]);
        check(
            prt_authority_tenant_mismatch,
            "prt-authority-tenant-mismatch",
            &yes,
            &no,
        );
    }

    #[test]
    fn enterprise_prt_missing_rule() {
        let ngc: &[(&str, &str)] = &[
            ("CertEnrollment", "enrollment authority"),
            ("AdfsRefreshToken", "NO"),
        ];
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", PRT_OK),
            ("Ngc Prerequisite Check", ngc),
        ]);
        let no = framed(&[("Device State", HYBRID), ("SSO State", PRT_OK)]);
        check(enterprise_prt_missing, "enterprise-prt-missing", &yes, &no);
    }

    #[test]
    fn enterprise_prt_expired_rule() {
        let e = with(
            &with(
                &with(PRT_OK, "EnterprisePrt", "YES"),
                "EnterprisePrtExpiryTime",
                "2024-04-01 08:00:00.000 UTC",
            ),
            "EnterprisePrtAuthority",
            "https://sts.contoso.com:443/adfs",
        );
        let yes = framed(&[
            ("Device State", HYBRID),
            ("SSO State", &e),
            ("Diagnostic Data", &diag("2024-05-01 09:00:00.000 UTC")),
        ]);
        let fine = with(&e, "EnterprisePrtExpiryTime", "2024-05-14 08:00:00.000 UTC");
        let no = framed(&[
            ("Device State", HYBRID),
            ("SSO State", &fine),
            ("Diagnostic Data", &diag("2024-05-01 09:00:00.000 UTC")),
        ]);
        check(enterprise_prt_expired, "enterprise-prt-expired", &yes, &no);
    }

    #[test]
    fn onprem_tgt_missing_rule() {
        let user: &[(&str, &str)] = &[
            ("NgcSet", "YES"),
            ("NgcKeyId", "{aaaaaaaa-0b0b-1c1c-2d2d-333333333333}"),
        ];
        let entra: &[(&str, &str)] = &[
            ("AzureAdJoined", "YES"),
            ("EnterpriseJoined", "NO"),
            ("DomainJoined", "NO"),
        ];
        let yes = framed(&[
            ("Device State", entra),
            ("User State", user),
            ("SSO State", &with(PRT_OK, "OnPremTgt", "NO")),
        ]);
        let no = framed(&[
            ("Device State", entra),
            ("User State", user),
            ("SSO State", &with(PRT_OK, "OnPremTgt", "YES")),
        ]);
        check(onprem_tgt_missing, "onprem-tgt-missing", &yes, &no);
        // Hybrid-joined devices have their own Kerberos path to the DCs.
        let hybrid = framed(&[
            ("Device State", HYBRID),
            ("User State", user),
            ("SSO State", &with(PRT_OK, "OnPremTgt", "NO")),
        ]);
        assert!(onprem_tgt_missing(&facts(&hybrid)).is_none());
    }
}
