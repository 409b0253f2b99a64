//! `check-network`: name resolution, a TCP connection on port 443 and the
//! start of a TLS handshake to each Microsoft 365 and Entra endpoint, each
//! with a timeout, plus the user's and the system (WinHTTP) proxy settings.
//! Read-only. The TLS probe sends a TLS 1.2 ClientHello, reads whether a
//! ServerHello comes back and who issued the certificate that follows (in
//! TLS 1.2 it travels in the clear): an issuer other than Microsoft's or
//! DigiCert's CAs means something inspects TLS. The certificate chain is not
//! validated. Where the direct way fails and a proxy is configured, the same
//! ClientHello goes through it after `CONNECT host:443`.

use crate::facts::{self, SHORT};
use crate::host::{Host, Os};
use crate::t;
use crate::text::Text;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;

pub const ENDPOINTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.live.com",
    "outlook.office365.com",
    "odc.officeapps.live.com",
    "enterpriseregistration.windows.net",
    "device.login.microsoftonline.com",
];

pub const USER_PROXY_KEY: &str =
    r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    pub host: String,
    pub dns: Result<String, String>,
    pub tcp: Option<Result<(), String>>,
    pub tls: Option<Result<String, String>>,
    /// Who issued the server's certificate, when it could be read.
    pub issuer: Option<Issuer>,
    /// When the direct probe failed and a proxy is configured: the same
    /// handshake through the proxy (`CONNECT`).
    pub via_proxy: Option<ProxyProbe>,
}

/// A probe through the proxy: `CONNECT host:443` with the ClientHello.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyProbe {
    /// `host:port` of the proxy.
    pub proxy: String,
    pub result: Result<String, String>,
}

impl Probe {
    /// Reachable: directly, or through the configured proxy.
    pub fn ok(&self) -> bool {
        self.direct_ok() || self.via_proxy.as_ref().is_some_and(|v| v.result.is_ok())
    }

    pub fn direct_ok(&self) -> bool {
        self.dns.is_ok() && matches!(self.tcp, Some(Ok(()))) && matches!(self.tls, Some(Ok(_)))
    }

    /// What the direct probe's failure means once the proxy was tried.
    fn proxy_outcome(&self, direct: Text) -> Text {
        match &self.via_proxy {
            None => direct,
            Some(ProxyProbe {
                proxy,
                result: Err(e),
            }) => Text::new(
                format!("{}; through the proxy {proxy}: {e}", direct.en),
                format!("{}。プロキシ {proxy} 経由: {e}", direct.ja),
            ),
            Some(ProxyProbe { result: Ok(_), .. }) => direct,
        }
    }

