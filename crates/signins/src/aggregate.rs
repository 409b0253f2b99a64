//! The streaming aggregation: one pass over the events, every analysis at
//! once, in memory that grows with distinct users, apps, addresses and
//! time windows with failures, not with the number of events. Each worker
//! thread fills its own [`Agg`]; they are merged at the end.
//!
//! Distinct counts are exact: users, apps and addresses are kept as 64-bit
//! hashes (seeded, so every run counts the same), and names only for what a
//! report can show (failing principals, failing addresses, apps, …).

use crate::event::Event;
use crate::spec::{self, Class, Kind, Pred, Thresholds};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// Hashes of already-hashed keys need no second hashing.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

pub type Set = HashSet<u64, BuildHasherDefault<IdHasher>>;
pub type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;
pub type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

fn map<K, V>() -> Map<K, V> {
    HashMap::with_hasher(foldhash::fast::FixedState::with_seed(SEED))
}

const SEED: u64 = 0x6d33_3635_646f_6374;

/// The 64-bit hash every count uses.
pub fn hash(s: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(SEED).hash_one(s.as_bytes())
}

/// The principal as the analyses count it: a UPN lower-cased (as KQL's
/// `tolower(UserPrincipalName)`), an object id or service principal as is.
pub fn principal_key(e: &Event<'_>) -> String {
    let p = e.principal();
    if e.principal_is_upn() {
        p.to_lowercase()
    } else {
        p.to_string()
    }
}

fn principal_hash(e: &Event<'_>) -> u64 {
    let p = e.principal();
    if e.principal_is_upn() && p.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        hash(&p.to_lowercase())
    } else {
        hash(p)
    }
}

/// Window lengths and the like, in seconds, from the thresholds.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub spray_window: i64,
    pub brute_window: i64,
    pub lockout_window: i64,
    pub mfa_window: i64,
    pub spike_bucket: i64,
}

