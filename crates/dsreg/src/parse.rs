//! The text parser: finds `dsregcmd /status` output in any text and splits it
//! into captures, sections and fields, keeping every raw name and value.
//!
//! Handles the current framed layout (`+---+` / `| Section |` / `+---+`),
//! the older `Name: Value` layout where everything sits under Device State,
//! fragments without any frame, case and internal-whitespace differences in
//! field names, values containing `:`, CRLF, a BOM, leading spaces, tabs,
//! e-mail / Markdown quote markers, console line wraps, several captures
//! pasted one after another and output embedded in a longer paste.

use std::collections::{BTreeSet, HashSet};

/// The sections `dsregcmd /status` prints, plus the ones seen in real
/// outputs but not documented by Microsoft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SectionKind {
    DeviceState,
    DeviceDetails,
    TenantDetails,
    UserState,
    SsoState,
    DiagnosticData,
    /// Only when a build frames it as its own section; normally its fields
    /// sit inside Diagnostic Data.
    PreviousRegistration,
    IeProxyUser,
    IeProxySystem,
    UrlProxy,
    WinHttpProxy,
    NgcPrerequisiteCheck,
    WorkAccount(u32),
    Unknown,
}

impl SectionKind {
    /// The kind of a section title, compared without case and whitespace.
    pub fn from_name(name: &str) -> SectionKind {
        let key = normalize_key(name);
        match key.as_str() {
            "devicestate" => SectionKind::DeviceState,
            "devicedetails" => SectionKind::DeviceDetails,
            "tenantdetails" => SectionKind::TenantDetails,
            "userstate" => SectionKind::UserState,
            "ssostate" => SectionKind::SsoState,
            "diagnosticdata" => SectionKind::DiagnosticData,
            "previousregistration" => SectionKind::PreviousRegistration,
            "ieproxyconfigforcurrentuser" => SectionKind::IeProxyUser,
            "ieproxyconfigforsystemaccount" => SectionKind::IeProxySystem,
            "urlspecificproxyconfig" => SectionKind::UrlProxy,
            "winhttpdefaultproxyconfig" => SectionKind::WinHttpProxy,
            "ngcprerequisitecheck" | "ngcprerequisitescheck" => SectionKind::NgcPrerequisiteCheck,
            _ => match key.strip_prefix("workaccount") {
                Some(n)
                    if !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    SectionKind::WorkAccount(n.parse().unwrap_or(0))
                }
                _ => SectionKind::Unknown,
            },
        }
    }

    /// The section title as current builds print it.
    pub fn canonical_name(self) -> String {
        match self {
            SectionKind::DeviceState => "Device State".into(),
            SectionKind::DeviceDetails => "Device Details".into(),
            SectionKind::TenantDetails => "Tenant Details".into(),
            SectionKind::UserState => "User State".into(),
            SectionKind::SsoState => "SSO State".into(),
            SectionKind::DiagnosticData => "Diagnostic Data".into(),
            SectionKind::PreviousRegistration => "Previous Registration".into(),
            SectionKind::IeProxyUser => "IE Proxy Config for Current User".into(),
            SectionKind::IeProxySystem => "IE Proxy Config for System Account".into(),
            SectionKind::UrlProxy => "URL Specific Proxy Config".into(),
            SectionKind::WinHttpProxy => "WinHttp Default Proxy Config".into(),
            SectionKind::NgcPrerequisiteCheck => "Ngc Prerequisite Check".into(),
            SectionKind::WorkAccount(n) => format!("Work Account {n}"),
            SectionKind::Unknown => "Unknown".into(),
        }
    }

    /// A stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            SectionKind::DeviceState => "device-state",
            SectionKind::DeviceDetails => "device-details",
            SectionKind::TenantDetails => "tenant-details",
            SectionKind::UserState => "user-state",
            SectionKind::SsoState => "sso-state",
            SectionKind::DiagnosticData => "diagnostic-data",
            SectionKind::PreviousRegistration => "previous-registration",
            SectionKind::IeProxyUser => "ie-proxy-user",
            SectionKind::IeProxySystem => "ie-proxy-system",
            SectionKind::UrlProxy => "url-proxy",
            SectionKind::WinHttpProxy => "winhttp-proxy",
            SectionKind::NgcPrerequisiteCheck => "ngc-prerequisite-check",
            SectionKind::WorkAccount(_) => "work-account",
            SectionKind::Unknown => "unknown",
        }
    }
}