    /// Where it failed, for people.
    pub fn failure(&self) -> Option<Text> {
        let through_proxy = self.via_proxy.as_ref().is_some_and(|v| v.result.is_ok());
        if let (false, Err(e)) = (through_proxy, &self.dns) {
            return Some(self.proxy_outcome(t!(
                "name resolution (DNS) failed: {e}",
                "名前解決 (DNS) に失敗: {e}"
            )));
        }
        if let (false, Some(Err(e))) = (through_proxy, &self.tcp) {
            return Some(self.proxy_outcome(t!(
                "TCP connection to port 443 failed: {e}",
                "443 番ポートへの TCP 接続に失敗: {e}"
            )));
        }
        if let (false, Some(Err(e))) = (through_proxy, &self.tls) {
            return Some(self.proxy_outcome(t!(
                "TLS handshake failed: {e}",
                "TLS ハンドシェイクに失敗: {e}"
            )));
        }
        if let Some(i) = self.issuer.as_ref().filter(|i| !i.expected()) {
            let who = i.label();
            return Some(t!(
                "the certificate is issued by {who}, not by the CAs Microsoft uses: a proxy or security product inspects TLS, which breaks sign-in (Microsoft recommends excluding its endpoints from inspection)",
                "証明書の発行者が {who} で、Microsoft が使う CA ではありません。プロキシやセキュリティ製品が TLS を検査しており、サインインが失敗する原因になります (Microsoft はこれらのエンドポイントを検査対象から除外するよう推奨しています)"
            ));
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkReport {
    pub probes: Vec<Probe>,
    /// `ProxyEnable`, `ProxyServer`, `AutoConfigURL` of the user (Windows).
    pub user_proxy: Vec<(String, String)>,
    /// `netsh winhttp show proxy`, as printed.
    pub system_proxy: Option<String>,
    pub system_direct: Option<bool>,
}

impl NetworkReport {
    pub fn ok(&self) -> bool {
        self.probes.iter().all(Probe::ok)
    }

    /// Remarks on the proxy settings that explain failures.
    pub fn proxy_notes(&self) -> Vec<Text> {
        let mut notes = Vec::new();
        let enabled = self
            .user_proxy
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("ProxyEnable") && v == "0x1");
        let pac = self
            .user_proxy
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("AutoConfigURL"));
        if (enabled || pac) && self.system_direct == Some(true) {
            notes.push(t!(
                "The user goes through a proxy but the system (WinHTTP) connects directly: device registration and the Primary Refresh Token run as SYSTEM and may fail where direct access is blocked.",
                "ユーザーはプロキシ経由ですが、システム (WinHTTP) は直接接続です。デバイス登録やプライマリ更新トークン (PRT) の取得は SYSTEM として実行されるため、直接接続が遮断された環境では失敗することがあります。"
            ));
        }
        if (enabled || pac) && !self.ok() && self.probes.iter().all(|p| p.via_proxy.is_none()) {
            notes.push(t!(
                "These probes connect directly, not through the proxy: a failure may only mean that the network requires the proxy.",
                "この確認はプロキシを経由せず直接接続します。失敗しても、ネットワークがプロキシ経由の接続を必須にしているだけの可能性があります。"
            ));
        }
        notes
    }
}

/// `host:port` of the proxy for HTTPS from the user's `ProxyServer`
/// (`proxy:8080`, or `http=a:80;https=b:8080`), when `ProxyEnable` is 1.
pub fn user_https_proxy(settings: &[(String, String)]) -> Option<(String, u16)> {
    let get = |n: &str| {
        settings
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.trim())
    };
    if !matches!(get("ProxyEnable"), Some("0x1" | "1")) {
        return None;
    }
    https_entry(get("ProxyServer")?)
}

/// The proxy `netsh winhttp show proxy` names (`Proxy Server(s) :
/// proxy:8080`; Japanese `プロキシ サーバー:`).
pub fn winhttp_proxy(text: &str) -> Option<(String, u16)> {
    text.lines().find_map(|l| {
        let (label, value) = l.split_once(':')?;
        let label = label.trim();
        if label.starts_with("Proxy Server") || label.starts_with("プロキシ サーバー") {
            https_entry(value.trim())
        } else {
            None
        }
    })
}

/// The HTTPS proxy of a proxy list: `proxy:8080`, or the `https=` (else
/// `http=`) entry of `http=a:80;https=b:8080`.
fn https_entry(server: &str) -> Option<(String, u16)> {
    if !server.contains('=') {
        return host_port(server);
    }
    let entry = |scheme: &str| {
        server
            .split(';')
            .find_map(|p| p.trim().strip_prefix(scheme).map(str::to_string))
    };
    host_port(&entry("https=").or_else(|| entry("http="))?)
}

/// `http://proxy:8080/`, `proxy:8080`, `https=proxy:8080` → (`proxy`, 8080).
pub fn host_port(text: &str) -> Option<(String, u16)> {
    let t = text.trim();
    let t = t.split_once("://").map(|(_, r)| r).unwrap_or(t);
    let t = t.rsplit_once('@').map(|(_, r)| r).unwrap_or(t);
    let t = t.split(['/', ';', ' ']).next()?;
    let (h, p) = t.rsplit_once(':')?;
    let port = p.parse().ok()?;
    (!h.is_empty()).then(|| (h.to_string(), port))
}