impl Params {
    pub fn new(t: &Thresholds) -> Params {
        Params {
            spray_window: t.minutes("spray-window-minutes"),
            brute_window: t.minutes("brute-window-minutes"),
            lockout_window: t.minutes("lockout-window-minutes"),
            mfa_window: t.minutes("mfa-window-minutes"),
            spike_bucket: t.minutes("spike-bucket-minutes"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub events: u64,
    pub successes: u64,
    pub failures: u64,
    pub interrupts: u64,
    pub by_kind: [u64; 4],
    /// Distinct user principals (interactive and non-interactive sign-ins).
    pub users: Set,
    /// Distinct service principals and managed identities.
    pub service_principals: Set,
    pub failing_principals: Set,
    pub interrupted_principals: Set,
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub without_time: u64,
}

#[derive(Debug, Clone, Default)]
pub struct CodeAgg {
    pub events: u64,
    pub by_kind: [u64; 4],
    pub users: Set,
    pub apps: Set,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// Failure reasons as the logs word them (first few distinct).
    pub reasons: Map<u64, (String, u64)>,
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub events: u64,
    pub users: Set,
}

#[derive(Debug, Clone, Default)]
pub struct PolicyAgg {
    pub id: String,
    pub name: String,
    pub events: u64,
    pub users: Set,
    pub apps: Set,
}

/// Events of one key in one time window.
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub events: u64,
    /// Users (spray) or addresses (brute force, lockout, MFA).
    pub members: Set,
    pub first: i64,
    pub last: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub events: u64,
    pub successes: u64,
    pub users: Set,
    pub ips: Set,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct PrincipalAgg {
    pub kind: Option<Kind>,
    pub failures: u64,
    pub interrupts: u64,
    pub codes: Map<u32, u64>,
    pub apps: Set,
    pub last: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct DeviceAgg {
    pub failures: u64,
    pub users: Set,
    pub codes: Map<u32, u64>,
    pub os: String,
    pub last: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct Agg {
    pub totals: Totals,
    pub codes: Map<u32, CodeAgg>,
    /// (code, dimension index, value hash).
    pub breakdown: Map<(u32, u8, u64), Cell>,
    /// (policy hash, index in `POLICY_IMPACT_RESULTS`).
    pub policies: Map<(u64, u8), PolicyAgg>,
    /// Failures per (code, bucket start).
    pub series: Map<(u32, i64), u64>,
    /// Failures per (app hash, bucket start).
    pub app_series: Map<(u64, i64), u64>,
    pub spray: Map<(u64, i64), Window>,
    pub brute: Map<(u64, i64), Window>,
    pub lockout: Map<(u64, i64), Window>,
    pub mfa: Map<(u64, i64), Window>,
    /// Latest interactive success per (principal, MFA window).
    pub mfa_success: Map<(u64, i64), i64>,
    /// Latest success per address and per principal.
    /// Latest success per (principal, address): did a brute force get in?
    /// The latest per address and per principal are derived from it.
    pub user_ip_success: Map<(u64, u64), i64>,
    pub legacy: Map<u64, Usage>,
    pub device_code: Map<u64, Usage>,
    pub principals: IdMap<PrincipalAgg>,
    pub devices: IdMap<DeviceAgg>,
    /// Display names of hashed values that a report can show.
    pub names: IdMap<Box<str>>,
}

fn min_t(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_t(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl Agg {
    pub fn new() -> Agg {
        Agg {
            codes: map(),
            breakdown: map(),
            policies: map(),
            series: map(),
            app_series: map(),
            spray: map(),
            brute: map(),
            lockout: map(),
            mfa: map(),
            mfa_success: map(),
            user_ip_success: map(),
            legacy: map(),
            device_code: map(),
            ..Agg::default()
        }
    }

    fn name(&mut self, h: u64, s: &str) {
        self.names.entry(h).or_insert_with(|| s.into());
    }

    /// Counts one event in every analysis.
    pub fn add(&mut self, e: &Event<'_>, p: &Params) {
        let class = e.class();
        let kind = e.kind;
        let principal = principal_hash(e);
        let t = &mut self.totals;
        t.events += 1;
        t.by_kind[kind.index()] += 1;
        match kind {
            Kind::Interactive | Kind::NonInteractive => t.users.insert(principal),
            _ => t.service_principals.insert(principal),
        };
        match e.time {
            Some(ts) => {
                t.first = min_t(t.first, Some(ts));
                t.last = max_t(t.last, Some(ts));
            }
            None => t.without_time += 1,
        }
        match class {
            Class::Success => t.successes += 1,
            Class::Failure => {
                t.failures += 1;
                t.failing_principals.insert(principal);
            }
            Class::Interrupt => {
                t.interrupts += 1;
                t.interrupted_principals.insert(principal);
            }
        }

        let ip = hash(&e.ip);
        if class == Class::Success {
            if let Some(ts) = e.time {
                let v = self.user_ip_success.entry((principal, ip)).or_insert(ts);
                *v = (*v).max(ts);
                if e.interactive() {
                    let w = crate::time::bin(ts, p.mfa_window);
                    let v = self.mfa_success.entry((principal, w)).or_insert(ts);
                    *v = (*v).max(ts);
                }
            }
        }

        let app = spec::app_of(e);
        let app_h = hash(app);
        if class != Class::Success {
            self.add_code(e, class, principal, app, app_h, p);
        }
        self.add_policies(e, principal, app_h);
        if let Some(ts) = e.time {
            self.add_windows(e, ts, principal, ip, p);
        }
        for (pred, table) in [(spec::LEGACY, 0u8), (spec::DEVICE_CODE, 1u8)] {
            if pred.eval(e) {
                let key_text: &str = if table == 0 { &e.client_app } else { app };
                let key = hash(key_text);
                self.name(key, key_text);
                let u = if table == 0 {
                    self.legacy.entry(key).or_default()
                } else {
                    self.device_code.entry(key).or_default()
                };
                u.events += 1;
                u.successes += u64::from(class == Class::Success);
                u.users.insert(principal);
                u.ips.insert(ip);
                u.first = min_t(u.first, e.time);
                u.last = max_t(u.last, e.time);
                let pk = principal_key(e);
                self.name(principal, &pk);
                self.name(ip, &e.ip);
            }
        }
    }

    fn add_code(
        &mut self,
        e: &Event<'_>,
        class: Class,
        principal: u64,
        app: &str,
        app_h: u64,
        p: &Params,
    ) {
        let c = self.codes.entry(e.code).or_default();
        c.events += 1;
        c.by_kind[e.kind.index()] += 1;
        c.users.insert(principal);
        c.apps.insert(app_h);
        c.first = min_t(c.first, e.time);
        c.last = max_t(c.last, e.time);
        if !e.failure_reason.is_empty() && c.reasons.len() < 8 {
            let rh = hash(&e.failure_reason);
            c.reasons
                .entry(rh)
                .or_insert_with(|| (e.failure_reason.to_string(), 0))
                .1 += 1;
        } else if !e.failure_reason.is_empty() {
            if let Some(r) = c.reasons.get_mut(&hash(&e.failure_reason)) {
                r.1 += 1;
            }
        }
        for (i, d) in spec::DIMENSIONS.iter().enumerate() {
            if d.key == spec::POLICY_DIMENSION {
                for pol in &e.policies {
                    if spec::POLICY_BLOCKING_RESULTS.contains(&pol.result.as_ref()) {
                        let h = hash(&pol.name);
                        self.name(h, &pol.name);
                        let cell = self.breakdown.entry((e.code, i as u8, h)).or_default();
                        cell.events += 1;
                        cell.users.insert(principal);
                    }
                }
                continue;
            }
            let v = spec::dimension_value(e, d.key);
            let h = hash(v);
            self.name(h, v);
            let cell = self.breakdown.entry((e.code, i as u8, h)).or_default();
            cell.events += 1;
            cell.users.insert(principal);
        }
        // Applications are shown by name, users by UPN.
        if matches!(e.kind, Kind::ServicePrincipal | Kind::ManagedIdentity) && !e.sp_name.is_empty()
        {
            self.name(principal, &e.sp_name);
        } else {
            let pk = principal_key(e);
            self.name(principal, &pk);
        }
        self.name(app_h, app);
        let pa = self.principals.entry(principal).or_default();
        pa.kind = Some(e.kind);
        match class {
            Class::Failure => pa.failures += 1,
            _ => pa.interrupts += 1,
        }
        *pa.codes.entry(e.code).or_insert(0) += 1;
        pa.apps.insert(app_h);
        pa.last = max_t(pa.last, e.time);
        if class == Class::Failure {
            let dev = if e.device_id.is_empty() {
                &e.device_name
            } else {
                &e.device_id
            };
            if !dev.is_empty() {
                let dh = hash(dev);
                let label = if e.device_name.is_empty() {
                    dev.as_ref()
                } else {
                    e.device_name.as_ref()
                };
                self.name(dh, label);
                let d = self.devices.entry(dh).or_default();
                d.failures += 1;
                d.users.insert(principal);
                *d.codes.entry(e.code).or_insert(0) += 1;
                if d.os.is_empty() {
                    d.os = e.os.to_string();
                }
                d.last = max_t(d.last, e.time);
            }
            if let Some(ts) = e.time {
                let b = crate::time::bin(ts, p.spike_bucket);
                *self.series.entry((e.code, b)).or_insert(0) += 1;
                *self.app_series.entry((app_h, b)).or_insert(0) += 1;
            }
        }
    }

    fn add_policies(&mut self, e: &Event<'_>, principal: u64, app_h: u64) {
        for pol in &e.policies {
            let Some(ri) = spec::POLICY_IMPACT_RESULTS
                .iter()
                .position(|r| *r == pol.result.as_ref())
            else {
                continue;
            };
            let key = if pol.id.is_empty() {
                hash(&pol.name)
            } else {
                hash(&pol.id)
            };
            let pa = self.policies.entry((key, ri as u8)).or_default();
            if pa.id.is_empty() {
                pa.id = pol.id.to_string();
                pa.name = pol.name.to_string();
            }
            pa.events += 1;
            pa.users.insert(principal);
            pa.apps.insert(app_h);
        }
    }

    fn add_windows(&mut self, e: &Event<'_>, ts: i64, principal: u64, ip: u64, p: &Params) {
        let bump = |m: &mut Map<(u64, i64), Window>, key: u64, width: i64, member: u64| {
            let w = m
                .entry((key, crate::time::bin(ts, width)))
                .or_insert_with(|| Window {
                    first: ts,
                    last: ts,
                    ..Window::default()
                });
            w.events += 1;
            w.members.insert(member);
            w.first = w.first.min(ts);
            w.last = w.last.max(ts);
        };
        let mut named = false;
        for (pred, which) in [
            (spec::SPRAY, 0),
            (spec::BRUTE_FORCE, 1),
            (spec::LOCKOUT, 2),
            (spec::MFA_DENIED, 3),
        ] {
            if !Pred::eval(&pred, e) {
                continue;
            }
            match which {
                0 => bump(&mut self.spray, ip, p.spray_window, principal),
                1 => bump(&mut self.brute, principal, p.brute_window, ip),
                2 => bump(&mut self.lockout, principal, p.lockout_window, ip),
                _ => bump(&mut self.mfa, principal, p.mfa_window, ip),
            }
            named = true;
        }
        if named {
            let pk = principal_key(e);
            self.name(principal, &pk);
            self.name(ip, &e.ip);
        }
    }

    /// Adds the counts of the records after these (the next piece of
    /// work): what keeps the first value seen keeps this one's, what keeps
    /// the last takes `o`'s, as one pass over both would.
    pub fn merge(&mut self, o: Agg) {
        let t = &mut self.totals;
        let ot = o.totals;
        t.events += ot.events;
        t.successes += ot.successes;
        t.failures += ot.failures;
        t.interrupts += ot.interrupts;
        for i in 0..4 {
            t.by_kind[i] += ot.by_kind[i];
        }
        t.users.extend(ot.users);
        t.service_principals.extend(ot.service_principals);
        t.failing_principals.extend(ot.failing_principals);
        t.interrupted_principals.extend(ot.interrupted_principals);
        t.first = min_t(t.first, ot.first);
        t.last = max_t(t.last, ot.last);
        t.without_time += ot.without_time;

        for (k, v) in o.codes {
            let c = self.codes.entry(k).or_default();
            c.events += v.events;
            for i in 0..4 {
                c.by_kind[i] += v.by_kind[i];
            }
            c.users.extend(v.users);
            c.apps.extend(v.apps);
            c.first = min_t(c.first, v.first);
            c.last = max_t(c.last, v.last);
            for (rh, (text, n)) in v.reasons {
                if let Some(r) = c.reasons.get_mut(&rh) {
                    r.1 += n;
                } else if c.reasons.len() < 8 {
                    c.reasons.insert(rh, (text, n));
                }
            }
        }
        for (k, v) in o.breakdown {
            let c = self.breakdown.entry(k).or_default();
            c.events += v.events;
            c.users.extend(v.users);
        }
        for (k, v) in o.policies {
            let c = self.policies.entry(k).or_default();
            if c.id.is_empty() && c.name.is_empty() {
                c.id = v.id;
                c.name = v.name;
            }
            c.events += v.events;
            c.users.extend(v.users);
            c.apps.extend(v.apps);
        }
        for (k, v) in o.series {
            *self.series.entry(k).or_insert(0) += v;
        }
        for (k, v) in o.app_series {
            *self.app_series.entry(k).or_insert(0) += v;
        }
        for (mine, theirs) in [
            (&mut self.spray, o.spray),
            (&mut self.brute, o.brute),
            (&mut self.lockout, o.lockout),
            (&mut self.mfa, o.mfa),
        ] {
            for (k, v) in theirs {
                match mine.get_mut(&k) {
                    Some(w) => {
                        w.events += v.events;
                        w.members.extend(v.members);
                        w.first = w.first.min(v.first);
                        w.last = w.last.max(v.last);
                    }
                    None => {
                        mine.insert(k, v);
                    }
                }
            }
        }
        for (k, v) in o.mfa_success {
            let e = self.mfa_success.entry(k).or_insert(v);
            *e = (*e).max(v);
        }
        for (k, v) in o.user_ip_success {
            let e = self.user_ip_success.entry(k).or_insert(v);
            *e = (*e).max(v);
        }
        for (mine, theirs) in [
            (&mut self.legacy, o.legacy),
            (&mut self.device_code, o.device_code),
        ] {
            for (k, v) in theirs {
                let u = mine.entry(k).or_default();
                u.events += v.events;
                u.successes += v.successes;
                u.users.extend(v.users);
                u.ips.extend(v.ips);
                u.first = min_t(u.first, v.first);
                u.last = max_t(u.last, v.last);
            }
        }
        for (k, v) in o.principals {
            let p = self.principals.entry(k).or_default();
            // The kind of the principal's last sign-in, as one pass counts it.
            p.kind = v.kind.or(p.kind);
            p.failures += v.failures;
            p.interrupts += v.interrupts;
            for (c, n) in v.codes {
                *p.codes.entry(c).or_insert(0) += n;
            }
            p.apps.extend(v.apps);
            p.last = max_t(p.last, v.last);
        }
        for (k, v) in o.devices {
            let d = self.devices.entry(k).or_default();
            d.failures += v.failures;
            d.users.extend(v.users);
            for (c, n) in v.codes {
                *d.codes.entry(c).or_insert(0) += n;
            }
            if d.os.is_empty() {
                d.os = v.os;
            }
            d.last = max_t(d.last, v.last);
        }
        for (k, v) in o.names {
            self.names.entry(k).or_insert(v);
        }
    }

    /// The latest success per address and per principal.
    pub fn latest_successes(&self) -> (IdMap<i64>, IdMap<i64>) {
        let mut by_ip: IdMap<i64> = IdMap::default();
        let mut by_user: IdMap<i64> = IdMap::default();
        for ((user, ip), t) in &self.user_ip_success {
            let e = by_ip.entry(*ip).or_insert(*t);
            *e = (*e).max(*t);
            let e = by_user.entry(*user).or_insert(*t);
            *e = (*e).max(*t);
        }
        (by_ip, by_user)
    }

    pub fn name_of(&self, h: u64) -> &str {
        self.names.get(&h).map(|s| s.as_ref()).unwrap_or("")
    }
}
