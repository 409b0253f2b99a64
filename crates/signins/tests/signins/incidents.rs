//! Each analysis on fixtures with planted incidents, and the controls that
//! must not be flagged.

use super::common::*;
use m365doctor_signins::event::Event;
use m365doctor_signins::report::{Attack, Report};
use std::borrow::Cow;

const START: &str = "2026-03-02T00:00:00Z";

fn attacks<'r>(r: &'r Report, kind: &str) -> Vec<&'r Attack> {
    r.attacks.iter().filter(|a| a.kind.key() == kind).collect()
}

fn week() -> Vec<Event<'static>> {
    background(t(START), 3, 12)
}

#[test]
fn password_spray_from_one_address_across_30_users() {
    let mut v = week();
    let at = t("2026-03-03T03:01:00Z");
    for k in 0..30 {
        let mut e = ev(
            at + k * 20,
            &format!("victim{k}@contoso.example"),
            "198.51.100.23",
            50126,
        );
        e.client_app = Cow::Borrowed("Other clients");
        v.push(e);
    }
    // One account gets in from the same address half an hour later.
    v.push(ev(at + 1800, "victim7@contoso.example", "198.51.100.23", 0));
    // Control: one user trying 30 times from another address is brute force, not spray.
    for k in 0..30 {
        v.push(ev(
            at + k * 30,
            "target@contoso.example",
            "192.0.2.77",
            50126,
        ));
    }
    let r = run(&[diag("spray.json", &v)]);
    let spray = attacks(&r, "password-spray");
    assert_eq!(spray.len(), 1, "{spray:?}");
    let s = spray[0];
    assert_eq!(s.ips, ["198.51.100.23"]);
    assert_eq!((s.user_count, s.events), (30, 30));
    assert_eq!(s.users.len(), 30);
    assert!(s.users.contains(&"victim7@contoso.example".to_string()));
    assert!(
        s.success_after,
        "the later success from the spraying address is reported"
    );
    assert_eq!((s.first, s.last), (Some(at), Some(at + 29 * 20)));
    let brute = attacks(&r, "brute-force");
    assert_eq!(brute.len(), 1);
    assert_eq!(
        (
            brute[0].users[0].as_str(),
            brute[0].events,
            brute[0].success_after
        ),
        ("target@contoso.example", 30, false)
    );
    // With a stricter threshold nothing is a spray.
    let strict = run_with(&[diag("spray.json", &v)], &["spray-min-users=31"]);
    assert!(attacks(&strict, "password-spray").is_empty());
}

#[test]
fn spray_across_a_window_boundary_is_reported_whole() {
    let mut v = week();
    // 12 accounts before 03:20 and 12 after: one window is enough to flag it,
    // and the neighbouring window belongs to the same finding.
    let at = t("2026-03-03T03:14:00Z");
    for k in 0..24 {
        v.push(ev(
            at + k * 30,
            &format!("victim{k}@contoso.example"),
            "198.51.100.99",
            50126,
        ));
    }
    let r = run(&[diag("x.json", &v)]);
    let spray = attacks(&r, "password-spray");
    assert_eq!(spray.len(), 1);
    assert_eq!((spray[0].user_count, spray[0].events), (24, 24));
}

#[test]
fn brute_force_on_one_account_with_success_from_the_attacker() {
    let mut v = week();
    let at = t("2026-03-03T05:00:00Z");
    for k in 0..25 {
        v.push(ev(
            at + k * 60,
            "megan@contoso.example",
            "192.0.2.77",
            50126,
        ));
    }
    // The user's own success from home does not count as the attacker's.
    v.push(ev(at + 3600, "megan@contoso.example", "203.0.113.10", 0));
    let r = run(&[diag("x.json", &v)]);
    let b = attacks(&r, "brute-force");
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].events, b[0].ip_count, b[0].success_after),
        (25, 1, false)
    );
    v.push(ev(at + 4000, "megan@contoso.example", "192.0.2.77", 0));
    let r = run(&[diag("x.json", &v)]);
    assert!(
        attacks(&r, "brute-force")[0].success_after,
        "a success from the attacking address"
    );
}

