//! Microsoft's own dsregcmd samples (tests/data/samples, sources in its
//! README): each parses to one capture with the expected join type, key
//! fields and findings.

use m365doctor_dsreg::{diagnose, parse, to_json, Lang, Layout, Report, SectionKind};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn report(name: &str) -> Report {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/samples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let captures = parse(&text);
    assert_eq!(captures.len(), 1, "{name}");
    diagnose(&captures[0])
}

fn rules(r: &Report) -> BTreeSet<&'static str> {
    r.findings.iter().map(|f| f.rule).collect()
}

fn raw(v: &Option<m365doctor_dsreg::Val>) -> &str {
    v.as_ref().map(|v| v.raw.as_str()).unwrap_or("<absent>")
}

#[test]
fn s01_device_state() {
    let r = report("01-dsregcmd-device-state.txt");
    assert_eq!(r.facts.join_type.id(), "hybrid-joined");
    assert_eq!(raw(&r.facts.device_state.domain_name), "HYBRIDADFS");
    assert_eq!(r.capture().layout, Layout::Current);
    // A paste of one section is not a broken registration.
    assert!(rules(&r).is_empty());
}

#[test]
fn s02_device_details() {
    let r = report("02-dsregcmd-device-details.txt");
    let d = &r.facts.device;
    assert_eq!(r.facts.join_type.id(), "unknown");
    assert_eq!(raw(&d.id), "00aa00aa-bb11-cc22-dd33-44ee44ee44ee");
    assert_eq!(
        raw(&d.thumbprint),
        "AA11BB22CC33DD44EE55FF66AA77BB88CC99DD00"
    );
    let v = d.validity.unwrap();
    assert_eq!(v.not_before.iso(), "2019-01-11T21:02:50Z");
    assert_eq!(v.not_after.iso(), "2029-01-11T21:32:50Z");
    assert_eq!(raw(&d.auth_status), "SUCCESS");
    assert_eq!(rules(&r), BTreeSet::from(["software-key-provider"]));
    let json = to_json(&r, Lang::En);
    assert_eq!(json["device"]["key_storage"], "software");
    assert_eq!(json["device"]["tpm_protected"], false);
    assert_eq!(json["device"]["certificate"]["status"], "unknown");
}

#[test]
fn s03_tenant_details() {
    let r = report("03-dsregcmd-tenant-details.txt");
    let t = &r.facts.tenant;
    assert_eq!(raw(&t.name), "HybridADFS");
    assert_eq!(raw(&t.id), "aaaabbbb-0000-cccc-1111-dddd2222eeee");
    assert_eq!(raw(&t.idp), "login.windows.net");
    assert_eq!(t.endpoints.len(), 9);
    assert_eq!(
        raw(&t.join_srv_url),
        "https://enterpriseregistration.windows.net/EnrollmentServer/device/"
    );
    assert!(rules(&r).is_empty());
}

#[test]
fn s04_user_state() {
    let r = report("04-dsregcmd-user-state.txt");
    let u = &r.facts.user;
    assert_eq!(raw(&u.ngc_set), "YES");
    assert_eq!(raw(&u.can_reset), "DestructiveAndNonDestructive");
    assert_eq!(raw(&u.wam_default_authority), "organizations");
    assert_eq!(
        raw(&u.wam_default_guid),
        "{ B16898C6-A148-4967-9171-64D755DA8520 } (AzureAd)"
    );
    assert!(rules(&r).is_empty());
}

#[test]
fn s05_sso_state_prt_failed() {
    let r = report("05-dsregcmd-sso-state-prt-failed-aadsts50126.txt");
    let s = &r.facts.sso;
    assert_eq!(raw(&s.azure_ad_prt), "NO");
    assert_eq!(s.attempts.len(), 1);
    let a = &s.attempts[0];
    assert_eq!(a.kind.id(), "acquire");
    assert_eq!(
        raw(&a.correlation_id),
        "aaaa0000-bb11-2222-33cc-444444dddddd"
    );
    assert_eq!(a.http_status_number(), Some(400));
    assert_eq!(
        a.status_code.as_ref().unwrap().names[0],
        "STATUS_LOGON_FAILURE"
    );
    assert_eq!(a.aadsts[0].normalized, "AADSTS50126");
    assert_eq!(raw(&s.kerb_top_level_names).split(',').count(), 6);
    assert_eq!(
        rules(&r),
        BTreeSet::from([
            "prt-missing",
            "prt-attempt-failed",
            "enterprise-prt-expired"
        ])
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "prt-attempt-failed")
        .unwrap();
    assert_eq!(f.normalized_codes(), vec!["AADSTS50126", "0xC000006D"]);
    assert_eq!(f.entry.as_deref(), Some("aadsts-wrong-password"));
    assert_eq!(f.layer.id(), "account-state");
    // The capture's own clock: no Client Time, so the attempt time bounds it.
    let clock = r.facts.clock.as_ref().unwrap();
    assert_eq!(clock.basis.id(), "latest-event");
    assert_eq!(clock.time.iso(), "2020-07-18T20:10:33Z");
}

