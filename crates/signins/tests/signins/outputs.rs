//! The outputs: the JSON contract and its documentation, redaction, the
//! HTML page, the CSV tables, lookups and the KQL text.

use super::common::*;
use m365doctor_signins::render::{csv, html, json, text};
use m365doctor_signins::spec::{self, Thresholds};
use m365doctor_signins::{kql, lookup, redact, Report};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::OnceLock;

/// A report with something in every section (the bundled example plus a
/// sign-in whose app name is markup).
fn report() -> &'static Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let mut sources = m365doctor_signins::example::bundled();
        let mut e = ev(
            t("2026-03-03T10:00:00Z"),
            "o'brien@contoso.example",
            "192.0.2.9",
            53003,
        );
        e.app = Cow::Borrowed("Contoso <b>CRM</b>");
        let e = with_policy(e, "<script>alert(1)</script> & \"Co\"", "failure");
        sources.push(diag("markup.json", &[e]));
        run(&sources)
    })
}

fn docs(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs")
            .join(name),
    )
    .unwrap()
}

#[test]
fn json_contract() {
    let d = json::document(report(), false);
    assert_eq!(d["schema"], "m365doctor.signins/1");
    for key in [
        "inputs",
        "totals",
        "failures",
        "interrupts",
        "conditional_access",
        "spikes",
        "attacks",
        "not_in_kb",
    ] {
        assert!(d.get(key).is_some(), "{key}");
    }
    let i = &d["inputs"][0];
    for key in ["path", "format", "records", "unreadable", "warnings"] {
        assert!(i.get(key).is_some(), "inputs[].{key}");
    }
    let t = &d["totals"];
    for key in ["events", "successes", "failures", "interrupts", "users"] {
        assert!(t[key].is_u64(), "totals.{key}");
    }
    for kind in [
        "interactive",
        "non_interactive",
        "service_principal",
        "managed_identity",
    ] {
        assert!(t["by_kind"][kind].is_u64(), "by_kind.{kind}");
    }
    let failures = d["failures"].as_array().unwrap();
    assert!(!failures.is_empty());
    let mut last_users = u64::MAX;
    for f in failures {
        let code = f["code"].as_str().unwrap();
        assert!(
            code.starts_with("AADSTS") && code[6..].bytes().all(|b| b.is_ascii_digit()),
            "{code}"
        );
        let users = f["users"].as_u64().unwrap();
        assert!(users <= last_users, "most users first");
        last_users = users;
        for key in ["events", "apps"] {
            assert!(f[key].is_u64());
        }
        assert!(f["share_of_failing_users"].is_f64());
        for key in ["entry", "layer"] {
            assert!(f[key].is_string() || f[key].is_null());
        }
        assert!(f["actions"].is_array());
        for key in ["apps", "client_apps", "os", "countries", "policies"] {
            for v in f["top"][key].as_array().unwrap() {
                assert!(v["name"].is_string() && v["events"].is_u64() && v["users"].is_u64());
            }
        }
    }
    for p in d["conditional_access"].as_array().unwrap() {
        for key in ["policy_id", "policy", "result"] {
            assert!(p[key].is_string());
        }
        assert!(p["events"].is_u64() && p["users"].is_u64() && p["report_only"].is_boolean());
    }
    for s in d["spikes"].as_array().unwrap() {
        for key in ["code", "start", "end"] {
            assert!(s[key].is_string());
        }
        assert!(
            s["events"].is_u64()
                && s["baseline"].is_number()
                && s["score"].is_number()
                && s["new"].is_boolean()
        );
    }
    let kinds = [
        "password-spray",
        "brute-force",
        "lockout",
        "mfa-fatigue",
        "legacy-auth",
        "device-code",
    ];
    for a in d["attacks"].as_array().unwrap() {
        assert!(kinds.contains(&a["kind"].as_str().unwrap()));
        assert!(
            a["ips"].is_array()
                && a["users"].is_array()
                && a["events"].is_u64()
                && a["success_after"].is_boolean()
        );
        assert!(a["first"].is_string() && a["last"].is_string());
    }
    assert!(d["not_in_kb"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.as_str().unwrap().starts_with("AADSTS")));
    // Japanese messages in the Japanese document.
    let ja = json::document(report(), true);
    assert_eq!(ja["lang"], "ja");
    let title = ja["failures"][0]["title"].as_str().unwrap();
    assert!(
        title
            .chars()
            .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)
                || ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{title}"
    );
}