/// Probes every endpoint (directly, and through the configured proxy where
/// the direct way fails) and reads the proxy settings.
pub fn check(host: &dyn Host, timeout: Duration) -> NetworkReport {
    let mut user_proxy = Vec::new();
    let mut system_proxy = None;
    let mut system_direct = None;
    if host.os() == Os::Windows {
        if let Some(q) = facts::reg_query(host, USER_PROXY_KEY, None) {
            for (name, _, data) in q.values {
                if [
                    "ProxyEnable",
                    "ProxyServer",
                    "ProxyOverride",
                    "AutoConfigURL",
                ]
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&name))
                {
                    user_proxy.push((name, data));
                }
            }
        }
        if let Ok(o) = host.run("netsh", &["winhttp", "show", "proxy"], SHORT) {
            let text = o.text().trim().to_string();
            system_direct = Some(facts::winhttp_direct(&text));
            system_proxy = Some(text);
        }
    } else {
        for name in ["https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"] {
            if let Some(v) = host.env(name) {
                user_proxy.push((name.to_string(), v));
            }
        }
    }
    let proxy = user_https_proxy(&user_proxy)
        .or_else(|| {
            user_proxy
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("https_proxy"))
                .and_then(|(_, v)| host_port(v))
        })
        .or_else(|| system_proxy.as_deref().and_then(winhttp_proxy));
    let probes = ENDPOINTS
        .iter()
        .map(|h| probe(host, h, timeout, proxy.as_ref()))
        .collect();
    NetworkReport {
        probes,
        user_proxy,
        system_proxy,
        system_direct,
    }
}

fn probe(host: &dyn Host, name: &str, timeout: Duration, proxy: Option<&(String, u16)>) -> Probe {
    let mut p = direct_probe(host, name, timeout);
    if !p.direct_ok() {
        if let Some((proxy_host, port)) = proxy {
            let result = through_proxy(host, name, proxy_host, *port, timeout);
            if let Ok(bytes) = &result {
                if p.issuer.is_none() {
                    p.issuer = leaf_certificate(bytes).and_then(|c| issuer_of(&c));
                }
            }
            p.via_proxy = Some(ProxyProbe {
                proxy: format!("{proxy_host}:{port}"),
                result: result.and_then(|b| {
                    if b.is_empty() {
                        Ok("CONNECT accepted".into())
                    } else {
                        classify(&b)
                    }
                }),
            });
        }
    }
    p
}

/// `CONNECT name:443` through the proxy with the ClientHello right after
/// it; what the server answered through the tunnel.
fn through_proxy(
    host: &dyn Host,
    name: &str,
    proxy: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<u8>, String> {
    let addr = match host.resolve(proxy, timeout) {
        Ok(a) if !a.is_empty() => SocketAddr::new(a[0], port),
        Ok(_) => return Err(format!("the proxy {proxy} has no address")),
        Err(e) => return Err(format!("the proxy {proxy} cannot be resolved: {e}")),
    };
    let mut send = format!("CONNECT {name}:443 HTTP/1.1\r\nHost: {name}:443\r\n\r\n").into_bytes();
    send.extend(client_hello(name, host.now()));
    let answer = host
        .tcp_exchange(addr, &send, timeout)
        .map_err(|e| format!("cannot connect to the proxy: {e}"))?;
    let head_end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| "the proxy did not answer CONNECT".to_string())?;
    let head = String::from_utf8_lossy(&answer[..head_end]);
    let status = head.lines().next().unwrap_or("").trim().to_string();
    match status.split_whitespace().nth(1) {
        Some("200") => Ok(answer[head_end + 4..].to_vec()),
        Some("407") => Err(format!(
            "the proxy requires authentication ({status}); Windows signs in to it for the apps, this probe does not"
        )),
        _ => Err(format!("the proxy refused the connection: {status}")),
    }
}

