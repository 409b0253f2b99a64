//! `--csv DIR`: one table per analysis, UTF-8 with BOM (so Excel opens
//! Japanese text correctly), RFC 4180 quoting.

use super::json;
use crate::report::Report;
use crate::spec;
use crate::time;
use std::path::Path;

fn field(s: &str) -> String {
    // A leading = + - @ would make a spreadsheet run a formula.
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn t(v: Option<i64>) -> String {
    v.map(time::format).unwrap_or_default()
}

fn table(head: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&head.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The tables, by file name.
pub fn tables(r: &Report, ja: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let codes = |rows: &[crate::report::CodeRow]| -> String {
        table(
            &[
                "code",
                "events",
                "users",
                "apps",
                "share_of_failing_users",
                "interactive",
                "non_interactive",
                "first",
                "last",
                "reason",
                "entry",
                "layer",
                "title",
                "first_fix",
            ],
            rows.iter()
                .map(|c| {
                    let kb = c.kb.as_ref();
                    vec![
                        c.label(),
                        c.events.to_string(),
                        c.users.to_string(),
                        c.apps.to_string(),
                        format!("{:.4}", c.share_of_failing_users),
                        c.interactive().to_string(),
                        c.non_interactive().to_string(),
                        t(c.first),
                        t(c.last),
                        c.reason.clone(),
                        kb.map(|k| k.entry.clone()).unwrap_or_default(),
                        kb.map(|k| k.layer.clone()).unwrap_or_default(),
                        kb.map(|k| {
                            if ja {
                                k.title.1.clone()
                            } else {
                                k.title.0.clone()
                            }
                        })
                        .unwrap_or_default(),
                        kb.and_then(|k| k.first_fix.as_ref())
                            .map(|f| if ja { f.1.clone() } else { f.0.clone() })
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
        )
    };
    out.push(("failures.csv", codes(&r.failures)));
    out.push(("interrupts.csv", codes(&r.interrupts)));
    let mut rows = Vec::new();
    for c in r.failures.iter().chain(r.interrupts.iter()) {
        for d in spec::DIMENSIONS {
            for v in c.top_of(d.key) {
                rows.push(vec![
                    c.label(),
                    d.key.to_string(),
                    v.name.clone(),
                    v.events.to_string(),
                    v.users.to_string(),
                ]);
            }
        }
    }
    out.push((
        "breakdown.csv",
        table(&["code", "dimension", "value", "events", "users"], rows),
    ));
    out.push((
        "conditional_access.csv",
        table(
            &[
                "policy_id",
                "policy",
                "result",
                "events",
                "users",
                "apps",
                "report_only",
            ],
            r.conditional_access
                .iter()
                .map(|p| {
                    vec![
                        p.policy_id.clone(),
                        p.policy.clone(),
                        p.result.clone(),
                        p.events.to_string(),
                        p.users.to_string(),
                        p.apps.to_string(),
                        p.report_only.to_string(),
                    ]
                })
                .collect(),
        ),
    ));
    out.push((
        "spikes.csv",
        table(
            &[
                "code", "app", "start", "end", "events", "baseline", "score", "new",
            ],
            r.spikes
                .iter()
                .chain(r.app_spikes.iter())
                .map(|s| {
                    vec![
                        s.code.map(|c| format!("AADSTS{c}")).unwrap_or_default(),
                        s.app.clone().unwrap_or_default(),
                        time::format(s.start),
                        time::format(s.end),
                        s.events.to_string(),
                        format!("{}", s.baseline),
                        format!("{:.2}", s.score),
                        s.new.to_string(),
                    ]
                })
                .collect(),
        ),
    ));
    let mut rows = Vec::new();
    for (code, series) in &r.series {
        for (b, n) in series {
            rows.push(vec![
                format!("AADSTS{code}"),
                time::format(*b),
                n.to_string(),
            ]);
        }
    }
    out.push(("series.csv", table(&["code", "start", "failures"], rows)));
    out.push((
        "attacks.csv",
        table(
            &[
                "kind",
                "subject",
                "ips",
                "ip_count",
                "users",
                "user_count",
                "events",
                "successes",
                "first",
                "last",
                "success_after",
            ],
            r.attacks
                .iter()
                .map(|a| {
                    vec![
                        a.kind.key().to_string(),
                        a.subject.clone().unwrap_or_default(),
                        a.ips.join(" "),
                        a.ip_count.to_string(),
                        a.users.join(" "),
                        a.user_count.to_string(),
                        a.events.to_string(),
                        a.successes.to_string(),
                        t(a.first),
                        t(a.last),
                        a.success_after.to_string(),
                    ]
                })
                .collect(),
        ),
    ));
    let principals = |rows: &[crate::report::PrincipalRow]| {
        table(
            &[
                "name",
                "kind",
                "failures",
                "interrupts",
                "top_code",
                "apps",
                "last",
                "credential_problem",
            ],
            rows.iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.kind.key().into(),
                        p.failures.to_string(),
                        p.interrupts.to_string(),
                        format!("AADSTS{}", p.top_code),
                        p.apps.to_string(),
                        t(p.last),
                        p.credential_problem.to_string(),
                    ]
                })
                .collect(),
        )
    };
    out.push(("users.csv", principals(&r.worst_users)));
    out.push(("service_principals.csv", principals(&r.service_principals)));
    out.push((
        "devices.csv",
        table(
            &["device", "os", "failures", "users", "top_code", "last"],
            r.devices
                .iter()
                .map(|d| {
                    vec![
                        d.name.clone(),
                        d.os.clone(),
                        d.failures.to_string(),
                        d.users.to_string(),
                        format!("AADSTS{}", d.top_code),
                        t(d.last),
                    ]
                })
                .collect(),
        ),
    ));
    let inputs = json::inputs(r, ja);
    let rows = inputs
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    [
                        "path",
                        "format",
                        "encoding",
                        "records",
                        "unreadable",
                        "duplicates",
                        "error",
                    ]
                    .iter()
                    .map(|k| match &i[*k] {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => String::new(),
                        v => v.to_string(),
                    })
                    .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    out.push((
        "inputs.csv",
        table(
            &[
                "path",
                "format",
                "encoding",
                "records",
                "unreadable",
                "duplicates",
                "error",
            ],
            rows,
        ),
    ));
    out
}

/// Writes every table into `dir` (created if missing). Each file is written
/// to a temporary name first and renamed, so no half-written table remains.
pub fn write_dir(dir: &Path, r: &Report, ja: bool) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut names = Vec::new();
    for (name, body) in tables(r, ja) {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, body)?;
        std::fs::rename(&tmp, &path)?;
        names.push(path.display().to_string());
    }
    Ok(names)
}
