//! CSV downloads: the Entra admin center's sign-in downloads (interactive,
//! non-interactive, application, managed identity, and the
//! authentication-details files) and Log Analytics' "Export to CSV – all
//! columns". Columns are recognised by their header names, which are
//! compared after trimming, collapsing doubled spaces and ignoring case and
//! a ` [UTC]` suffix, so `Application ID `, `Autonomous system  number` and
//! `TimeGenerated [UTC]` all match. A header that appears twice (`Incoming
//! token type`) uses its first column. Records follow RFC 4180: quoted
//! fields with doubled quotes, commas and line breaks inside.

use crate::event::{Event, Hint, Policy, Skip, Step};
use crate::record;
use crate::spec::{Bi2, Kind};
use std::borrow::Cow;
use std::io::{self, BufRead};

/// Longest accepted row (a Log Analytics row with many policies is ~50 KB).
pub const MAX_ROW: usize = 16 << 20;

/// Reads RFC 4180 records, any of `,` `;` or tab as delimiter.
pub struct Reader<'r> {
    r: &'r mut dyn BufRead,
    delim: u8,
    /// The current row's bytes, unquoted, and where each field ends.
    pub buf: Vec<u8>,
    pub ends: Vec<usize>,
    pub line: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RowError {
    TooLarge,
    /// A quoted field never closed before the end of the file.
    Unterminated,
}

