//! Ending a diagnosis early: a server stops the work of a caller that gave
//! up (its time limit passed, or it went away), so that the worker's place
//! is free again at once rather than when the work would have ended.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag shared by whoever may stop a diagnosis and the diagnosis, which
/// looks at it between inputs, every few thousand lines and every thousand
/// codes. A stopped diagnosis returns what it has: incomplete, not to be
/// shown to anyone.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks the diagnosis (and every clone of this flag) to end.
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
