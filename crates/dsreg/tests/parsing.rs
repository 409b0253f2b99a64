//! Parser edge cases, the JSON contract and the human renderer.

use m365doctor_dsreg::{diagnose, parse, parse_bytes, render, to_json, Lang, Layout, SectionKind};

const RULE: &str = "+----------------------------------------------------------------------+";

fn framed(title: &str, body: &str) -> String {
    format!("{RULE}\n| {title:<68} |\n{RULE}\n\n{body}\n")
}

#[test]
fn values_with_colons_pairs_and_errors() {
    let text = framed(
        "SSO State",
        "                AzureAdPrt : NO\n       AzureAdPrtAuthority : https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee\n      Previous Prt Attempt : 2024-05-07 09:40:12.417 UTC\n            Attempt Status : 0xc000006d\n  Server Error Description : AADSTS50126: Error validating credentials: invalid username or password.",
    ) + &framed(
        "Diagnostic Data",
        "        DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]",
    ) + &framed("User State", "             WamDefaultSet : ERROR (0xd0020017)");
    let c = &parse(&text)[0];
    let sso = c.section(SectionKind::SsoState).unwrap();
    assert_eq!(
        sso.get("AzureAdPrtAuthority").unwrap().value,
        "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee"
    );
    assert_eq!(
        sso.get("Server Error Description").unwrap().value,
        "AADSTS50126: Error validating credentials: invalid username or password."
    );
    assert_eq!(
        sso.get("previousprtattempt").unwrap().value,
        "2024-05-07 09:40:12.417 UTC"
    );
    let r = diagnose(c);
    let t = &r.facts.diagnostics.tests[0];
    assert_eq!(
        t.code
            .as_ref()
            .unwrap()
            .sub_error
            .as_ref()
            .unwrap()
            .normalized,
        "0x80072EE2"
    );
    assert!(r.facts.user.wam_default_set.as_ref().unwrap().is_error());
}

#[test]
fn case_whitespace_tabs_and_line_ends() {
    let a = "+-----------------+\r\n| Device State |\r\n+-----------------+\r\n\r\n   AzureAdJoined : YES\r\n   EnterpriseJoined : NO\r\n  DomainJoined : YES\r\n";
    let b = "\u{feff}+-----------------+\r| DEVICE STATE |\r+-----------------+\r\r\tazureadjoined\t:\tYES   \r\tENTERPRISE JOINED :NO\r\tDomain Joined: YES\r";
    let ca = &parse(a)[0];
    let cb = &parse(b)[0];
    let norm = |c: &m365doctor_dsreg::Capture| -> Vec<(String, String)> {
        c.sections[0]
            .fields
            .iter()
            .map(|f| (f.key.clone(), f.value.clone()))
            .collect()
    };
    // `:NO` without a space is not a field separator: that line is a note.
    assert_eq!(norm(ca)[0], norm(cb)[0]);
    assert_eq!(norm(ca)[2], norm(cb)[1]);
    assert_eq!(diagnose(ca).facts.join_type.id(), "hybrid-joined");
    assert_eq!(diagnose(cb).facts.join_type.id(), "hybrid-joined");
    // Raw names are kept as printed.
    assert_eq!(cb.sections[0].fields[0].name, "azureadjoined");
    assert_eq!(cb.sections[0].name, "DEVICE STATE");
}

#[test]
fn unknown_fields_and_sections_are_kept() {
    let text = framed(
        "Device State",
        "             AzureAdJoined : YES\n          EnterpriseJoined : NO\n              DomainJoined : NO\n      SomeFutureFlag(beta) : enabled",
    ) + &framed("Quantum Join Details", "            QuantumKeyId : 42\n        QuantumKeyState : entangled")
        + &framed("Work Account 3", "         WorkplaceTenantId : 11112222-3333-4444-5555-666677778888");
    let c = &parse(&text)[0];
    assert_eq!(c.sections.len(), 3);
    assert_eq!(
        c.sections[0].get("SomeFutureFlag(beta)").unwrap().value,
        "enabled"
    );
    assert_eq!(c.sections[1].kind, SectionKind::Unknown);
    assert_eq!(c.sections[1].name, "Quantum Join Details");
    assert_eq!(c.sections[1].fields.len(), 2);
    assert_eq!(c.sections[2].kind, SectionKind::WorkAccount(3));
    let json = to_json(&diagnose(c), Lang::En);
    assert_eq!(
        json["sections"]["Quantum Join Details"]["QuantumKeyState"],
        "entangled"
    );
    assert_eq!(json["section_order"][1], "Quantum Join Details");
}

