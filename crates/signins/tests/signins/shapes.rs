//! Every input shape and its quirks, read through the public API.

use super::common::*;
use m365doctor_signins::spec::Kind;
use m365doctor_signins::{example, InputStats, Source};
use std::io::Write;

fn input<'r>(r: &'r m365doctor_signins::Report, ends_with: &str) -> &'r InputStats {
    r.inputs
        .iter()
        .find(|i| i.path.ends_with(ends_with))
        .unwrap_or_else(|| {
            panic!(
                "no input {ends_with}: {:?}",
                r.inputs.iter().map(|i| &i.path).collect::<Vec<_>>()
            )
        })
}

fn attack<'r>(
    r: &'r m365doctor_signins::Report,
    kind: &str,
) -> Vec<&'r m365doctor_signins::report::Attack> {
    r.attacks.iter().filter(|a| a.kind.key() == kind).collect()
}

#[test]
fn graph_v1_page_with_duplicate_keys_and_nbsp() {
    let src = [path("graph-v1-page.json")];
    let r = run(&src);
    let i = input(&r, "graph-v1-page.json");
    assert_eq!(
        (i.records, i.unreadable, i.format.as_str()),
        (2, 0, "graph/page")
    );
    assert_eq!(r.totals.failures, 1);
    assert_eq!(r.failures[0].code, 53003);
    let f = find(&src, "66ea54eb-6301-4ee5-be62-ff5a759b0100");
    let e = &f.event;
    assert_eq!(e.kind, Kind::Interactive);
    assert_eq!(
        (
            e.os.as_ref(),
            e.compliant,
            e.country.as_ref(),
            e.city.as_ref()
        ),
        ("Ios", Some(false), "US", "Redmond")
    );
    assert!(
        e.additional_details.contains('\u{a0}'),
        "NBSP kept: {:?}",
        e.additional_details
    );
    assert_eq!(e.policies.len(), 2);
    assert_eq!(e.policies[1].result, "reportOnlyFailure");
    // The duplicate homeTenantId (as in Microsoft's own example) is no error;
    // the record keeps the last value.
    assert_eq!(
        f.raw["homeTenantId"],
        "0e35ffff-0000-4000-8000-000000000001"
    );
    assert_eq!(f.kb.as_ref().unwrap().entry, "aadsts-ca-blocked");
    // The IMAP4 sign-in is legacy authentication that succeeded.
    let legacy = attack(&r, "legacy-auth");
    assert_eq!(legacy.len(), 1);
    assert_eq!(
        (legacy[0].subject.as_deref(), legacy[0].successes),
        (Some("IMAP4"), 1)
    );
    // Both the failure and the report-only result are in the policy impact.
    let ro: Vec<_> = r
        .conditional_access
        .iter()
        .filter(|p| p.report_only)
        .collect();
    assert_eq!(ro.len(), 1);
    assert_eq!(ro[0].policy, "Require MFA (report-only)");
}

fn collector_checks(r: &m365doctor_signins::Report, name: &str, encoding: &str) {
    let i = input(r, name);
    assert_eq!(
        (i.records, i.unreadable),
        (5, 0),
        "{name}: five records in two concatenated arrays"
    );
    assert_eq!(i.format, "graph/array");
    assert_eq!(i.encoding, encoding);
    assert_eq!(r.totals.by_kind[Kind::Interactive.index()], 3);
    assert_eq!(r.totals.by_kind[Kind::NonInteractive.index()], 2);
    // `KENJI.SATO@` and `kenji.sato@` are one user.
    assert_eq!(r.totals.users, 2);
    assert_eq!(r.interrupts.len(), 1);
    assert_eq!(r.interrupts[0].code, 50140);
    assert!(r.failures.iter().all(|f| f.code != 50140));
}

#[test]
fn powershell_collector_arrays_with_bom_and_crlf_in_every_encoding() {
    let bytes = std::fs::read(data("graph-beta-collector.json")).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]) && bytes.windows(2).any(|w| w == b"\r\n"));
    collector_checks(
        &run(&[path("graph-beta-collector.json")]),
        "graph-beta-collector.json",
        "UTF-8 (BOM)",
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    let mut le_no_bom = Vec::new();
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
        le_no_bom.extend_from_slice(&u.to_le_bytes());
    }
    collector_checks(&run(&[mem("utf16le.json", le)]), "utf16le.json", "UTF-16LE");
    collector_checks(&run(&[mem("utf16be.json", be)]), "utf16be.json", "UTF-16BE");
    collector_checks(
        &run(&[mem("utf16le-nobom.json", le_no_bom)]),
        "utf16le-nobom.json",
        "UTF-16LE",
    );
}

