//! The dsregcmd part of a report: each capture's `m365doctor.dsreg/1`
//! document or readable report, redacted with the report's redactor (the
//! capture's identifiers replaced by the placeholders they have everywhere
//! else in the report).

use crate::redact::Redactor;
use m365doctor_codes::Lang;
use m365doctor_dsreg::{Capture, Report};
use m365doctor_text::visible;
use serde_json::Value;
use std::borrow::Cow;

/// The `m365doctor.dsreg/1` document of the first capture, the others in its
/// `more_captures`; `None` without captures. With a redactor, every
/// capture's identifiers are learnt first, then every string is redacted.
pub(crate) fn document(
    reports: &[Report],
    lang: Lang,
    mut redactor: Option<&mut Redactor>,
) -> Option<Value> {
    if let Some(r) = redactor.as_deref_mut() {
        for report in reports {
            r.learn_capture(report.capture());
        }
    }
    let mut one = |report: &Report| {
        let mut doc = m365doctor_dsreg::to_json(report, lang);
        if let Some(r) = redactor.as_deref_mut() {
            r.redact_json(&mut doc);
        }
        doc
    };
    let (first, more) = reports.split_first()?;
    let mut doc = one(first);
    if !more.is_empty() {
        doc["more_captures"] = more.iter().map(&mut one).collect();
    }
    Some(doc)
}

/// One capture's readable report, redacted line by line with `redactor`
/// (which should know the capture: see [`Redactor::learn_capture`]).
pub(crate) fn text(
    report: &Report,
    lang: Lang,
    color: bool,
    redactor: Option<&mut Redactor>,
) -> String {
    let mut out = Vec::new();
    let _ = m365doctor_dsreg::render(&mut out, report, lang, color);
    let text = String::from_utf8_lossy(&out).into_owned();
    match redactor {
        None => text,
        Some(r) => {
            learn_as_shown(r, report.capture());
            text.split_inclusive('\n').map(|l| r.redact(l)).collect()
        }
    }
}

/// The readable report shows a value with its control characters made
/// visible (see [`m365doctor_text::visible`]); the redactor learns that
/// form of the capture's identifiers too, so both get the same placeholder.
fn learn_as_shown(redactor: &mut Redactor, capture: &Capture) {
    let mut shown = capture.clone();
    let mut changed = false;
    for field in shown.sections.iter_mut().flat_map(|s| s.fields.iter_mut()) {
        if let Cow::Owned(v) = visible(&field.value) {
            field.value = v;
            changed = true;
        }
    }
    if changed {
        redactor.learn_capture(&shown);
    }
}

/// `m365doctor dsreg`'s outputs: the captures' document, or their readable
/// reports one after the other, through one redactor (a new one) unless
/// `redact` is false.
pub fn dsreg_document(reports: &[Report], lang: Lang, redact: bool) -> Option<Value> {
    let mut redactor = redact.then(Redactor::new);
    document(reports, lang, redactor.as_mut())
}

/// The readable reports of `reports`, separated by a blank line, redacted
/// through one redactor unless `redact` is false.
pub fn dsreg_text(reports: &[Report], lang: Lang, color: bool, redact: bool) -> String {
    let mut redactor = redact.then(Redactor::new);
    if let Some(r) = &mut redactor {
        for report in reports {
            r.learn_capture(report.capture());
        }
    }
    let mut out = String::new();
    for (n, report) in reports.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&text(report, lang, color, redactor.as_mut()));
    }
    out
}