fn direct_probe(host: &dyn Host, name: &str, timeout: Duration) -> Probe {
    let mut p = Probe {
        host: name.to_string(),
        dns: Err(String::new()),
        tcp: None,
        tls: None,
        issuer: None,
        via_proxy: None,
    };
    let addrs = match host.resolve(name, timeout) {
        Ok(a) if !a.is_empty() => a,
        Ok(_) => {
            p.dns = Err("no address".into());
            return p;
        }
        Err(e) => {
            p.dns = Err(e.to_string());
            return p;
        }
    };
    p.dns = Ok(addrs
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", "));
    let addr = SocketAddr::new(addrs[0], 443);
    let hello = client_hello(name, host.now());
    match host.tcp_exchange(addr, &hello, timeout) {
        Ok(bytes) => {
            p.tcp = Some(Ok(()));
            p.tls = Some(classify(&bytes));
            p.issuer = leaf_certificate(&bytes).and_then(|c| issuer_of(&c));
        }
        Err(e) => {
            // Tell a refused or timed-out connection from a handshake failure.
            match host.tcp_exchange(addr, &[], timeout) {
                Ok(_) => {
                    p.tcp = Some(Ok(()));
                    p.tls = Some(Err(e.to_string()));
                }
                Err(e) => p.tcp = Some(Err(e.to_string())),
            }
        }
    }
    p
}

/// What came back to a ClientHello.
pub fn classify(bytes: &[u8]) -> Result<String, String> {
    match bytes {
        [] => Err("the server closed the connection without answering".into()),
        [0x16, 3, _, _, _, 0x02, _, _, _, major, minor, ..] => {
            let mut detail = format!("ServerHello (version {major}.{minor})");
            if let Some(issuer) = leaf_certificate(bytes).and_then(|c| issuer_of(&c)) {
                detail.push_str(&format!("; certificate issued by {}", issuer.label()));
            }
            Ok(detail)
        }
        [0x15, _, _, _, _, level, desc, ..] => Err(format!(
            "TLS alert {desc} (level {level}){}",
            if *desc == 40 {
                ": handshake failure"
            } else if *desc == 112 {
                ": unrecognised name"
            } else {
                ""
            }
        )),
        b if b.starts_with(b"HTTP/") => {
            let line = String::from_utf8_lossy(b);
            Err(format!(
                "an HTTP answer instead of TLS (a proxy or filter intercepts): {}",
                line.lines().next().unwrap_or("")
            ))
        }
        b => Err(format!(
            "not a TLS answer (first byte 0x{:02x}, {} bytes)",
            b[0],
            b.len()
        )),
    }
}

/// Organisations whose CAs issue the certificates of Microsoft 365 and
/// Entra endpoints; another issuer means something re-signs the traffic.
pub const EXPECTED_ISSUERS: &[&str] = &["Microsoft Corporation", "DigiCert Inc", "DigiCert, Inc."];

/// The issuer of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issuer {
    pub common_name: Option<String>,
    pub organization: Option<String>,
}

impl Issuer {
    pub fn label(&self) -> String {
        match (&self.common_name, &self.organization) {
            (Some(cn), Some(o)) => format!("CN={cn}, O={o}"),
            (Some(cn), None) => format!("CN={cn}"),
            (None, Some(o)) => format!("O={o}"),
            (None, None) => "an unnamed issuer".into(),
        }
    }

    /// Issued by one of the CAs Microsoft's endpoints use.
    pub fn expected(&self) -> bool {
        self.organization
            .as_deref()
            .is_some_and(|o| EXPECTED_ISSUERS.iter().any(|e| e.eq_ignore_ascii_case(o)))
    }
}

