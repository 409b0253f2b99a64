//! Redaction for reports: e-mail addresses, user names, tenant and device ids,
//! tenant names and IP addresses become stable placeholders (`<email-1>`), so
//! the same user stays the same placeholder throughout a report. Correlation
//! ids, request ids and time stamps are never touched: support needs them.
//!
//! One report has one [`Redactor`]: findings, evidence, the dsregcmd part,
//! the ticket and an evidence bundle's files all go through the same one,
//! so one placeholder never stands for two values and one value never gets
//! two placeholders. A new kind of secret or identifier is added here, and
//! only here.

use m365doctor_dsreg::Capture;
use m365doctor_scan::is_guid;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    seen: HashMap<(&'static str, String), usize>,
    counts: HashMap<&'static str, usize>,
    /// Values known to identify someone or something (a capture's device
    /// and tenant ids and names, the user's address), each with its
    /// placeholder, longest first: they are replaced wherever they stand,
    /// also where no label says what they are.
    known: Vec<(String, String)>,
}

/// Labels whose GUID value identifies a tenant, device or user object.
const GUID_LABELS: &[(&str, &str)] = &[
    ("tenantid", "tenant"),
    ("tenant id", "tenant"),
    ("tenant_id", "tenant"),
    ("tenant", "tenant"),
    ("tid", "tenant"),
    ("テナント id", "tenant"),
    ("deviceid", "device"),
    ("device id", "device"),
    ("device_id", "device"),
    ("デバイス id", "device"),
    ("objectid", "object"),
    ("object id", "object"),
    ("userobjectid", "object"),
    ("user id", "object"),
    ("userid", "object"),
    // dsregcmd /status
    ("workplacetenantid", "tenant"),
    ("workplacedeviceid", "device"),
    ("keycontainerid", "key"),
    ("key_container_id", "key"),
    // Device registration service: `The device object by the given id (…) isn't found.`
    ("given id", "device"),
];