#[test]
fn smart_lockout_burst() {
    let mut v = week();
    let at = t("2026-03-03T09:00:00Z");
    for k in 0..7 {
        let mut e = non_interactive(ev(at + k * 240, "aoi@contoso.example", "198.18.4.9", 50053));
        e.app = Cow::Borrowed("Outlook Mobile");
        v.push(e);
    }
    // Two lockouts of someone else are below the threshold.
    v.push(ev(at, "other@contoso.example", "198.18.4.10", 50053));
    v.push(ev(at + 60, "other@contoso.example", "198.18.4.10", 50053));
    let r = run(&[diag("x.json", &v)]);
    let l = attacks(&r, "lockout");
    assert_eq!(l.len(), 1);
    assert_eq!(
        (l[0].users[0].as_str(), l[0].events),
        ("aoi@contoso.example", 7)
    );
    let f = r.failures.iter().find(|f| f.code == 50053).unwrap();
    assert_eq!(f.kb.as_ref().unwrap().entry, "aadsts-account-locked");
}

#[test]
fn mfa_fatigue_then_success() {
    let mut v = week();
    let at = t("2026-03-03T07:02:00Z");
    for k in 0..8 {
        let mut e = with_step(
            ev(
                at + k * 30,
                "kenji@contoso.example",
                "203.0.113.200",
                500121,
            ),
            "MFA denied; user did not respond to mobile app notification",
            false,
        );
        e.additional_details =
            Cow::Borrowed("MFA denied; user did not respond to mobile app notification");
        v.push(e);
    }
    v.push(with_step(
        ev(
            at + 8 * 30 + 60,
            "kenji@contoso.example",
            "203.0.113.200",
            0,
        ),
        "MFA successfully completed",
        true,
    ));
    // Control: denials that never end in a success.
    for k in 0..8 {
        v.push(with_step(
            ev(at + k * 30, "mei@contoso.example", "203.0.113.201", 500121),
            "MFA denied; user declined the authentication",
            false,
        ));
    }
    let r = run(&[diag("x.json", &v)]);
    let m = attacks(&r, "mfa-fatigue");
    assert_eq!(m.len(), 2);
    let kenji = m
        .iter()
        .find(|a| a.users[0] == "kenji@contoso.example")
        .unwrap();
    let mei = m
        .iter()
        .find(|a| a.users[0] == "mei@contoso.example")
        .unwrap();
    assert_eq!((kenji.events, kenji.success_after), (8, true));
    assert_eq!((mei.events, mei.success_after), (8, false));
}

