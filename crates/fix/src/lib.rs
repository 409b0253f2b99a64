//! m365doctor-fix: safe, journaled, undoable repairs of Microsoft 365
//! sign-in state, and evidence collection for support. Every effect goes
//! through [`host::Host`]; each automated action is one module under
//! `actions/` described by an [`action::Action`] and registered in
//! [`actions::ALL`]; planning is pure ([`plan::plan`]); the
//! [`runner::Runner`] carries a plan out with a backup and a journal;
//! [`render`] shows plans and reports. See docs/fix.md for the contract.

pub mod text;

pub mod action;
pub mod actions;
pub mod catalog;
pub mod collect;
pub mod facts;
pub mod host;
pub mod network;
pub mod plan;
pub mod render;
pub mod runner;

pub use action::{Action, ReadOnly, Shown};
pub use facts::Facts;
pub use host::{Host, Os, RealHost};
pub use plan::{plan, Options, Plan};
pub use runner::Runner;
pub use text::Text;

/// Gathers this machine's facts (read-only) and plans `action` for a new run.
pub fn prepare(host: &dyn Host, action: &str, options: &Options) -> Result<Plan, plan::PlanError> {
    let mut dir = Runner::new(host).new_run_dir(action);
    if host.os() != Os::Windows {
        // Shown as it would be on Windows, where the action runs.
        let id = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        dir = plan::under(
            std::path::Path::new("%LOCALAPPDATA%"),
            &format!(r"m365doctor\runs\{}", id.unwrap_or_default()),
        );
    }
    let facts = facts::gather(host, action, dir);
    plan::plan(action, &facts, options)
}

/// Carries out a read-only action (`None`: `action` is not one; changing
/// actions are planned with [`prepare`] and run by the [`Runner`]).
pub fn read_only(action: &str, with: &ReadOnly) -> Option<std::io::Result<Shown>> {
    let run = actions::find(action)?.read_only?;
    Some(run(with))
}