#[test]
fn diagnostic_settings_tree() {
    let r = run(&[path("diag")]);
    assert_eq!(r.inputs.len(), 2, "both PT1H.json files of the folder tree");
    let inter = input(&r, "insights-logs-signinlogs/tenantId=0e35ffff-0000-4000-8000-000000000000/y=2025/m=04/d=11/h=16/m=00/PT1H.json");
    assert_eq!(inter.format, "diagnostic-settings/json-lines");
    assert_eq!(inter.records, 4);
    assert_eq!(inter.unreadable, 0, "{:?}", inter.reasons);
    assert_eq!(
        inter.truncated, 1,
        "the last line of a blob still being written is a warning"
    );
    assert_eq!(
        inter.other_categories, 1,
        "the audit-log record is skipped and counted"
    );
    assert!(!inter.warnings().is_empty());
    let non = input(&r, "insights-logs-noninteractiveusersigninlogs/tenantId=0e35ffff-0000-4000-8000-000000000000/y=2025/m=04/d=11/h=16/m=00/PT1H.json");
    assert_eq!((non.records, non.unreadable), (3, 1));
    let (reason, (n, detail)) = non.reasons.iter().next().unwrap();
    assert_eq!((reason.key(), *n), ("invalid-json", 1));
    assert!(detail.is_some());
    assert_eq!(r.totals.by_kind[Kind::Interactive.index()], 4);
    assert_eq!(r.totals.by_kind[Kind::NonInteractive.index()], 3);
    // `4/11/2025 4:48:53 PM`, `"durationMs":"0"` and `"Level":"Informational"`.
    let e = find(&[path("diag")], "d1000000-0000-4000-8000-000000000002").event;
    assert_eq!(e.time, Some(t("2025-04-11T16:48:53Z")));
    assert_eq!(e.code, 50126);
    // The record logged after its blob's hour keeps its own time.
    let e = find(&[path("diag")], "d1000000-0000-4000-8000-000000000004").event;
    assert_eq!(e.time, Some(t("2025-04-11T17:02:11Z")));
}

#[test]
fn a_sign_in_seen_twice_counts_once() {
    let alone =
        run(&[path("diag")]).totals.events + run(&[path("graph-v1-page.json")]).totals.events;
    let r = run(&[path("diag"), path("graph-v1-page.json")]);
    assert_eq!(r.totals.events, alone - 1);
    assert_eq!(r.totals.duplicates, 1);
    assert_eq!(r.inputs.iter().map(|i| i.duplicates).sum::<u64>(), 1);
}

#[test]
fn event_hub_capture() {
    let r = run(&[path("eventhub-capture.json")]);
    let i = input(&r, "eventhub-capture.json");
    assert_eq!((i.records, i.format.as_str()), (3, "event-hub"));
    assert_eq!(r.totals.by_kind[Kind::ServicePrincipal.index()], 2);
    assert_eq!(r.totals.by_kind[Kind::ManagedIdentity.index()], 1);
    assert_eq!(r.totals.users, 0);
    assert_eq!(r.totals.service_principals, 2);
    assert_eq!(r.service_principals.len(), 1);
    let sp = &r.service_principals[0];
    assert_eq!(
        (
            sp.name.as_str(),
            sp.failures,
            sp.top_code,
            sp.credential_problem
        ),
        ("Contoso Payroll Sync", 2, 7000222, true)
    );
}

