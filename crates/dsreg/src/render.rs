//! The human-readable report, in English or Japanese: a summary (join type,
//! context, device, PRT), then the findings most severe first with their
//! decoded codes, evidence and ordered actions.

use crate::codes::Code;
use crate::model::{key_storage, ClockBasis, Facts, KeyStorage, TestResult, Val};
use crate::rules::{Finding, Severity};
use crate::time::span;
use crate::Report;
use m365doctor_codes::{Lang, Text};
use m365doctor_text::visible;
use std::io::{self, Write};

struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }

    fn label(&self, t: &str) -> String {
        self.wrap("36", t)
    }

    fn severity(&self, s: Severity, t: &str) -> String {
        match s {
            Severity::Error => self.wrap("31;1", t),
            Severity::Warning => self.wrap("33;1", t),
            Severity::Info => self.wrap("34;1", t),
        }
    }
}

const TITLE: Text = Text::new(
    "dsregcmd /status: device registration report",
    "dsregcmd /status: デバイス登録の診断結果",
);
const JOIN: Text = Text::new("Join type", "参加の種類");
const CONTEXT: Text = Text::new("Captured as", "取得したコンテキスト");
const CLOCK: Text = Text::new("Capture clock", "キャプチャの時刻");
const DEVICE: Text = Text::new("Device", "デバイス");
const TENANT: Text = Text::new("Tenant", "テナント");
const PRT: Text = Text::new("PRT", "PRT");
const TESTS: Text = Text::new("Tests", "テスト");
const FINDINGS: Text = Text::new("Findings", "検出結果");
const NO_FINDINGS: Text = Text::new(
    "No problems found in this capture.",
    "このキャプチャに問題は見つかりませんでした。",
);
const CODES: Text = Text::new("Codes", "コード");
const SUB_ERROR: Text = Text::new("sub-error", "サブエラー");
const EVIDENCE: Text = Text::new("Evidence", "根拠");
const ENTRY: Text = Text::new("Knowledge base", "ナレッジ ベース");
const ACTIONS: Text = Text::new("What to do", "対処");
const SECOND: Text = Text::new("Second capture", "2 回目の取得");
const NONE: Text = Text::new("(none)", "(なし)");
const ELEVATED_WORD: Text = Text::new("elevated", "管理者として実行");
const USER_WORD: Text = Text::new(
    "as the user, not elevated",
    "ユーザーとして (管理者権限なし)",
);
const UNKNOWN_WORD: Text = Text::new("unknown", "不明");

const LABEL_WIDTH: usize = 20;

/// Pads to a display width, counting East Asian characters as two columns.
fn pad(text: &str, width: usize) -> String {
    let w: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn code_line(c: &Code, lang: Lang) -> String {
    let names = if c.names.is_empty() {
        String::new()
    } else {
        format!(
            " {}",
            c.names
                .iter()
                .take(2)
                .copied()
                .collect::<Vec<_>>()
                .join(" / ")
        )
    };
    let mut s = format!("{}{names}", c.normalized);
    if let Some(sub) = &c.sub_error {
        s.push_str(&format!(
            " → {} {}",
            SUB_ERROR.get(lang),
            code_line(sub, lang)
        ));
    }
    s
}

fn device_line(f: &Facts, lang: Lang) -> Option<String> {
    let d = &f.device;
    let mut parts: Vec<String> = Vec::new();
    if let Some(v) = f.device_state.device_name.as_ref() {
        parts.push(v.raw.clone());
    }
    if let Some(v) = d.id.as_ref() {
        parts.push(format!("DeviceId {}", v.raw));
    }
    if let Some(kp) = d.key_provider.as_ref() {
        let s = match (key_storage(kp), lang) {
            (KeyStorage::Tpm, Lang::En) => "key in TPM".to_string(),
            (KeyStorage::Tpm, Lang::Ja) => "キーは TPM に保存".to_string(),
            (KeyStorage::Software, Lang::En) => "software key (not TPM)".to_string(),
            (KeyStorage::Software, Lang::Ja) => "ソフトウェア キー (TPM ではない)".to_string(),
            (KeyStorage::Other, _) => kp.raw.clone(),
        };
        parts.push(s);
    }
    if let Some(v) = d.validity {
        parts.push(match lang {
            Lang::En => format!("certificate valid until {}", v.not_after.display()),
            Lang::Ja => format!("証明書の有効期限 {}", v.not_after.display()),
        });
    }
    if let Some(v) = d.auth_status.as_ref() {
        parts.push(format!("DeviceAuthStatus {}", v.raw));
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" · "))
    }
}