/// Labels whose value (to the end of the line) is a user or tenant name.
const NAME_LABELS: &[(&str, &str)] = &[
    ("executing account name", "user"),
    ("user name", "user"),
    ("username", "user"),
    ("user account", "user"),
    ("account name", "user"),
    ("logged on user", "user"),
    ("ユーザー名", "user"),
    ("tenantname", "tenant-name"),
    ("tenant name", "tenant-name"),
    ("テナント名", "tenant-name"),
    ("device name", "device-name"),
    ("device_name", "device-name"),
    ("computer name", "device-name"),
    ("computername", "device-name"),
    ("コンピューター名", "device-name"),
    ("domainname", "domain"),
    ("domain name", "domain"),
    ("domain_name", "domain"),
    ("thumbprint", "certificate"),
];

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
            if value.chars().count() < 4 || self.known.iter().any(|(v, _)| v == value) {
                continue;
            }
            let line = format!("{} : {value}", field.name);
            let redacted = self.redact_patterns(&line);
            if redacted == line {
                continue;
            }
            if let Some(replacement) = redacted.strip_prefix(&format!("{} : ", field.name)) {
                let at = self.known.partition_point(|(v, _)| v.len() >= value.len());
                self.known
                    .insert(at, (value.to_string(), replacement.to_string()));
            }
        }
    }

    /// Redacts one text (usually one line).
    pub fn redact(&mut self, text: &str) -> String {
        let text = self.replace_known(text);
        self.redact_patterns(&text)
    }

    fn replace_known(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (value, replacement) in &self.known {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), replacement);
            }
        }
        out
    }

    fn redact_patterns(&mut self, text: &str) -> String {
        let text = self.emails(text);
        let text = self.profile_paths(&text);
        let text = self.labelled_guids(&text);
        let text = self.login_url_tenants(&text);
        let text = self.labelled_names(&text);
        let text = self.ipv4(&text);
        self.ipv6(&text)
    }

    /// IPv6 addresses: hex groups with `::`, or eight groups; an optional
    /// `%zone`. Times (`09:12:33`) and MAC addresses have neither shape.
    fn ipv6(&mut self, text: &str) -> String {
        let is_part = |c: char| c.is_ascii_hexdigit() || c == ':';
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(is_part) {
            let before = rest[..start].chars().next_back();
            let len = rest[start..]
                .find(|c: char| !is_part(c))
                .unwrap_or(rest.len() - start);
            let candidate = &rest[start..start + len];
            let boundary = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
            let after = rest[start + len..].chars().next();
            let clean_end = !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if boundary && clean_end && looks_like_ipv6(candidate) {
                // Keep a zone index (`%12`) with the address it belongs to.
                let mut end = start + len;
                if rest[end..].starts_with('%') {
                    end += 1 + rest[end + 1..]
                        .find(|c: char| !c.is_ascii_alphanumeric())
                        .unwrap_or(rest.len() - end - 1);
                }
                out.push_str(&rest[..start]);
                let p = self.placeholder("ip", &rest[start..end]);
                out.push_str(&p);
                rest = &rest[end..];
            } else {
                let step = start + len.max(1);
                out.push_str(&rest[..step]);
                rest = &rest[step..];
            }
        }
        out.push_str(rest);
        out
    }

    /// Addresses as written and percent-encoded in URLs
    /// (`login_hint=megan%40contoso.com`); both spellings of one address get
    /// the same placeholder.
    fn emails(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((at, sign)) = next_at_sign(rest) {
            // In a URL (`%40`) a `+` is a space and `%` starts an escape: they
            // end the local part there (`error_description=…+megan%40…`).
            let encoded = sign > 1;
            let local_start = rest[..at]
                .char_indices()
                .rev()
                .take_while(|(_, c)| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, '.' | '_' | '-')
                        || (!encoded && matches!(c, '%' | '+'))
                })
                .last()
                .map(|(i, _)| i)
                .unwrap_or(at);
            let domain_start = at + sign;
            let domain_len = rest[domain_start..]
                .char_indices()
                .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                .last()
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0);
            let domain = rest[domain_start..domain_start + domain_len].trim_end_matches('.');
            if local_start < at && domain.contains('.') {
                let address = format!("{}@{domain}", &rest[local_start..at]);
                out.push_str(&rest[..local_start]);
                let p = self.placeholder("email", &address);
                out.push_str(&p);
                rest = &rest[domain_start + domain.len()..];
            } else {
                out.push_str(&rest[..domain_start]);
                rest = &rest[domain_start..];
            }
        }
        out.push_str(rest);
        out
    }

    /// `C:\Users\taro\`, `/Users/taro/`, `/home/taro/`.
    fn profile_paths(&mut self, text: &str) -> String {
        let mut out = text.to_string();
        for marker in [
            "\\Users\\",
            "\\users\\",
            "/Users/",
            "/home/",
            "\\\\Users\\\\",
        ] {
            let mut from = 0;
            while let Some(i) = out[from..].find(marker) {
                let start = from + i + marker.len();
                let len = out[start..]
                    .find(['\\', '/', ' ', '"', '\'', ';', ','])
                    .unwrap_or(out.len() - start);
                let name = out[start..start + len].to_string();
                if name.is_empty()
                    || name.starts_with('<')
                    || matches!(
                        name.to_lowercase().as_str(),
                        "public" | "default" | "all users"
                    )
                {
                    from = start;
                    continue;
                }
                let p = self.placeholder("user", &name);
                out.replace_range(start..start + len, &p);
                from = start + p.len();
            }
        }
        out
    }

    fn labelled_guids(&mut self, text: &str) -> String {
        let mut out = text.to_string();
        let lower = out.to_lowercase();
        if lower.len() != out.len() {
            return out;
        }
        let mut replacements = Vec::new();
        for (label, kind) in GUID_LABELS {
            let mut from = 0;
            while let Some(i) = lower[from..].find(label) {
                let start = from + i;
                from = start + label.len();
                // Whole-word labels only: `tid` inside `entity` is not a label.
                if lower[..start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    continue;
                }
                let rest = &out[from..];
                let skip = rest.len()
                    - rest
                        .trim_start_matches([' ', ':', '=', '"', '\'', '\t', '：', '('])
                        .len();
                let value_start = from + skip;
                if skip == 0 && !rest.is_empty() {
                    continue;
                }
                if let Some(guid) = out.get(value_start..value_start + 36) {
                    if is_guid(guid) {
                        replacements.push((value_start, *kind));
                    }
                }
            }
        }
        replacements.sort();
        replacements.dedup_by_key(|r| r.0);
        for (start, kind) in replacements.into_iter().rev() {
            let guid = out[start..start + 36].to_string();
            let p = self.placeholder(kind_static(kind), &guid);
            out.replace_range(start..start + 36, &p);
        }
        out
    }

    /// `https://login.microsoftonline.com/<tenant guid>/oauth2/...`
    fn login_url_tenants(&mut self, text: &str) -> String {
        let mut out = text.to_string();
        for host in [
            "login.microsoftonline.com/",
            "login.windows.net/",
            "sts.windows.net/",
        ] {
            let mut from = 0;
            while let Some(i) = out[from..].find(host) {
                let start = from + i + host.len();
                from = start;
                if let Some(guid) = out.get(start..start + 36) {
                    if is_guid(guid) {
                        let guid = guid.to_string();
                        let p = self.placeholder("tenant", &guid);
                        out.replace_range(start..start + 36, &p);
                    }
                }
            }
        }
        out
    }

    fn labelled_names(&mut self, text: &str) -> String {
        let lower = text.to_lowercase();
        if lower.len() != text.len() {
            return self.labelled_names_exact(text);
        }
        for (label, kind) in NAME_LABELS {
            if let Some(i) = lower.find(label) {
                let from = i + label.len();
                if let Some(out) = self.replace_value(text, from, kind) {
                    return out;
                }
            }
        }
        text.to_string()
    }

    fn labelled_names_exact(&mut self, text: &str) -> String {
        for (label, kind) in NAME_LABELS {
            if let Some(i) = text.find(label) {
                if let Some(out) = self.replace_value(text, i + label.len(), kind) {
                    return out;
                }
            }
        }
        text.to_string()
    }

    /// Replaces the value after a `label :` with a placeholder, keeping a
    /// `DOMAIN\` prefix's shape (`<user-1>` for `CONTOSO\taro`).
    fn replace_value(&mut self, text: &str, from: usize, kind: &str) -> Option<String> {
        let rest = &text[from..];
        let sep = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let after_sep = &rest[sep..];
        let colon = after_sep
            .strip_prefix(':')
            .or_else(|| after_sep.strip_prefix('：'))
            .or_else(|| after_sep.strip_prefix('='))?;
        let value = colon.trim();
        if value.is_empty() || value.starts_with('<') || value.eq_ignore_ascii_case("n/a") {
            return None;
        }
        let value_start = text.len() - colon.len() + (colon.len() - colon.trim_start().len());
        let value_end = value_start + value.len();
        let p = self.placeholder(kind_static(kind), value);
        let mut out = text.to_string();
        out.replace_range(value_start..value_end, &p);
        Some(out)
    }

    fn ipv4(&mut self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut copied = 0;
        while i < bytes.len() {
            let boundary =
                i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
            if boundary && bytes[i].is_ascii_digit() {
                if let Some(len) = ipv4_len(&bytes[i..]) {
                    let after = bytes.get(i + len);
                    if !after.is_some_and(|b| {
                        b.is_ascii_alphanumeric()
                            || *b == b'.' && bytes.get(i + len + 1).is_some_and(u8::is_ascii_digit)
                    }) {
                        out.push_str(&text[copied..i]);
                        let p = self.placeholder("ip", &text[i..i + len]);
                        out.push_str(&p);
                        i += len;
                        copied = i;
                        continue;
                    }
                }
            }
            i += 1;
        }
        out.push_str(&text[copied..]);
        out
    }
}