/// Which layout the capture is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Framed sections, Device Details and Tenant Details on their own
    /// (Windows 10 1803 and later).
    Current,
    /// Framed, but device and tenant fields under Device State, `Name: Value`
    /// (older Windows 10 builds).
    Legacy,
    /// Fields without any section title (a fragment pasted from a page or a
    /// chat).
    Fragment,
}

impl Layout {
    pub fn id(self) -> &'static str {
        match self {
            Layout::Current => "current",
            Layout::Legacy => "legacy",
            Layout::Fragment => "fragment",
        }
    }
}

/// One `Name : Value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name as printed (trimmed).
    pub name: String,
    /// The name without case and whitespace, for lookup (see [`normalize_key`]).
    pub key: String,
    /// The value as printed (trimmed; a console line wrap is joined back).
    pub value: String,
    /// 1-based line number in the input text.
    pub line: usize,
}

/// One section of a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The title as printed, or the canonical title when it was inferred.
    pub name: String,
    pub kind: SectionKind,
    /// `true` when the title was in the text; `false` when the section was
    /// inferred from its fields (a fragment).
    pub titled: bool,
    pub fields: Vec<Field>,
    /// Lines inside the section that are not fields (for example "Waiting
    /// for Diagnostics Task to complete…"), kept verbatim.
    pub notes: Vec<String>,
    /// 1-based line number of the title (or first field).
    pub line: usize,
}

impl Section {
    /// The first field with this key (compared as [`normalize_key`] does).
    pub fn get(&self, key: &str) -> Option<&Field> {
        let key = normalize_key(key);
        self.fields.iter().find(|f| f.key == key)
    }
}

/// One `dsregcmd /status` output found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub sections: Vec<Section>,
    pub layout: Layout,
    /// The closing "For more information, please visit …aadjerrors" line was
    /// present: the output was not cut short.
    pub footer: bool,
    /// 1-based line numbers of the first and last line that belong to it.
    pub first_line: usize,
    pub last_line: usize,
}

impl Capture {
    /// The first section of this kind.
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    pub fn has(&self, kind: SectionKind) -> bool {
        self.sections.iter().any(|s| s.kind == kind)
    }

    /// Looks a field up in its home section, then where other layouts put
    /// it: the old layout lists device, tenant and PRT fields under Device
    /// State and User State, and a fragment has no section titles at all.
    pub fn field<'a>(&'a self, kind: SectionKind, key: &str) -> Option<(&'a Section, &'a Field)> {
        let key = normalize_key(key);
        fn find<'s>(s: &'s Section, key: &str) -> Option<&'s Field> {
            s.fields.iter().find(|f| f.key == key)
        }
        let in_section = |s: &'a Section| find(s, &key);
        for s in self.sections.iter().filter(|s| s.kind == kind) {
            if let Some(f) = in_section(s) {
                return Some((s, f));
            }
        }
        let pair = match kind {
            SectionKind::DiagnosticData => Some(SectionKind::PreviousRegistration),
            SectionKind::PreviousRegistration => Some(SectionKind::DiagnosticData),
            _ => None,
        };
        if let Some(pair) = pair {
            for s in self.sections.iter().filter(|s| s.kind == pair) {
                if let Some(f) = in_section(s) {
                    return Some((s, f));
                }
            }
        }
        let home_matches = match home_of(&key) {
            Some(home) => home == kind,
            None => true,
        };
        let may_fall_back = home_matches
            && matches!(
                kind,
                SectionKind::DeviceState
                    | SectionKind::DeviceDetails
                    | SectionKind::TenantDetails
                    | SectionKind::UserState
                    | SectionKind::SsoState
                    | SectionKind::DiagnosticData
                    | SectionKind::PreviousRegistration
            );
        if !may_fall_back {
            return None;
        }
        let ambiguous = AMBIGUOUS_KEYS.contains(&key.as_str());
        for s in self.sections.iter().filter(|s| {
            matches!(
                s.kind,
                SectionKind::DeviceState | SectionKind::UserState | SectionKind::Unknown
            ) || (!s.titled && !ambiguous)
        }) {
            if let Some(f) = in_section(s) {
                return Some((s, f));
            }
        }
        None
    }
}

