//! Human-readable output of decoded codes, in English or Japanese.

use m365doctor_codes::interpret::{Decoded, Interpretation, Name, Origin, Structure, Wrapped};
use m365doctor_codes::{Lang, Text};
use m365doctor_text::visible;
use std::io::{self, Write};

pub struct Style {
    color: bool,
}

impl Style {
    pub fn new(color: bool) -> Style {
        Style { color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn heading(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn label(&self, text: &str) -> String {
        self.paint("36", text)
    }

    fn layer(&self, text: &str) -> String {
        self.paint("33;1", text)
    }
}

const NAMES: Text = Text::new("Names", "名前");
const LAYER: Text = Text::new("Layer", "レイヤー");
const WHY: Text = Text::new("Why", "根拠");
const STRUCTURE: Text = Text::new("Structure", "構造");
const WRAPS: Text = Text::new("Contains", "内包");
const NOTE: Text = Text::new("Note", "注記");
const APPS: Text = Text::new("Apps", "対象アプリ");
const REFERENCE: Text = Text::new("Reference", "参考資料");
const MOST_LIKELY: Text = Text::new("most likely", "最有力");
const NO_NAME: Text = Text::new("(no known name)", "(既知の名前なし)");
const NO_LAYER: Text = Text::new("not determined", "特定できません");
const SUB_ERROR: Text = Text::new("Sub-error", "サブエラー");
const SAME_VALUE: Text = Text::new(
    "Both halves of this pair are the same value, printed in two forms.",
    "このペアの前後は同じ値を 2 つの形式で表したものです。",
);
const WINDOWS_HEADERS: Text = Text::new("Windows headers", "Windows ヘッダー");

pub fn decoded(out: &mut impl Write, d: &Decoded, lang: Lang, style: &Style) -> io::Result<()> {
    writeln!(out, "{}", style.heading(&visible(&d.input)))?;
    block(out, d, lang, style, "  ")
}

fn block(
    out: &mut impl Write,
    d: &Decoded,
    lang: Lang,
    style: &Style,
    indent: &str,
) -> io::Result<()> {
    if d.same_value_pair {
        writeln!(out, "{indent}{}", SAME_VALUE.get(lang))?;
    }
    for (n, i) in d.interpretations.iter().enumerate() {
        interpretation(out, n, i, lang, style, indent)?;
    }
    if let Some(sub) = &d.sub_error {
        writeln!(
            out,
            "{indent}{} {}",
            style.label(&format!("{}:", SUB_ERROR.get(lang))),
            style.heading(&visible(&sub.input))
        )?;
        block(out, sub, lang, style, &format!("{indent}  "))?;
    }
    Ok(())
}

fn field(
    out: &mut impl Write,
    style: &Style,
    indent: &str,
    label: Text,
    lang: Lang,
    value: &str,
) -> io::Result<()> {
    let label = label.get(lang);
    // Pad by display width so that Japanese labels line up too.
    let width: usize = label
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    let pad = " ".repeat(11usize.saturating_sub(width));
    writeln!(out, "{indent}     {}{pad}{value}", style.label(label))
}

fn interpretation(
    out: &mut impl Write,
    n: usize,
    i: &Interpretation,
    lang: Lang,
    style: &Style,
    indent: &str,
) -> io::Result<()> {
    let mut title = format!("{}. {} · {}", n + 1, i.normalized, i.kind.label().get(lang));
    if n == 0 {
        title.push_str(&format!(" · {}", MOST_LIKELY.get(lang)));
    }
    writeln!(out, "{indent}{}", style.heading(&title))?;
    let names = if i.names.is_empty() {
        NO_NAME.get(lang).to_string()
    } else {
        i.names
            .iter()
            .map(|n| name(n, lang))
            .collect::<Vec<_>>()
            .join("; ")
    };
    field(out, style, indent, NAMES, lang, &names)?;
    let layer = match i.layer {
        Some(l) => style.layer(&format!("{} ({})", l.label().get(lang), l.id())),
        None => NO_LAYER.get(lang).to_string(),
    };
    field(out, style, indent, LAYER, lang, &layer)?;
    if !i.apps.is_empty() {
        field(out, style, indent, APPS, lang, &i.apps.join(", "))?;
    }
    field(out, style, indent, WHY, lang, i.reason.get(lang))?;
    field(
        out,
        style,
        indent,
        STRUCTURE,
        lang,
        &structure(&i.structure, lang),
    )?;
    for w in wraps(&i.structure) {
        field(out, style, indent, WRAPS, lang, &wrapped(w, lang))?;
    }
    for note in &i.notes {
        field(out, style, indent, NOTE, lang, note.get(lang))?;
    }
    for source in &i.sources {
        field(out, style, indent, REFERENCE, lang, source)?;
    }
    Ok(())
}

fn name(n: &Name, lang: Lang) -> String {
    match n.origin {
        Origin::Header { .. } => format!("{} [{}]", n.name, WINDOWS_HEADERS.get(lang)),
        Origin::Curated { family, .. } => format!("{} [{family}]", n.name),
        Origin::Wrapped { kind, value, .. } => {
            format!("{} [{} {value}]", n.name, kind.label().get(lang))
        }
    }
}

fn wraps(s: &Structure) -> &[Wrapped] {
    match s {
        Structure::HResult { wraps, .. } | Structure::Caa { wraps, .. } => wraps,
        _ => &[],
    }
}

fn wrapped(w: &Wrapped, lang: Lang) -> String {
    let names = if w.names.is_empty() {
        NO_NAME.get(lang).to_string()
    } else {
        w.names
            .iter()
            .map(|n| n.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} {} = {names}", w.kind.label().get(lang), w.normalized)
}

fn structure(s: &Structure, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let fac = if ja { "ファシリティ" } else { "facility" };
    let code = if ja { "コード" } else { "code" };
    let names = |list: &[&str]| {
        if list.is_empty() {
            String::new()
        } else {
            format!(" {}", list.join("/"))
        }
    };
    match s {
        Structure::HResult {
            fields: f,
            facility_names,
            ..
        } => format!(
            "S={} R={} C={} N={} X={} · {fac} 0x{:03X} ({}){} · {code} 0x{:04X} ({})",
            f.severity,
            f.reserved,
            f.customer,
            f.nt_mapped,
            f.x,
            f.facility,
            f.facility,
            names(facility_names),
            f.code,
            f.code
        ),
        Structure::NtStatus {
            fields: f,
            facility_names,
        } => format!(
            "Sev={} ({}) C={} N={} · {fac} 0x{:03X}{} · {code} 0x{:04X} ({})",
            f.severity,
            f.severity_name().get(lang),
            f.customer,
            f.reserved,
            f.facility,
            names(facility_names),
            f.code,
            f.code
        ),
        Structure::Caa {
            fields: f,
            http_status,
            ..
        } => {
            let mut s = format!(
                "Sev={} ({}) C={} R={} · {fac} 0x{:03X} · {code} 0x{:04X} ({})",
                f.severity,
                f.severity_name().get(lang),
                f.customer,
                f.reserved,
                f.facility,
                f.code,
                f.code
            );
            if let Some(status) = http_status {
                s.push_str(&format!(" · HTTP {status}"));
            }
            s
        }
        Structure::Small {
            code: c,
            as_hresult,
        } => {
            let mut s = format!("{code} {c} = 0x{c:X}");
            if let Some(h) = as_hresult {
                let as_h = if ja { "HRESULT 形式" } else { "as HRESULT" };
                s.push_str(&format!(" · {as_h} 0x{h:08X}"));
            }
            s
        }
        Structure::Aadsts {
            number,
            range,
            family,
        } => {
            let r = if ja { "範囲" } else { "range" };
            format!("AADSTS {number} · {r} {range}: {}", family.get(lang))
        }
    }
}

const KB: Text = Text::new("Knowledge base", "ナレッジ ベース");
const CAUSES: Text = Text::new("Causes", "原因");
const TELL: Text = Text::new("how to tell", "見分け方");
const STEPS: Text = Text::new("Steps, least invasive first", "対処手順 (影響の小さい順)");
const CHECK: Text = Text::new("Check", "確認");
const MAY_LOSE: Text = Text::new("May lose", "失われる可能性");
const WHY_LATER: Text = Text::new("Why here", "この順序の理由");
const GUIDE: Text = Text::new("Differs from common advice", "一般的な対処法との違い");
const ALSO: Text = Text::new("See also", "関連");

fn risk(risk: &str, lang: Lang) -> String {
    let level = m365doctor_kb::risk_label(risk, lang);
    match lang {
        Lang::En => format!("risk {level}"),
        Lang::Ja => format!("リスク {level}"),
    }
}

fn bi(t: &m365doctor_kb::Bi, lang: Lang) -> &str {
    t.get(lang)
}

/// The knowledge-base entries attached to a decoded code (and its
/// sub-error): the most likely reading's entry in full, others as one line each.
pub fn entries_of(
    out: &mut impl Write,
    explained: &m365doctor_kb::Explained,
    lang: Lang,
    style: &Style,
) -> io::Result<()> {
    let mut shown: Vec<&str> = Vec::new();
    let mut queue = vec![explained];
    while let Some(e) = queue.pop() {
        for found in e.entries.iter().flatten() {
            let id = found.id();
            if shown.contains(&id) {
                continue;
            }
            if shown.is_empty() {
                writeln!(out)?;
                entry_block(out, found.entry, &found.source.label(), lang, style)?;
            } else {
                writeln!(
                    out,
                    "  {} {} [{}]",
                    style.label(&format!("{}:", ALSO.get(lang))),
                    bi(&found.entry.title, lang),
                    id
                )?;
            }
            shown.push(id);
        }
        if let Some(sub) = &e.sub_error {
            queue.push(sub);
        }
    }
    Ok(())
}

pub fn entry_block(
    out: &mut impl Write,
    e: &m365doctor_kb::Entry,
    source: &str,
    lang: Lang,
    style: &Style,
) -> io::Result<()> {
    writeln!(
        out,
        "  {} {} [{}, {source}]",
        style.label(&format!("{}:", KB.get(lang))),
        style.heading(bi(&e.title, lang)),
        e.id
    )?;
    if let Some(layer) = m365doctor_codes::Layer::from_id(&e.layer) {
        writeln!(
            out,
            "  {} {}",
            style.label(&format!("{}:", LAYER.get(lang))),
            style.layer(layer.label().get(lang))
        )?;
    }
    writeln!(out, "  {}", bi(&e.summary, lang))?;
    writeln!(out, "  {}", style.label(&format!("{}:", CAUSES.get(lang))))?;
    for c in e.causes.iter() {
        let (text, tell) = match lang {
            Lang::En => (&c.en, &c.tell.en),
            Lang::Ja => (&c.ja, &c.tell.ja),
        };
        writeln!(out, "    - {text}")?;
        writeln!(out, "      {}: {tell}", TELL.get(lang))?;
    }
    writeln!(out, "  {}", style.label(&format!("{}:", STEPS.get(lang))))?;
    for (n, s) in e.steps.iter().enumerate() {
        let text = match lang {
            Lang::En => &s.en,
            Lang::Ja => &s.ja,
        };
        writeln!(
            out,
            "    {}. [{} · {}] {text}",
            n + 1,
            m365doctor_kb::who_label(&s.who, lang),
            risk(&s.risk, lang)
        )?;
        if let Some(command) = &s.commands.windows {
            // Say which shell to paste it into and whose process runs it:
            // a PowerShell line fails in cmd, an elevated one fails unelevated.
            let shell = match s.commands.windows_shell.as_deref() {
                Some("powershell") => "PowerShell",
                Some("cmd") => "cmd",
                _ => "Windows",
            };
            let run_as = match (s.run_as.as_deref(), lang) {
                (Some("elevated"), Lang::En) => " (as administrator)",
                (Some("elevated"), Lang::Ja) => " (管理者として実行)",
                (Some("signed-in-user"), Lang::En) => " (not as administrator)",
                (Some("signed-in-user"), Lang::Ja) => " (管理者としてではなく実行)",
                _ => "",
            };
            writeln!(out, "       {shell}{run_as}> {command}")?;
        }
        for (platform, command) in [("macOS", &s.commands.macos), ("Linux", &s.commands.linux)] {
            if let Some(command) = command {
                writeln!(out, "       {platform}> {command}")?;
            }
        }
        if let Some(l) = &s.loses {
            writeln!(out, "       {}: {}", MAY_LOSE.get(lang), bi(l, lang))?;
        }
        if let Some(r) = &s.order_reason {
            writeln!(out, "       {}: {}", WHY_LATER.get(lang), bi(r, lang))?;
        }
        writeln!(out, "       {}: {}", CHECK.get(lang), bi(&s.verify, lang))?;
    }
    if let Some(d) = &e.departs_from_guide {
        writeln!(
            out,
            "  {} {}",
            style.label(&format!("{}:", GUIDE.get(lang))),
            bi(d, lang)
        )?;
    }
    for r in e.references.iter() {
        writeln!(
            out,
            "  {} {r}",
            style.label(&format!("{}:", REFERENCE.get(lang)))
        )?;
    }
    Ok(())
}
