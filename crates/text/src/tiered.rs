//! Literal matchers that start fast and search fast.
//!
//! A DFA searches large logs about twice as fast as an NFA, but building
//! one is most of the start-up of a `diagnose` of one paragraph (a few
//! milliseconds for a few matchers). A [`Tiered`] matcher therefore answers
//! with a contiguous NFA until it has searched [`DFA_AFTER`] bytes, and then
//! builds the DFA once and uses it from then on. Both are built from the
//! same patterns with the same options, so they find the same matches
//! (aho-corasick guarantees that the kind of automaton never changes the
//! result).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// How many bytes a matcher searches with its NFA before it builds its DFA:
/// a paste or a short log never pays for the DFA, a large log pays for it
/// once it is clearly large.
pub const DFA_AFTER: usize = 1 << 20;

/// A literal matcher built lazily, first as an NFA, then as a DFA (see the
/// module's documentation).
pub struct Tiered {
    builder: AhoCorasickBuilder,
    patterns: Vec<Vec<u8>>,
    searched: AtomicUsize,
    nfa: OnceLock<AhoCorasick>,
    dfa: OnceLock<AhoCorasick>,
}

impl Tiered {
    /// `builder` holds every option but the kind (which this type chooses).
    /// Patterns that do not build are a programming error: they are the
    /// program's own constants.
    pub fn new<I, P>(builder: AhoCorasickBuilder, patterns: I) -> Tiered
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        Tiered {
            builder,
            patterns: patterns.into_iter().map(|p| p.as_ref().to_vec()).collect(),
            searched: AtomicUsize::new(0),
            nfa: OnceLock::new(),
            dfa: OnceLock::new(),
        }
    }

    /// The automaton to search a haystack of `len` bytes with.
    pub fn get(&self, len: usize) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        let before = self.searched.fetch_add(len, Ordering::Relaxed);
        if before.saturating_add(len) > DFA_AFTER {
            return self.dfa.get_or_init(|| self.build(AhoCorasickKind::DFA));
        }
        self.nfa
            .get_or_init(|| self.build(AhoCorasickKind::ContiguousNFA))
    }

    fn build(&self, kind: AhoCorasickKind) -> AhoCorasick {
        let mut builder = self.builder.clone();
        builder
            .kind(Some(kind))
            .build(&self.patterns)
            .expect("the program's own literal patterns build")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::MatchKind;

    fn matches(ac: &AhoCorasick, hay: &str) -> Vec<(usize, usize, usize)> {
        ac.find_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }

    #[test]
    fn the_dfa_takes_over_after_the_threshold_and_finds_the_same() {
        let mut builder = AhoCorasickBuilder::new();
        builder
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest);
        let t = Tiered::new(builder, ["device", "device name", "tenant"]);
        let hay = "Device Name: PC01 in TENANT x; device y";
        let first = matches(t.get(hay.len()), hay);
        assert_eq!(t.get(1).kind(), AhoCorasickKind::ContiguousNFA);
        assert_eq!(first, vec![(1, 0, 11), (2, 21, 27), (0, 31, 37)]);
        let after = t.get(DFA_AFTER);
        assert_eq!(after.kind(), AhoCorasickKind::DFA);
        assert_eq!(matches(after, hay), first);
        // Once built, the DFA answers every later search.
        assert_eq!(t.get(1).kind(), AhoCorasickKind::DFA);
    }
}