impl<'r> Reader<'r> {
    pub fn new(r: &'r mut dyn BufRead, delim: u8) -> Reader<'r> {
        Reader {
            r,
            delim,
            buf: Vec::new(),
            ends: Vec::new(),
            line: 0,
        }
    }

    pub fn field(&self, i: usize) -> &[u8] {
        if i >= self.ends.len() {
            return b"";
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The next row; `Ok(false)` at the end.
    pub fn next_row(&mut self) -> io::Result<Result<bool, RowError>> {
        self.buf.clear();
        self.ends.clear();
        let mut in_quotes = false;
        let mut quote_pending = false; // saw `"` inside quotes: end or escaped quote
        let mut any = false;
        let mut too_large = false;
        let mut cr = false;
        loop {
            let chunk = match self.r.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                if !any {
                    return Ok(Ok(false));
                }
                if in_quotes && !quote_pending {
                    return Ok(Err(RowError::Unterminated));
                }
                self.ends.push(self.buf.len());
                self.line += 1;
                return Ok(if too_large {
                    Err(RowError::TooLarge)
                } else {
                    Ok(true)
                });
            }
            let mut i = 0;
            let n = chunk.len();
            let mut done = false;
            while i < n {
                let c = chunk[i];
                i += 1;
                any = true;
                if quote_pending {
                    quote_pending = false;
                    if c == b'"' {
                        self.buf.push(b'"');
                        continue;
                    }
                    in_quotes = false;
                }
                if in_quotes {
                    if c == b'"' {
                        quote_pending = true;
                    } else {
                        if c == b'\n' {
                            self.line += 1;
                        }
                        self.buf.push(c);
                    }
                    continue;
                }
                if cr {
                    // A carriage return ends the row only before a line feed.
                    cr = false;
                    if c != b'\n' {
                        self.buf.push(b'\r');
                    }
                }
                match c {
                    b'"' => in_quotes = true,
                    b'\r' => cr = true,
                    b'\n' => {
                        self.ends.push(self.buf.len());
                        self.line += 1;
                        done = true;
                        break;
                    }
                    c if c == self.delim => self.ends.push(self.buf.len()),
                    c => self.buf.push(c),
                }
                if self.buf.len() > MAX_ROW {
                    too_large = true;
                    self.buf.clear();
                    self.ends.clear();
                }
            }
            self.r.consume(i);
            if done {
                if too_large {
                    return Ok(Err(RowError::TooLarge));
                }
                return Ok(Ok(true));
            }
        }
    }
}

/// The delimiter of a header line: the most frequent of `,` `;` tab outside quotes.
pub fn delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut q = false;
    for &c in header {
        match c {
            b'"' => q = !q,
            b',' if !q => counts[0] += 1,
            b';' if !q => counts[1] += 1,
            b'\t' if !q => counts[2] += 1,
            b'\n' if !q => break,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// A header name as compared: trimmed, lower case, one space between
/// words, without a ` [UTC]` / ` (UTC)` unit suffix used by Log Analytics.
pub fn normalise_header(h: &str) -> String {
    let words: Vec<&str> = h
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .split_whitespace()
        .collect();
    let mut s = words.join(" ").to_lowercase();
    for suffix in [" [utc]", " [local time]"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.to_string();
        }
    }
    s
}

/// Which export a header belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// The admin center's sign-in download (`Date (UTC)`, `Request ID`, …).
    Portal,
    /// The admin center's authentication-details download.
    PortalAuthDetails,
    /// Log Analytics' export (`TimeGenerated [UTC]`, `ResultType`, JSON text columns).
    LogAnalytics,
}

/// Portal columns the normaliser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Time,
    Id,
    Correlation,
    UserId,
    User,
    Username,
    UserType,
    TokenType,
    Protocol,
    Transfer,
    App,
    AppId,
    Resource,
    Ip,
    Location,
    Status,
    Code,
    Reason,
    ClientApp,
    DeviceId,
    Browser,
    Os,
    Compliant,
    Managed,
    JoinType,
    MfaResult,
    MfaMethod,
    MfaDetail,
    AuthRequirement,
    Asn,
    Ca,
    SpId,
    SpName,
    UserAgent,
    MiType,
    // Authentication-details files.
    Method,
    MethodDetail,
    Succeeded,
    ResultDetail,
    Requirement,
}

fn portal_column(name: &str) -> Option<P> {
    Some(match name {
        "date (utc)" | "date" => P::Time,
        "request id" => P::Id,
        "correlation id" => P::Correlation,
        "user id" => P::UserId,
        "user" => P::User,
        "username" => P::Username,
        "user type" => P::UserType,
        "incoming token type" => P::TokenType,
        "authentication protocol" => P::Protocol,
        "original transfer method" => P::Transfer,
        "application" => P::App,
        "application id" => P::AppId,
        "resource" => P::Resource,
        "ip address" => P::Ip,
        "location" => P::Location,
        "status" => P::Status,
        "sign-in error code" => P::Code,
        "failure reason" => P::Reason,
        "client app" => P::ClientApp,
        "device id" => P::DeviceId,
        "browser" => P::Browser,
        "operating system" => P::Os,
        "compliant" => P::Compliant,
        "managed" => P::Managed,
        "join type" => P::JoinType,
        "multifactor authentication result" => P::MfaResult,
        "multifactor authentication auth method" => P::MfaMethod,
        "multifactor authentication auth detail" => P::MfaDetail,
        "authentication requirement" => P::AuthRequirement,
        "autonomous system number" => P::Asn,
        "conditional access" => P::Ca,
        "service principal id" => P::SpId,
        "service principal name" => P::SpName,
        "user agent" => P::UserAgent,
        "managed identity type" => P::MiType,
        "authentication method" => P::Method,
        "authentication method detail" => P::MethodDetail,
        "succeeded" => P::Succeeded,
        "result detail" => P::ResultDetail,
        "requirement" => P::Requirement,
        _ => return None,
    })
}

/// A recognised header: what the file is and where each column is.
#[derive(Debug, Clone)]
pub struct Layout {
    pub flavour: Flavour,
    pub kind: Option<Kind>,
    /// Portal: column index per field (first occurrence).
    cols: Vec<(P, usize)>,
    /// Log Analytics: the header names as written, for JSON keys.
    pub names: Vec<String>,
    /// Set when the kind was guessed (the file name did not say).
    pub kind_guessed: bool,
}

impl Layout {
    fn col(&self, p: P) -> Option<usize> {
        self.cols.iter().find(|(q, _)| *q == p).map(|(_, i)| *i)
    }
}

/// Recognises a header; the error lists the columns found.
pub fn layout(header: &[String], file_name: &str) -> Result<Layout, Bi2> {
    let norm: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    let has = |n: &str| norm.iter().any(|h| h == n);
    let lower_name = file_name.to_lowercase();
    let name_kind = if lower_name.contains("noninteractive")
        || lower_name.contains("non-interactive")
        || lower_name.contains("non_interactive")
    {
        Some(Kind::NonInteractive)
    } else if lower_name.contains("msisignin") || lower_name.contains("managedidentit") {
        Some(Kind::ManagedIdentity)
    } else if lower_name.contains("applicationsignin") || lower_name.contains("serviceprincipal") {
        Some(Kind::ServicePrincipal)
    } else if lower_name.contains("interactive") {
        Some(Kind::Interactive)
    } else {
        None
    };
    if (has("timegenerated") || has("createddatetime")) && (has("resulttype") || has("status")) {
        // A `Type` or `Category` column says it per row.
        let kind = if has("type") || has("category") {
            None
        } else {
            name_kind
        };
        return Ok(Layout {
            flavour: Flavour::LogAnalytics,
            kind,
            cols: Vec::new(),
            names: header
                .iter()
                .map(|h| h.trim().trim_end_matches(" [UTC]").trim().to_string())
                .collect(),
            kind_guessed: false,
        });
    }
    let mut cols = Vec::new();
    for (i, n) in norm.iter().enumerate() {
        if let Some(p) = portal_column(n) {
            if !cols.iter().any(|(q, _)| *q == p) {
                cols.push((p, i));
            }
        }
    }
    let found = |p: P| cols.iter().any(|(q, _)| *q == p);
    if found(P::Id)
        && found(P::Method)
        && (found(P::Succeeded) || found(P::ResultDetail))
        && !found(P::Code)
    {
        return Ok(Layout {
            flavour: Flavour::PortalAuthDetails,
            kind: name_kind,
            cols,
            names: Vec::new(),
            kind_guessed: false,
        });
    }
    if found(P::Time)
        && (found(P::Code) || found(P::Status))
        && (found(P::Id) || found(P::Username) || found(P::SpId))
    {
        let (kind, guessed) = if !found(P::Username) && found(P::SpId) {
            (
                Some(
                    if name_kind == Some(Kind::ManagedIdentity)
                        || (found(P::MiType) && name_kind.is_none())
                    {
                        Kind::ManagedIdentity
                    } else {
                        Kind::ServicePrincipal
                    },
                ),
                false,
            )
        } else {
            match name_kind {
                Some(k) => (Some(k), false),
                None => (Some(Kind::Interactive), true),
            }
        };
        return Ok(Layout {
            flavour: Flavour::Portal,
            kind,
            cols,
            names: Vec::new(),
            kind_guessed: guessed,
        });
    }
    let shown: Vec<&str> = header.iter().take(6).map(|s| s.trim()).collect();
    let more = if header.len() > 6 { ", …" } else { "" };
    Err(Bi2::new(
        format!(
            "a CSV file, but not a sign-in log export: its columns ({}{more}) are not those of an Entra admin center download or a Log Analytics export",
            shown.join(", ")
        ),
        format!(
            "CSV ファイルですが、サインイン ログのエクスポートではありません。列 ({}{more}) が Entra 管理センターのダウンロードや Log Analytics のエクスポートの列と一致しません",
            shown.join(", ")
        ),
    ))
}

fn text(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Splits the portal's `Location` ("City, State, CC") from the right, so a
/// city with a comma ("Washington, D.C.") stays whole.
pub fn split_location(s: &str) -> (&str, &str, &str) {
    let s = s.trim();
    let mut parts = s.rsplitn(3, ',');
    let country = parts.next().unwrap_or("").trim();
    let state = parts.next().unwrap_or("").trim();
    let city = parts.next().unwrap_or("").trim();
    (city, state, country)
}

/// A portal row as an event.
pub fn portal_event<'a>(l: &Layout, r: &'a Reader<'_>, hint: Hint) -> Result<Event<'a>, Skip> {
    let get = |p: P| {
        l.col(p)
            .map(|i| text(r.field(i)))
            .unwrap_or(Cow::Borrowed(""))
    };
    let code_text = get(P::Code);
    let status = get(P::Status);
    let code = match record::parse_code(&code_text) {
        Some(c) => c,
        None if code_text.trim().is_empty() && status.trim().eq_ignore_ascii_case("success") => 0,
        None => return Err(Skip::NoResult),
    };
    let (city, state, country) = {
        let loc = get(P::Location);
        let (c, s, k) = split_location(&loc);
        (c.to_string(), s.to_string(), k.to_string())
    };
    let kind = hint.kind.or(l.kind).unwrap_or(Kind::Interactive);
    let mut e = Event {
        time: crate::event::plausible(crate::time::parse(&get(P::Time))),
        kind,
        id: get(P::Id),
        correlation_id: get(P::Correlation),
        upn: get(P::Username),
        user_display: get(P::User),
        user_id: get(P::UserId),
        user_type: get(P::UserType),
        sp_id: get(P::SpId),
        sp_name: get(P::SpName),
        app: get(P::App),
        app_id: get(P::AppId),
        resource: get(P::Resource),
        client_app: get(P::ClientApp),
        user_agent: get(P::UserAgent),
        os: get(P::Os),
        browser: get(P::Browser),
        trust_type: get(P::JoinType),
        compliant: record::parse_flag(&get(P::Compliant)),
        managed: record::parse_flag(&get(P::Managed)),
        device_id: get(P::DeviceId),
        device_name: Cow::Borrowed(""),
        country: Cow::Owned(country),
        state: Cow::Owned(state),
        city: Cow::Owned(city),
        ip: get(P::Ip),
        asn: get(P::Asn),
        code,
        failure_reason: get(P::Reason),
        additional_details: Cow::Borrowed(""),
        protocol: get(P::Protocol),
        transfer: get(P::Transfer),
        token_type: get(P::TokenType),
        ca_status: get(P::Ca),
        auth_requirement: get(P::AuthRequirement),
        mfa_result: get(P::MfaResult),
        policies: Vec::<Policy>::new(),
        steps: Vec::new(),
    };
    let method = get(P::MfaMethod);
    if !method.is_empty() || !e.mfa_result.is_empty() {
        e.steps.push(Step {
            method,
            method_detail: get(P::MfaDetail),
            result_detail: e.mfa_result.clone(),
            ..Step::default()
        });
    }
    Ok(e)
}

/// An authentication-details row: the request id and the step.
pub fn auth_detail<'a>(l: &Layout, r: &'a Reader<'_>) -> (Cow<'a, str>, Step<'a>) {
    let get = |p: P| {
        l.col(p)
            .map(|i| text(r.field(i)))
            .unwrap_or(Cow::Borrowed(""))
    };
    (
        get(P::Id),
        Step {
            method: get(P::Method),
            method_detail: get(P::MethodDetail),
            time: get(P::Time),
            requirement: get(P::Requirement),
            result_detail: get(P::ResultDetail),
            succeeded: record::parse_flag(&get(P::Succeeded)),
        },
    )
}

/// A Log Analytics row as a JSON object with the column names as keys, so
/// the JSON reader normalises it exactly as it does a JSON export.
pub fn log_analytics_json(l: &Layout, r: &Reader<'_>, out: &mut Vec<u8>) {
    out.clear();
    out.push(b'{');
    let mut first = true;
    for (i, name) in l.names.iter().enumerate() {
        let v = r.field(i);
        if v.is_empty() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        let _ = serde_json::to_writer(&mut *out, name);
        out.push(b':');
        let _ = serde_json::to_writer(&mut *out, &text(v));
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let mut input = io::BufReader::with_capacity(3, text.as_bytes());
        let mut r = Reader::new(&mut input, delimiter(text.as_bytes()));
        let mut out = Vec::new();
        while let Ok(true) = r.next_row().unwrap() {
            out.push((0..r.len()).map(|i| text_of(r.field(i))).collect());
        }
        out
    }

    fn text_of(b: &[u8]) -> String {
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[test]
    fn rfc4180() {
        let got = rows("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n3,,z");
        assert_eq!(got[0], ["a", "b", "c"]);
        assert_eq!(got[1], ["1", "x, y", "say \"hi\""]);
        assert_eq!(got[2], ["2", "two\nlines", ""]);
        assert_eq!(got[3], ["3", "", "z"]);
        assert_eq!(rows("a;b\n1;2\n")[1], ["1", "2"]);
        // A carriage return ends a row only before a line feed (found by fuzzing).
        assert_eq!(
            rows("x\r,\r\na\rb,c\r\n"),
            [vec!["x\r", ""], vec!["a\rb", "c"]]
        );
        assert_eq!(rows("a\tb\n1\t2\n")[1], ["1", "2"]);
    }

    #[test]
    fn unterminated_quote() {
        let mut input = io::BufReader::new(&b"a,\"never closed\n1,2\n"[..]);
        let mut r = Reader::new(&mut input, b',');
        assert_eq!(r.next_row().unwrap(), Err(RowError::Unterminated));
    }

    #[test]
    fn header_quirks() {
        assert_eq!(normalise_header("Application ID "), "application id");
        assert_eq!(
            normalise_header("Autonomous system  number"),
            "autonomous system number"
        );
        assert_eq!(normalise_header("TimeGenerated [UTC]"), "timegenerated");
        assert_eq!(normalise_header("\u{feff}Date (UTC)"), "date (utc)");
    }

    #[test]
    fn locations_split_from_the_right() {
        assert_eq!(
            split_location("Redmond, Washington, US"),
            ("Redmond", "Washington", "US")
        );
        assert_eq!(
            split_location("Washington, D.C., District of Columbia, US"),
            ("Washington, D.C.", "District of Columbia", "US")
        );
        assert_eq!(split_location("JP"), ("", "", "JP"));
        assert_eq!(split_location(""), ("", "", ""));
    }

    #[test]
    fn layouts() {
        let h = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
        let portal = h("Date (UTC),Request ID,User,Username,Application,Application ID ,IP address,Location,Status,Sign-in error code,Failure reason,Client app");
        assert_eq!(
            layout(&portal, "NonInteractiveSignIns_2025-01-01_2025-01-02.csv")
                .unwrap()
                .kind,
            Some(Kind::NonInteractive)
        );
        assert_eq!(
            layout(&portal, "InteractiveSignIns_2025.csv").unwrap().kind,
            Some(Kind::Interactive)
        );
        let guessed = layout(&portal, "export.csv").unwrap();
        assert!(guessed.kind_guessed);
        let app = h("Date (UTC),Request ID,Correlation ID,Service principal ID,Service principal name,Application,IP address,Location,Status,Sign-in error code,Failure reason,Conditional Access");
        assert_eq!(
            layout(&app, "ApplicationSignIns_x.csv").unwrap().kind,
            Some(Kind::ServicePrincipal)
        );
        assert_eq!(
            layout(&app, "MSISignIns_x.csv").unwrap().kind,
            Some(Kind::ManagedIdentity)
        );
        let la = h("TenantId,TimeGenerated [UTC],ResultType,Status,UserPrincipalName,Type");
        assert_eq!(
            layout(&la, "query_data.csv").unwrap().flavour,
            Flavour::LogAnalytics
        );
        let other = h("Name,Price,Quantity");
        assert!(layout(&other, "shop.csv")
            .unwrap_err()
            .en
            .contains("Name, Price, Quantity"));
    }
}
