//! `check-network` against the recorded machine: where each probe fails,
//! and what the proxy settings explain.

use m365doctor_fix::network::{check, ENDPOINTS};
use m365doctor_testkit::{NetFault, RecordedHost, WinLang};
use std::path::Path;
use std::time::Duration;

fn host(lang: WinLang) -> RecordedHost {
    RecordedHost::new(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")),
        lang,
    )
    .unwrap()
}

#[test]
fn every_endpoint_is_probed_with_dns_tcp_and_tls() {
    let h = host(WinLang::En);
    let r = check(&h, Duration::from_secs(2));
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.probes.len(), ENDPOINTS.len());
    for e in ENDPOINTS {
        assert!(h.calls().contains(&format!("resolve {e}")));
        assert!(
            h.calls().contains(&format!("tcp 192.0.2.10:443 {e}")),
            "{e}"
        );
    }
    // The TLS probe names the server (SNI), read back from the ClientHello,
    // and reads who issued the certificate.
    assert!(r.probes.iter().all(|p| p.tls.as_ref().unwrap().is_ok()));
    assert!(r
        .probes
        .iter()
        .all(|p| p.issuer.as_ref().unwrap().expected()));
}

#[test]
fn failures_say_where_they_happened() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        h.network
            .borrow_mut()
            .insert("login.live.com".into(), NetFault::Dns);
        h.network
            .borrow_mut()
            .insert("outlook.office365.com".into(), NetFault::Tcp);
        h.network
            .borrow_mut()
            .insert("enterpriseregistration.windows.net".into(), NetFault::Tls);
        h.network
            .borrow_mut()
            .insert("odc.officeapps.live.com".into(), NetFault::Inspected);
        let r = check(&h, Duration::from_secs(2));
        assert!(!r.ok());
        let failure = |host: &str| {
            r.probes
                .iter()
                .find(|p| p.host == host)
                .unwrap()
                .failure()
                .unwrap()
        };
        assert!(failure("login.live.com").en.contains("DNS"));
        assert!(failure("outlook.office365.com")
            .ja
            .contains("TCP 接続に失敗"));
        let inspected = failure("odc.officeapps.live.com");
        assert!(
            inspected
                .en
                .contains("CN=Contoso TLS Inspection CA, O=Contoso Ltd"),
            "{}",
            inspected.en
        );
        assert!(inspected.ja.contains("TLS を検査"), "{}", inspected.ja);
        let tls = failure("enterpriseregistration.windows.net");
        assert!(tls.en.contains("HTTP answer instead of TLS"), "{}", tls.en);
        assert!(r
            .probes
            .iter()
            .find(|p| p.host == "login.microsoftonline.com")
            .unwrap()
            .ok());
    }
}

#[test]
fn a_user_proxy_with_a_direct_system_path_is_pointed_out() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        let r = check(&h, Duration::from_secs(2));
        assert!(r
            .user_proxy
            .iter()
            .any(|(n, v)| n == "ProxyServer" && v == "proxy.contoso.com:8080"));
        assert!(r
            .user_proxy
            .iter()
            .any(|(n, v)| n == "AutoConfigURL" && v == "http://pac.contoso.com/proxy.pac"));
        assert_eq!(r.system_direct, Some(true), "{:?}", r.system_proxy);
        let notes = r.proxy_notes();
        assert!(notes[0].en.contains("system (WinHTTP) connects directly"));
        assert!(notes[0].ja.contains("直接接続"));
    }
}

#[test]
fn the_real_host_reads_a_tls_answer_from_a_local_server() {
    use m365doctor_fix::host::{Host, RealHost};
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hello =
        m365doctor_fix::network::client_hello("login.microsoftonline.com", std::time::UNIX_EPOCH);
    let len = hello.len();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        // Read all of it, so closing sends a FIN rather than a reset.
        let mut buf = vec![0u8; len];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&[0x16, 3, 3, 0, 0x51, 2, 0, 0, 0x4d, 3, 3])
            .unwrap();
        buf
    });
    let answer = RealHost
        .tcp_exchange(addr, &hello, Duration::from_secs(3))
        .unwrap();
    assert_eq!(server.join().unwrap(), hello);
    assert!(
        m365doctor_fix::network::classify(&answer).is_ok(),
        "{answer:?}"
    );
    assert!(RealHost
        .resolve("localhost", Duration::from_secs(3))
        .is_ok_and(|a| !a.is_empty()));
}

#[cfg(unix)]
#[test]
fn the_real_host_captures_exit_codes_and_kills_at_the_timeout() {
    use m365doctor_fix::host::{Host, RealHost};
    let out = RealHost
        .run(
            "sh",
            &["-c", "echo out; echo err >&2; exit 3"],
            Duration::from_secs(5),
        )
        .unwrap();
    assert_eq!(out.code, Some(3));
    assert_eq!(out.text(), "out\n");
    assert_eq!(out.err_text(), "err\n");
    let start = std::time::Instant::now();
    let out = RealHost
        .run("sleep", &["5"], Duration::from_millis(200))
        .unwrap();
    assert_eq!(out.code, None);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(RealHost
        .run("no-such-program-m365", &[], Duration::from_secs(1))
        .is_err());
}

