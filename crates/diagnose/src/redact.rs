//! Redaction for reports, in one pass per line over every kind of input
//! (pasted text, logs, JSON, URLs, HAR and event-log renderings, dsregcmd
//! captures, the names of the files the evidence comes from):
//!
//! - **Secrets are removed whole** and replaced by a fixed marker that says
//!   only what they were (`<secret:jwt>`, `<secret:password>`): tokens,
//!   passwords, client secrets, cookies, signatures, API keys, authorization
//!   codes. The rules are `m365doctor_scan::secrets`, the same ones the HAR
//!   reader applies while it reads a capture. Secrets are removed even when
//!   the rest of redaction is off: no diagnosis needs them.
//! - **Identifiers become stable placeholders** (`<email-1>`, `<name-2>`):
//!   the same value is the same placeholder throughout a report and two
//!   values are two placeholders. E-mail addresses in every spelling
//!   (`%40`, `%2540`, `\u0040`, `=40`, `&#64;`, `＠`, non-ASCII), user and
//!   display names (after labels and greetings, before `<address>` and
//!   Japanese honorifics), tenant, device and user object ids (by label),
//!   tenant names and domains (`*.onmicrosoft.com`, the tenant segment of a
//!   sign-in URL, SharePoint host names, host names under the
//!   organisation's own domain), SIDs, device and host names, serial
//!   numbers, MAC and IP addresses, phone numbers, and the user's folder in
//!   paths (`C:\Users\<user-1>\…`).
//! - **Kept**, because support needs them: correlation, request, trace and
//!   activity ids (an unlabelled GUID is never replaced unless it is a value
//!   known to identify someone), time stamps, error codes, versions,
//!   Microsoft's own host names and application ids.
//!
//! One report has one [`Redactor`]: findings, evidence, the dsregcmd part,
//! the ticket and an evidence bundle's files all go through the same one,
//! so one placeholder never stands for two values and one value never gets
//! two placeholders. Values that identify someone wherever they stand (a
//! display name given after a label, a device name, the organisation's
//! domain) are learnt from all inputs first ([`Redactor::learn`]) and then
//! replaced everywhere, also where no label stands next to them.
//!
//! A new kind of identifier is added in `redact/find.rs` (a trigger and its
//! reader, or a shape); a new kind of secret in `m365doctor_scan::secrets`.

mod find;
mod names;
mod shapes;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use find::{Hit, With};
use m365doctor_dsreg::Capture;
use m365doctor_scan::secrets;
use std::collections::HashMap;

/// At most this many values learnt to be replaced wherever they stand.
const KNOWN_LIMIT: usize = 4096;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    seen: HashMap<(&'static str, String), usize>,
    counts: HashMap<&'static str, usize>,
    /// Values known to identify someone or something, lowercased, each with
    /// what replaces it: replaced wherever they stand.
    known: Vec<(String, With)>,
    /// The automaton over the first so many of `known`; values learnt since
    /// are looked up one by one until there are enough of them to build
    /// it again (so a text that teaches a value per line does not rebuild
    /// it per line).
    known_automaton: Option<(AhoCorasick, usize)>,
}

