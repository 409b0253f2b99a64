//! Rules on the proxy sections: the user's WinINet proxy versus the
//! machine's WinHTTP proxy that the SYSTEM account uses, and proxies that
//! ask for authentication.

use super::{Finding, Scope, Severity};
use crate::codes::{codes_in, Code};
use crate::model::{Facts, TestResult, Val};
use crate::rules::sso::{classify, is_proxy_auth_code, AttemptClass};
use m365doctor_codes::Layer;

/// Network-class failures of SYSTEM-context work in the capture.
fn system_network_failures(f: &Facts) -> Vec<Val> {
    let mut out: Vec<Val> = Vec::new();
    for t in &f.diagnostics.tests {
        let network = t
            .code
            .as_ref()
            .is_some_and(|c| matches!(c.best_layer(), Some(Layer::Network | Layer::ProxyTls)));
        if t.result == TestResult::Fail && network {
            out.push(t.val.clone());
        }
    }
    if let Some(p) = &f.diagnostics.previous_registration {
        if let (Some(c), Some(v)) = (&p.client_code, &p.client_error_code) {
            if matches!(c.best_layer(), Some(Layer::Network | Layer::ProxyTls)) {
                out.push(v.clone());
            }
        }
    }
    if let Some(v) = &f.device.auth_status {
        let u = v.upper();
        if u.starts_with("FAIL") && u.contains("ERROR") {
            out.push(v.clone());
        }
    }
    if f.join_type == crate::model::JoinType::HybridJoined {
        for a in &f.sso.attempts {
            if classify(a) == AttemptClass::Network {
                out.extend(a.http_error.clone().or_else(|| a.status.clone()));
            }
        }
    }
    out
}

/// HTTP 407 or a proxy-authentication code anywhere in the capture.
pub fn proxy_auth_required_system(f: &Facts) -> Option<Finding> {
    let mut evidence: Vec<Val> = Vec::new();
    let mut codes: Vec<Code> = Vec::new();
    for a in &f.sso.attempts {
        if classify(a) == AttemptClass::ProxyAuth {
            evidence.extend(a.http_status.clone());
            evidence.extend(a.endpoint_uri.clone());
            codes.extend(a.codes().into_iter().filter(is_proxy_auth_code));
        }
    }
    if let Some(p) = &f.diagnostics.previous_registration {
        let status_407 = p
            .https_status
            .as_ref()
            .is_some_and(|v| v.raw.trim() == "407");
        let code = p.client_code.as_ref().filter(|c| is_proxy_auth_code(c));
        if status_407 || code.is_some() {
            evidence.extend(p.https_status.clone());
            evidence.extend(p.client_error_code.clone());
            codes.extend(code.cloned());
        }
    }
    for t in &f.diagnostics.tests {
        if let Some(c) = t.code.as_ref().filter(|c| is_proxy_auth_code(c)) {
            evidence.push(t.val.clone());
            codes.push(c.clone());
        }
    }
    if evidence.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            "proxy-auth-required-system",
            Severity::Error,
            Layer::ProxyTls,
            "A proxy answered with HTTP 407 (proxy authentication required) on the way to Microsoft Entra ID. Device registration and, on hybrid-joined devices, PRT requests run as the computer account (SYSTEM), which cannot answer a proxy's sign-in prompt. Let the proxy pass Microsoft Entra ID endpoints (login.microsoftonline.com, enterpriseregistration.windows.net, device.login.microsoftonline.com) without authentication, or make sure the computer account can authenticate to it silently.",
            "Microsoft Entra ID への経路上で、プロキシが HTTP 407 (プロキシ認証が必要) を返しました。デバイスの登録や、ハイブリッド参加のデバイスでの PRT の要求はコンピューター アカウント (SYSTEM) として実行され、プロキシの認証要求に応答できません。Microsoft Entra ID のエンドポイント (login.microsoftonline.com、enterpriseregistration.windows.net、device.login.microsoftonline.com) を認証なしで通すようプロキシを設定するか、コンピューター アカウントが自動的に認証できるようにしてください。",
        )
        .evidence(evidence)
        .ev([&f.proxy.winhttp.as_ref().and_then(|w| w.access_type.clone())])
        .codes(codes)
        .entry("proxy-authentication-required")
        .scope(Scope::System)
        .actions(&["check-proxy", "contact-admin", "admin-configure-hybrid-join"]),
    )
}