/// The server's certificate (DER) from a TLS 1.2 first flight, where the
/// Certificate message is still in the clear.
pub fn leaf_certificate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut handshake = Vec::new();
    let mut pos = 0;
    while pos + 5 <= bytes.len() {
        let len = u16::from_be_bytes([bytes[pos + 3], bytes[pos + 4]]) as usize;
        let end = (pos + 5 + len).min(bytes.len());
        if bytes[pos] == 0x16 {
            handshake.extend_from_slice(&bytes[pos + 5..end]);
        }
        pos += 5 + len;
    }
    let u24 = |b: &[u8], i: usize| -> Option<usize> {
        Some(
            ((*b.get(i)? as usize) << 16)
                | ((*b.get(i + 1)? as usize) << 8)
                | *b.get(i + 2)? as usize,
        )
    };
    let mut i = 0;
    while i + 4 <= handshake.len() {
        let kind = handshake[i];
        let len = u24(&handshake, i + 1)?;
        if kind == 11 {
            let first = u24(&handshake, i + 7)?;
            return handshake.get(i + 10..i + 10 + first).map(<[u8]>::to_vec);
        }
        i += 4 + len;
    }
    None
}

/// One DER element at `pos`: its tag and the range of its content.
fn der(bytes: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let tag = *bytes.get(pos)?;
    let first = *bytes.get(pos + 1)? as usize;
    let (len, start) = if first < 0x80 {
        (first, pos + 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for k in 0..n {
            len = (len << 8) | *bytes.get(pos + 2 + k)? as usize;
        }
        (len, pos + 2 + n)
    };
    let end = start.checked_add(len)?;
    (end <= bytes.len()).then_some((tag, start, end))
}

/// The elements inside a constructed DER element's content.
fn children(bytes: &[u8], start: usize, end: usize) -> Vec<(u8, usize, usize)> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos < end {
        let Some((tag, s, e)) = der(bytes, pos) else {
            break;
        };
        out.push((tag, s, e));
        pos = e;
    }
    out
}

