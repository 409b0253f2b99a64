//! From text to words: one normal form for what people paste (full-width
//! letters, half-width katakana, quotes and dashes of every kind, upper and
//! lower case), a few synonyms folded into one spelling (log in / sign in /
//! サインイン / ログイン …), English words reduced to their stem (Snowball
//! English: "changed", "changing" and "changes" are one term) and Japanese
//! runs cut into character bigrams (no dictionary needed, and a compound
//! such as パスワード変更 still shares パス, スワ, … with パスワードを変更).
//!
//! This file is compiled twice: into the library and into build.rs, which
//! indexes the bundled entries with exactly the same rules. It therefore
//! uses nothing but `std`, `aho_corasick` and `rust_stemmers`.

use rust_stemmers::{Algorithm, Stemmer};

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// An ASCII word or code (`password`, `0x80070005`, `aadsts50126`).
    Latin,
    /// A bigram (or a lone kanji) of a Japanese run.
    Japanese,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The index term: an English stem, a code as written, or a Japanese
    /// bigram.
    pub term: String,
    /// The word as it appears in the normal form of the text (for
    /// explanations).
    pub surface: String,
    pub script: Script,
    /// Too common to say anything on its own (`the`, `my`, `is`); kept for
    /// phrase matching, left out of retrieval.
    pub stop: bool,
    /// Position among the Latin words (Japanese tokens carry the position of
    /// the next Latin word), for phrase matching.
    pub word: usize,
    /// Byte offset just after the token in the canonical text.
    pub end: usize,
}

/// One character in its normal form: the knowledge base's matching form
/// ([`m365doctor_kb::text::fold`]) and, because people type more freely
/// than dialogs print, a few more spaces, quotes, joiners and long-vowel
/// marks typed with the wrong key.
fn fold(c: char) -> Option<char> {
    let c = match c {
        '\u{00A0}' | '\t' | '\r' => ' ',
        '【' | '】' => '"',
        '`' | '´' => '\'',
        '―' | '─' => 'ー',
        '\u{200C}' | '\u{200D}' => return None,
        _ => c,
    };
    m365doctor_kb::text::fold(c)
}

/// The normal form: widths and punctuation folded, lower case, runs of
/// white space as one space. Line breaks become spaces too (a dialog text
/// wraps anywhere).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last: Option<char> = None;
    for raw in text.chars() {
        let Some(c) = fold(raw) else { continue };
        if c.is_whitespace() {
            if last.is_some_and(|l| l != ' ') {
                out.push(' ');
                last = Some(' ');
            }
            continue;
        }
        if matches!(c, '゛' | '゜' | '\u{3099}' | '\u{309A}') {
            if let Some(prev) = last.and_then(|p| m365doctor_kb::text::combine(p, c)) {
                out.pop();
                out.push(prev);
                last = Some(prev);
                continue;
            }
        }
        for lower in c.to_lowercase() {
            out.push(lower);
        }
        last = Some(c);
    }
    out
}