fn prt_line(f: &Facts, lang: Lang) -> Option<String> {
    let s = &f.sso;
    let v = s.azure_ad_prt.as_ref()?;
    let mut out = v.raw.clone();
    if let Some(t) = s.update_time.as_ref().and_then(Val::time) {
        let bound = f
            .clock
            .as_ref()
            .is_some_and(|c| c.basis == ClockBasis::LatestEvent);
        let (al_en, al_ja) = if bound {
            ("at least ", "少なくとも ")
        } else {
            ("", "")
        };
        out.push_str(&match (lang, f.age(t)) {
            (Lang::En, Some(a)) if a >= 0 => format!(
                ", renewed {} ({al_en}{} before capture)",
                t.display(),
                span(a, lang)
            ),
            (Lang::Ja, Some(a)) if a >= 0 => format!(
                "、最終更新 {} (取得の{al_ja}{}前)",
                t.display(),
                span(a, lang)
            ),
            (Lang::En, _) => format!(", renewed {}", t.display()),
            (Lang::Ja, _) => format!("、最終更新 {}", t.display()),
        });
    }
    if let Some(t) = s.expiry_time.as_ref().and_then(Val::time) {
        out.push_str(&match lang {
            Lang::En => format!(", expires {}", t.display()),
            Lang::Ja => format!("、有効期限 {}", t.display()),
        });
    }
    if !s.attempts.is_empty() {
        out.push_str(&match lang {
            Lang::En => format!("; {} failed attempt(s) recorded", s.attempts.len()),
            Lang::Ja => format!("。失敗した試行の記録 {} 件", s.attempts.len()),
        });
    }
    if let Some(e) = s.enterprise_prt.as_ref() {
        out.push_str(&format!(" · EnterprisePrt {}", e.raw));
    }
    Some(out)
}

fn tests_line(f: &Facts) -> Option<String> {
    let parts: Vec<String> = f
        .diagnostics
        .tests
        .iter()
        .filter(|t| t.result != TestResult::Other || !t.val.raw.is_empty())
        .map(|t| format!("{} {}", t.val.field, t.val.raw))
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" · "))
    }
}

fn finding(out: &mut impl Write, n: usize, f: &Finding, lang: Lang, p: &Paint) -> io::Result<()> {
    let sev = f.severity.label().get(lang).to_uppercase();
    writeln!(
        out,
        "{:>3}. {} {}  [{}]",
        n,
        p.severity(f.severity, &sev),
        p.bold(f.rule),
        f.layer.label().get(lang)
    )?;
    // Messages quote the capture's values.
    writeln!(out, "     {}", visible(f.message.get(lang)))?;
    if !f.codes.is_empty() {
        let codes: Vec<String> = f.codes.iter().map(|c| code_line(c, lang)).collect();
        writeln!(
            out,
            "     {} {}",
            p.label(&format!("{}:", CODES.get(lang))),
            codes.join("; ")
        )?;
    }
    if !f.evidence.is_empty() {
        writeln!(out, "     {}", p.label(&format!("{}:", EVIDENCE.get(lang))))?;
        for v in &f.evidence {
            writeln!(out, "       {}", visible(&v.display()))?;
        }
    }
    if let Some(id) = &f.entry {
        let title = f.entry_title.as_ref().map_or("", |t| t.get(lang));
        let sep = if title.is_empty() { "" } else { " — " };
        writeln!(
            out,
            "     {} {}{sep}{}",
            p.label(&format!("{}:", ENTRY.get(lang))),
            visible(id),
            visible(title)
        )?;
    }
    if !f.actions.is_empty() {
        writeln!(out, "     {}", p.label(&format!("{}:", ACTIONS.get(lang))))?;
        for (i, a) in f.actions.iter().enumerate() {
            let (title, who) = match m365doctor_kb::action(a) {
                Some(act) => (act.title.get(lang), act.who == "admin"),
                None => ("", false),
            };
            let who = if who {
                format!(" ({})", m365doctor_kb::who_label("admin", lang))
            } else {
                String::new()
            };
            writeln!(out, "       {}. {title}{who} [{a}]", i + 1)?;
        }
    }
    if let Some(s) = f.second_capture {
        writeln!(
            out,
            "     {} {}",
            p.label(&format!("{}:", SECOND.get(lang))),
            s.instructions().get(lang)
        )?;
    }
    Ok(())
}

