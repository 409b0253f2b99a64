//! Clues: what a text says about the app, the platform and the situation
//! ("since I changed my password", "新しいスマホにしてから", "works in the
//! browser"), found with small phrase patterns in both languages.
//!
//! English patterns are matched on stemmed words, in order, with up to two
//! other words between them ("changed my password" and "password was
//! changed" are two patterns; "changing the password" matches the first).
//! A `|` inside a pattern word gives alternatives. Japanese patterns are
//! matched on the normal form of the text; `…` stands for up to twelve
//! characters of anything. A clue that `negatable` is not counted after
//! "not", "no", "without" … or before ない/ません/なし.
//!
//! A signed clue has patterns for both answers: "other devices work" is
//! +1, "all my devices" is −1.

pub use crate::clue_table::{ClueDef, Kind, CLUES};
use crate::text::{self, Script, Token};
use aho_corasick::AhoCorasick;
use std::collections::HashMap;
use std::sync::OnceLock;

mod patterns {
    // The patterns in their matching form, made by build.rs from
    // clue_table.rs: (clue index, sign, words with their alternatives) and
    // (clue index, sign, segments split at `…`).
    include!(concat!(env!("OUT_DIR"), "/clue_patterns.rs"));
}

pub fn def(id: &str) -> Option<&'static ClueDef> {
    CLUES.iter().find(|c| c.id == id)
}

pub fn position(id: &str) -> Option<usize> {
    CLUES.iter().position(|c| c.id == id)
}

/// One clue found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: &'static str,
    pub kind: Kind,
    /// +1 for the clue, −1 for its opposite (signed clues only).
    pub value: f32,
    /// How many times it was found (for `about-sign-in`: the density).
    pub count: usize,
    /// The words that matched, as they appear in the normal form.
    pub matched: Vec<String>,
}

/// An English pattern: per position, the accepted terms.
type Phrase = &'static [&'static [&'static str]];

struct Compiled {
    /// By the first term of each English phrase, the phrases' indexes in
    /// `patterns::EN`.
    en_by_first: HashMap<&'static str, Vec<usize>>,
    /// Over the first segment of every Japanese pattern.
    ja_first: Option<AhoCorasick>,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let mut en_by_first: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (n, (_, _, p)) in patterns::EN.iter().enumerate() {
            for first in p.first().into_iter().flat_map(|alts| alts.iter()) {
                en_by_first.entry(first).or_default().push(n);
            }
        }
        // Built at every start: the cheapest automaton to build is plenty
        // fast for texts of a few kilobytes.
        let ja_first = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(patterns::JA.iter().map(|(_, _, s)| s[0]))
            .ok();
        Compiled {
            en_by_first,
            ja_first,
        }
    })
}

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "without", "didn", "haven", "hasn", "wasn", "weren", "isn", "don",
    "doesn", "nor", "aren",
];

/// At most this many other words between two words of a phrase.
const GAP: usize = 2;
/// At most this many characters between two segments of a Japanese pattern.
const JA_GAP: usize = 12;

