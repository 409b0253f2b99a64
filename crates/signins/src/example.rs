//! A synthetic tenant's sign-in logs: the bundled example (`signins
//! --example`) and the benchmark's generator (`bench/signins.sh`). The
//! records follow the documented schemas (field names of Microsoft Graph's
//! `signIn`, diagnostic settings' envelope, the Log Analytics tables, the
//! admin center's CSV), with the usual mix: mostly non-interactive
//! sign-ins, interrupts for MFA and "stay signed in?", a long tail of
//! failure codes, expired sessions in the background, and planted
//! incidents: a password spray from one address across 30 accounts, a
//! brute force on one account, a smart-lockout burst, an MFA-fatigue
//! sequence ending in a success, a spike of device-compliance failures
//! after a new Conditional Access policy, a report-only policy that would
//! block, legacy IMAP sign-ins, device-code sign-ins and an application
//! whose client secret expired. Everything is deterministic (seeded).

use crate::event::{Event, Policy, Step};
use crate::spec::Kind;
use crate::time;
use std::borrow::Cow;
use std::io::{self, Write};

/// SplitMix64: small, fast, reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    fn pick<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|i| u64::from(i.1)).sum();
        let mut r = self.below(total);
        for (item, w) in items {
            if r < u64::from(*w) {
                return item;
            }
            r -= u64::from(*w);
        }
        &items[items.len() - 1].0
    }
    fn guid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// The shape a generated file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Diagnostic settings to a storage account: JSON lines with `properties`.
    Diagnostic,
    /// Event Hub capture: `{"records": [...]}` per line, 500 records each.
    EventHub,
    /// Graph beta pages `{"@odata.context", "value", "@odata.nextLink"}`, one per line.
    GraphPages,
    /// PowerShell collector output: pretty-printed arrays one after another.
    GraphArrays,
    /// The admin center's CSV download (interactive and non-interactive columns).
    PortalCsv,
    /// Log Analytics JSON export, one array with every table's rows.
    LogAnalyticsJson,
}

impl Shape {
    pub fn parse(s: &str) -> Option<Shape> {
        Some(match s {
            "diagnostic" | "diag" => Shape::Diagnostic,
            "event-hub" => Shape::EventHub,
            "graph-pages" => Shape::GraphPages,
            "graph-arrays" => Shape::GraphArrays,
            "portal-csv" => Shape::PortalCsv,
            "log-analytics-json" => Shape::LogAnalyticsJson,
            _ => return None,
        })
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub users: usize,
    pub days: i64,
    /// Sign-ins per user and day (interactive + non-interactive).
    pub per_user_day: u64,
    /// Unix seconds of the first hour.
    pub start: i64,
    pub incidents: bool,
    /// Conditional Access policies evaluated per user sign-in (size of records).
    pub policies: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 14,
            users: 120,
            days: 3,
            per_user_day: 40,
            start: time::parse("2026-03-02T00:00:00Z").unwrap_or(0),
            incidents: true,
            policies: 6,
        }
    }
}

const TENANT: &str = "7c2f1a5e-3b8d-4e61-9a0f-2d4c6b8e1f03";
const SPRAY_IP: &str = "198.51.100.23";
const BRUTE_IP: &str = "192.0.2.77";
const FATIGUE_IP: &str = "203.0.113.200";

struct App {
    name: &'static str,
    id: &'static str,
    resource: &'static str,
    interactive: u32,
    non_interactive: u32,
}

const APPS: &[App] = &[
    App {
        name: "Microsoft Teams",
        id: "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
        resource: "Microsoft Teams Services",
        interactive: 20,
        non_interactive: 30,
    },
    App {
        name: "Microsoft Office",
        id: "d3590ed6-52b3-4102-aeff-aad2292ab01c",
        resource: "Office 365 Exchange Online",
        interactive: 15,
        non_interactive: 20,
    },
    App {
        name: "OneDrive SyncEngine",
        id: "ab9b8c07-8f02-4f72-87fa-80105867a763",
        resource: "Office 365 SharePoint Online",
        interactive: 3,
        non_interactive: 15,
    },
    App {
        name: "Outlook Mobile",
        id: "27922004-5251-4030-b22d-91ecd9a37ea4",
        resource: "Office 365 Exchange Online",
        interactive: 6,
        non_interactive: 12,
    },
    App {
        name: "Microsoft Authentication Broker",
        id: "29d9ed98-a469-4536-ade2-f981bc1d605e",
        resource: "Microsoft Graph",
        interactive: 4,
        non_interactive: 8,
    },
    App {
        name: "Windows Sign In",
        id: "38aa3b87-a06d-4817-b275-7a316988d93b",
        resource: "Windows Azure Active Directory",
        interactive: 12,
        non_interactive: 6,
    },
    App {
        name: "Microsoft Edge",
        id: "ecd6b820-32c2-49b6-98a6-444530e5a77a",
        resource: "Microsoft Graph",
        interactive: 4,
        non_interactive: 5,
    },
    App {
        name: "Office 365 SharePoint Online",
        id: "00000003-0000-0ff1-ce00-000000000000",
        resource: "Office 365 SharePoint Online",
        interactive: 8,
        non_interactive: 3,
    },
    App {
        name: "Azure Portal",
        id: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
        resource: "Windows Azure Service Management API",
        interactive: 3,
        non_interactive: 1,
    },
    App {
        name: "Microsoft Intune Company Portal",
        id: "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223",
        resource: "Microsoft Intune",
        interactive: 2,
        non_interactive: 2,
    },
    App {
        name: "Contoso 勤怠管理",
        id: "5b2c1f0e-8a7d-4c3b-9e6f-0a1b2c3d4e5f",
        resource: "Contoso 勤怠管理",
        interactive: 3,
        non_interactive: 1,
    },
];

const OSES: &[((&str, &str), u32)] = &[
    (("Windows10", "Edge 122.0.0"), 50),
    (("Windows10", "Chrome 122.0.0"), 8),
    (("Ios", "Mobile Safari"), 15),
    (("Android", "Chrome Mobile 121.0.0"), 10),
    (("MacOs", "Safari 17.3"), 9),
    (("Windows10", "Rich Client 4.60.0.0"), 6),
    (("Linux", "Firefox 123.0"), 2),
];

