//! `--json`: the `m365doctor.signins/1` document (docs/json.md). Fields are
//! only ever added; a change that removes or renames one gets `/2`.

use crate::lookup::Found;
use crate::report::{Attack, CodeRow, PrincipalRow, Report, Spike};
use crate::spec::{self, Kind};
use crate::time;
use serde_json::{json, Map, Value};

pub const SCHEMA: &str = "m365doctor.signins/1";
pub const LOOKUP_SCHEMA: &str = "m365doctor.signins-lookup/1";

fn t(v: Option<i64>) -> Value {
    v.map(|t| Value::String(time::format(t)))
        .unwrap_or(Value::Null)
}

fn by_kind(counts: &[u64; 4]) -> Value {
    let mut m = Map::new();
    for k in Kind::ALL {
        m.insert(k.key().into(), json!(counts[k.index()]));
    }
    Value::Object(m)
}

fn pick(pair: &(String, String), ja: bool) -> &str {
    if ja {
        &pair.1
    } else {
        &pair.0
    }
}

fn code_row(r: &CodeRow, ja: bool) -> Value {
    let mut top = Map::new();
    for (key, values) in &r.top {
        top.insert(
            (*key).into(),
            Value::Array(
                values
                    .iter()
                    .map(|v| json!({"name": v.name, "events": v.events, "users": v.users}))
                    .collect(),
            ),
        );
    }
    let kb = r.kb.as_ref();
    json!({
        "code": r.label(),
        "events": r.events,
        "users": r.users,
        "apps": r.apps,
        "share_of_failing_users": (r.share_of_failing_users * 10_000.0).round() / 10_000.0,
        "interactive": r.interactive(),
        "non_interactive": r.non_interactive(),
        "by_kind": by_kind(&r.by_kind),
        "first": t(r.first),
        "last": t(r.last),
        "reason": r.reason,
        "entry": kb.map(|k| k.entry.clone()),
        "layer": kb.map(|k| k.layer.clone()),
        "actions": kb.map(|k| k.actions.clone()).unwrap_or_default(),
        "title": kb.map(|k| pick(&k.title, ja).to_string()),
        "first_fix": kb.and_then(|k| k.first_fix.as_ref()).map(|f| pick(f, ja).to_string()),
        "admin_fix": kb.and_then(|k| k.admin_fix.as_ref()).map(|f| pick(f, ja).to_string()),
        "reference": kb.and_then(|k| k.reference.clone()),
        "stale_session": r.stale_session,
        "top": Value::Object(top),
    })
}

fn spike(s: &Spike) -> Value {
    let mut v = json!({
        "start": time::format(s.start),
        "end": time::format(s.end),
        "events": s.events,
        "baseline": s.baseline,
        "score": (s.score * 100.0).round() / 100.0,
        "new": s.new,
    });
    if let Some(code) = s.code {
        v["code"] = json!(format!("AADSTS{code}"));
    }
    if let Some(app) = &s.app {
        v["app"] = json!(app);
    }
    v
}

fn attack(a: &Attack) -> Value {
    json!({
        "kind": a.kind.key(),
        "subject": a.subject,
        "ips": a.ips,
        "ip_count": a.ip_count,
        "users": a.users,
        "user_count": a.user_count,
        "events": a.events,
        "successes": a.successes,
        "first": t(a.first),
        "last": t(a.last),
        "success_after": a.success_after,
    })
}

fn principal(p: &PrincipalRow) -> Value {
    json!({
        "name": p.name,
        "kind": p.kind.key(),
        "failures": p.failures,
        "interrupts": p.interrupts,
        "top_code": format!("AADSTS{}", p.top_code),
        "codes": p.codes.iter().take(5).map(|(c, n)| json!({"code": format!("AADSTS{c}"), "events": n})).collect::<Vec<_>>(),
        "apps": p.apps,
        "last": t(p.last),
        "credential_problem": p.credential_problem,
    })
}

pub fn inputs(r: &Report, ja: bool) -> Value {
    Value::Array(
        r.inputs
            .iter()
            .map(|i| {
                json!({
                    "path": i.path,
                    "format": i.format,
                    "encoding": i.encoding,
                    "container": i.container,
                    "records": i.records,
                    "unreadable": i.unreadable,
                    "duplicates": i.duplicates,
                    "truncated": i.truncated,
                    "other_categories": i.other_categories,
                    "auth_detail_rows": i.auth_detail_rows,
                    "reasons": i.reasons.iter().map(|(k, (n, ex))| json!({
                        "reason": k.key(),
                        "count": n,
                        "message": k.message().get(ja),
                        "example": ex,
                    })).collect::<Vec<_>>(),
                    "warnings": i.warnings().iter().map(|w| w.get(ja).to_string()).collect::<Vec<_>>(),
                    "error": i.error.as_ref().map(|e| e.get(ja).to_string()),
                })
            })
            .collect(),
    )
}

