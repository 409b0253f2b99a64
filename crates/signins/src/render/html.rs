//! `--html FILE`: one self-contained page. No CDN, no fonts, no requests:
//! the styles and the small script are inline, charts are inline SVG, and
//! a Content-Security-Policy forbids loading anything. The page holds the
//! report in English and Japanese; a button switches. Tables sort by a
//! click on their header.

use super::{concentration, fmt_n, pct, tr};
use crate::report::{AttackKind, CodeRow, Report};
use crate::spec::{self, Kind};
use crate::time;
use std::fmt::Write;

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn when(t: Option<i64>) -> String {
    t.map(|t| {
        time::format(t)
            .replace('T', " ")
            .trim_end_matches('Z')
            .to_string()
    })
    .unwrap_or_else(|| "—".into())
}

const STYLE: &str = r#"
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--head:#f6f8fa;--bad:#cf222e;--warn:#9a6700;--ok:#1a7f37;--accent:#0969da}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Yu Gothic UI",Meiryo,sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:16px 24px 48px}
header{display:flex;align-items:center;justify-content:space-between;gap:16px;flex-wrap:wrap}
h1{font-size:22px;margin:8px 0}
h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.muted{color:var(--muted)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:140px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--head);cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-family:ui-monospace,Consolas,monospace;font-size:13px}
.fix{color:var(--ok)}
.bad{color:var(--bad);font-weight:600}
.tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;font-size:12px;margin-right:4px}
details{margin:2px 0}
summary{cursor:pointer;color:var(--accent)}
svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
button{font:inherit;padding:4px 12px;border:1px solid var(--line);border-radius:6px;background:var(--head);cursor:pointer}
.bar{fill:var(--accent)}
"#;

