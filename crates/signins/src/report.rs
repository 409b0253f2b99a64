//! From counts to findings: rankings, breakdowns, Conditional Access impact,
//! spikes and attack patterns, each explained by the knowledge base. The
//! [`Report`] is what every renderer (terminal, JSON, HTML, CSV) shows.

use crate::aggregate::{Agg, Set, Window};
use crate::input::InputStats;
use crate::kb::{self, KbInfo};
use crate::spec::{self, Kind, Thresholds};
use m365doctor_kb::Kb;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub inputs: Vec<InputStats>,
    pub totals: Totals,
    pub failures: Vec<CodeRow>,
    pub interrupts: Vec<CodeRow>,
    pub conditional_access: Vec<PolicyRow>,
    pub spikes: Vec<Spike>,
    pub app_spikes: Vec<Spike>,
    pub attacks: Vec<Attack>,
    pub worst_users: Vec<PrincipalRow>,
    pub service_principals: Vec<PrincipalRow>,
    pub devices: Vec<DeviceRow>,
    pub stale_sessions: Stale,
    pub not_in_kb: Vec<u32>,
    /// Failures per bucket of the top codes, for charts (bucket start, count).
    pub series: Vec<Series>,
    pub bucket: i64,
    pub thresholds: Thresholds,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub events: u64,
    pub successes: u64,
    pub failures: u64,
    pub interrupts: u64,
    pub users: u64,
    pub service_principals: u64,
    pub failing_users: u64,
    pub by_kind: [u64; 4],
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub without_time: u64,
    pub duplicates: u64,
    pub unreadable: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopValue {
    pub name: String,
    pub events: u64,
    pub users: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeRow {
    pub code: u32,
    pub events: u64,
    pub users: u64,
    pub apps: u64,
    /// Of the principals with at least one failure (or interrupt, for interrupts).
    pub share_of_failing_users: f64,
    pub by_kind: [u64; 4],
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// The failure reason as the logs word it most often.
    pub reason: String,
    pub kb: Option<KbInfo>,
    /// Per dimension key (`apps`, `os`, …), the values with most events.
    pub top: Vec<(&'static str, Vec<TopValue>)>,
    pub stale_session: bool,
}

impl CodeRow {
    pub fn label(&self) -> String {
        format!("AADSTS{}", self.code)
    }

    pub fn interactive(&self) -> u64 {
        self.by_kind[Kind::Interactive.index()]
    }

    pub fn non_interactive(&self) -> u64 {
        self.events - self.interactive()
    }

    pub fn top_of(&self, key: &str) -> &[TopValue] {
        self.top
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRow {
    pub policy_id: String,
    pub policy: String,
    pub result: String,
    pub events: u64,
    pub users: u64,
    pub apps: u64,
    pub report_only: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spike {
    pub code: Option<u32>,
    pub app: Option<String>,
    pub start: i64,
    pub end: i64,
    pub events: u64,
    pub baseline: f64,
    pub score: f64,
    pub new: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_without_materialising() {
        assert_eq!(sparse_median(&[], 0), 0.0);
        assert_eq!(sparse_median(&[5], 1), 5.0);
        assert_eq!(sparse_median(&[3, 9], 5), 0.0);
        assert_eq!(sparse_median(&[1, 2, 3], 4), 1.5);
        assert_eq!(median_with_repeats(&[0, 10, 20], 4, 2), 4.0);
        assert_eq!(median_with_repeats(&[1, 1, 9, 9], 5, 1), 5.0);
        // A hundred years of hours is no problem.
        assert_eq!(sparse_median(&[7; 10], 876_600), 0.0);
        let spikes = detect(&[(0, 1), (3600, 50)], 876_600, 0, 3600, 20, 6.0, Some(0));
        assert_eq!(spikes.len(), 1);
        assert_eq!((spikes[0].0, spikes[0].1, spikes[0].2), (3600, 7200, 50));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AttackKind {
    PasswordSpray,
    BruteForce,
    Lockout,
    MfaFatigue,
    LegacyAuth,
    DeviceCode,
}

impl AttackKind {
    pub fn key(self) -> &'static str {
        match self {
            AttackKind::PasswordSpray => "password-spray",
            AttackKind::BruteForce => "brute-force",
            AttackKind::Lockout => "lockout",
            AttackKind::MfaFatigue => "mfa-fatigue",
            AttackKind::LegacyAuth => "legacy-auth",
            AttackKind::DeviceCode => "device-code",
        }
    }

    pub fn label(self) -> spec::Bi {
        match self {
            AttackKind::PasswordSpray => spec::Bi {
                en: "password spray",
                ja: "パスワード スプレー",
            },
            AttackKind::BruteForce => spec::Bi {
                en: "brute force on one account",
                ja: "1 アカウントへの総当たり攻撃",
            },
            AttackKind::Lockout => spec::Bi {
                en: "smart lockout burst",
                ja: "スマート ロックアウトの集中",
            },
            AttackKind::MfaFatigue => spec::Bi {
                en: "MFA fatigue (repeated push requests)",
                ja: "MFA 疲労攻撃 (プッシュ通知の連続送信)",
            },
            AttackKind::LegacyAuth => spec::Bi {
                en: "legacy authentication",
                ja: "レガシー認証",
            },
            AttackKind::DeviceCode => spec::Bi {
                en: "device code flow",
                ja: "デバイス コード フロー",
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attack {
    pub kind: AttackKind,
    /// The client app (legacy authentication) or app (device code) it is about.
    pub subject: Option<String>,
    pub ips: Vec<String>,
    pub ip_count: u64,
    pub users: Vec<String>,
    pub user_count: u64,
    pub events: u64,
    pub successes: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub success_after: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalRow {
    pub name: String,
    pub kind: Kind,
    pub failures: u64,
    pub interrupts: u64,
    pub top_code: u32,
    pub codes: Vec<(u32, u64)>,
    pub apps: u64,
    pub last: Option<i64>,
    pub credential_problem: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRow {
    pub name: String,
    pub os: String,
    pub failures: u64,
    pub users: u64,
    pub top_code: u32,
    pub last: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stale {
    pub events: u64,
    pub non_interactive: u64,
    pub users: u64,
    pub codes: Vec<(u32, u64)>,
}

/// A code's failures per step: (step start, count).
pub type Series = (u32, Vec<(i64, u64)>);

/// Lists of names in attacks stop here; counts say how many there were.
pub const MAX_NAMES: usize = 50;

pub fn build(agg: Agg, inputs: Vec<InputStats>, th: &Thresholds, kb_: &Kb) -> Report {
    let top_n = th.get("top") as usize;
    let top_values = th.get("top-values") as usize;
    let t = &agg.totals;
    let totals = Totals {
        events: t.events,
        successes: t.successes,
        failures: t.failures,
        interrupts: t.interrupts,
        users: t.users.len() as u64,
        service_principals: t.service_principals.len() as u64,
        failing_users: t.failing_principals.len() as u64,
        by_kind: t.by_kind,
        first: t.first,
        last: t.last,
        without_time: t.without_time,
        duplicates: inputs.iter().map(|i| i.duplicates).sum(),
        unreadable: inputs.iter().map(|i| i.unreadable).sum(),
    };

    let mut kb_cache: HashMap<u32, Option<KbInfo>> = HashMap::new();
    let mut kb_of = |code: u32| {
        kb_cache
            .entry(code)
            .or_insert_with(|| kb::lookup(kb_, code))
            .clone()
    };

    let rows = |class: spec::Class, kb_of: &mut dyn FnMut(u32) -> Option<KbInfo>| -> Vec<CodeRow> {
        let denominator = match class {
            spec::Class::Interrupt => agg.totals.interrupted_principals.len(),
            _ => agg.totals.failing_principals.len(),
        }
        .max(1) as f64;
        let mut v: Vec<CodeRow> = agg
            .codes
            .iter()
            .filter(|(c, _)| spec::class_of(**c) == class)
            .map(|(code, c)| {
                let mut reasons: Vec<&(String, u64)> = c.reasons.values().collect();
                reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                CodeRow {
                    code: *code,
                    events: c.events,
                    users: c.users.len() as u64,
                    apps: c.apps.len() as u64,
                    share_of_failing_users: c.users.len() as f64 / denominator,
                    by_kind: c.by_kind,
                    first: c.first,
                    last: c.last,
                    reason: reasons.first().map(|r| r.0.clone()).unwrap_or_default(),
                    kb: None,
                    top: Vec::new(),
                    stale_session: spec::STALE_SESSION_CODES.contains(code),
                }
            })
            .collect();
        v.sort_by(|a, b| {
            b.users
                .cmp(&a.users)
                .then(b.events.cmp(&a.events))
                .then(a.code.cmp(&b.code))
        });
        for r in &mut v {
            r.kb = kb_of(r.code);
        }
        v
    };
    let mut failures = rows(spec::Class::Failure, &mut kb_of);
    let mut interrupts = rows(spec::Class::Interrupt, &mut kb_of);

    // Codes without an entry, most users first, before the lists are cut.
    let not_in_kb: Vec<u32> = failures
        .iter()
        .chain(interrupts.iter())
        .filter(|r| r.kb.is_none())
        .map(|r| r.code)
        .collect();

    failures.truncate(top_n);
    interrupts.truncate(top_n);
    for r in failures.iter_mut().chain(interrupts.iter_mut()) {
        r.top = breakdown(&agg, r.code, top_values);
    }

    let mut conditional_access: Vec<PolicyRow> = agg
        .policies
        .iter()
        .map(|((_, ri), p)| {
            let result = spec::POLICY_IMPACT_RESULTS[*ri as usize];
            PolicyRow {
                policy_id: p.id.clone(),
                policy: p.name.clone(),
                result: result.to_string(),
                events: p.events,
                users: p.users.len() as u64,
                apps: p.apps.len() as u64,
                report_only: result.starts_with("reportOnly"),
            }
        })
        .collect();
    conditional_access.sort_by(|a, b| {
        b.users
            .cmp(&a.users)
            .then(b.events.cmp(&a.events))
            .then(a.policy.cmp(&b.policy))
            .then(a.policy_id.cmp(&b.policy_id))
            .then(a.result.cmp(&b.result))
    });

    let bucket = th.minutes("spike-bucket-minutes");
    let (spikes, series) = spikes_of(
        &agg,
        th,
        failures
            .iter()
            .filter(|r| !r.stale_session)
            .map(|r| r.code)
            .collect(),
    );
    let app_spikes = app_spikes_of(&agg, th);
    let attacks = attacks_of(&agg, th);

    let mut worst_users = Vec::new();
    let mut service_principals = Vec::new();
    for (h, p) in &agg.principals {
        let kind = p.kind.unwrap_or_default();
        let mut codes: Vec<(u32, u64)> = p.codes.iter().map(|(c, n)| (*c, *n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let row = PrincipalRow {
            name: agg.name_of(*h).to_string(),
            kind,
            failures: p.failures,
            interrupts: p.interrupts,
            top_code: codes.first().map(|c| c.0).unwrap_or(0),
            credential_problem: codes
                .iter()
                .any(|(c, _)| spec::APP_CREDENTIAL_CODES.contains(c)),
            codes,
            apps: p.apps.len() as u64,
            last: p.last,
        };
        if p.failures == 0 {
            continue;
        }
        match kind {
            Kind::ServicePrincipal | Kind::ManagedIdentity => service_principals.push(row),
            _ => worst_users.push(row),
        }
    }
    for v in [&mut worst_users, &mut service_principals] {
        v.sort_by(|a, b| b.failures.cmp(&a.failures).then(a.name.cmp(&b.name)));
        v.truncate(top_n);
    }
    let mut devices: Vec<DeviceRow> = agg
        .devices
        .iter()
        .map(|(h, d)| {
            let top_code = d
                .codes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|c| *c.0)
                .unwrap_or(0);
            DeviceRow {
                name: agg.name_of(*h).to_string(),
                os: d.os.clone(),
                failures: d.failures,
                users: d.users.len() as u64,
                top_code,
                last: d.last,
            }
        })
        .collect();
    devices.sort_by(|a, b| b.failures.cmp(&a.failures).then(a.name.cmp(&b.name)));
    devices.truncate(top_n);

    let mut stale = Stale::default();
    let mut stale_users = Set::default();
    for code in spec::STALE_SESSION_CODES {
        if let Some(c) = agg.codes.get(code) {
            stale.events += c.events;
            stale.non_interactive += c.by_kind[Kind::NonInteractive.index()];
            stale_users.extend(c.users.iter().copied());
            stale.codes.push((*code, c.events));
        }
    }
    stale.users = stale_users.len() as u64;
    stale
        .codes
        .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    Report {
        inputs,
        totals,
        failures,
        interrupts,
        conditional_access,
        spikes,
        app_spikes,
        attacks,
        worst_users,
        service_principals,
        devices,
        stale_sessions: stale,
        not_in_kb,
        series,
        bucket,
        thresholds: th.clone(),
    }
}

fn breakdown(agg: &Agg, code: u32, n: usize) -> Vec<(&'static str, Vec<TopValue>)> {
    let mut out: Vec<(&'static str, Vec<TopValue>)> = spec::DIMENSIONS
        .iter()
        .map(|d| (d.key, Vec::new()))
        .collect();
    for ((c, di, h), cell) in &agg.breakdown {
        if *c != code {
            continue;
        }
        out[*di as usize].1.push(TopValue {
            name: agg.name_of(*h).to_string(),
            events: cell.events,
            users: cell.users.len() as u64,
        });
    }
    for (_, v) in &mut out {
        v.sort_by(|a, b| {
            b.events
                .cmp(&a.events)
                .then(b.users.cmp(&a.users))
                .then(a.name.cmp(&b.name))
        });
        v.truncate(n);
    }
    out
}

/// The median of `steps` values of which only `nonzero` (sorted) are not
/// zero: the series is never materialised, so a stray time stamp decades
/// away costs nothing.
fn sparse_median(nonzero_sorted: &[u64], steps: usize) -> f64 {
    median_with_repeats(
        nonzero_sorted,
        0,
        steps.saturating_sub(nonzero_sorted.len()),
    )
}

/// The median of `sorted` plus `count` more copies of `value`, without
/// making the copies.
fn median_with_repeats(sorted: &[u64], value: u64, count: usize) -> f64 {
    let n = sorted.len() + count;
    if n == 0 {
        return 0.0;
    }
    let below = sorted.partition_point(|v| *v < value);
    let at = |i: usize| -> u64 {
        if i < below {
            sorted[i]
        } else if i < below + count {
            value
        } else {
            sorted[i - count]
        }
    };
    let m = n / 2;
    if n % 2 == 1 {
        at(m) as f64
    } else {
        (at(m - 1) + at(m)) as f64 / 2.0
    }
}

/// Finds the steps of a series that stand out from its median by more than
/// `min-score` MADs (scaled to a normal's standard deviation, and never
/// less than one event), with at least `min-events` events; neighbouring
/// steps are one spike. `counts` holds the steps with failures (step
/// start, count), sorted; the other steps of the period count as zero.
fn detect(
    counts: &[(i64, u64)],
    steps: usize,
    start: i64,
    bucket: i64,
    min_events: u64,
    min_score: f64,
    first_seen: Option<i64>,
) -> Vec<(i64, i64, u64, f64, f64, bool)> {
    let mut sorted: Vec<u64> = counts.iter().map(|c| c.1).collect();
    sorted.sort_unstable();
    let med = sparse_median(&sorted, steps);
    // Deviations: the zero steps deviate by the median itself.
    let zeros = steps.saturating_sub(counts.len());
    let mut dev: Vec<u64> = counts
        .iter()
        .map(|&(_, c)| (c as f64 - med).abs().round() as u64)
        .collect();
    dev.sort_unstable();
    let mad = median_with_repeats(&dev, med.round() as u64, zeros);
    let scale = (1.4826 * mad).max(1.0);
    let mut out: Vec<(i64, i64, u64, f64, f64, bool)> = Vec::new();
    let mut open: Option<(i64, i64, u64, f64)> = None;
    let close = |o: (i64, i64, u64, f64), out: &mut Vec<_>| {
        let (s, e, n, best) = o;
        let new = s > start && first_seen.is_some_and(|f| f >= s);
        out.push((s, e, n, med, best, new));
    };
    for &(t, c) in counts {
        let score = (c as f64 - med) / scale;
        if c >= min_events && score >= min_score {
            open = Some(match open {
                Some((s, e, n, best)) if e == t => (s, t + bucket, n + c, best.max(score)),
                Some(o) => {
                    close(o, &mut out);
                    (t, t + bucket, c, score)
                }
                None => (t, t + bucket, c, score),
            });
        } else if let Some(o) = open.take() {
            close(o, &mut out);
        }
    }
    if let Some(o) = open {
        close(o, &mut out);
    }
    out
}

/// Steps needed before a baseline means anything.
const MIN_STEPS: usize = 6;
/// Points of a chart series at most; longer periods are summed into wider steps.
const MAX_POINTS: usize = 1000;

/// The period read as steps of `bucket` seconds: (first step, number of steps).
fn period(agg: &Agg, bucket: i64) -> Option<(i64, usize)> {
    let (first, last) = (agg.totals.first?, agg.totals.last?);
    let start = crate::time::bin(first, bucket);
    Some((
        start,
        ((crate::time::bin(last, bucket) - start) / bucket + 1) as usize,
    ))
}

fn spikes_of(agg: &Agg, th: &Thresholds, chart_codes: Vec<u32>) -> (Vec<Spike>, Vec<Series>) {
    let bucket = th.minutes("spike-bucket-minutes");
    let Some((start, steps)) = period(agg, bucket) else {
        return (Vec::new(), Vec::new());
    };
    let mut per_code: HashMap<u32, Vec<(i64, u64)>> = HashMap::new();
    for ((code, b), n) in &agg.series {
        per_code.entry(*code).or_default().push((*b, *n));
    }
    for v in per_code.values_mut() {
        v.sort_unstable();
    }
    let mut spikes = Vec::new();
    if steps >= MIN_STEPS {
        for (code, counts) in &per_code {
            let first_seen = agg.codes.get(code).and_then(|c| c.first);
            for (s, e, n, base, score, new) in detect(
                counts,
                steps,
                start,
                bucket,
                th.get("spike-min-events") as u64,
                th.get("spike-min-score") as f64,
                first_seen,
            ) {
                spikes.push(Spike {
                    code: Some(*code),
                    app: None,
                    start: s,
                    end: e,
                    events: n,
                    baseline: base,
                    score,
                    new,
                });
            }
        }
    }
    spikes.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.start.cmp(&b.start))
            .then(a.code.cmp(&b.code))
    });
    // Charts: every step, zeros included, at most MAX_POINTS points.
    let factor = steps.div_ceil(MAX_POINTS).max(1);
    let points = steps.div_ceil(factor);
    let series = chart_codes
        .into_iter()
        .filter_map(|c| {
            per_code.get(&c).map(|counts| {
                let mut v: Vec<(i64, u64)> = (0..points)
                    .map(|i| (start + (i * factor) as i64 * bucket, 0))
                    .collect();
                for (b, n) in counts {
                    let i = ((b - start) / bucket) as usize / factor;
                    if let Some(p) = v.get_mut(i) {
                        p.1 += n;
                    }
                }
                (c, v)
            })
        })
        .collect();
    (spikes, series)
}

fn app_spikes_of(agg: &Agg, th: &Thresholds) -> Vec<Spike> {
    let bucket = th.minutes("spike-bucket-minutes");
    let Some((start, steps)) = period(agg, bucket) else {
        return Vec::new();
    };
    if steps < MIN_STEPS {
        return Vec::new();
    }
    let mut per_app: HashMap<u64, Vec<(i64, u64)>> = HashMap::new();
    for ((app, b), n) in &agg.app_series {
        per_app.entry(*app).or_default().push((*b, *n));
    }
    let mut out = Vec::new();
    for (app, counts) in &mut per_app {
        counts.sort_unstable();
        for (s, e, n, base, score, _) in detect(
            counts,
            steps,
            start,
            bucket,
            th.get("spike-min-events") as u64,
            th.get("spike-min-score") as f64,
            None,
        ) {
            out.push(Spike {
                code: None,
                app: Some(agg.name_of(*app).to_string()),
                start: s,
                end: e,
                events: n,
                baseline: base,
                score,
                new: false,
            });
        }
    }
    out.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.start.cmp(&b.start))
            .then(a.app.cmp(&b.app))
    });
    out
}

fn names(agg: &Agg, set: &Set) -> Vec<String> {
    let mut v: Vec<String> = set.iter().map(|h| agg.name_of(*h).to_string()).collect();
    v.sort();
    v.truncate(MAX_NAMES);
    v
}

/// Flagged windows of one key, merged into one finding.
struct Merged {
    events: u64,
    members: Set,
    first: i64,
    last: i64,
}

/// Merges the flagged windows per key, each with its neighbouring windows
/// (`width` seconds before and after), so that a burst that crosses a
/// window boundary is reported whole.
fn merge_flagged(
    map: &crate::aggregate::Map<(u64, i64), Window>,
    flagged: &[(u64, i64)],
    width: i64,
) -> HashMap<u64, Merged> {
    let mut wanted: std::collections::BTreeSet<(u64, i64)> = std::collections::BTreeSet::new();
    for (key, win) in flagged {
        for w in [win - width, *win, win + width] {
            wanted.insert((*key, w));
        }
    }
    let mut out: HashMap<u64, Merged> = HashMap::new();
    for k in wanted {
        let Some(w) = map.get(&k) else { continue };
        let m = out.entry(k.0).or_insert_with(|| Merged {
            events: 0,
            members: Set::default(),
            first: w.first,
            last: w.last,
        });
        m.events += w.events;
        m.members.extend(w.members.iter().copied());
        m.first = m.first.min(w.first);
        m.last = m.last.max(w.last);
    }
    out
}

fn attacks_of(agg: &Agg, th: &Thresholds) -> Vec<Attack> {
    let mut out = Vec::new();
    let (ip_success, user_success) = agg.latest_successes();
    // Password spray: per address and window, many accounts, few tries each.
    let min_users = th.get("spray-min-users") as usize;
    let per_user = th.get("spray-max-attempts-per-user") as u64;
    let flagged: Vec<(u64, i64)> = agg
        .spray
        .iter()
        .filter(|(_, w)| {
            w.members.len() >= min_users && w.events <= per_user * w.members.len() as u64
        })
        .map(|(k, _)| *k)
        .collect();
    for (ip, m) in merge_flagged(&agg.spray, &flagged, th.minutes("spray-window-minutes")) {
        out.push(Attack {
            kind: AttackKind::PasswordSpray,
            subject: None,
            ips: vec![agg.name_of(ip).to_string()],
            ip_count: 1,
            users: names(agg, &m.members),
            user_count: m.members.len() as u64,
            events: m.events,
            successes: 0,
            first: Some(m.first),
            last: Some(m.last),
            success_after: ip_success.get(&ip).is_some_and(|t| *t >= m.first),
        });
    }
    // Brute force and lockout bursts: per account and window.
    for (kind, map, threshold, width) in [
        (
            AttackKind::BruteForce,
            &agg.brute,
            th.get("brute-min-attempts") as u64,
            th.minutes("brute-window-minutes"),
        ),
        (
            AttackKind::Lockout,
            &agg.lockout,
            th.get("lockout-min-events") as u64,
            th.minutes("lockout-window-minutes"),
        ),
    ] {
        let flagged: Vec<(u64, i64)> = map
            .iter()
            .filter(|(_, w)| w.events >= threshold)
            .map(|(k, _)| *k)
            .collect();
        for (user, m) in merge_flagged(map, &flagged, width) {
            out.push(Attack {
                kind,
                subject: None,
                ips: names(agg, &m.members),
                ip_count: m.members.len() as u64,
                users: vec![agg.name_of(user).to_string()],
                user_count: 1,
                events: m.events,
                successes: 0,
                first: Some(m.first),
                last: Some(m.last),
                // Brute force: a success from one of the attacking addresses;
                // lockout: any later success of the account.
                success_after: if kind == AttackKind::BruteForce {
                    m.members.iter().any(|ip| {
                        agg.user_ip_success
                            .get(&(user, *ip))
                            .is_some_and(|t| *t >= m.first)
                    })
                } else {
                    user_success.get(&user).is_some_and(|t| *t >= m.first)
                },
            });
        }
    }
    // MFA fatigue: many denied or unanswered requests in a window, and an
    // interactive success from the first denial up to the end of the next window.
    let width = th.minutes("mfa-window-minutes");
    let min_denials = th.get("mfa-min-denials") as u64;
    let flagged: Vec<(&(u64, i64), &Window)> = agg
        .mfa
        .iter()
        .filter(|(_, w)| w.events >= min_denials)
        .collect();
    let mut success: HashMap<u64, bool> = HashMap::new();
    for ((user, win), w) in &flagged {
        let here = agg
            .mfa_success
            .get(&(*user, *win))
            .is_some_and(|t| *t >= w.first);
        let next = agg.mfa_success.contains_key(&(*user, *win + width));
        *success.entry(*user).or_default() |= here || next;
    }
    // Only the flagged windows themselves: the success rule looks one window ahead.
    let keys: Vec<(u64, i64)> = flagged.iter().map(|(k, _)| **k).collect();
    for (user, m) in merge_flagged(&agg.mfa, &keys, 0) {
        out.push(Attack {
            kind: AttackKind::MfaFatigue,
            subject: None,
            ips: names(agg, &m.members),
            ip_count: m.members.len() as u64,
            users: vec![agg.name_of(user).to_string()],
            user_count: 1,
            events: m.events,
            successes: 0,
            first: Some(m.first),
            last: Some(m.last),
            success_after: success.get(&user).copied().unwrap_or(false),
        });
    }
    for (kind, map) in [
        (AttackKind::LegacyAuth, &agg.legacy),
        (AttackKind::DeviceCode, &agg.device_code),
    ] {
        for (key, u) in map {
            out.push(Attack {
                kind,
                subject: Some(agg.name_of(*key).to_string()),
                ips: names(agg, &u.ips),
                ip_count: u.ips.len() as u64,
                users: names(agg, &u.users),
                user_count: u.users.len() as u64,
                events: u.events,
                successes: u.successes,
                first: u.first,
                last: u.last,
                success_after: u.successes > 0,
            });
        }
    }
    out.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.events.cmp(&a.events))
            .then(a.subject.cmp(&b.subject))
            .then(a.users.cmp(&b.users))
            .then(a.ips.cmp(&b.ips))
    });
    out
}
