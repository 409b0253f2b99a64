//! `reset-office-identity-registry`: Office's identity key (the signed-in
//! accounts) is exported into the backup, then deleted; undo imports the
//! export.

use crate::action::{Action, Roots};
use crate::facts::Facts;
use crate::host::Host;
use crate::plan::{apps_closed, export_and_delete, Options, Plan, OFFICE_APPS, OFFICE_IDENTITY};
use crate::t;

pub const ACTION: Action = Action {
    id: "reset-office-identity-registry",
    roots: Roots {
        keys: &[OFFICE_IDENTITY],
        ..Roots::NONE
    },
    gather,
    plan,
    ..Action::DEFAULT
};

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_keys(host, &[OFFICE_IDENTITY]);
}

fn plan(p: &mut Plan, facts: &Facts, _: &Options) {
    p.preconditions.push(apps_closed(OFFICE_APPS));
    export_and_delete(p, facts, OFFICE_IDENTITY, "office-identity.reg");
    p.notes.push(t!(
        "Office forgets the signed-in accounts and asks you to sign in again.",
        "Office はサインイン済みのアカウントを忘れるため、再度サインインが必要です。"
    ));
}