#[test]
fn spike_after_a_policy_change_and_a_new_code() {
    let mut v = week();
    // A flat baseline: one 53003 an hour (a location block), for three days.
    for h in 0..72 {
        v.push(with_policy(
            ev(
                t(START) + h * 3600 + 600,
                "traveller@contoso.example",
                "45.76.0.9",
                53003,
            ),
            "Block outside Japan",
            "failure",
        ));
    }
    // Day 2, 09:00: the new "Require compliant device" policy refuses iPhones.
    let at = t("2026-03-03T09:00:00Z");
    for k in 0..60 {
        let mut e = with_policy(
            ev(
                at + k * 50,
                &format!("user{}@contoso.example", k % 12),
                "203.0.113.10",
                53003,
            ),
            "Require compliant device",
            "failure",
        );
        e.os = Cow::Borrowed(if k % 10 == 0 { "Android" } else { "Ios" });
        v.push(e);
    }
    // A code never seen before, from day 3.
    for k in 0..30 {
        v.push(ev(
            t("2026-03-04T12:00:00Z") + k * 60,
            &format!("user{}@contoso.example", k % 12),
            "203.0.113.11",
            50007,
        ));
    }
    let r = run(&[diag("x.json", &v)]);
    let s = r
        .spikes
        .iter()
        .find(|s| s.code == Some(53003))
        .expect("a 53003 spike");
    assert_eq!((s.start, s.end), (at, at + 3600));
    assert_eq!(s.events, 61, "60 new failures and the usual one");
    assert_eq!(s.baseline, 1.0);
    assert!(!s.new);
    let n = r
        .spikes
        .iter()
        .find(|s| s.code == Some(50007))
        .expect("a spike of the new code");
    assert!(n.new, "the code first appears in the spike");
    // What concentrates 53003 over the whole period: both policies, and iOS
    // for the new one's share.
    let f = r.failures.iter().find(|f| f.code == 53003).unwrap();
    let pols: Vec<(&str, u64)> = f
        .top_of("policies")
        .iter()
        .map(|p| (p.name.as_str(), p.events))
        .collect();
    assert_eq!(
        pols,
        [
            ("Block outside Japan", 72),
            ("Require compliant device", 60)
        ]
    );
    let os: Vec<(&str, u64)> = f
        .top_of("os")
        .iter()
        .map(|p| (p.name.as_str(), p.events))
        .collect();
    assert_eq!(os, [("Windows10", 72), ("Ios", 54), ("Android", 6)]);
    // Without a baseline long enough there are no spikes at all.
    let short: Vec<_> = v
        .iter()
        .filter(|e| e.time.unwrap() < t(START) + 4 * 3600)
        .cloned()
        .collect();
    assert!(run(&[diag("x.json", &short)]).spikes.is_empty());
}

#[test]
fn report_only_policy_that_would_block() {
    let mut v = week();
    for k in 0..9 {
        let e = ev(
            t("2026-03-03T10:00:00Z") + k * 300,
            &format!("user{}@contoso.example", k % 3),
            "203.0.113.12",
            0,
        );
        v.push(with_policy(
            e,
            "Block legacy authentication (report-only)",
            "reportOnlyFailure",
        ));
    }
    v.push(with_policy(
        ev(
            t("2026-03-03T11:00:00Z"),
            "user1@contoso.example",
            "203.0.113.12",
            0,
        ),
        "Block legacy authentication (report-only)",
        "reportOnlySuccess",
    ));
    let r = run(&[diag("x.json", &v)]);
    let p: Vec<_> = r
        .conditional_access
        .iter()
        .filter(|p| p.policy.starts_with("Block legacy"))
        .collect();
    assert_eq!(p.len(), 1, "reportOnlySuccess is no impact");
    assert_eq!(
        (
            p[0].result.as_str(),
            p[0].report_only,
            p[0].events,
            p[0].users
        ),
        ("reportOnlyFailure", true, 9, 3)
    );
}

#[test]
fn legacy_imap_and_device_code_sign_ins() {
    let mut v = week();
    for k in 0..5 {
        let mut e = ev(
            t("2026-03-03T08:00:00Z") + k * 600,
            "printer@contoso.example",
            "203.0.113.50",
            if k == 4 { 50126 } else { 0 },
        );
        e.client_app = Cow::Borrowed("IMAP4");
        v.push(e);
    }
    let mut e = ev(
        t("2026-03-03T02:10:00Z"),
        "admin@contoso.example",
        "45.76.0.9",
        0,
    );
    e.protocol = Cow::Borrowed("deviceCode");
    e.app = Cow::Borrowed("Microsoft Azure CLI");
    v.push(e);
    let r = run(&[diag("x.json", &v)]);
    let l = attacks(&r, "legacy-auth");
    assert_eq!(l.len(), 1);
    assert_eq!(
        (
            l[0].subject.as_deref(),
            l[0].events,
            l[0].successes,
            l[0].user_count
        ),
        (Some("IMAP4"), 5, 4, 1)
    );
    let d = attacks(&r, "device-code");
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].subject.as_deref(), d[0].ips.as_slice()),
        (
            Some("Microsoft Azure CLI"),
            ["45.76.0.9".to_string()].as_slice()
        )
    );
}