#[test]
fn admin_center_csv_downloads() {
    let r = run(&[path("portal")]);
    let by = |n: &str| input(&r, n).clone();
    let inter = by("InteractiveSignIns_2025-04-11_2025-04-12.csv");
    assert_eq!(
        (inter.records, inter.unreadable, inter.format.as_str()),
        (4, 0, "portal/csv")
    );
    assert_eq!(
        by("NonInteractiveSignIns_2025-04-11_2025-04-12.csv").records,
        2
    );
    assert_eq!(
        by("ApplicationSignIns_2025-04-11_2025-04-12.csv").records,
        2
    );
    assert_eq!(by("MSISignIns_2025-04-11_2025-04-12.csv").records, 1);
    let details = by("InteractiveSignIns_AuthDetails_2025-04-11_2025-04-12.csv");
    assert_eq!(
        (
            details.records,
            details.auth_detail_rows,
            details.format.as_str()
        ),
        (0, 2, "portal/auth-details-csv")
    );
    assert_eq!(r.totals.by_kind, [4, 2, 2, 1]);
    // A quoted "Washington, D.C." city and a line break inside a quoted field.
    let f = find(&[path("portal")], "p1000000-0000-4000-8000-000000000001");
    assert_eq!(
        (
            f.event.city.as_ref(),
            f.event.state.as_ref(),
            f.event.country.as_ref()
        ),
        ("Washington, D.C.", "District of Columbia", "US")
    );
    assert!(f.event.failure_reason.contains('\n'));
    assert_eq!(f.event.user_display, "田中, 由紀");
    assert_eq!(f.event.compliant, Some(false));
    assert_eq!(
        f.raw["Application ID"], "27922004-5251-4030-b22d-91ecd9a37ea4",
        "header names are trimmed"
    );
    // The MFA result column marks the denial; the details file adds the steps.
    let f = find(&[path("portal")], "p1000000-0000-4000-8000-000000000003");
    assert_eq!(f.event.steps.len(), 2, "{:?}", f.event.steps);
    assert_eq!(
        f.event.steps[1].result_detail,
        "MFA denied; user declined the authentication"
    );
    // "Success" with an empty code is a success; 50074 an interrupt.
    assert_eq!(r.totals.successes, 4);
    assert_eq!(r.totals.interrupts, 1);
    let legacy = attack(&r, "legacy-auth");
    assert_eq!((legacy.len(), legacy[0].successes), (1, 1));
    assert_eq!(r.stale_sessions.events, 1);
}

#[test]
fn log_analytics_exports() {
    let r = run(&[path("log-analytics")]);
    let csv = input(&r, "query_data.csv");
    assert_eq!(
        (csv.records, csv.unreadable, csv.format.as_str()),
        (2, 0, "log-analytics/csv")
    );
    let az = input(&r, "az-query.json");
    assert_eq!((az.records, az.format.as_str()), (2, "log-analytics/array"));
    let api = input(&r, "api-response.json");
    assert_eq!((api.records, api.format.as_str()), (2, "log-analytics/api"));
    // Kind from the `Type` column; JSON-text columns parsed; `Aoi.Kato` = `aoi.kato`.
    assert_eq!(r.totals.by_kind[Kind::NonInteractive.index()], 2);
    let f = find(
        &[path("log-analytics/query_data.csv")],
        "la000000-0000-4000-8000-000000000001",
    )
    .event;
    assert_eq!(f.time, Some(t("2025-04-11T12:00:00Z")));
    assert_eq!(
        (f.code, f.os.as_ref(), f.country.as_ref(), f.city.as_ref()),
        (53000, "Android", "SG", "Singapore")
    );
    assert_eq!(f.policies[0].name, "Require compliant device");
    assert_eq!(f.steps[0].result_detail, "Correct password");
    assert!(r
        .conditional_access
        .iter()
        .any(|p| p.policy == "Require compliant device" && p.events == 2));
    assert_eq!(r.totals.users, 2, "aoi.kato and noah.smith");
}