/// The next `@`, or `%40` (its percent-encoding), with its length.
fn next_at_sign(text: &str) -> Option<(usize, usize)> {
    let plain = text.find('@');
    let encoded = text
        .match_indices('%')
        .find(|(i, _)| text[i + 1..].starts_with("40"))
        .map(|(i, _)| i);
    match (plain, encoded) {
        (Some(p), Some(e)) if e < p => Some((e, 3)),
        (Some(p), _) => Some((p, 1)),
        (None, Some(e)) => Some((e, 3)),
        (None, None) => None,
    }
}

fn looks_like_ipv6(s: &str) -> bool {
    let colons = s.matches(':').count();
    let compressed = s.matches("::").count() == 1;
    let groups: Vec<&str> = s.split(':').filter(|g| !g.is_empty()).collect();
    let hex_digits: usize = groups.iter().map(|g| g.len()).sum();
    (compressed || colons == 7)
        && colons <= 7
        && !s.contains(":::")
        && groups.iter().all(|g| g.len() <= 4)
        && groups.len() >= 2
        && hex_digits >= 4
}

fn kind_static(kind: &str) -> &'static str {
    match kind {
        "tenant" => "tenant",
        "device" => "device",
        "object" => "object",
        "tenant-name" => "tenant-name",
        "key" => "key",
        "device-name" => "device-name",
        "domain" => "domain",
        "certificate" => "certificate",
        _ => "user",
    }
}