/// Keys printed in more than one section (`Server Error Code` in SSO State
/// and `Server ErrorCode` in Diagnostic Data, `OnPremTgt` in SSO State and
/// the NGC check, the key fields of Device Details and Work Account N):
/// never looked up outside their own section in a fragment.
const AMBIGUOUS_KEYS: &[&str] = &[
    "servererrorcode",
    "onpremtgt",
    "cloudtgt",
    "ngcset",
    "keyprovider",
    "tpmprotected",
    "keycontainerid",
    "devicecertificatevalidity",
];

/// Lower case, every whitespace character removed; known typos mapped to
/// the real name (`dmComplianceUrl` in one Microsoft sample).
pub fn normalize_key(name: &str) -> String {
    // Called for every line of every input: ASCII names (nearly all) skip
    // the Unicode tables and the buffer's regrowth.
    let mut key = String::with_capacity(name.len());
    if name.is_ascii() {
        key.extend(
            name.bytes()
                .filter(|&b| !(b as char).is_whitespace())
                .map(|b| b.to_ascii_lowercase() as char),
        );
    } else {
        key.extend(
            name.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase),
        );
    }
    match key.as_str() {
        "dmcomplianceurl" => "mdmcomplianceurl".into(),
        _ => key,
    }
}

/// The home section of every documented or observed field, by normalized key.
const KNOWN_FIELDS: &[(&str, SectionKind)] = {
    use SectionKind::*;
    &[
        ("azureadjoined", DeviceState),
        ("enterprisejoined", DeviceState),
        ("domainjoined", DeviceState),
        ("domainname", DeviceState),
        ("virtualdesktop", DeviceState),
        ("devicename", DeviceState),
        ("deviceid", DeviceDetails),
        ("thumbprint", DeviceDetails),
        ("devicecertificatevalidity", DeviceDetails),
        ("keycontainerid", DeviceDetails),
        ("keyprovider", DeviceDetails),
        ("tpmprotected", DeviceDetails),
        ("deviceauthstatus", DeviceDetails),
        ("tenantname", TenantDetails),
        ("tenantid", TenantDetails),
        ("idp", TenantDetails),
        ("authcodeurl", TenantDetails),
        ("accesstokenurl", TenantDetails),
        ("mdmurl", TenantDetails),
        ("mdmtouurl", TenantDetails),
        ("mdmcomplianceurl", TenantDetails),
        ("settingsurl", TenantDetails),
        ("joinsrvversion", TenantDetails),
        ("joinsrvurl", TenantDetails),
        ("joinsrvid", TenantDetails),
        ("keysrvversion", TenantDetails),
        ("keysrvurl", TenantDetails),
        ("keysrvid", TenantDetails),
        ("webauthnsrvversion", TenantDetails),
        ("webauthnsrvurl", TenantDetails),
        ("webauthnsrvid", TenantDetails),
        ("devicemanagementsrvver", TenantDetails),
        ("devicemanagementsrvurl", TenantDetails),
        ("devicemanagementsrvid", TenantDetails),
        ("ngcset", UserState),
        ("ngckeyid", UserState),
        ("canreset", UserState),
        ("workplacejoined", UserState),
        ("workaccountcount", UserState),
        ("wamdefaultset", UserState),
        ("wamdefaultauthority", UserState),
        ("wamdefaultid", UserState),
        ("wamdefaultguid", UserState),
        ("azureadprt", SsoState),
        ("azureadprtupdatetime", SsoState),
        ("azureadprtexpirytime", SsoState),
        ("azureadprtauthority", SsoState),
        ("enterpriseprt", SsoState),
        ("enterpriseprtupdatetime", SsoState),
        ("enterpriseprtexpirytime", SsoState),
        ("enterpriseprtauthority", SsoState),
        ("acquireprtdiagnostics", SsoState),
        ("refreshprtdiagnostics", SsoState),
        ("previousprtattempt", SsoState),
        ("attemptstatus", SsoState),
        ("useridentity", SsoState),
        ("credentialtype", SsoState),
        ("correlationid", SsoState),
        ("endpointuri", SsoState),
        ("httpmethod", SsoState),
        ("httperror", SsoState),
        ("httpstatus", SsoState),
        ("servererrordescription", SsoState),
        ("onpremtgt", SsoState),
        ("cloudtgt", SsoState),
        ("kerbtoplevelnames", SsoState),
        ("diagnosticsreference", DiagnosticData),
        ("usercontext", DiagnosticData),
        ("clienttime", DiagnosticData),
        ("adconnectivitytest", DiagnosticData),
        ("adconfigurationtest", DiagnosticData),
        ("drsdiscoverytest", DiagnosticData),
        ("drsconnectivitytest", DiagnosticData),
        ("kerberostickettest", DiagnosticData),
        ("tokenacquisitiontest", DiagnosticData),
        ("fallbacktosync-join", DiagnosticData),
        ("fallbacktofed-join", DiagnosticData),
        ("previousregistration", DiagnosticData),
        ("registrationtype", DiagnosticData),
        ("errorphase", DiagnosticData),
        ("clienterrorcode", DiagnosticData),
        ("servererrorcode", DiagnosticData),
        ("servermessage", DiagnosticData),
        ("httpsstatus", DiagnosticData),
        ("requestid", DiagnosticData),
        ("executingaccountname", DiagnosticData),
        ("aadrecoveryenabled", DiagnosticData),
        ("keysigntest", DiagnosticData),
        ("displaynameupdated", DiagnosticData),
        ("osversionupdated", DiagnosticData),
        ("hostnameupdated", DiagnosticData),
        ("lasthostnameupdate", DiagnosticData),
        ("autodetectsettings", IeProxyUser),
        ("auto-configurationurl", IeProxyUser),
        ("proxyserverlist", IeProxyUser),
        ("proxybypasslist", IeProxyUser),
        ("accesstype", WinHttpProxy),
        ("autodetectpacstatus", UrlProxy),
        ("ngcprereq", NgcPrerequisiteCheck),
        ("isdevicejoined", NgcPrerequisiteCheck),
        ("isuserazuread", NgcPrerequisiteCheck),
        ("policyenabled", NgcPrerequisiteCheck),
        ("postlogonenabled", NgcPrerequisiteCheck),
        ("deviceeligible", NgcPrerequisiteCheck),
        ("sessionisnotremote", NgcPrerequisiteCheck),
        ("certenrollment", NgcPrerequisiteCheck),
        ("adfsrefreshtoken", NgcPrerequisiteCheck),
        ("adfsraisready", NgcPrerequisiteCheck),
        ("logoncerttemplateready", NgcPrerequisiteCheck),
        ("prereqresult", NgcPrerequisiteCheck),
        ("workplacedeviceid", WorkAccount(0)),
        ("workplacethumbprint", WorkAccount(0)),
        ("workplacetenantid", WorkAccount(0)),
        ("workplacetenantname", WorkAccount(0)),
        ("workplacemdmurl", WorkAccount(0)),
        ("workplacesettingsurl", WorkAccount(0)),
    ]
};