/// The whole report as the `m365doctor.signins/1` document.
pub fn document(r: &Report, ja: bool) -> Value {
    let tt = &r.totals;
    let mut thresholds = Map::new();
    for (th, v) in r.thresholds.iter() {
        thresholds.insert(th.name.into(), json!(v));
    }
    json!({
        "schema": SCHEMA,
        "lang": if ja { "ja" } else { "en" },
        "inputs": inputs(r, ja),
        "totals": {
            "events": tt.events,
            "successes": tt.successes,
            "failures": tt.failures,
            "interrupts": tt.interrupts,
            "users": tt.users,
            "service_principals": tt.service_principals,
            "failing_users": tt.failing_users,
            "by_kind": by_kind(&tt.by_kind),
            "first": t(tt.first),
            "last": t(tt.last),
            "without_time": tt.without_time,
            "duplicates": tt.duplicates,
            "unreadable": tt.unreadable,
        },
        "failures": r.failures.iter().map(|c| code_row(c, ja)).collect::<Vec<_>>(),
        "interrupts": r.interrupts.iter().map(|c| code_row(c, ja)).collect::<Vec<_>>(),
        "conditional_access": r.conditional_access.iter().map(|p| json!({
            "policy_id": p.policy_id,
            "policy": p.policy,
            "result": p.result,
            "events": p.events,
            "users": p.users,
            "apps": p.apps,
            "report_only": p.report_only,
        })).collect::<Vec<_>>(),
        "spikes": r.spikes.iter().map(spike).collect::<Vec<_>>(),
        "app_spikes": r.app_spikes.iter().map(spike).collect::<Vec<_>>(),
        "attacks": r.attacks.iter().map(attack).collect::<Vec<_>>(),
        "worst_users": r.worst_users.iter().map(principal).collect::<Vec<_>>(),
        "service_principals": r.service_principals.iter().map(principal).collect::<Vec<_>>(),
        "devices": r.devices.iter().map(|d| json!({
            "name": d.name,
            "os": d.os,
            "failures": d.failures,
            "users": d.users,
            "top_code": format!("AADSTS{}", d.top_code),
            "last": t(d.last),
        })).collect::<Vec<_>>(),
        "stale_sessions": {
            "events": r.stale_sessions.events,
            "non_interactive": r.stale_sessions.non_interactive,
            "users": r.stale_sessions.users,
            "codes": r.stale_sessions.codes.iter().map(|(c, n)| json!({"code": format!("AADSTS{c}"), "events": n})).collect::<Vec<_>>(),
        },
        "not_in_kb": r.not_in_kb.iter().map(|c| format!("AADSTS{c}")).collect::<Vec<_>>(),
        "thresholds": Value::Object(thresholds),
    })
}

/// `--correlation ID`: the sign-ins found, in full.
pub fn lookup_document(found: &[Found], query: &str, inputs_read: usize, ja: bool) -> Value {
    json!({
        "schema": LOOKUP_SCHEMA,
        "lang": if ja { "ja" } else { "en" },
        "query": query,
        "inputs": inputs_read,
        "sign_ins": found.iter().map(|f| {
            let e = &f.event;
            let kb = f.kb.as_ref();
            json!({
                "time": t(e.time),
                "kind": e.kind.key(),
                "id": e.id,
                "correlation_id": e.correlation_id,
                "user": e.upn,
                "user_display_name": e.user_display,
                "app": spec::app_of(e),
                "resource": e.resource,
                "ip": e.ip,
                "country": e.country,
                "client_app": e.client_app,
                "os": e.os,
                "browser": e.browser,
                "device": e.device_name,
                "compliant": e.compliant,
                "code": format!("AADSTS{}", e.code),
                "result": match e.class() { spec::Class::Success => "success", spec::Class::Interrupt => "interrupt", spec::Class::Failure => "failure" },
                "failure_reason": e.failure_reason,
                "additional_details": e.additional_details,
                "conditional_access_status": e.ca_status,
                "policies": e.policies.iter().map(|p| json!({"id": p.id, "name": p.name, "result": p.result, "grant_controls": p.grant_controls})).collect::<Vec<_>>(),
                "steps": e.steps.iter().map(|s| json!({"method": s.method, "detail": s.method_detail, "requirement": s.requirement, "result": s.result_detail, "succeeded": s.succeeded})).collect::<Vec<_>>(),
                "entry": kb.map(|k| k.entry.clone()),
                "layer": kb.map(|k| k.layer.clone()),
                "title": kb.map(|k| pick(&k.title, ja).to_string()),
                "first_fix": kb.and_then(|k| k.first_fix.as_ref()).map(|f| pick(f, ja).to_string()),
                "actions": kb.map(|k| k.actions.clone()).unwrap_or_default(),
                "record": f.raw,
            })
        }).collect::<Vec<_>>(),
    })
}
