//! m365doctor-signins: a whole tenant's Microsoft Entra sign-in logs,
//! offline. One streaming normaliser reads every export shape (diagnostic
//! settings' JSON lines and Event Hub captures, Microsoft Graph pages and
//! arrays, the Entra admin center's CSV and JSON downloads, Log Analytics
//! exports), one pass counts every analysis (failures by users affected,
//! what concentrates them, Conditional Access impact, spikes, attack
//! patterns, worst-affected principals), the knowledge base explains each
//! code, and the same analyses come out as KQL for Log Analytics, generated
//! from the same specification ([`spec`]).
//!
//! The crate is pure apart from reading its inputs: it prints nothing; the
//! command line renders [`Report`] with [`render`].

pub mod aggregate;
pub mod event;
pub mod example;
pub mod fastjson;
pub mod input;
pub mod kb;
pub mod kql;
pub mod lookup;
pub mod record;
pub mod redact;
pub mod render;
pub mod report;
pub mod spec;
pub mod time;

pub use input::{InputStats, Progress, Source};
pub use report::Report;
pub use spec::{Bi2, Thresholds};

use aggregate::{Agg, Params};
use event::Event;
use input::{Consumer, RawRef};

/// How to run an analysis.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads; 0 means one per CPU.
    pub threads: usize,
    pub thresholds: Thresholds,
    /// JSON-lines files larger than twice this many bytes are read in
    /// pieces of this size by all threads at once.
    pub piece_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 0,
            thresholds: Thresholds::default(),
            piece_bytes: input::PIECE,
        }
    }
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

struct Analysis {
    agg: Agg,
    params: Params,
}

impl Consumer for Analysis {
    fn event(&mut self, e: &Event<'_>, _raw: RawRef<'_>) {
        self.agg.add(e, &self.params);
    }
}

/// Reads every source and runs every analysis in one pass.
pub fn analyze(
    sources: &[Source],
    opts: &Options,
    kb: &m365doctor_kb::Kb,
    progress: Option<&Progress>,
) -> Report {
    let params = Params::new(&opts.thresholds);
    let threads = if opts.threads == 0 {
        default_threads()
    } else {
        opts.threads
    };
    let reader = input::Reader {
        threads,
        progress,
        dedupe: true,
        piece: opts.piece_bytes,
    };
    let (analysis, inputs) = input::read_all(
        sources,
        &reader,
        || Analysis {
            agg: Agg::new(),
            params,
        },
        |a, b| a.agg.merge(b.agg),
    );
    report::build(analysis.agg, inputs, &opts.thresholds, kb)
}

/// Whether any input could not be read at all or lost records.
pub fn had_problems(report: &Report) -> bool {
    report
        .inputs
        .iter()
        .any(|i| i.error.is_some() || i.unreadable > 0)
}