/// A machine proxy is set and SYSTEM-context requests fail on the network.
pub fn system_network_failure_behind_proxy(f: &Facts) -> Option<Finding> {
    let winhttp = f.proxy.winhttp.as_ref().filter(|w| w.is_proxy());
    let system_ie = f
        .proxy
        .system_account
        .as_ref()
        .filter(|p| p.uses_explicit_proxy());
    if winhttp.is_none() && system_ie.is_none() {
        return None;
    }
    if proxy_auth_required_system(f).is_some() {
        return None;
    }
    let failures = system_network_failures(f);
    if failures.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            "system-network-failure-behind-proxy",
            Severity::Warning,
            Layer::ProxyTls,
            "The computer uses a machine-wide proxy, and requests made as SYSTEM failed with network errors. The computer account must be able to find the proxy and authenticate to it silently, and the proxy must not break TLS to Microsoft Entra ID; check the proxy's rules for login.microsoftonline.com, enterpriseregistration.windows.net and device.login.microsoftonline.com.",
            "このコンピューターはコンピューター全体のプロキシを使用しており、SYSTEM として行われた要求がネットワーク エラーで失敗しています。コンピューター アカウントがプロキシを検出して自動的に認証できること、プロキシが Microsoft Entra ID への TLS を壊さないことが必要です。login.microsoftonline.com、enterpriseregistration.windows.net、device.login.microsoftonline.com に対するプロキシのルールを確認してください。",
        )
        .ev([&winhttp.and_then(|w| w.access_type.clone())])
        .evidence(winhttp.map(|w| w.other.clone()).unwrap_or_default())
        .evidence(system_ie.map(|p| p.evidence()).unwrap_or_default())
        .evidence(failures)
        .scope(Scope::System)
        .actions(&["check-proxy", "check-network", "admin-configure-hybrid-join"]),
    )
}

/// The user has a proxy, the machine (WinHTTP) goes direct.
pub fn winhttp_direct_user_proxy(f: &Facts) -> Option<Finding> {
    let user = f.proxy.user.as_ref().filter(|p| p.uses_explicit_proxy())?;
    let winhttp = f.proxy.winhttp.as_ref().filter(|w| w.is_direct())?;
    if f.proxy
        .system_account
        .as_ref()
        .is_some_and(|p| p.uses_explicit_proxy())
    {
        return None;
    }
    let failures = system_network_failures(f);
    let (tail_en, tail_ja) = if failures.is_empty() {
        (
            " If this network reaches the internet only through the proxy, hybrid join and SYSTEM-context token requests will time out.",
            "このネットワークがプロキシ経由でしかインターネットに出られない場合、ハイブリッド参加や SYSTEM コンテキストのトークン要求はタイムアウトします。",
        )
    } else {
        (
            " This capture already shows SYSTEM-context requests failing on the network, which fits.",
            "このキャプチャには SYSTEM コンテキストの要求がネットワーク エラーで失敗した記録があり、この状況と一致します。",
        )
    };
    Some(
        Finding::new(
            "winhttp-direct-user-proxy",
            if failures.is_empty() { Severity::Warning } else { Severity::Error },
            Layer::ProxyTls,
            format!("The user's proxy settings (WinINet) use a proxy, but the machine-wide WinHTTP proxy is DIRECT. Browsers and apps follow the user's settings; the SYSTEM account, which performs hybrid join and, on hybrid-joined devices, requests the PRT, does not (0x80072EE2, 0x801C001F and WinHTTP 12002 are the usual symptoms).{tail_en} Configure the machine proxy (netsh winhttp set proxy, or a PAC file / WPAD the computer can use)."),
            format!("ユーザーのプロキシ設定 (WinINet) ではプロキシを使用していますが、コンピューター全体の WinHTTP プロキシは DIRECT (直接接続) です。ブラウザーやアプリはユーザーの設定に従いますが、ハイブリッド参加や、ハイブリッド参加のデバイスでの PRT の要求を行う SYSTEM アカウントは従いません (0x80072EE2、0x801C001F、WinHTTP 12002 が典型的な症状です)。{tail_ja}コンピューターのプロキシを構成してください (netsh winhttp set proxy、またはコンピューターが使える PAC ファイル / WPAD)。"),
        )
        .evidence(user.evidence().into_iter().filter(|v| !v.is_blank()))
        .ev([&winhttp.access_type])
        .evidence(failures)
        .scope(Scope::Device)
        .actions(&["check-proxy", "check-network", "admin-configure-hybrid-join"]),
    )
}

