//! Turns readings into ranked interpretations: what the value is in each
//! numbering scheme that gives it a meaning, with its names, structure, layer
//! and a one-line reason. The Microsoft 365 sign-in meaning ranks first.

use crate::grammar::{CodeToken, Form, Reading};
use crate::layer::Layer;
use crate::names::{hresult_header_names, order_hresult_names, same_name};
use crate::structure::{
    aadsts_range, caa_facility, internet_error_layer, is_caa, is_internet_error, CaaLowWord,
    HResultFields, NtStatusFields,
};
use crate::tables::{self, CuratedCode, CuratedKind, NameKind};
use crate::text::{Message, Text};

/// The numbering scheme an interpretation reads the value in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    HResult,
    NtStatus,
    Caa,
    Win32,
    WinInet,
    WinHttp,
    Aadsts,
    Office,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::HResult => "hresult",
            Kind::NtStatus => "ntstatus",
            Kind::Caa => "caa",
            Kind::Win32 => "win32",
            Kind::WinInet => "wininet",
            Kind::WinHttp => "winhttp",
            Kind::Aadsts => "aadsts",
            Kind::Office => "office",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Kind::HResult => Text::new("HRESULT", "HRESULT"),
            Kind::NtStatus => Text::new("NTSTATUS", "NTSTATUS"),
            Kind::Caa => Text::new("ADAL/WAM (CAA) code", "ADAL/WAM (CAA) コード"),
            Kind::Win32 => Text::new("Win32 error", "Win32 エラー"),
            Kind::WinInet => Text::new("WinINet error", "WinINet エラー"),
            Kind::WinHttp => Text::new("WinHTTP error", "WinHTTP エラー"),
            Kind::Aadsts => Text::new(
                "Microsoft Entra ID (AADSTS) code",
                "Microsoft Entra ID (AADSTS) コード",
            ),
            Kind::Office => Text::new(
                "Office / Teams sign-in code",
                "Office / Teams のサインイン コード",
            ),
        }
    }
}

/// Where a name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The Windows headers, via the generated windows-sys table.
    Header { kind: NameKind, area: &'static str },
    /// The curated, cited table.
    Curated {
        family: &'static str,
        source: &'static str,
    },
    /// The Windows headers' name of the code carried inside this one: the Win32
    /// error `value` in an HRESULT_FROM_WIN32 value (see `crate::names`).
    Wrapped {
        kind: Kind,
        value: u32,
        area: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name {
    pub name: &'static str,
    pub origin: Origin,
}

/// A code carried inside another: the Win32 error in 0x8007xxxx, the NTSTATUS
/// in HRESULT_FROM_NT, the WinINet error in 0xCAA8xxxx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped {
    pub kind: Kind,
    pub value: u32,
    pub normalized: String,
    pub names: Vec<Name>,
}

/// The decoded fields of the value, by layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Structure {
    HResult {
        fields: HResultFields,
        facility_names: Vec<&'static str>,
        facility_note: Option<Text>,
        wraps: Vec<Wrapped>,
    },
    NtStatus {
        fields: NtStatusFields,
        facility_names: Vec<&'static str>,
    },
    Caa {
        fields: NtStatusFields,
        facility: Option<Text>,
        http_status: Option<u16>,
        wraps: Vec<Wrapped>,
    },
    /// A small code (Win32, WinINet, WinHTTP, Office), with its HRESULT form.
    Small { code: u32, as_hresult: Option<u32> },
    Aadsts {
        number: u32,
        range: &'static str,
        family: Text,
    },
}

/// Where the layer came from, from most to least specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerBasis {
    Curated,
    Name,
    Wrapped,
    Facility,
    Range,
}

/// One reading of a code, with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpretation {
    pub normalized: String,
    pub kind: Kind,
    pub value: u32,
    pub names: Vec<Name>,
    pub structure: Structure,
    pub layer: Option<Layer>,
    pub layer_basis: Option<LayerBasis>,
    /// The apps this meaning applies to (empty: everywhere).
    pub apps: Vec<&'static str>,
    pub family: Option<&'static str>,
    pub notes: Vec<Message>,
    pub sources: Vec<&'static str>,
    pub reason: Message,
    pub score: i32,
}

