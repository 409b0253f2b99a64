//! The automated actions, one module each. Adding one: a new module with
//! `pub const ACTION: Action` (see `crate::action::Action`), and its name
//! on a line of the list below (CONTRIBUTING.md, "Where to add an
//! automated fix action").

use crate::action::Action;

/// Declares each module and lists its action.
macro_rules! registry {
    ($($module:ident,)*) => {
        $(pub(crate) mod $module;)*

        /// Every automated action.
        pub static ALL: &[&Action] = &[$(&$module::ACTION),*];
    };
}

registry! {
    check_network,
    clear_office_credentials,
    collect_evidence,
    dsreg_rejoin,
    dsreg_status_check,
    new_outlook_profile,
    outlook_safe_mode,
    refresh_prt,
    reregister_aad_broker,
    reset_aad_broker,
    reset_identity_cache,
    reset_office_activation,
    reset_office_identity_registry,
    sync_clock,
}

/// The automated action with this id.
pub fn find(id: &str) -> Option<&'static Action> {
    ALL.iter().copied().find(|a| a.id == id)
}