/// The home section of a normalized field key, if it is a known field.
pub fn home_of(key: &str) -> Option<SectionKind> {
    KNOWN_FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, kind)| *kind)
}

pub fn is_known_key(key: &str) -> bool {
    home_of(key).is_some()
}

/// Known fields whose names other texts print too: Entra's error pages
/// ("Troubleshooting details": Request Id, Correlation Id, …), the sign-in
/// log's details (Device ID, Tenant ID), dialogs, HTTP and event logs. They
/// are read inside a capture, but they never make one: two `Correlation
/// ID:` lines, or an error page pasted twice, are not dsregcmd output.
const SHARED_KEYS: &[&str] = &[
    "requestid",
    "correlationid",
    "tenantid",
    "tenantname",
    "deviceid",
    "devicename",
    "domainname",
    "thumbprint",
    "idp",
    "mdmurl",
    "settingsurl",
    "useridentity",
    "credentialtype",
    "endpointuri",
    "httpmethod",
    "httperror",
    "httpstatus",
    "servererrorcode",
    "servererrordescription",
    "servermessage",
    "clienttime",
    "usercontext",
    "executingaccountname",
    "accesstype",
    "autodetectsettings",
    "proxyserverlist",
    "proxybypasslist",
    "auto-configurationurl",
];

/// A known field that only dsregcmd prints (see [`SHARED_KEYS`]).
fn is_distinctive_key(key: &str) -> bool {
    is_known_key(key) && !SHARED_KEYS.contains(&key)
}

