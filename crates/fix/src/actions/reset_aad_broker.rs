//! `reset-aad-broker`: the accounts and token cache of the Microsoft Entra
//! broker (the Web Account Manager plug-in) are moved aside; the package
//! itself and its settings stay. Undo moves them back.

use crate::action::{Action, Roots};
use crate::facts::Facts;
use crate::host::Host;
use crate::plan::{apps_closed, move_folders, Options, Plan, OFFICE_APPS};
use crate::t;

/// Under `%LOCALAPPDATA%`.
const FOLDERS: &[&str] = &[
    r"Packages\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\AC\TokenBroker\Accounts",
    r"Packages\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\AC\TokenBroker\Cache",
];

pub const ACTION: Action = Action {
    id: "reset-aad-broker",
    roots: Roots {
        folders: FOLDERS,
        ..Roots::NONE
    },
    gather,
    plan,
    ..Action::DEFAULT
};

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_folders(host, FOLDERS);
}

fn plan(p: &mut Plan, facts: &Facts, _: &Options) {
    p.preconditions.push(apps_closed(OFFICE_APPS));
    move_folders(p, facts, FOLDERS);
    p.notes.push(t!(
        "Office, Teams and OneDrive ask you to sign in again (once per account).",
        "Office、Teams、OneDrive で再度サインインを求められます (アカウントごとに 1 回)。"
    ));
}