/// The result for one code in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub input: String,
    pub interpretations: Vec<Interpretation>,
    /// The sub-error of a pair `A/B`, when B is a different value.
    pub sub_error: Option<Box<Decoded>>,
    /// A pair whose halves are the same value printed two ways.
    pub same_value_pair: bool,
}

const M365_APPS: &[&str] = &[
    "outlook",
    "teams",
    "onedrive",
    "office",
    "word",
    "excel",
    "powerpoint",
    "edge",
    "company-portal",
    "windows",
    "azure-cli",
];

pub fn normalized_32(value: u32) -> String {
    format!("0x{value:08X}")
}

/// Decodes one token from the grammar, given app context.
pub fn decode(token: &CodeToken, apps: &[&str]) -> Decoded {
    let mut interpretations: Vec<Interpretation> = token
        .readings
        .iter()
        .flat_map(|r| interpret(*r, apps))
        .collect();
    rank(&mut interpretations);
    let (sub_error, same_value_pair) = match &token.sub {
        Some(sub) => {
            let same = sub
                .readings
                .iter()
                .any(|s| token.readings.iter().any(|r| r.value == s.value));
            if same {
                (None, true)
            } else {
                (Some(Box::new(decode(sub, apps))), false)
            }
        }
        None => (None, false),
    };
    Decoded {
        input: token.text.clone(),
        interpretations,
        sub_error,
        same_value_pair,
    }
}

/// Sorts most likely first and drops readings that only make noise next to a
/// plausible one (an unnamed decimal reading of `80090016`, say).
fn rank(list: &mut Vec<Interpretation>) {
    list.sort_by_key(|i| std::cmp::Reverse(i.score));
    let mut seen = Vec::new();
    list.retain(|i| {
        let key = (i.kind, i.normalized.clone(), i.family, i.apps.clone());
        if seen.contains(&key) {
            return false;
        }
        seen.push(key);
        true
    });
    if list.first().is_some_and(|best| best.score >= 40) {
        list.retain(|i| i.score >= 20);
    } else {
        list.truncate(1);
    }
}

fn interpret(reading: Reading, apps: &[&str]) -> Vec<Interpretation> {
    let mut out = match reading.form {
        Form::Aadsts => vec![aadsts(reading.value, 100)],
        _ if reading.value <= 0xFFFF => small(reading.value),
        _ => wide(reading.value),
    };
    if reading.form == Form::Unsigned && reading.value >= 10_000 {
        // AADSTS numbers appear without their prefix in JSON (`error_codes":[50126]`).
        if tables::aadsts(reading.value).is_some() {
            let mut i = aadsts(reading.value, 75);
            i.reason = prefix_reason(
                Message::new(
                    "A known AADSTS number written without its prefix.",
                    "接頭辞なしで書かれた既知の AADSTS 番号です。",
                ),
                i.reason,
            );
            out.push(i);
        }
    }
    for i in &mut out {
        if i.kind != Kind::Aadsts {
            form_adjust(i, reading);
        }
        if !apps.is_empty() && !i.apps.is_empty() {
            // The app that showed the code decides (FACILITY_ITF): its meaning wins.
            if i.apps.iter().any(|a| apps.contains(a)) {
                i.score += 60;
            } else {
                i.score -= 20;
            }
        }
    }
    out
}

