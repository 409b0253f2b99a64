//! `--redact`: user names, addresses, IP addresses and device names become
//! stable placeholders (`user-1`, `ip-1`, `device-1`), the same value the
//! same placeholder everywhere in a report, for sharing it outside the
//! organisation. Apps, policies, codes, counts, times, correlation and
//! request ids stay: support needs them.

use crate::lookup::Found;
use crate::report::Report;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Redactor {
    seen: HashMap<(&'static str, String), String>,
    counts: HashMap<&'static str, usize>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// The placeholder for `value` of `kind` (`user`, `ip`, `device`, `tenant`).
    pub fn one(&mut self, kind: &'static str, value: &str) -> String {
        if value.is_empty() {
            return String::new();
        }
        let key = (kind, value.to_lowercase());
        if let Some(p) = self.seen.get(&key) {
            return p.clone();
        }
        let n = self.counts.entry(kind).or_insert(0);
        *n += 1;
        let p = format!("{kind}-{n}");
        self.seen.insert(key, p.clone());
        p
    }

    fn cow(&mut self, kind: &'static str, value: &str) -> Cow<'static, str> {
        Cow::Owned(self.one(kind, value))
    }

    /// A copy of the report with personal values replaced.
    pub fn report(&mut self, r: &Report) -> Report {
        let mut r = r.clone();
        for a in &mut r.attacks {
            for u in &mut a.users {
                *u = self.one("user", u);
            }
            for ip in &mut a.ips {
                *ip = self.one("ip", ip);
            }
        }
        for u in &mut r.worst_users {
            u.name = self.one("user", &u.name);
        }
        for d in &mut r.devices {
            d.name = self.one("device", &d.name);
        }
        r
    }

    /// Found sign-ins with personal values replaced, in the record too.
    pub fn found(&mut self, found: &[Found]) -> Vec<Found> {
        found
            .iter()
            .map(|f| {
                let mut f = f.clone();
                let e = &mut f.event;
                e.upn = self.cow("user", &e.upn);
                e.user_display = self.cow("user-name", &e.user_display);
                e.user_id = self.cow("user-id", &e.user_id);
                e.ip = self.cow("ip", &e.ip);
                e.device_name = self.cow("device", &e.device_name);
                e.device_id = self.cow("device-id", &e.device_id);
                self.value(&mut f.raw);
                f
            })
            .collect()
    }

    /// Replaces personal values in a raw record, by key (any nesting).
    fn value(&mut self, v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    let kind = match k.to_ascii_lowercase().replace([' ', '_', '-'], "").as_str() {
                        "userprincipalname"
                        | "username"
                        | "signinidentifier"
                        | "alternatesigninname" => Some("user"),
                        "userdisplayname" | "user" | "identity" => Some("user-name"),
                        "userid" => Some("user-id"),
                        "ipaddress"
                        | "calleripaddress"
                        | "ipaddress(seenbyresource)"
                        | "ipaddressfromresourceprovider" => Some("ip"),
                        "deviceid" => Some("device-id"),
                        "tenantid"
                        | "hometenantid"
                        | "resourcetenantid"
                        | "aadtenantid"
                        | "resourceownertenantid"
                        | "appownertenantid" => Some("tenant"),
                        _ => None,
                    };
                    if k.eq_ignore_ascii_case("devicedetail") {
                        self.device(val);
                        continue;
                    }
                    match (kind, val) {
                        (Some(kind), serde_json::Value::String(s)) => *s = self.one(kind, s),
                        (None, serde_json::Value::String(s)) => {
                            // A value already known as personal under another key.
                            if let Some(p) = self.known(s) {
                                *s = p;
                            }
                        }
                        (_, other) => self.value(other),
                    }
                }
            }
            serde_json::Value::Array(a) => {
                for x in a {
                    self.value(x);
                }
            }
            _ => {}
        }
    }
}

impl Redactor {
    /// The placeholder of a value already replaced, whatever its kind.
    fn known(&self, value: &str) -> Option<String> {
        let v = value.to_lowercase();
        self.seen
            .iter()
            .find(|((_, k), _)| *k == v)
            .map(|(_, p)| p.clone())
    }

    /// `deviceDetail`: an object, or JSON text in Log Analytics' string columns.
    fn device(&mut self, v: &mut serde_json::Value) {
        if let serde_json::Value::String(text) = v {
            if let Ok(mut inner) = serde_json::from_str::<serde_json::Value>(text) {
                self.device(&mut inner);
                *text = inner.to_string();
            }
            return;
        }
        if let serde_json::Value::Object(map) = v {
            for (k, val) in map.iter_mut() {
                let kind = match k.to_ascii_lowercase().as_str() {
                    "displayname" => "device",
                    "deviceid" => "device-id",
                    _ => continue,
                };
                if let serde_json::Value::String(s) = val {
                    *s = self.one(kind, s);
                }
            }
        }
    }
}
