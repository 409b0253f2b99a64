//! `check-network`: can this machine reach Microsoft's sign-in endpoints?
//! DNS, TCP 443 and a TLS handshake for each (see `crate::network`), with
//! the user's and the system's proxy settings. Read-only, on every system.

use crate::action::{reads_only, Action, ReadOnly, Shown, EVERYWHERE};
use crate::facts::Facts;
use crate::host::Os;
use crate::network::{self, NetworkReport};
use crate::plan::{Options, Plan, UndoKind};
use crate::render::{json_text, tr};
use crate::t;
use m365doctor_codes::Lang;
use serde_json::json;
use std::io;
use std::time::Duration;

pub const ACTION: Action = Action {
    id: "check-network",
    platforms: EVERYWHERE,
    changes: false,
    undo: UndoKind::NotNeeded,
    undo_note: reads_only,
    plan,
    read_only: Some(run),
    ..Action::DEFAULT
};

fn plan(p: &mut Plan, _: &Facts, _: &Options) {
    let list = network::ENDPOINTS.join(", ");
    p.notes.push(t!(
        "Read-only: resolves, connects on port 443 and starts a TLS handshake with {list}, each with a timeout, and shows the user's and the system (WinHTTP) proxy settings.",
        "読み取りのみ: {list} について、タイムアウト付きで名前解決、443 番ポートへの接続、TLS ハンドシェイクを確認し、ユーザーとシステム (WinHTTP) のプロキシ設定を表示します。"
    ));
}

fn run(ctx: &ReadOnly) -> io::Result<Shown> {
    let timeout = ctx
        .timeout
        .clamp(Duration::from_secs(1), Duration::from_secs(60));
    let report = network::check(ctx.host, timeout);
    let text = if ctx.json {
        json_text(&to_json(&report, ctx.lang))?
    } else {
        to_text(&report, ctx.host.os(), ctx.lang)
    };
    Ok(Shown::Output {
        text,
        ok: report.ok(),
    })
}

fn to_json(report: &NetworkReport, lang: Lang) -> serde_json::Value {
    json!({
        "schema": crate::catalog::SCHEMA,
        "action": "check-network",
        "ok": report.ok(),
        "probes": report.probes.iter().map(|p| json!({
            "host": p.host,
            "dns": match &p.dns { Ok(a) => json!({"ok": true, "addresses": a}), Err(e) => json!({"ok": false, "error": e}) },
            "tcp443": p.tcp.as_ref().map(|r| match r { Ok(()) => json!({"ok": true}), Err(e) => json!({"ok": false, "error": e}) }),
            "tls": p.tls.as_ref().map(|r| match r { Ok(s) => json!({"ok": true, "detail": s}), Err(e) => json!({"ok": false, "error": e}) }),
            "issuer": p.issuer,
            "via_proxy": p.via_proxy.as_ref().map(|v| match &v.result {
                Ok(d) => json!({"proxy": v.proxy, "ok": true, "detail": d}),
                Err(e) => json!({"proxy": v.proxy, "ok": false, "error": e}),
            }),
            "failure": p.failure().map(|f| f.get(lang).to_string()),
        })).collect::<Vec<_>>(),
        "user_proxy": report.user_proxy.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
        "system_proxy": report.system_proxy,
        "notes": report.proxy_notes().iter().map(|n| n.get(lang)).collect::<Vec<_>>(),
    })
}

fn to_text(report: &NetworkReport, os: Os, lang: Lang) -> String {
    let mut out = String::new();
    let issuer = |p: &network::Probe| {
        p.issuer
            .as_ref()
            .map(|i| format!(" ({})", i.label()))
            .unwrap_or_default()
    };
    for p in &report.probes {
        match p.failure() {
            None if !p.direct_ok() => out.push_str(&format!(
                "  ✓ {:<38} {} {}{}\n",
                p.host,
                tr(lang, "only through the proxy", "プロキシ経由のみ"),
                p.via_proxy.as_ref().map(|v| v.proxy.as_str()).unwrap_or(""),
                issuer(p)
            )),
            None => out.push_str(&format!(
                "  ✓ {:<38} DNS, TCP 443, TLS{}\n",
                p.host,
                issuer(p)
            )),
            Some(f) => out.push_str(&format!("  ✗ {:<38} {}\n", p.host, f.get(lang))),
        }
    }
    out.push_str(&format!(
        "  {}\n",
        tr(
            lang,
            "(the TLS probe offers TLS 1.2 only and reads who issued each certificate; it does not validate the chain)",
            "(TLS の確認は TLS 1.2 のみで行い、証明書の発行者を読み取りますが、証明書チェーンの検証はしません)"
        )
    ));
    if os == Os::Windows || !report.user_proxy.is_empty() {
        out.push_str(&format!(
            "{}\n",
            tr(lang, "User proxy:", "ユーザーのプロキシ:")
        ));
        if report.user_proxy.is_empty() {
            out.push_str(&format!("  {}\n", tr(lang, "none", "なし")));
        }
        for (n, v) in &report.user_proxy {
            out.push_str(&format!("  {n} = {v}\n"));
        }
    }
    if let Some(s) = &report.system_proxy {
        out.push_str(&format!(
            "{}\n",
            tr(
                lang,
                "System proxy (WinHTTP):",
                "システムのプロキシ (WinHTTP):"
            )
        ));
        for l in s.lines().filter(|l| !l.trim().is_empty()) {
            out.push_str(&format!("  {}\n", l.trim()));
        }
    }
    for n in report.proxy_notes() {
        out.push_str(&format!("* {}\n", n.get(lang)));
    }
    out
}
