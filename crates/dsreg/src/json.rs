//! The `m365doctor.dsreg/1` JSON document (docs/json.md). Fields are only
//! ever added; texts are in the requested language, everything else is
//! language-neutral.

use crate::codes::Code;
use crate::model::{key_storage, ClockBasis, Facts, IeProxy, KeyStorage, PrtAttempt, Test, Val};
use crate::rules::{Finding, SecondCapture};
use crate::time::Timestamp;
use crate::Report;
use m365doctor_codes::Lang;
use serde_json::{json, Map, Value};

pub const SCHEMA: &str = "m365doctor.dsreg/1";

fn raw(v: &Option<Val>) -> Value {
    match v {
        Some(v) => Value::String(v.raw.clone()),
        None => Value::Null,
    }
}

fn flag(v: &Option<Val>) -> Value {
    match v.as_ref().and_then(Val::flag) {
        Some(b) => Value::Bool(b),
        None => Value::Null,
    }
}

fn time(v: &Option<Val>) -> Value {
    match v.as_ref().and_then(Val::time) {
        Some(t) => Value::String(t.iso()),
        None => Value::Null,
    }
}

fn ts(t: Timestamp) -> Value {
    Value::String(t.iso())
}

/// Seconds from the value's time to the capture's clock (positive: before).
fn age(f: &Facts, v: &Option<Val>) -> Value {
    match v.as_ref().and_then(Val::time).and_then(|t| f.age(t)) {
        Some(a) => json!(a),
        None => Value::Null,
    }
}

pub fn code(c: &Code) -> Value {
    json!({
        "raw": c.raw,
        "normalized": c.normalized,
        "kind": c.kind.id(),
        "names": c.names,
        "layer": c.layer.map(|l| l.id()),
        "sub_error": c.sub_error.as_deref().map(code),
    })
}

fn evidence(v: &Val) -> Value {
    json!({"section": v.section, "field": v.field, "value": v.raw})
}

/// A name not used yet in `taken`: the name itself, else `name (2)`, …
fn unique(name: &str, taken: &mut std::collections::HashMap<String, usize>) -> String {
    let mut n = taken.get(name).copied().unwrap_or(0);
    loop {
        n += 1;
        let candidate = if n == 1 {
            name.to_string()
        } else {
            format!("{name} ({n})")
        };
        if !taken.contains_key(&candidate) {
            taken.insert(name.to_string(), n);
            if n > 1 {
                taken.insert(candidate.clone(), 1);
            }
            return candidate;
        }
    }
}

/// `{"<Section>": {"<Field>": "<raw value>"}}`; a repeated name gets " (2)",
/// " (3)"…; `order` lists the section keys in printed order.
fn sections(f: &Facts) -> (Value, Vec<String>) {
    let mut out = Map::new();
    let mut order = Vec::new();
    let mut section_names = std::collections::HashMap::new();
    for s in &f.capture.sections {
        let mut fields = Map::new();
        let mut field_names = std::collections::HashMap::new();
        for field in &s.fields {
            let name = unique(&field.name, &mut field_names);
            fields.insert(name, Value::String(field.value.clone()));
        }
        let name = unique(&s.name, &mut section_names);
        order.push(name.clone());
        out.insert(name, Value::Object(fields));
    }
    (Value::Object(out), order)
}

fn storage(k: Option<KeyStorage>) -> Value {
    match k {
        Some(KeyStorage::Tpm) => json!("tpm"),
        Some(KeyStorage::Software) => json!("software"),
        Some(KeyStorage::Other) => json!("other"),
        None => Value::Null,
    }
}

fn device(f: &Facts) -> Value {
    let d = &f.device;
    let ds = &f.device_state;
    let status = match (d.validity, f.clock.as_ref()) {
        (Some(v), Some(c)) if c.time < v.not_before && c.basis == ClockBasis::ClientTime => {
            "not-yet-valid"
        }
        (Some(v), Some(c)) if c.time > v.not_after => "expired",
        (Some(_), Some(c)) if c.basis == ClockBasis::ClientTime => "valid",
        _ => "unknown",
    };
    json!({
        "name": raw(&ds.device_name),
        "azure_ad_joined": flag(&ds.azure_ad_joined),
        "enterprise_joined": flag(&ds.enterprise_joined),
        "domain_joined": flag(&ds.domain_joined),
        "domain_name": raw(&ds.domain_name),
        "virtual_desktop": raw(&ds.virtual_desktop),
        "id": raw(&d.id),
        "thumbprint": raw(&d.thumbprint),
        "certificate": {
            "raw": raw(&d.certificate_validity),
            "not_before": d.validity.map(|v| ts(v.not_before)),
            "not_after": d.validity.map(|v| ts(v.not_after)),
            "status": status,
        },
        "key_container_id": raw(&d.key_container_id),
        "key_provider": raw(&d.key_provider),
        "key_storage": storage(d.key_provider.as_ref().map(key_storage)),
        "tpm_protected": flag(&d.tpm_protected),
        "auth_status": raw(&d.auth_status),
    })
}