/// `text` with its credentials blanked (what is left of redaction when it
/// is off: see the module documentation).
pub fn blank_secrets(text: &str) -> String {
    secrets::blank(text).into_owned()
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    fn placeholder(&mut self, kind: &'static str, value: &str) -> String {
        let key = (kind, value.to_lowercase());
        if let Some(n) = self.seen.get(&key) {
            return format!("<{kind}-{n}>");
        }
        let n = self.counts.entry(kind).or_insert(0);
        *n += 1;
        let n = *n;
        self.seen.insert(key, n);
        format!("<{kind}-{n}>")
    }

    /// Redacts one text (usually one line; several lines are fine).
    pub fn redact(&mut self, text: &str) -> String {
        let text = secrets::blank(text);
        let mut hits = find::triggered(&text);
        self.learn_from(&text, &hits);
        self.known_hits(&text, &mut hits);
        shapes::find(&text, &mut hits);
        self.apply(&text, hits)
    }

    /// Learns, from a whole input, the values that identify someone
    /// wherever they stand (display and device names given after a label,
    /// the organisation's domains, labelled tenant and device ids), so that
    /// each is replaced everywhere in the report, also before the line that
    /// names it. Placeholders are numbered in the order values first appear.
    pub fn learn(&mut self, text: &str) {
        let hits = find::triggered(text);
        self.learn_from(text, &hits);
    }

    /// Learns one value of a kind (`device-name`, `domain`, `user`, `name`,
    /// `tenant-name`) known from elsewhere (the machine's environment).
    pub fn learn_value(&mut self, kind: &'static str, value: &str) {
        let value = value.trim();
        if find::worth_learning(kind, value) {
            self.placeholder(kind, value);
            self.add_known(value, With::Placeholder(kind, value.to_lowercase()));
        }
    }

    fn learn_from(&mut self, text: &str, hits: &[Hit]) {
        for hit in hits {
            for &(start, end, kind) in &hit.learn {
                let value = &text[start..end];
                if find::worth_learning(kind, value) {
                    self.placeholder(kind, value);
                    self.add_known(value, With::Placeholder(kind, value.to_lowercase()));
                }
            }
        }
    }

    fn add_known(&mut self, value: &str, with: With) {
        let lower = value.to_lowercase();
        if self.known.len() >= KNOWN_LIMIT || self.known.iter().any(|(v, _)| *v == lower) {
            return;
        }
        self.known.push((lower, with));
    }

    /// Where known values stand in `text`, as whole words.
    fn known_hits(&mut self, text: &str, hits: &mut Vec<Hit>) {
        if self.known.is_empty() {
            return;
        }
        let built = self.known_automaton.as_ref().map_or(0, |a| a.1);
        if self.known.len() - built > 16.max(built / 4) {
            let automaton = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(self.known.iter().map(|(v, _)| v.as_str()))
                .expect("known values build");
            self.known_automaton = Some((automaton, self.known.len()));
        }
        let built = self.known_automaton.as_ref().map_or(0, |a| a.1);
        if let Some((automaton, _)) = &self.known_automaton {
            for m in automaton.find_iter(text) {
                let (value, with) = &self.known[m.pattern().as_usize()];
                if find::stands_alone(text, m.start(), m.end(), value, with) {
                    hits.push(Hit::new(m.start(), m.end(), with.clone()));
                }
            }
        }
        if built < self.known.len() {
            let lower = text.to_ascii_lowercase();
            for (value, with) in &self.known[built..] {
                for (s, _) in lower.match_indices(value.as_str()) {
                    let e = s + value.len();
                    if find::stands_alone(text, s, e, value, with) {
                        hits.push(Hit::new(s, e, with.clone()));
                    }
                }
            }
        }
    }

    /// Replaces the hits, first and longest first, skipping any that
    /// overlaps one already replaced.
    fn apply(&mut self, text: &str, mut hits: Vec<Hit>) -> String {
        if hits.is_empty() {
            return text.to_string();
        }
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out = String::with_capacity(text.len() + 16);
        let mut copied = 0;
        for hit in hits {
            if hit.start < copied || hit.end <= hit.start {
                continue;
            }
            out.push_str(&text[copied..hit.start]);
            match hit.with {
                With::Placeholder(kind, key) => {
                    let p = self.placeholder(kind, &key);
                    out.push_str(&p);
                }
                With::Text(t) => out.push_str(&t),
            }
            copied = hit.end;
        }
        out.push_str(&text[copied..]);
        out
    }

    /// Redacts every string in a JSON document. A string held under an
    /// object key is read as `key: value`, so that the key labels it
    /// (`"DeviceId": "…"` is a device id); keys are kept.
    pub fn redact_json(&mut self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if let Value::String(s) = v {
                        let line = format!("{key} : {s}");
                        let redacted = self.redact(&line);
                        let prefix = format!("{key} : ");
                        *s = match redacted.strip_prefix(&prefix) {
                            Some(rest) => rest.to_string(),
                            None => self.redact(s),
                        };
                    } else {
                        self.redact_json(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            Value::String(s) => *s = self.redact(s),
            _ => {}
        }
    }

    /// Learns the identifying values of a `dsregcmd /status` capture (device
    /// and tenant ids and names, the user's address, key ids, the
    /// certificate thumbprint), each with the placeholder its labelled line
    /// gets: the capture's report quotes them in sentences and summaries
    /// where no label says what they are, and other texts may name them too.
    pub fn learn_capture(&mut self, capture: &Capture) {
        for field in capture.sections.iter().flat_map(|s| s.fields.iter()) {
            let value = field.value.trim();
            // Short values (YES, NO, 0x0) identify nothing and would match everywhere.
            if value.chars().count() < 4
                || self.known.iter().any(|(v, _)| *v == value.to_lowercase())
            {
                continue;
            }
            let line = format!("{} : {value}", field.name);
            let hits = find::triggered(&line);
            self.learn_from(&line, &hits);
            let mut hits = hits;
            shapes::find(&line, &mut hits);
            let redacted = self.apply(&line, hits);
            if redacted == line {
                continue;
            }
            if let Some(replacement) = redacted.strip_prefix(&format!("{} : ", field.name)) {
                self.add_known(value, With::Text(replacement.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests;