fn form_adjust(i: &mut Interpretation, reading: Reading) {
    let n = &i.normalized;
    let form = match reading.form {
        Form::Unsigned if reading.value > 0xFFFF => Some(Message::new(
            format!("{} is the unsigned decimal form of {n}.", reading.value),
            format!("{} は {n} の符号なし 10 進表記です。", reading.value),
        )),
        Form::Signed => Some(Message::new(
            format!(
                "{} is the signed decimal form of {n}.",
                reading.value as i32
            ),
            format!("{} は {n} の符号付き 10 進表記です。", reading.value as i32),
        )),
        // Only small readings are shown in decimal; an HRESULT or NTSTATUS reading
        // of the same value keeps its hex form.
        Form::Hex if reading.value <= 0xFFFF && !n.starts_with("0x") => Some(Message::new(
            format!("0x{:X} is {n} in decimal.", reading.value),
            format!("0x{:X} は 10 進数で {n} です。", reading.value),
        )),
        _ => None,
    };
    if let Some(form) = form {
        i.reason = prefix_reason(form, i.reason.clone());
    }
    // A bare eight-digit number is hex far more often than decimal.
    if reading.form == Form::Unsigned
        && reading.value > 0xFFFF
        && i.names.is_empty()
        && i.family.is_none()
    {
        i.score -= 45;
    }
}

fn prefix_reason(first: Message, then: Message) -> Message {
    Message::new(
        format!("{} {}", first.en, then.en),
        format!("{}{}", first.ja, then.ja),
    )
}

fn header_names(value: u32, kind: NameKind) -> Vec<Name> {
    tables::win_names_of(value, kind)
        .map(|n| Name {
            name: n.name,
            origin: Origin::Header {
                kind: n.kind,
                area: n.area,
            },
        })
        .collect()
}

fn curated_names(rows: &[&CuratedCode]) -> Vec<Name> {
    let mut names = Vec::new();
    for row in rows {
        for &name in row.names {
            if !names.iter().any(|n: &Name| n.name == name) {
                names.push(Name {
                    name,
                    origin: Origin::Curated {
                        family: row.family,
                        source: row.source,
                    },
                });
            }
        }
    }
    names
}

fn merge_names(mut first: Vec<Name>, more: Vec<Name>) -> Vec<Name> {
    for n in more {
        if !first
            .iter()
            .any(|f| f.name.trim_start_matches('_') == n.name.trim_start_matches('_'))
        {
            first.push(n);
        }
    }
    first
}

/// Curated rows of one kind, grouped by (family, apps): each group is one meaning.
fn curated_groups(value: u32, kind: CuratedKind) -> Vec<Vec<&'static CuratedCode>> {
    let mut groups: Vec<Vec<&'static CuratedCode>> = Vec::new();
    for row in tables::curated(value).iter().filter(|r| r.kind == kind) {
        match groups
            .iter_mut()
            .find(|g| g[0].family == row.family && g[0].apps == row.apps)
        {
            Some(g) => g.push(row),
            None => groups.push(vec![row]),
        }
    }
    groups
}

fn base(kind: Kind, value: u32, normalized: String, structure: Structure) -> Interpretation {
    Interpretation {
        normalized,
        kind,
        value,
        names: Vec::new(),
        structure,
        layer: None,
        layer_basis: None,
        apps: Vec::new(),
        family: None,
        notes: Vec::new(),
        sources: Vec::new(),
        reason: Message::default(),
        score: 0,
    }
}