fn tenant(f: &Facts) -> Value {
    let t = &f.tenant;
    let mut endpoints = Map::new();
    for e in &t.endpoints {
        endpoints.insert(e.field.clone(), Value::String(e.raw.clone()));
    }
    json!({
        "name": raw(&t.name),
        "id": raw(&t.id),
        "idp": raw(&t.idp),
        "endpoints": endpoints,
    })
}

fn user(f: &Facts) -> Value {
    let u = &f.user;
    json!({
        "ngc_set": flag(&u.ngc_set),
        "ngc_key_id": raw(&u.ngc_key_id),
        "can_reset": raw(&u.can_reset),
        "workplace_joined": flag(&u.workplace_joined),
        "work_account_count": raw(&u.work_account_count),
        "wam_default_set": raw(&u.wam_default_set),
        "wam_default_authority": raw(&u.wam_default_authority),
        "wam_default_id": raw(&u.wam_default_id),
        "wam_default_guid": raw(&u.wam_default_guid),
    })
}

fn attempt(f: &Facts, a: &PrtAttempt) -> Value {
    json!({
        "kind": a.kind.id(),
        "time": time(&a.time),
        "time_raw": raw(&a.time),
        "age_seconds": age(f, &a.time),
        "status": raw(&a.status),
        "status_code": a.status_code.as_ref().map(code),
        "user_identity": raw(&a.user_identity),
        "credential_type": raw(&a.credential_type),
        "correlation_id": raw(&a.correlation_id),
        "endpoint_uri": raw(&a.endpoint_uri),
        "http_method": raw(&a.http_method),
        "http_error": raw(&a.http_error),
        "http_error_code": a.http_error_code.as_ref().map(code),
        "http_status": a.http_status_number(),
        "server_error_code": raw(&a.server_error_code),
        "server_error_description": raw(&a.server_error_description),
        "aadsts": a.aadsts.iter().map(code).collect::<Vec<_>>(),
    })
}

fn sso(f: &Facts) -> Value {
    let s = &f.sso;
    let expires_in = match s
        .expiry_time
        .as_ref()
        .and_then(Val::time)
        .and_then(|t| f.age(t))
    {
        Some(a) => json!(-a),
        None => Value::Null,
    };
    json!({
        "azure_ad_prt": flag(&s.azure_ad_prt),
        "update_time": time(&s.update_time),
        "update_time_raw": raw(&s.update_time),
        "update_age_seconds": age(f, &s.update_time),
        "expiry_time": time(&s.expiry_time),
        "expiry_time_raw": raw(&s.expiry_time),
        "expires_in_seconds": expires_in,
        "authority": raw(&s.authority),
        "enterprise_prt": flag(&s.enterprise_prt),
        "enterprise_update_time": time(&s.enterprise_update_time),
        "enterprise_expiry_time": time(&s.enterprise_expiry_time),
        "enterprise_authority": raw(&s.enterprise_authority),
        "on_prem_tgt": flag(&s.on_prem_tgt),
        "cloud_tgt": flag(&s.cloud_tgt),
        "kerb_top_level_names": raw(&s.kerb_top_level_names),
        "attempts": s.attempts.iter().map(|a| attempt(f, a)).collect::<Vec<_>>(),
    })
}

fn test(t: &Test) -> Value {
    json!({
        "name": t.val.field,
        "result": t.result.id(),
        "raw": t.val.raw,
        "code": t.code.as_ref().map(code),
    })
}

fn diagnostics(f: &Facts) -> Value {
    let d = &f.diagnostics;
    let previous = d.previous_registration.as_ref().map(|p| {
        json!({
            "time": time(&p.time),
            "time_raw": raw(&p.time),
            "registration_type": raw(&p.registration_type),
            "error_phase": raw(&p.error_phase),
            "client_error_code": raw(&p.client_error_code),
            "client_code": p.client_code.as_ref().map(code),
            "server_error_code": raw(&p.server_error_code),
            "server_message": raw(&p.server_message),
            "https_status": raw(&p.https_status),
            "request_id": raw(&p.request_id),
        })
    });
    json!({
        "phase": d.phase.id(),
        "user_context": raw(&d.user_context),
        "client_time": time(&d.client_time),
        "executing_account": raw(&d.executing_account),
        "fallback_sync_join": raw(&d.fallback_sync_join),
        "fallback_fed_join": raw(&d.fallback_fed_join),
        "aad_recovery_enabled": flag(&d.aad_recovery_enabled),
        "key_sign_test": raw(&d.key_sign_test),
        "previous_registration": previous,
    })
}

fn ie(p: &Option<IeProxy>) -> Value {
    match p {
        Some(p) => json!({
            "auto_detect": flag(&p.auto_detect),
            "auto_config_url": raw(&p.auto_config_url),
            "proxy_server_list": raw(&p.proxy_server_list),
            "proxy_bypass_list": raw(&p.proxy_bypass_list),
            "uses_proxy": p.uses_explicit_proxy(),
        }),
        None => Value::Null,
    }
}

