//! m365doctor-scan: the inputs. Bytes in any encoding Windows writes become
//! text (through `m365doctor-text`), containers (zip archives, Windows event
//! logs, HAR files) become the texts inside them, and every sign-in error
//! code, identifier, app and event id is extracted from a text; large log
//! sets are counted as streams on several threads (`m365doctor scan`).
//!
//! What the evidence means for one case (ranking, the plan, redaction,
//! reports) is `m365doctor-diagnose`'s job, above this crate.
//!
//! ```
//! let found = m365doctor_scan::extract("Teams: Status code: caa70004\nCorrelation ID: 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f");
//! assert_eq!(found.codes[0].token.text, "caa70004");
//! assert_eq!(found.apps, ["teams"]);
//! ```

mod aggregate;
mod container;
mod document;
mod extract;
mod files;
mod prefilter;

pub use aggregate::{scan_reader, Aggregate, CodeStats, Seen};
pub use container::{expand, expand_with, is_container, secrets, Document, Limits};
pub use document::{scan_document, write_scan_text, SCAN_SCHEMA};
pub use extract::{
    extract, extract_until, hits, is_guid, pieces, Certainty, Extracted, FoundCode, FoundId, Hit,
    IdKind,
};
pub use files::{scan_files, ScanOptions, Scanned, Skip, SkipReason};
/// Folder walks that finish (see `m365doctor-walk`): `scan` and `diagnose` walk through here.
pub use m365doctor_walk::{walk, Found, Walk};
pub use prefilter::candidate_lines;