const PLACES: &[((&str, &str, &str), u32)] = &[
    (("Tokyo", "Tokyo", "JP"), 48),
    (("Osaka", "Osaka", "JP"), 18),
    (("Fukuoka", "Fukuoka", "JP"), 6),
    (("Seattle", "Washington", "US"), 10),
    (("Singapore", "Singapore", "SG"), 6),
    (("Frankfurt am Main", "Hessen", "DE"), 4),
    (("Washington, D.C.", "District of Columbia", "US"), 3),
    (("London", "England", "GB"), 5),
];

/// Failure and interrupt codes of normal days, with weights: interrupts
/// first (MFA, "stay signed in?"), then the long tail.
const INTERACTIVE_PROBLEMS: &[((u32, &str), u32)] = &[
    ((50074, "Strong Authentication is required."), 300),
    ((50140, "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."), 250),
    ((50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access."), 120),
    ((50126, "Error validating credentials due to invalid username or password."), 90),
    ((50058, "Session information is not sufficient for single-sign-on."), 60),
    ((53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."), 40),
    ((50097, "Device authentication is required."), 35),
    ((65001, "The user or administrator has not consented to use the application."), 20),
    ((50105, "Your administrator has configured the application to block users unless they are specifically granted access."), 15),
    ((50072, "User needs to enroll for second factor authentication."), 14),
    ((53000, "Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant."), 12),
    ((50034, "The user account does not exist in the directory."), 10),
    ((500121, "Authentication failed during strong authentication request."), 10),
    ((16000, "Either multiple user identities are available for the current request or selected account is not supported for the scenario."), 8),
    ((50011, "The reply URL specified in the request does not match the reply URLs configured for the application."), 4),
    ((90072, "The account needs to be added as an external user in the tenant first."), 3),
    ((50020, "The user account from identity provider does not exist in tenant and cannot access the application."), 3),
    ((530032, "Blocked by security policy."), 2),
    ((50089, "Flow token expired - Authentication Failed."), 2),
    ((135011, "The device used during the authentication is disabled."), 1),
    ((9002313, "Invalid request. Request is malformed or invalid."), 1),
];

const NON_INTERACTIVE_PROBLEMS: &[((u32, &str), u32)] = &[
    ((70043, "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access."), 300),
    ((50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed."), 120),
    ((700082, "The refresh token has expired due to inactivity."), 100),
    ((50133, "Session is invalid due to expiration or recent password change."), 60),
    ((50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access."), 60),
    ((50126, "Error validating credentials due to invalid username or password."), 40),
    ((53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."), 30),
    ((50132, "The session is not valid due to password expiration or recent password change."), 20),
    ((65001, "The user or administrator has not consented to use the application."), 10),
    ((81010, "Seamless SSO failed because the user's Kerberos ticket has expired or is invalid."), 8),
    ((700084, "The refresh token was issued to a single page app, and therefore has a fixed, limited lifetime."), 5),
    ((50097, "Device authentication is required."), 5),
    ((7000112, "Application is disabled."), 1),
];

/// The generated tenant's Conditional Access policies.
const POLICIES: &[(&str, &str)] = &[
    (
        "b1a2c3d4-0001-4000-8000-000000000001",
        "Require MFA for admins",
    ),
    (
        "b1a2c3d4-0002-4000-8000-000000000002",
        "Block access from outside Japan, US, SG",
    ),
    (
        "b1a2c3d4-0003-4000-8000-000000000003",
        "Require MFA outside trusted locations",
    ),
    (
        "b1a2c3d4-0004-4000-8000-000000000004",
        "Block legacy authentication (report-only)",
    ),
    (
        "b1a2c3d4-0005-4000-8000-000000000005",
        "Require compliant device",
    ),
    (
        "b1a2c3d4-0006-4000-8000-000000000006",
        "Sign-in frequency 12 hours",
    ),
    (
        "b1a2c3d4-0007-4000-8000-000000000007",
        "Require approved client app on mobile",
    ),
    (
        "b1a2c3d4-0008-4000-8000-000000000008",
        "Block high user risk",
    ),
    (
        "b1a2c3d4-0009-4000-8000-000000000009",
        "Terms of use for guests",
    ),
    (
        "b1a2c3d4-0010-4000-8000-000000000010",
        "Require MFA to register security info",
    ),
    (
        "b1a2c3d4-0011-4000-8000-000000000011",
        "Block device code flow (report-only)",
    ),
    (
        "b1a2c3d4-0012-4000-8000-000000000012",
        "Session controls for unmanaged devices",
    ),
];
const POLICY_REQUIRE_COMPLIANT: usize = 4;
const POLICY_BLOCK_LEGACY_RO: usize = 3;

struct User {
    upn: String,
    name: String,
    id: String,
    os: usize,
    place: usize,
    ip: String,
    device: String,
    device_name: String,
}

/// The synthetic tenant and its generator.
pub struct Tenant {
    cfg: Config,
    users: Vec<User>,
}

const GIVEN: &[&str] = &[
    "akira", "yuki", "haruto", "sakura", "kenji", "mei", "taro", "hana", "ren", "aoi", "daniel",
    "emma", "lucas", "olivia", "noah", "mia",
];
const FAMILY: &[&str] = &[
    "sato",
    "suzuki",
    "takahashi",
    "tanaka",
    "watanabe",
    "ito",
    "yamamoto",
    "nakamura",
    "kobayashi",
    "kato",
    "smith",
    "brown",
    "miller",
    "wilson",
];
const GIVEN_JA: &[&str] = &[
    "明",
    "由紀",
    "陽翔",
    "さくら",
    "健二",
    "芽衣",
    "太郎",
    "花",
    "蓮",
    "葵",
    "ダニエル",
    "エマ",
    "ルーカス",
    "オリビア",
    "ノア",
    "ミア",
];
const FAMILY_JA: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "渡辺",
    "伊藤",
    "山本",
    "中村",
    "小林",
    "加藤",
    "スミス",
    "ブラウン",
    "ミラー",
    "ウィルソン",
];

impl Tenant {
    pub fn new(cfg: Config) -> Tenant {
        let mut rng = Rng::new(cfg.seed ^ 0x5eed);
        let users = (0..cfg.users.max(40))
            .map(|i| {
                let g = i % GIVEN.len();
                let f = (i / GIVEN.len()) % FAMILY.len();
                let n = i / (GIVEN.len() * FAMILY.len());
                let suffix = if n == 0 { String::new() } else { n.to_string() };
                let os = pick_index(&mut rng, OSES);
                let office = rng.below(4);
                User {
                    // Some exports keep the case users typed.
                    upn: if i % 23 == 5 {
                        format!(
                            "{}.{}{suffix}@Contoso.example",
                            cap(GIVEN[g]),
                            cap(FAMILY[f])
                        )
                    } else {
                        format!("{}.{}{suffix}@contoso.example", GIVEN[g], FAMILY[f])
                    },
                    name: if i % 3 == 0 {
                        format!("{} {}", FAMILY_JA[f], GIVEN_JA[g])
                    } else {
                        format!("{} {}", cap(GIVEN[g]), cap(FAMILY[f]))
                    },
                    id: rng.guid(),
                    os,
                    place: pick_index(&mut rng, PLACES),
                    ip: if rng.chance(700) {
                        format!("203.0.113.{}", 10 + office)
                    } else {
                        format!("198.18.{}.{}", rng.below(200), 1 + rng.below(250))
                    },
                    device: rng.guid(),
                    device_name: format!("CONTOSO-{:05}", 10_000 + i),
                }
            })
            .collect();
        Tenant { cfg, users }
    }

    fn user(&self, i: usize) -> &User {
        &self.users[i % self.users.len()]
    }

    /// Calls `f` with every event of the period, hour by hour.
    pub fn events(&self, mut f: impl FnMut(Event<'static>)) {
        let mut rng = Rng::new(self.cfg.seed);
        let hours = self.cfg.days * 24;
        let per_hour_total = self.cfg.users as u64 * self.cfg.per_user_day;
        for h in 0..hours {
            let hour_start = self.cfg.start + h * 3600;
            let local_hour = (h + 9) % 24; // Tokyo office hours shape the day.
            let weight = if (8..19).contains(&local_hour) { 3 } else { 1 };
            let n = per_hour_total * weight / (24 + 11 * 2);
            for _ in 0..n {
                let ui = rng.below(self.users.len() as u64) as usize;
                let t = hour_start + rng.below(3600) as i64;
                let interactive = rng.chance(120);
                f(self.background(&mut rng, ui, t, interactive, h));
            }
            // Applications and managed identities.
            for _ in 0..(per_hour_total / 200).max(2) {
                let t = hour_start + rng.below(3600) as i64;
                f(self.app_event(&mut rng, t, false));
            }
            if self.cfg.incidents {
                self.incidents(&mut rng, h, hour_start, &mut f);
            }
        }
    }

    fn base(&self, rng: &mut Rng, u: &User, t: i64, kind: Kind) -> Event<'static> {
        let app = pick_app(rng, kind == Kind::Interactive);
        let ((os, browser), (city, state, country)) = (OSES[u.os].0, PLACES[u.place].0);
        let mut e = Event {
            time: Some(t),
            kind,
            id: s(rng.guid()),
            correlation_id: s(rng.guid()),
            upn: s(u.upn.clone()),
            user_display: s(u.name.clone()),
            user_id: s(u.id.clone()),
            user_type: Cow::Borrowed("Member"),
            sp_id: Cow::Borrowed(""),
            sp_name: Cow::Borrowed(""),
            app: Cow::Borrowed(app.name),
            app_id: Cow::Borrowed(app.id),
            resource: Cow::Borrowed(app.resource),
            client_app: Cow::Borrowed(if browser.starts_with("Rich") || kind != Kind::Interactive {
                "Mobile Apps and Desktop clients"
            } else {
                "Browser"
            }),
            user_agent: Cow::Borrowed("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0"),
            os: Cow::Borrowed(os),
            browser: Cow::Borrowed(browser),
            trust_type: Cow::Borrowed(if os == "Windows10" { "Hybrid Azure AD joined" } else if os == "Ios" || os == "Android" { "Azure AD registered" } else { "" }),
            compliant: Some(os == "Windows10"),
            managed: Some(os == "Windows10"),
            device_id: s(if os == "Windows10" { u.device.clone() } else { String::new() }),
            device_name: s(if os == "Windows10" { u.device_name.clone() } else { String::new() }),
            country: Cow::Borrowed(country),
            state: Cow::Borrowed(state),
            city: Cow::Borrowed(city),
            ip: s(u.ip.clone()),
            asn: Cow::Borrowed(if u.ip.starts_with("203.") { "64501" } else { "64502" }),
            code: 0,
            failure_reason: Cow::Borrowed("Other."),
            additional_details: Cow::Borrowed(""),
            protocol: Cow::Borrowed("none"),
            transfer: Cow::Borrowed("none"),
            token_type: Cow::Borrowed(if kind == Kind::Interactive { "none" } else { "refreshToken" }),
            ca_status: Cow::Borrowed("success"),
            auth_requirement: Cow::Borrowed("singleFactorAuthentication"),
            mfa_result: Cow::Borrowed(""),
            policies: Vec::new(),
            steps: Vec::new(),
        };
        e.policies = (0..self.cfg.policies.min(POLICIES.len()))
            .map(|i| {
                policy(
                    i,
                    if i == POLICY_REQUIRE_COMPLIANT {
                        "notEnabled"
                    } else if i % 3 == 0 {
                        "success"
                    } else {
                        "notApplied"
                    },
                )
            })
            .collect();
        if kind == Kind::Interactive {
            e.steps.push(step(
                "Password",
                "Password in the cloud",
                "Correct password",
                true,
            ));
        }
        e
    }

    fn background(
        &self,
        rng: &mut Rng,
        ui: usize,
        t: i64,
        interactive: bool,
        hour: i64,
    ) -> Event<'static> {
        let u = self.user(ui);
        let kind = if interactive {
            Kind::Interactive
        } else {
            Kind::NonInteractive
        };
        let mut e = self.base(rng, u, t, kind);
        let problem_rate = if interactive { 190 } else { 45 };
        if rng.chance(problem_rate) {
            let (code, reason) = *rng.pick(if interactive {
                INTERACTIVE_PROBLEMS
            } else {
                NON_INTERACTIVE_PROBLEMS
            });
            e.code = code;
            e.failure_reason = Cow::Borrowed(reason);
            if code == 53003 {
                e.ca_status = Cow::Borrowed("failure");
                if let Some(p) = e.policies.get_mut(1) {
                    p.result = Cow::Borrowed("failure");
                }
            }
            if code == 500121 {
                e.additional_details =
                    Cow::Borrowed("MFA denied; user declined the authentication");
                e.steps.push(step(
                    "Mobile app notification",
                    "",
                    "MFA denied; user declined the authentication",
                    false,
                ));
            }
        } else if interactive && rng.chance(300) {
            e.auth_requirement = Cow::Borrowed("multiFactorAuthentication");
            e.steps.push(step(
                "Mobile app notification",
                "",
                "MFA successfully completed",
                true,
            ));
        }
        // After the new "Require compliant device" policy (day 2, 09:00 JST)
        // its result shows on every sign-in; on the first morning it refuses
        // unmanaged iPhones: the spike an admin has to explain.
        let policy_on = hour >= 24;
        if policy_on && self.cfg.policies > POLICY_REQUIRE_COMPLIANT {
            let ok = e.compliant == Some(true);
            if let Some(p) = e.policies.get_mut(POLICY_REQUIRE_COMPLIANT) {
                p.result = Cow::Borrowed(if ok { "success" } else { "notApplied" });
            }
        }
        e
    }

    fn app_event(&self, rng: &mut Rng, t: i64, expired: bool) -> Event<'static> {
        let managed = !expired && rng.chance(400);
        let (name, id) = if managed {
            (
                "contoso-func-invoices",
                "e4f1a2b3-5c6d-4e7f-8091-a2b3c4d5e6f7",
            )
        } else if expired {
            (
                "Contoso Payroll Sync",
                "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            )
        } else {
            (
                "Contoso Backup Agent",
                "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
            )
        };
        let mut e = Event {
            time: Some(t),
            kind: if managed {
                Kind::ManagedIdentity
            } else {
                Kind::ServicePrincipal
            },
            id: s(rng.guid()),
            correlation_id: s(rng.guid()),
            sp_id: Cow::Borrowed(id),
            sp_name: Cow::Borrowed(name),
            app: Cow::Borrowed(name),
            app_id: Cow::Borrowed(id),
            resource: Cow::Borrowed("Microsoft Graph"),
            ip: Cow::Borrowed(if managed { "" } else { "20.43.1.17" }),
            country: Cow::Borrowed("JP"),
            ca_status: Cow::Borrowed("notApplied"),
            failure_reason: Cow::Borrowed("Other."),
            ..Event::default()
        };
        if expired {
            e.code = 7000222;
            e.failure_reason =
                Cow::Borrowed("The provided client secret keys for app are expired.");
        }
        e
    }

    fn incidents(
        &self,
        rng: &mut Rng,
        h: i64,
        hour_start: i64,
        f: &mut impl FnMut(Event<'static>),
    ) {
        let users = self.users.len();
        let day = h / 24;
        let hour = h % 24;
        // An app whose secret expired on day 2 retries every five minutes.
        if day >= 1 {
            for m in 0..12 {
                f(self.app_event(rng, hour_start + m * 300 + 7, true));
            }
        }
        // Mail gateways still on IMAP, one of them with an old password.
        for k in 0..3 {
            let u = self.user(7 + k);
            let mut e = self.base(rng, u, hour_start + 1200 + k as i64 * 60, Kind::Interactive);
            e.client_app = Cow::Borrowed("IMAP4");
            e.app = Cow::Borrowed("Office 365 Exchange Online");
            e.protocol = Cow::Borrowed("ropc");
            e.user_agent = Cow::Borrowed("");
            e.os = Cow::Borrowed("");
            e.browser = Cow::Borrowed("");
            e.trust_type = Cow::Borrowed("");
            e.compliant = None;
            e.device_id = Cow::Borrowed("");
            e.device_name = Cow::Borrowed("");
            e.steps.clear();
            if let Some(p) = e.policies.get_mut(POLICY_BLOCK_LEGACY_RO) {
                p.result = Cow::Borrowed("reportOnlyFailure");
            }
            if k == 2 {
                e.code = 50126;
                e.failure_reason = Cow::Borrowed(
                    "Error validating credentials due to invalid username or password.",
                );
            }
            f(e);
        }
        // Device code sign-ins from an admin's CLI, once a day from abroad.
        if hour == 2 {
            for (k, ip, country) in [(0, "203.0.113.11", "JP"), (1, "45.76.0.9", "NL")] {
                let u = self.user(3);
                let mut e = self.base(rng, u, hour_start + 600 + k * 900, Kind::Interactive);
                e.app = Cow::Borrowed("Microsoft Azure CLI");
                e.protocol = Cow::Borrowed("deviceCode");
                e.transfer = Cow::Borrowed("deviceCodeFlow");
                e.ip = Cow::Borrowed(ip);
                e.country = Cow::Borrowed(country);
                f(e);
            }
        }
        if day != 1 {
            return;
        }
        match hour {
            // 03:10 UTC: password spray from one address across 30 accounts,
            // one or two tries each, then one account signs in from it.
            3 => {
                for k in 0..30u64 {
                    let u = self.user((k * 7 + 11) as usize % users);
                    let mut e = self.base(
                        rng,
                        u,
                        hour_start + 600 + (k * 23) as i64,
                        Kind::Interactive,
                    );
                    e.ip = Cow::Borrowed(SPRAY_IP);
                    e.asn = Cow::Borrowed("64500");
                    e.country = Cow::Borrowed("NL");
                    e.city = Cow::Borrowed("Amsterdam");
                    e.client_app = Cow::Borrowed("Other clients");
                    e.protocol = Cow::Borrowed("ropc");
                    e.app = Cow::Borrowed("Azure Active Directory PowerShell");
                    e.code = if k % 10 == 9 { 50053 } else { 50126 };
                    e.failure_reason = Cow::Borrowed(
                        "Error validating credentials due to invalid username or password.",
                    );
                    e.steps.clear();
                    f(e);
                }
                let u = self.user(11);
                let mut e = self.base(rng, u, hour_start + 2400, Kind::Interactive);
                e.ip = Cow::Borrowed(SPRAY_IP);
                e.country = Cow::Borrowed("NL");
                f(e);
            }
            // 05:00: brute force on one account; smart lockout follows.
            5 => {
                let u = self.user(2);
                for k in 0..40 {
                    let mut e = self.base(rng, u, hour_start + 60 + k * 40, Kind::Interactive);
                    e.ip = Cow::Borrowed(BRUTE_IP);
                    e.country = Cow::Borrowed("US");
                    e.code = 50126;
                    e.failure_reason = Cow::Borrowed(
                        "Error validating credentials due to invalid username or password.",
                    );
                    f(e);
                }
                for k in 0..8 {
                    let mut e = self.base(rng, u, hour_start + 1800 + k * 60, Kind::Interactive);
                    e.ip = Cow::Borrowed(BRUTE_IP);
                    e.code = 50053;
                    e.failure_reason = Cow::Borrowed("Account is locked because user tried to sign in too many times with an incorrect user ID or password.");
                    f(e);
                }
            }
            // 00:00-01:00 UTC (09:00 JST): the compliant-device policy is
            // enforced; unmanaged iPhones are refused.
            0 => {
                for k in 0..160u64 {
                    let u = self.user((k * 5 + 1) as usize % users);
                    let mut e = self.base(
                        rng,
                        u,
                        hour_start + (k * 21) as i64,
                        if k % 4 == 0 {
                            Kind::Interactive
                        } else {
                            Kind::NonInteractive
                        },
                    );
                    e.os = Cow::Borrowed(if k % 12 == 0 { "Android" } else { "Ios" });
                    e.browser = Cow::Borrowed("Mobile Safari");
                    e.trust_type = Cow::Borrowed("");
                    e.device_id = Cow::Borrowed("");
                    e.device_name = Cow::Borrowed("");
                    e.compliant = Some(false);
                    e.managed = Some(false);
                    e.code = 53000;
                    e.failure_reason = Cow::Borrowed("Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant.");
                    e.ca_status = Cow::Borrowed("failure");
                    if let Some(p) = e.policies.get_mut(POLICY_REQUIRE_COMPLIANT) {
                        p.result = Cow::Borrowed("failure");
                        p.grant_controls = vec![Cow::Borrowed("Require compliant device")];
                    }
                    f(e);
                }
            }
            // 07:00: MFA fatigue: twelve unanswered or denied pushes, then the user gives in.
            7 => {
                let u = self.user(4);
                for k in 0..12 {
                    let mut e = self.base(rng, u, hour_start + 120 + k * 35, Kind::Interactive);
                    e.ip = Cow::Borrowed(FATIGUE_IP);
                    e.code = 500121;
                    e.failure_reason = Cow::Borrowed(
                        "Authentication failed during strong authentication request.",
                    );
                    let detail = if k % 3 == 0 {
                        "MFA denied; user declined the authentication"
                    } else {
                        "MFA denied; user did not respond to mobile app notification"
                    };
                    e.additional_details = Cow::Borrowed(detail);
                    e.auth_requirement = Cow::Borrowed("multiFactorAuthentication");
                    e.steps
                        .push(step("Mobile app notification", "", detail, false));
                    f(e);
                }
                let mut e = self.base(rng, u, hour_start + 120 + 12 * 35 + 60, Kind::Interactive);
                e.ip = Cow::Borrowed(FATIGUE_IP);
                e.auth_requirement = Cow::Borrowed("multiFactorAuthentication");
                e.steps.push(step(
                    "Mobile app notification",
                    "",
                    "MFA successfully completed",
                    true,
                ));
                f(e);
            }
            // 09:00: a phone with an old password locks its owner out.
            9 => {
                let u = self.user(9);
                for k in 0..12 {
                    let mut e = self.base(rng, u, hour_start + k * 240, Kind::NonInteractive);
                    e.app = Cow::Borrowed("Outlook Mobile");
                    e.os = Cow::Borrowed("Ios");
                    e.code = 50053;
                    e.failure_reason = Cow::Borrowed("Account is locked because user tried to sign in too many times with an incorrect user ID or password.");
                    f(e);
                }
            }
            _ => {}
        }
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn s(v: String) -> Cow<'static, str> {
    Cow::Owned(v)
}

fn pick_index<T>(rng: &mut Rng, items: &[(T, u32)]) -> usize {
    let total: u64 = items.iter().map(|i| u64::from(i.1)).sum();
    let mut r = rng.below(total);
    for (i, (_, w)) in items.iter().enumerate() {
        if r < u64::from(*w) {
            return i;
        }
        r -= u64::from(*w);
    }
    items.len() - 1
}

fn pick_app(rng: &mut Rng, interactive: bool) -> &'static App {
    let total: u64 = APPS
        .iter()
        .map(|a| {
            u64::from(if interactive {
                a.interactive
            } else {
                a.non_interactive
            })
        })
        .sum();
    let mut r = rng.below(total);
    for a in APPS {
        let w = u64::from(if interactive {
            a.interactive
        } else {
            a.non_interactive
        });
        if r < w {
            return a;
        }
        r -= w;
    }
    &APPS[0]
}

fn policy(i: usize, result: &'static str) -> Policy<'static> {
    Policy {
        id: Cow::Borrowed(POLICIES[i].0),
        name: Cow::Borrowed(POLICIES[i].1),
        result: Cow::Borrowed(result),
        grant_controls: if i.is_multiple_of(2) {
            vec![Cow::Borrowed("Mfa")]
        } else {
            vec![Cow::Borrowed("Block")]
        },
    }
}

fn step(
    method: &'static str,
    detail: &'static str,
    result: &'static str,
    ok: bool,
) -> Step<'static> {
    Step {
        method: Cow::Borrowed(method),
        method_detail: Cow::Borrowed(detail),
        time: Cow::Borrowed(""),
        requirement: Cow::Borrowed(if method == "Password" {
            "Primary authentication"
        } else {
            "Multi-factor authentication"
        }),
        result_detail: Cow::Borrowed(result),
        succeeded: Some(ok),
    }
}

/// JSON string literal.
fn j(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn category(kind: Kind) -> &'static str {
    match kind {
        Kind::Interactive => "SignInLogs",
        Kind::NonInteractive => "NonInteractiveUserSignInLogs",
        Kind::ServicePrincipal => "ServicePrincipalSignInLogs",
        Kind::ManagedIdentity => "ManagedIdentitySignInLogs",
    }
}

fn iso_fraction(t: i64, id: &str) -> String {
    // Seven fractional digits, as the service writes them.
    let frac = id
        .bytes()
        .take(7)
        .map(|b| (b % 10 + b'0') as char)
        .collect::<String>();
    time::format(t).replace('Z', &format!(".{frac}Z"))
}

/// The Graph `signIn` object (beta: with `signInEventTypes` and the
/// authentication details) as JSON.
pub fn graph_json(e: &Event<'_>, beta: bool, out: &mut String) {
    use std::fmt::Write as _;
    let t = e.time.map(|t| iso_fraction(t, &e.id)).unwrap_or_default();
    let _ = write!(
        out,
        r#"{{"id":{},"createdDateTime":{},"userDisplayName":{},"userPrincipalName":{},"userId":{},"appId":{},"appDisplayName":{},"ipAddress":{},"clientAppUsed":{},"userAgent":{},"correlationId":{},"conditionalAccessStatus":{},"isInteractive":{},"resourceDisplayName":{},"resourceId":"00000003-0000-0000-c000-000000000000","resourceTenantId":"{TENANT}","homeTenantId":"{TENANT}","riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none","riskEventTypes_v2":[],"servicePrincipalId":{},"servicePrincipalName":{},"status":{{"errorCode":{},"failureReason":{},"additionalDetails":{}}},"deviceDetail":{{"deviceId":{},"displayName":{},"operatingSystem":{},"browser":{},"isCompliant":{},"isManaged":{},"trustType":{}}},"location":{{"city":{},"state":{},"countryOrRegion":{},"geoCoordinates":{{"altitude":null,"latitude":35.69,"longitude":139.69}}}},"appliedConditionalAccessPolicies":["#,
        j(&e.id),
        j(&t),
        j(&e.user_display),
        j(&e.upn),
        j(&e.user_id),
        j(&e.app_id),
        j(&e.app),
        j(&e.ip),
        j(&e.client_app),
        j(&e.user_agent),
        j(&e.correlation_id),
        j(&e.ca_status),
        e.kind == Kind::Interactive,
        j(&e.resource),
        j(&e.sp_id),
        j(&e.sp_name),
        e.code,
        j(&e.failure_reason),
        j(&e.additional_details),
        j(&e.device_id),
        j(&e.device_name),
        j(&e.os),
        j(&e.browser),
        e.compliant
            .map_or("null", |c| if c { "true" } else { "false" }),
        e.managed
            .map_or("null", |c| if c { "true" } else { "false" }),
        j(&e.trust_type),
        j(&e.city),
        j(&e.state),
        j(&e.country),
    );
    for (i, p) in e.policies.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let grants: Vec<String> = p.grant_controls.iter().map(|g| j(g)).collect();
        let _ = write!(
            out,
            r#"{{"id":{},"displayName":{},"enforcedGrantControls":[{}],"enforcedSessionControls":[],"result":{}"#,
            j(&p.id),
            j(&p.name),
            grants.join(","),
            j(&p.result)
        );
        if beta {
            out.push_str(
                r#","conditionsSatisfied":"application,users","conditionsNotSatisfied":"none""#,
            );
        }
        out.push('}');
    }
    out.push(']');
    if beta {
        let types = match e.kind {
            Kind::Interactive => "interactiveUser",
            Kind::NonInteractive => "nonInteractiveUser",
            Kind::ServicePrincipal => "servicePrincipal",
            Kind::ManagedIdentity => "managedIdentity",
        };
        let _ = write!(
            out,
            r#","signInEventTypes":["{types}"],"authenticationRequirement":{},"authenticationProtocol":{},"originalTransferMethod":{},"incomingTokenType":{},"autonomousSystemNumber":{},"userType":{},"tokenIssuerType":"AzureAD","crossTenantAccessType":"none","isTenantRestricted":false,"flaggedForReview":false,"processingTimeInMilliseconds":87,"uniqueTokenIdentifier":"c2lnbmluLXN5bnRoZXRpYy10b2tlbg","authenticationProcessingDetails":[{{"key":"Legacy TLS (TLS 1.0, 1.1, 3DES)","value":"False"}},{{"key":"Is CAE Token","value":"False"}}],"authenticationDetails":["#,
            j(&e.auth_requirement),
            j(&e.protocol),
            j(&e.transfer),
            j(&e.token_type),
            e.asn
                .parse::<u32>()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "null".into()),
            j(&e.user_type),
        );
        for (i, st) in e.steps.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                r#"{{"authenticationStepDateTime":{},"authenticationMethod":{},"authenticationMethodDetail":{},"succeeded":{},"authenticationStepResultDetail":{},"authenticationStepRequirement":{}}}"#,
                j(&t),
                j(&st.method),
                j(&st.method_detail),
                st.succeeded.unwrap_or(false),
                j(&st.result_detail),
                j(&st.requirement),
            );
        }
        out.push(']');
    }
    out.push('}');
}

/// A diagnostic-settings record (storage account or Event Hub).
pub fn diagnostic_json(e: &Event<'_>, out: &mut String) {
    use std::fmt::Write as _;
    let t = e
        .time
        .map(|t| iso_fraction(t, &e.correlation_id))
        .unwrap_or_default();
    let _ = write!(
        out,
        r#"{{"time":{},"resourceId":"/tenants/{TENANT}/providers/Microsoft.aadiam","operationName":"Sign-in activity","operationVersion":"1.0","category":"{}","tenantId":"{TENANT}","resultType":"{}","resultSignature":"{}","resultDescription":{},"durationMs":0,"callerIpAddress":{},"correlationId":{},"identity":{},"Level":4,"location":{},"properties":"#,
        j(&t),
        category(e.kind),
        e.code,
        if e.code == 0 { "SUCCESS" } else { "None" },
        j(&e.failure_reason),
        j(&e.ip),
        j(&e.correlation_id),
        j(if e.user_display.is_empty() {
            &e.sp_name
        } else {
            &e.user_display
        }),
        j(&e.country),
    );
    graph_json(e, true, out);
    // Fields only diagnostic settings carry.
    out.pop();
    let _ = write!(
        out,
        r#","appOwnerTenantId":"f8cdef31-a31e-4b4a-93e4-5f571e91255a","resourceOwnerTenantId":"f8cdef31-a31e-4b4a-93e4-5f571e91255a","appServicePrincipalId":null,"resourceServicePrincipalId":"3f8a2b1c-0d9e-4f7a-8b6c-5d4e3f2a1b0c","rngcStatus":0,"ssoExtensionVersion":"","signInTokenProtectionStatus":"none","tokenProtectionStatusDetails":{{"signInSessionStatus":"unbound","signInSessionStatusCode":1002}},"isThroughGlobalSecureAccess":false,"sessionLifetimePolicies":[],"authenticationRequirementPolicies":[],"networkLocationDetails":[],"managedServiceIdentity":{{"msiType":"none","associatedResourceId":"","federatedTokenId":"","federatedTokenIssuer":""}}}}}}"#
    );
}

/// The 56 columns of the admin center's interactive and non-interactive downloads.
pub const PORTAL_HEADER: &str = "Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username,User type,Cross tenant access type,Incoming token type,Authentication Protocol,Unique token identifier,Original transfer method,Client credential type,Token Protection - Sign In Session,Token Protection - Sign In Session StatusCode,Application,Application ID ,App owner tenant ID,Resource,Resource ID ,Resource tenant ID,Resource owner tenant ID,Home tenant ID,Home tenant name,IP address,Location,Status,Sign-in error code,Failure reason,Client app,Device ID,Browser,Operating System,Compliant,Managed,Join Type,Multifactor authentication result,Multifactor authentication auth method,Multifactor authentication auth detail,Authentication requirement,Sign-in identifier,Session ID,IP address (seen by resource),Through Global Secure Access,Global Secure Access IP address,Autonomous system  number,Flagged for review,Token issuer type,Incoming token type,Token issuer name,Latency,Conditional Access,Managed Identity type,Associated Resource Id,Federated Token Id,Federated Token Issuer";

fn csv_field(s: &str, out: &mut String) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// One row of the admin center's CSV download.
pub fn portal_csv_row(e: &Event<'_>, out: &mut String) {
    let t = e.time.map(time::format).unwrap_or_default();
    let status = match crate::spec::class_of(e.code) {
        crate::spec::Class::Success => "Success",
        crate::spec::Class::Interrupt => "Interrupted",
        crate::spec::Class::Failure => "Failure",
    };
    let location = format!("{}, {}, {}", e.city, e.state, e.country);
    let yes = |f: Option<bool>| match f {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "",
    };
    let mfa = e.steps.iter().find(|s| s.method != "Password");
    let code = if e.code == 0 {
        String::new()
    } else {
        e.code.to_string()
    };
    let fields: [&str; 57] = [
        &t,
        &e.id,
        &e.user_agent,
        &e.correlation_id,
        &e.user_id,
        &e.user_display,
        &e.upn,
        &e.user_type,
        "none",
        &e.token_type,
        &e.protocol,
        "",
        &e.transfer,
        "none",
        "",
        "",
        &e.app,
        &e.app_id,
        "",
        &e.resource,
        "",
        TENANT,
        "",
        TENANT,
        "",
        &e.ip,
        &location,
        status,
        &code,
        if e.code == 0 { "" } else { &e.failure_reason },
        &e.client_app,
        &e.device_id,
        &e.browser,
        &e.os,
        yes(e.compliant),
        yes(e.managed),
        &e.trust_type,
        mfa.map_or("", |s| &s.result_detail),
        mfa.map_or("", |s| &s.method),
        mfa.map_or("", |s| &s.method_detail),
        if e.auth_requirement == "multiFactorAuthentication" {
            "Multifactor authentication"
        } else {
            "Single-factor authentication"
        },
        &e.upn,
        "",
        "",
        "No",
        "",
        &e.asn,
        "No",
        "AzureAD",
        &e.token_type,
        "",
        "87",
        if e.ca_status == "failure" {
            "Failure"
        } else if e.ca_status == "success" {
            "Success"
        } else {
            "Not Applied"
        },
        "",
        "",
        "",
        "",
    ];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(f, out);
    }
    out.push_str("\r\n");
}

/// A Log Analytics row (as `az monitor log-analytics query` and the API
/// return it): PascalCase columns, `Type` naming the table, and the JSON
/// columns as text in the tables where they are strings.
pub fn log_analytics_json(e: &Event<'_>, out: &mut String) {
    use std::fmt::Write as _;
    let table = crate::spec::TABLES
        .iter()
        .find(|t| t.kind == e.kind)
        .expect("a table per kind");
    let t = e.time.map(time::format).unwrap_or_default();
    let mut status = String::new();
    let _ = write!(
        status,
        r#"{{"errorCode":{},"failureReason":{},"additionalDetails":{}}}"#,
        e.code,
        j(&e.failure_reason),
        j(&e.additional_details)
    );
    let device = format!(
        r#"{{"deviceId":{},"displayName":{},"operatingSystem":{},"browser":{},"isCompliant":{},"isManaged":{},"trustType":{}}}"#,
        j(&e.device_id),
        j(&e.device_name),
        j(&e.os),
        j(&e.browser),
        e.compliant
            .map_or("null", |c| if c { "true" } else { "false" }),
        e.managed
            .map_or("null", |c| if c { "true" } else { "false" }),
        j(&e.trust_type)
    );
    let location = format!(
        r#"{{"city":{},"state":{},"countryOrRegion":{}}}"#,
        j(&e.city),
        j(&e.state),
        j(&e.country)
    );
    let policies: Vec<String> = e
        .policies
        .iter()
        .map(|p| {
            format!(
                r#"{{"id":{},"displayName":{},"enforcedGrantControls":[{}],"enforcedSessionControls":[],"result":{},"conditionsSatisfied":3,"conditionsNotSatisfied":0}}"#,
                j(&p.id),
                j(&p.name),
                p.grant_controls.iter().map(|g| j(g)).collect::<Vec<_>>().join(","),
                j(&p.result)
            )
        })
        .collect();
    let policies = format!("[{}]", policies.join(","));
    let steps: Vec<String> = e
        .steps
        .iter()
        .map(|s| {
            format!(
                r#"{{"authenticationMethod":{},"authenticationMethodDetail":{},"succeeded":{},"authenticationStepResultDetail":{},"authenticationStepRequirement":{}}}"#,
                j(&s.method),
                j(&s.method_detail),
                s.succeeded.unwrap_or(false),
                j(&s.result_detail),
                j(&s.requirement)
            )
        })
        .collect();
    let steps = format!("[{}]", steps.join(","));
    let dynamic = |v: &str| {
        if table.dynamic_columns {
            v.to_string()
        } else {
            j(v)
        }
    };
    let _ = write!(
        out,
        r#"{{"TenantId":"{TENANT}","TimeGenerated":"{t}","CreatedDateTime":"{t}","Id":{},"CorrelationId":{},"ResultType":"{}","ResultDescription":{},"ResultSignature":"{}","IPAddress":{},"Location":{},"LocationDetails":{},"ResourceDisplayName":{},"ConditionalAccessStatus":{},"ConditionalAccessPolicies":{},"Category":"{}","Type":"{}","#,
        j(&e.id),
        j(&e.correlation_id),
        e.code,
        j(&e.failure_reason),
        if e.code == 0 { "SUCCESS" } else { "None" },
        j(&e.ip),
        j(&e.country),
        dynamic(&location),
        j(&e.resource),
        j(&e.ca_status),
        dynamic(&policies),
        category(e.kind),
        table.name,
    );
    if table.user {
        let _ = write!(
            out,
            r#""UserPrincipalName":{},"UserDisplayName":{},"UserId":{},"UserType":{},"AppDisplayName":{},"AppId":{},"ClientAppUsed":{},"UserAgent":{},"IsInteractive":{},"Status":{},"DeviceDetail":{},"AuthenticationDetails":{},"AuthenticationRequirement":{},"AuthenticationProtocol":{},"AutonomousSystemNumber":{},"IncomingTokenType":{}}}"#,
            j(&e.upn),
            j(&e.user_display),
            j(&e.user_id),
            j(&e.user_type),
            j(&e.app),
            j(&e.app_id),
            j(&e.client_app),
            j(&e.user_agent),
            e.kind == Kind::Interactive,
            dynamic(&status),
            dynamic(&device),
            j(&steps),
            j(&e.auth_requirement),
            j(&e.protocol),
            j(&e.asn),
            j(&e.token_type),
        );
    } else {
        let _ = write!(
            out,
            r#""ServicePrincipalId":{},"ServicePrincipalName":{},"AppId":{}}}"#,
            j(&e.sp_id),
            j(&e.sp_name),
            j(&e.app_id),
        );
    }
}

/// Writes the tenant's events in `shape`; stops after about `limit` bytes.
/// Returns the events and bytes written.
pub fn write(
    tenant: &Tenant,
    shape: Shape,
    w: &mut dyn Write,
    limit: Option<u64>,
) -> io::Result<(u64, u64)> {
    let mut written = 0u64;
    let mut events = 0u64;
    let mut line = String::with_capacity(8192);
    let mut err: Option<io::Error> = None;
    let mut in_group = 0usize;
    let mut page = 0u64;
    let group = match shape {
        Shape::EventHub => 500,
        Shape::GraphPages | Shape::GraphArrays => 1000,
        _ => usize::MAX,
    };
    let open = |line: &mut String, page: u64| {
        match shape {
        Shape::EventHub => line.push_str("{\"records\":["),
        Shape::GraphPages => line.push_str("{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns\",\"value\":["),
        Shape::GraphArrays => {
            if page > 0 {
                line.push_str("\r\n");
            }
            line.push_str("[\r\n")
        }
        _ => {}
    }
    };
    let close = |line: &mut String, page: u64| {
        match shape {
        Shape::EventHub => line.push_str("]}\n"),
        Shape::GraphPages => line.push_str(&format!(
            "],\"@odata.nextLink\":\"https://graph.microsoft.com/beta/auditLogs/signIns?$top=1000&$skiptoken=page{}\"}}\n",
            page + 1
        )),
        Shape::GraphArrays => line.push_str("\r\n]"),
        _ => {}
    }
    };
    match shape {
        Shape::PortalCsv => {
            line.push_str(PORTAL_HEADER);
            line.push_str("\r\n");
        }
        Shape::LogAnalyticsJson => line.push_str("[\n"),
        _ => {}
    }
    tenant.events(|e| {
        if err.is_some() || limit.is_some_and(|l| written >= l) {
            return;
        }
        match shape {
            Shape::Diagnostic => {
                diagnostic_json(&e, &mut line);
                line.push('\n');
            }
            Shape::EventHub | Shape::GraphPages | Shape::GraphArrays => {
                if in_group == 0 {
                    open(&mut line, page);
                } else {
                    line.push(',');
                    if shape == Shape::GraphArrays {
                        line.push_str("\r\n");
                    }
                }
                if shape == Shape::EventHub {
                    diagnostic_json(&e, &mut line);
                } else {
                    graph_json(&e, true, &mut line);
                }
                in_group += 1;
                if in_group == group {
                    close(&mut line, page);
                    in_group = 0;
                    page += 1;
                }
            }
            Shape::PortalCsv => {
                if matches!(e.kind, Kind::Interactive | Kind::NonInteractive) {
                    portal_csv_row(&e, &mut line);
                } else {
                    return;
                }
            }
            Shape::LogAnalyticsJson => {
                if events > 0 {
                    line.push_str(",\n");
                }
                log_analytics_json(&e, &mut line);
            }
        }
        events += 1;
        if let Err(x) = w.write_all(line.as_bytes()) {
            err = Some(x);
        }
        written += line.len() as u64;
        line.clear();
    });
    if let Some(e) = err {
        return Err(e);
    }
    if in_group > 0 {
        close(&mut line, page);
    }
    if shape == Shape::LogAnalyticsJson {
        line.push_str("\n]\n");
    }
    w.write_all(line.as_bytes())?;
    written += line.len() as u64;
    Ok((events, written))
}

/// The bundled example: three days of a 120-person tenant as diagnostic
/// settings would store them, in memory.
pub fn bundled() -> Vec<crate::Source> {
    let tenant = Tenant::new(Config::default());
    let mut diag = Vec::new();
    let _ = write(&tenant, Shape::Diagnostic, &mut diag, None);
    vec![crate::Source::Memory {
        name: "example: insights-logs-signinlogs/…/PT1H.json (synthetic tenant contoso.example)"
            .into(),
        bytes: diag.into(),
    }]
}