#[test]
fn where_only_the_proxy_may_connect_out_the_endpoints_are_probed_through_it() {
    for lang in [WinLang::En, WinLang::Ja] {
        let h = host(lang);
        for e in ENDPOINTS {
            h.network
                .borrow_mut()
                .insert(e.to_string(), NetFault::DirectBlocked);
        }
        h.network
            .borrow_mut()
            .insert("login.live.com".into(), NetFault::ProxyAuth);
        let r = check(&h, Duration::from_secs(2));
        let calls = h.calls();
        for e in ENDPOINTS {
            assert!(
                calls.contains(&format!("connect 192.0.2.10:8080 {e}")),
                "{e}: {calls:?}"
            );
        }
        let probe = |name: &str| r.probes.iter().find(|p| p.host == name).unwrap();
        let ok = probe("login.microsoftonline.com");
        assert!(ok.ok() && !ok.direct_ok(), "{ok:?}");
        assert!(ok.failure().is_none());
        let via = ok.via_proxy.as_ref().unwrap();
        assert_eq!(via.proxy, "proxy.contoso.com:8080");
        assert!(
            via.result.as_ref().unwrap().starts_with("ServerHello"),
            "{via:?}"
        );
        assert!(ok.issuer.as_ref().unwrap().expected());
        // A proxy that wants credentials is named as the cause.
        let auth = probe("login.live.com").failure().unwrap();
        assert!(
            auth.en.contains("TCP connection to port 443 failed"),
            "{}",
            auth.en
        );
        assert!(
            auth.en.contains("through the proxy proxy.contoso.com:8080"),
            "{}",
            auth.en
        );
        assert!(auth.en.contains("407"), "{}", auth.en);
        assert!(
            auth.ja.contains("プロキシ proxy.contoso.com:8080 経由"),
            "{}",
            auth.ja
        );
        assert!(!r.ok());
        // The "probes connect directly" caveat no longer applies.
        assert!(!r
            .proxy_notes()
            .iter()
            .any(|n| n.en.contains("connect directly, not through the proxy")));
    }
}

#[test]
fn proxy_settings_are_read_in_every_form() {
    use m365doctor_fix::network::{host_port, user_https_proxy, winhttp_proxy};
    let s = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    let p = |h: &str, port: u16| Some((h.to_string(), port));
    assert_eq!(
        user_https_proxy(&s(&[
            ("ProxyEnable", "0x1"),
            ("ProxyServer", "proxy.contoso.com:8080")
        ])),
        p("proxy.contoso.com", 8080)
    );
    assert_eq!(
        user_https_proxy(&s(&[
            ("ProxyEnable", "0x1"),
            ("ProxyServer", "http=web:80;https=secure:8443")
        ])),
        p("secure", 8443)
    );
    assert_eq!(
        user_https_proxy(&s(&[("ProxyEnable", "0x0"), ("ProxyServer", "proxy:8080")])),
        None
    );
    assert_eq!(
        winhttp_proxy("Current WinHTTP proxy settings:\n\n    Proxy Server(s) :  wpx.contoso.com:3128\n    Bypass List     :  (none)\n"),
        p("wpx.contoso.com", 3128)
    );
    assert_eq!(
        winhttp_proxy("現在の WinHTTP プロキシ設定:\n\n    プロキシ サーバー:  wpx.contoso.com:3128\n    バイパス一覧     :  (なし)\n"),
        p("wpx.contoso.com", 3128)
    );
    assert_eq!(
        winhttp_proxy("Current WinHTTP proxy settings:\n\n    Direct access (no proxy server).\n"),
        None
    );
    assert_eq!(
        host_port("http://user@proxy.example:3128/"),
        p("proxy.example", 3128)
    );
    assert_eq!(host_port("proxy-without-port"), None);
}

#[test]
fn the_certificate_issuer_is_read_from_the_first_flight() {
    use m365doctor_fix::network::{classify, issuer_of, leaf_certificate};
    let flight = m365doctor_testkit::tls_flight(
        "Microsoft Azure RSA TLS Issuing CA 04",
        "Microsoft Corporation",
    );
    let detail = classify(&flight).unwrap();
    assert!(
        detail.contains("CN=Microsoft Azure RSA TLS Issuing CA 04, O=Microsoft Corporation"),
        "{detail}"
    );
    let issuer = issuer_of(&leaf_certificate(&flight).unwrap()).unwrap();
    assert!(issuer.expected());
    let inspected = m365doctor_testkit::tls_flight("Contoso TLS Inspection CA", "Contoso Ltd");
    let issuer = issuer_of(&leaf_certificate(&inspected).unwrap()).unwrap();
    assert_eq!(issuer.organization.as_deref(), Some("Contoso Ltd"));
    assert!(!issuer.expected());
    // Cut short or garbled: no issuer, no panic.
    for n in 0..flight.len() {
        let _ = leaf_certificate(&flight[..n]).and_then(|c| issuer_of(&c));
    }
    assert_eq!(issuer_of(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
}