#[test]
fn gzip_and_zip() {
    use flate2::{write::GzEncoder, Compression};
    let plain = std::fs::read(data("graph-beta-collector.json")).unwrap();
    let mut gz = Vec::new();
    // Two gzip members one after another, as concatenated .gz files are.
    for half in [&plain[..plain.len() / 2], &plain[plain.len() / 2..]] {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(half).unwrap();
        gz.extend(e.finish().unwrap());
    }
    let r = run(&[mem("collector.json.gz", gz)]);
    collector_checks(&r, "collector.json.gz", "UTF-8 (BOM)");
    assert_eq!(r.inputs[0].container, "gzip");

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in [
        "NonInteractiveSignIns_2025-04-11_2025-04-12.csv",
        "ApplicationSignIns_2025-04-11_2025-04-12.csv",
    ] {
        zip.start_file(format!("download/{name}"), opts).unwrap();
        zip.write_all(&std::fs::read(data(&format!("portal/{name}"))).unwrap())
            .unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let r = run(&[mem("SignIns.zip", bytes)]);
    assert_eq!(r.inputs.len(), 2);
    assert!(r
        .inputs
        .iter()
        .all(|i| i.path.starts_with("SignIns.zip!download/") && i.container == "zip"));
    assert_eq!(
        r.totals.by_kind,
        [0, 2, 2, 0],
        "the kind comes from each member's name"
    );
}

#[test]
fn pages_and_captures_one_per_line() {
    let cfg = example::Config {
        users: 40,
        days: 1,
        per_user_day: 10,
        ..example::Config::default()
    };
    let tenant = example::Tenant::new(cfg);
    let mut reference = None;
    for (shape, format) in [
        (example::Shape::Diagnostic, "diagnostic-settings/json-lines"),
        (example::Shape::GraphPages, "graph/page"),
        (example::Shape::EventHub, "event-hub"),
        (example::Shape::GraphArrays, "graph/array"),
        (example::Shape::LogAnalyticsJson, "log-analytics/array"),
    ] {
        let mut bytes = Vec::new();
        let (events, _) = example::write(&tenant, shape, &mut bytes, None).unwrap();
        let r = run(&[mem("x", bytes)]);
        assert_eq!(
            (r.inputs[0].records, r.inputs[0].unreadable),
            (events, 0),
            "{shape:?}"
        );
        assert_eq!(r.inputs[0].format, format);
        // Every shape tells the same story.
        let story = (
            r.totals.clone(),
            r.failures
                .iter()
                .map(|f| (f.code, f.users, f.events))
                .collect::<Vec<_>>(),
            r.attacks.len(),
        );
        match &reference {
            None => reference = Some(story),
            Some(s) => assert_eq!(&story, s, "{shape:?}"),
        }
    }
}

#[test]
fn large_json_lines_files_are_split_among_threads_without_changing_results() {
    let cfg = example::Config {
        users: 40,
        days: 1,
        per_user_day: 10,
        ..example::Config::default()
    };
    let mut bytes = Vec::new();
    example::write(
        &example::Tenant::new(cfg),
        example::Shape::Diagnostic,
        &mut bytes,
        None,
    )
    .unwrap();
    let dir = std::env::temp_dir().join(format!("m365doctor-signins-split-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("PT1H.json");
    std::fs::write(&file, &bytes).unwrap();
    let src = [Source::Path(file.clone())];
    let one = m365doctor_signins::analyze(
        &src,
        &m365doctor_signins::Options {
            threads: 1,
            ..Default::default()
        },
        &m365doctor_kb::Kb::bundled(),
        None,
    );
    // Pieces of 7 KiB: dozens of ranges, most starting mid-line, merged in
    // whatever order the threads finish them. Several runs, as the order
    // differs from run to run.
    let split = |threads| {
        m365doctor_signins::analyze(
            &src,
            &m365doctor_signins::Options {
                threads,
                piece_bytes: 7 << 10,
                ..Default::default()
            },
            &m365doctor_kb::Kb::bundled(),
            None,
        )
    };
    let runs: Vec<_> = [3, 2, 3, 4, 3].into_iter().map(split).collect();
    std::fs::remove_dir_all(&dir).ok();
    assert!(one.totals.events > 400, "{}", one.totals.events);
    assert!(!one.worst_users.is_empty() && !one.attacks.is_empty());
    for split in runs {
        assert_eq!(
            split.inputs.len(),
            1,
            "the pieces of one file are one input"
        );
        // The whole report: counts, and what depends on the order of the
        // records (the kind of a principal's last sign-in, the first name
        // or failure reason seen).
        assert_same_report(&split, &one);
    }
}

/// Two reports are equal; if not, the first lines that differ (a whole
/// report is too long for `assert_eq!`'s message).
fn assert_same_report(got: &m365doctor_signins::Report, want: &m365doctor_signins::Report) {
    if got == want {
        return;
    }
    let (g, w) = (format!("{got:#?}"), format!("{want:#?}"));
    let at = g
        .lines()
        .zip(w.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    let around = |t: &str| {
        t.lines()
            .skip(at.saturating_sub(8))
            .take(12)
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "reports differ at line {at}:\n--- got\n{}\n--- want\n{}",
        around(&g),
        around(&w)
    );
}

/// Many files read by several threads give the report of one pass over
/// them in order.
#[test]
fn many_files_on_many_threads_give_the_report_of_one_pass() {
    let mut sources = Vec::new();
    for (i, shape) in [
        example::Shape::Diagnostic,
        example::Shape::GraphPages,
        example::Shape::LogAnalyticsJson,
        example::Shape::PortalCsv,
    ]
    .into_iter()
    .enumerate()
    {
        // Different seeds: different request ids, so no record is a
        // duplicate of another file's.
        for part in 0..3u64 {
            let cfg = example::Config {
                seed: 100 + 10 * i as u64 + part,
                users: 15,
                days: 1,
                per_user_day: 6,
                ..example::Config::default()
            };
            let mut bytes = Vec::new();
            example::write(&example::Tenant::new(cfg), shape, &mut bytes, None).unwrap();
            sources.push(mem(&format!("{shape:?}-{part}"), bytes));
        }
    }
    let analyze = |threads| {
        m365doctor_signins::analyze(
            &sources,
            &m365doctor_signins::Options {
                threads,
                ..Default::default()
            },
            &m365doctor_kb::Kb::bundled(),
            None,
        )
    };
    let one = analyze(1);
    assert_eq!(one.inputs.len(), 12);
    assert!(one
        .inputs
        .iter()
        .all(|i| i.records > 0 && i.duplicates == 0));
    for threads in [2, 3, 4, 2, 3] {
        assert_same_report(&analyze(threads), &one);
    }
}

/// The fast record reader gives the same sign-ins as the `serde` one on every
/// record of every fixture and generated shape, and gives up where `serde`
/// refuses.
#[test]
fn the_fast_reader_agrees_with_serde() {
    use m365doctor_signins::event::{from_raw, Hint};
    use m365doctor_signins::record;
    fn compare(text: &str) -> bool {
        let fast = record::fast(text);
        let slow = record::parse_with_serde(text.as_bytes());
        match (fast, slow) {
            (Some(f), Ok(s)) => {
                assert_eq!(
                    from_raw(f, Hint::default()),
                    from_raw(s, Hint::default()),
                    "{text}"
                );
                true
            }
            (None, Err(_)) => false,
            (None, Ok(_)) => panic!("the fast reader gave up on valid JSON: {text}"),
            (Some(_), Err(e)) => panic!("the fast reader took what serde refuses ({e}): {text}"),
        }
    }
    let mut records = Vec::new();
    for f in [
        "graph-v1-page.json",
        "eventhub-capture.json",
        "log-analytics/az-query.json",
    ] {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(data(f)).unwrap()).unwrap();
        let list = v.get("value").or(v.get("records")).cloned().unwrap_or(v);
        records.extend(list.as_array().unwrap().iter().map(|r| r.to_string()));
    }
    let cfg = example::Config {
        users: 40,
        days: 1,
        per_user_day: 5,
        ..example::Config::default()
    };
    for shape in [example::Shape::Diagnostic, example::Shape::LogAnalyticsJson] {
        let mut bytes = Vec::new();
        example::write(&example::Tenant::new(cfg.clone()), shape, &mut bytes, None).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        records.extend(
            text.lines()
                .map(|l| l.trim_end_matches(',').to_string())
                .filter(|l| l.starts_with('{')),
        );
    }
    assert!(records.len() > 300);
    assert!(records.iter().all(|r| compare(r)));
    // Odd but valid values, and invalid ones.
    for odd in [
        r#"{"status":{"errorCode":"50126"},"isInteractive":1,"durationMs":-0,"id":12.50,"userPrincipalName":"A\u0040b","ID":"x","appliedConditionalAccessPolicies":[7,"s",{"result":"failure"},null],"location":"{\"city\":\"Tokyo\"}"}"#,
        r#"{"resultType":50126.0,"properties":null,"Status":"{\"errorCode\":1}","signInEventTypes":[1,"nonInteractiveUser",{}],"deviceDetail":[],"time":"2025-01-01T00:00:00Z"}"#,
        r#"{"resultType":"0","value":{"a":[1]},"steps":[[[]]],"authenticationDetails":"[{\"succeeded\":\"True\"}]"}"#,
    ] {
        assert!(compare(odd), "{odd}");
    }
    for bad in [
        r#"{"a":1,}"#,
        r#"{"a":01}"#,
        "{\"a\":\"\u{1}\"}",
        r#"{"properties":"x","resultType":"0"}"#,
        r#"{"resultType":1e400}"#,
        r#"[]"#,
        r#"{"a":1} x"#,
    ] {
        assert!(!compare(bad), "{bad}");
    }
}
