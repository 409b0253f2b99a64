//! Codes inside dsregcmd values (`FAIL [0x801c0021/0x80072ee2]`,
//! `ERROR (0xd0020017)`, `AADSTS50126: …`, `0xc000006d`), decoded through
//! `m365doctor_codes` and looked up in the knowledge base.

use m365doctor_codes::interpret::{Decoded, Structure};
use m365doctor_codes::{Kind, Layer};

/// One decoded code, with the sub-error of a `phase/sub-error` pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// As printed in the capture.
    pub raw: String,
    /// `0x801C0021`, `AADSTS50126`, `12002` (see docs/json.md).
    pub normalized: String,
    pub kind: Kind,
    /// Symbolic names, most useful first (the Win32 name inside 0x8007xxxx
    /// comes first).
    pub names: Vec<&'static str>,
    pub layer: Option<Layer>,
    pub sub_error: Option<Box<Code>>,
}

impl Code {
    pub fn value(&self) -> Option<u32> {
        let n = &self.normalized;
        if let Some(hex) = n.strip_prefix("0x") {
            return u32::from_str_radix(hex, 16).ok();
        }
        if let Some(d) = n.strip_prefix("AADSTS") {
            return d.parse().ok();
        }
        n.parse().ok()
    }

    /// The knowledge-base lookup key.
    pub fn key(&self) -> String {
        m365doctor_kb::model::interpretation_key(self.kind, &self.normalized)
    }

    /// The sub-error first (it explains the phase error), then this code.
    pub fn most_specific_first(&self) -> Vec<&Code> {
        let mut out = Vec::new();
        if let Some(sub) = &self.sub_error {
            out.extend(sub.most_specific_first());
        }
        out.push(self);
        out
    }

    /// This code and its sub-error, in printed order.
    pub fn flatten(&self) -> Vec<&Code> {
        let mut out = vec![self];
        if let Some(sub) = &self.sub_error {
            out.extend(sub.flatten());
        }
        out
    }

    /// `0x80072EE2 (ERROR_INTERNET_TIMEOUT)`.
    pub fn label(&self) -> String {
        match self.names.first() {
            Some(name) => format!("{} ({name})", self.normalized),
            None => self.normalized.clone(),
        }
    }

    /// The layer, taken from the sub-error when it has one.
    pub fn best_layer(&self) -> Option<Layer> {
        self.sub_error
            .as_ref()
            .and_then(|s| s.best_layer())
            .or(self.layer)
    }

    pub fn is_aadsts(&self) -> bool {
        self.kind == Kind::Aadsts
    }
}

fn from_decoded(d: &Decoded) -> Option<Code> {
    let best = d.interpretations.first()?;
    let mut names: Vec<&'static str> = Vec::new();
    let wrapped: Vec<&'static str> = match &best.structure {
        Structure::HResult { wraps, .. } | Structure::Caa { wraps, .. } => wraps
            .iter()
            .flat_map(|w| w.names.iter().map(|n| n.name))
            .collect(),
        _ => Vec::new(),
    };
    let win32 = best.kind == Kind::HResult && best.value >> 16 == 0x8007;
    if win32 {
        names.extend(wrapped.iter().copied());
    }
    for n in &best.names {
        if !names.contains(&n.name) {
            names.push(n.name);
        }
    }
    if !win32 {
        for n in wrapped {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    Some(Code {
        raw: d.input.clone(),
        normalized: best.normalized.clone(),
        kind: best.kind,
        names,
        layer: best.layer,
        sub_error: d.sub_error.as_deref().and_then(from_decoded).map(Box::new),
    })
}

/// Decodes one code token (`0x801c0021/0x80072ee2`, `AADSTS50126`, `12002`).
pub fn decode(token: &str) -> Option<Code> {
    let decoded = m365doctor_codes::explain(token).ok()?;
    decoded.first().and_then(from_decoded)
}

fn hex_token(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    let one = |s: &str| {
        s.strip_prefix("0x").is_some_and(|h| {
            !h.is_empty() && h.len() <= 8 && h.bytes().all(|b| b.is_ascii_hexdigit())
        })
    };
    match lower.split_once('/') {
        Some((a, b)) => one(a) && (one(b) || decimal_token(b)),
        None => one(&lower),
    }
}

fn decimal_token(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    !digits.is_empty() && digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn aadsts_token(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    lower
        .strip_prefix("aadsts")
        .is_some_and(|d| !d.is_empty() && d.len() <= 9 && d.bytes().all(|b| b.is_ascii_digit()))
}

fn is_zero(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    let digits = lower.strip_prefix("0x").unwrap_or(&lower);
    !digits.is_empty() && digits.bytes().all(|b| b == b'0')
}

/// At most this many codes are taken from one value.
const MAX_CODES: usize = 8;

/// Every code in a value (up to eight): hex codes and pairs, AADSTS codes
/// and, when `decimal` is set (HTTP Error), plain numbers. Zero is not a
/// code.
pub fn codes_in(value: &str, decimal: bool) -> Vec<Code> {
    let mut out: Vec<Code> = Vec::new();
    let mut tried = 0usize;
    for token in value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '-')) {
        let token = token.trim_matches(|c| c == '/' || c == '-');
        if token.is_empty() || is_zero(token) {
            continue;
        }
        let wanted = hex_token(token) || aadsts_token(token) || (decimal && decimal_token(token));
        if !wanted {
            continue;
        }
        tried += 1;
        if tried > MAX_CODES {
            break;
        }
        if let Some(code) = decode(token) {
            if !out.iter().any(|c| c.normalized == code.normalized) {
                out.push(code);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_embedded_codes() {
        let c = codes_in("FAIL [0x801c0021/0x80072ee2]", false);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].normalized, "0x801C0021");
        let sub = c[0].sub_error.as_deref().unwrap();
        assert_eq!(sub.normalized, "0x80072EE2");
        assert_eq!(c[0].most_specific_first()[0].normalized, "0x80072EE2");
        let c = codes_in("ERROR (0xd0020017)", false);
        assert_eq!(c[0].normalized, "0xD0020017");
        let c = codes_in(
            "AADSTS50126: Error validating credentials due to invalid username or password.",
            false,
        );
        assert_eq!(c[0].normalized, "AADSTS50126");
        assert!(codes_in("0x0", true).is_empty());
        assert!(codes_in("PASS", false).is_empty());
        assert!(codes_in("aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb", false).is_empty());
        assert_eq!(codes_in("12002", true)[0].normalized, "12002");
        assert!(codes_in("12002", false).is_empty());
        let c = codes_in("FAIL [0x80070002]", false);
        assert_eq!(c[0].names.first(), Some(&"ERROR_FILE_NOT_FOUND"));
    }
}