#[test]
fn docs_cover_every_field_and_threshold() {
    let json_md = docs("json.md");
    let start = json_md
        .find("m365doctor.signins/1")
        .expect("a signins section in docs/json.md");
    let section = &json_md[start..];
    let d = json::document(report(), false);
    fn keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    out.push(k.clone());
                    // Threshold names are documented in docs/signins.md.
                    if k != "thresholds" {
                        keys(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    keys(&d, &mut all);
    all.sort();
    all.dedup();
    for k in all {
        // Dimension names and threshold names are listed as values.
        assert!(
            section.contains(&format!("\"{k}\"")) || section.contains(&format!("`{k}`")),
            "docs/json.md does not mention `{k}`"
        );
    }
    let signins_md = docs("signins.md");
    for (th, default) in Thresholds::default().iter() {
        assert!(
            signins_md.contains(&format!("| `{}` | {default} |", th.name)),
            "docs/signins.md: threshold {} = {default}",
            th.name
        );
    }
    for q in kql::all(&Thresholds::default()) {
        assert!(
            signins_md.contains(&format!("`{}`", q.id)),
            "docs/signins.md: query {}",
            q.id
        );
    }
}

#[test]
fn redaction_replaces_people_consistently() {
    let r = report();
    let red = redact::Redactor::new().report(r);
    let text = json::document(&red, false).to_string();
    let plain = json::document(r, false).to_string();
    for a in &r.attacks {
        for u in &a.users {
            assert!(plain.contains(u.as_str()));
            assert!(
                !text.contains(&format!("\"{u}\"")),
                "{u} still in the redacted report"
            );
        }
        for ip in &a.ips {
            assert!(
                !text.contains(&format!("\"{ip}\"")),
                "{ip} still in the redacted report"
            );
        }
    }
    for d in &r.devices {
        assert!(!text.contains(&format!("\"{}\"", d.name)));
    }
    // The same user has the same placeholder in the spray list and the worst users.
    let spray = red
        .attacks
        .iter()
        .find(|a| a.kind.key() == "brute-force")
        .unwrap();
    let victim = &spray.users[0];
    assert!(victim.starts_with("user-"));
    let brute_plain = r
        .attacks
        .iter()
        .find(|a| a.kind.key() == "brute-force")
        .unwrap();
    let pos = r
        .worst_users
        .iter()
        .position(|u| u.name == brute_plain.users[0])
        .unwrap();
    assert_eq!(&red.worst_users[pos].name, victim);
    // Counts, codes and policies are untouched.
    assert_eq!(red.totals, r.totals);
    assert_eq!(red.conditional_access, r.conditional_access);
}

#[test]
fn html_page_is_self_contained_escaped_and_bilingual() {
    let page = html::page(report(), false);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy"));
    for forbidden in [
        "src=\"http",
        "href=\"http",
        "<link",
        "@import",
        "url(",
        "<img",
    ] {
        assert!(!page.contains(forbidden), "{forbidden}");
    }
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
    assert!(page.contains("id=\"report-en\"") && page.contains("id=\"report-ja\" hidden"));
    assert!(page.contains("影響を受けたユーザーが多い失敗"));
    assert!(page.contains("<svg"));
    assert_eq!(page.matches("<script>").count(), 1, "one inline script");
    let kb_fix = report()
        .failures
        .iter()
        .filter(|f| !f.stale_session)
        .find_map(|f| f.kb.as_ref()?.admin_fix.clone())
        .unwrap();
    assert!(page.contains(&html::esc(&kb_fix.0)) && page.contains(&html::esc(&kb_fix.1)));
    assert!(html::page(report(), true).contains("<html lang=\"ja\">"));
}

#[test]
fn csv_tables() {
    let dir = std::env::temp_dir().join(format!("m365doctor-signins-csv-{}", std::process::id()));
    let files = csv::write_dir(&dir, report(), false).unwrap();
    assert_eq!(files.len(), 11);
    let failures = std::fs::read_to_string(dir.join("failures.csv")).unwrap();
    assert!(failures.starts_with("\u{feff}code,events,users,apps,share_of_failing_users"));
    assert_eq!(failures.lines().count(), report().failures.len() + 1);
    let attacks = std::fs::read_to_string(dir.join("attacks.csv")).unwrap();
    assert!(attacks.contains("password-spray"));
    assert!(std::fs::read_dir(&dir).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".tmp")));
    std::fs::remove_dir_all(&dir).unwrap();
    // A cell that a spreadsheet would run is defused.
    let mut r = report().clone();
    r.worst_users[0].name = "=HYPERLINK(\"http://x\")".into();
    let users = csv::tables(&r, false)
        .into_iter()
        .find(|(n, _)| *n == "users.csv")
        .unwrap()
        .1;
    assert!(
        users.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{users}"
    );
}

