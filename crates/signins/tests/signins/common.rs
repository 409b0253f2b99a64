//! Helpers shared by the test modules.

use m365doctor_kb::Kb;
use m365doctor_signins::event::{Event, Policy, Step};
use m365doctor_signins::spec::Kind;
use m365doctor_signins::{analyze, example, lookup, time, Options, Report, Source, Thresholds};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(p)
}

pub fn path(p: &str) -> Source {
    Source::Path(data(p))
}

pub fn mem(name: &str, bytes: impl Into<Vec<u8>>) -> Source {
    let v: Vec<u8> = bytes.into();
    Source::Memory {
        name: name.into(),
        bytes: v.into(),
    }
}

pub fn run(sources: &[Source]) -> Report {
    run_with(sources, &[])
}

pub fn run_with(sources: &[Source], thresholds: &[&str]) -> Report {
    let mut th = Thresholds::default();
    for t in thresholds {
        th.set(t).unwrap();
    }
    analyze(
        sources,
        &Options {
            threads: 2,
            thresholds: th,
            ..Options::default()
        },
        &Kb::bundled(),
        None,
    )
}

/// The one sign-in with this request or correlation id.
pub fn find(sources: &[Source], id: &str) -> lookup::Found {
    let q = lookup::Query {
        id: Some(id.into()),
        ..lookup::Query::default()
    };
    let (mut found, _) = lookup::find(sources, &q, 2, &Kb::bundled());
    assert_eq!(found.len(), 1, "sign-ins with id {id}");
    found.remove(0)
}

pub fn t(s: &str) -> i64 {
    time::parse(s).unwrap_or_else(|| panic!("time {s}"))
}

/// A sign-in with the fields the analyses look at; the rest stays empty.
pub fn ev(at: i64, user: &str, ip: &str, code: u32) -> Event<'static> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Event {
        time: Some(at),
        kind: Kind::Interactive,
        id: Cow::Owned(format!("00000000-0000-4000-8000-{n:012x}")),
        correlation_id: Cow::Owned(format!("c0000000-0000-4000-8000-{n:012x}")),
        upn: Cow::Owned(user.into()),
        user_display: Cow::Owned(user.split('@').next().unwrap_or("").into()),
        user_id: Cow::Owned(format!("uid-{user}")),
        app: Cow::Borrowed("Microsoft Teams"),
        app_id: Cow::Borrowed("1fec8e78-bce4-4aaf-ab1b-5451cc387264"),
        resource: Cow::Borrowed("Microsoft Teams Services"),
        client_app: Cow::Borrowed("Mobile Apps and Desktop clients"),
        os: Cow::Borrowed("Windows10"),
        browser: Cow::Borrowed("Edge 122.0.0"),
        country: Cow::Borrowed("JP"),
        ip: Cow::Owned(ip.into()),
        code,
        failure_reason: Cow::Borrowed(if code == 0 { "" } else { "Failure." }),
        ..Event::default()
    }
}

pub fn non_interactive(mut e: Event<'static>) -> Event<'static> {
    e.kind = Kind::NonInteractive;
    e
}

pub fn with_policy(
    mut e: Event<'static>,
    name: &'static str,
    result: &'static str,
) -> Event<'static> {
    e.policies.push(Policy {
        id: Cow::Owned(format!("id-{name}")),
        name: Cow::Borrowed(name),
        result: Cow::Borrowed(result),
        grant_controls: vec![],
    });
    e
}

pub fn with_step(mut e: Event<'static>, result: &'static str, ok: bool) -> Event<'static> {
    e.steps.push(Step {
        method: Cow::Borrowed("Mobile app notification"),
        result_detail: Cow::Borrowed(result),
        succeeded: Some(ok),
        ..Step::default()
    });
    e
}

/// Events as a diagnostic-settings blob (JSON lines with `properties`).
pub fn diag(name: &str, events: &[Event<'static>]) -> Source {
    let mut s = String::new();
    for e in events {
        example::diagnostic_json(e, &mut s);
        s.push('\n');
    }
    mem(name, s)
}

/// Background: `users` users signing in successfully every hour for `days`.
pub fn background(start: i64, days: i64, users: usize) -> Vec<Event<'static>> {
    let mut v = Vec::new();
    for h in 0..days * 24 {
        for u in 0..users {
            let at = start + h * 3600 + (u as i64 * 97) % 3600;
            let mut e = ev(
                at,
                &format!("user{u}@contoso.example"),
                &format!("203.0.113.{}", u % 4 + 10),
                0,
            );
            if u % 2 == 0 {
                e = non_interactive(e);
            }
            v.push(e);
        }
    }
    v
}
