//! `reset-identity-cache`: the account caches of Office and Windows
//! (`IdentityCache`, `OneAuth`) are moved aside, so that Office, Teams and
//! OneDrive sign in afresh; undo moves them back.

use crate::action::{Action, Roots};
use crate::facts::Facts;
use crate::host::Host;
use crate::plan::{apps_closed, move_folders, Options, Plan, OFFICE_APPS};
use crate::t;

/// Under `%LOCALAPPDATA%`.
const FOLDERS: &[&str] = &[r"Microsoft\IdentityCache", r"Microsoft\OneAuth"];

pub const ACTION: Action = Action {
    id: "reset-identity-cache",
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