#[test]
fn terminal_summary_in_both_languages() {
    let mut en = Vec::new();
    text::render(&mut en, report(), false).unwrap();
    let en = String::from_utf8(en).unwrap();
    assert!(en.contains("Failures that affect the most users"));
    assert!(en.contains("password spray"));
    assert!(en.contains("Concentrated in:"));
    let mut ja = Vec::new();
    text::render(&mut ja, report(), true).unwrap();
    let ja = String::from_utf8(ja).unwrap();
    assert!(ja.contains("影響を受けたユーザーが多い失敗") && ja.contains("パスワード スプレー"));
    // Expired sessions are summarised, not ranked with failures.
    let ranked = en.split("Interrupts:").next().unwrap();
    assert!(!ranked.contains("AADSTS70043"));
}

#[test]
fn lookup_by_correlation_and_by_user_and_time() {
    let sources = [path("portal"), path("graph-v1-page.json")];
    let q = lookup::Query {
        id: Some("CORR-P1000000-0000-4000-8000-000000000003".into()),
        ..Default::default()
    };
    let (found, _) = lookup::find(&sources, &q, 2, &m365doctor_kb::Kb::bundled());
    assert_eq!(found.len(), 1, "case-insensitive correlation id");
    let f = &found[0];
    assert_eq!(f.kb.as_ref().unwrap().entry, "aadsts-mfa-denied-or-failed");
    assert_eq!(f.event.steps.len(), 2);
    let q = lookup::Query {
        user: Some("Yuki.Tanaka@contoso.example".into()),
        around: Some(t("2026-01-01T00:00:00Z")),
        window: 600,
        ..Default::default()
    };
    assert!(lookup::find(&sources, &q, 2, &m365doctor_kb::Kb::bundled())
        .0
        .is_empty());
    let q = lookup::Query {
        user: Some("yuki.tanaka@contoso.example".into()),
        around: Some(t("2025-04-11T09:05:00Z")),
        window: 600,
        ..Default::default()
    };
    let (found, _) = lookup::find(&sources, &q, 2, &m365doctor_kb::Kb::bundled());
    assert_eq!(
        found.len(),
        4,
        "the four interactive sign-ins within ten minutes"
    );
    assert!(found.windows(2).all(|w| w[0].event.time <= w[1].event.time));
    let doc = json::lookup_document(&found, "x", 2, false);
    assert_eq!(doc["schema"], "m365doctor.signins-lookup/1");
    assert_eq!(
        doc["sign_ins"][0]["record"]["Username"],
        "yuki.tanaka@contoso.example"
    );
    let red = redact::Redactor::new().found(&found);
    let s = serde_json::to_string(&json::lookup_document(&red, "x", 2, false)).unwrap();
    assert!(
        !s.contains("yuki.tanaka@") && !s.contains("203.0.113.10"),
        "{s}"
    );
    let mut out = Vec::new();
    text::lookup(&mut out, &found, "yuki", true).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("認証の手順"));
}

#[test]
fn kql_follows_the_spec() {
    let th = Thresholds::default();
    let all = kql::all(&th);
    let failures = all.iter().find(|q| q.id == "failures").unwrap();
    // The interrupt list of the spec, as strings.
    for code in spec::INTERRUPT_CODES {
        assert!(failures.text.contains(&format!("\"{code}\"")));
    }
    // Each table: JSON-text columns parsed before the union, dynamic ones not.
    for t in spec::TABLES {
        let line = failures
            .text
            .lines()
            .skip_while(|l| !l.contains(&format!("({}", t.name)))
            .nth(2)
            .unwrap();
        assert_eq!(
            line.contains("todynamic(ConditionalAccessPolicies)"),
            !t.dynamic_columns,
            "{}",
            t.name
        );
    }
    assert!(all
        .iter()
        .filter(|q| !q.portable)
        .all(|q| q.text.contains("make-series")));
    assert!(all
        .iter()
        .filter(|q| q.portable)
        .all(|q| !q.text.contains("make-series")));
}