/// Sorts a table by the clicked column: numbers by `data-v`, text as text.
const SCRIPT: &str = r#"
(function(){
  function key(td){var v=td.getAttribute('data-v');return v!==null?parseFloat(v):td.textContent.trim().toLowerCase();}
  document.querySelectorAll('table.sortable').forEach(function(t){
    t.querySelectorAll('th').forEach(function(th,i){
      th.addEventListener('click',function(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        t.querySelectorAll('th').forEach(function(o){o.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=key(a.cells[i]),y=key(b.cells[i]);if(x<y)return asc?-1:1;if(x>y)return asc?1:-1;return 0;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  var btn=document.getElementById('lang');
  btn.addEventListener('click',function(){
    var en=document.getElementById('report-en'),ja=document.getElementById('report-ja');
    var toJa=ja.hidden;ja.hidden=!toJa;en.hidden=toJa;
    document.documentElement.lang=toJa?'ja':'en';
    btn.textContent=toJa?'English':'日本語';
  });
})();
"#;

/// The whole page; `ja` picks the language shown first.
pub fn page(r: &Report, ja: bool) -> String {
    let mut s = String::with_capacity(256 << 10);
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>m365doctor signins</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>m365doctor signins</h1><button id="lang" type="button">{other}</button></header>
"#,
        lang = if ja { "ja" } else { "en" },
        other = if ja { "English" } else { "日本語" },
    );
    for lang_ja in [false, true] {
        let hidden = if lang_ja != ja { " hidden" } else { "" };
        let _ = writeln!(
            s,
            "<main id=\"report-{}\"{hidden}>",
            if lang_ja { "ja" } else { "en" }
        );
        body(&mut s, r, lang_ja);
        s.push_str("</main>\n");
    }
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    s
}

fn th(s: &mut String, heads: &[&str]) {
    s.push_str("<thead><tr>");
    for h in heads {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>\n");
}

fn num(s: &mut String, n: u64) {
    let _ = write!(s, "<td class=\"n\" data-v=\"{n}\">{}</td>", fmt_n(n));
}

fn cell(s: &mut String, text: &str) {
    let _ = write!(s, "<td>{}</td>", esc(text));
}

fn body(s: &mut String, r: &Report, ja: bool) {
    let t = &r.totals;
    let ev = t.events.max(1) as f64;
    let _ = write!(
        s,
        "<p class=\"muted\">{} {} – {} UTC · {} {}</p>\n<div class=\"cards\">",
        tr(ja, "Period", "期間"),
        when(t.first),
        when(t.last),
        fmt_n(r.inputs.len() as u64),
        tr(ja, "inputs", "件の入力"),
    );
    for (label, value, sub) in [
        (
            tr(ja, "sign-ins", "サインイン"),
            fmt_n(t.events),
            String::new(),
        ),
        (
            tr(ja, "failures", "失敗"),
            fmt_n(t.failures),
            pct(t.failures as f64 / ev),
        ),
        (
            tr(ja, "interrupts", "中断"),
            fmt_n(t.interrupts),
            pct(t.interrupts as f64 / ev),
        ),
        (
            tr(ja, "users", "ユーザー"),
            fmt_n(t.users),
            format!(
                "{} {}",
                fmt_n(t.failing_users),
                tr(ja, "with a failure", "人が失敗")
            ),
        ),
        (
            tr(ja, "apps and identities", "アプリと ID"),
            fmt_n(t.service_principals),
            String::new(),
        ),
    ] {
        let _ = write!(s, "<div class=\"card\"><span class=\"muted\">{}</span><b>{}</b><span class=\"muted\">{}</span></div>", esc(label), value, esc(&sub));
    }
    s.push_str("</div>\n");
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("{} {}", k.label().get(ja), fmt_n(t.by_kind[k.index()])))
        .collect();
    let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&kinds.join(" · ")));

    // Top failures.
    let _ = writeln!(
        s,
        "<h2 id=\"failures\">{}</h2>",
        tr(
            ja,
            "Failures that affect the most users",
            "影響を受けたユーザーが多い失敗"
        )
    );
    let real: Vec<&CodeRow> = r.failures.iter().filter(|f| !f.stale_session).collect();
    if !real.is_empty() {
        bar_chart(s, &real, ja);
    }
    code_table(s, &real, ja, "failures-table");

    if !r.interrupts.is_empty() {
        let _ = writeln!(
            s,
            "<h2 id=\"interrupts\">{}</h2><p class=\"muted\">{}</p>",
            tr(ja, "Interrupts", "中断"),
            tr(ja, "The user was asked for something (MFA, consent, “Stay signed in?”). Counted apart: these are not failures.", "ユーザーに操作 (MFA、同意、「サインインの状態を維持しますか?」など) が求められたものです。失敗ではないため別に数えています。")
        );
        let rows: Vec<&CodeRow> = r.interrupts.iter().collect();
        code_table(s, &rows, ja, "interrupts-table");
    }

    // Conditional Access.
    if !r.conditional_access.is_empty() {
        let _ = writeln!(
            s,
            "<h2 id=\"ca\">{}</h2>",
            tr(ja, "Conditional Access impact", "条件付きアクセスの影響")
        );
        s.push_str("<table class=\"sortable\" id=\"ca-table\">");
        th(
            s,
            &[
                tr(ja, "policy", "ポリシー"),
                tr(ja, "result", "結果"),
                tr(ja, "users", "ユーザー"),
                tr(ja, "events", "件数"),
                tr(ja, "apps", "アプリ"),
            ],
        );
        for p in &r.conditional_access {
            s.push_str("<tr>");
            cell(s, &p.policy);
            if p.report_only {
                let _ = write!(
                    s,
                    "<td>{} <span class=\"tag bad\">{}</span></td>",
                    esc(&p.result),
                    tr(ja, "would block if enforced", "有効にするとブロック")
                );
            } else {
                cell(s, &p.result);
            }
            num(s, p.users);
            num(s, p.events);
            num(s, p.apps);
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n");
    }

    // Spikes.
    let _ = writeln!(
        s,
        "<h2 id=\"spikes\">{}</h2>",
        tr(
            ja,
            "Failures over time, spikes and new codes",
            "失敗の推移、急増、新しいコード"
        )
    );
    series_chart(s, r, ja);
    if r.spikes.is_empty() && r.app_spikes.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            tr(ja, "No spikes.", "急増はありません。")
        );
    } else {
        s.push_str("<table class=\"sortable\" id=\"spikes-table\">");
        th(
            s,
            &[
                tr(ja, "code or app", "コードまたはアプリ"),
                tr(ja, "from", "開始"),
                tr(ja, "to", "終了"),
                tr(ja, "failures", "失敗"),
                tr(ja, "usual", "通常"),
                tr(ja, "score", "スコア"),
                "",
            ],
        );
        for sp in r.spikes.iter().chain(r.app_spikes.iter()) {
            s.push_str("<tr>");
            let what = match (&sp.code, &sp.app) {
                (Some(c), _) => format!("AADSTS{c}"),
                (None, Some(a)) => a.clone(),
                _ => String::new(),
            };
            cell(s, &what);
            cell(s, &when(Some(sp.start)));
            cell(s, &when(Some(sp.end)));
            num(s, sp.events);
            let _ = write!(s, "<td class=\"n\" data-v=\"{}\">{:.0}</td><td class=\"n\" data-v=\"{:.2}\">{:.1}</td>", sp.baseline, sp.baseline, sp.score, sp.score);
            cell(
                s,
                if sp.new {
                    tr(ja, "new code", "新しいコード")
                } else {
                    ""
                },
            );
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n");
    }

    // Attacks.
    let _ = writeln!(
        s,
        "<h2 id=\"attacks\">{}</h2>",
        tr(
            ja,
            "Attack and lockout patterns",
            "攻撃とロックアウトのパターン"
        )
    );
    if r.attacks.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            tr(ja, "None found.", "見つかりませんでした。")
        );
    } else {
        s.push_str("<table class=\"sortable\" id=\"attacks-table\">");
        th(
            s,
            &[
                tr(ja, "pattern", "パターン"),
                tr(ja, "accounts", "アカウント"),
                tr(ja, "addresses", "IP アドレス"),
                tr(ja, "events", "件数"),
                tr(ja, "from", "開始"),
                tr(ja, "to", "終了"),
                tr(ja, "afterwards", "その後"),
            ],
        );
        for a in &r.attacks {
            s.push_str("<tr>");
            let label = match &a.subject {
                Some(sub) => format!("{} ({sub})", a.kind.label().get(ja)),
                None => a.kind.label().get(ja).to_string(),
            };
            cell(s, &label);
            let users = if a.user_count as usize > a.users.len() {
                format!("{} …", a.users.join(", "))
            } else {
                a.users.join(", ")
            };
            let _ = write!(
                s,
                "<td data-v=\"{}\"><details><summary>{}</summary>{}</details></td>",
                a.user_count,
                fmt_n(a.user_count),
                esc(&users)
            );
            let _ = write!(
                s,
                "<td data-v=\"{}\">{}</td>",
                a.ip_count,
                esc(&a.ips.join(", "))
            );
            num(s, a.events);
            cell(s, &when(a.first));
            cell(s, &when(a.last));
            let after = match (a.kind, a.success_after) {
                (_, false) => String::new(),
                (AttackKind::LegacyAuth | AttackKind::DeviceCode, true) => {
                    format!("{} {}", fmt_n(a.successes), tr(ja, "succeeded", "件成功"))
                }
                (AttackKind::Lockout, true) => {
                    tr(ja, "signed in later", "後でサインイン成功").to_string()
                }
                (_, true) => format!(
                    "<span class=\"bad\">{}</span>",
                    tr(
                        ja,
                        "success afterwards: check the account",
                        "その後成功: アカウントを確認"
                    )
                ),
            };
            let _ = write!(s, "<td>{after}</td>");
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n");
    }

    // Worst affected.
    let _ = writeln!(
        s,
        "<h2 id=\"worst\">{}</h2>",
        tr(
            ja,
            "Most affected users, applications and devices",
            "影響が大きいユーザー、アプリケーション、デバイス"
        )
    );
    for (title, rows, id) in [
        (tr(ja, "Users", "ユーザー"), &r.worst_users, "users-table"),
        (
            tr(
                ja,
                "Applications and managed identities",
                "アプリケーションとマネージド ID",
            ),
            &r.service_principals,
            "sp-table",
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = write!(
            s,
            "<h3>{}</h3><table class=\"sortable\" id=\"{id}\">",
            esc(title)
        );
        th(
            s,
            &[
                tr(ja, "name", "名前"),
                tr(ja, "failures", "失敗"),
                tr(ja, "interrupts", "中断"),
                tr(ja, "main code", "主なコード"),
                tr(ja, "apps", "アプリ"),
                tr(ja, "last", "最終"),
            ],
        );
        for p in rows {
            s.push_str("<tr>");
            let name = if p.credential_problem {
                format!(
                    "{} <span class=\"tag bad\">{}</span>",
                    esc(&p.name),
                    tr(ja, "secret or certificate", "シークレットまたは証明書")
                )
            } else {
                esc(&p.name)
            };
            let _ = write!(s, "<td>{name}</td>");
            num(s, p.failures);
            num(s, p.interrupts);
            let _ = write!(s, "<td><code>AADSTS{}</code></td>", p.top_code);
            num(s, p.apps);
            cell(s, &when(p.last));
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n");
    }
    if !r.devices.is_empty() {
        let _ = write!(
            s,
            "<h3>{}</h3><table class=\"sortable\" id=\"devices-table\">",
            tr(ja, "Devices", "デバイス")
        );
        th(
            s,
            &[
                tr(ja, "device", "デバイス"),
                "OS",
                tr(ja, "failures", "失敗"),
                tr(ja, "users", "ユーザー"),
                tr(ja, "main code", "主なコード"),
                tr(ja, "last", "最終"),
            ],
        );
        for d in &r.devices {
            s.push_str("<tr>");
            cell(s, &d.name);
            cell(s, &d.os);
            num(s, d.failures);
            num(s, d.users);
            let _ = write!(s, "<td><code>AADSTS{}</code></td>", d.top_code);
            cell(s, &when(d.last));
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n");
    }
    if r.stale_sessions.events > 0 {
        let codes: Vec<String> = r
            .stale_sessions
            .codes
            .iter()
            .map(|(c, n)| format!("AADSTS{c} ({})", fmt_n(*n)))
            .collect();
        let _ = writeln!(
            s,
            "<h2 id=\"stale\">{}</h2><p>{} {}, {} {}, {} {}: {}</p><p class=\"muted\">{}</p>",
            tr(ja, "Expired sessions (background noise)", "期限切れのセッション (バックグラウンドのノイズ)"),
            fmt_n(r.stale_sessions.events),
            tr(ja, "events", "件"),
            fmt_n(r.stale_sessions.users),
            tr(ja, "users", "ユーザー"),
            pct(r.stale_sessions.non_interactive as f64 / r.stale_sessions.events.max(1) as f64),
            tr(ja, "non-interactive", "が非対話型"),
            esc(&codes.join(", ")),
            tr(ja, "Apps retry old tokens after a password change or a sign-in frequency limit; users see nothing unless they also fail interactively.", "パスワード変更やサインイン頻度の制限の後に、アプリが古いトークンで再試行しているものです。対話型でも失敗していない限り、ユーザーには影響がありません。")
        );
    }
    if !r.not_in_kb.is_empty() {
        let codes: Vec<String> = r.not_in_kb.iter().map(|c| format!("AADSTS{c}")).collect();
        let _ = writeln!(
            s,
            "<h2 id=\"kb-gaps\">{}</h2><p><code>{}</code></p>",
            tr(
                ja,
                "Not in the knowledge base yet",
                "ナレッジ ベースにまだないコード"
            ),
            esc(&codes.join(", "))
        );
    }

    // Inputs.
    let _ = writeln!(s, "<h2 id=\"inputs\">{}</h2>", tr(ja, "Inputs", "入力"));
    s.push_str("<table class=\"sortable\" id=\"inputs-table\">");
    th(
        s,
        &[
            tr(ja, "file", "ファイル"),
            tr(ja, "format", "形式"),
            tr(ja, "records", "レコード"),
            tr(ja, "unreadable", "読み取れない"),
            tr(ja, "notes", "注記"),
        ],
    );
    for i in &r.inputs {
        s.push_str("<tr>");
        cell(s, &i.path);
        cell(s, format!("{} {}", i.format, i.encoding).trim());
        num(s, i.records);
        num(s, i.unreadable);
        let mut notes: Vec<String> = Vec::new();
        if let Some(e) = &i.error {
            notes.push(format!("<span class=\"bad\">{}</span>", esc(e.get(ja))));
        }
        for (k, (n, _)) in &i.reasons {
            notes.push(esc(&format!("{}: {}", fmt_n(*n), k.message().get(ja))));
        }
        for w in i.warnings() {
            notes.push(esc(w.get(ja)));
        }
        let _ = write!(s, "<td>{}</td>", notes.join("<br>"));
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    let _ = writeln!(
        s,
        "<p class=\"muted\">{}</p>",
        tr(ja, "Made by m365doctor signins, offline. The same analyses as KQL: m365doctor signins --kql", "m365doctor signins がオフラインで作成しました。同じ分析の KQL: m365doctor signins --kql")
    );
}

fn code_table(s: &mut String, rows: &[&CodeRow], ja: bool, id: &str) {
    let _ = write!(s, "<table class=\"sortable\" id=\"{id}\">");
    th(
        s,
        &[
            "#",
            tr(ja, "code", "コード"),
            tr(ja, "users", "ユーザー"),
            tr(ja, "share", "割合"),
            tr(ja, "events", "件数"),
            tr(ja, "apps", "アプリ"),
            tr(ja, "interactive / non-interactive", "対話型 / 非対話型"),
            tr(ja, "what it is and the fix", "内容と対処"),
        ],
    );
    for (n, r) in rows.iter().enumerate() {
        s.push_str("<tr>");
        num(s, n as u64 + 1);
        let _ = write!(s, "<td><code>{}</code></td>", r.label());
        num(s, r.users);
        let _ = write!(
            s,
            "<td class=\"n\" data-v=\"{:.4}\">{}</td>",
            r.share_of_failing_users,
            pct(r.share_of_failing_users)
        );
        num(s, r.events);
        num(s, r.apps);
        let _ = write!(
            s,
            "<td class=\"n\" data-v=\"{}\">{} / {}</td>",
            r.interactive(),
            fmt_n(r.interactive()),
            fmt_n(r.non_interactive())
        );
        s.push_str("<td>");
        match &r.kb {
            Some(kb) => {
                let title = if ja { &kb.title.1 } else { &kb.title.0 };
                let _ = write!(
                    s,
                    "<b>{}</b> <span class=\"tag\">{}</span><span class=\"tag\">{}</span>",
                    esc(title),
                    esc(&kb.layer),
                    esc(&kb.entry)
                );
                if let Some(f) = kb.admin_fix.as_ref().or(kb.first_fix.as_ref()) {
                    let _ = write!(
                        s,
                        "<div class=\"fix\">{} {}</div>",
                        tr(ja, "Fix:", "対処:"),
                        esc(if ja { &f.1 } else { &f.0 })
                    );
                }
                if let Some(url) = &kb.reference {
                    let _ = write!(s, "<div class=\"muted\">{}</div>", esc(url));
                }
            }
            None => {
                let _ = write!(
                    s,
                    "{} <span class=\"tag\">{}</span>",
                    esc(&r.reason),
                    tr(
                        ja,
                        "not in the knowledge base yet",
                        "ナレッジ ベースにまだありません"
                    )
                );
            }
        }
        let c = concentration(r, ja);
        if !c.is_empty() {
            let _ = write!(
                s,
                "<div>{} {}</div>",
                tr(ja, "Concentrated in:", "集中:"),
                esc(&c)
            );
        }
        s.push_str("<details><summary>");
        s.push_str(tr(ja, "breakdown", "内訳"));
        s.push_str("</summary>");
        for d in spec::DIMENSIONS {
            let values = r.top_of(d.key);
            if values.is_empty() {
                continue;
            }
            let list: Vec<String> = values
                .iter()
                .map(|v| {
                    let name = if v.name.is_empty() {
                        tr(ja, "(none)", "(なし)")
                    } else {
                        &v.name
                    };
                    format!(
                        "{} {} ({} {})",
                        esc(name),
                        fmt_n(v.events),
                        fmt_n(v.users),
                        tr(ja, "users", "ユーザー")
                    )
                })
                .collect();
            let _ = write!(
                s,
                "<div><b>{}</b>: {}</div>",
                esc(d.label.get(ja)),
                list.join(", ")
            );
        }
        s.push_str("</details></td></tr>\n");
    }
    s.push_str("</tbody></table>\n");
}

/// Horizontal bars: users affected per top failure.
fn bar_chart(s: &mut String, rows: &[&CodeRow], ja: bool) {
    let rows = &rows[..rows.len().min(10)];
    let max = rows.iter().map(|r| r.users).max().unwrap_or(1).max(1) as f64;
    let h = 22 * rows.len() as u32 + 10;
    let _ = write!(
        s,
        "<svg role=\"img\" aria-label=\"{}\" width=\"640\" height=\"{h}\" viewBox=\"0 0 640 {h}\">",
        tr(ja, "users affected per code", "コードごとの影響ユーザー数")
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 5 + 22 * i as u32;
        let w = (r.users as f64 / max * 440.0).max(1.0);
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"bar\" x=\"110\" y=\"{y}\" width=\"{w:.1}\" height=\"16\"><title>{} {}</title></rect><text x=\"{:.1}\" y=\"{}\">{}</text>",
            y + 12,
            r.label(),
            fmt_n(r.users),
            tr(ja, "users", "ユーザー"),
            116.0 + w,
            y + 12,
            fmt_n(r.users)
        );
    }
    s.push_str("</svg>\n");
}

const COLOURS: &[&str] = &[
    "#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989",
];

/// Failures per step of the top codes, one line each.
fn series_chart(s: &mut String, r: &Report, ja: bool) {
    let series: Vec<&(u32, Vec<(i64, u64)>)> = r
        .series
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .take(COLOURS.len())
        .collect();
    if series.is_empty() {
        return;
    }
    let (w, h, left, bottom) = (760.0, 220.0, 40.0, 24.0);
    let steps = series
        .iter()
        .map(|(_, v)| v.len())
        .max()
        .unwrap_or(1)
        .max(2);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().map(|x| x.1))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let x = |i: usize| left + (w - left - 10.0) * i as f64 / (steps - 1) as f64;
    let y = |n: u64| 8.0 + (h - bottom - 8.0) * (1.0 - n as f64 / max);
    let _ = write!(
        s,
        "<svg role=\"img\" aria-label=\"{}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
        tr(ja, "failures over time", "失敗の推移")
    );
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d0d7de\"/>",
        h - bottom,
        w - 10.0,
        h - bottom
    );
    let _ = write!(
        s,
        "<text x=\"0\" y=\"14\">{}</text><text x=\"0\" y=\"{:.1}\">0</text>",
        fmt_n(max as u64),
        h - bottom
    );
    if let (Some(first), Some(last)) = (series[0].1.first(), series[0].1.last()) {
        let _ = write!(s, "<text x=\"{left}\" y=\"{:.1}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>", h - 6.0, when(Some(first.0)), w - 10.0, h - 6.0, when(Some(last.0)));
    }
    for (k, (code, v)) in series.iter().enumerate() {
        let pts: Vec<String> = v
            .iter()
            .enumerate()
            .map(|(i, (_, n))| format!("{:.1},{:.1}", x(i), y(*n)))
            .collect();
        let _ = write!(s, "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"><title>AADSTS{code}</title></polyline>", COLOURS[k], pts.join(" "));
    }
    s.push_str("</svg>\n<p>");
    for (k, (code, _)) in series.iter().enumerate() {
        let _ = write!(
            s,
            "<span class=\"tag\" style=\"border-color:{0};color:{0}\">AADSTS{code}</span>",
            COLOURS[k]
        );
    }
    s.push_str("</p>\n");
}
