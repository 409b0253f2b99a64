//! Ranking: which finding explains the others, and which layer most likely
//! failed. Findings give their confidence to their layer; symptoms add
//! theirs (a tie-breaker next to a code, the whole answer without one).
//! Further evidence (the dsregcmd rules, scored words) joins through
//! [`crate::Case::add_layer_evidence`].

use crate::case::{Case, Finding};
use m365doctor_codes::{Kind, Layer};
use std::collections::BTreeMap;

/// Layers that explain failures reported by the layers above them: a broker
/// error next to a DNS failure is the DNS failure.
fn explanatory(layer: Layer) -> bool {
    matches!(layer, Layer::Network | Layer::ProxyTls | Layer::Clock)
}

/// An AADSTS code is the server's own reason for the OAuth error that the
/// broker reports as a 0xCAA2xxxx protocol code; the broker code only
/// repeats it.
fn aadsts_explains_protocol_errors(d: &mut Case) {
    let Some(aadsts) = d
        .findings
        .iter()
        .position(|f| f.interpretation.kind == Kind::Aadsts)
    else {
        return;
    };
    let mut explained = None;
    for f in &mut d.findings {
        let protocol =
            f.interpretation.kind == Kind::Caa && (f.interpretation.value >> 16) & 0xFFF == 0xAA2;
        if protocol {
            f.confidence *= 0.6;
            explained.get_or_insert_with(|| f.interpretation.normalized.clone());
        }
    }
    if let Some(code) = explained {
        let f = &mut d.findings[aadsts];
        f.explains.get_or_insert(code);
    }
}

/// Whether a finding is a network, proxy or clock failure reported by the
/// operating system (a root cause of the broker errors beside it).
pub(crate) fn is_os_root(f: &Finding) -> bool {
    f.interpretation.kind != Kind::Caa && f.interpretation.layer.is_some_and(explanatory)
}

/// Orders the findings (root causes first, then by confidence) and scores
/// the layers.
pub(crate) fn rank(d: &mut Case) {
    aadsts_explains_protocol_errors(d);
    // A network, proxy or clock failure reported by the operating system
    // explains the broker or library error next to it (0xCAA70004 beside
    // 0x80072EE7 is a name-resolution failure).
    let has_upper = d.findings.iter().any(|f| {
        f.interpretation.kind == Kind::Caa
            || f.interpretation.layer.is_some_and(|l| !explanatory(l))
    });
    let is_root = |f: &Finding| {
        f.interpretation.kind != Kind::Caa && f.interpretation.layer.is_some_and(explanatory)
    };
    for f in &mut d.findings {
        if has_upper && is_root(f) {
            f.confidence = (f.confidence + 0.08).min(0.99);
        }
        if f.explains.is_some() {
            f.confidence = (f.confidence + 0.04).min(0.99);
        }
    }
    let key = |f: &Finding| f.confidence + if has_upper && is_root(f) { 0.15 } else { 0.0 };
    d.findings.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let mut scores: BTreeMap<Layer, f64> = BTreeMap::new();
    for f in &d.findings {
        // The code's own layer, or the one its structure and its line's
        // program point at, with less weight.
        if let Some((layer, evidence)) = f.layer_evidence() {
            let weight = if has_upper && is_root(f) { 1.4 } else { 1.0 };
            *scores.entry(layer).or_insert(0.0) += evidence * weight;
        }
    }
    // Dialog texts are generic ("Something went wrong"); next to a code they
    // only break ties.
    let coded = d.findings.iter().any(|f| f.confidence >= 0.6);
    for s in &d.symptoms {
        if let Some(layer) = s.layer {
            *scores.entry(layer).or_insert(0.0) += if coded { s.score * 0.3 } else { s.score };
        }
    }
    let mut layers: Vec<(Layer, f64)> = scores.into_iter().filter(|(_, s)| *s > 0.0).collect();
    layers.sort_by(|a, b| b.1.total_cmp(&a.1));
    d.layers = layers;
}