/// Writes the report for people, in `lang`, with ANSI colours when `color`.
pub fn render(out: &mut impl Write, report: &Report, lang: Lang, color: bool) -> io::Result<()> {
    let p = Paint { color };
    let f = &report.facts;
    writeln!(out, "{}", p.bold(TITLE.get(lang)))?;
    // Every value row quotes the capture (names, ids, tenant, raw values).
    let row = |out: &mut dyn Write, label: Text, value: &str| -> io::Result<()> {
        writeln!(
            out,
            "  {} {}",
            p.label(&pad(label.get(lang), LABEL_WIDTH)),
            visible(value)
        )
    };
    row(
        out,
        JOIN,
        &format!("{} ({})", f.join_type.label().get(lang), f.join_type.id()),
    )?;
    let ctx = match f.captured_as {
        crate::CapturedAs::Elevated => ELEVATED_WORD,
        crate::CapturedAs::User => USER_WORD,
        crate::CapturedAs::Unknown => UNKNOWN_WORD,
    };
    let basis = f
        .captured_as_basis
        .first()
        .map(|v| format!(" ({} : {})", v.field, v.raw))
        .unwrap_or_default();
    row(out, CONTEXT, &format!("{}{basis}", ctx.get(lang)))?;
    writeln!(
        out,
        "  {} {}",
        pad("", LABEL_WIDTH),
        f.captured_as.meaning().get(lang)
    )?;
    if let Some(c) = &f.clock {
        let how = match (c.basis, lang) {
            (ClockBasis::ClientTime, _) => "Client Time".to_string(),
            (ClockBasis::LatestEvent, Lang::En) => {
                format!("no Client Time; latest event {}", c.source.field)
            }
            (ClockBasis::LatestEvent, Lang::Ja) => {
                format!("Client Time なし、最新のイベント {}", c.source.field)
            }
        };
        row(out, CLOCK, &format!("{} ({how})", c.time.display()))?;
    }
    if let Some(d) = device_line(f, lang) {
        row(out, DEVICE, &d)?;
    }
    if let Some(t) = f.tenant.name.as_ref().or(f.tenant.id.as_ref()) {
        let id = f
            .tenant
            .id
            .as_ref()
            .filter(|_| f.tenant.name.is_some())
            .map(|v| format!(" ({})", v.raw))
            .unwrap_or_default();
        row(out, TENANT, &format!("{}{id}", t.raw))?;
    }
    if let Some(s) = prt_line(f, lang) {
        row(out, PRT, &s)?;
    }
    if let Some(t) = tests_line(f) {
        row(out, TESTS, &t)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} ({})",
        p.bold(FINDINGS.get(lang)),
        report.findings.len()
    )?;
    if report.findings.is_empty() {
        writeln!(out, "  {}", NO_FINDINGS.get(lang))?;
    }
    for (i, x) in report.findings.iter().enumerate() {
        finding(out, i + 1, x, lang, &p)?;
    }
    if report.findings.iter().all(|x| x.actions.is_empty()) && !report.findings.is_empty() {
        writeln!(out, "  {}", NONE.get(lang))?;
    }
    Ok(())
}
