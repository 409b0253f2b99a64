//! The link from one user's error to the tenant's logs: the sign-ins with a
//! Correlation ID (or request id) from a pasted error, or a user's
//! sign-ins around a time, in full, with their Conditional Access results,
//! authentication steps and the knowledge base's explanation.

use crate::event::{Event, Step};
use crate::input::{self, Consumer, InputStats, RawRef, Source};
use crate::kb::{self, KbInfo};
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Query {
    /// A Correlation ID or request id (case does not matter).
    pub id: Option<String>,
    /// A UPN (case does not matter) or object id.
    pub user: Option<String>,
    /// With `user`: only sign-ins within `window` seconds of this time.
    pub around: Option<i64>,
    pub window: i64,
}

#[derive(Debug, Clone)]
pub struct Found {
    pub event: Event<'static>,
    /// The record as the input holds it: JSON, or CSV header → value.
    pub raw: serde_json::Value,
    pub kb: Option<KbInfo>,
}

impl Query {
    fn matches(&self, e: &Event<'_>) -> bool {
        if let Some(id) = &self.id {
            let id = id.trim();
            if !(e.correlation_id.eq_ignore_ascii_case(id) || e.id.eq_ignore_ascii_case(id)) {
                return false;
            }
        }
        if let Some(user) = &self.user {
            let u = user.trim();
            let hit = e.upn.eq_ignore_ascii_case(u)
                || e.user_id.eq_ignore_ascii_case(u)
                || e.sp_id.eq_ignore_ascii_case(u)
                || e.sp_name.eq_ignore_ascii_case(u);
            if !hit {
                return false;
            }
            if let Some(t) = self.around {
                match e.time {
                    Some(et) if (et - t).abs() <= self.window => {}
                    _ => return false,
                }
            }
        }
        self.id.is_some() || self.user.is_some()
    }
}

struct Finder<'q> {
    query: &'q Query,
    found: Vec<(Event<'static>, serde_json::Value)>,
    steps: HashMap<String, Vec<Step<'static>>>,
}

/// Found records are few; more than this are not kept.
const MAX_FOUND: usize = 1000;

impl Consumer for Finder<'_> {
    fn event(&mut self, e: &Event<'_>, raw: RawRef<'_>) {
        if self.found.len() >= MAX_FOUND || !self.query.matches(e) {
            return;
        }
        let raw = match raw {
            RawRef::Json(b) => serde_json::from_slice(b).unwrap_or(serde_json::Value::Null),
            RawRef::Fields(f) => serde_json::Value::Object(
                f.into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect(),
            ),
        };
        self.found.push((e.clone().into_owned(), raw));
    }

    fn auth_detail(&mut self, request_id: &str, step: &Step<'_>) {
        let own = |s: &Cow<'_, str>| Cow::Owned(s.to_string());
        self.steps
            .entry(request_id.to_ascii_lowercase())
            .or_default()
            .push(Step {
                method: own(&step.method),
                method_detail: own(&step.method_detail),
                time: own(&step.time),
                requirement: own(&step.requirement),
                result_detail: own(&step.result_detail),
                succeeded: step.succeeded,
            });
    }

    fn wants_fields(&self) -> bool {
        true
    }
}

/// Finds the sign-ins that match `query`, oldest first.
pub fn find(
    sources: &[Source],
    query: &Query,
    threads: usize,
    kb_: &m365doctor_kb::Kb,
) -> (Vec<Found>, Vec<InputStats>) {
    let reader = input::Reader {
        threads: threads.max(1),
        progress: None,
        dedupe: false,
        piece: input::PIECE,
    };
    let (finder, stats) = input::read_all(
        sources,
        &reader,
        || Finder {
            query,
            found: Vec::new(),
            steps: HashMap::new(),
        },
        |a, b| {
            let room = MAX_FOUND.saturating_sub(a.found.len());
            a.found.extend(b.found.into_iter().take(room));
            for (k, v) in b.steps {
                a.steps.entry(k).or_default().extend(v);
            }
        },
    );
    let steps = finder.steps;
    let mut found = finder.found;
    // The same sign-in in two files (a download and a Graph pull) once.
    found.sort_by(|a, b| a.0.time.cmp(&b.0.time).then(a.0.id.cmp(&b.0.id)));
    found.dedup_by(|a, b| !a.0.id.is_empty() && a.0.id == b.0.id);
    let found = found
        .into_iter()
        .map(|(mut event, raw)| {
            if event.steps.len() <= 1 {
                if let Some(s) = steps.get(&event.id.to_ascii_lowercase()) {
                    event.steps = s.clone();
                }
            }
            let kb = (event.code != 0)
                .then(|| kb::lookup(kb_, event.code))
                .flatten();
            Found { event, raw, kb }
        })
        .collect();
    (found, stats)
}