#[test]
fn repeated_fields_get_numbered_json_keys() {
    let text = framed(
        "SSO State",
        "                AzureAdPrt : YES\n     AcquirePrtDiagnostics : PRESENT\n      Previous Prt Attempt : 2024-05-07 09:40:12.417 UTC\n            Attempt Status : 0xc000006d\n     RefreshPrtDiagnostics : PRESENT\n      Previous Prt Attempt : 2024-05-08 10:00:00.000 UTC\n            Attempt Status : 0xc000023c\n                HTTP Error : 0x80072ee2",
    );
    let r = diagnose(&parse(&text)[0]);
    assert_eq!(r.facts.sso.attempts.len(), 2);
    assert_eq!(r.facts.sso.attempts[1].kind.id(), "refresh");
    let json = to_json(&r, Lang::En);
    let sso = &json["sections"]["SSO State"];
    assert_eq!(sso["Previous Prt Attempt"], "2024-05-07 09:40:12.417 UTC");
    assert_eq!(
        sso["Previous Prt Attempt (2)"],
        "2024-05-08 10:00:00.000 UTC"
    );
    // The latest attempt is the one judged: a network failure.
    assert!(r
        .findings
        .iter()
        .any(|f| f.rule == "prt-attempt-network-error"));
}

#[test]
fn fragment_without_frame_and_quoted_mail() {
    let mail = "> Here is what dsregcmd says:\n>\n>              AzureAdJoined : YES\n>           EnterpriseJoined : NO\n>               DomainJoined : YES\n>                 DomainName : CONTOSO\n>\n> Thanks\n";
    let c = &parse(mail)[0];
    assert_eq!(c.layout, Layout::Fragment);
    assert_eq!(c.sections[0].kind, SectionKind::DeviceState);
    assert_eq!(c.sections[0].fields.len(), 4);
    // Two of dsregcmd's own fields are the shortest paste that is read.
    let c = &parse("AzureAdPrt : NO\nAzureAdJoined : YES")[0];
    assert_eq!(c.layout, Layout::Fragment);
    assert_eq!(c.sections[0].fields.len(), 2);
    // One field-looking line, alone or in prose, is a mention, not output.
    assert!(parse("AzureAdPrt : NO").is_empty());
    assert!(parse("Our helpdesk said:\nAzureAdPrt : NO is bad\nthanks").is_empty());
}

/// The reliability review's F5: text that only shares field names with
/// dsregcmd (an Entra error page's "Troubleshooting details", a sign-in
/// log's details, log lines) is never read as a capture.
#[test]
fn shared_field_names_alone_are_not_a_capture() {
    let corr = "Correlation ID: 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\n\
                Correlation ID: 7a1c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\n";
    assert!(parse(corr).is_empty());
    assert!(parse(&corr.repeat(1000)).is_empty());
    let entra = "Sign in\nSorry, but we're having trouble signing you in.\n\
        AADSTS50126: Error validating credentials due to invalid username or password.\n\
        Troubleshooting details\n\
        If you contact your administrator, send this info to them.\n\
        Copy info to clipboard\n\
        Request Id: 0c5e2f4a-1b3d-4e6f-8a9b-1c2d3e4f5a6b\n\
        Correlation Id: 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\n\
        Timestamp: 2026-12-01T08:15:42.000Z\n\
        Message: AADSTS50126: Error validating credentials due to invalid username or password.\n\
        App name: Microsoft Office\n\
        App id: d3590ed6-52b3-4102-aeff-aad2292ab01c\n\
        IP address: 203.0.113.7\n\
        Device identifier: Not available\n\
        Device platform: Windows 10\n\
        Device state: Unregistered\n";
    assert!(parse(entra).is_empty());
    assert!(parse(&format!("{entra}\n{entra}")).is_empty());
    // The sign-in log's "Basic info" and "Device info", copied as text.
    let signin = "Request ID : 0c5e2f4a-1b3d-4e6f-8a9b-1c2d3e4f5a6b\n\
        Correlation ID : 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f\n\
        Sign-in error code : 50126\n\
        Tenant ID : aaaabbbb-0000-cccc-1111-dddd2222eeee\n\
        Device ID : 9a2c4d8e-1111-2222-3333-444455556666\n\
        Operating System : Windows10\n";
    assert!(parse(signin).is_empty());
    // An error page pasted after a real capture does not join it.
    let capture = framed(
        "SSO State",
        "                AzureAdPrt : YES\n       AzureAdPrtUpdateTime : 2026-12-01 08:00:00.000 UTC",
    );
    let caps = parse(&format!("{capture}\n{entra}"));
    assert_eq!(caps.len(), 1);
    assert!(caps[0]
        .sections
        .iter()
        .all(|s| s.get("Request Id").is_none()));
}

#[test]
fn cp932_bytes_keep_the_ascii_structure() {
    // "端末" in Shift_JIS inside a value; field names stay ASCII.
    let mut bytes = b"             AzureAdJoined : YES\r\n          EnterpriseJoined : NO\r\n               Device Name : ".to_vec();
    bytes.extend_from_slice(&[0x92, 0x5B, 0x96, 0x96]);
    bytes.extend_from_slice(b"-01\r\n");
    let c = &parse_bytes(&bytes)[0];
    assert_eq!(c.sections[0].fields.len(), 3);
    assert!(c.sections[0].fields[2].value.ends_with("-01"));
    // And the Japanese value itself is read (CP932 is decoded below dsreg,
    // the same way for every crate).
    assert_eq!(c.sections[0].fields[2].value, "端末-01");
}