/// Spellings folded into one before tokenizing, longest first where one
/// contains another. The right-hand sides are what the entries' own texts
/// say most often, so a query in any spelling meets them.
const SYNONYMS: &[(&str, &str)] = &[
    // English sign-in verbs and nouns.
    ("signing in", "signin"),
    ("logging in", "signin"),
    ("logging on", "signin"),
    ("signed in", "signin"),
    ("logged in", "signin"),
    ("logged on", "signin"),
    ("sign-in", "signin"),
    ("sign in", "signin"),
    ("log-in", "signin"),
    ("log in", "signin"),
    ("log on", "signin"),
    ("logon", "signin"),
    ("login", "signin"),
    ("sign on", "signin"),
    ("signon", "signin"),
    ("logins", "signin"),
    ("sign-out", "signout"),
    ("sign out", "signout"),
    ("signed out", "signout"),
    ("log out", "signout"),
    ("logged out", "signout"),
    ("logout", "signout"),
    ("log off", "signout"),
    ("logoff", "signout"),
    ("multi-factor", "mfa"),
    ("multifactor", "mfa"),
    ("two-factor", "mfa"),
    ("two factor", "mfa"),
    ("2-factor", "mfa"),
    ("2fa", "mfa"),
    ("two-step", "mfa"),
    ("2-step", "mfa"),
    ("e-mail", "email"),
    ("wi-fi", "wifi"),
    ("time zone", "timezone"),
    ("time-zone", "timezone"),
    ("pop-up", "popup"),
    ("pop up", "popup"),
    ("re-imag", "reimag"),
    ("vs code", "vscode"),
    ("one drive", "onedrive"),
    ("share point", "sharepoint"),
    ("pass word", "password"),
    ("passwort", "password"),
    ("pasword", "password"),
    ("passowrd", "password"),
    ("pwd", "password"),
    // Japanese: the sign-in verbs, MFA, phones and PCs.
    ("ログイン", "サインイン"),
    ("ログオン", "サインイン"),
    ("サインオン", "サインイン"),
    ("ログアウト", "サインアウト"),
    ("ログオフ", "サインアウト"),
    ("サインオフ", "サインアウト"),
    ("多要素認証", "mfa"),
    ("二要素認証", "mfa"),
    ("2要素認証", "mfa"),
    ("二段階認証", "mfa"),
    ("2段階認証", "mfa"),
    ("2 段階認証", "mfa"),
    ("多段階認証", "mfa"),
    ("スマートフォン", "スマホ"),
    ("携帯電話", "スマホ"),
    ("パソコン", "pc"),
    ("タイム ゾーン", "タイムゾーン"),
    ("e メール", "メール"),
    ("eメール", "メール"),
    ("ｅメール", "メール"),
];

/// [`normalize`] plus the [`SYNONYMS`] folded (ASCII ones only at word
/// boundaries, so `blogin` stays what it is).
pub fn canonical(text: &str) -> String {
    use std::sync::OnceLock;
    static MATCHER: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(SYNONYMS.iter().map(|(from, _)| from))
            .expect("the synonym table builds")
    });
    let normal = normalize(text);
    let bytes = normal.as_bytes();
    let mut out = String::with_capacity(normal.len());
    let mut copied = 0;
    for m in matcher.find_iter(&normal) {
        let (from, to) = SYNONYMS[m.pattern().as_usize()];
        if from.is_ascii() {
            let before = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric();
            let after = m.end() >= bytes.len() || !bytes[m.end()].is_ascii_alphanumeric();
            // "re-imag" is a stem: "re-imaged" and "re-imaging" fold too.
            if !before || !(after || from.ends_with("imag")) {
                continue;
            }
        }
        out.push_str(&normal[copied..m.start()]);
        out.push_str(to);
        copied = m.end();
    }
    out.push_str(&normal[copied..]);
    out
}

pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | '〆' | 'ヶ')
}

pub fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | 'ヽ' | 'ヾ')
}

pub fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | 'ゝ' | 'ゞ')
}

pub fn is_japanese(c: char) -> bool {
    is_kanji(c) || is_katakana(c) || is_hiragana(c)
}

/// English words that carry no meaning for retrieval on their own.
const STOP: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for",
    "from", "get", "gets", "got", "had", "has", "have", "having", "he", "her", "here", "hi", "him",
    "his", "how", "i", "if", "im", "in", "into", "is", "it", "its", "just", "me", "my", "of", "on",
    "or", "our", "please", "she", "so", "some", "than", "thank", "thanks", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "to", "us", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "will", "with", "would", "you", "your", "s",
    "t", "ve", "ll", "d", "re", "m", "etc", "hello", "pls",
    // What is left of "won't", "can't", "doesn't" … once the apostrophe splits them.
    "won", "don", "doesn", "didn", "isn", "wasn", "aren", "weren", "couldn", "wouldn", "shouldn",
    "haven", "hasn", "hadn",
];

pub fn is_stop(word: &str) -> bool {
    STOP.contains(&word)
}

