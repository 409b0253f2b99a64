//! The canonical sign-in event every input shape is normalised to. Strings
//! borrow from the record being read where they can.

use crate::record::{self, Raw};
use crate::spec::{self, Class, Kind};
use crate::time;
use std::borrow::Cow;

pub type S<'a> = Cow<'a, str>;

/// One Conditional Access policy's result for a sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy<'a> {
    pub id: S<'a>,
    pub name: S<'a>,
    /// `success`, `failure`, `notApplied`, `reportOnlyFailure`, …
    pub result: S<'a>,
    pub grant_controls: Vec<S<'a>>,
}

/// One authentication step (password, push notification, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step<'a> {
    pub method: S<'a>,
    pub method_detail: S<'a>,
    pub time: S<'a>,
    pub requirement: S<'a>,
    pub result_detail: S<'a>,
    pub succeeded: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event<'a> {
    /// Unix seconds, UTC.
    pub time: Option<i64>,
    pub kind: Kind,
    /// The sign-in's request id (Graph `id`, portal "Request ID").
    pub id: S<'a>,
    pub correlation_id: S<'a>,
    pub upn: S<'a>,
    pub user_display: S<'a>,
    pub user_id: S<'a>,
    pub user_type: S<'a>,
    pub sp_id: S<'a>,
    pub sp_name: S<'a>,
    pub app: S<'a>,
    pub app_id: S<'a>,
    pub resource: S<'a>,
    pub client_app: S<'a>,
    pub user_agent: S<'a>,
    pub os: S<'a>,
    pub browser: S<'a>,
    pub trust_type: S<'a>,
    pub compliant: Option<bool>,
    pub managed: Option<bool>,
    pub device_id: S<'a>,
    pub device_name: S<'a>,
    pub country: S<'a>,
    pub state: S<'a>,
    pub city: S<'a>,
    pub ip: S<'a>,
    pub asn: S<'a>,
    /// 0 is a success.
    pub code: u32,
    pub failure_reason: S<'a>,
    pub additional_details: S<'a>,
    pub protocol: S<'a>,
    pub transfer: S<'a>,
    pub token_type: S<'a>,
    pub ca_status: S<'a>,
    pub auth_requirement: S<'a>,
    /// The portal download's "Multifactor authentication result" column.
    pub mfa_result: S<'a>,
    pub policies: Vec<Policy<'a>>,
    pub steps: Vec<Step<'a>>,
}

impl<'a> Event<'a> {
    pub fn class(&self) -> Class {
        spec::class_of(self.code)
    }

    /// Who signed in, as the analyses count it: the user's UPN (or object
    /// id when there is none) for user sign-ins, the service principal's id
    /// (or name) for app and managed-identity ones. Not yet lower-cased.
    pub fn principal(&self) -> &str {
        let (a, b) = match self.kind {
            Kind::ServicePrincipal | Kind::ManagedIdentity => (&self.sp_id, &self.sp_name),
            _ => (&self.upn, &self.user_id),
        };
        if a.is_empty() {
            b
        } else {
            a
        }
    }

    /// Whether the principal is a UPN (lower-cased for counting).
    pub fn principal_is_upn(&self) -> bool {
        !matches!(self.kind, Kind::ServicePrincipal | Kind::ManagedIdentity) && !self.upn.is_empty()
    }

    pub fn interactive(&self) -> bool {
        self.kind == Kind::Interactive
    }

    pub fn into_owned(self) -> Event<'static> {
        fn o(s: S<'_>) -> S<'static> {
            Cow::Owned(s.into_owned())
        }
        Event {
            time: self.time,
            kind: self.kind,
            id: o(self.id),
            correlation_id: o(self.correlation_id),
            upn: o(self.upn),
            user_display: o(self.user_display),
            user_id: o(self.user_id),
            user_type: o(self.user_type),
            sp_id: o(self.sp_id),
            sp_name: o(self.sp_name),
            app: o(self.app),
            app_id: o(self.app_id),
            resource: o(self.resource),
            client_app: o(self.client_app),
            user_agent: o(self.user_agent),
            os: o(self.os),
            browser: o(self.browser),
            trust_type: o(self.trust_type),
            compliant: self.compliant,
            managed: self.managed,
            device_id: o(self.device_id),
            device_name: o(self.device_name),
            country: o(self.country),
            state: o(self.state),
            city: o(self.city),
            ip: o(self.ip),
            asn: o(self.asn),
            code: self.code,
            failure_reason: o(self.failure_reason),
            additional_details: o(self.additional_details),
            protocol: o(self.protocol),
            transfer: o(self.transfer),
            token_type: o(self.token_type),
            ca_status: o(self.ca_status),
            auth_requirement: o(self.auth_requirement),
            mfa_result: o(self.mfa_result),
            policies: self
                .policies
                .into_iter()
                .map(|p| Policy {
                    id: o(p.id),
                    name: o(p.name),
                    result: o(p.result),
                    grant_controls: p.grant_controls.into_iter().map(o).collect(),
                })
                .collect(),
            steps: self
                .steps
                .into_iter()
                .map(|s| Step {
                    method: o(s.method),
                    method_detail: o(s.method_detail),
                    time: o(s.time),
                    requirement: o(s.requirement),
                    result_detail: o(s.result_detail),
                    succeeded: s.succeeded,
                })
                .collect(),
        }
    }
}

/// Sign-in logs exist from 2000 to 2100; a time outside is a broken value
/// and treated as missing, so it cannot stretch the period to centuries.
pub fn plausible(t: Option<i64>) -> Option<i64> {
    t.filter(|t| (946_684_800..4_102_444_800).contains(t))
}

/// Why a record is not counted as a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    /// Neither `status.errorCode` nor `resultType` holds a code.
    NoResult,
    /// Another log category in the same export (audit logs, risky users, …).
    OtherCategory,
}