fn proxy(f: &Facts) -> Value {
    let winhttp = f.proxy.winhttp.as_ref().map(|w| {
        let mut other = Map::new();
        for v in &w.other {
            other.insert(v.field.clone(), Value::String(v.raw.clone()));
        }
        json!({
            "access_type": raw(&w.access_type),
            "direct": w.is_direct(),
            "fields": other,
        })
    });
    let mut url = Map::new();
    for v in &f.proxy.url_specific {
        url.insert(v.field.clone(), Value::String(v.raw.clone()));
    }
    json!({
        "user": ie(&f.proxy.user),
        "system_account": ie(&f.proxy.system_account),
        "winhttp": winhttp,
        "url_specific": url,
    })
}

fn ngc(f: &Facts) -> Value {
    match &f.ngc {
        Some(n) => json!({
            "ngc_prereq": raw(&n.prereq),
            "is_device_joined": raw(&n.is_device_joined),
            "is_user_azure_ad": raw(&n.is_user_azure_ad),
            "policy_enabled": raw(&n.policy_enabled),
            "post_logon_enabled": raw(&n.post_logon_enabled),
            "device_eligible": raw(&n.device_eligible),
            "session_is_not_remote": raw(&n.session_is_not_remote),
            "cert_enrollment": raw(&n.cert_enrollment),
            "adfs_refresh_token": raw(&n.adfs_refresh_token),
            "adfs_ra_is_ready": raw(&n.adfs_ra_is_ready),
            "logon_cert_template_ready": raw(&n.logon_cert_template_ready),
            "on_prem_tgt": raw(&n.on_prem_tgt),
            "pre_req_result": raw(&n.pre_req_result),
        }),
        None => Value::Null,
    }
}

fn work_accounts(f: &Facts) -> Value {
    Value::Array(
        f.work_accounts
            .iter()
            .map(|w| {
                json!({
                    "section": w.section,
                    "index": w.index,
                    "device_id": raw(&w.device_id),
                    "thumbprint": raw(&w.thumbprint),
                    "certificate": {
                        "raw": raw(&w.certificate_validity),
                        "not_before": w.validity.map(|v| ts(v.not_before)),
                        "not_after": w.validity.map(|v| ts(v.not_after)),
                    },
                    "key_provider": raw(&w.key_provider),
                    "tpm_protected": flag(&w.tpm_protected),
                    "tenant_id": raw(&w.tenant_id),
                    "tenant_name": raw(&w.tenant_name),
                    "mdm_url": raw(&w.mdm_url),
                    "ngc_set": flag(&w.ngc_set),
                })
            })
            .collect(),
    )
}

pub fn second_capture(s: SecondCapture, lang: Lang) -> Value {
    json!({
        "as": s.id(),
        "prompt": s.prompt(),
        "command": s.command(),
        "instructions": s.instructions().get(lang),
    })
}

pub fn finding(f: &Finding, lang: Lang) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.id(),
        "layer": f.layer.id(),
        "scope": f.scope.id(),
        "codes": f.normalized_codes(),
        "decoded": f.codes.iter().map(code).collect::<Vec<_>>(),
        "entry": f.entry,
        "entry_source": f.entry_source,
        "actions": f.actions,
        "evidence": f.evidence.iter().map(evidence).collect::<Vec<_>>(),
        "message": f.message.get(lang),
        "second_capture": f.second_capture.map(|s| second_capture(s, lang)),
    })
}

/// The whole report as `m365doctor.dsreg/1`.
pub fn to_json(report: &Report, lang: Lang) -> Value {
    let f = &report.facts;
    let c = &f.capture;
    let clock = f.clock.as_ref().map(|k| {
        json!({
            "time": k.time.iso(),
            "basis": k.basis.id(),
            "field": k.source.field,
        })
    });
    let (sections, section_order) = sections(f);
    let second: Vec<Value> = report
        .second_captures()
        .into_iter()
        .map(|s| second_capture(s, lang))
        .collect();
    json!({
        "schema": SCHEMA,
        "lang": lang.id(),
        "join_type": f.join_type.id(),
        "join_type_label": f.join_type.label().get(lang),
        "captured_as": f.captured_as.id(),
        "captured_as_basis": f.captured_as_basis.iter().map(evidence).collect::<Vec<_>>(),
        "captured_as_meaning": f.captured_as.meaning().get(lang),
        "layout": c.layout.id(),
        "complete": c.footer,
        "lines": {"first": c.first_line, "last": c.last_line},
        "clock": clock,
        "sections": sections,
        "section_order": section_order,
        "device": device(f),
        "tenant": tenant(f),
        "user": user(f),
        "sso": sso(f),
        "diagnostics": diagnostics(f),
        "tests": f.diagnostics.tests.iter().map(test).collect::<Vec<_>>(),
        "proxy": proxy(f),
        "ngc": ngc(f),
        "work_accounts": work_accounts(f),
        "second_captures": second,
        "findings": report.findings.iter().map(|x| finding(x, lang)).collect::<Vec<_>>(),
    })
}