/// The index term of one ASCII word.
pub fn stem_word(stemmer: &Stemmer, word: &str) -> String {
    if word.bytes().all(|b| b.is_ascii_alphabetic()) && word.len() > 2 {
        stemmer.stem(word).into_owned()
    } else {
        word.to_string()
    }
}

pub fn english() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

/// The tokens of `text` (any mix of English, Japanese and codes).
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_canonical(&canonical(text), &english())
}

/// [`tokenize`] for a text already passed through [`canonical`].
pub fn tokenize_canonical(text: &str, stemmer: &Stemmer) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let mut words = 0usize;
    let flush_word = |word: &mut String, tokens: &mut Vec<Token>, words: &mut usize, end: usize| {
        if !word.is_empty() {
            tokens.push(Token {
                term: stem_word(stemmer, word),
                surface: word.clone(),
                script: Script::Latin,
                stop: is_stop(word) || (word.len() == 1 && !word.as_bytes()[0].is_ascii_digit()),
                word: *words,
                end,
            });
            *words += 1;
            word.clear();
        }
    };
    let flush_run = |run: &mut Vec<char>, tokens: &mut Vec<Token>, words: usize, end: usize| {
        // A long-vowel mark at the end of a katakana word is optional in
        // Japanese IT writing (サーバー / サーバ, ユーザー / ユーザ).
        let mut chars: Vec<char> = Vec::with_capacity(run.len());
        for (n, &c) in run.iter().enumerate() {
            let next = run.get(n + 1).copied();
            if c == 'ー' && !next.is_some_and(|x| is_katakana(x) && x != 'ー') {
                continue;
            }
            chars.push(c);
        }
        if chars.len() == 1 {
            if is_kanji(chars[0]) {
                let s = chars[0].to_string();
                tokens.push(Token {
                    term: s.clone(),
                    surface: s,
                    script: Script::Japanese,
                    stop: false,
                    word: words,
                    end,
                });
            }
        } else {
            for pair in chars.windows(2) {
                let s: String = pair.iter().collect();
                // Kana alone (して, ます, ずれ) is mostly grammar; the few
                // kana words that matter are clues (ぐるぐる, ずれ).
                let stop = pair.iter().all(|&c| is_hiragana(c));
                tokens.push(Token {
                    term: s.clone(),
                    surface: s,
                    script: Script::Japanese,
                    stop,
                    word: words,
                    end,
                });
            }
        }
        run.clear();
    };
    for (at, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            if !run.is_empty() {
                flush_run(&mut run, &mut tokens, words, at);
            }
            word.push(c);
        } else if is_japanese(c) {
            flush_word(&mut word, &mut tokens, &mut words, at);
            run.push(c);
        } else {
            flush_word(&mut word, &mut tokens, &mut words, at);
            if !run.is_empty() {
                flush_run(&mut run, &mut tokens, words, at);
            }
        }
    }
    flush_word(&mut word, &mut tokens, &mut words, text.len());
    if !run.is_empty() {
        flush_run(&mut run, &mut tokens, words, text.len());
    }
    tokens
}

/// The Damerau–Levenshtein distance of two short words, or `None` when it
/// is more than `max` (the search stops early).
pub fn within_edits(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

/// A clue's English pattern in its matching form: per word, the accepted
/// terms (`|` gives alternatives), each normalised and stemmed like text.
pub fn pattern_words(pattern: &str, stemmer: &Stemmer) -> Vec<Vec<String>> {
    let canonical = canonical(pattern);
    let mut out = Vec::new();
    for word in canonical.split(|c: char| !c.is_ascii_alphanumeric() && c != '|') {
        if word.is_empty() {
            continue;
        }
        out.push(
            word.split('|')
                .filter(|w| !w.is_empty())
                .map(|w| stem_word(stemmer, w))
                .collect(),
        );
    }
    out
}

/// A clue's Japanese pattern in its matching form: its segments (split at
/// `…`), each normalised like text.
pub fn pattern_segments(pattern: &str) -> Vec<String> {
    pattern.split('…').map(canonical).collect()
}