/// Length of a dotted quad at the start of `b`, each part 0–255.
fn ipv4_len(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    for part in 0..4 {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 3 {
            i += 1;
        }
        if i == start
            || std::str::from_utf8(&b[start..i])
                .ok()?
                .parse::<u16>()
                .ok()?
                > 255
        {
            return None;
        }
        if part < 3 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
    }
    if b.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_placeholders() {
        let mut r = Redactor::new();
        assert_eq!(
            r.redact("taro.yamada@contoso.co.jp signed in; hanako@contoso.com failed; TARO.YAMADA@contoso.co.jp again."),
            "<email-1> signed in; <email-2> failed; <email-1> again."
        );
    }

    #[test]
    fn percent_encoded_addresses_in_urls() {
        let mut r = Redactor::new();
        assert_eq!(
            r.redact("megan.bowen@contoso.com then ?login_hint=Megan.Bowen%40contoso.com&error_description=AADSTS50126%3a+Invalid+for+megan.bowen%40contoso.com%0d%0a"),
            "<email-1> then ?login_hint=<email-1>&error_description=AADSTS50126%3a+Invalid+for+<email-1>%0d%0a"
        );
        // Plus addressing outside URLs is one address.
        assert_eq!(r.redact("taro+m365@contoso.co.jp"), "<email-2>");
        // `%40` with no address around it stays.
        assert_eq!(r.redact("50%40 off, 100%"), "50%40 off, 100%");
    }

    #[test]
    fn ids_and_names() {
        let mut r = Redactor::new();
        let tenant = "TenantId : 72f988bf-86f1-41af-91ab-2d7cd011db47";
        assert_eq!(r.redact(tenant), "TenantId : <tenant-1>");
        assert_eq!(
            r.redact("DeviceId : 11111111-2222-3333-4444-555555555555"),
            "DeviceId : <device-1>"
        );
        assert_eq!(
            r.redact("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/token"),
            "https://login.microsoftonline.com/<tenant-1>/oauth2/token"
        );
        assert_eq!(
            r.redact("Executing Account Name : CONTOSO\\taro, taro@contoso.com"),
            "Executing Account Name : <user-1>"
        );
        assert_eq!(
            r.redact("C:\\Users\\taro\\AppData\\Local"),
            "C:\\Users\\<user-2>\\AppData\\Local"
        );
        assert_eq!(
            r.redact("TenantName : Contoso"),
            "TenantName : <tenant-name-1>"
        );
        assert_eq!(
            r.redact("Client IP 192.0.2.15:443 and 10.1.2.3"),
            "Client IP <ip-1>:443 and <ip-2>"
        );
        assert_eq!(
            r.redact("from 2001:db8::8a2e:370:7334 and fe80::1c2b:3d4e:5f60:7081%12."),
            "from <ip-3> and <ip-4>."
        );
        assert_eq!(
            r.redact("addr 2001:0db8:0000:0000:0000:ff00:0042:8329"),
            "addr <ip-5>"
        );
    }

    #[test]
    fn support_data_stays() {
        let mut r = Redactor::new();
        for line in [
            "Correlation ID: 5a1c3e0b-7d2f-4c1a-9e8b-2f6d4c3b1a09",
            "Request Id: 0b6f1e8a-2c3d-4e5f-8a9b-1c2d3e4f5a6b",
            "Timestamp: 2026-11-20T09:12:33Z",
            "Version 16.0.17928.20156",
            "entity id 11111111-2222-3333-4444-555555555555",
            "at 09:12:33 and 2026-11-20T09:12:33.123Z",
            "MAC 00:1a:2b:3c:4d:5e, std::string, a::b",
            "Error 0x80072EE7: dead beef",
        ] {
            assert_eq!(r.redact(line), line);
        }
    }
}