#[test]
fn json_contract() {
    let text = framed(
        "Device State",
        "             AzureAdJoined : NO\n          EnterpriseJoined : NO\n              DomainJoined : YES\n                DomainName : CONTOSO",
    ) + &framed(
        "Diagnostic Data",
        "              User Context : UN-ELEVATED User\n               Client Time : 2024-05-07 09:31:27.000 UTC\n        DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]",
    );
    let r = diagnose(&parse(&text)[0]);
    for lang in [Lang::En, Lang::Ja] {
        let j = to_json(&r, lang);
        assert_eq!(j["schema"], "m365doctor.dsreg/1");
        assert_eq!(j["join_type"], "domain-joined");
        assert_eq!(j["captured_as"], "user");
        assert_eq!(j["sections"]["Device State"]["DomainName"], "CONTOSO");
        for key in [
            "device",
            "sso",
            "tests",
            "findings",
            "tenant",
            "user",
            "diagnostics",
            "proxy",
        ] {
            assert!(!j[key].is_null(), "{key}");
        }
        assert_eq!(j["tests"][0]["name"], "DRS Discovery Test");
        assert_eq!(j["tests"][0]["result"], "fail");
        assert_eq!(
            j["tests"][0]["code"]["sub_error"]["normalized"],
            "0x80072EE2"
        );
        assert_eq!(j["clock"]["basis"], "client-time");
        let findings = j["findings"].as_array().unwrap();
        assert!(!findings.is_empty());
        for f in findings {
            for key in [
                "rule", "severity", "layer", "codes", "entry", "actions", "evidence", "message",
            ] {
                assert!(f.get(key).is_some(), "{key} missing in {f}");
            }
            assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
            assert!(m365doctor_dsreg::Layer::from_id(f["layer"].as_str().unwrap()).is_some());
            for a in f["actions"].as_array().unwrap() {
                assert!(m365doctor_kb::action(a.as_str().unwrap()).is_some());
            }
        }
        let drs = findings
            .iter()
            .find(|f| f["rule"] == "drs-discovery-failed")
            .unwrap();
        assert_eq!(
            drs["codes"],
            serde_json::json!(["0x801C0021", "0x80072EE2"])
        );
        assert_eq!(drs["second_capture"]["as"], "elevated");
        assert_eq!(drs["second_capture"]["command"], "dsregcmd /status");
        assert_eq!(drs["evidence"][0]["field"], "DRS Discovery Test");
        assert_eq!(drs["evidence"][0]["value"], "FAIL [0x801c0021/0x80072ee2]");
        if lang == Lang::Ja {
            assert!(drs["message"].as_str().unwrap().contains("失敗しました"));
        }
    }
}

#[test]
fn render_in_both_languages() {
    let text = framed(
        "Device State",
        "             AzureAdJoined : YES\n          EnterpriseJoined : NO\n              DomainJoined : YES\n                DomainName : CONTOSO",
    ) + &framed(
        "Device Details",
        "                  DeviceId : 5c8e0f4a-3b7d-4d52-9a51-0c2f6b7e8d11\n          DeviceAuthStatus : FAILED. Device is either disabled or deleted",
    );
    let r = diagnose(&parse(&text)[0]);
    let mut en = Vec::new();
    render(&mut en, &r, Lang::En, false).unwrap();
    let en = String::from_utf8(en).unwrap();
    assert!(en.contains("Microsoft Entra hybrid joined"));
    assert!(en.contains("device-disabled-or-deleted"));
    assert!(en.contains("Enable or restore the device object (admin) [admin-enable-device]"));
    assert!(!en.contains('\x1b'));
    let mut ja = Vec::new();
    render(&mut ja, &r, Lang::Ja, true).unwrap();
    let ja = String::from_utf8(ja).unwrap();
    assert!(ja.contains("Microsoft Entra ハイブリッド参加済み"));
    assert!(ja.contains("無効化または削除"));
    assert!(ja.contains('\x1b'));
    // Most severe first.
    let first = r.findings.first().unwrap();
    assert_eq!(first.rule, "device-disabled-or-deleted");
}

#[test]
fn several_captures_and_embedded_in_prose() {
    let one = framed(
        "Device State",
        "             AzureAdJoined : YES\n          EnterpriseJoined : NO\n              DomainJoined : NO",
    );
    let text = format!("Before:\n{one}\nFor more information, please visit https://www.microsoft.com/aadjerrors\nAfter the fix:\n{one}\nbye");
    let caps = parse(&text);
    assert_eq!(caps.len(), 2);
    assert!(caps[0].footer && !caps[1].footer);
    // Without a footer a new Device State still starts a new capture.
    assert_eq!(parse(&format!("{one}{one}{one}")).len(), 3);
}
