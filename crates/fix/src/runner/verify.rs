//! The checks after the last step.

use super::{CheckResult, Runner};
use crate::facts::{self, SHORT};
use crate::plan::{show, Check};
use std::io;

impl Runner<'_> {
    /// Checks one outcome after the steps.
    pub fn verify(&self, check: &Check) -> CheckResult {
        let h = self.host;
        let result: Result<(bool, String), io::Error> = match check {
            Check::MovedAside { to, .. } => Ok((h.exists(to), show(to))),
            Check::RegKeyAbsent { key } => self.key_exists(key).map(|e| (!e, String::new())),
            Check::RegKeyPresent { key } => self.key_exists(key).map(|e| (e, String::new())),
            Check::RegValueIs { key, name, data } => facts::reg_value_state(h, key, name)
                .map(|v| (v.as_deref() == Some(data.as_str()), v.unwrap_or_default())),
            Check::CredentialsAbsent { targets } => h.run("cmdkey", &["/list"], SHORT).map(|o| {
                let left: Vec<String> = facts::parse_cmdkey_list(&o.text())
                    .into_iter()
                    .filter(|t| targets.iter().any(|x| t.eq_ignore_ascii_case(x)))
                    .collect();
                (left.is_empty(), left.join(", "))
            }),
            // Checks of one action live with it.
            Check::ClockSynced { before } => crate::actions::sync_clock::clock_synced(h, before),
            Check::PrtRefreshed { before } => {
                Ok(crate::actions::refresh_prt::prt_refreshed(h, before))
            }
            Check::BrokerRegistered => crate::actions::reregister_aad_broker::broker_registered(h),
            Check::ProcessRunning { image } => h.processes().map(|ps| {
                (
                    ps.iter().any(|p| p.image.eq_ignore_ascii_case(image)),
                    String::new(),
                )
            }),
            Check::DeviceLeft => Ok(crate::actions::dsreg_rejoin::device_left(h)),
        };
        let name = check.describe();
        match result {
            Ok((ok, detail)) => CheckResult {
                check: name,
                ok,
                detail,
            },
            Err(e) => CheckResult {
                check: name,
                ok: false,
                detail: e.to_string(),
            },
        }
    }
}
