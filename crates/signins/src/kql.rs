//! KQL for Log Analytics, generated from [`crate::spec`].

/// A KQL string literal: double quotes, with `\` and `"` escaped and
/// control characters written as escapes, so any user-supplied text is inert.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn queries(_t: &crate::spec::Thresholds, _lookup: Option<&str>) -> String {
    String::new()
}