/// URL Specific Proxy Config: WPAD found no PAC script.
pub fn wpad_detection_failed(f: &Facts) -> Option<Finding> {
    let v = f.proxy.url_specific.iter().find(|v| {
        crate::parse::normalize_key(&v.field) == "autodetectpacstatus" && v.upper().contains("FAIL")
    })?;
    let codes = codes_in(&v.raw, false);
    Some(
        Finding::new(
            "wpad-detection-failed",
            Severity::Info,
            Layer::ProxyTls,
            "Automatic proxy detection (WPAD) found no proxy auto-configuration (PAC) script for the account that ran dsregcmd. On a network with direct internet access that is harmless; on a network that requires a proxy, requests from that account go direct and fail. The machine then needs an explicit WinHTTP proxy or a reachable PAC file.",
            "自動プロキシ検出 (WPAD) で、dsregcmd を実行したアカウント用のプロキシ自動構成 (PAC) スクリプトが見つかりませんでした。インターネットに直接接続できるネットワークでは問題ありませんが、プロキシが必要なネットワークでは、そのアカウントからの要求が直接送信されて失敗します。その場合は WinHTTP のプロキシを明示的に設定するか、到達できる PAC ファイルが必要です。",
        )
        .evidence([v.clone()])
        .codes(codes)
        .entry("proxy-autoconfig-failed")
        .scope(Scope::System)
        .actions(&["check-proxy"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check, framed, with, DJ};

    const IE_PROXY: &[(&str, &str)] = &[
        ("Auto Detect Settings", "NO"),
        (
            "Auto-Configuration URL",
            "http://proxy.contoso.com/proxy.pac",
        ),
        ("Proxy Server List", ""),
        ("Proxy Bypass List", ""),
    ];
    const IE_DIRECT: &[(&str, &str)] = &[("Auto Detect Settings", "YES")];
    const DIRECT: &[(&str, &str)] = &[("Access Type", "DIRECT")];
    const NAMED: &[(&str, &str)] = &[
        ("Access Type", "NAMED PROXY"),
        ("Proxy Server", "proxy.contoso.com:8080"),
    ];
    const PRE_FAIL: &[(&str, &str)] = &[
        ("User Context", "SYSTEM"),
        ("Client Time", "2024-05-01 09:25:31.000 UTC"),
        ("AD Connectivity Test", "PASS"),
        ("AD Configuration Test", "PASS"),
        ("DRS Discovery Test", "FAIL [0x801c0021/0x80072ee2]"),
    ];

    #[test]
    fn proxy_auth_required_system_rule() {
        let mut d: Vec<(&str, &str)> = PRE_FAIL.to_vec();
        d.extend([
            ("Previous Registration", "2024-05-01 09:16:43.000 UTC"),
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c0021"),
            ("Https Status", "407"),
        ]);
        let yes = framed(&[("Device State", DJ), ("Diagnostic Data", &d)]);
        let no = framed(&[("Device State", DJ), ("Diagnostic Data", PRE_FAIL)]);
        check(
            proxy_auth_required_system,
            "proxy-auth-required-system",
            &yes,
            &no,
        );
    }

    #[test]
    fn system_network_failure_behind_proxy_rule() {
        let yes = framed(&[
            ("Device State", DJ),
            ("Diagnostic Data", PRE_FAIL),
            ("IE Proxy Config for Current User", IE_PROXY),
            ("WinHttp Default Proxy Config", NAMED),
        ]);
        let no = framed(&[
            ("Device State", DJ),
            (
                "Diagnostic Data",
                &with(PRE_FAIL, "DRS Discovery Test", "PASS"),
            ),
            ("IE Proxy Config for Current User", IE_PROXY),
            ("WinHttp Default Proxy Config", NAMED),
        ]);
        check(
            system_network_failure_behind_proxy,
            "system-network-failure-behind-proxy",
            &yes,
            &no,
        );
    }

    #[test]
    fn winhttp_direct_user_proxy_rule() {
        let yes = framed(&[
            ("Device State", DJ),
            ("Diagnostic Data", PRE_FAIL),
            ("IE Proxy Config for Current User", IE_PROXY),
            ("WinHttp Default Proxy Config", DIRECT),
        ]);
        let no = framed(&[
            ("Device State", DJ),
            ("Diagnostic Data", PRE_FAIL),
            ("IE Proxy Config for Current User", IE_DIRECT),
            ("WinHttp Default Proxy Config", DIRECT),
        ]);
        let f = check(
            winhttp_direct_user_proxy,
            "winhttp-direct-user-proxy",
            &yes,
            &no,
        );
        assert_eq!(f.severity, Severity::Error);
        assert!(f.evidence.iter().any(|v| v.raw.contains("proxy.pac")));
    }

    #[test]
    fn wpad_detection_failed_rule() {
        let url: &[(&str, &str)] = &[("Auto Detect PAC Status", "Failed to auto detect the Proxy Auto-Configuration (PAC) script using WPAD. code: 0x80072f94")];
        let ok: &[(&str, &str)] = &[(
            "Executing Account Name",
            "CONTOSO\\PC01$, PC01$@contoso.com",
        )];
        let yes = framed(&[("Device State", DJ), ("URL Specific Proxy Config", url)]);
        let no = framed(&[("Device State", DJ), ("URL Specific Proxy Config", ok)]);
        let f = check(wpad_detection_failed, "wpad-detection-failed", &yes, &no);
        assert_eq!(f.normalized_codes(), vec!["0x80072F94"]);
    }
}
