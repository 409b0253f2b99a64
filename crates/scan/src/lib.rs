//! m365doctor-scan: finds every sign-in error code, identifier and symptom in
//! pasted text, logs and files, and joins the evidence into one diagnosis.

pub mod aggregate;
pub mod case;
pub mod container;
pub mod diagnose;
pub mod extract;
pub mod prefilter;
pub mod redact;
pub mod report;
