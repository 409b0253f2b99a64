//! The terminal summary: the top of each analysis, with the knowledge
//! base's one-liner and first fix, in English or Japanese.

use super::{concentration, fmt_n, pct, tr};
use crate::report::{CodeRow, Report};
use crate::spec::Kind;
use crate::time;
use std::io::{self, Write};

/// Display width in a terminal: East Asian wide characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn rpad(s: &str, w: usize) -> String {
    let n = width(s);
    if n >= w {
        s.to_string()
    } else {
        format!("{}{s}", " ".repeat(w - n))
    }
}

/// Cuts to `w` columns with an ellipsis.
fn cut(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + width(&c.to_string()) + 1 > w {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
}

impl Table {
    fn new(head: &[&str], right: &[bool]) -> Table {
        Table {
            head: head.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            right: right.to_vec(),
        }
    }

    fn write(&self, out: &mut dyn Write, indent: &str) -> io::Result<()> {
        let n = self.head.len();
        let mut w = vec![0; n];
        for row in std::iter::once(&self.head).chain(self.rows.iter()) {
            for (i, c) in row.iter().enumerate().take(n) {
                w[i] = w[i].max(width(c));
            }
        }
        for row in std::iter::once(&self.head).chain(self.rows.iter()) {
            let mut line = String::from(indent);
            for (i, c) in row.iter().enumerate().take(n) {
                if i > 0 {
                    line.push_str("  ");
                }
                let last = i + 1 == n;
                if self.right.get(i).copied().unwrap_or(false) {
                    line.push_str(&rpad(c, w[i]));
                } else if last {
                    line.push_str(c);
                } else {
                    line.push_str(&pad(c, w[i]));
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

fn when(t: Option<i64>) -> String {
    t.map(|t| {
        time::format(t)
            .replace('T', " ")
            .trim_end_matches('Z')
            .to_string()
            + " UTC"
    })
    .unwrap_or_else(|| "—".into())
}

fn code_rows(out: &mut dyn Write, rows: &[CodeRow], ja: bool, explain: bool) -> io::Result<()> {
    for (n, r) in rows.iter().enumerate() {
        let kind = format!("{}/{}", fmt_n(r.interactive()), fmt_n(r.non_interactive()));
        if ja {
            writeln!(
                out,
                "  {:>2}. {}  ユーザー {} 人 (失敗したユーザーの {})、{} 件、アプリ {} 個、対話型/非対話型 {}",
                n + 1,
                r.label(),
                fmt_n(r.users),
                pct(r.share_of_failing_users),
                fmt_n(r.events),
                fmt_n(r.apps),
                kind,
            )?;
        } else {
            writeln!(
                out,
                "  {:>2}. {}  {} users  ({} of failing users, {} events, {} apps, interactive/non-interactive {})",
                n + 1,
                r.label(),
                fmt_n(r.users),
                pct(r.share_of_failing_users),
                fmt_n(r.events),
                fmt_n(r.apps),
                kind,
            )?;
        }
        match &r.kb {
            Some(kb) => {
                let title = if ja { &kb.title.1 } else { &kb.title.0 };
                writeln!(out, "      {}  [{} · {}]", title, kb.entry, kb.layer)?;
                let fix = kb.admin_fix.as_ref().or(kb.first_fix.as_ref());
                if let Some(f) = fix {
                    let f = if ja { &f.1 } else { &f.0 };
                    writeln!(out, "      {} {}", tr(ja, "Fix:", "対処:"), cut(f, 150))?;
                }
            }
            None => {
                if !r.reason.is_empty() {
                    writeln!(out, "      {}", cut(&r.reason, 150))?;
                }
                writeln!(
                    out,
                    "      {}",
                    tr(
                        ja,
                        "(not in the knowledge base yet)",
                        "(ナレッジ ベースにはまだありません)"
                    )
                )?;
            }
        }
        if explain {
            let c = concentration(r, ja);
            if !c.is_empty() {
                writeln!(
                    out,
                    "      {} {}",
                    tr(ja, "Concentrated in:", "集中している箇所:"),
                    c
                )?;
            }
        }
    }
    Ok(())
}

fn heading(out: &mut dyn Write, s: &str) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{s}")
}

pub fn render(out: &mut dyn Write, r: &Report, ja: bool) -> io::Result<()> {
    let t = &r.totals;
    let ev = t.events.max(1) as f64;
    let n_inputs = r.inputs.len();
    if ja {
        writeln!(
            out,
            "サインイン ログ: {} 件 (入力 {} 件)",
            fmt_n(t.events),
            n_inputs
        )?;
    } else {
        writeln!(
            out,
            "Sign-in logs: {} sign-ins from {} input{}",
            fmt_n(t.events),
            n_inputs,
            if n_inputs == 1 { "" } else { "s" }
        )?;
    }
    writeln!(
        out,
        "  {} {} – {}",
        tr(ja, "period", "期間"),
        when(t.first),
        when(t.last)
    )?;
    writeln!(
        out,
        "  {} {}{sep}{} {}{sep}{} {}",
        tr(ja, "successes", "成功"),
        pct(t.successes as f64 / ev),
        tr(ja, "interrupts", "中断 (ユーザー操作待ち)"),
        pct(t.interrupts as f64 / ev),
        tr(ja, "failures", "失敗"),
        pct(t.failures as f64 / ev),
        sep = tr(ja, ", ", "、"),
    )?;
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("{} {}", k.label().get(ja), fmt_n(t.by_kind[k.index()])))
        .collect();
    writeln!(out, "  {}", kinds.join(tr(ja, ", ", "、")))?;
    if ja {
        writeln!(
            out,
            "  ユーザー {} 人 (うち失敗あり {} 人)、サービス プリンシパルとマネージド ID {} 個",
            fmt_n(t.users),
            fmt_n(t.failing_users),
            fmt_n(t.service_principals),
        )?;
    } else {
        writeln!(
            out,
            "  {} users, {} with a failure, {} service principals and managed identities",
            fmt_n(t.users),
            fmt_n(t.failing_users),
            fmt_n(t.service_principals),
        )?;
    }

    heading(
        out,
        tr(
            ja,
            "Failures that affect the most users",
            "影響を受けたユーザーが多い失敗",
        ),
    )?;
    // Expired sessions are summarised below, not ranked with real failures.
    let real: Vec<CodeRow> = r
        .failures
        .iter()
        .filter(|f| !f.stale_session)
        .cloned()
        .collect();
    if real.is_empty() {
        writeln!(out, "  {}", tr(ja, "none", "ありません"))?;
    }
    code_rows(out, &real, ja, true)?;

    if !r.interrupts.is_empty() {
        heading(
            out,
            tr(
                ja,
                "Interrupts: the user was asked for something (MFA, consent, stay signed in); not failures",
                "中断: ユーザーに操作が求められたもの (MFA、同意、サインインの状態の維持など)。失敗ではありません",
            ),
        )?;
        let mut tb = Table::new(
            &[
                tr(ja, "code", "コード"),
                tr(ja, "users", "ユーザー"),
                tr(ja, "events", "件数"),
                tr(ja, "what it is", "内容"),
            ],
            &[false, true, true, false],
        );
        for c in r.interrupts.iter().take(5) {
            let what =
                c.kb.as_ref()
                    .map(|k| {
                        if ja {
                            k.title.1.clone()
                        } else {
                            k.title.0.clone()
                        }
                    })
                    .unwrap_or_else(|| c.reason.clone());
            tb.rows.push(vec![
                c.label(),
                fmt_n(c.users),
                fmt_n(c.events),
                cut(&what, 90),
            ]);
        }
        tb.write(out, "  ")?;
    }

    if !r.conditional_access.is_empty() {
        heading(
            out,
            tr(ja, "Conditional Access impact", "条件付きアクセスの影響"),
        )?;
        let mut tb = Table::new(
            &[
                tr(ja, "policy", "ポリシー"),
                tr(ja, "result", "結果"),
                tr(ja, "users", "ユーザー"),
                tr(ja, "events", "件数"),
                tr(ja, "apps", "アプリ"),
            ],
            &[false, false, true, true, true],
        );
        for p in r
            .conditional_access
            .iter()
            .take(r.thresholds.get("top") as usize)
        {
            let result = if p.report_only {
                format!(
                    "{} ({})",
                    p.result,
                    tr(ja, "would block if enforced", "有効にするとブロック")
                )
            } else {
                p.result.clone()
            };
            tb.rows.push(vec![
                cut(&p.policy, 50),
                result,
                fmt_n(p.users),
                fmt_n(p.events),
                fmt_n(p.apps),
            ]);
        }
        tb.write(out, "  ")?;
    }

    if !r.spikes.is_empty() || !r.app_spikes.is_empty() {
        heading(out, tr(ja, "Spikes and new failures", "急増と新しい失敗"))?;
        for s in r
            .spikes
            .iter()
            .chain(r.app_spikes.iter())
            .take(r.thresholds.get("top") as usize)
        {
            let what = match (&s.code, &s.app) {
                (Some(c), _) => format!("AADSTS{c}"),
                (None, Some(a)) => format!("{} {a}", tr(ja, "app", "アプリ")),
                _ => String::new(),
            };
            writeln!(
                out,
                "  {}  {} – {}: {} {} ({} {:.0}{}{} {:.1}){}",
                what,
                when(Some(s.start)),
                when(Some(s.end)),
                fmt_n(s.events),
                tr(ja, "failures", "件の失敗"),
                tr(ja, "usual", "通常"),
                s.baseline,
                tr(ja, ", ", "、"),
                tr(ja, "score", "スコア"),
                s.score,
                if s.new {
                    tr(ja, "  NEW code", "  新しいコード")
                } else {
                    ""
                },
            )?;
        }
    }

    if !r.attacks.is_empty() {
        heading(
            out,
            tr(
                ja,
                "Attack and lockout patterns",
                "攻撃とロックアウトのパターン",
            ),
        )?;
        for a in &r.attacks {
            let who = if a.user_count == 1 {
                a.users.first().cloned().unwrap_or_default()
            } else {
                format!(
                    "{} {}",
                    fmt_n(a.user_count),
                    tr(ja, "accounts", "アカウント")
                )
            };
            let from = if a.ip_count == 1 {
                a.ips.first().cloned().unwrap_or_default()
            } else {
                format!(
                    "{} {}",
                    fmt_n(a.ip_count),
                    tr(ja, "addresses", "IP アドレス")
                )
            };
            let subject = a
                .subject
                .as_ref()
                .map(|s| format!(" [{s}]"))
                .unwrap_or_default();
            let after = if a.success_after {
                match a.kind {
                    crate::report::AttackKind::LegacyAuth
                    | crate::report::AttackKind::DeviceCode => {
                        format!("  {} {}", fmt_n(a.successes), tr(ja, "succeeded", "件成功"))
                    }
                    crate::report::AttackKind::Lockout => {
                        format!(
                            "  {}",
                            tr(ja, "signed in successfully later", "その後サインインに成功")
                        )
                    }
                    _ => format!(
                        "  {}",
                        tr(
                            ja,
                            "SUCCESS AFTERWARDS: check this account",
                            "その後サインインに成功: このアカウントを確認してください"
                        )
                    ),
                }
            } else {
                String::new()
            };
            writeln!(
                out,
                "  {}{}: {}{sep}{} {}{sep}{} {}{sep}{} – {}{}",
                a.kind.label().get(ja),
                subject,
                who,
                tr(ja, "from", "送信元"),
                from,
                fmt_n(a.events),
                tr(ja, "events", "件"),
                when(a.first),
                when(a.last),
                after,
                sep = tr(ja, ", ", "、"),
            )?;
        }
    }

    if !r.worst_users.is_empty() {
        heading(
            out,
            tr(ja, "Users with the most failures", "失敗が最も多いユーザー"),
        )?;
        let mut tb = Table::new(
            &[
                tr(ja, "user", "ユーザー"),
                tr(ja, "failures", "失敗"),
                tr(ja, "main code", "主なコード"),
                tr(ja, "last", "最終"),
            ],
            &[false, true, false, false],
        );
        for u in r.worst_users.iter().take(5) {
            tb.rows.push(vec![
                u.name.clone(),
                fmt_n(u.failures),
                format!("AADSTS{}", u.top_code),
                when(u.last),
            ]);
        }
        tb.write(out, "  ")?;
    }
    if !r.service_principals.is_empty() {
        heading(
            out,
            tr(
                ja,
                "Applications and managed identities that fail",
                "失敗しているアプリケーションとマネージド ID",
            ),
        )?;
        let mut tb = Table::new(
            &[
                tr(ja, "service principal", "サービス プリンシパル"),
                tr(ja, "failures", "失敗"),
                tr(ja, "main code", "主なコード"),
                "",
            ],
            &[false, true, false, false],
        );
        for u in r.service_principals.iter().take(5) {
            let note = if u.credential_problem {
                tr(
                    ja,
                    "credential (secret/certificate) problem",
                    "資格情報 (シークレット/証明書) の問題",
                )
            } else {
                ""
            };
            tb.rows.push(vec![
                u.name.clone(),
                fmt_n(u.failures),
                format!("AADSTS{}", u.top_code),
                note.into(),
            ]);
        }
        tb.write(out, "  ")?;
    }
    if !r.devices.is_empty() {
        heading(
            out,
            tr(
                ja,
                "Devices with the most failures",
                "失敗が最も多いデバイス",
            ),
        )?;
        let mut tb = Table::new(
            &[
                tr(ja, "device", "デバイス"),
                "OS",
                tr(ja, "failures", "失敗"),
                tr(ja, "users", "ユーザー"),
                tr(ja, "main code", "主なコード"),
            ],
            &[false, false, true, true, false],
        );
        for d in r.devices.iter().take(5) {
            tb.rows.push(vec![
                d.name.clone(),
                d.os.clone(),
                fmt_n(d.failures),
                fmt_n(d.users),
                format!("AADSTS{}", d.top_code),
            ]);
        }
        tb.write(out, "  ")?;
    }
    if r.stale_sessions.events > 0 {
        heading(
            out,
            tr(
                ja,
                "Expired sessions (background noise)",
                "期限切れのセッション (バックグラウンドのノイズ)",
            ),
        )?;
        let codes: Vec<String> = r
            .stale_sessions
            .codes
            .iter()
            .map(|(c, n)| format!("AADSTS{c} {}", fmt_n(*n)))
            .collect();
        let share =
            pct(r.stale_sessions.non_interactive as f64 / r.stale_sessions.events.max(1) as f64);
        if ja {
            writeln!(
                out,
                "  {} 件、ユーザー {} 人、うち {} が非対話型: {}",
                fmt_n(r.stale_sessions.events),
                fmt_n(r.stale_sessions.users),
                share,
                codes.join("、")
            )?;
        } else {
            writeln!(
                out,
                "  {} events, {} users, {share} non-interactive: {}",
                fmt_n(r.stale_sessions.events),
                fmt_n(r.stale_sessions.users),
                codes.join(", ")
            )?;
        }
        writeln!(
            out,
            "  {}",
            tr(
                ja,
                "Apps retry old tokens after a password change or sign-in frequency limit; users see nothing unless the same user also fails interactively.",
                "パスワード変更やサインイン頻度の制限の後に、アプリが古いトークンで再試行しているものです。同じユーザーが対話型でも失敗していない限り、ユーザーには影響がありません。"
            )
        )?;
    }
    if !r.not_in_kb.is_empty() {
        heading(
            out,
            tr(
                ja,
                "Not in the knowledge base yet",
                "ナレッジ ベースにまだないコード",
            ),
        )?;
        let codes: Vec<String> = r.not_in_kb.iter().map(|c| format!("AADSTS{c}")).collect();
        writeln!(out, "  {}", codes.join(", "))?;
    }
    let problems: Vec<_> = r
        .inputs
        .iter()
        .filter(|i| i.error.is_some() || i.unreadable > 0 || !i.warnings().is_empty())
        .collect();
    if !problems.is_empty() {
        heading(out, tr(ja, "Inputs with problems", "問題のある入力"))?;
        for i in problems {
            writeln!(
                out,
                "  {} ({}): {} {}",
                i.path,
                if i.format.is_empty() { "?" } else { &i.format },
                fmt_n(i.records),
                tr(ja, "records", "件")
            )?;
            if let Some(e) = &i.error {
                writeln!(out, "    {} {}", tr(ja, "error:", "エラー:"), e.get(ja))?;
            }
            for (k, (n, ex)) in &i.reasons {
                let ex = ex
                    .as_ref()
                    .map(|e| format!(" ({})", cut(e, 80)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "    {} {}: {}{}",
                    fmt_n(*n),
                    tr(ja, "unreadable", "件を読み取れません"),
                    k.message().get(ja),
                    ex
                )?;
            }
            for w in i.warnings() {
                writeln!(out, "    {} {}", tr(ja, "note:", "注意:"), w.get(ja))?;
            }
        }
    }
    Ok(())
}

/// `--correlation ID` / `--user`: each sign-in found, in full.
pub fn lookup(
    out: &mut dyn Write,
    found: &[crate::lookup::Found],
    label: &str,
    ja: bool,
) -> io::Result<()> {
    if found.is_empty() {
        writeln!(
            out,
            "{} {label}",
            tr(
                ja,
                "No sign-in found for",
                "該当するサインインが見つかりません:"
            )
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{} {} ({label})",
        fmt_n(found.len() as u64),
        tr(ja, "sign-ins found", "件のサインインが見つかりました")
    )?;
    for f in found {
        let e = &f.event;
        writeln!(out)?;
        let result = match e.class() {
            crate::spec::Class::Success => tr(ja, "success", "成功"),
            crate::spec::Class::Interrupt => tr(
                ja,
                "interrupt (user action needed)",
                "中断 (ユーザー操作が必要)",
            ),
            crate::spec::Class::Failure => tr(ja, "failure", "失敗"),
        };
        writeln!(
            out,
            "{}  AADSTS{}  {}  [{}]",
            when(e.time),
            e.code,
            result,
            e.kind.label().get(ja)
        )?;
        let rows: [(&str, &str); 13] = [
            (tr(ja, "user", "ユーザー"), &e.upn),
            (tr(ja, "app", "アプリ"), crate::spec::app_of(e)),
            (tr(ja, "resource", "リソース"), &e.resource),
            (tr(ja, "client app", "クライアント アプリ"), &e.client_app),
            (tr(ja, "IP address", "IP アドレス"), &e.ip),
            (tr(ja, "location", "場所"), &e.country),
            ("OS", &e.os),
            (tr(ja, "browser", "ブラウザー"), &e.browser),
            (tr(ja, "device", "デバイス"), &e.device_name),
            (tr(ja, "request id", "要求 ID"), &e.id),
            (tr(ja, "correlation id", "相関 ID"), &e.correlation_id),
            (tr(ja, "failure reason", "失敗の理由"), &e.failure_reason),
            (tr(ja, "details", "詳細"), &e.additional_details),
        ];
        for (k, v) in rows {
            if !(v.is_empty() || e.code == 0 && k == tr(ja, "failure reason", "失敗の理由")) {
                writeln!(out, "  {} {}", pad(k, 18), v)?;
            }
        }
        if let Some(c) = e.compliant {
            writeln!(out, "  {} {}", pad(tr(ja, "compliant", "準拠"), 18), c)?;
        }
        if !e.policies.is_empty() {
            writeln!(
                out,
                "  {}:",
                tr(ja, "Conditional Access", "条件付きアクセス")
            )?;
            for p in &e.policies {
                writeln!(out, "    {:<20} {}", p.result, p.name)?;
            }
        }
        if !e.steps.is_empty() {
            writeln!(out, "  {}:", tr(ja, "authentication steps", "認証の手順"))?;
            for st in &e.steps {
                let ok = match st.succeeded {
                    Some(true) => tr(ja, "succeeded", "成功"),
                    Some(false) => tr(ja, "failed", "失敗"),
                    None => "",
                };
                writeln!(
                    out,
                    "    {} {} — {} {}",
                    st.method, st.method_detail, st.result_detail, ok
                )?;
            }
        }
        if let Some(kb) = &f.kb {
            writeln!(
                out,
                "  {} {}  [{} · {}]",
                tr(ja, "Explanation:", "説明:"),
                if ja { &kb.title.1 } else { &kb.title.0 },
                kb.entry,
                kb.layer
            )?;
            writeln!(
                out,
                "    {}",
                if ja { &kb.summary.1 } else { &kb.summary.0 }
            )?;
            if let Some(fix) = &kb.first_fix {
                writeln!(
                    out,
                    "  {} {}",
                    tr(ja, "First fix:", "最初の対処:"),
                    if ja { &fix.1 } else { &fix.0 }
                )?;
            }
            if let Some(fix) = &kb.admin_fix {
                writeln!(
                    out,
                    "  {} {}",
                    tr(ja, "Admin:", "管理者:"),
                    if ja { &fix.1 } else { &fix.0 }
                )?;
            }
        } else if e.code != 0 {
            writeln!(
                out,
                "  {}",
                tr(
                    ja,
                    "(this code is not in the knowledge base yet)",
                    "(このコードはナレッジ ベースにまだありません)"
                )
            )?;
        }
    }
    Ok(())
}