#[test]
fn ranking_by_users_interrupts_apart_noise_summarised_gaps_listed() {
    let mut v = week();
    let at = t("2026-03-03T12:00:00Z");
    // 50 events of one user outrank nothing: 6 users with 1 event each rank first.
    for k in 0..50 {
        v.push(ev(at + k, "one@contoso.example", "203.0.113.5", 50126));
    }
    for k in 0..6 {
        v.push(ev(
            at + k,
            &format!("user{k}@contoso.example"),
            "203.0.113.5",
            50105,
        ));
    }
    // Interrupts: many, but never failures.
    for k in 0..40 {
        v.push(ev(
            at + k,
            &format!("user{}@contoso.example", k % 12),
            "203.0.113.5",
            50074,
        ));
        v.push(ev(
            at + k,
            &format!("user{}@contoso.example", k % 12),
            "203.0.113.5",
            50140,
        ));
    }
    // Stale sessions in the background.
    for k in 0..20 {
        v.push(non_interactive(ev(
            at + k,
            &format!("user{}@contoso.example", k % 12),
            "203.0.113.5",
            70043,
        )));
    }
    // A code without a knowledge-base entry.
    let kb = m365doctor_kb::Kb::bundled();
    let gap = [50007u32, 50029, 50032, 50042]
        .into_iter()
        .find(|c| m365doctor_signins::kb::lookup(&kb, *c).is_none())
        .expect("a code not in the knowledge base");
    v.push(ev(at, "user3@contoso.example", "203.0.113.5", gap));
    let r = run(&[diag("x.json", &v)]);
    let codes: Vec<u32> = r.failures.iter().map(|f| f.code).collect();
    assert_eq!(codes[0], 70043, "most users first: {codes:?}");
    assert_eq!(codes[1], 50105);
    assert!(codes.iter().position(|c| *c == 50126) > Some(1));
    assert!(!codes.contains(&50074) && !codes.contains(&50140));
    assert_eq!(
        r.interrupts.iter().map(|i| i.code).collect::<Vec<_>>(),
        [50074, 50140]
    );
    assert_eq!(r.interrupts[0].events, 40);
    let f = &r.failures[1];
    assert_eq!(
        (
            f.users,
            f.events,
            f.apps,
            f.interactive(),
            f.non_interactive()
        ),
        (6, 6, 1, 6, 0)
    );
    assert!((f.share_of_failing_users - 6.0 / r.totals.failing_users as f64).abs() < 1e-9);
    assert_eq!(
        f.kb.as_ref().unwrap().entry,
        "aadsts-user-not-assigned-to-app"
    );
    assert!(r.failures[0].stale_session);
    assert_eq!(
        (
            r.stale_sessions.events,
            r.stale_sessions.non_interactive,
            r.stale_sessions.users
        ),
        (20, 20, 12)
    );
    assert_eq!(r.not_in_kb, [gap]);
    assert!(r
        .failures
        .iter()
        .find(|f| f.code == gap)
        .unwrap()
        .kb
        .is_none());
    // The user with 50 failures tops the worst-affected users.
    assert_eq!(
        (r.worst_users[0].name.as_str(), r.worst_users[0].failures),
        ("one@contoso.example", 50)
    );
}

#[test]
fn the_bundled_example_shows_every_planted_incident() {
    let r = run(&m365doctor_signins::example::bundled());
    for kind in [
        "password-spray",
        "brute-force",
        "lockout",
        "mfa-fatigue",
        "legacy-auth",
        "device-code",
    ] {
        assert!(!attacks(&r, kind).is_empty(), "{kind}");
    }
    assert!(r.spikes.iter().any(|s| s.code == Some(53000)));
    assert!(r.conditional_access.iter().any(|p| p.report_only));
    assert!(r.service_principals.iter().any(|s| s.credential_problem));
    assert_eq!(r.inputs[0].unreadable, 0);
}