/// How many different distinctive fields make text without any section
/// title a capture. Microsoft's fragments (the SSO State and Previous
/// Registration ones in tests/data/samples) hold five or more; the shortest
/// pastes in the corpus's train split hold two (`AzureAdPrt` with `Attempt
/// Status`, `WamDefaultSet` with `IsUserAzureAD`); one such name alone in a
/// text is a mention, not output.
const MIN_DISTINCTIVE_FIELDS: usize = 2;

/// How one line reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Blank,
    Rule,
    /// `| Title |`.
    Title(String),
    /// A known section title without the frame.
    BareTitle(String),
    Footer,
    Field {
        name: String,
        value: String,
        /// Column (in characters) of the separating colon.
        colon: usize,
        indented: bool,
    },
    Other {
        indented: bool,
    },
}

const MAX_NAME_CHARS: usize = 48;

/// Strips e-mail and Markdown quote markers (`> `) and a BOM.
fn strip_quote(line: &str) -> &str {
    let mut rest = line.trim_start_matches('\u{feff}');
    loop {
        let t = rest.trim_start();
        match t.strip_prefix('>') {
            Some(after) => rest = after,
            None => return rest,
        }
    }
}

fn is_rule(trimmed: &str) -> bool {
    let inner = trimmed.trim_matches('+');
    trimmed.chars().count() >= 10
        && !inner.is_empty()
        && inner
            .chars()
            .all(|c| c == '-' || c == '=' || c == '\u{2500}')
        && (trimmed.starts_with('+') || trimmed.chars().all(|c| c == '-' || c == '+'))
}

fn valid_name(name: &str) -> bool {
    let count = name.chars().count();
    if count == 0 || count > MAX_NAME_CHARS {
        return false;
    }
    if !name.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    if name.split_whitespace().count() > 6 {
        return false;
    }
    name.chars().all(|c| {
        c.is_alphanumeric() || c.is_whitespace() || matches!(c, '-' | '_' | '(' | ')' | '/' | '\'')
    })
}

/// Splits at the first `:` followed by whitespace or the end of the line, so
/// URLs, times and `AADSTS50126: …` stay in the value.
fn split_field(line: &str) -> Option<(String, String, usize)> {
    // Walked in place: a copy of the characters cost 16 bytes per byte of a
    // long line (a 50 MB one-line log took 800 MB here).
    let mut chars = line.char_indices().enumerate().peekable();
    while let Some((n, (byte, c))) = chars.next() {
        if c != ':' {
            continue;
        }
        let next = chars.peek().map(|&(_, (_, c))| c);
        if next.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let name = line.get(..byte)?.trim();
        if !valid_name(name) {
            return None;
        }
        let mut value = line.get(byte + 1..)?.trim();
        // The old layout prints `KeySignTest: : MUST Run elevated to test.`
        if let Some(rest) = value.strip_prefix(':') {
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                value = rest.trim();
            }
        }
        return Some((name.to_string(), value.to_string(), n));
    }
    None
}

fn is_footer(trimmed: &str) -> bool {
    // The footer is one short line; a long one is not lowercased whole.
    if trimmed.len() > 512 {
        return false;
    }
    // Compared in place: this runs on every line.
    let has = |needle: &[u8]| {
        trimmed
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    has(b"aadjerrors") && has(b"for more information")
}

fn classify(raw: &str) -> Line {
    let line = strip_quote(raw);
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    if is_rule(trimmed) {
        return Line::Rule;
    }
    if let Some(inner) = trimmed.strip_prefix('|') {
        let inner = inner.strip_suffix('|').unwrap_or(inner).trim();
        if !inner.is_empty()
            && !inner.contains('|')
            && !inner.contains(" : ")
            && inner.chars().count() <= 60
        {
            return Line::Title(inner.to_string());
        }
    }
    if is_footer(trimmed) {
        return Line::Footer;
    }
    let indented = line.starts_with(char::is_whitespace);
    if trimmed.len() <= 160
        && trimmed.chars().count() <= 40
        && SectionKind::from_name(trimmed) != SectionKind::Unknown
    {
        return Line::BareTitle(trimmed.to_string());
    }
    match split_field(line) {
        Some((name, value, colon)) => Line::Field {
            name,
            value,
            colon,
            indented,
        },
        // Its text is taken from the line when it is used: most such lines
        // are not, and a copy of each doubled the memory of a long line.
        None => Line::Other { indented },
    }
}

/// Splits text into lines on LF, CRLF, CR and repeated CR.
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in text.split('\n') {
        let part = part.trim_end_matches('\r');
        out.extend(part.split('\r'));
    }
    out
}