/// Applies a group of curated rows: names, then the context below.
fn apply_curated(i: &mut Interpretation, group: &[&'static CuratedCode]) {
    i.names = merge_names(curated_names(group), std::mem::take(&mut i.names));
    apply_curated_context(i, group);
}

/// Applies what a group of curated rows says besides names: layer, apps,
/// family, sources, and a score and reason for a curated meaning.
fn apply_curated_context(i: &mut Interpretation, group: &[&'static CuratedCode]) {
    if let Some(layer) = group.iter().find_map(|r| r.layer) {
        i.layer = Some(layer);
        i.layer_basis = Some(LayerBasis::Curated);
    }
    i.family = Some(group[0].family);
    i.apps = group[0].apps.to_vec();
    for row in group {
        if !i.sources.contains(&row.source) {
            i.sources.push(row.source);
        }
    }
    let m365 = i.apps.is_empty() || i.apps.iter().any(|a| M365_APPS.contains(a));
    i.score = if m365 { 90 } else { 40 };
    let apps = if i.apps.is_empty() {
        String::from("Microsoft 365")
    } else {
        i.apps.join(", ")
    };
    i.reason = Message::new(
        format!(
            "Listed in the project's cited table of {} codes ({apps}).",
            group[0].family
        ),
        format!(
            "本プロジェクトの出典付きの {} コード一覧に記載があります ({apps})。",
            group[0].family
        ),
    );
}

/// When no curated layer exists, the names often say what failed.
fn layer_from_names(names: &[Name]) -> Option<Layer> {
    const WORDS: &[(&str, Layer)] = &[
        ("PROXY", Layer::ProxyTls),
        ("CERT", Layer::ProxyTls),
        ("SECURE", Layer::ProxyTls),
        ("SSL", Layer::ProxyTls),
        ("TLS", Layer::ProxyTls),
        ("NAME_NOT_RESOLVED", Layer::Network),
        ("CANNOT_CONNECT", Layer::Network),
        // A timeout alone says nothing about the network (WAIT_TIMEOUT,
        // ERROR_SEM_TIMEOUT, bus, driver and Hyper-V timeouts): only the
        // names of network stacks' own timeouts do.
        ("INTERNET_TIMEOUT", Layer::Network),
        ("WINHTTP_TIMEOUT", Layer::Network),
        ("WININET_E_TIMEOUT", Layer::Network),
        ("WSAETIMEDOUT", Layer::Network),
        ("CONNECT_TIMEOUT", Layer::Network),
        ("DNS_TIMEOUT", Layer::Network),
        ("RECORD_TIMED_OUT", Layer::Network),
        ("STATUS_GATEWAY_TIMEOUT", Layer::Network),
        ("STATUS_REQUEST_TIMEOUT", Layer::Network),
        ("NETWORK", Layer::Network),
        ("CONNECTION", Layer::Network),
        ("TIME_SKEW", Layer::Clock),
        ("TIME_DIFFERENCE", Layer::Clock),
        ("CLOCK", Layer::Clock),
        ("PASSWORD", Layer::AccountState),
        ("LOCKED_OUT", Layer::AccountState),
        ("ACCOUNT_DISABLED", Layer::AccountState),
        ("ACCOUNT_EXPIRED", Layer::AccountState),
        ("LOGON_FAILURE", Layer::AccountState),
        ("WRONG_PASSWORD", Layer::AccountState),
        ("NO_SUCH_LOGON_SESSION", Layer::CredentialStore),
        ("KEYSET", Layer::Tpm),
        ("TPM", Layer::Tpm),
        ("TBS_", Layer::Tpm),
        ("NTE_", Layer::Tpm),
        ("MENROLL", Layer::DeviceRegistration),
        ("LICENSE", Layer::Licensing),
        // Software Licensing (slerror.h): product activation and its keys.
        ("SL_E_", Layer::Licensing),
    ];
    names.iter().find_map(|n| {
        WORDS
            .iter()
            .find(|(word, _)| n.name.contains(word))
            .map(|(_, layer)| *layer)
    })
}

fn set_layer(i: &mut Interpretation, layer: Option<Layer>, basis: LayerBasis) {
    if i.layer.is_none() {
        if let Some(layer) = layer {
            i.layer = Some(layer);
            i.layer_basis = Some(basis);
        }
    }
}

fn name_list(names: &[Name]) -> String {
    names.iter().map(|n| n.name).collect::<Vec<_>>().join(", ")
}

fn aadsts(number: u32, score: i32) -> Interpretation {
    let range = aadsts_range(number);
    let mut i = base(
        Kind::Aadsts,
        number,
        format!("AADSTS{number}"),
        Structure::Aadsts {
            number,
            range: range.pattern,
            family: range.title,
        },
    );
    i.score = score;
    match tables::aadsts(number) {
        Some(row) => {
            i.names = row
                .names
                .iter()
                .map(|&name| Name {
                    name,
                    origin: Origin::Curated {
                        family: "aadsts",
                        source: row.source,
                    },
                })
                .collect();
            i.sources.push(row.source);
            set_layer(&mut i, row.layer, LayerBasis::Curated);
            i.family = Some("aadsts");
            let shown = if i.names.is_empty() {
                String::from("a documented code")
            } else {
                name_list(&i.names)
            };
            let shown_ja = if i.names.is_empty() {
                String::from("記載のあるコード")
            } else {
                name_list(&i.names)
            };
            i.reason = Message::new(
                format!("Microsoft Entra ID's sign-in service returned it; Microsoft's error reference lists it as {shown}."),
                format!("Microsoft Entra ID のサインイン サービスが返したコードです。Microsoft のエラー リファレンスでは {shown_ja} です。"),
            );
        }
        None => {
            i.reason = Message::new(
                format!(
                    "Microsoft Entra ID's sign-in service returned it; the number is not in the bundled reference, so only its range ({}: {}) is known.",
                    range.pattern, range.title.en
                ),
                format!(
                    "Microsoft Entra ID のサインイン サービスが返したコードです。同梱のリファレンスにない番号のため、範囲 ({}: {}) のみ判明しています。",
                    range.pattern, range.title.ja
                ),
            );
        }
    }
    set_layer(&mut i, range.layer, LayerBasis::Range);
    i
}

/// Values up to 0xFFFF: Office dialog codes, WinINet/WinHTTP and Win32 errors.
fn small(code: u32) -> Vec<Interpretation> {
    let as_hresult = Some(0x8007_0000 | code).filter(|_| code != 0);
    let structure = Structure::Small { code, as_hresult };
    let mut out = Vec::new();
    for group in curated_groups(code, CuratedKind::Office) {
        let mut i = base(Kind::Office, code, code.to_string(), structure.clone());
        apply_curated(&mut i, &group);
        i.score += 5;
        i.reason = Message::new(
            format!("Office and Teams show this number in sign-in dialogs (for example “Something went wrong [{code}]”)."),
            format!("Office と Teams のサインイン画面に表示される番号です (例: “問題が発生しました [{code}]”)。"),
        );
        out.push(i);
    }
    let curated_win32 = curated_groups(code, CuratedKind::Win32);
    for (kind, name_kind, score, en, ja) in [
        (
            Kind::WinInet,
            NameKind::WinInet,
            68,
            "WinINet (the Internet API used by Office and the browser)",
            "WinINet (Office やブラウザーが使うインターネット API)",
        ),
        (
            Kind::WinHttp,
            NameKind::WinHttp,
            67,
            "WinHTTP (the HTTP API used by system services and the token broker)",
            "WinHTTP (システム サービスやトークン ブローカーが使う HTTP API)",
        ),
        (
            Kind::Win32,
            NameKind::Win32,
            60,
            "Win32 (the Windows system error space)",
            "Win32 (Windows のシステム エラー)",
        ),
    ] {
        let names = header_names(code, name_kind);
        let mut i = base(kind, code, code.to_string(), structure.clone());
        if names.is_empty() {
            // 12001–12192 belong to WinINet/WinHTTP; no Win32 reading besides them.
            let internet = out
                .iter()
                .any(|o: &Interpretation| matches!(o.kind, Kind::WinInet | Kind::WinHttp));
            if kind != Kind::Win32 || internet {
                continue;
            }
            i.score = if is_internet_error(code) { 10 } else { 20 };
            i.reason = Message::new(
                format!("Read as a Win32 error code, but no Windows header names {code}."),
                format!("Win32 エラー コードとして読みましたが、{code} に名前を付けている Windows ヘッダーはありません。"),
            );
        } else {
            i.score = score;
            i.reason = Message::new(
                format!("In {en}, {code} is {}.", name_list(&names)),
                format!("{ja} では {code} は {} です。", name_list(&names)),
            );
        }
        i.names = names;
        // Curated rows for small values name WinINet/WinHTTP or Win32 codes;
        // attach each to the interpretation whose names it shares.
        for group in &curated_win32 {
            let shares = group
                .iter()
                .any(|r| r.names.iter().any(|n| i.names.iter().any(|m| m.name == *n)));
            if shares || (kind == Kind::Win32 && i.names.is_empty()) {
                let reason = i.reason.clone();
                let score = i.score.max(60);
                if i.names.is_empty() {
                    apply_curated(&mut i, group);
                } else {
                    // Keep the names of this reading's own kind.
                    apply_curated_context(&mut i, group);
                }
                i.reason = reason;
                i.score = score + 2;
            }
        }
        if is_internet_error(code) && kind != Kind::Win32 {
            set_layer(&mut i, Some(internet_error_layer(code)), LayerBasis::Range);
        }
        let names = i.names.clone();
        set_layer(&mut i, layer_from_names(&names), LayerBasis::Name);
        out.push(i);
    }
    // Success and informational codes that the headers name with the same small
    // value (S_OK, S_FALSE, STATUS_REPARSE_OBJECT, DI_TRUNCATED), after the error.
    for mut i in hresult(code).into_iter().chain(ntstatus(code)) {
        if !i.names.is_empty() {
            i.score = 30;
            out.push(i);
        }
    }
    out
}

/// Values above 0xFFFF: CAA, HRESULT and NTSTATUS readings.
fn wide(value: u32) -> Vec<Interpretation> {
    let mut out = Vec::new();
    if is_caa(value) {
        out.extend(caa(value));
    }
    out.extend(hresult(value));
    out.extend(ntstatus(value));
    if out.is_empty() {
        // Every value gets its structure shown, even one that means nothing known.
        let mut i = hresult_base(value);
        i.score = 10;
        i.reason = Message::new(
            format!(
                "{} is not a failure code in any scheme m365doctor knows; shown as an HRESULT.",
                normalized_32(value)
            ),
            format!(
                "{} は既知のどの体系でも失敗コードではありません。HRESULT として表示します。",
                normalized_32(value)
            ),
        );
        out.push(i);
    }
    out
}

fn internet_wrapped(code: u32) -> Vec<Wrapped> {
    [NameKind::WinInet, NameKind::WinHttp]
        .into_iter()
        .map(|k| (k, header_names(code, k)))
        .filter(|(_, names)| !names.is_empty())
        .map(|(k, names)| Wrapped {
            kind: if k == NameKind::WinInet {
                Kind::WinInet
            } else {
                Kind::WinHttp
            },
            value: code,
            normalized: code.to_string(),
            names,
        })
        .collect()
}

fn caa(value: u32) -> Vec<Interpretation> {
    let fields = NtStatusFields::of(value);
    let facility = caa_facility(fields.facility);
    let low = u32::from(fields.code);
    let (http_status, wraps) = match facility.map(|f| f.low_word) {
        Some(CaaLowWord::HttpStatus) => (Some(fields.code), Vec::new()),
        Some(CaaLowWord::InternetError) if is_internet_error(low) => (None, internet_wrapped(low)),
        _ => (None, Vec::new()),
    };
    let structure = Structure::Caa {
        fields,
        facility: facility.map(|f| f.title),
        http_status,
        wraps: wraps.clone(),
    };
    let make = || {
        let mut i = base(Kind::Caa, value, normalized_32(value), structure.clone());
        i.score = 85;
        let (en, ja) = facility.map(|f| (f.title.en, f.title.ja)).unwrap_or((
            "a facility no public table describes",
            "公開された一覧にないファシリティ",
        ));
        i.reason = Message::new(
            format!("0xCAA… codes come from the ADAL/WAM authentication library; facility 0x{:03X} is {en}.", fields.facility),
            format!("0xCAA… は ADAL/WAM 認証ライブラリのコードです。ファシリティ 0x{:03X} は「{ja}」です。", fields.facility),
        );
        i
    };
    let mut out = Vec::new();
    for group in curated_groups(value, CuratedKind::Caa) {
        let mut i = make();
        let reason = i.reason.clone();
        apply_curated(&mut i, &group);
        i.reason = reason;
        i.score += 5;
        out.push(i);
    }
    if out.is_empty() {
        out.push(make());
    }
    for i in &mut out {
        if let Some(w) = wraps.first() {
            set_layer(i, Some(internet_error_layer(w.value)), LayerBasis::Wrapped);
        }
        set_layer(i, facility.map(|f| f.layer), LayerBasis::Facility);
    }
    out
}

fn hresult_base(value: u32) -> Interpretation {
    let fields = HResultFields::of(value);
    let mut facility_names = tables::hresult_facility_names(fields.facility);
    let facility_note = hresult_facility_note(fields.facility);
    if facility_names.is_empty() && fields.facility == 0x1C {
        facility_names.push("DSREG");
    }
    let mut wraps = Vec::new();
    if fields.nt_mapped == 1 {
        // HRESULT_FROM_NT sets the N bit on an NTSTATUS.
        let status = value & !0x1000_0000;
        wraps.push(Wrapped {
            kind: Kind::NtStatus,
            value: status,
            normalized: normalized_32(status),
            names: merge_names(
                header_names(status, NameKind::NtStatus),
                curated_names(&tables::curated(status).iter().collect::<Vec<_>>()),
            ),
        });
    } else if fields.facility == 7 && fields.severity == 1 {
        // HRESULT_FROM_WIN32: the low word is the Win32 error.
        let code = u32::from(fields.code);
        wraps.push(Wrapped {
            kind: Kind::Win32,
            value: code,
            normalized: code.to_string(),
            names: header_names(code, NameKind::Win32),
        });
        wraps.extend(internet_wrapped(code));
        // 12002 is named only as a WinINet/WinHTTP error; an empty Win32 line beside them is noise.
        if wraps.len() > 1 {
            wraps.retain(|w| !w.names.is_empty());
        }
    }
    let structure = Structure::HResult {
        fields,
        facility_names,
        facility_note,
        wraps,
    };
    base(Kind::HResult, value, normalized_32(value), structure)
}

fn hresult_facility_note(facility: u16) -> Option<Text> {
    match facility {
        4 => Some(Text::new(
            "FACILITY_ITF: the interface that returned the code defines its meaning, so the same value means different things in different apps. The app that showed it decides which meaning applies.",
            "FACILITY_ITF: コードを返したインターフェイスが意味を決めるため、同じ値でもアプリによって意味が異なります。どの意味になるかは、コードを表示したアプリで決まります。",
        )),
        0x18 => Some(Text::new(
            "Facility 0x18 is used by MDM enrollment (MENROLL) although the headers call it FACILITY_WINDOWS_CE.",
            "ファシリティ 0x18 はヘッダー上は FACILITY_WINDOWS_CE ですが、MDM 登録 (MENROLL) で使われています。",
        )),
        0x1C => Some(Text::new(
            "Facility 0x1C is used by device registration (DSREG); no header names it.",
            "ファシリティ 0x1C はデバイス登録 (DSREG) で使われています。名前を定義しているヘッダーはありません。",
        )),
        _ => None,
    }
}

fn facility_layer(value: u32) -> Option<Layer> {
    match HResultFields::of(value).facility {
        0x18 | 0x1C => Some(Layer::DeviceRegistration),
        0x28 | 0x29 => Some(Layer::Tpm),
        _ => None,
    }
}

fn hresult(value: u32) -> Vec<Interpretation> {
    let fields = HResultFields::of(value);
    let names = hresult_header_names(value);
    let groups = curated_groups(value, CuratedKind::HResult);
    if names.is_empty() && groups.is_empty() && !fields.is_failure() {
        return Vec::new();
    }
    let mut proto = hresult_base(value);
    let wraps = match &proto.structure {
        Structure::HResult { wraps, .. } => wraps.clone(),
        _ => Vec::new(),
    };
    proto.names = order_hresult_names(value, names.clone(), &wraps);
    proto.score = if proto.names.is_empty() { 50 } else { 70 };
    proto.reason = if let Some(Origin::Wrapped {
        kind, value: code, ..
    }) = proto.names.first().map(|n| n.origin)
    {
        let (label, all) = (kind.label(), name_list(&proto.names));
        let all_ja: Vec<&str> = proto.names.iter().map(|n| n.name).collect();
        let all_ja = all_ja.join("、");
        Message::new(
            format!(
                "Read as an HRESULT made from {} {code} by HRESULT_FROM_WIN32; its names are {all}.",
                label.en
            ),
            format!(
                "{} {code} を HRESULT_FROM_WIN32 で変換した HRESULT として読みました。名前は {all_ja} です。",
                label.ja
            ),
        )
    } else if names.is_empty() {
        Message::new(
            "Read as a failure HRESULT; no Windows header names this value.",
            "失敗を表す HRESULT として読みました。この値に名前を付けている Windows ヘッダーはありません。",
        )
    } else {
        Message::new(
            format!(
                "Read as an HRESULT; the Windows headers name it {}.",
                name_list(&names)
            ),
            format!(
                "HRESULT として読みました。Windows ヘッダーでの名前は {} です。",
                name_list(&names)
            ),
        )
    };
    if let Structure::HResult {
        facility_note: Some(note),
        ..
    } = &proto.structure
    {
        proto.notes.push((*note).into());
    }
    let mut out = Vec::new();
    for group in &groups {
        let mut i = proto.clone();
        if fields.facility == 4 && !group[0].apps.is_empty() {
            // FACILITY_ITF: other interfaces' header names are not this app's meaning.
            i.names.clear();
        }
        apply_curated(&mut i, group);
        out.push(i);
    }
    // The headers' names stay a reading of their own when no meaning shows them.
    let shown = |n: &Name| {
        out.iter()
            .any(|i| i.names.iter().any(|m| same_name(m.name, n.name)))
    };
    if out.is_empty() || !proto.names.iter().all(shown) {
        out.push(proto);
    }
    for i in &mut out {
        i.names = order_hresult_names(value, std::mem::take(&mut i.names), &wraps);
        if let Structure::HResult { wraps, .. } = &i.structure {
            let wrapped_layer = wraps.iter().find_map(|w| match w.kind {
                Kind::WinInet | Kind::WinHttp => Some(internet_error_layer(w.value)),
                _ => layer_from_names(&w.names),
            });
            set_layer(i, wrapped_layer, LayerBasis::Wrapped);
        }
        let names = i.names.clone();
        set_layer(i, layer_from_names(&names), LayerBasis::Name);
        set_layer(i, facility_layer(value), LayerBasis::Facility);
    }
    out
}

fn ntstatus(value: u32) -> Vec<Interpretation> {
    let fields = NtStatusFields::of(value);
    let names = header_names(value, NameKind::NtStatus);
    let groups = curated_groups(value, CuratedKind::NtStatus);
    let error_layout = fields.severity == 3 && fields.reserved == 0 && !is_caa(value);
    if names.is_empty() && groups.is_empty() && !error_layout {
        return Vec::new();
    }
    let structure = Structure::NtStatus {
        fields,
        facility_names: tables::ntstatus_facility_names(fields.facility),
    };
    let mut proto = base(Kind::NtStatus, value, normalized_32(value), structure);
    proto.names = names.clone();
    proto.score = if names.is_empty() { 45 } else { 70 };
    proto.reason = if names.is_empty() {
        Message::new(
            "Read as an NTSTATUS with error severity; no Windows header names this value.",
            "重大度がエラーの NTSTATUS として読みました。この値に名前を付けている Windows ヘッダーはありません。",
        )
    } else {
        Message::new(
            format!("Read as an NTSTATUS (as Windows logon and the PRT attempt report it): {}.", name_list(&names)),
            format!("NTSTATUS として読みました (Windows のログオンや PRT の取得結果で使われる形式): {}。", name_list(&names)),
        )
    };
    let mut out = Vec::new();
    for group in &groups {
        let mut i = proto.clone();
        let reason = if names.is_empty() {
            None
        } else {
            Some(i.reason.clone())
        };
        apply_curated(&mut i, group);
        if let Some(reason) = reason {
            i.reason = reason;
        }
        out.push(i);
    }
    if out.is_empty() {
        out.push(proto);
    }
    for i in &mut out {
        let names = i.names.clone();
        set_layer(i, layer_from_names(&names), LayerBasis::Name);
    }
    out
}