/// Hints from outside the record: the file name or CSV flavour says which
/// kind of sign-ins a file holds when the records do not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hint {
    pub kind: Option<Kind>,
}

fn take<'a>(s: Option<record::Str<'a>>) -> S<'a> {
    s.map(|s| s.0).unwrap_or(Cow::Borrowed(""))
}

fn or<'a>(a: S<'a>, b: Option<record::Str<'a>>) -> S<'a> {
    if a.trim().is_empty() {
        take(b)
    } else {
        a
    }
}

/// Normalises a JSON record of any shape.
pub fn from_raw<'a>(mut raw: Raw<'a>, hint: Hint) -> Result<Event<'a>, Skip> {
    let category = take(raw.category.take());
    let table = take(raw.table.take());
    let kind = kind_of(&raw, &category, &table, hint);
    if kind.is_none() && (!category.is_empty() || !table.is_empty()) {
        return Err(Skip::OtherCategory);
    }

    let status = raw.status.take().and_then(|s| s.0);
    let (status_code, failure_reason, additional) = match status {
        Some(s) => (
            s.error_code.and_then(|c| c.0),
            take(s.failure_reason),
            take(s.additional_details),
        ),
        None => (None, Cow::Borrowed(""), Cow::Borrowed("")),
    };
    let code = status_code
        .or(raw.result_type.and_then(|c| c.0))
        .ok_or(Skip::NoResult)?;
    let failure_reason = or(failure_reason, raw.result_description.take());

    // Log Analytics' TimeGenerated, diagnostic settings' `time`, then Graph's createdDateTime.
    let time = [
        raw.time_generated.as_ref(),
        raw.time.as_ref(),
        raw.created.as_ref(),
    ]
    .into_iter()
    .flatten()
    .find_map(|t| plausible(time::parse(t.as_str())));

    let device = raw.device.take().and_then(|d| d.0).unwrap_or_default();
    let mut place = raw.place.take().unwrap_or_default();
    let details = raw
        .place_details
        .take()
        .and_then(|p| p.details)
        .or_else(|| place.details.take())
        .unwrap_or_default();
    let country = or(take(details.country), place.country_code.take());

    let kind = kind.unwrap_or_else(|| {
        let no_user = raw.upn.as_ref().is_none_or(|u| u.as_str().is_empty())
            && raw.user_id.as_ref().is_none_or(|u| u.as_str().is_empty());
        if no_user && raw.sp_id.as_ref().is_some_and(|s| !s.as_str().is_empty()) {
            Kind::ServicePrincipal
        } else {
            Kind::Interactive
        }
    });

    Ok(Event {
        time,
        kind,
        id: take(raw.id.take()),
        correlation_id: take(raw.correlation_id.take()),
        upn: take(raw.upn.take()),
        user_display: take(raw.user_display.take()),
        user_id: take(raw.user_id.take()),
        user_type: take(raw.user_type.take()),
        sp_id: take(raw.sp_id.take()),
        sp_name: take(raw.sp_name.take()),
        app: take(raw.app.take()),
        app_id: take(raw.app_id.take()),
        resource: take(raw.resource.take()),
        client_app: take(raw.client_app.take()),
        user_agent: take(raw.user_agent.take()),
        os: take(device.operating_system),
        browser: take(device.browser),
        trust_type: take(device.trust_type),
        compliant: device.is_compliant.and_then(|f| f.0),
        managed: device.is_managed.and_then(|f| f.0),
        device_id: take(device.device_id),
        device_name: take(device.display_name),
        country,
        state: take(details.state),
        city: take(details.city),
        ip: or(take(raw.ip.take()), raw.caller_ip.take()),
        asn: take(raw.asn.take()),
        code,
        failure_reason,
        additional_details: additional,
        protocol: take(raw.protocol.take()),
        transfer: take(raw.transfer.take()),
        token_type: take(raw.token_type.take()),
        ca_status: take(raw.ca_status.take()),
        auth_requirement: take(raw.auth_requirement.take()),
        mfa_result: Cow::Borrowed(""),
        policies: raw
            .policies
            .take()
            .map(|l| l.0)
            .unwrap_or_default()
            .into_iter()
            .map(|p| Policy {
                id: take(p.id),
                name: take(p.display_name),
                result: take(p.result),
                grant_controls: p
                    .grant_controls
                    .map(|l| l.0.into_iter().map(|s| s.0).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        steps: raw
            .steps
            .take()
            .map(|l| l.0)
            .unwrap_or_default()
            .into_iter()
            .map(|s| Step {
                method: take(s.method),
                method_detail: take(s.method_detail),
                time: take(s.time),
                requirement: take(s.requirement),
                result_detail: take(s.result_detail),
                succeeded: s.succeeded.and_then(|f| f.0),
            })
            .collect(),
    })
}

/// The kind of sign-in: from Graph beta's `signInEventTypes`, the
/// diagnostic category, the Log Analytics table, `isInteractive`, the
/// file's hint, in that order. `None` with a category or table means
/// the record is not a sign-in at all.
fn kind_of(raw: &Raw<'_>, category: &str, table: &str, hint: Hint) -> Option<Kind> {
    if let Some(types) = &raw.event_types {
        for t in &types.0 {
            if let Some(k) = Kind::from_event_type(t.as_str()) {
                return Some(k);
            }
        }
    }
    for name in [category, table] {
        if !name.is_empty() {
            return Kind::from_category(name);
        }
    }
    if let Some(k) = hint.kind {
        return Some(k);
    }
    match raw.interactive.and_then(|f| f.0) {
        Some(true) => Some(Kind::Interactive),
        Some(false) => Some(Kind::NonInteractive),
        None => None,
    }
}