/// The clues of a text (given as its canonical form and its tokens).
pub fn detect(canonical: &str, tokens: &[Token]) -> Vec<Found> {
    let c = compiled();
    let mut hits: Vec<(usize, f32, String)> = Vec::new();
    // English: the Latin words only, in order.
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.script == Script::Latin)
        .collect();
    for (start, w) in words.iter().enumerate() {
        let Some(list) = c.en_by_first.get(w.term.as_str()) else {
            continue;
        };
        for &n in list {
            let (clue, sign, phrase) = &patterns::EN[n];
            let (clue, sign) = (*clue as usize, *sign as f32);
            let Some(end) = match_phrase(&words, start, phrase) else {
                continue;
            };
            // A denied situation is no clue; a denied answer of a signed
            // clue is the other answer ("not only me", 自分だけじゃない).
            let mut sign = sign;
            if negated(&words, start) || negated_ja(canonical, words[end].end) {
                if CLUES[clue].negatable {
                    continue;
                }
                if signed(clue) {
                    sign = -sign;
                }
            }
            let surface: Vec<&str> = words[start..=end]
                .iter()
                .map(|t| t.surface.as_str())
                .collect();
            // Words right next to each other say it more surely than words
            // with others between them ("browser works" beside "browser …
            // too").
            let tight = if end - start + 1 == phrase.len() {
                1.0
            } else {
                0.6
            };
            hits.push((clue, sign * tight, surface.join(" ")));
        }
    }
    // Japanese: the normal form.
    if let Some(ac) = &c.ja_first {
        for m in ac.find_overlapping_iter(canonical) {
            let (clue, sign, segments) = &patterns::JA[m.pattern().as_usize()];
            let (clue, sign) = (*clue as usize, *sign as f32);
            // A katakana word inside a longer one is another word
            // (ワード in パスワード).
            let before = canonical[..m.start()].chars().next_back();
            let first = segments[0].chars().next();
            if first.is_some_and(text::is_katakana) && before.is_some_and(text::is_katakana) {
                continue;
            }
            let mut at = m.end();
            let mut ok = true;
            for seg in &segments[1..] {
                let window_end = advance(canonical, at, JA_GAP + seg.chars().count());
                match canonical[at..window_end].find(seg) {
                    Some(n) => at += n + seg.len(),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            let mut sign = sign;
            if negated_ja(canonical, at) {
                if CLUES[clue].negatable {
                    continue;
                }
                if signed(clue) {
                    sign = -sign;
                }
            }
            hits.push((clue, sign, canonical[m.start()..at].to_string()));
        }
    }
    // Fold the hits into one value per clue.
    let mut per: Vec<(f32, f32, Vec<String>)> = vec![(0.0, 0.0, Vec::new()); CLUES.len()];
    for (clue, sign, surface) in hits {
        let p = &mut per[clue];
        if sign > 0.0 {
            p.0 += sign;
        } else {
            p.1 -= sign;
        }
        if !p.2.contains(&surface) && p.2.len() < 5 {
            p.2.push(surface);
        }
    }
    let mut found: Vec<Found> = Vec::new();
    for (i, (pos, neg, matched)) in per.into_iter().enumerate() {
        if pos == 0.0 && neg == 0.0 {
            continue;
        }
        let value = if pos > neg {
            1.0
        } else if neg > pos {
            -1.0
        } else {
            0.0
        };
        if value == 0.0 {
            continue;
        }
        found.push(Found {
            id: CLUES[i].id,
            kind: CLUES[i].kind,
            value,
            count: (pos + neg).round().max(1.0) as usize,
            matched,
        });
    }
    // `unless` and `implies`.
    let present: Vec<&str> = found.iter().map(|f| f.id).collect();
    found.retain(|f| def(f.id).is_none_or(|d| !d.unless.iter().any(|u| present.contains(u))));
    let mut implied: Vec<Found> = Vec::new();
    for f in &found {
        for &imp in def(f.id).map(|d| d.implies).unwrap_or(&[]) {
            if !found.iter().any(|g| g.id == imp) && !implied.iter().any(|g| g.id == imp) {
                if let Some(d) = def(imp) {
                    implied.push(Found {
                        id: d.id,
                        kind: d.kind,
                        value: 1.0,
                        count: 1,
                        matched: f.matched.clone(),
                    });
                }
            }
        }
    }
    found.extend(implied);
    found.sort_by_key(|f| position(f.id));
    found
}

fn match_phrase(words: &[&Token], start: usize, phrase: Phrase) -> Option<usize> {
    if !phrase[0].contains(&words[start].term.as_str()) {
        return None;
    }
    let mut at = start;
    for alts in &phrase[1..] {
        let end = (at + 2 + GAP).min(words.len());
        let next = (at + 1..end).find(|&j| alts.contains(&words[j].term.as_str()));
        at = next?;
    }
    Some(at)
}

/// Whether a clue has patterns for both answers.
fn signed(clue: usize) -> bool {
    !CLUES[clue].neg_en.is_empty() || !CLUES[clue].neg_ja.is_empty()
}

fn negated(words: &[&Token], start: usize) -> bool {
    words[start.saturating_sub(3)..start]
        .iter()
        .any(|w| NEGATIONS.contains(&w.surface.as_str()))
}

/// Whether the Japanese right after a match denies it (VPN は使っていません,
/// パスワードは変更していない). The look stops where a new clause starts: a
/// clause ending (から, ので, 、) or a verb that is not one of using,
/// connecting, setting or changing (更新してから起動しない is an update
/// followed by a failure, not a denied update).
fn negated_ja(canonical: &str, end: usize) -> bool {
    const VERBS: &str = "使用利接続入設定変更無効";
    let mut window = String::new();
    for c in canonical[end..].chars().take(10) {
        if matches!(c, '、' | '。' | ',' | '.') || (text::is_kanji(c) && !VERBS.contains(c)) {
            break;
        }
        window.push(c);
        for stop in ["から", "ので", "けど", "が、"] {
            if window.ends_with(stop) {
                return false;
            }
        }
    }
    ["ない", "ません", "なし", "無し", "ではな", "おらず"]
        .iter()
        .any(|n| window.contains(n))
}

/// The byte offset `chars` characters after `from` (or the end).
fn advance(s: &str, from: usize, chars: usize) -> usize {
    s[from..]
        .char_indices()
        .nth(chars)
        .map(|(n, _)| from + n)
        .unwrap_or(s.len())
}