struct FieldB {
    field: Field,
    colon: usize,
}

struct SectionB {
    name: String,
    kind: SectionKind,
    titled: bool,
    fields: Vec<FieldB>,
    notes: Vec<String>,
    closed: bool,
    line: usize,
}

#[derive(Default)]
struct CaptureB {
    sections: Vec<SectionB>,
    footer: bool,
    first_line: usize,
    last_line: usize,
    /// Kept up to date as sections are filed, so that long inputs stay linear.
    names: HashSet<String>,
    kinds: HashSet<SectionKind>,
    columns: BTreeSet<usize>,
    /// The different distinctive fields (see [`is_distinctive_key`]).
    distinctive: HashSet<String>,
    has_fields: bool,
}

impl CaptureB {
    fn push(&mut self, s: SectionB) {
        self.names.insert(normalize_key(&s.name));
        if s.kind != SectionKind::Unknown {
            self.kinds.insert(s.kind);
        }
        for f in s.fields.iter().filter(|f| is_known_key(&f.field.key)) {
            self.columns.insert(f.colon);
            if is_distinctive_key(&f.field.key) {
                self.distinctive.insert(f.field.key.clone());
            }
        }
        self.has_fields |= !s.fields.is_empty();
        self.sections.push(s);
    }
}

/// The kind most of the known fields of an untitled run belong to.
fn infer_kind(fields: &[FieldB]) -> SectionKind {
    let mut counts: Vec<(SectionKind, usize)> = Vec::new();
    for f in fields {
        if let Some(home) = home_of(&f.field.key) {
            match counts.iter_mut().find(|(k, _)| *k == home) {
                Some((_, n)) => *n += 1,
                None => counts.push((home, 1)),
            }
        }
    }
    let mut best: Option<(SectionKind, usize)> = None;
    for (k, n) in counts {
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((k, n));
        }
    }
    match best.map(|(k, _)| k) {
        Some(SectionKind::WorkAccount(_)) => SectionKind::WorkAccount(1),
        Some(k) => k,
        None => SectionKind::Unknown,
    }
}

