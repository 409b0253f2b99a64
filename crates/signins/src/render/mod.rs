//! Renderers of a [`crate::Report`]: terminal text, JSON, HTML, CSV. KQL is
//! in [`crate::kql`].

pub mod csv;
pub mod html;
pub mod json;
pub mod text;

use crate::report::CodeRow;
use crate::spec;

/// English or Japanese.
pub fn tr<'a>(ja: bool, en: &'a str, jp: &'a str) -> &'a str {
    if ja {
        jp
    } else {
        en
    }
}

/// `1234567` → `1,234,567`.
pub fn fmt_n(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `0.923` → `92%`; below 1% one decimal.
pub fn pct(f: f64) -> String {
    let p = f * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// Where a failure concentrates: the breakdowns whose top value holds at
/// least half of the code's events, e.g. "policy Require compliant device
/// (100%), OS Ios (92%)".
pub fn concentration(r: &CodeRow, ja: bool) -> String {
    let mut parts = Vec::new();
    for d in spec::DIMENSIONS {
        let Some(top) = r.top_of(d.key).first() else {
            continue;
        };
        if top.name.is_empty() || r.events == 0 {
            continue;
        }
        let share = top.events as f64 / r.events as f64;
        if share >= 0.5 {
            parts.push((
                share,
                format!("{} {} ({})", d.label.get(ja), top.name, pct(share)),
            ));
        }
    }
    parts.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    parts
        .into_iter()
        .map(|p| p.1)
        .collect::<Vec<_>>()
        .join(tr(ja, ", ", "、"))
}
