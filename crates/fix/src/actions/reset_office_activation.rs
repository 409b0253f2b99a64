//! `reset-office-activation`: Office's licences (two folders) are moved
//! aside and its licensing key exported and deleted, so that Office
//! activates again at the next start; undo puts all of it back.

use crate::action::{Action, Roots};
use crate::facts::Facts;
use crate::host::Host;
use crate::plan::{
    apps_closed, export_and_delete, move_folders, Options, Plan, OFFICE_APPS, OFFICE_LICENSING,
};
use crate::t;

/// Under `%LOCALAPPDATA%`.
const FOLDERS: &[&str] = &[
    r"Microsoft\Office\Licenses",
    r"Microsoft\Office\16.0\Licensing",
];

pub const ACTION: Action = Action {
    id: "reset-office-activation",
    roots: Roots {
        folders: FOLDERS,
        keys: &[OFFICE_LICENSING],
        ..Roots::NONE
    },
    gather,
    plan,
    ..Action::DEFAULT
};

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_folders(host, FOLDERS);
    facts.probe_keys(host, &[OFFICE_LICENSING]);
}

fn plan(p: &mut Plan, facts: &Facts, _: &Options) {
    p.preconditions.push(apps_closed(OFFICE_APPS));
    move_folders(p, facts, FOLDERS);
    export_and_delete(p, facts, OFFICE_LICENSING, "office-licensing.reg");
    p.notes.push(t!(
        "The next Office app you start asks you to sign in to activate Office again.",
        "次に Office アプリを起動すると、ライセンス認証のために再度サインインを求められます。"
    ));
}