/// The issuer's common name and organisation of an X.509 certificate.
pub fn issuer_of(cert: &[u8]) -> Option<Issuer> {
    let (_, s, e) = der(cert, 0)?;
    let (_, ts, te) = der(&cert[..e], s)?;
    let fields = children(cert, ts, te);
    let skip = usize::from(fields.first()?.0 == 0xA0);
    let (tag, ns, ne) = *fields.get(skip + 2)?;
    if tag != 0x30 {
        return None;
    }
    let mut issuer = Issuer {
        common_name: None,
        organization: None,
    };
    for (_, rs, re) in children(cert, ns, ne) {
        for (_, as_, ae) in children(cert, rs, re) {
            let parts = children(cert, as_, ae);
            let (Some(&(0x06, os, oe)), Some(&(vt, vs, ve))) = (parts.first(), parts.get(1)) else {
                continue;
            };
            let value = match vt {
                0x1E => {
                    let units: Vec<u16> = cert[vs..ve]
                        .chunks_exact(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16_lossy(&units)
                }
                _ => String::from_utf8_lossy(&cert[vs..ve]).into_owned(),
            };
            match &cert[os..oe] {
                [0x55, 0x04, 0x03] => issuer.common_name = Some(value),
                [0x55, 0x04, 0x0A] => issuer.organization = Some(value),
                _ => {}
            }
        }
    }
    Some(issuer)
}

/// A TLS 1.2 ClientHello with SNI and the usual extensions (TLS 1.3 capable
/// servers answer it with a TLS 1.2 ServerHello).
pub fn client_hello(server: &str, now: std::time::SystemTime) -> Vec<u8> {
    let mut random = [0u8; 32];
    let seed = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0) as u64;
    let mut x = seed | 1;
    for b in random.iter_mut() {
        // xorshift: the ClientHello random needs no secrecy for a probe.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let mut body = vec![0x03, 0x03];
    body.extend(random);
    body.push(0);
    let suites: [u16; 8] = [
        0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0x009c, 0x009d,
    ];
    push_u16(&mut body, (suites.len() * 2) as u16);
    for s in suites {
        push_u16(&mut body, s);
    }
    body.extend([1, 0]);
    let mut ext = Vec::new();
    let name = server.as_bytes();
    let mut sni = Vec::new();
    push_u16(&mut sni, (name.len() + 3) as u16);
    sni.push(0);
    push_u16(&mut sni, name.len() as u16);
    sni.extend(name);
    extension(&mut ext, 0x0000, &sni);
    extension(&mut ext, 0x000a, &[0, 6, 0, 0x1d, 0, 0x17, 0, 0x18]);
    extension(&mut ext, 0x000b, &[1, 0]);
    let sigs: [u16; 8] = [
        0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0804, 0x0805, 0x0806,
    ];
    let mut s = Vec::new();
    push_u16(&mut s, 16);
    for a in sigs {
        push_u16(&mut s, a);
    }
    extension(&mut ext, 0x000d, &s);
    extension(&mut ext, 0xff01, &[0]);
    push_u16(&mut body, ext.len() as u16);
    body.extend(ext);
    let mut hs = vec![0x01];
    hs.extend(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend(body);
    let mut rec = vec![0x16, 0x03, 0x01];
    push_u16(&mut rec, hs.len() as u16);
    rec.extend(hs);
    rec
}

fn push_u16(v: &mut Vec<u8>, n: u16) {
    v.extend(n.to_be_bytes());
}

fn extension(v: &mut Vec<u8>, kind: u16, data: &[u8]) {
    push_u16(v, kind);
    push_u16(v, data.len() as u16);
    v.extend(data);
}

/// The server name of a ClientHello built by [`client_hello`].
pub fn sni_of(hello: &[u8]) -> Option<String> {
    // record(5) + handshake header(4) + version(2) + random(32) + session id
    let mut i = 5 + 4 + 2 + 32;
    let sid = *hello.get(i)? as usize;
    i += 1 + sid;
    let suites = u16::from_be_bytes([*hello.get(i)?, *hello.get(i + 1)?]) as usize;
    i += 2 + suites;
    let comp = *hello.get(i)? as usize;
    i += 1 + comp + 2;
    while i + 4 <= hello.len() {
        let kind = u16::from_be_bytes([hello[i], hello[i + 1]]);
        let len = u16::from_be_bytes([hello[i + 2], hello[i + 3]]) as usize;
        let data = hello.get(i + 4..i + 4 + len)?;
        if kind == 0 {
            let n = u16::from_be_bytes([*data.get(3)?, *data.get(4)?]) as usize;
            return String::from_utf8(data.get(5..5 + n)?.to_vec()).ok();
        }
        i += 4 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_carries_the_server_name_and_lengths_add_up() {
        let h = client_hello("login.microsoftonline.com", std::time::UNIX_EPOCH);
        assert_eq!(&h[..3], &[0x16, 0x03, 0x01]);
        let rec_len = u16::from_be_bytes([h[3], h[4]]) as usize;
        assert_eq!(rec_len, h.len() - 5);
        let hs_len = u32::from_be_bytes([0, h[6], h[7], h[8]]) as usize;
        assert_eq!(hs_len, h.len() - 9);
        assert_eq!(sni_of(&h).as_deref(), Some("login.microsoftonline.com"));
    }

    #[test]
    fn answers_are_classified() {
        assert!(classify(&[0x16, 3, 3, 0, 0x51, 2, 0, 0, 0x4d, 3, 3]).is_ok());
        let alert = classify(&[0x15, 3, 3, 0, 2, 2, 40]).unwrap_err();
        assert!(alert.contains("handshake failure"), "{alert}");
        let http = classify(b"HTTP/1.1 407 Proxy Authentication Required\r\n").unwrap_err();
        assert!(http.contains("407"), "{http}");
        assert!(classify(&[]).is_err());
    }
}