#[test]
fn s06_prejoin_discovery_failed() {
    let r = report("06-dsregcmd-prejoin-diag-discovery-fail.txt");
    let d = &r.facts.diagnostics;
    assert_eq!(r.facts.captured_as.id(), "elevated");
    assert_eq!(d.phase.id(), "pre-join");
    assert_eq!(d.tests.len(), 5);
    let disc = d.test("drsdiscoverytest").unwrap();
    assert_eq!(disc.result.id(), "fail");
    let code = disc.code.as_ref().unwrap();
    assert_eq!(code.normalized, "0x801C0021");
    assert_eq!(code.sub_error.as_ref().unwrap().normalized, "0x801C000C");
    let p = d.previous_registration.as_ref().unwrap();
    assert_eq!(p.phase(), "discover");
    assert_eq!(
        r.facts.clock.as_ref().unwrap().time.iso(),
        "2019-01-31T09:25:31Z"
    );
    assert_eq!(
        rules(&r),
        BTreeSet::from(["drs-discovery-failed", "previous-registration-failed"])
    );
    let f = &r.findings[0];
    assert_eq!(f.rule, "drs-discovery-failed");
    assert_eq!(f.normalized_codes(), vec!["0x801C0021", "0x801C000C"]);
    assert_eq!(
        f.entry.as_deref(),
        Some("device-registration-discovery-failed")
    );
}

#[test]
fn s07_prejoin_sync_join_directory_error() {
    let r = report("07-dsregcmd-prejoin-diag-syncjoin-directoryerror.txt");
    let p = r.facts.diagnostics.previous_registration.as_ref().unwrap();
    assert_eq!(raw(&p.registration_type), "sync");
    assert_eq!(raw(&p.server_error_code), "DirectoryError");
    assert_eq!(raw(&p.request_id), "6bff0bd9-820b-484b-ab20-2a4f7b76c58e");
    assert_eq!(p.client_code.as_ref().unwrap().normalized, "0x801C03F2");
    assert!(r
        .facts
        .diagnostics
        .tests
        .iter()
        .all(|t| t.result.id() == "pass"));
    assert_eq!(
        rules(&r),
        BTreeSet::from(["previous-registration-device-not-synced"])
    );
    assert_eq!(
        r.findings[0].entry.as_deref(),
        Some("hybrid-join-directory-error")
    );
}

#[test]
fn s08_postjoin() {
    let r = report("08-dsregcmd-postjoin-diag.txt");
    assert_eq!(raw(&r.facts.diagnostics.aad_recovery_enabled), "NO");
    assert_eq!(r.facts.diagnostics.phase.id(), "post-join");
    assert_eq!(r.facts.captured_as.id(), "elevated");
    assert!(rules(&r).is_empty());
}

#[test]
fn s09_ngc_prerequisites() {
    let r = report("09-dsregcmd-ngc-prereq.txt");
    let n = r.facts.ngc.as_ref().unwrap();
    assert_eq!(raw(&n.cert_enrollment), "enrollment authority");
    assert_eq!(raw(&n.logon_cert_template_ready), "YES ( StateReady )");
    assert_eq!(raw(&n.pre_req_result), "WillProvision");
    assert!(rules(&r).is_empty());
}