struct Parser<'t> {
    lines: Vec<&'t str>,
    classes: Vec<Line>,
    captures: Vec<Capture>,
    current: CaptureB,
    section: Option<SectionB>,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Parser<'t> {
        let lines = lines(text);
        let classes = lines.iter().map(|l| classify(l)).collect();
        Parser {
            lines,
            classes,
            captures: Vec::new(),
            current: CaptureB::default(),
            section: None,
        }
    }

    fn prev_significant(&self, before: usize) -> Option<&Line> {
        self.classes
            .iter()
            .take(before)
            .rev()
            .find(|c| !matches!(c, Line::Blank))
    }

    fn next_significant(&self, from: usize) -> Option<&Line> {
        self.classes
            .iter()
            .skip(from)
            .find(|c| !matches!(c, Line::Blank))
    }

    /// A bare title counts only when fields or a frame follow it.
    fn bare_title_ok(&self, i: usize) -> bool {
        matches!(
            self.next_significant(i + 1),
            Some(Line::Rule | Line::Field { .. })
        )
    }

    /// Ends the open section: checks an untitled run, trims prose picked up
    /// at the end of an unclosed section, and files it in the capture.
    fn finish_section(&mut self) {
        let Some(mut s) = self.section.take() else {
            return;
        };
        let mut columns = self.current.columns.clone();
        for f in s.fields.iter().filter(|f| is_known_key(&f.field.key)) {
            columns.insert(f.colon);
        }
        let stray = |f: &FieldB| !is_known_key(&f.field.key) && !columns.contains(&f.colon);
        if !s.titled {
            // One drain, not `remove(0)` per field: a long run of stray
            // `Key : value` lines made this quadratic.
            let leading = s.fields.iter().take_while(|f| stray(f)).count();
            s.fields.drain(..leading);
        }
        if !s.closed || !s.titled {
            while s.fields.last().is_some_and(stray) {
                s.fields.pop();
            }
        }
        if !s.titled {
            // Two different known fields, one of them dsregcmd's own: a
            // repeated `Correlation ID` line is not a section.
            let known: HashSet<&str> = s
                .fields
                .iter()
                .map(|f| f.field.key.as_str())
                .filter(|k| is_known_key(k))
                .collect();
            if known.len() < 2 || !known.iter().any(|k| is_distinctive_key(k)) {
                return;
            }
            s.kind = infer_kind(&s.fields);
            s.name = s.kind.canonical_name();
            if let Some(first) = s.fields.first() {
                s.line = first.field.line;
            }
            if s.kind != SectionKind::Unknown && self.current.kinds.contains(&s.kind) {
                self.flush();
            }
        }
        if s.fields.is_empty() && s.notes.is_empty() && !s.titled {
            return;
        }
        let last = s
            .fields
            .last()
            .map(|f| f.field.line)
            .unwrap_or(s.line)
            .max(s.line);
        if self.current.sections.is_empty() {
            self.current.first_line = s.line;
        }
        self.current.last_line = self.current.last_line.max(last);
        self.current.push(s);
    }

    /// Files the current capture if it is one: a section title of
    /// dsregcmd's with fields under it (`| Device State |`), or, without
    /// any, several different fields only dsregcmd prints.
    fn flush(&mut self) {
        let b = std::mem::take(&mut self.current);
        let titled_known = b
            .sections
            .iter()
            .any(|s| s.titled && s.kind != SectionKind::Unknown && !s.fields.is_empty());
        if b.sections.is_empty() || (!titled_known && b.distinctive.len() < MIN_DISTINCTIVE_FIELDS)
        {
            return;
        }
        let sections: Vec<Section> = b
            .sections
            .into_iter()
            .map(|s| Section {
                name: s.name,
                kind: s.kind,
                titled: s.titled,
                fields: s.fields.into_iter().map(|f| f.field).collect(),
                notes: s.notes,
                line: s.line,
            })
            .collect();
        let layout = layout_of(&sections);
        self.captures.push(Capture {
            sections,
            layout,
            footer: b.footer,
            first_line: b.first_line,
            last_line: b.last_line,
        });
    }

    fn open(&mut self, name: String, kind: SectionKind, titled: bool, line: usize) {
        self.finish_section();
        let repeated = titled
            && (self.current.names.contains(&normalize_key(&name))
                || (kind == SectionKind::DeviceState && self.current.has_fields));
        if repeated {
            self.flush();
        }
        self.section = Some(SectionB {
            name,
            kind,
            titled,
            fields: Vec::new(),
            notes: Vec::new(),
            closed: false,
            line,
        });
    }

    fn run(&mut self) -> Vec<Capture> {
        for i in 0..self.classes.len() {
            let line_no = i + 1;
            let class = self.classes.get(i).cloned().unwrap_or(Line::Blank);
            match class {
                Line::Blank => {}
                Line::Rule => {
                    if let Some(s) = &mut self.section {
                        if !s.fields.is_empty() || !s.titled {
                            s.closed = true;
                        }
                    }
                }
                Line::Title(name) => {
                    let kind = SectionKind::from_name(&name);
                    let framed = matches!(self.prev_significant(i), Some(Line::Rule))
                        || matches!(self.next_significant(i + 1), Some(Line::Rule));
                    if kind != SectionKind::Unknown || framed {
                        self.open(name, kind, true, line_no);
                    } else {
                        self.other(i, false, &name);
                    }
                }
                Line::BareTitle(name) => {
                    if self.bare_title_ok(i) {
                        let kind = SectionKind::from_name(&name);
                        self.open(name, kind, true, line_no);
                    } else {
                        self.other(i, false, &name);
                    }
                }
                Line::Footer => {
                    self.finish_section();
                    if !self.current.sections.is_empty() {
                        self.current.footer = true;
                        self.current.last_line = line_no;
                    }
                    self.flush();
                }
                Line::Field {
                    name,
                    value,
                    colon,
                    indented: _,
                } => {
                    let open = self.section.as_ref().is_some_and(|s| !s.closed);
                    if !open {
                        self.open(
                            SectionKind::Unknown.canonical_name(),
                            SectionKind::Unknown,
                            false,
                            line_no,
                        );
                    }
                    if let Some(s) = &mut self.section {
                        let key = normalize_key(&name);
                        s.fields.push(FieldB {
                            field: Field {
                                name,
                                key,
                                value,
                                line: line_no,
                            },
                            colon,
                        });
                    }
                }
                Line::Other { indented } => {
                    let text = strip_quote(self.lines[i]).trim();
                    self.other(i, indented, text)
                }
            }
        }
        self.finish_section();
        self.flush();
        std::mem::take(&mut self.captures)
    }

    /// A line that is neither a field nor a frame.
    fn other(&mut self, i: usize, indented: bool, text: &str) {
        let Some(s) = &self.section else {
            return;
        };
        if s.closed {
            self.finish_section();
            return;
        }
        // A console line wrap: the previous line was a long field line and
        // this one continues it at column 0.
        let prev_long = i > 0
            && matches!(self.classes.get(i - 1), Some(Line::Field { .. }))
            && self
                .lines
                .get(i - 1)
                .is_some_and(|l| l.trim_end().chars().count() >= 79);
        let follows = matches!(
            self.next_significant(i + 1),
            Some(Line::Field { .. } | Line::Rule | Line::Title(_) | Line::Footer)
        );
        if let Some(s) = &mut self.section {
            if prev_long && !indented {
                if let Some(last) = s.fields.last_mut() {
                    last.field.value.push_str(text);
                    return;
                }
            }
            if follows && s.titled {
                s.notes.push(text.to_string());
                return;
            }
        }
        self.finish_section();
    }
}

fn layout_of(sections: &[Section]) -> Layout {
    if sections.iter().all(|s| !s.titled) {
        return Layout::Fragment;
    }
    let lumped = sections.iter().any(|s| {
        s.kind == SectionKind::DeviceState
            && s.fields.iter().any(|f| {
                matches!(
                    home_of(&f.key),
                    Some(SectionKind::DeviceDetails | SectionKind::TenantDetails)
                )
            })
    }) || (sections.iter().any(|s| {
        s.kind == SectionKind::UserState && s.fields.iter().any(|f| f.key == "azureadprt")
    }) && !sections.iter().any(|s| s.kind == SectionKind::SsoState));
    if lumped {
        Layout::Legacy
    } else {
        Layout::Current
    }
}

/// Every `dsregcmd /status` output in `text`, in order. Empty when there is
/// none. Text that is not dsregcmd output around or between captures is
/// ignored; lines inside a section that are not fields are kept as notes.
pub fn parse(text: &str) -> Vec<Capture> {
    Parser::new(text).run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_first_colon_followed_by_space() {
        let (n, v, _) = split_field("  Server Error Description : AADSTS50126: Error").unwrap();
        assert_eq!(n, "Server Error Description");
        assert_eq!(v, "AADSTS50126: Error");
        let (n, v, _) = split_field("AuthCodeUrl : https://login.microsoftonline.com/x").unwrap();
        assert_eq!(n, "AuthCodeUrl");
        assert_eq!(v, "https://login.microsoftonline.com/x");
        let (n, v, _) = split_field("     KeySignTest: : MUST Run elevated to test.").unwrap();
        assert_eq!(n, "KeySignTest");
        assert_eq!(v, "MUST Run elevated to test.");
        let (n, v, _) = split_field("    MdmUrl :").unwrap();
        assert_eq!((n.as_str(), v.as_str()), ("MdmUrl", ""));
        assert!(split_field("PS C:\\WINDOWS\\system32> dsregcmd /status").is_none());
        assert!(split_field("sing WPAD. code: 0x80072f94").is_none());
    }

    #[test]
    fn keys_ignore_case_and_spaces() {
        assert_eq!(normalize_key("Previous Prt  Attempt"), "previousprtattempt");
        assert_eq!(normalize_key("AzureAdjoined"), "azureadjoined");
        assert_eq!(normalize_key("dmComplianceUrl"), "mdmcomplianceurl");
    }

    #[test]
    fn section_kinds() {
        assert_eq!(
            SectionKind::from_name("Work Account 2"),
            SectionKind::WorkAccount(2)
        );
        assert_eq!(SectionKind::from_name("SSO State"), SectionKind::SsoState);
        assert_eq!(
            SectionKind::from_name("Work Account x"),
            SectionKind::Unknown
        );
    }

    #[test]
    fn rules_and_titles() {
        assert_eq!(classify("+------------------+"), Line::Rule);
        assert_eq!(
            classify("| Device State     |"),
            Line::Title("Device State".into())
        );
        assert!(matches!(classify("| a | b |"), Line::Other { .. }));
        assert_eq!(
            classify("For more information, please visit https://www.microsoft.com/aadjerrors"),
            Line::Footer
        );
    }
}