#[test]
fn s10_legacy_layout() {
    let r = report("10-hybridjoin-doc-legacy-full-status.txt");
    let f = &r.facts;
    assert_eq!(r.capture().layout, Layout::Legacy);
    assert_eq!(f.join_type.id(), "hybrid-joined");
    assert_eq!(f.captured_as.id(), "user");
    assert_eq!(raw(&f.device.id), "5820fbe9-60c8-43b0-bb11-44aee233e4e7");
    assert_eq!(raw(&f.device.tpm_protected), "YES");
    assert_eq!(raw(&f.tenant.name), "Contoso");
    assert_eq!(raw(&f.sso.azure_ad_prt), "YES");
    assert_eq!(
        raw(&f.diagnostics.key_sign_test),
        "MUST Run elevated to test."
    );
    // The `dmComplianceUrl` typo is found under its real name, and kept raw.
    let (_, field) = r
        .capture()
        .field(SectionKind::TenantDetails, "MdmComplianceUrl")
        .unwrap();
    assert_eq!(field.name, "dmComplianceUrl");
    assert_eq!(
        rules(&r),
        BTreeSet::from(["os-legacy-output-format", "key-sign-test-not-run"])
    );
}

#[test]
fn s11_discovery_timeout_as_user() {
    let r = report("11-hybridjoin-doc-drs-discovery-fail-wininet-timeout.txt");
    assert_eq!(r.facts.captured_as.id(), "user");
    assert_eq!(
        rules(&r),
        BTreeSet::from(["drs-discovery-failed", "prejoin-diagnostics-not-system"])
    );
    let f = &r.findings[0];
    assert_eq!(f.layer.id(), "network");
    assert_eq!(f.entry.as_deref(), Some("network-timeout-cannot-connect"));
    assert_eq!(f.second_capture.map(|s| s.id()), Some("elevated"));
    assert!(f.message.en.contains("0x80072EE2"));
}

#[test]
fn s12_healthy_prt() {
    let r = report("12-prt-doc-sso-state-healthy.txt");
    let s = &r.facts.sso;
    assert_eq!(raw(&s.azure_ad_prt), "YES");
    assert_eq!(
        raw(&s.enterprise_authority),
        "https://msft.sts.microsoft.com:443/adfs"
    );
    assert!(rules(&r).is_empty());
    let json = to_json(&r, Lang::En);
    assert_eq!(json["sso"]["update_age_seconds"], 1);
    assert_eq!(json["sso"]["expiry_time"], "2020-07-26T22:58:35Z");
}

#[test]
fn s13_prt_failure_fragment() {
    let r = report("13-prt-doc-sso-state-failed-fragment.txt");
    assert_eq!(r.capture().layout, Layout::Fragment);
    assert_eq!(r.capture().sections[0].kind, SectionKind::SsoState);
    assert_eq!(r.facts.sso.attempts.len(), 1);
    assert!(r.facts.diagnostics.previous_registration.is_none());
    assert_eq!(
        rules(&r),
        BTreeSet::from(["prt-missing", "prt-attempt-failed"])
    );
}

#[test]
fn s14_previous_registration_fragment() {
    let r = report("14-hybridjoin-doc-previous-registration-fragment.txt");
    assert_eq!(r.capture().layout, Layout::Fragment);
    assert_eq!(r.capture().sections[0].kind, SectionKind::DiagnosticData);
    let p = r.facts.diagnostics.previous_registration.as_ref().unwrap();
    assert_eq!(raw(&p.https_status), "400");
    assert!(r.facts.sso.attempts.is_empty());
    assert_eq!(
        rules(&r),
        BTreeSet::from(["previous-registration-device-not-synced"])
    );
}

#[test]
fn samples_pasted_together_are_one_capture_each() {
    // Sections of one capture: Device State, then Device Details… as one.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/samples");
    let mut text = String::new();
    for f in [
        "01-dsregcmd-device-state.txt",
        "02-dsregcmd-device-details.txt",
        "03-dsregcmd-tenant-details.txt",
        "04-dsregcmd-user-state.txt",
        "05-dsregcmd-sso-state-prt-failed-aadsts50126.txt",
    ] {
        text.push_str(&std::fs::read_to_string(dir.join(f)).unwrap());
    }
    let caps = parse(&text);
    assert_eq!(caps.len(), 1);
    let r = diagnose(&caps[0]);
    assert_eq!(r.facts.join_type.id(), "hybrid-joined");
    assert_eq!(r.capture().sections.len(), 5);
    // Now a hybrid device without a PRT, decoded end to end.
    let got = rules(&r);
    assert!(got.contains("prt-missing") && got.contains("prt-attempt-failed"));
    assert!(got.contains("software-key-provider"));
}
